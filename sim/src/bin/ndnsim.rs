//! `ndnsim`: run NDN network scenarios on the real forwarding core, in virtual time.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ndn_sim::run::{RunOptions, run_all};
use ndn_sim::scenario::Scenario;
use ndn_sim::topology::{LinkParams, annotated};
use ndn_sim::units::{NANOS_PER_SEC, SimTime};

#[derive(Parser)]
#[command(
    name = "ndnsim",
    version,
    about = "Deterministic discrete-event NDN simulator running the real ndn-fw forwarding core",
    long_about = "Deterministic discrete-event NDN simulator running the real ndn-fw forwarding core.\n\nScenarios are TOML files (see docs/simulator.md and sim/examples/); topologies use ndnSIM's annotated format or generators. The same scenario and seed always give byte-identical trace files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario: CSV traces, SVG plots and summary.csv in DIR, a summary on stdout.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Output directory (created if missing).
        #[arg(long, short)]
        out: PathBuf,
        /// Seed (overrides the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// No progress bar.
        #[arg(long)]
        no_progress: bool,
    },
    /// Check a topology and describe it: an ndnSIM topology file, or a scenario's topology.
    Topo {
        /// ndnSIM annotated topology file, or a scenario file (.toml).
        file: PathBuf,
        /// Also print the topology back in ndnSIM's format.
        #[arg(long)]
        print: bool,
    },
    /// Benchmark: the reference grid scenario (1 Mbit/s 10 ms links, 10-packet queues, CS 100,
    /// best-route, one producer at the far corner, 100 CBR consumers at 100 Interests/s) on an
    /// N x N grid; prints wall time, events/s, forwarder packets/s and peak memory.
    Bench {
        /// Grid side (32 gives the 1024-node reference).
        #[arg(long, default_value_t = 32)]
        grid: usize,
        /// Simulated seconds.
        #[arg(long, default_value_t = 100)]
        seconds: u64,
        /// Write traces into this directory (default: no trace files).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Core timers as heap events (`exact`) or caught up lazily (`lazy`, default).
        #[arg(long, default_value = "lazy")]
        timers: String,
    },
}

fn main() {
    // a thousand forwarders' tables spread over a hundred megabytes or more: see
    // docs/performance.md for what huge pages save (`NDNSIM_HUGE_PAGES=0` opts out)
    ndn::huge_pages::reexec_with_huge_pages("NDNSIM_HUGE_PAGES");
    if let Err(e) = real_main() {
        eprintln!("ndnsim: {e:#}");
        std::process::exit(1);
    }
}

fn real_main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Run {
            scenario,
            out,
            seed,
            no_progress,
        } => run(&scenario, &out, seed, !no_progress),
        Command::Topo { file, print } => topo(&file, print),
        Command::Bench {
            grid,
            seconds,
            out,
            timers,
        } => bench(grid, seconds, out, &timers),
    }
}

fn progress_bar(enabled: bool) -> Option<ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(1000);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {percent}% sim, {elapsed} elapsed, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    Some(pb)
}

fn run(path: &Path, out: &Path, seed: Option<u64>, show_progress: bool) -> anyhow::Result<()> {
    let scenario = Scenario::load(path)?;
    let pb = progress_bar(show_progress);
    let mut last_label = String::new();
    let mut progress = |label: &str, now: SimTime, end: SimTime| {
        if let Some(pb) = &pb {
            if label != last_label {
                last_label = label.to_string();
                pb.set_message(label.to_string());
                pb.reset_elapsed();
            }
            pb.set_position((now.min(end) as u128 * 1000 / u128::from(end.max(1))) as u64);
        }
    };
    let outcomes = run_all(&scenario, out, &RunOptions { seed }, &mut progress)?;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    for o in &outcomes {
        for n in &o.notes {
            eprintln!("note: {n}");
        }
        println!("{}", o.summary);
        if let Some(mb) = peak_memory_mb() {
            println!("  peak memory        {mb:.0} MB (whole process so far)");
        }
        println!("  output             {}", o.dir.display());
        println!();
    }
    if outcomes.len() > 1 {
        println!("sweep: {}", out.join("sweep.csv").display());
        println!(
            "{:<24} {:>10} {:>10} {:>10} {:>12} {:>12}",
            "variant", "Data", "satisf.", "hit ratio", "at producer", "mean delay"
        );
        for o in &outcomes {
            let s = &o.summary;
            println!(
                "{:<24} {:>10} {:>9.2}% {:>9.2}% {:>12} {:>9.1} ms",
                o.label,
                s.data,
                100.0 * s.satisfaction(),
                100.0 * s.hit_ratio(),
                s.producer_interests,
                s.delay.map(|d| d[0] as f64 / 1e6).unwrap_or(0.0)
            );
        }
    }
    Ok(())
}

fn topo(path: &Path, print: bool) -> anyhow::Result<()> {
    let (topology, notes) = if path.extension().is_some_and(|e| e == "toml") {
        let s = Scenario::load(path)?;
        s.topology(s.config.seed)?
    } else {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let (t, n) = annotated::parse(&text, LinkParams::default())
            .with_context(|| format!("{}", path.display()))?;
        let notes = n
            .skipped_duplicates
            .into_iter()
            .map(|(line, a, b)| {
                format!("line {line}: link {a} {b} repeats an earlier link in reverse; skipped")
            })
            .collect();
        (t, notes)
    };
    for n in notes {
        println!("note: {n}");
    }
    print!("{}", topology.describe());
    if print {
        println!();
        print!("{}", annotated::write(&topology));
    }
    if topology.components().len() > 1 {
        bail!("the topology is not connected");
    }
    Ok(())
}

/// The reference benchmark scenario for an N x N grid, as TOML.
fn bench_scenario(grid: usize, seconds: u64, timers: &str) -> String {
    let consumers = 100.min(grid * grid - 1);
    format!(
        r#"name = "grid-{grid}x{grid}"
duration = "{seconds}s"
seed = 1

[topology]
generator = {{ kind = "grid", rows = {grid}, cols = {grid} }}
links = {{ bandwidth = "1Mbps", delay = "10ms", queue = 10, metric = 1 }}

[forwarder]
cs_size = 100
strategy = "best-route"
timers = "{timers}"

[routing]
mode = "shortest"

[[app]]
kind = "producer"
nodes = "n{last}_{last}"
prefix = "/prefix"
payload_size = 1024

[[app]]
kind = "consumer-cbr"
nodes = "@sweep:{consumers}"
prefix = "/prefix"
frequency = 100
"#,
        last = grid - 1
    )
}

fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn bench(grid: usize, seconds: u64, out: Option<PathBuf>, timers: &str) -> anyhow::Result<()> {
    if grid < 2 {
        bail!("--grid must be at least 2");
    }
    let text = bench_scenario(grid, seconds, timers);
    let mut scenario = Scenario::parse(&text, Path::new("."))?;
    let mut cleanup = None;
    let dir = match out {
        Some(d) => d,
        None => {
            scenario.config.trace.rate = false;
            scenario.config.trace.cs = false;
            scenario.config.trace.app_delay = false;
            scenario.config.trace.drops = false;
            scenario.config.trace.plots = false;
            let tmp = std::env::temp_dir().join(format!("ndnsim-bench-{}", std::process::id()));
            cleanup = Some(tmp.clone());
            tmp
        }
    };
    let started = Instant::now();
    let mut built_secs = 0.0;
    let pb = progress_bar(true);
    let mut progress = |_: &str, now: SimTime, end: SimTime| {
        if built_secs == 0.0 {
            built_secs = started.elapsed().as_secs_f64();
        }
        if let Some(pb) = &pb {
            pb.set_position((now as u128 * 1000 / u128::from(end.max(1))) as u64);
        }
    };
    let outcomes = run_all(&scenario, &dir, &RunOptions::default(), &mut progress);
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    if let Some(tmp) = cleanup {
        let _ = std::fs::remove_dir_all(tmp);
    }
    let outcomes = outcomes?;
    let total = started.elapsed().as_secs_f64();
    let o = outcomes.first().context("the benchmark produced no run")?;
    let s = &o.summary;
    let wall = s.wall_seconds.unwrap_or(total);
    println!("{s}");
    println!();
    println!(
        "bench grid {grid}x{grid} ({} nodes), {seconds} simulated s, timers {timers}",
        grid * grid
    );
    println!("  setup + run wall   {total:.2} s (run {wall:.2} s)");
    println!(
        "  events             {} ({:.0} per wall second)",
        s.engine.events,
        s.engine.events as f64 / wall
    );
    println!(
        "  forwarder packets  {} ({:.0} per wall second)",
        s.engine.fw_packets,
        s.engine.fw_packets as f64 / wall
    );
    match peak_memory_mb() {
        Some(mb) => println!("  peak memory        {mb:.0} MB (VmHWM)"),
        None => println!("  peak memory        n/a (no /proc/self/status)"),
    }
    println!(
        "  simulated/wall     {:.2}x",
        seconds as f64 * NANOS_PER_SEC as f64 / 1e9 / wall
    );
    Ok(())
}
