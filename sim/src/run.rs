//! Running a scenario end to end: build, trace, run, write CSV files, plots and the summary; and
//! sweeps (one run per parameter value, compared in `sweep.csv` and plots).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::plot::{self, Series};
use crate::report::Summary;
use crate::scenario::{Scenario, ScenarioError};
use crate::trace::{IntervalTotals, SharedTracer, Tracer};
use crate::units::{NANOS_PER_SEC, SimTime};

/// A run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The scenario is wrong.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// Output could not be written.
    #[error("writing {path}: {error}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        error: io::Error,
    },
    /// A plot failed.
    #[error(transparent)]
    Plot(#[from] plot::PlotError),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> RunError + '_ {
    move |error| RunError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Override the scenario's seed.
    pub seed: Option<u64>,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// Label (the sweep value for sweeps).
    pub label: String,
    /// Totals.
    pub summary: Summary,
    /// Per-interval totals.
    pub series: Vec<IntervalTotals>,
    /// Full delays of satisfied requests.
    pub delays: Vec<SimTime>,
    /// Notes for the user.
    pub notes: Vec<String>,
    /// Where the files went.
    pub dir: PathBuf,
}

/// Run one scenario (no sweep) with its outputs in `out`.
pub fn run_one(
    scenario: &Scenario,
    label: &str,
    out: &Path,
    opts: &RunOptions,
    progress: &mut dyn FnMut(SimTime, SimTime),
) -> Result<RunOutcome, RunError> {
    let mut built = scenario.build(opts.seed)?;
    let seed = built.sim.seed();
    fs::create_dir_all(out).map_err(io_err(out))?;
    let tracer = Tracer::new(out, built.trace).map_err(io_err(out))?;
    let shared = SharedTracer(std::rc::Rc::new(std::cell::RefCell::new(tracer)));
    built
        .sim
        .observe(built.trace.interval, Box::new(shared.clone()));
    let end = built.end;
    let started = Instant::now();
    built.sim.run_until(end, &mut |now| progress(now, end));
    let wall = started.elapsed().as_secs_f64();
    built.sim.take_observer();
    let now = built.sim.now();
    let state = &built.sim.state;
    let mut tracer = shared.0.borrow_mut();
    tracer.finish(now, state).map_err(io_err(out))?;
    let mut summary = Summary::collect(&scenario.label, seed, now, state, &tracer.delays);
    summary.wall_seconds = Some(wall);
    write_nodes(&out.join("nodes.csv"), state)?;
    let summary_path = out.join("summary.csv");
    fs::write(
        &summary_path,
        format!("{}\n{}\n", Summary::CSV_HEADER, summary.csv_row()),
    )
    .map_err(io_err(&summary_path))?;
    if built.plots {
        plot::throughput(&out.join("throughput.svg"), &tracer.series)?;
        let nodes: Vec<(String, u64, u64)> = state
            .nodes
            .iter()
            .map(|n| (n.name.clone(), n.fw.cs().n_hits, n.fw.cs().n_misses))
            .collect();
        plot::hit_ratio(&out.join("cache-hit-ratio.svg"), &nodes)?;
        plot::delay_cdf(
            &out.join("delay-cdf.svg"),
            &[(label.to_string(), &tracer.delays[..])],
        )?;
    }
    Ok(RunOutcome {
        label: label.to_string(),
        summary,
        series: std::mem::take(&mut tracer.series),
        delays: std::mem::take(&mut tracer.delays),
        notes: built.notes,
        dir: out.to_path_buf(),
    })
}

/// Per-node totals at the end of the run.
fn write_nodes(path: &Path, state: &crate::SimState) -> Result<(), RunError> {
    let mut w = io::BufWriter::new(fs::File::create(path).map_err(io_err(path))?);
    let mut r = writeln!(
        w,
        "node,in_interests,out_interests,in_data,out_data,in_nacks,out_nacks,satisfied,unsatisfied,cs_hits,cs_misses,hit_ratio,cs_entries,pit_entries"
    );
    for n in &state.nodes {
        let c = n.fw.counters();
        let cs = n.fw.cs();
        let total = cs.n_hits + cs.n_misses;
        let ratio = if total == 0 {
            0.0
        } else {
            cs.n_hits as f64 / total as f64
        };
        r = r.and(writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{:.6},{},{}",
            n.name,
            c.n_in_interests,
            c.n_out_interests,
            c.n_in_data,
            c.n_out_data,
            c.n_in_nacks,
            c.n_out_nacks,
            c.n_satisfied_interests,
            c.n_unsatisfied_interests,
            cs.n_hits,
            cs.n_misses,
            ratio,
            cs.len(),
            n.fw.pit().len()
        ));
    }
    r.and(w.flush()).map_err(io_err(path))
}

fn dir_name(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '=' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Run a scenario, or each of its sweep variants in `out/<parameter=value>/` followed by
/// `sweep.csv` and comparison plots in `out`.
pub fn run_all(
    scenario: &Scenario,
    out: &Path,
    opts: &RunOptions,
    progress: &mut dyn FnMut(&str, SimTime, SimTime),
) -> Result<Vec<RunOutcome>, RunError> {
    let variants = scenario.variants()?;
    if scenario.config.sweep.is_none() {
        let label = scenario.label.clone();
        let o = run_one(scenario, &label, out, opts, &mut |n, e| {
            progress(&label, n, e)
        })?;
        return Ok(vec![o]);
    }
    let mut outcomes = Vec::new();
    for (label, s) in &variants {
        let dir = out.join(dir_name(label));
        outcomes.push(run_one(s, label, &dir, opts, &mut |n, e| {
            progress(label, n, e)
        })?);
    }
    fs::create_dir_all(out).map_err(io_err(out))?;
    let path = out.join("sweep.csv");
    let mut text = format!("variant,{}\n", Summary::CSV_HEADER);
    for o in &outcomes {
        text.push_str(&format!("{},{}\n", o.label, o.summary.csv_row()));
    }
    fs::write(&path, text).map_err(io_err(&path))?;
    let param = scenario
        .config
        .sweep
        .as_ref()
        .map(|s| s.parameter.clone())
        .unwrap_or_default();
    sweep_plots(out, &param, &outcomes)?;
    Ok(outcomes)
}

fn sweep_plots(out: &Path, param: &str, outcomes: &[RunOutcome]) -> Result<(), RunError> {
    if param == "cs_size" {
        let x = |o: &RunOutcome| {
            o.label
                .split('=')
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        plot::lines(
            &out.join("sweep-hit-ratio.svg"),
            "Cache hit ratio vs content store size",
            "content store size (packets per node)",
            "hit ratio (all nodes)",
            &[Series {
                label: "hit ratio".into(),
                points: outcomes
                    .iter()
                    .map(|o| (x(o), o.summary.hit_ratio()))
                    .collect(),
            }],
        )?;
        plot::lines(
            &out.join("sweep-producer-load.svg"),
            "Interests reaching the producers vs content store size",
            "content store size (packets per node)",
            "Interests at producers",
            &[Series {
                label: "Interests at producers".into(),
                points: outcomes
                    .iter()
                    .map(|o| (x(o), o.summary.producer_interests as f64))
                    .collect(),
            }],
        )?;
    }
    let per_second = |o: &RunOutcome, f: fn(&IntervalTotals) -> u64| -> Vec<(f64, f64)> {
        let mut prev = 0;
        o.series
            .iter()
            .filter_map(|s| {
                let dt = s.time.saturating_sub(prev) as f64 / NANOS_PER_SEC as f64;
                prev = s.time;
                (dt > 0.0).then(|| (s.time as f64 / NANOS_PER_SEC as f64, f(s) as f64 / dt))
            })
            .collect()
    };
    plot::lines(
        &out.join("sweep-throughput.svg"),
        "Data received by consumers",
        "time (s)",
        "Data per second",
        &outcomes
            .iter()
            .map(|o| Series {
                label: o.label.clone(),
                points: per_second(o, |s| s.consumer_data),
            })
            .collect::<Vec<_>>(),
    )?;
    plot::lines(
        &out.join("sweep-producer-rate.svg"),
        "Interests reaching producers",
        "time (s)",
        "Interests per second",
        &outcomes
            .iter()
            .map(|o| Series {
                label: o.label.clone(),
                points: per_second(o, |s| s.producer_interests),
            })
            .collect::<Vec<_>>(),
    )?;
    let runs: Vec<(String, &[SimTime])> = outcomes
        .iter()
        .map(|o| (o.label.clone(), &o.delays[..]))
        .collect();
    plot::delay_cdf(&out.join("sweep-delay-cdf.svg"), &runs)?;
    Ok(())
}
