//! Interoperability with python-ndn (an independent NDN implementation): python-ndn's segment
//! fetcher retrieves what `ndnput` published and checks every segment's Ed25519 signature
//! with the certificate `ndnkey export` prints.
//!
//! Needs python-ndn: `scripts/test.sh` installs it into `.venv` and runs this test. Run alone
//! with `cargo test -p ndn-tools --test interop_python -- --include-ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::*;

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("NDN_INTEROP_PYTHON") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python-ndn: run scripts/test.sh"]
async fn python_ndn_segment_fetcher_retrieves_and_verifies_what_ndnput_published() {
    let py = python();
    assert!(
        py.exists(),
        "python-ndn is not installed at {}; run scripts/test.sh (it creates .venv)",
        py.display()
    );
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));
    let content = random_bytes(21, 1_000_001);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = env.put("/interop/file", &input, &[]).await;
    let cert = env
        .run("ndnkey", &["export", "/localhost/operator"], None)
        .await;
    assert_ok(&cert, "ndnkey export");
    let cert_file = write_file(dir.path(), "producer.cert", &cert.stdout);

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/fetch.py");
    let out = tokio::time::timeout(
        RUN_TIMEOUT,
        tokio::process::Command::new(&py)
            .arg(&script)
            .arg("/interop/file")
            .arg(&cert_file)
            .env("NDN_CLIENT_TRANSPORT", d.transport())
            .env("HOME", dir.path())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("python-ndn did not finish in time")
    .unwrap();
    let stdout = text(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let r: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", text(&out.stderr)));
    assert!(r.get("error").is_none(), "{r}\n{}", text(&out.stderr));
    assert_eq!(r["length"], content.len());
    assert_eq!(r["segments"], content.len().div_ceil(8000));
    let expected: String = ndn::sign::sha256(&[&content])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(r["sha256"], expected);
    producer.kill().await;
    d.stop().await;
}
