//! `ndnping`/`ndnpingserver`, `ndnpeek`/`ndnpoke` and `ndnkey` end to end through `ndnd`
//! started in-process.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use tokio::io::AsyncBufReadExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_and_ping_server_round_trip() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), dir.path());
    let server = env
        .start_reading_line("ndnpingserver", &["/pingtest", "-p", "3", "-s", "10"], None)
        .await;
    assert_eq!(server.first_line, "PING SERVER /pingtest");

    let ping = env
        .run(
            "ndnping",
            &["/pingtest", "-c", "3", "-i", "20", "-n", "100"],
            None,
        )
        .await;
    assert_ok(&ping, "ndnping");
    let out = text(&ping.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "PING /pingtest");
    for seq in 100..103 {
        assert!(
            lines.iter().any(|l| l
                .starts_with(&format!("content from /pingtest: seq={seq} time="))
                && l.ends_with(" ms")),
            "{out}"
        );
    }
    assert!(out.contains("--- /pingtest ping statistics ---"), "{out}");
    assert!(
        out.contains("3 packets transmitted, 3 received, 0 nacked, 0% packet loss"),
        "{out}"
    );
    assert!(out.contains("rtt min/avg/max/mdev = "), "{out}");

    let (rest, status) = server.finish().await;
    assert!(status.success());
    for seq in 100..103 {
        assert!(
            rest.contains(&format!("interest received: seq={seq}")),
            "{rest:?}"
        );
    }
    assert!(rest.contains(&"3 packets processed".to_owned()), "{rest:?}");

    // nobody answers this prefix: Nacks, and a non-zero exit status
    let lost = env
        .run(
            "ndnping",
            &["/nobody", "-c", "2", "-i", "10", "-n", "5"],
            None,
        )
        .await;
    assert_eq!(lost.status.code(), Some(1));
    let out = text(&lost.stdout);
    assert!(out.contains("nack from /nobody: seq=5 time="), "{out}");
    assert!(out.contains("reason=NoRoute"), "{out}");
    assert!(
        out.contains("2 packets transmitted, 0 received, 2 nacked"),
        "{out}"
    );
    d.stop().await;
}

/// An application on UDP, which forwarders treat as a non-local face, registers its prefix
/// through `/localhop/nfd` when the daemon accepts remote registration (the command used to go
/// to `/localhost/nfd`, which the daemon drops from non-local faces, so it timed out); when
/// the daemon does not, the error says what to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ping_server_over_udp_registers_through_localhop() {
    let d = TestDaemon::start_with(|c| c.mgmt.localhop_rib_register = true).await;
    let dir = tempfile::tempdir().unwrap();
    let over_udp = Env::new(d.udp_uri(), dir.path());
    let local = Env::new(d.transport(), dir.path());
    let server = over_udp
        .start_reading_line("ndnpingserver", &["/udpping", "-p", "2"], None)
        .await;
    assert_eq!(server.first_line, "PING SERVER /udpping");
    let ping = local
        .run("ndnping", &["/udpping", "-c", "2", "-i", "20"], None)
        .await;
    assert_ok(&ping, "ndnping");
    let out = text(&ping.stdout);
    assert!(
        out.contains("2 packets transmitted, 2 received, 0 nacked, 0% packet loss"),
        "{out}"
    );
    let (_, status) = server.finish().await;
    assert!(status.success());
    d.stop().await;

    let d = TestDaemon::start().await;
    let over_udp = Env::new(d.udp_uri(), dir.path());
    let refused = over_udp.run("ndnpingserver", &["/udpping"], None).await;
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    assert!(err.contains("/localhop/nfd"), "{err}");
    assert!(err.contains("localhop_rib_register = true"), "{err}");
    d.stop().await;
}

/// Start `ndnpoke ARGS` (with `--verbose`) and wait for its first line, which it writes once
/// registered. Its standard error comes back too: the caller keeps it open for the rest of
/// ndnpoke's output.
async fn start_poke(env: &Env, args: &[&str]) -> (tokio::process::Child, PokeStderr) {
    let mut poke = env.command("ndnpoke", args).spawn().unwrap();
    let mut err = tokio::io::BufReader::new(poke.stderr.take().unwrap()).lines();
    tokio::time::timeout(START_TIMEOUT, err.next_line())
        .await
        .unwrap()
        .unwrap();
    (poke, err)
}

type PokeStderr = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peek_and_poke_round_trip() {
    let d = TestDaemon::start().await;
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new(d.transport(), &dir.path().join("keychain"));

    // ndnpoke says when it is registered; ndnpeek then gets its Data
    let mut poke = env
        .command(
            "ndnpoke",
            &["/poke/a", "--freshness", "5000", "--final", "--verbose"],
        )
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use tokio::io::AsyncWriteExt;
        let mut w = poke.stdin.take().unwrap();
        w.write_all(b"hello poke").await.unwrap();
    }
    let mut err = tokio::io::BufReader::new(poke.stderr.take().unwrap()).lines();
    let mut ready = String::new();
    while !ready.contains("waiting for an Interest") {
        ready = tokio::time::timeout(START_TIMEOUT, err.next_line())
            .await
            .unwrap()
            .unwrap()
            .expect("ndnpoke ended early");
    }
    let peek = env.run("ndnpeek", &["/poke/a", "--payload"], None).await;
    assert_ok(&peek, "ndnpeek --payload");
    assert_eq!(peek.stdout, b"hello poke");
    let status = tokio::time::timeout(RUN_TIMEOUT, poke.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "ndnpoke exits after one Interest");

    // the Data stays in the forwarder's cache: the tree view and the raw wire
    let tree = env.run("ndnpeek", &["/poke/a"], None).await;
    assert_ok(&tree, "ndnpeek");
    let t = text(&tree.stdout);
    assert!(t.contains("Name (7)") && t.contains("/poke/a"), "{t}");
    assert!(t.contains("FreshnessPeriod (25) [2]: 5000 ms"), "{t}");
    assert!(t.contains("FinalBlockId"), "{t}");
    assert!(t.contains("SignatureEd25519"), "{t}");
    let raw = env.run("ndnpeek", &["/poke/a", "--raw"], None).await;
    assert_ok(&raw, "ndnpeek --raw");
    let data = ndn::Data::decode(raw.stdout.clone().into()).unwrap();
    assert_eq!(&data.content()[..], b"hello poke");

    // CanBePrefix and ApplicationParameters
    let (mut poke, _poke_err) =
        start_poke(&env, &["/poke/b/c", "--sign", "digest", "--verbose"]).await;
    let plain = env.run("ndnpeek", &["/poke/b", "-w", "300"], None).await;
    assert_eq!(plain.status.code(), Some(4), "no route for /poke/b: Nack");
    let prefixed = env
        .run("ndnpeek", &["/poke/b/c", "--prefix", "--payload"], None)
        .await;
    assert_ok(&prefixed, "ndnpeek --prefix");
    assert!(prefixed.stdout.is_empty(), "empty content from empty stdin");
    assert!(poke.wait().await.unwrap().success());

    // ForwardingHint: the forwarder routes by the delegation, not by the name
    let (mut poke, _poke_err) = start_poke(&env, &["/poke/h", "--verbose"]).await;
    let no_route = env
        .run(
            "ndnpeek",
            &["/poke/h", "--fwhint", "/nowhere", "-w", "300"],
            None,
        )
        .await;
    assert_eq!(
        no_route.status.code(),
        Some(4),
        "{}",
        text(&no_route.stderr)
    );
    let hinted = env
        .run(
            "ndnpeek",
            &[
                "/poke/h",
                "-F",
                "/nowhere",
                "-F",
                "/poke/h/region",
                "--payload",
            ],
            None,
        )
        .await;
    assert_ok(&hinted, "ndnpeek --fwhint");
    assert!(poke.wait().await.unwrap().success());

    // nothing answers: timeout (3), and a Nack (4) where there is no route
    let (mut server, _server_err) =
        start_poke(&env, &["/silent/x", "--verbose", "-w", "60000"]).await;
    let timeout = env
        .run(
            "ndnpeek",
            &[
                "/silent/x/other",
                "--lifetime",
                "200",
                "--hop-limit",
                "4",
                "--app-params",
                "0102",
            ],
            None,
        )
        .await;
    assert_eq!(timeout.status.code(), Some(3), "{}", text(&timeout.stderr));
    assert!(text(&timeout.stderr).contains("timeout"));
    server.kill().await.unwrap();
    let nack = env.run("ndnpeek", &["/no/route"], None).await;
    assert_eq!(nack.status.code(), Some(4));
    assert!(text(&nack.stderr).contains("Nack (NoRoute)"));

    // ndnpoke gives up after --timeout
    let gave_up = env
        .run("ndnpoke", &["/never/asked", "-w", "100"], None)
        .await;
    assert_eq!(gave_up.status.code(), Some(3), "{}", text(&gave_up.stderr));
    d.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ndnkey_generate_list_export_import_sign_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let producer = Env::new("unix:///unused".into(), &dir.path().join("producer"));
    let consumer = Env::new("unix:///unused".into(), &dir.path().join("consumer"));

    let generated = producer
        .run("ndnkey", &["generate", "/example/alice"], None)
        .await;
    assert_ok(&generated, "generate");
    let cert_name = text(&generated.stdout).trim().to_owned();
    assert!(cert_name.starts_with("/example/alice/KEY/"), "{cert_name}");
    assert!(cert_name.contains("/self/v="), "{cert_name}");
    let ecdsa = producer
        .run(
            "ndnkey",
            &["generate", "/example/bob", "--type", "ecdsa", "-n"],
            None,
        )
        .await;
    assert_ok(&ecdsa, "generate ecdsa");

    let list = producer.run("ndnkey", &["list"], None).await;
    assert_ok(&list, "list");
    let l = text(&list.stdout);
    assert!(l.contains("* /example/alice\n"), "{l}");
    assert!(l.contains("  /example/bob\n"), "{l}");
    assert!(
        l.contains("(Ed25519)") && l.contains("(ECDSA P-256)"),
        "{l}"
    );
    assert!(l.contains(&cert_name), "{l}");

    let export = producer
        .run("ndnkey", &["export", "/example/alice"], None)
        .await;
    assert_ok(&export, "export");
    let cert = ndn::keychain::Certificate::from_base64(&text(&export.stdout)).unwrap();
    assert_eq!(cert.name().to_string(), cert_name);

    let file = write_file(dir.path(), "alice.cert", &export.stdout);
    let import = consumer
        .run("ndnkey", &["import", file.to_str().unwrap()], None)
        .await;
    assert_ok(&import, "import");
    assert_eq!(text(&import.stdout).trim(), cert_name);
    let from_stdin = consumer
        .run("ndnkey", &["import", "-"], Some(&export.stdout))
        .await;
    assert_ok(&from_stdin, "import -");
    let l = text(&consumer.run("ndnkey", &["list"], None).await.stdout);
    assert!(
        l.contains("certificates of keys not in this keychain"),
        "{l}"
    );
    assert!(l.contains(&cert_name), "{l}");

    // the consumer's own identity issues a certificate for alice's key
    assert_ok(
        &consumer
            .run("ndnkey", &["generate", "/example"], None)
            .await,
        "generate /example",
    );
    let issued = consumer
        .run(
            "ndnkey",
            &[
                "sign-cert",
                file.to_str().unwrap(),
                "--validity",
                "10",
                "--issuer-id",
                "ca",
            ],
            None,
        )
        .await;
    assert_ok(&issued, "sign-cert");
    let issued = ndn::keychain::Certificate::from_base64(&text(&issued.stdout)).unwrap();
    assert_eq!(issued.key_name(), cert.key_name());
    assert_eq!(issued.issuer_id(), b"ca");
    assert!(
        issued
            .issuer_locator()
            .unwrap()
            .to_string()
            .starts_with("/example/KEY/")
    );

    let default = producer
        .run("ndnkey", &["set-default", "/example/bob"], None)
        .await;
    assert_ok(&default, "set-default");
    let l = text(&producer.run("ndnkey", &["list"], None).await.stdout);
    assert!(l.contains("* /example/bob\n"), "{l}");

    let deleted = producer
        .run("ndnkey", &["delete", "/example/alice"], None)
        .await;
    assert_ok(&deleted, "delete");
    let l = text(&producer.run("ndnkey", &["list"], None).await.stdout);
    assert!(!l.contains("/example/alice"), "{l}");
    let missing = producer
        .run("ndnkey", &["export", "/example/alice"], None)
        .await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).starts_with("ndnkey: error: "));

    // --keychain overrides NDN_KEYCHAIN_DIR
    let other = dir.path().join("other");
    let o = producer
        .run(
            "ndnkey",
            &["--keychain", other.to_str().unwrap(), "generate", "/o"],
            None,
        )
        .await;
    assert_ok(&o, "generate --keychain");
    assert!(other.join("default-identity").exists());
}
