//! Throughput of `ndnput` → `ndnd` → `ndnget` (figures in docs/performance.md, section
//! "ndnget / ndnput"). A benchmark, not a test: it is ignored unless asked for, and meant to
//! run on release binaries:
//!
//! ```sh
//! NDN_BENCH=1 cargo test --release -p ndn-tools --test bench -- --ignored --nocapture
//! ```
//!
//! Without `NDN_BENCH=1` it returns at once (so `scripts/test.sh`, which includes ignored
//! tests, does not spend minutes here).
//!
//! `NDN_BENCH_MB` (default 100) sets the object size, `NDN_BENCH_RUNS` (default 3) the
//! runs per scenario and `NDN_BENCH_LOSS` (default 0.01) the relay's loss rate;
//! `NDN_BENCH_ONLY=TEXT` runs only the scenarios whose name contains TEXT (e.g.
//! `DigestSha256`), and `NDN_BENCH_GET_ARGS` adds options to every `ndnget` (e.g.
//! `--reorder-threshold 0`). Each run starts a new `ndnput` (a new version, so nothing comes from
//! the forwarder's cache) and fetches with `ndnget -o FILE`, then checks the file. Scenarios:
//! one `ndnd` over Unix sockets; the same `ndnd` with `ndnget` reaching it over UDP through a
//! relay in this process that drops 1% of the datagrams each way (seeded); and two daemons
//! linked over UDP through such a relay. Each uses Ed25519 signatures
//! verified by `ndnget` (the defaults) and DigestSha256 with `--no-verify`. The daemons run
//! in this process; `ndnput` and `ndnget` are separate processes whose CPU time and peak
//! RSS are read from `/proc` and `/usr/bin/time`. `ndnput`'s time is split into what it
//! spent before printing the versioned name (signing every segment ahead: wall time from its
//! start, and CPU time) and its CPU time during the fetch; the fetch's time starts after
//! that.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Instant;

use common::*;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// utime + stime of a process in seconds, and its peak RSS in KiB (Linux `/proc`).
fn proc_usage(pid: u32) -> (f64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_comm = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let ticks: f64 = fields
        .get(11)
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
        + fields
            .get(12)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (ticks / 100.0, hwm)
}

/// CPU seconds of this process (the daemons and the relay).
fn self_cpu() -> f64 {
    proc_usage(std::process::id()).0
}

struct Row {
    scenario: &'static str,
    goodput: f64,
    secs: f64,
    retx: u64,
    timeouts: u64,
    nacks: u64,
    fast: u64,
    decreases: u64,
    rtt: String,
    get_cpu: f64,
    put_ready: f64,
    put_setup_cpu: f64,
    put_cpu: f64,
    daemon_cpu: f64,
    get_rss: u64,
    put_rss: u64,
    udp_drops: u64,
}

fn field(summary: &str, before: &str) -> f64 {
    summary
        .split(before)
        .next()
        .and_then(|s| s.split_whitespace().last())
        .and_then(|v| v.trim_end_matches(',').parse().ok())
        .unwrap_or(f64::NAN)
}

fn count(summary: &str, after: &str) -> u64 {
    summary
        .split(after)
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|v| v.trim_end_matches(',').parse().ok())
        .unwrap_or(0)
}

#[allow(clippy::too_many_arguments)]
async fn run_once(
    scenario: &'static str,
    producer: &Env,
    consumer: &Env,
    name: &str,
    input: &Path,
    expected: &[u8; 32],
    put_args: &[&str],
    get_args: &[&str],
) -> Row {
    let put_started = Instant::now();
    let put = producer.put(name, input, put_args).await;
    let put_ready = put_started.elapsed().as_secs_f64();
    let put_pid = put.child.id().unwrap();
    // what ndnput spent before announcing the name (signing every segment ahead)
    let (put_setup_cpu, _) = proc_usage(put_pid);
    let out = input.with_file_name("out.bin");
    let daemon_before = self_cpu();
    let udp_before = udp_rcvbuf_errors();
    let started = Instant::now();
    let extra = std::env::var("NDN_BENCH_GET_ARGS").unwrap_or_default();
    // /usr/bin/time reports ndnget's CPU time and peak RSS after the summary
    let mut args = vec![
        "-f",
        "TIME %U %S %M",
        common::bin("ndnget"),
        name,
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(get_args);
    args.extend(extra.split_whitespace());
    let got = tokio::process::Command::new("/usr/bin/time")
        .args(&args)
        .env("NDN_CLIENT_TRANSPORT", &consumer.transport)
        .env("NDN_KEYCHAIN_DIR", &consumer.keychain)
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let daemon_cpu = self_cpu() - daemon_before;
    let udp_drops = udp_rcvbuf_errors() - udp_before;
    let (put_total_cpu, put_rss) = proc_usage(put_pid);
    let put_cpu = put_total_cpu - put_setup_cpu;
    put.kill().await;
    let stderr = text(&got.stderr);
    assert!(got.status.success(), "{scenario}: {stderr}");
    let content = std::fs::read(&out).unwrap();
    assert_eq!(&ndn::sign::sha256(&[&content]), expected, "{scenario}");
    std::fs::remove_file(&out).unwrap();
    let time_line = stderr
        .lines()
        .find(|l| l.starts_with("TIME "))
        .unwrap_or("TIME 0 0 0");
    let t: Vec<f64> = time_line
        .split_whitespace()
        .skip(1)
        .map(|v| v.parse().unwrap_or(0.0))
        .collect();
    let summary = stderr.lines().take(3).collect::<Vec<_>>().join(" ");
    Row {
        scenario,
        goodput: field(&summary, " Mbit/s"),
        secs: field(&summary, " s, goodput").min(wall),
        retx: count(&summary, "retransmissions "),
        timeouts: count(&summary, "timeouts "),
        nacks: count(&summary, "Nacks "),
        fast: count(&summary, "fast retransmissions "),
        decreases: count(&summary, "window decreases "),
        rtt: summary
            .split("RTT min/avg/max = ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or("-")
            .to_owned(),
        get_cpu: t.first().copied().unwrap_or(0.0) + t.get(1).copied().unwrap_or(0.0),
        put_ready,
        put_setup_cpu,
        put_cpu,
        daemon_cpu,
        get_rss: t.get(2).copied().unwrap_or(0.0) as u64,
        put_rss,
        udp_drops,
    }
}

/// The scenario is not filtered out by `NDN_BENCH_ONLY`.
fn selected(scenario: &str) -> bool {
    std::env::var("NDN_BENCH_ONLY").map_or(true, |only| scenario.contains(&only))
}

fn print(rows: &[Row]) {
    println!(
        "| scenario | goodput Mbit/s | time s | retx | fast retx | timeouts | Nacks | window decreases | RTT min/avg/max ms | CPU s ndnget / ndnput / daemons | ndnput before serving: wall s / CPU s | peak RSS MiB ndnget / ndnput | UDP buffer drops |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        println!(
            "| {} | {:.0} | {:.2} | {} | {} | {} | {} | {} | {} | {:.2} / {:.2} / {:.2} | {:.2} / {:.2} | {:.1} / {:.1} | {} |",
            r.scenario,
            r.goodput,
            r.secs,
            r.retx,
            r.fast,
            r.timeouts,
            r.nacks,
            r.decreases,
            r.rtt,
            r.get_cpu,
            r.put_cpu,
            r.daemon_cpu,
            r.put_ready,
            r.put_setup_cpu,
            r.get_rss as f64 / 1024.0,
            r.put_rss as f64 / 1024.0,
            r.udp_drops,
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: NDN_BENCH=1 cargo test --release -p ndn-tools --test bench -- --ignored --nocapture"]
async fn ndnget_throughput() {
    if std::env::var_os("NDN_BENCH").is_none() {
        println!("set NDN_BENCH=1 to run the benchmark");
        return;
    }
    let mb = env_or("NDN_BENCH_MB", 100);
    let runs = env_or("NDN_BENCH_RUNS", 3);
    let dir = tempfile::tempdir().unwrap();
    let content = random_bytes(42, mb * 1_000_000);
    let expected = ndn::sign::sha256(&[&content]);
    let input = write_file(dir.path(), "in.bin", &content);
    drop(content);
    let keychain = dir.path().join("keychain");
    let mut rows = Vec::new();

    let loss = std::env::var("NDN_BENCH_LOSS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.01);
    let single = TestDaemon::start().await;
    let env = Env::new(single.transport(), &keychain);
    // ndnget reaches the same daemon over UDP through the lossy relay
    let lossy_link = Relay::start(single.udp_addr(), loss, 2, None).await;
    let lossy_env = Env::new(lossy_link.uri(), &keychain);
    for run in 0..runs {
        for (scenario, put, get, get_env) in [
            ("1 ndnd, Unix, Ed25519 + verify", &[][..], &[][..], &env),
            (
                "1 ndnd, Unix, DigestSha256, --no-verify",
                &["--sign", "digest"][..],
                &["--no-verify"][..],
                &env,
            ),
            (
                "1 ndnd, ndnget on UDP, 1% loss, Ed25519 + verify",
                &[][..],
                &[][..],
                &lossy_env,
            ),
            (
                "1 ndnd, ndnget on UDP, 1% loss, DigestSha256, --no-verify",
                &["--sign", "digest"][..],
                &["--no-verify"][..],
                &lossy_env,
            ),
        ] {
            if !selected(scenario) {
                continue;
            }
            let name = format!("/bench/one/{run}/{}", rows.len());
            rows.push(run_once(scenario, &env, get_env, &name, &input, &expected, put, get).await);
        }
    }
    println!(
        "relay to the single daemon dropped {} datagrams",
        lossy_link.dropped()
    );
    lossy_link.stop();
    single.stop().await;

    let b = TestDaemon::start().await;
    let relay = Relay::start(b.udp_addr(), loss, 1, None).await;
    let a = routed("/bench", relay.uri()).await;
    let on_a = Env::new(a.transport(), &keychain);
    let on_b = Env::new(b.transport(), &keychain);
    for run in 0..runs {
        for (scenario, put, get) in [
            ("2 ndnd, UDP, 1% loss, Ed25519 + verify", &[][..], &[][..]),
            (
                "2 ndnd, UDP, 1% loss, DigestSha256, --no-verify",
                &["--sign", "digest"][..],
                &["--no-verify"][..],
            ),
        ] {
            if !selected(scenario) {
                continue;
            }
            let name = format!("/bench/lossy/{run}/{}", rows.len());
            rows.push(run_once(scenario, &on_b, &on_a, &name, &input, &expected, put, get).await);
        }
    }
    println!("relay dropped {} datagrams", relay.dropped());
    relay.stop();
    a.stop().await;
    b.stop().await;
    rows.sort_by_key(|r| r.scenario);
    print(&rows);
}
