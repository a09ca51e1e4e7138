//! The `ndnd` binary: configuration, errors a user can act on, graceful shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn ndnd() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ndnd"))
}

#[test]
fn print_default_config_is_a_valid_config() {
    let out = ndnd().arg("--print-default-config").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("# "), "commented");
    let parsed = ndnd::Config::parse(&text, "printed").unwrap();
    assert_eq!(parsed, ndnd::Config::default());
}

#[test]
fn unknown_config_key_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[faces]\nudp_mtu = 1400\nudp_mut = 3\n").unwrap();
    let out = ndnd().arg("--config").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 3") && err.contains("udp_mut"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn occupied_port_gives_a_one_line_explanation() {
    let taken = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let out = ndnd()
        .args(["--listen", &format!("udp4://127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!("cannot listen on udp4://127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("another forwarder"), "{err}");
}

/// Start ndnd on a socket in `dir`; returns the child once it listens.
fn start(dir: &std::path::Path) -> (std::process::Child, std::path::PathBuf) {
    let (child, sock, _) = start_with_channels(dir);
    (child, sock)
}

/// [`start`], also returning the channels the daemon logged (the UDP one with its port).
fn start_with_channels(
    dir: &std::path::Path,
) -> (std::process::Child, std::path::PathBuf, Vec<String>) {
    let sock = dir.join("nfd.sock");
    let mut child = ndnd()
        .args(["--listen", &format!("unix://{}", sock.display())])
        .args(["--listen", "udp4://127.0.0.1:0"])
        .args(["--log", "info", "--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    // the daemon logs one "listening" line per channel once it is up
    let mut channels = Vec::new();
    while channels.len() < 2 {
        let line = lines.next().expect("ndnd exited early").unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        if v["fields"]["message"] == "listening" {
            channels.push(
                v["fields"]["channel"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    std::thread::spawn(move || for _ in lines {});
    (child, sock, channels)
}

fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    panic!("ndnd did not exit");
}

/// Stop a daemon by pid with SIGTERM and check that it exits cleanly.
fn stop_gracefully(child: &mut std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(wait(child).success());
}

/// A daemon that is killed (by pid) if the test ends before stopping it.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Start ndnd with `args` and JSON logs. Its log records arrive through the channel returned,
/// so that waiting for one has a deadline.
fn start_logging(
    args: &[&std::ffi::OsStr],
) -> (Running, std::sync::mpsc::Receiver<serde_json::Value>) {
    let mut child = ndnd()
        .args(args)
        .args(["--log-format", "json"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (records, log) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            if records.send(v).is_err() {
                break;
            }
        }
    });
    (Running(child), log)
}

/// The log records up to the first whose message starts with `message`.
fn log_until(
    log: &std::sync::mpsc::Receiver<serde_json::Value>,
    message: &str,
) -> Vec<serde_json::Value> {
    let mut seen = Vec::new();
    loop {
        let v = log
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no {message:?} in the log: {seen:?}"));
        let done = v["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(message));
        seen.push(v);
        if done {
            return seen;
        }
    }
}

#[test]
fn sigterm_stops_gracefully_and_a_second_daemon_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, sock) = start(dir.path());
    assert!(sock.exists());
    // a second daemon on the same socket is refused with a clear message
    let out = ndnd()
        .args(["--listen", &format!("unix://{}", sock.display())])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("another forwarder is already listening"),
        "{err}"
    );
    // stop the first by pid
    stop_gracefully(&mut child);
    assert!(!sock.exists(), "socket removed on shutdown");
}

#[test]
fn a_stale_socket_file_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nfd.sock");
    // a socket file nobody listens on
    drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
    assert!(sock.exists());
    let (mut child, _) = start(dir.path());
    assert!(std::os::unix::net::UnixStream::connect(&sock).is_ok());
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(wait(&mut child).success());
}

/// The environment of a running process, as `NAME=value` lines.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn environment_of(pid: u32) -> Vec<String> {
    let raw = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
    raw.split(|&b| b == 0)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_daemon_runs_on_huge_pages_unless_told_not_to() {
    let tunable = format!("GLIBC_TUNABLES={}", ndn::huge_pages::HUGE_PAGES_TUNABLE);
    for opt_out in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = ndnd();
        cmd.env_remove("GLIBC_TUNABLES");
        if opt_out {
            cmd.env("NDND_HUGE_PAGES", "0");
        } else {
            cmd.env_remove("NDND_HUGE_PAGES");
        }
        let sock = dir.path().join("nfd.sock");
        let mut child = cmd
            .args(["--listen", &format!("unix://{}", sock.display())])
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // the daemon replaces itself in place: same pid, now serving
        for _ in 0..100 {
            if sock.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(sock.exists(), "ndnd did not start");
        let env = environment_of(child.id());
        assert_eq!(
            env.contains(&tunable),
            !opt_out,
            "opt out {opt_out}: {env:?}"
        );
        stop_gracefully(&mut child);
    }
}

/// CPU time (user + system) a process has used, in clock ticks.
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // the fields after the command (which may hold spaces) start after its ')'
    let after = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn busy_polling_stops_when_the_traffic_does() {
    let dir = tempfile::tempdir().unwrap();
    let (child, _, channels) = start_with_channels(dir.path());
    let pid = child.id();
    // stopped by pid when the test ends, failed or not
    let mut child = KillOnDrop(child);
    let listener = channels
        .iter()
        .find_map(|c| c.strip_prefix("udp4://"))
        .expect("a UDP channel");
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.connect(listener).unwrap();
    // a burst of Interests closer together than the busy-poll bound: the daemon polls
    let name = ndn::Name::from_uri("/busy/poll").unwrap();
    let until = std::time::Instant::now() + Duration::from_millis(300);
    let mut n = 0u32;
    while std::time::Instant::now() < until {
        let wire = ndn::InterestBuilder::new(name.append_sequence_num(u64::from(n)))
            .nonce(n)
            .encode();
        udp.send(&wire).unwrap();
        n += 1;
        std::thread::sleep(Duration::from_micros(50));
    }
    // then silence: within a few milliseconds the daemon sleeps; over a second it uses next
    // to no CPU (a daemon still polling would use the whole second)
    std::thread::sleep(Duration::from_millis(200));
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(1));
    let used = cpu_ticks(pid) - before;
    assert!(
        used < 30,
        "{used} ticks of CPU in an idle second after {n} Interests"
    );
    stop_gracefully(&mut child.0);
}

/// A child process killed when dropped (a failed assertion must not leave a daemon behind).
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Read one TLV element (a whole packet) from a stream.
fn read_packet(s: &mut impl std::io::Read) -> Vec<u8> {
    fn var(s: &mut impl std::io::Read, out: &mut Vec<u8>) -> u64 {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).unwrap();
        out.push(b[0]);
        let n = match b[0] {
            253 => 2,
            254 => 4,
            255 => 8,
            v => return u64::from(v),
        };
        let mut v = vec![0u8; n];
        s.read_exact(&mut v).unwrap();
        out.extend_from_slice(&v);
        v.iter().fold(0, |a, &x| a << 8 | u64::from(x))
    }
    let mut out = Vec::new();
    var(s, &mut out);
    let len = var(s, &mut out) as usize;
    let start = out.len();
    out.resize(start + len, 0);
    s.read_exact(&mut out[start..]).unwrap();
    out
}

#[test]
fn an_nfd_conf_starts_the_daemon_with_its_settings() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nfd.sock");
    let conf = dir.path().join("nfd.conf");
    std::fs::write(
        &conf,
        format!(
            "general\n{{\n  user ndn ; not switched to\n}}\n\
             tables\n{{\n  strategy_choice\n  {{\n    / /localhost/nfd/strategy/multicast\n  }}\n}}\n\
             face_system\n{{\n  unix\n  {{\n    path \"{}\"\n  }}\n}}\n\
             authorizations\n{{\n  authorize\n  {{\n    certfile any\n  }}\n}}\n",
            sock.display()
        ),
    )
    .unwrap();
    // NFD's command line: `nfd -c nfd.conf`
    let (mut daemon, log) = start_logging(&["-c".as_ref(), conf.as_os_str()]);
    let seen = log_until(&log, "listening");
    assert_eq!(
        seen.last().unwrap()["fields"]["channel"],
        format!("unix://{}", sock.display())
    );
    let warnings: Vec<&serde_json::Value> = seen.iter().filter(|v| v["level"] == "WARN").collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let message = warnings[0]["fields"]["message"].as_str().unwrap();
    assert!(
        message.contains("line 3: general.user ndn is ignored"),
        "{message}"
    );
    // the root namespace's strategy is the file's
    let multicast = ndn::Name::from_uri("/localhost/nfd/strategy/multicast").unwrap();
    assert!(contains(&strategy_choices(&sock), multicast.value()));
    stop_gracefully(&mut daemon.0);
}

#[test]
fn an_nfd_conf_ndnd_cannot_honour_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nfd.conf");
    std::fs::write(
        &conf,
        "rib\n{\n  localhop_security\n  {\n    rule\n    {\n      id x\n    }\n  }\n}\n",
    )
    .unwrap();
    let out = ndnd().arg("--nfd-config").arg(&conf).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3: ") && err.contains("trust-anchor { type any }"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn a_conf_file_given_with_config_is_read_as_nfds() {
    let dir = tempfile::tempdir().unwrap();
    // NFD's command line, `nfd --config /etc/ndn/nfd.conf`
    let conf = dir.path().join("nfd.conf");
    std::fs::write(&conf, "tables\n{\n  cs_max_pakets 100\n}\n").unwrap();
    let out = ndnd().arg("--config").arg(&conf).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3: unknown setting tables.cs_max_pakets") && err.contains("INFO"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

/// The strategy choices of a running daemon, as the TLV-VALUE bytes of its
/// strategy-choice/list dataset.
fn strategy_choices(sock: &std::path::Path) -> Vec<u8> {
    let mut app = std::os::unix::net::UnixStream::connect(sock).unwrap();
    app.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let list = ndn::mgmt::localhost_nfd()
        .append_generic("strategy-choice")
        .append_generic("list");
    let wire = ndn::InterestBuilder::new(list)
        .can_be_prefix(true)
        .must_be_fresh(true)
        .encode();
    std::io::Write::write_all(&mut app, &wire).unwrap();
    let data = ndn::Data::decode(read_packet(&mut app).into()).unwrap();
    data.content().to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn sighup_reloads_the_configuration_file() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nfd.sock");
    let conf = dir.path().join("ndnd.toml");
    let listen = format!("listen = [\"unix://{}\"]\n", sock.display());
    std::fs::write(&conf, &listen).unwrap();
    let (mut daemon, log) = start_logging(&["--config".as_ref(), conf.as_os_str()]);
    let child = &mut daemon.0;
    let until = |message: &str| log_until(&log, message);
    until("listening");
    let video = ndn::Name::from_uri("/video").unwrap();
    let multicast = ndn::Name::from_uri("/localhost/nfd/strategy/multicast").unwrap();
    assert!(!contains(&strategy_choices(&sock), video.value()));

    // a strategy and a listener more: the strategy is taken, the listener waits for a restart
    std::fs::write(
        &conf,
        format!(
            "listen = [\"unix://{}\", \"udp4://127.0.0.1:0\"]\n\
             [[strategy]]\nprefix = \"/video\"\nstrategy = \"multicast\"\n",
            sock.display()
        ),
    )
    .unwrap();
    let hup = |child: &std::process::Child| {
        let status = Command::new("kill")
            .args(["-HUP", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    };
    hup(child);
    let log = until("configuration reloaded");
    assert!(
        log.iter()
            .any(|v| v["level"] == "WARN" && v["fields"]["setting"] == "listen"),
        "{log:?}"
    );
    let choices = strategy_choices(&sock);
    assert!(contains(&choices, video.value()) && contains(&choices, multicast.value()));

    // a broken file changes nothing and the daemon keeps running
    std::fs::write(&conf, "[forwarder]\ncs_capacty = 5\n").unwrap();
    hup(child);
    let log = until("configuration not reloaded: ");
    let last = log.last().unwrap();
    assert_eq!(last["level"], "ERROR");
    assert!(contains(&strategy_choices(&sock), video.value()));

    // the strategy is dropped once the file no longer chooses it
    std::fs::write(&conf, &listen).unwrap();
    hup(child);
    until("configuration reloaded");
    assert!(!contains(&strategy_choices(&sock), video.value()));
    stop_gracefully(child);
}

#[test]
fn every_local_user_may_connect_to_the_unix_socket_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nfd.sock");
    // `exec`, so that the pid is the daemon's
    let mut daemon = Running(
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 077; exec \"{}\" --listen \"unix://{}\"",
                env!("CARGO_BIN_EXE_ndnd"),
                sock.display()
            ))
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // the socket appears at bind, its permissions change just after
    let mode = || {
        std::fs::metadata(&sock)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    };
    for _ in 0..100 {
        if mode() == 0o666 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(mode(), 0o666, "{:o}", mode());
    stop_gracefully(&mut daemon.0);
}

/// The systemd unit shipped with the daemon passes `systemd-analyze verify` (with ExecStart
/// pointing at this build). Skipped where systemd-analyze is not installed.
#[test]
fn the_systemd_unit_verifies() {
    let unit = include_str!("../systemd/ndnd.service");
    assert!(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"));
    let probe = Command::new("systemd-analyze").arg("--version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: systemd-analyze is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ndnd.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/ndnd", env!("CARGO_BIN_EXE_ndnd")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&path)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("ndnd.service"), "{err}");
}

#[test]
fn print_config_writes_an_nfd_conf_as_ndnd_toml() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nfd.conf");
    std::fs::write(
        &conf,
        "general\n{\n  user ndn\n}\ntables\n{\n  cs_max_packets 500\n  strategy_choice\n  {\n    /video /localhost/nfd/strategy/asf\n  }\n}\nface_system\n{\n  unix\n  {\n    path /tmp/x.sock\n  }\n}\n",
    )
    .unwrap();
    let out = ndnd()
        .args(["-c".as_ref(), conf.as_os_str(), "--print-config".as_ref()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // what did not carry over is on stderr, the configuration on stdout
    assert!(String::from_utf8_lossy(&out.stderr).contains("general.user ndn is ignored"));
    let printed = String::from_utf8(out.stdout).unwrap();
    let c = ndnd::Config::parse(&printed, "printed").unwrap();
    assert_eq!(c.listen, ["unix:///tmp/x.sock"]);
    assert_eq!(c.forwarder.cs_capacity, 500);
    assert_eq!(c.forwarder.cs_policy, "priority_fifo");
    assert_eq!(c.strategies[0].prefix, "/video");
    // and ndnd reads it back to the same configuration
    let toml = dir.path().join("ndnd.toml");
    std::fs::write(&toml, &printed).unwrap();
    let again = ndnd()
        .args([
            "--config".as_ref(),
            toml.as_os_str(),
            "--print-config".as_ref(),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(again.stdout).unwrap(), printed);
}
