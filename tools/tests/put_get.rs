//! `ndnput` and `ndnget` end to end through `ndnd` started in-process: sizes around the
//! segment boundary and 10 MB, two chained daemons and their cache, 5% packet loss on the
//! link, and signatures that must not verify (an untrusted key, a tampered segment).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// ndnput --once NAME FILE, ndnget NAME -o OUT: the output is byte-identical and ndnput exits
/// by itself.
async fn round_trip(env: &Env, dir: &std::path::Path, name: &str, content: &[u8]) {
    let input = write_file(dir, "in.bin", content);
    let out = dir.join("out.bin");
    let producer = env.put(name, &input, &["--once"]).await;
    assert!(
        producer.first_line.starts_with(&format!("{name}/v=")),
        "versioned name: {}",
        producer.first_line
    );
    let got = env.get(name, &out, &[]).await;
    assert_ok(&got, &format!("ndnget of {} bytes", content.len()));
    let fetched = std::fs::read(&out).unwrap();
    assert_eq!(fetched.len(), content.len());
    assert!(fetched == content, "{} bytes differ", content.len());
    let summary = text(&got.stderr);
    assert!(
        summary.contains(&format!("{} bytes", content.len())),
        "{summary}"
    );
    assert!(producer.wait().await.success(), "ndnput --once exits 0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sizes_around_one_segment_and_ten_megabytes_are_byte_identical() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));
    for (i, len) in [0usize, 1, 8000, 8001, 10_000_000].into_iter().enumerate() {
        let content = random_bytes(i as u64 + 1, len);
        round_trip(&env, dir.path(), &format!("/sizes/n{len}"), &content).await;
    }
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_input_is_published_and_the_default_identity_is_created_once() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));
    let content = random_bytes(9, 20_001);
    let producer = env
        .start_reading_line(
            "ndnput",
            &["/stdin/x", "--once", "--size", "1000"],
            Some(&content),
        )
        .await;
    let out = dir.path().join("out.bin");
    let got = env.get("/stdin/x", &out, &[]).await;
    assert_ok(&got, "ndnget");
    assert!(std::fs::read(&out).unwrap() == content);
    assert!(
        text(&got.stderr).contains("in 21 segments"),
        "{}",
        text(&got.stderr)
    );
    let out = producer.child.wait_with_output().await.unwrap();
    assert!(out.status.success());
    let notice = text(&out.stderr);
    assert!(notice.contains("created /localhost/operator"), "{notice}");

    // the second publisher uses the identity the first one created
    let file = write_file(dir.path(), "b.bin", b"b");
    let second = env.put("/stdin/y", &file, &["--once"]).await;
    assert_ok(
        &env.get("/stdin/y", &out_path(dir.path()), &[]).await,
        "second",
    );
    let out = second.child.wait_with_output().await.unwrap();
    assert!(
        !text(&out.stderr).contains("created"),
        "{}",
        text(&out.stderr)
    );
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarding_hint_routes_every_interest() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));
    let content = random_bytes(21, 30_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let mut producer = env.put("/hinted/file", &input, &[]).await;
    let out = dir.path().join("out.bin");
    // the forwarder routes by the delegation: one without a route fails although the name
    // has one
    let lost = env
        .get(
            "/hinted/file",
            &out,
            &["--fwhint", "/nowhere", "--retries", "0"],
        )
        .await;
    assert!(!lost.status.success(), "{}", text(&lost.stderr));
    assert!(
        text(&lost.stderr).contains("NoRoute"),
        "{}",
        text(&lost.stderr)
    );
    // the first delegation with a route is used, for discovery and every segment
    let got = env
        .get(
            "/hinted/file",
            &out,
            &["-F", "/nowhere", "-F", "/hinted/file/region"],
        )
        .await;
    assert_ok(&got, "ndnget --fwhint");
    assert!(std::fs::read(&out).unwrap() == content);
    producer.child.kill().await.unwrap();
    d.stop().await;
}

fn out_path(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join("out2.bin")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_two_daemons_then_from_the_first_daemons_cache() {
    let b = TestDaemon::start().await;
    let a = routed("/chain", b.udp_uri()).await;
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let on_a = Env::new(a.transport(), &keychain);
    let on_b = Env::new(b.transport(), &keychain);
    let content = random_bytes(3, 1_000_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = on_b.put("/chain/file", &input, &[]).await;
    let versioned = producer.first_line.clone();

    let out = dir.path().join("out.bin");
    assert_ok(&on_a.get("/chain/file", &out, &[]).await, "ndnget via A");
    assert!(std::fs::read(&out).unwrap() == content);

    // the publisher is gone: daemon A's content store serves the versioned object
    producer.kill().await;
    std::fs::remove_file(&out).unwrap();
    let again = on_a.get(&versioned, &out, &[]).await;
    assert_ok(&again, "ndnget from A's cache");
    assert!(std::fs::read(&out).unwrap() == content);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_percent_loss_on_the_link_is_recovered() {
    let b = TestDaemon::start().await;
    let relay = Relay::start(b.udp_addr(), 0.05, 7, None).await;
    let a = routed("/lossy", relay.uri()).await;
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let on_a = Env::new(a.transport(), &keychain);
    let on_b = Env::new(b.transport(), &keychain);
    let content = random_bytes(5, 2_000_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = on_b.put("/lossy/file", &input, &[]).await;

    let out = dir.path().join("out.bin");
    let got = on_a.get("/lossy/file", &out, &["--lifetime", "1000"]).await;
    assert_ok(&got, "ndnget over the lossy link");
    assert!(std::fs::read(&out).unwrap() == content);
    assert!(relay.dropped() > 0, "the relay dropped datagrams");
    let summary = text(&got.stderr);
    assert!(!summary.contains("retransmissions 0,"), "{summary}");
    assert!(!summary.contains("fast retransmissions 0,"), "{summary}");
    producer.kill().await;

    // without fast retransmit, every loss waits for a timeout (another name: nothing from the
    // first daemon's cache)
    let producer = on_b.put("/lossy/again", &input, &[]).await;
    let got = on_a
        .get(
            "/lossy/again",
            &out,
            &["--lifetime", "1000", "--reorder-threshold", "0"],
        )
        .await;
    assert_ok(&got, "ndnget --reorder-threshold 0 over the lossy link");
    assert!(std::fs::read(&out).unwrap() == content);
    let summary = text(&got.stderr);
    assert!(summary.contains("fast retransmissions 0,"), "{summary}");
    assert!(!summary.contains("timeouts 0,"), "{summary}");
    producer.kill().await;
    relay.stop();
    a.stop().await;
    b.stop().await;
}

/// NDNLPv2 link reliability on both ends of the lossy link (`ndnctl face create URI
/// --reliability on`, as nfdc's `reliability on`): the daemons send lost frames again
/// themselves, below the consumer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_reliability_sends_lost_frames_again_below_the_consumer() {
    let with_metrics = |c: &mut ndnd::Config| c.metrics.listen = "127.0.0.1:0".into();
    let b = TestDaemon::start_with(with_metrics).await;
    let relay = Relay::start(b.udp_addr(), 0.05, 11, None).await;
    let a = TestDaemon::start_with(|c| {
        with_metrics(c);
        c.routes.push(ndnd::config::RouteConfig {
            prefix: "/reliable".into(),
            face: relay.uri(),
            cost: 0,
        })
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let on_a = Env::new(a.transport(), &keychain);
    let on_b = Env::new(b.transport(), &keychain);
    let content = random_bytes(9, 2_000_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = on_b.put("/reliable/file", &input, &[]).await;
    // A's face to the relay exists (its route made it); B's appears with A's first Interest
    let out = on_a
        .run(
            "ndnctl",
            &["face", "create", &relay.uri(), "--reliability", "on"],
            None,
        )
        .await;
    assert_ok(&out, "ndnctl face create --reliability on, on A");
    let _ = on_a
        .run("ndnpeek", &["/reliable/warm-up", "--timeout", "500"], None)
        .await;
    let faces = on_b
        .run(
            "ndnctl",
            &["--json", "face", "list", "--scheme", "udp4"],
            None,
        )
        .await;
    let faces: serde_json::Value = serde_json::from_slice(&faces.stdout).unwrap();
    let towards_a = faces[0]["remote"]
        .as_str()
        .expect("B's face from the relay")
        .to_owned();
    let out = on_b
        .run(
            "ndnctl",
            &["face", "create", &towards_a, "--reliability", "on"],
            None,
        )
        .await;
    assert_ok(&out, "ndnctl face create --reliability on, on B");

    let out_file = dir.path().join("out.bin");
    let got = on_a
        .get("/reliable/file", &out_file, &["--lifetime", "2000"])
        .await;
    assert_ok(&got, "ndnget over the lossy link with link reliability");
    assert!(std::fs::read(&out_file).unwrap() == content);
    let lp = "ndnd_face_lp_frames_total{";
    let resent = a.metric_sum(lp, "event=\"retransmitted\"").await
        + b.metric_sum(lp, "event=\"retransmitted\"").await;
    let acked = a.metric_sum(lp, "event=\"acknowledged\"").await
        + b.metric_sum(lp, "event=\"acknowledged\"").await;
    eprintln!(
        "relay passed {} and dropped {} datagrams, daemons resent {resent}, acknowledged \
         {acked}; ndnget: {}",
        relay.forwarded(),
        relay.dropped(),
        text(&got.stderr)
    );
    assert!(relay.dropped() > 0, "the relay dropped datagrams");
    assert!(resent > 0, "the daemons sent lost frames again");
    assert!(acked > 0);
    producer.kill().await;
    relay.stop();
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_producer_key_the_consumer_does_not_trust_fails_with_a_signature_error() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let producer_env = Env::new(d.transport(), &dir.path().join("producer-keys"));
    let consumer_env = Env::new(d.transport(), &dir.path().join("consumer-keys"));
    let generated = consumer_env
        .run("ndnkey", &["generate", "/consumer"], None)
        .await;
    assert_ok(&generated, "ndnkey generate");
    let content = random_bytes(11, 50_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = producer_env.put("/untrusted/file", &input, &[]).await;

    let out = dir.path().join("out.bin");
    let got = consumer_env.get("/untrusted/file", &out, &[]).await;
    assert_eq!(got.status.code(), Some(5), "{}", text(&got.stderr));
    let err = text(&got.stderr);
    assert!(err.contains("signature invalid"), "{err}");
    assert!(err.contains("--trust-anchor"), "{err}");
    assert!(!out.exists(), "the partial output is removed");

    // with the producer's certificate as a trust anchor it works
    let cert = producer_env
        .run("ndnkey", &["export", "/localhost/operator"], None)
        .await;
    assert_ok(&cert, "ndnkey export");
    let anchor = write_file(dir.path(), "producer.cert", &cert.stdout);
    let got = consumer_env
        .get(
            "/untrusted/file",
            &out,
            &["--trust-anchor", anchor.to_str().unwrap()],
        )
        .await;
    assert_ok(&got, "ndnget --trust-anchor");
    assert!(std::fs::read(&out).unwrap() == content);

    // and without verification too
    let got = consumer_env
        .get("/untrusted/file", &out, &["--no-verify"])
        .await;
    assert_ok(&got, "ndnget --no-verify");
    producer.kill().await;
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_changed_on_the_link_fails_with_a_signature_error() {
    let b = TestDaemon::start().await;
    // flip one byte in the middle of the third large datagram from B (a segment's Content)
    let mut large = 0;
    let tamper: Tamper = Box::new(move |dgram: &mut [u8]| {
        if dgram.len() < 4000 {
            return false;
        }
        large += 1;
        if large != 3 {
            return false;
        }
        let mid = dgram.len() / 2;
        dgram[mid] ^= 0x01;
        true
    });
    let relay = Relay::start(b.udp_addr(), 0.0, 1, Some(tamper)).await;
    let a = routed("/tamper", relay.uri()).await;
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let on_a = Env::new(a.transport(), &keychain);
    let on_b = Env::new(b.transport(), &keychain);
    let content = random_bytes(13, 100_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = on_b.put("/tamper/file", &input, &[]).await;

    let out = dir.path().join("out.bin");
    let got = on_a.get("/tamper/file", &out, &[]).await;
    assert_eq!(relay.tampered(), 1);
    assert_eq!(got.status.code(), Some(5), "{}", text(&got.stderr));
    let err = text(&got.stderr);
    assert!(err.contains("signature invalid"), "{err}");
    assert!(err.contains("bad signature"), "{err}");
    producer.kill().await;
    relay.stop();
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digest_signed_data_needs_no_verify_and_other_pipelines_work() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));
    let content = random_bytes(17, 300_000);
    let input = write_file(dir.path(), "in.bin", &content);
    let producer = env.put("/digest/file", &input, &["--sign", "digest"]).await;
    let out = dir.path().join("out.bin");
    let got = env.get("/digest/file", &out, &[]).await;
    assert_eq!(got.status.code(), Some(5));
    assert!(
        text(&got.stderr).contains("DigestSha256"),
        "{}",
        text(&got.stderr)
    );
    for pipeline in ["fixed", "aimd", "cubic"] {
        let got = env
            .get(
                "/digest/file",
                &out,
                &["--no-verify", "--pipeline", pipeline, "--window", "8"],
            )
            .await;
        assert_ok(&got, pipeline);
        assert!(std::fs::read(&out).unwrap() == content, "{pipeline}");
    }
    producer.kill().await;

    // HMAC: the consumer needs the secret
    let producer = env
        .put(
            "/hmac/file",
            &input,
            &["--sign", "hmac", "--hmac-key", "00112233"],
        )
        .await;
    let got = env.get("/hmac/file", &out, &[]).await;
    assert_eq!(got.status.code(), Some(5));
    let got = env
        .get("/hmac/file", &out, &["--hmac-key", "00112233"])
        .await;
    assert_ok(&got, "ndnget --hmac-key");
    assert!(std::fs::read(&out).unwrap() == content);
    producer.kill().await;
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_the_reason() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));
    let out = dir.path().join("out.bin");

    let nack = env.get("/nobody/here", &out, &[]).await;
    assert_eq!(nack.status.code(), Some(4), "{}", text(&nack.stderr));
    let err = text(&nack.stderr);
    assert!(err.starts_with("ndnget: error: "), "{err}");
    assert!(err.contains("NoRoute"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");

    let gone = dir.path().join("no.sock");
    let nowhere = Env::new(format!("unix://{}", gone.display()), &env.keychain);
    for tool in [
        vec!["ndnget", "/x"],
        vec!["ndnpeek", "/x"],
        vec!["ndnping", "/x", "-c", "1"],
        vec!["ndnpingserver", "/x"],
    ] {
        let o = nowhere.run(tool[0], &tool[1..], None).await;
        assert_eq!(o.status.code(), Some(1), "{tool:?}");
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!(
                "no forwarder is listening on unix://{}; start one with `ndnd`",
                gone.display()
            )),
            "{tool:?}: {err}"
        );
    }
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tool_has_help() {
    let env = Env::new(
        "unix:///nonexistent".into(),
        std::path::Path::new("/nonexistent"),
    );
    for tool in [
        "ndnput",
        "ndnget",
        "ndnping",
        "ndnpingserver",
        "ndnpeek",
        "ndnpoke",
        "ndnkey",
    ] {
        let o = env.run(tool, &["--help"], None).await;
        assert!(o.status.success(), "{tool} --help");
        assert!(text(&o.stdout).contains("Usage:"), "{tool}");
        let bad = env.run(tool, &["--no-such-option"], None).await;
        assert_eq!(bad.status.code(), Some(2), "{tool} with a bad option");
    }
}
