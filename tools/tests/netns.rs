//! Three hosts on real network stacks: network namespaces A - B - C made by the test, each link
//! a veth pair with its own subnet (the B - C link with an MTU of 1400 bytes, below the UDP
//! faces' 8800), and one `ndnd` in each, reached by the tools through its Unix socket. Routes
//! are made with `ndnctl route add PREFIX udp4://...` as an operator would; `ndnput` publishes
//! on C, `ndnget` fetches on A, and a second fetch after the publisher stopped is answered by
//! B's content store. A second test gives each host UDP multicast faces instead, B one on each
//! of its two links, and checks that each face hears its own link only; another does the same
//! with Ethernet multicast faces (NDN in Ethernet frames, no UDP). A third connects two hosts by
//! IPv6 link-local addresses, which mean nothing without their interface.
//!
//! Creating namespaces needs root. Without it the test says so and passes, unless
//! `NDN_REQUIRE_NETNS=1` (set by `scripts/test.sh` when run as root) makes that a failure.
//! The namespaces (and with them the veth pairs) are deleted when the test ends, however it
//! ends; the tools it starts are stopped by their handles.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::fd::AsRawFd;
use std::path::Path;
use std::process::Command as StdCommand;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use ndnd::{Config, Daemon};

/// Network namespaces made for one test, deleted on drop.
struct Namespaces {
    names: Vec<String>,
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = StdCommand::new("ip").args(["netns", "del", n]).status();
        }
    }
}

/// Run `ip ARGS`, returning its error text when it fails.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = StdCommand::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Namespaces {
    /// Namespaces `<tag>-<pid>-<suffix>` for each suffix; `None` when this machine does not let
    /// the test make them (and `NDN_REQUIRE_NETNS` is not set).
    fn create(tag: &str, suffixes: &[&str]) -> Option<Namespaces> {
        let mut made = Namespaces { names: Vec::new() };
        for s in suffixes {
            let name = format!("{tag}-{}-{s}", std::process::id());
            if let Err(e) = ip(&["netns", "add", &name]) {
                if std::env::var("NDN_REQUIRE_NETNS").as_deref() == Ok("1") {
                    panic!("cannot create a network namespace: {e}");
                }
                eprintln!(
                    "skipped: cannot create a network namespace ({e}); run as root, or set \
                     NDN_REQUIRE_NETNS=1 to make this a failure"
                );
                return None;
            }
            made.names.push(name.clone());
            ip(&["-n", &name, "link", "set", "lo", "up"]).unwrap();
        }
        Some(made)
    }

    fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// A veth pair with MTU `mtu` between two ends, each (namespace index, interface name,
    /// address in CIDR notation); both ends up.
    fn link(&self, a: (usize, &str, &str), b: (usize, &str, &str), mtu: u32) {
        let (na, nb) = (self.name(a.0), self.name(b.0));
        let mtu = mtu.to_string();
        ip(&[
            "-n", na, "link", "add", a.1, "type", "veth", "peer", "name", b.1, "netns", nb,
        ])
        .unwrap();
        for (ns, ifname, addr) in [(na, a.1, a.2), (nb, b.1, b.2)] {
            ip(&["-n", ns, "addr", "add", addr, "dev", ifname]).unwrap();
            ip(&["-n", ns, "link", "set", ifname, "mtu", &mtu, "up"]).unwrap();
        }
    }
}

impl Namespaces {
    /// A veth pair between two ends, each (namespace index, interface name, link-local IPv6
    /// address): no other address (no IPv4, and no link-local address made by the kernel), and
    /// no duplicate address detection, so the addresses are usable at once.
    fn link_v6_only(&self, a: (usize, &str, &str), b: (usize, &str, &str)) {
        let (na, nb) = (self.name(a.0), self.name(b.0));
        ip(&[
            "-n", na, "link", "add", a.1, "type", "veth", "peer", "name", b.1, "netns", nb,
        ])
        .unwrap();
        for (ns, ifname, addr) in [(na, a.1, a.2), (nb, b.1, b.2)] {
            ip(&["-n", ns, "link", "set", ifname, "addrgenmode", "none"]).unwrap();
            ip(&["-n", ns, "link", "set", ifname, "up"]).unwrap();
            let cidr = format!("{addr}/64");
            ip(&["-n", ns, "addr", "add", &cidr, "dev", ifname, "nodad"]).unwrap();
        }
    }
}

/// An `ndnd` running in a namespace, on a thread of its own (a thread's network namespace is
/// its own to change), listening on a Unix socket (reachable from any namespace) and on UDP
/// port 6363 of the namespace.
struct NsDaemon {
    transport: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl NsDaemon {
    fn start(ns: &str, dir: &Path, seed: u64) -> NsDaemon {
        Self::start_with(ns, dir, seed, |_| {})
    }

    /// Start with the test's configuration changed by `configure`.
    fn start_with(
        ns: &str,
        dir: &Path,
        seed: u64,
        configure: impl FnOnce(&mut Config) + Send + 'static,
    ) -> NsDaemon {
        Self::try_start_with(ns, dir, seed, configure)
            .unwrap_or_else(|e| panic!("ndnd in {ns}: {e}"))
    }

    /// Start, or say why ndnd refused to.
    fn try_start_with(
        ns: &str,
        dir: &Path,
        seed: u64,
        configure: impl FnOnce(&mut Config) + Send + 'static,
    ) -> Result<NsDaemon, String> {
        let ns_path = format!("/run/netns/{ns}");
        let sock = dir.join(format!("{ns}.sock"));
        let transport = format!("unix://{}", sock.display());
        let listen = vec![transport.clone(), "udp4://0.0.0.0:6363".to_owned()];
        let (started_tx, started_rx) = mpsc::channel::<Result<(), String>>();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let file = std::fs::File::open(&ns_path).unwrap();
            // SAFETY: setns(2) is given a file descriptor of a network namespace, open for the
            // length of the call; it changes this thread's network namespace and touches no
            // memory of the program.
            #[allow(unsafe_code)]
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            if rc != 0 {
                let e = std::io::Error::last_os_error();
                started_tx
                    .send(Err(format!("setns {ns_path}: {e}")))
                    .unwrap();
                return;
            }
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let mut config = Config {
                    listen,
                    ..Config::default()
                };
                config.metrics.listen = String::new();
                config.forwarder.seed = seed;
                configure(&mut config);
                match Daemon::start(config).await {
                    Ok(daemon) => {
                        started_tx.send(Ok(())).unwrap();
                        let _ = stop_rx.await;
                        daemon.stop().await;
                    }
                    Err(e) => started_tx.send(Err(e.to_string())).unwrap(),
                }
            });
        });
        let started = started_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("ndnd did not start in time");
        if let Err(e) = started {
            thread.join().unwrap();
            return Err(e);
        }
        Ok(NsDaemon {
            transport,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

/// `ndnctl --json ARGS` against the forwarder of `env`, parsed.
async fn ctl_json(env: &Env, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = env.run("ndnctl", &all, None).await;
    assert_ok(&out, &format!("ndnctl {args:?}"));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// IP datagrams reassembled from fragments in namespace `ns` so far.
fn ip_reassembled(ns: &str) -> u64 {
    let out = StdCommand::new("ip")
        .args(["netns", "exec", ns, "cat", "/proc/net/snmp"])
        .output()
        .unwrap();
    let snmp = String::from_utf8_lossy(&out.stdout);
    let mut ip_lines = snmp.lines().filter(|l| l.starts_with("Ip: "));
    let (Some(names), Some(values)) = (ip_lines.next(), ip_lines.next()) else {
        panic!("no Ip lines in /proc/net/snmp of {ns}");
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(n, _)| *n == "ReasmOKs")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap()
}

/// The face (as `ndnctl --json face list` shows it) whose `end` ("remote" or "local") is `uri`,
/// in the face list of the forwarder of `env`.
async fn face_where(env: &Env, end: &str, uri: &str) -> serde_json::Value {
    let faces = ctl_json(env, &["face", "list"]).await;
    faces
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f[end] == uri)
        .unwrap_or_else(|| panic!("no face with {end} end {uri}: {faces}"))
        .clone()
}

/// Interests that the forwarder of `env` received on the face whose remote end is `remote`.
async fn interests_from(env: &Env, remote: &str) -> u64 {
    face_where(env, "remote", remote).await["in"]["interests"]
        .as_u64()
        .unwrap()
}

/// Namespaces A - B - C in a line: A and B on 192.0.2.0/24 (MTU 1500), B and C on
/// 198.51.100.0/24 with MTU `bc_mtu` (documentation address blocks, inside namespaces that
/// exist only for the test).
fn three_in_a_line(tag: &str, bc_mtu: u32) -> Option<Namespaces> {
    let ns = Namespaces::create(tag, &["a", "b", "c"])?;
    ns.link((0, "a0", "192.0.2.1/24"), (1, "b0", "192.0.2.2/24"), 1500);
    ns.link(
        (1, "b1", "198.51.100.1/24"),
        (2, "c1", "198.51.100.2/24"),
        bc_mtu,
    );
    Some(ns)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_crosses_three_hosts_and_the_middle_one_caches_it() {
    let Some(ns) = three_in_a_line("ndnrs", 1400) else {
        return;
    };

    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let hosts: Vec<NsDaemon> = (0..3)
        .map(|i| NsDaemon::start(ns.name(i), dir.path(), 11 + i as u64))
        .collect();
    let env = |i: usize| Env::new(hosts[i].transport.clone(), &keychain);
    let (a, b, c) = (env(0), env(1), env(2));

    // routes as an operator makes them: the face is created from its URI
    let route = ctl_json(&a, &["route", "add", "/demo", "udp4://192.0.2.2:6363"]).await;
    assert_eq!(route["face_created"], true, "{route}");
    let route = ctl_json(&b, &["route", "add", "/demo", "udp4://198.51.100.2:6363"]).await;
    assert_eq!(route["face_created"], true, "{route}");

    // 300 kB: segments of several kB, each Data an IP-fragmented datagram on the B - C link
    let content = random_bytes(7, 300_000);
    let file = write_file(dir.path(), "report.bin", &content);
    let publisher = c.put("/demo/report", &file, &[]).await;
    assert!(
        publisher.first_line.starts_with("/demo/report/v="),
        "{}",
        publisher.first_line
    );
    let out = dir.path().join("first.bin");
    assert_ok(&a.get("/demo/report", &out, &[]).await, "ndnget on A");
    assert!(
        std::fs::read(&out).unwrap() == content,
        "first fetch differs"
    );
    publisher.kill().await;
    // the Data crossed the 1400-byte link as fragmented IP datagrams, put together again on B
    assert!(ip_reassembled(ns.name(1)) > 0, "no IP reassembly on B");

    // the publisher is gone and A forgets what it cached: B's content store answers, and no
    // Interest reaches C any more
    let interests_at_c = interests_from(&c, "udp4://198.51.100.1:6363").await;
    assert!(interests_at_c > 0);
    ctl_json(&a, &["cs", "erase", "/demo"]).await;
    let out = dir.path().join("second.bin");
    assert_ok(
        &a.get("/demo/report", &out, &[]).await,
        "second ndnget on A",
    );
    assert!(
        std::fs::read(&out).unwrap() == content,
        "second fetch differs"
    );
    assert_eq!(
        interests_from(&c, "udp4://198.51.100.1:6363").await,
        interests_at_c,
        "the second fetch reached C"
    );
    let cs_b = ctl_json(&b, &["cs", "info"]).await;
    assert!(cs_b["hits"].as_u64().unwrap() > 0, "{cs_b}");

    for h in hosts {
        h.stop();
    }
    drop(ns);
}

/// The face whose local end is `local`.
async fn face_with_local(env: &Env, local: &str) -> serde_json::Value {
    face_where(env, "local", local).await
}

/// ndnd on each host of `ns`, set up by `configure` with the interfaces listed for that host.
fn start_hosts(
    ns: &Namespaces,
    dir: &Path,
    seed: u64,
    interfaces: [&[&str]; 3],
    configure: fn(&mut Config, Vec<String>),
) -> Vec<NsDaemon> {
    interfaces
        .iter()
        .enumerate()
        .map(|(i, ifaces)| {
            let ifaces: Vec<String> = ifaces.iter().map(|s| (*s).to_owned()).collect();
            NsDaemon::start_with(ns.name(i), dir, seed + i as u64, move |c| {
                configure(c, ifaces)
            })
        })
        .collect()
}

/// Over the line A - B - C with a multi-access face on each link end (local URIs `locals`: A's,
/// then B's on the A link and on the C link), publish `size` bytes under `prefix` on C and
/// fetch them on A, then check that each of B's faces heard its own link only: A's Interests on
/// the first, C's Data on the second. Returns B's face on the C link, as `face list` shows it.
async fn fetch_across_multi_access_links(
    hosts: &[NsDaemon],
    dir: &Path,
    prefix: &str,
    locals: [&str; 3],
    size: usize,
) -> serde_json::Value {
    let keychain = dir.join("keychain");
    let env = |i: usize| Env::new(hosts[i].transport.clone(), &keychain);
    let (a, b, c) = (env(0), env(1), env(2));
    let a_lan = face_with_local(&a, locals[0]).await;
    let b_lan1 = face_with_local(&b, locals[1]).await;
    let b_lan2 = face_with_local(&b, locals[2]).await;
    assert_eq!(b_lan1["link_type"], "multi-access", "{b_lan1}");
    let id = |f: &serde_json::Value| f["id"].as_u64().unwrap().to_string();
    ctl_json(&a, &["route", "add", prefix, &id(&a_lan)]).await;
    ctl_json(&b, &["route", "add", prefix, &id(&b_lan2)]).await;

    let content = random_bytes(size as u64, size);
    let file = write_file(dir, "published.bin", &content);
    let publisher = c.put(&format!("{prefix}/file"), &file, &[]).await;
    let out = dir.join("fetched.bin");
    assert_ok(
        &a.get(&format!("{prefix}/file"), &out, &[]).await,
        "ndnget on A",
    );
    assert!(std::fs::read(&out).unwrap() == content, "fetch differs");
    publisher.kill().await;

    // neither B's own transmissions on the other link nor the other link's traffic reached a
    // face
    let a_lan = face_with_local(&a, locals[0]).await;
    let b_lan1 = face_with_local(&b, locals[1]).await;
    let b_lan2 = face_with_local(&b, locals[2]).await;
    let sent_by_a = a_lan["out"]["interests"].as_u64().unwrap();
    assert!(sent_by_a > 0, "{a_lan}");
    assert_eq!(
        b_lan1["in"]["interests"].as_u64(),
        Some(sent_by_a),
        "{b_lan1}"
    );
    assert_eq!(b_lan1["in"]["data"], 0, "{b_lan1}");
    assert_eq!(b_lan2["in"]["interests"], 0, "{b_lan2}");
    assert!(b_lan2["in"]["data"].as_u64().unwrap() > 0, "{b_lan2}");
    b_lan2
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multicast_faces_on_two_links_hear_only_their_own_link() {
    // B sits on two links, with a multicast face on each
    let Some(ns) = three_in_a_line("ndnrsmc", 1500) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // B finds its two interfaces itself (an empty list: every interface that is up,
    // multicast-capable and not loopback); A names its interface by address, C by name
    let hosts = start_hosts(
        &ns,
        dir.path(),
        21,
        [&["192.0.2.1"], &[], &["c1"]],
        |c, ifaces| {
            c.faces.multicast = true;
            c.faces.multicast_interfaces = ifaces;
        },
    );
    let locals = [
        "udp4://192.0.2.1:56363",
        "udp4://192.0.2.2:56363",
        "udp4://198.51.100.1:56363",
    ];
    fetch_across_multi_access_links(&hosts, dir.path(), "/lan", locals, 50_000).await;
    for h in hosts {
        h.stop();
    }
    drop(ns);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ethernet_multicast_faces_carry_ndn_in_ethernet_frames_and_hear_their_own_link_only() {
    // the same line, with NDN straight over Ethernet (EtherType 0x8624, NFD's ether faces); the
    // B - C link's MTU of 1400 bytes makes every Data leave in NDNLPv2 fragments
    let Some(ns) = three_in_a_line("ndnrseth", 1400) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hosts = start_hosts(&ns, dir.path(), 31, [&["a0"], &[], &["c1"]], |c, ifaces| {
        c.faces.ethernet_multicast = true;
        c.faces.ethernet_interfaces = ifaces;
    });
    let keychain = dir.path().join("keychain");
    let a = Env::new(hosts[0].transport.clone(), &keychain);
    let a_lan = face_with_local(&a, "dev://a0").await;
    assert_eq!(a_lan["remote"], "ether://[01:00:5e:00:17:aa]", "{a_lan}");
    let locals = ["dev://a0", "dev://b0", "dev://b1"];
    let b_lan2 =
        fetch_across_multi_access_links(&hosts, dir.path(), "/ether", locals, 100_000).await;
    assert_eq!(b_lan2["mtu"], 1400, "{b_lan2}");
    // 8 KB segments over a 1400-byte link: many more link bytes than a frame holds per Data
    let data_in = b_lan2["in"]["data"].as_u64().unwrap();
    let bytes_in = b_lan2["in"]["bytes"].as_u64().unwrap();
    assert!(bytes_in > data_in * 1400, "{b_lan2}");
    for h in hosts {
        h.stop();
    }
    drop(ns);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_multicast_faces_on_two_links_hear_only_their_own_link() {
    // the same line with link-local IPv6 addresses only, and NFD's udp6 multicast group
    let Some(ns) = Namespaces::create("ndnrsmc6", &["a", "b", "c"]) else {
        return;
    };
    ns.link_v6_only((0, "a0", "fe80::a"), (1, "b0", "fe80::b0"));
    ns.link_v6_only((1, "b1", "fe80::b1"), (2, "c1", "fe80::c"));
    let dir = tempfile::tempdir().unwrap();
    let hosts = start_hosts(&ns, dir.path(), 41, [&["a0"], &[], &["c1"]], |c, ifaces| {
        c.faces.multicast_v6 = true;
        c.faces.multicast_v6_interfaces = ifaces;
    });
    let local = |i: usize, ifname: &str, ll: &str| {
        format!("udp6://[{ll}%{}]:56363", ifindex(ns.name(i), ifname))
    };
    let locals = [
        local(0, "a0", "fe80::a"),
        local(1, "b0", "fe80::b0"),
        local(1, "b1", "fe80::b1"),
    ];
    let locals = [locals[0].as_str(), locals[1].as_str(), locals[2].as_str()];
    let b_lan2 = fetch_across_multi_access_links(&hosts, dir.path(), "/six", locals, 60_000).await;
    assert_eq!(b_lan2["remote"], "udp6://[ff02::1234]:56363", "{b_lan2}");
    for h in hosts {
        h.stop();
    }
    drop(ns);
}

/// The interface index of `ifname` in namespace `ns`.
fn ifindex(ns: &str, ifname: &str) -> u32 {
    let out = StdCommand::new("ip")
        .args(["-n", ns, "-o", "link", "show", ifname])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.split(':').next().unwrap().trim().parse().unwrap()
}

/// The MAC address of `ifname` in namespace `ns`.
fn mac(ns: &str, ifname: &str) -> String {
    let out = StdCommand::new("ip")
        .args(["-n", ns, "-o", "link", "show", ifname])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split_whitespace()
        .skip_while(|w| *w != "link/ether")
        .nth(1)
        .unwrap_or_else(|| panic!("no MAC address for {ifname}: {text}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ethernet_unicast_faces_are_made_by_command_and_on_demand() {
    let Some(ns) = Namespaces::create("ndnrseu", &["a", "b"]) else {
        return;
    };
    ns.link((0, "a0", "192.0.2.1/24"), (1, "b0", "192.0.2.2/24"), 1500);
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let hosts: Vec<NsDaemon> = (0..2)
        .map(|i| {
            NsDaemon::start_with(ns.name(i), dir.path(), 61 + i as u64, |c| {
                c.faces.ethernet_multicast = true;
                c.faces.ethernet_unicast = true;
            })
        })
        .collect();
    let a = Env::new(hosts[0].transport.clone(), &keychain);
    let b = Env::new(hosts[1].transport.clone(), &keychain);
    // A makes a face to B's address on its interface, as `nfdc face create ether://[MAC] local
    // dev://a0` does, and routes through it
    let to_b = format!("ether://[{}]", mac(ns.name(1), "b0"));
    let out = a
        .run(
            "ndnctl",
            &["face", "create", &to_b, "--local", "dev://a0"],
            None,
        )
        .await;
    assert_ok(&out, "ndnctl face create ether://...");
    let face = face_where(&a, "remote", &to_b).await;
    assert_eq!(face["local"], "dev://a0", "{face}");
    assert_eq!(face["link_type"], "point-to-point", "{face}");
    assert_eq!(face["persistency"], "persistent", "{face}");
    ctl_json(
        &a,
        &[
            "route",
            "add",
            "/uni",
            &face["id"].as_u64().unwrap().to_string(),
        ],
    )
    .await;
    // an interface without an Ethernet channel is refused, saying so
    let refused = a
        .run(
            "ndnctl",
            &[
                "face",
                "create",
                "ether://[02:00:00:00:00:01]",
                "--local",
                "dev://zz9",
            ],
            None,
        )
        .await;
    assert!(!refused.status.success());
    let why = text(&refused.stderr);
    assert!(
        why.contains("no Ethernet unicast channel on that interface"),
        "{why}"
    );

    let content = random_bytes(12, 40_000);
    let file = write_file(dir.path(), "uni.bin", &content);
    let publisher = b.put("/uni/file", &file, &[]).await;
    let out = dir.path().join("uni-out.bin");
    assert_ok(
        &a.get("/uni/file", &out, &[]).await,
        "ndnget over an Ethernet unicast face",
    );
    assert!(std::fs::read(&out).unwrap() == content, "fetch differs");
    publisher.kill().await;

    // B made an on-demand face for A's address when A's first frame came, and answered on it;
    // neither multicast face carried the exchange
    let from_a = format!("ether://[{}]", mac(ns.name(0), "a0"));
    let back = face_where(&b, "remote", &from_a).await;
    assert_eq!(back["persistency"], "on-demand", "{back}");
    assert!(back["in"]["interests"].as_u64().unwrap() > 0, "{back}");
    assert!(back["out"]["data"].as_u64().unwrap() > 0, "{back}");
    let a_to_b = face_where(&a, "remote", &to_b).await;
    assert!(a_to_b["in"]["data"].as_u64().unwrap() > 0, "{a_to_b}");
    for env in [&a, &b] {
        let multicast = face_where(env, "remote", "ether://[01:00:5e:00:17:aa]").await;
        assert_eq!(multicast["in"]["interests"], 0, "{multicast}");
        assert_eq!(multicast["in"]["data"], 0, "{multicast}");
    }
    for h in hosts {
        h.stop();
    }
    drop(ns);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_link_local_faces_keep_their_interface() {
    let Some(ns) = Namespaces::create("ndnrsll", &["a", "b"]) else {
        return;
    };
    let (na, nb) = (ns.name(0), ns.name(1));
    ip(&[
        "-n", na, "link", "add", "a0", "type", "veth", "peer", "name", "b0", "netns", nb,
    ])
    .unwrap();
    for (n, ifname, addr) in [(na, "a0", "fe80::a/64"), (nb, "b0", "fe80::b/64")] {
        ip(&["-n", n, "link", "set", ifname, "up"]).unwrap();
        // no duplicate address detection, so the address is usable at once
        ip(&["-n", n, "addr", "add", addr, "dev", ifname, "nodad"]).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let hosts: Vec<NsDaemon> = (0..2)
        .map(|i| {
            NsDaemon::start_with(ns.name(i), dir.path(), 31 + i as u64, |c| {
                c.listen.push("udp6://[::]:6363".to_owned());
            })
        })
        .collect();
    let a = Env::new(hosts[0].transport.clone(), &keychain);
    let b = Env::new(hosts[1].transport.clone(), &keychain);
    // the peer's address with the zone of A's interface towards it
    let peer = format!("udp6://[fe80::b%{}]:6363", ifindex(na, "a0"));
    let route = ctl_json(&a, &["route", "add", "/ll", &peer]).await;
    assert_eq!(route["face_created"], true, "{route}");
    let faces = ctl_json(&a, &["face", "list"]).await;
    assert!(
        faces
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["remote"] == peer),
        "{faces}"
    );
    let server = b.start_reading_line("ndnpingserver", &["/ll"], None).await;
    let ping = a.run("ndnping", &["-c", "3", "/ll"], None).await;
    assert_ok(&ping, "ndnping over a link-local face");
    assert!(
        text(&ping.stdout).contains("3 packets transmitted, 3 received"),
        "{}",
        text(&ping.stdout)
    );
    // B's face, made when the first Interest came, names A's address with B's interface
    let b_faces = ctl_json(&b, &["face", "list"]).await;
    let from_a = format!("udp6://[fe80::a%{}]:6363", ifindex(nb, "b0"));
    assert!(
        b_faces
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["remote"] == from_a),
        "{b_faces}"
    );
    // and the route goes by the same URI
    let removed = ctl_json(&a, &["route", "remove", "/ll", &peer]).await;
    assert_eq!(removed["removed"], "/ll", "{removed}");
    server.kill().await;
    for h in hosts {
        h.stop();
    }
    drop(ns);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_face_mtu_set_by_management_fragments_with_ndnlp_instead_of_ip() {
    let Some(ns) = Namespaces::create("ndnrsmtu", &["b", "c"]) else {
        return;
    };
    ns.link(
        (0, "b1", "198.51.100.1/24"),
        (1, "c1", "198.51.100.2/24"),
        1400,
    );
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    let hosts: Vec<NsDaemon> = (0..2)
        .map(|i| NsDaemon::start(ns.name(i), dir.path(), 41 + i as u64))
        .collect();
    let b = Env::new(hosts[0].transport.clone(), &keychain);
    let c = Env::new(hosts[1].transport.clone(), &keychain);
    // C sends its Data to B through a face whose MTU management set below the link's
    let too_small = c
        .run(
            "ndnctl",
            &["face", "create", "udp4://198.51.100.1:6363", "--mtu", "40"],
            None,
        )
        .await;
    assert!(!too_small.status.success());
    assert!(
        text(&too_small.stderr).contains("MTU cannot be less than 64"),
        "{}",
        text(&too_small.stderr)
    );
    let made = ctl_json(
        &c,
        &[
            "face",
            "create",
            "udp4://198.51.100.1:6363",
            "--mtu",
            "1300",
        ],
    )
    .await;
    assert_eq!(made["created"], true, "{made}");
    let to_b = face_with_local(&c, "udp4://0.0.0.0:6363").await;
    assert_eq!(to_b["mtu"], 1300, "{to_b}");
    ctl_json(&b, &["route", "add", "/mtu", "udp4://198.51.100.2:6363"]).await;

    let content = random_bytes(9, 100_000);
    let file = write_file(dir.path(), "mtu.bin", &content);
    let publisher = c.put("/mtu/file", &file, &[]).await;
    let out = dir.path().join("mtu-out.bin");
    assert_ok(&b.get("/mtu/file", &out, &[]).await, "ndnget on B");
    assert!(std::fs::read(&out).unwrap() == content, "fetch differs");
    publisher.kill().await;
    // every Data left C in NDNLPv2 fragments that fit the link: nothing to reassemble in IP
    assert_eq!(ip_reassembled(ns.name(0)), 0, "IP fragments reached B");

    for h in hosts {
        h.stop();
    }
    drop(ns);
}

#[test]
fn multicast_with_no_interface_to_use_or_a_bad_one_is_an_error_that_says_what_to_do() {
    // a host with only its loopback interface
    let Some(ns) = Namespaces::create("ndnrsnomc", &["a"]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let refused = NsDaemon::try_start_with(ns.name(0), dir.path(), 51, |c| {
        c.faces.multicast = true;
    });
    let Err(e) = refused else {
        panic!("ndnd started with multicast on and no interface for it");
    };
    assert!(
        e.contains("found no interface") && e.contains("multicast_interfaces"),
        "{e}"
    );
    // the same for Ethernet multicast, and a name that is no interface, and a group that is no
    // MAC address
    let ethernet = |ifaces: Vec<String>, group: &str| {
        let group = group.to_owned();
        match NsDaemon::try_start_with(ns.name(0), dir.path(), 52, move |c| {
            c.faces.ethernet_multicast = true;
            c.faces.ethernet_interfaces = ifaces;
            c.faces.ethernet_group = group;
        }) {
            Ok(_) => panic!("ndnd started with a bad Ethernet configuration"),
            Err(e) => e,
        }
    };
    let v6 = NsDaemon::try_start_with(ns.name(0), dir.path(), 53, |c| c.faces.multicast_v6 = true);
    let Err(e) = v6 else {
        panic!("ndnd started with IPv6 multicast on and no interface for it");
    };
    assert!(
        e.contains("found no interface") && e.contains("multicast_v6_interfaces"),
        "{e}"
    );
    let e = ethernet(vec![], "01:00:5e:00:17:aa");
    assert!(
        e.contains("found no interface") && e.contains("ethernet_interfaces"),
        "{e}"
    );
    let e = ethernet(vec!["eth9".into()], "01:00:5e:00:17:aa");
    assert!(e.contains("no network interface named \"eth9\""), "{e}");
    let e = ethernet(vec!["lo".into()], "01:00:5e:00:17");
    assert!(e.contains("is not a MAC address"), "{e}");
    drop(ns);
}

/// NFD's whitelist and blacklist choose the interfaces of the multicast faces: on B, with two
/// links, a blacklisted interface gets no face, and a subnet whitelist picks the other one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whitelist_and_blacklist_choose_the_multicast_interfaces() {
    let Some(ns) = three_in_a_line("ndnrswl", 1500) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let keychain = dir.path().join("keychain");
    // the local URIs of B's multicast faces, under each filter
    let mut chosen = Vec::new();
    for (i, (white, black)) in [
        (vec!["*"], vec!["ifname b1"]),
        (vec!["subnet 198.51.100.0/24"], vec![]),
        (vec!["ifname b?"], vec!["ether 00:00:00:00:00:00"]),
    ]
    .into_iter()
    .enumerate()
    {
        let white: Vec<String> = white.into_iter().map(String::from).collect();
        let black: Vec<String> = black.into_iter().map(String::from).collect();
        let b = NsDaemon::start_with(ns.name(1), dir.path(), 60 + i as u64, move |c| {
            c.faces.multicast = true;
            c.faces.multicast_whitelist = white;
            c.faces.multicast_blacklist = black;
        });
        let env = Env::new(b.transport.clone(), &keychain);
        let faces = ctl_json(&env, &["face", "list", "--scheme", "udp4"]).await;
        let mut locals: Vec<String> = faces
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["remote"]
                    .as_str()
                    .is_some_and(|r| r.contains("224.0.23.170"))
            })
            .map(|f| f["local"].as_str().unwrap().to_owned())
            .collect();
        locals.sort();
        chosen.push(locals);
        b.stop();
    }
    assert_eq!(chosen[0], ["udp4://192.0.2.2:56363"]);
    assert_eq!(chosen[1], ["udp4://198.51.100.1:56363"]);
    assert_eq!(
        chosen[2],
        ["udp4://192.0.2.2:56363", "udp4://198.51.100.1:56363"]
    );
}
