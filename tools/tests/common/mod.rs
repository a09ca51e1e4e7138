//! Helpers for the end-to-end tests: an `ndnd` started in-process on a temporary Unix socket
//! and 127.0.0.1:0, the tool binaries run against it, a lossy UDP relay between two daemons,
//! and seeded random content. Processes started here are stopped by their handle
//! (`Child::kill`), never by name.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ndnd::{Config, Daemon};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::UdpSocket;
use tokio::process::{Child, Command};

/// Longest wait for a tool to print its first line.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait for a tool to finish.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(180);

pub struct TestDaemon {
    pub daemon: Daemon,
    pub dir: tempfile::TempDir,
}

impl TestDaemon {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(f: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("nfd.sock");
        let mut config = Config {
            listen: vec![
                format!("unix://{}", sock.display()),
                "udp4://127.0.0.1:0".into(),
            ],
            ..Config::default()
        };
        config.metrics.listen = String::new();
        config.forwarder.seed = 1;
        f(&mut config);
        let daemon = Daemon::start(config).await.unwrap();
        TestDaemon { daemon, dir }
    }

    /// The value of NDN_CLIENT_TRANSPORT for this daemon.
    pub fn transport(&self) -> String {
        self.daemon.channel("unix").unwrap().to_owned()
    }

    pub fn udp_uri(&self) -> String {
        self.daemon.channel("udp4").unwrap().to_owned()
    }

    pub fn udp_addr(&self) -> SocketAddr {
        ndn::face_uri::FaceUri::parse(self.daemon.channel("udp4").unwrap())
            .unwrap()
            .socket_addr()
            .unwrap()
    }

    pub async fn stop(self) {
        self.daemon.stop().await;
    }

    /// GET /metrics (for a daemon started with `metrics.listen` set).
    pub async fn metrics(&self) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.daemon.metrics_addr.expect("metrics enabled");
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    /// The sum of a metric's series whose line contains `label`.
    pub async fn metric_sum(&self, metric: &str, label: &str) -> u64 {
        self.metrics()
            .await
            .lines()
            .filter(|l| l.starts_with(metric) && l.contains(label))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}

/// The binary of a tool of this crate.
pub fn bin(tool: &str) -> &'static str {
    match tool {
        "ndnput" => env!("CARGO_BIN_EXE_ndnput"),
        "ndnget" => env!("CARGO_BIN_EXE_ndnget"),
        "ndnping" => env!("CARGO_BIN_EXE_ndnping"),
        "ndnpingserver" => env!("CARGO_BIN_EXE_ndnpingserver"),
        "ndnpeek" => env!("CARGO_BIN_EXE_ndnpeek"),
        "ndnpoke" => env!("CARGO_BIN_EXE_ndnpoke"),
        "ndnkey" => env!("CARGO_BIN_EXE_ndnkey"),
        "ndnctl" => env!("CARGO_BIN_EXE_ndnctl"),
        other => panic!("no tool {other}"),
    }
}

/// Where a tool connects and which keychain it uses.
#[derive(Debug, Clone)]
pub struct Env {
    pub transport: String,
    pub keychain: PathBuf,
}

impl Env {
    pub fn new(transport: String, keychain: &Path) -> Self {
        Env {
            transport,
            keychain: keychain.to_path_buf(),
        }
    }

    /// A command for `tool` with this environment; standard input is empty.
    pub fn command(&self, tool: &str, args: &[&str]) -> Command {
        let mut c = Command::new(bin(tool));
        c.args(args)
            .env("NDN_CLIENT_TRANSPORT", &self.transport)
            .env("NDN_KEYCHAIN_DIR", &self.keychain)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        c
    }

    /// Run `tool` to completion (with `stdin` as its input) and return its output.
    pub async fn run(&self, tool: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut c = self.command(tool, args);
        if stdin.is_some() {
            c.stdin(Stdio::piped());
        }
        let mut child = c.spawn().unwrap();
        if let Some(input) = stdin {
            let mut w = child.stdin.take().unwrap();
            w.write_all(input).await.unwrap();
            drop(w);
        }
        tokio::time::timeout(RUN_TIMEOUT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("{tool} {args:?} did not finish in time"))
            .unwrap()
    }

    /// Start `tool` and return it with the first line it printed on standard output.
    pub async fn start_reading_line(
        &self,
        tool: &str,
        args: &[&str],
        stdin: Option<&[u8]>,
    ) -> Running {
        let mut c = self.command(tool, args);
        if stdin.is_some() {
            c.stdin(Stdio::piped());
        }
        let mut child = c.spawn().unwrap();
        if let Some(input) = stdin {
            let mut w = child.stdin.take().unwrap();
            w.write_all(input).await.unwrap();
            drop(w);
        }
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = tokio::time::timeout(START_TIMEOUT, lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{tool} {args:?} printed nothing in time"))
            .unwrap();
        let Some(first) = first else {
            let out = child.wait_with_output().await.unwrap();
            panic!(
                "{tool} {args:?} ended without output: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        Running {
            child,
            first_line: first,
            lines,
        }
    }

    /// Start `ndnput NAME FILE ARGS...` and wait for the versioned name it prints.
    pub async fn put(&self, name: &str, file: &Path, args: &[&str]) -> Running {
        let mut all = vec![name, file.to_str().unwrap()];
        all.extend_from_slice(args);
        self.start_reading_line("ndnput", &all, None).await
    }

    /// `ndnget NAME -o OUT ARGS...`.
    pub async fn get(&self, name: &str, out: &Path, args: &[&str]) -> Output {
        let mut all = vec![name, "-o", out.to_str().unwrap()];
        all.extend_from_slice(args);
        self.run("ndnget", &all, None).await
    }
}

/// A tool still running.
pub struct Running {
    pub child: Child,
    pub first_line: String,
    pub lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

impl Running {
    /// Kill it (by its handle) and reap it.
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }

    /// Wait for it to exit by itself.
    pub async fn wait(mut self) -> std::process::ExitStatus {
        tokio::time::timeout(RUN_TIMEOUT, self.child.wait())
            .await
            .expect("the tool did not exit in time")
            .unwrap()
    }

    /// The rest of standard output and the exit status.
    pub async fn finish(mut self) -> (Vec<String>, std::process::ExitStatus) {
        let mut rest = Vec::new();
        let read = async {
            while let Some(l) = self.lines.next_line().await.unwrap() {
                rest.push(l);
            }
        };
        tokio::time::timeout(RUN_TIMEOUT, read)
            .await
            .expect("the tool did not finish in time");
        let status = self.wait().await;
        (rest, status)
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Assert success, showing stderr otherwise.
pub fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        text(&out.stderr)
    );
}

/// xorshift64*: a small seeded generator for content and loss decisions.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `len` bytes from a generator seeded with `seed`.
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut v = Vec::with_capacity(len + 8);
    while v.len() < len {
        v.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    v.truncate(len);
    v
}

/// Write `content` to `dir/name` and return the path.
pub fn write_file(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// What a relay did.
#[derive(Debug, Default)]
pub struct RelayCounters {
    pub forwarded: AtomicU64,
    pub dropped: AtomicU64,
    pub tampered: AtomicU64,
}

/// A UDP relay between daemon A (which sends to [`Relay::addr`]) and daemon B: it forwards
/// datagrams both ways, drops each with probability `loss` (decided by a generator seeded
/// with `seed`), and lets `tamper` change datagrams from B to A (returning true when it did).
pub struct Relay {
    pub addr: SocketAddr,
    pub counters: Arc<RelayCounters>,
    task: tokio::task::JoinHandle<()>,
}

/// A UDP socket on 127.0.0.1 with 4 MB buffers, as ndnd's, so that the relay itself does not
/// overflow when a window of Data arrives at once.
fn udp_socket() -> UdpSocket {
    let s = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )
    .unwrap();
    let _ = s.set_recv_buffer_size(4 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .unwrap();
    s.set_nonblocking(true).unwrap();
    UdpSocket::from_std(s.into()).unwrap()
}

/// Datagrams the kernel dropped for full UDP receive buffers so far (all sockets; Linux).
pub fn udp_rcvbuf_errors() -> u64 {
    let snmp = std::fs::read_to_string("/proc/net/snmp").unwrap_or_default();
    let mut udp = snmp.lines().filter(|l| l.starts_with("Udp: "));
    let (Some(names), Some(values)) = (udp.next(), udp.next()) else {
        return 0;
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(n, _)| *n == "RcvbufErrors")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

pub type Tamper = Box<dyn FnMut(&mut [u8]) -> bool + Send>;

impl Relay {
    pub async fn start(b: SocketAddr, loss: f64, seed: u64, mut tamper: Option<Tamper>) -> Relay {
        let a_side = udp_socket();
        let b_side = udp_socket();
        b_side.connect(b).await.unwrap();
        let addr = a_side.local_addr().unwrap();
        let counters = Arc::new(RelayCounters::default());
        let c = counters.clone();
        let task = tokio::spawn(async move {
            let mut rng = Rng::new(seed);
            let mut a_peer: Option<SocketAddr> = None;
            let mut from_a = vec![0u8; 65536];
            let mut from_b = vec![0u8; 65536];
            loop {
                tokio::select! {
                    r = a_side.recv_from(&mut from_a) => {
                        let Ok((n, peer)) = r else { return };
                        a_peer = Some(peer);
                        if rng.next_f64() < loss {
                            c.dropped.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        let _ = b_side.send(&from_a[..n]).await;
                        c.forwarded.fetch_add(1, Ordering::Relaxed);
                    }
                    r = b_side.recv(&mut from_b) => {
                        let Ok(n) = r else { continue };
                        if rng.next_f64() < loss {
                            c.dropped.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        if let Some(t) = tamper.as_mut()
                            && t(&mut from_b[..n])
                        {
                            c.tampered.fetch_add(1, Ordering::Relaxed);
                        }
                        if let Some(p) = a_peer {
                            let _ = a_side.send_to(&from_b[..n], p).await;
                            c.forwarded.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }
        });
        Relay {
            addr,
            counters,
            task,
        }
    }

    pub fn uri(&self) -> String {
        format!("udp4://{}", self.addr)
    }

    pub fn dropped(&self) -> u64 {
        self.counters.dropped.load(Ordering::Relaxed)
    }

    /// Datagrams passed on, both ways.
    pub fn forwarded(&self) -> u64 {
        self.counters.forwarded.load(Ordering::Relaxed)
    }

    pub fn tampered(&self) -> u64 {
        self.counters.tampered.load(Ordering::Relaxed)
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

/// A daemon with a static route for `prefix` to the face URI `next_hop` (another daemon's
/// UDP channel, or a relay in front of it).
pub async fn routed(prefix: &str, next_hop: String) -> TestDaemon {
    TestDaemon::start_with(|c| {
        c.routes.push(ndnd::config::RouteConfig {
            prefix: prefix.into(),
            face: next_hop,
            cost: 0,
        })
    })
    .await
}
