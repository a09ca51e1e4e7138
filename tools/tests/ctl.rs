//! `ndnctl` and `ndnperf` against a running `ndnd` (started in the test, on a temporary socket).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output, Stdio};

use ndnd::{Config, Daemon};

struct Running {
    daemon: Daemon,
    _dir: tempfile::TempDir,
    unix: String,
    runtime: tokio::runtime::Runtime,
}

fn start() -> Running {
    start_with(|_| {})
}

/// [`start`] with the configuration changed by `configure`.
fn start_with(configure: impl FnOnce(&mut Config)) -> Running {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nfd.sock");
    let mut config = Config {
        listen: vec![
            format!("unix://{}", sock.display()),
            "udp4://127.0.0.1:0".into(),
        ],
        ..Config::default()
    };
    config.forwarder.seed = 3;
    configure(&mut config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let daemon = runtime.block_on(Daemon::start(config)).unwrap();
    Running {
        daemon,
        unix: format!("unix://{}", sock.display()),
        _dir: dir,
        runtime,
    }
}

impl Running {
    fn ctl(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_ndnctl"))
            .args(args)
            .env("NDN_CLIENT_TRANSPORT", &self.unix)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.ctl(args);
        assert!(
            out.status.success(),
            "ndnctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn stop(self) {
        self.runtime.block_on(self.daemon.stop());
    }
}

/// The face id in an `ndnctl` line such as `face-created id=N ...`.
fn id_in(text: &str, prefix: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} line in {text}"))
        .split_whitespace()
        .find_map(|w| w.strip_prefix("id="))
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn routes_take_a_face_uri_as_next_hop_as_nfdc_does() {
    let d = start();
    // a UDP endpoint to point a face at (nothing needs to answer)
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    let uri = format!("udp4://127.0.0.1:{port}");
    // no face has that URI yet: one is created, as `face create` would
    let added = d.ok(&["route", "add", "/by-uri/a", &uri, "--cost", "3"]);
    let id = id_in(&added, "face-created");
    assert!(
        added.contains(&format!(
            "route-add-accepted prefix=/by-uri/a nexthop={id} origin=255 cost=3"
        )),
        "{added}"
    );
    // the same face, written the way a user might (no address family, default port elsewhere)
    let again = d.ok(&[
        "route",
        "add",
        "/by-uri/b",
        &format!("udp://127.0.0.1:{port}"),
    ]);
    assert_eq!(id_in(&again, "face-exists"), id, "{again}");
    let json: serde_json::Value =
        serde_json::from_str(&d.ok(&["--json", "route", "add", "/by-uri/c", &uri])).unwrap();
    assert_eq!(json["nexthop"], id);
    assert_eq!(json["face_created"], false);
    let fib = d.ok(&["fib", "list"]);
    assert!(
        fib.lines()
            .any(|l| l.starts_with("/by-uri/a ") && l.contains(&format!("faceid={id} (cost=3)"))),
        "{fib}"
    );
    // removal by URI finds the face among the existing ones
    let removed = d.ok(&[
        "route",
        "remove",
        "/by-uri/a",
        &format!("udp://127.0.0.1:{port}"),
    ]);
    assert!(
        removed.contains(&format!("route-removed prefix=/by-uri/a nexthop={id}")),
        "{removed}"
    );
    assert!(!d.ok(&["fib", "list"]).contains("/by-uri/a "));
    // a URI that names no face is an error that says so, and a next hop that is neither an id
    // nor a URI says what it should be
    let out = d.ctl(&["route", "remove", "/by-uri/b", "udp4://127.0.0.1:1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no face has the remote URI udp4://127.0.0.1:1"),
        "{err}"
    );
    let out = d.ctl(&["route", "add", "/x", "face-seven"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a face is given by its id"), "{err}");
    // a face goes by its URI too
    let gone = d.ok(&["face", "destroy", &format!("udp://127.0.0.1:{port}")]);
    assert!(gone.contains(&format!("face-destroyed id={id}")), "{gone}");
    assert!(!d.ok(&["face", "list"]).contains(&uri));
    d.stop();
}

#[test]
fn route_add_list_fib_remove() {
    let d = start();
    let udp = d.daemon.channel("udp4").unwrap().to_owned();
    // a face to ourselves over UDP serves as a next hop
    let created = d.ok(&["face", "create", &udp]);
    let id: u64 = created
        .split_whitespace()
        .find_map(|w| w.strip_prefix("id="))
        .unwrap()
        .parse()
        .unwrap();
    let added = d.ok(&[
        "route",
        "add",
        "/example/route",
        &id.to_string(),
        "--cost",
        "7",
    ]);
    assert!(
        added.contains("route-add-accepted prefix=/example/route"),
        "{added}"
    );
    let routes = d.ok(&["route", "list"]);
    let line = routes
        .lines()
        .find(|l| l.starts_with("/example/route"))
        .unwrap();
    assert!(
        line.contains(&id.to_string()) && line.contains(" 7 ") && line.contains("static"),
        "{routes}"
    );
    let fib = d.ok(&["fib", "list"]);
    assert!(
        fib.contains(&format!("/example/route  faceid={id} (cost=7)")),
        "{fib}"
    );
    let json: serde_json::Value = serde_json::from_str(&d.ok(&["--json", "fib", "list"])).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|e| e["prefix"] == "/example/route")
    );
    // flags, and the filters of route list and route show, as nfdc has them
    d.ok(&[
        "route",
        "add",
        "/example/captured",
        &id.to_string(),
        "--no-inherit",
        "--capture",
        "--origin",
        "128",
    ]);
    let shown = d.ok(&["route", "show", "/example/captured"]);
    let line = shown
        .lines()
        .find(|l| l.starts_with("/example/captured"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        line.contains("capture") && !line.contains("child-inherit"),
        "{shown}"
    );
    assert!(!shown.contains("/example/route"), "{shown}");
    let prefixes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--json", "route", "list"];
        all.extend_from_slice(args);
        let routes: serde_json::Value = serde_json::from_str(&d.ok(&all)).unwrap();
        routes
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["prefix"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(prefixes(&["--origin", "128"]), vec!["/example/captured"]);
    // origins by NFD's name, as nfdc takes them
    assert_eq!(prefixes(&["--origin", "nlsr"]), vec!["/example/captured"]);
    let wrong = d.ctl(&["route", "list", "--origin", "bgp"]);
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("no origin"),
        "{wrong:?}"
    );
    let via = prefixes(&["--nexthop", &udp]);
    assert!(
        via.contains(&"/example/route".to_owned()) && via.contains(&"/example/captured".to_owned()),
        "{via:?}"
    );
    let none = d.ctl(&["route", "list", "--nexthop", "udp4://127.0.0.1:1"]);
    assert!(!none.status.success());
    let why = String::from_utf8_lossy(&none.stderr);
    assert!(why.contains("no face has the remote URI"), "{why}");
    d.ok(&[
        "route",
        "remove",
        "/example/captured",
        &id.to_string(),
        "--origin",
        "128",
    ]);
    d.ok(&["route", "remove", "/example/route", &id.to_string()]);
    assert!(!d.ok(&["fib", "list"]).contains("/example/route"));
    assert!(!d.ok(&["route", "list"]).contains("/example/route"));
    // faces
    let show = d.ok(&["face", "show", &id.to_string()]);
    assert!(show.contains(&format!("remote={udp}")), "{show}");
    assert!(
        d.ok(&["face", "create", &udp])
            .contains(&format!("face-exists id={id}"))
    );
    assert!(d.ok(&["face", "list"]).contains(&udp));
    d.ok(&["face", "destroy", &id.to_string()]);
    assert!(!d.ok(&["face", "list"]).contains(&udp));
    // a name that does not parse is a bad argument: exit status 2
    for args in [&["route", "add", "bad", "283"][..], &["cs", "erase", "bad"]] {
        assert_eq!(d.ctl(args).status.code(), Some(2), "{args:?}");
    }
    // a face that is not there: the forwarder answers success (as NFD does), ndnctl says so
    for verb in ["destroy", "show"] {
        let gone = d.ctl(&["face", verb, &id.to_string()]);
        assert_eq!(gone.status.code(), Some(1), "face {verb}");
        let err = String::from_utf8_lossy(&gone.stderr);
        assert!(err.contains(&format!("face {id} not found")), "{err}");
    }
    d.stop();
}

#[test]
fn strategy_cs_status_channels() {
    let d = start();
    assert!(
        d.ok(&["strategy", "set", "/s", "multicast"])
            .contains("/localhost/nfd/strategy/multicast/v=4")
    );
    let list = d.ok(&["strategy", "list"]);
    assert!(list.contains("/s") && list.contains("best-route"), "{list}");
    // the strategy governing a name: its longest prefix with a choice
    let shown = d.ok(&["strategy", "show", "/s/deeper/name"]);
    assert!(
        shown.contains("prefix=/s\n") && shown.contains("multicast/v=4"),
        "{shown}"
    );
    assert!(d.ok(&["strategy", "show", "/other"]).contains("best-route"));
    d.ok(&["strategy", "unset", "/s"]);
    let bad = d.ctl(&["strategy", "set", "/s", "no-such-strategy"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("404"));
    // parameters, as nfdc takes them: set, listed back, and refused when out of range
    let tuned = "/localhost/nfd/strategy/asf/v=5/probing-interval~30000";
    assert!(
        d.ok(&["strategy", "set", "/t", "asf/v=5/probing-interval~30000"])
            .contains(tuned)
    );
    assert!(d.ok(&["strategy", "list"]).contains(tuned));
    let bad = d.ctl(&["strategy", "set", "/t", "asf/v=5/probing-interval~5"]);
    assert!(!bad.status.success());
    let why = String::from_utf8_lossy(&bad.stderr);
    assert!(
        why.contains("409") && why.contains("probing-interval"),
        "{why}"
    );
    let cfg = d.ok(&["cs", "config", "--capacity", "500", "--serve", "off"]);
    assert!(
        cfg.contains("capacity=500") && cfg.contains("serve=off"),
        "{cfg}"
    );
    let info = d.ok(&["cs", "info"]);
    assert!(
        info.contains("capacity=500") && info.contains("serve=off"),
        "{info}"
    );
    assert!(d.ok(&["cs", "erase", "/"]).contains("count=0"));
    let status = d.ok(&["status"]);
    assert!(status.contains("version=ndn-rs"), "{status}");
    let json: serde_json::Value = serde_json::from_str(&d.ok(&["--json", "status"])).unwrap();
    assert!(json["fib_entries"].as_u64().unwrap() >= 1);
    let channels = d.ok(&["channel", "list"]);
    assert!(
        channels.contains("unix://") && channels.contains("udp4://127.0.0.1:"),
        "{channels}"
    );
    d.stop();
}

/// Over UDP the forwarder drops `/localhost` requests, so `ndnctl` gets no answer: its error
/// says why and what to use instead, on one line.
#[test]
fn management_over_udp_says_it_needs_a_local_face() {
    let d = start();
    let udp = d.daemon.channel("udp4").unwrap().to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_ndnctl"))
        .arg("status")
        .env("NDN_CLIENT_TRANSPORT", &udp)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("without local scope"), "{err}");
    assert!(
        err.contains("Unix socket or TCP to a loopback address"),
        "{err}"
    );
    d.stop();
}

#[test]
fn no_forwarder_is_one_clear_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_ndnctl"))
        .arg("status")
        .env("NDN_CLIENT_TRANSPORT", "unix:///nonexistent/nfd.sock")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("no forwarder is listening on unix:///nonexistent/nfd.sock"),
        "{err}"
    );
}

#[test]
fn ndnperf_client_and_server_exchange() {
    let d = start();
    let mut server = Command::new(env!("CARGO_BIN_EXE_ndnperf"))
        .args(["server", "/perf", "--payload", "100"])
        .env("NDN_CLIENT_TRANSPORT", &d.unix)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // the server prints its banner after registering
    let mut banner = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stderr.as_mut().unwrap()),
        &mut banner,
    )
    .unwrap();
    assert!(banner.contains("serving /perf"), "{banner}");
    let out = Command::new(env!("CARGO_BIN_EXE_ndnperf"))
        .args([
            "client",
            "/perf",
            "--window",
            "16",
            "--duration",
            "1s",
            "--json",
        ])
        .env("NDN_CLIENT_TRANSPORT", &d.unix)
        .output()
        .unwrap();
    server.kill().unwrap();
    let _ = server.wait();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["exchanges"].as_u64().unwrap() > 100, "{r}");
    assert_eq!(r["timeouts"], 0, "{r}");
    assert_eq!(r["nacks"], 0, "{r}");
    assert_eq!(
        r["payload_bytes"].as_u64().unwrap(),
        100 * r["exchanges"].as_u64().unwrap()
    );
    d.stop();
}

#[test]
fn face_create_on_a_face_that_exists_raises_its_persistency_and_sets_its_mtu_and_reliability() {
    let d = start();
    // a peer whose Interest makes an on-demand face
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    let daemon_udp = ndn::face_uri::FaceUri::parse(d.daemon.channel("udp4").unwrap())
        .unwrap()
        .socket_addr()
        .unwrap();
    let interest = ndn::InterestBuilder::new(ndn::Name::from_uri("/nobody/home").unwrap())
        .nonce(7)
        .encode();
    peer.send_to(&interest, daemon_udp).unwrap();
    let uri = format!("udp4://127.0.0.1:{port}");
    let show = |d: &Running| {
        let faces: serde_json::Value =
            serde_json::from_str(&d.ok(&["--json", "face", "list"])).unwrap();
        faces
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["remote"] == uri.as_str())
            .cloned()
    };
    // the daemon answers (a Nack: no route) once the face exists
    peer.set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 9000];
    peer.recv_from(&mut buf).expect("no answer from the daemon");
    let on_demand = show(&d);
    let on_demand = on_demand.expect("no on-demand face for the peer");
    assert_eq!(on_demand["persistency"], "on-demand", "{on_demand}");
    let id = on_demand["id"].as_u64().unwrap();
    // creating it raises the persistency, as nfdc does
    let out = d.ok(&["face", "create", &uri]);
    assert_eq!(out, format!("face-updated id={id}\n"));
    assert_eq!(show(&d).unwrap()["persistency"], "persistent");
    // an MTU given for a face that exists is set on it
    let out = d.ok(&["face", "create", &uri, "--mtu", "1200"]);
    assert_eq!(out, format!("face-updated id={id}\n"));
    assert_eq!(show(&d).unwrap()["mtu"], 1200);
    // NDNLPv2 reliability, on and off, as nfdc's `reliability on|off`
    let out = d.ok(&["face", "create", &uri, "--reliability", "on"]);
    assert_eq!(out, format!("face-updated id={id}\n"));
    let shown = d.ok(&["face", "show", &id.to_string()]);
    let flags = |shown: &str| {
        shown
            .lines()
            .find(|l| l.contains("flags="))
            .unwrap()
            .to_owned()
    };
    assert!(flags(&shown).contains("lp-reliability"), "{shown}");
    d.ok(&["face", "create", &uri, "--reliability", "off"]);
    let shown = d.ok(&["face", "show", &id.to_string()]);
    assert!(!flags(&shown).contains("lp-reliability"), "{shown}");
    // congestion marking (on by default in ndnd) off and on again
    d.ok(&["face", "create", &uri, "--congestion-marking", "off"]);
    let shown = d.ok(&["face", "show", &id.to_string()]);
    assert!(!flags(&shown).contains("congestion-marking"), "{shown}");
    d.ok(&["face", "create", &uri, "--congestion-marking", "on"]);
    let shown = d.ok(&["face", "show", &id.to_string()]);
    assert!(flags(&shown).contains("congestion-marking"), "{shown}");
    // nothing to change: the face is reported as it is
    let out = d.ok(&["face", "create", &uri]);
    assert_eq!(out, format!("face-exists id={id}\n"));
    // face list filters, as nfdc's: by remote URI (written any way), by scheme, by local URI
    let ids = |args: &[&str]| -> Vec<u64> {
        let mut all = vec!["--json", "face", "list"];
        all.extend_from_slice(args);
        let faces: serde_json::Value = serde_json::from_str(&d.ok(&all)).unwrap();
        faces
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        ids(&["--remote", &format!("udp://127.0.0.1:{port}")]),
        vec![id]
    );
    assert_eq!(ids(&["--scheme", "udp4"]), vec![id]);
    let unix_faces = ids(&["--scheme", "fd"]);
    assert!(
        !unix_faces.is_empty() && !unix_faces.contains(&id),
        "{unix_faces:?}"
    );
    let local = d.daemon.channel("udp4").unwrap().to_owned();
    assert_eq!(ids(&["--local", &local, "--scheme", "udp4"]), vec![id]);
    assert!(ids(&["--remote", "udp4://127.0.0.1:1"]).is_empty());
    assert!(d.ok(&["face", "list", "--scheme", "tcp4"]).lines().count() <= 1);
    d.stop();
}

/// With `[[mgmt.authorize]]` naming a certificate, `ndnctl` works for the user whose keychain
/// holds its key (commands are signed with the default identity, as nfdc does) and is refused,
/// in one clear line, for anyone else.
#[test]
fn ndnctl_signs_with_the_default_identity_that_authorizations_name() {
    let keys = tempfile::tempdir().unwrap();
    let ndnkey = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_ndnkey"))
            .args(args)
            .env("NDN_KEYCHAIN_DIR", keys.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    ndnkey(&["generate", "/operator"]);
    let cert = keys.path().join("operator.ndncert");
    std::fs::write(&cert, ndnkey(&["export", "/operator"])).unwrap();

    let path = cert.display().to_string();
    let r = start_with(move |c| {
        c.mgmt.authorize = vec![ndnd::config::AuthorizeConfig {
            certificate: path,
            privileges: vec!["fib".into(), "strategy-choice".into()],
        }]
    });
    let ctl = |keychain: &std::path::Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ndnctl"))
            .args(args)
            .env("NDN_CLIENT_TRANSPORT", &r.unix)
            .env("NDN_KEYCHAIN_DIR", keychain)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let set = ["strategy", "set", "/video", "multicast"];
    let ok = ctl(keys.path(), &set);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let nobody = tempfile::tempdir().unwrap();
    let refused = ctl(nobody.path(), &set);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("403"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    r.stop();
}
