//! Interoperability with python-ndn (an independent NDN implementation): a python-ndn producer
//! registers a prefix over the Unix socket, a python-ndn consumer on UDP fetches from it.
//!
//! Needs python-ndn: `scripts/test.sh` installs it into `.venv` and runs this test. Run alone
//! with `cargo test -p ndnd --test interop_python -- --include-ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("NDN_INTEROP_PYTHON") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python")
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python-ndn in .venv: run scripts/test.sh"]
async fn python_ndn_producer_and_consumer_through_ndnd() {
    let py = python();
    assert!(
        py.exists(),
        "python-ndn is not installed at {}; run scripts/test.sh (it creates .venv)",
        py.display()
    );
    let d = TestDaemon::start().await;
    let unix = format!("unix://{}", d.unix_path());
    let udp = format!("udp4://{}", d.addr("udp4"));

    let mut producer = Command::new(&py)
        .arg(script("producer.py"))
        .env("NDN_CLIENT_TRANSPORT", &unix)
        .env("HOME", d.dir.path())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(producer.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("producer did not start in time")
        .unwrap();
    assert_eq!(ready.as_deref(), Some("ready"));

    let out = tokio::time::timeout(
        Duration::from_secs(120),
        Command::new(&py)
            .arg(script("consumer.py"))
            .env("NDN_CLIENT_TRANSPORT", &udp)
            .env("HOME", d.dir.path())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("consumer did not finish in time")
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stdout.lines().last().unwrap_or_default();
    let r: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    assert!(r.get("error").is_none(), "{r}\n{stderr}");
    assert_eq!(r["first"][0], "/interop/a");
    assert_eq!(r["first"][1], "/interop/a #1");
    // served from the content store: the producer's counter did not move
    assert_eq!(r["repeat"], r["first"]);
    assert!(r["prefix"][0].as_str().unwrap().starts_with("/interop"));
    assert_ne!(
        r["fresh1"][1], r["fresh2"][1],
        "MustBeFresh must bypass stale Data"
    );
    assert_eq!(r["nack"], 150, "Nack NoRoute");
    assert_eq!(r["concurrent_ok"], 300);

    producer.kill().await.unwrap();
    d.stop().await;
}
