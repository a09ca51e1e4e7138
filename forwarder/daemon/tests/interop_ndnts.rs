//! Interoperability with NDNts (an independent NDN implementation in JavaScript): an NDNts
//! producer registers a prefix over the Unix socket with NDNts's own prefix registration
//! (signed `rib/register` commands) and reads status datasets; an NDNts consumer on the
//! WebSocket channel, as a browser app would connect, fetches from it.
//!
//! Needs Node.js and the npm packages of `tests/interop/ndnts` (`npm ci` there):
//! `scripts/test.sh` installs them and runs this test. Run alone with
//! `cargo test -p ndnd --test interop_ndnts -- --include-ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

/// `NDN_INTEROP_NODE`, or `node` on PATH.
fn node() -> PathBuf {
    std::env::var_os("NDN_INTEROP_NODE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("node"))
}

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop/ndnts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs NDNts: run scripts/test.sh"]
async fn ndnts_producer_and_consumer_through_ndnd() {
    let dir = project();
    assert!(
        dir.join("node_modules/@ndn/endpoint").exists(),
        "the NDNts packages are not installed in {}; run scripts/test.sh (it runs npm ci there)",
        dir.display()
    );
    let d = TestDaemon::start().await;
    let ws = format!("ws://{}", d.addr("ws"));

    let mut producer = Command::new(node())
        .arg("producer.mjs")
        .current_dir(&dir)
        .env("NDND_UNIX", d.unix_path())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot run node; set NDN_INTEROP_NODE or put node on PATH");
    let mut lines = BufReader::new(producer.stdout.take().unwrap()).lines();
    let mut mgmt = None;
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(json) = line.strip_prefix("mgmt ") {
                mgmt = Some(serde_json::from_str::<serde_json::Value>(json).unwrap());
            } else if line == "ready" {
                return;
            }
        }
        panic!("the producer exited before it was ready");
    })
    .await
    .expect("producer did not register in time");

    // NDNts decoded ndnd's status datasets
    let mgmt = mgmt.expect("the producer printed no mgmt line");
    assert!(mgmt.get("error").is_none(), "{mgmt}");
    assert!(mgmt["nFibEntries"].as_u64().unwrap() >= 1, "{mgmt}");
    // the route as NDNts's enableNfdPrefixReg asked for it: origin client (65), cost 0, Capture
    let routes = mgmt["rib"].as_array().expect("/interop is in the RIB");
    assert_eq!(routes.len(), 1, "{mgmt}");
    assert_eq!(routes[0]["origin"], 65);
    assert_eq!(routes[0]["cost"], 0);
    assert_eq!(routes[0]["capture"], true);
    assert_eq!(routes[0]["childInherit"], false);
    assert!(
        mgmt["faceUris"].as_array().unwrap().iter().any(|u| u
            .as_str()
            .unwrap()
            .starts_with("fd://")
            || u.as_str().unwrap().starts_with("unix://")),
        "{mgmt}"
    );

    let mut consumer = Command::new(node())
        .arg("consumer.mjs")
        .current_dir(&dir)
        .env("NDND_WS", &ws)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let consumer_pid = consumer.id();
    let mut out = consumer.stdout.take().unwrap();
    let mut err = consumer.stderr.take().unwrap();
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let read = tokio::time::timeout(Duration::from_secs(120), async {
        tokio::try_join!(
            out.read_to_string(&mut stdout),
            err.read_to_string(&mut stderr)
        )
    })
    .await;
    if read.is_err() {
        consumer.kill().await.unwrap();
        panic!("consumer (pid {consumer_pid:?}) did not finish in time:\n{stdout}\n{stderr}");
    }
    read.unwrap().unwrap();
    consumer.wait().await.unwrap();
    let line = stdout.lines().last().unwrap_or_default();
    let r: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    println!("NDNts producer: {mgmt}\nNDNts consumer: {r}");
    assert!(r.get("error").is_none(), "{r}\n{stderr}");

    assert_eq!(r["first"][0], "/interop/a");
    assert_eq!(r["first"][1], "/interop/a #1");
    // ECDSA-signed by the producer; the certificate came through ndnd (CanBePrefix) and verifies
    assert_eq!(r["sigType"], 3, "SignatureSha256WithEcdsa");
    assert!(
        r["keyLocator"]
            .as_str()
            .unwrap()
            .starts_with("/interop/signer/KEY/"),
        "{r}"
    );
    assert_eq!(r["verified"], true, "{r}");
    // served from the content store: the producer's counter did not move
    assert_eq!(r["repeat"], r["first"]);
    assert_eq!(r["implicitDigest"], true, "{r}");
    assert!(r["prefix"][0].as_str().unwrap().starts_with("/interop/"));
    assert_ne!(
        r["fresh1"][1], r["fresh2"][1],
        "MustBeFresh must bypass stale Data"
    );
    assert_eq!(r["bigLength"], 7000);
    // ndnd sends Nack NoRoute over the WebSocket; NDNts's forwarder records it and lets the
    // Interest expire
    assert_eq!(r["nack"], 150, "Nack NoRoute: {r}");
    assert_eq!(r["noRoute"], "Interest rejected: expire", "{r}");
    assert_eq!(r["concurrentOk"], 300);

    producer.kill().await.unwrap();
    d.stop().await;
}
