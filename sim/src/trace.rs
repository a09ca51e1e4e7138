//! Tracers: CSV files in the manner of ndnSIM's tracers, and the in-memory series the plots and
//! the summary use.
//!
//! Files (all times in seconds of simulated time; rows only where something happened):
//! - `rate.csv` (like L3RateTracer): per interval, node and face: Interests, Data and Nacks in
//!   and out, and link-layer bytes.
//! - `cs.csv` (like CsTracer): per interval and node: content store hits and misses.
//! - `app-delay.csv` (like AppDelayTracer): per satisfied request: last and full delay and the
//!   number of retransmissions.
//! - `drops.csv`: per interval, place (node or link direction) and reason: packets dropped.
//!
//! Output is a pure function of the simulation: no wall-clock time, no hash-order iteration.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use ndn_fw::{DropCounters, FaceCounters};

use crate::app::{App, DelayRecord};
use crate::engine::{Destination, Observer, PortKind, SimState};
use crate::link::LinkDrop;
use crate::units::{NANOS_PER_SEC, SimTime};

/// Which tracers to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceConfig {
    /// Sampling interval.
    pub interval: SimTime,
    /// Write `rate.csv`.
    pub rate: bool,
    /// Write `cs.csv`.
    pub cs: bool,
    /// Write `app-delay.csv`.
    pub app_delay: bool,
    /// Write `drops.csv`.
    pub drops: bool,
}

impl Default for TraceConfig {
    fn default() -> Self {
        TraceConfig {
            interval: NANOS_PER_SEC,
            rate: true,
            cs: true,
            app_delay: true,
            drops: true,
        }
    }
}

/// Seconds with up to nine decimals, exact (no float formatting).
pub fn fmt_secs(t: SimTime) -> String {
    let s = t / NANOS_PER_SEC;
    let ns = t % NANOS_PER_SEC;
    if ns == 0 {
        return s.to_string();
    }
    let frac = format!("{ns:09}");
    format!("{s}.{}", frac.trim_end_matches('0'))
}

/// Totals over one interval, for plots.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntervalTotals {
    /// End of the interval.
    pub time: SimTime,
    /// Interests sent by consumers (first transmissions).
    pub consumer_interests: u64,
    /// Data received by consumers.
    pub consumer_data: u64,
    /// Interests that reached producers.
    pub producer_interests: u64,
    /// Content store hits in the network.
    pub cs_hits: u64,
    /// Content store misses.
    pub cs_misses: u64,
    /// Drops on links and in cores.
    pub drops: u64,
}

const FW_DROPS: [&str; 11] = [
    "malformed",
    "unknown-face",
    "localhost-violation",
    "hop-limit-zero",
    "loop",
    "pit-full",
    "unsolicited-data",
    "invalid-nack",
    "nack-not-sent",
    "invalid-prefix-announcement",
    "unsatisfied-interest",
];

fn fw_drop_values(d: &DropCounters, unsatisfied: u64) -> [u64; FW_DROPS.len()] {
    [
        d.malformed,
        d.unknown_face,
        d.localhost_violation,
        d.hop_limit_zero,
        d.loop_detected,
        d.pit_full,
        d.unsolicited_data,
        d.invalid_nack,
        d.nack_not_sent,
        d.invalid_prefix_announcement,
        unsatisfied,
    ]
}

#[derive(Debug, Clone, Copy, Default)]
struct FaceSnap {
    c: FaceCounters,
    bytes_in: u64,
    bytes_out: u64,
}

/// Writes the trace files and keeps the series for plots.
#[derive(Debug)]
pub struct Tracer {
    config: TraceConfig,
    rate: Option<BufWriter<File>>,
    cs: Option<BufWriter<File>>,
    delay: Option<BufWriter<File>>,
    drops: Option<BufWriter<File>>,
    error: Option<io::Error>,
    last_tick: SimTime,
    prev_faces: Vec<Vec<FaceSnap>>,
    prev_cs: Vec<(u64, u64)>,
    prev_fw_drops: Vec<[u64; FW_DROPS.len()]>,
    prev_link_drops: Vec<[u64; 5]>,
    prev_apps: Vec<(u64, u64)>,
    /// Per-interval totals.
    pub series: Vec<IntervalTotals>,
    /// Full delay of every satisfied request (nanoseconds), in arrival order.
    pub delays: Vec<SimTime>,
    /// Retransmissions summed over satisfied requests.
    pub delay_retx: u64,
}

fn create(dir: &Path, name: &str, header: &str) -> io::Result<BufWriter<File>> {
    let mut w = BufWriter::with_capacity(1 << 16, File::create(dir.join(name))?);
    writeln!(w, "{header}")?;
    Ok(w)
}

impl Tracer {
    /// A tracer writing into `dir` (created if needed).
    pub fn new(dir: &Path, config: TraceConfig) -> io::Result<Tracer> {
        std::fs::create_dir_all(dir)?;
        let open = |on: bool, name: &str, header: &str| -> io::Result<Option<BufWriter<File>>> {
            if on {
                create(dir, name, header).map(Some)
            } else {
                Ok(None)
            }
        };
        Ok(Tracer {
            rate: open(
                config.rate,
                "rate.csv",
                "time,node,face,kind,peer,in_interests,out_interests,in_data,out_data,in_nacks,out_nacks,in_bytes,out_bytes",
            )?,
            cs: open(config.cs, "cs.csv", "time,node,hits,misses")?,
            delay: open(
                config.app_delay,
                "app-delay.csv",
                "time,node,app,seq,last_delay_s,full_delay_s,retx",
            )?,
            drops: open(config.drops, "drops.csv", "time,place,reason,packets")?,
            config,
            error: None,
            last_tick: 0,
            prev_faces: Vec::new(),
            prev_cs: Vec::new(),
            prev_fw_drops: Vec::new(),
            prev_link_drops: Vec::new(),
            prev_apps: Vec::new(),
            series: Vec::new(),
            delays: Vec::new(),
            delay_retx: 0,
        })
    }

    /// Its settings.
    pub fn config(&self) -> &TraceConfig {
        &self.config
    }

    fn keep(&mut self, r: io::Result<()>) {
        if let Err(e) = r
            && self.error.is_none()
        {
            self.error = Some(e);
        }
    }

    /// Sample a last time if the run ended between ticks, flush the files and report the
    /// first write error, if any.
    pub fn finish(&mut self, now: SimTime, sim: &SimState) -> io::Result<()> {
        if now > self.last_tick {
            self.sample(now, sim);
        }
        for w in [
            &mut self.rate,
            &mut self.cs,
            &mut self.delay,
            &mut self.drops,
        ]
        .into_iter()
        .flatten()
        {
            if let Err(e) = w.flush()
                && self.error.is_none()
            {
                self.error = Some(e);
            }
        }
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn sample(&mut self, now: SimTime, sim: &SimState) {
        self.last_tick = now;
        let t = fmt_secs(now);
        let mut totals = IntervalTotals {
            time: now,
            ..IntervalTotals::default()
        };
        if self.prev_faces.len() < sim.nodes.len() {
            self.prev_faces.resize(sim.nodes.len(), Vec::new());
            self.prev_cs.resize(sim.nodes.len(), (0, 0));
            self.prev_fw_drops
                .resize(sim.nodes.len(), [0; FW_DROPS.len()]);
        }
        for (i, node) in sim.nodes.iter().enumerate() {
            // per-face rates
            let prev = &mut self.prev_faces[i];
            if prev.len() < node.ports.len() {
                prev.resize(node.ports.len(), FaceSnap::default());
            }
            for (p, port) in node.ports.iter().enumerate() {
                let Some(face) = node.fw.faces().get(port.face) else {
                    continue;
                };
                let cur = FaceSnap {
                    c: face.counters,
                    bytes_in: port.bytes_in,
                    bytes_out: port.bytes_out,
                };
                let old = prev[p];
                prev[p] = cur;
                let d = [
                    cur.c.n_in_interests - old.c.n_in_interests,
                    cur.c.n_out_interests - old.c.n_out_interests,
                    cur.c.n_in_data - old.c.n_in_data,
                    cur.c.n_out_data - old.c.n_out_data,
                    cur.c.n_in_nacks - old.c.n_in_nacks,
                    cur.c.n_out_nacks - old.c.n_out_nacks,
                    cur.bytes_in - old.bytes_in,
                    cur.bytes_out - old.bytes_out,
                ];
                if let Some(w) = self.rate.as_mut()
                    && d.iter().any(|&x| x > 0)
                {
                    let (kind, peer) = match port.kind {
                        PortKind::Link { peer, .. } => {
                            ("link", sim.nodes[peer as usize].name.as_str())
                        }
                        PortKind::Broadcast { .. } => ("broadcast", "*"),
                        PortKind::App { app } => ("app", sim.apps[app as usize].app.kind()),
                    };
                    let r = writeln!(
                        w,
                        "{t},{},{},{kind},{peer},{},{},{},{},{},{},{},{}",
                        node.name, port.face, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
                    );
                    if let Err(e) = r
                        && self.error.is_none()
                    {
                        self.error = Some(e);
                    }
                }
            }
            // content store
            let cs = node.fw.cs();
            let (h, m) = (cs.n_hits, cs.n_misses);
            let (oh, om) = self.prev_cs[i];
            self.prev_cs[i] = (h, m);
            totals.cs_hits += h - oh;
            totals.cs_misses += m - om;
            if let Some(w) = self.cs.as_mut()
                && (h > oh || m > om)
            {
                let r = writeln!(w, "{t},{},{},{}", node.name, h - oh, m - om);
                self.keep_err(r);
            }
            // core drops
            let c = node.fw.counters();
            let cur = fw_drop_values(&c.drops, c.n_unsatisfied_interests);
            let old = self.prev_fw_drops[i];
            self.prev_fw_drops[i] = cur;
            for k in 0..cur.len() {
                let d = cur[k] - old[k];
                if d > 0 {
                    if k + 1 < cur.len() {
                        totals.drops += d;
                    }
                    if let Some(w) = self.drops.as_mut() {
                        let r = writeln!(w, "{t},{},{},{d}", node.name, FW_DROPS[k]);
                        self.keep_err(r);
                    }
                }
            }
        }
        // link drops
        if self.prev_link_drops.len() < sim.channels.len() {
            self.prev_link_drops.resize(sim.channels.len(), [0; 5]);
        }
        for (c, slot) in sim.channels.iter().enumerate() {
            let cur = slot.channel.counters.drops;
            let old = self.prev_link_drops[c];
            if cur == old {
                continue;
            }
            self.prev_link_drops[c] = cur;
            let place = channel_label(sim, c);
            for why in LinkDrop::ALL {
                let d = cur[why as usize] - old[why as usize];
                if d > 0 {
                    totals.drops += d;
                    if let Some(w) = self.drops.as_mut() {
                        let r = writeln!(w, "{t},{place},{},{d}", why.as_str());
                        self.keep_err(r);
                    }
                }
            }
        }
        // applications
        if self.prev_apps.len() < sim.apps.len() {
            self.prev_apps.resize(sim.apps.len(), (0, 0));
        }
        for (a, slot) in sim.apps.iter().enumerate() {
            let cur = match &slot.app {
                App::Consumer(c) => (c.stats().interests, c.stats().data),
                App::Window(w) => (w.stats().interests, w.stats().data),
                App::Producer(p) => (p.stats().interests, 0),
                App::Publisher(p) => (p.stats().interests, 0),
            };
            let old = self.prev_apps[a];
            self.prev_apps[a] = cur;
            match &slot.app {
                App::Producer(_) | App::Publisher(_) => totals.producer_interests += cur.0 - old.0,
                _ => {
                    totals.consumer_interests += cur.0 - old.0;
                    totals.consumer_data += cur.1 - old.1;
                }
            }
        }
        self.series.push(totals);
    }

    fn keep_err(&mut self, r: io::Result<()>) {
        self.keep(r);
    }
}

/// `A->B` for a point-to-point channel, `broadcast#k` for a medium.
pub fn channel_label(sim: &SimState, c: usize) -> String {
    let slot = &sim.channels[c];
    match &slot.dest {
        Destination::PointToPoint { node, .. } => format!(
            "{}->{}",
            sim.nodes[slot.from as usize].name, sim.nodes[*node as usize].name
        ),
        Destination::Broadcast(_) => format!("broadcast#{c}"),
    }
}

impl Observer for Tracer {
    fn on_tick(&mut self, now: SimTime, sim: &SimState) {
        self.sample(now, sim);
    }

    fn on_delays(&mut self, app: u32, node: u32, records: &[DelayRecord]) {
        for r in records {
            self.delays.push(r.full_delay);
            self.delay_retx += u64::from(r.retx);
        }
        let Some(w) = self.delay.as_mut() else {
            return;
        };
        let mut res = Ok(());
        for r in records {
            res = res.and(writeln!(
                w,
                "{},{node},{app},{},{},{},{}",
                fmt_secs(r.time),
                r.seq,
                fmt_secs(r.last_delay),
                fmt_secs(r.full_delay),
                r.retx
            ));
        }
        self.keep(res);
    }
}

/// A shared tracer, so the caller keeps a handle while the simulator calls it.
#[derive(Debug, Clone)]
pub struct SharedTracer(pub std::rc::Rc<std::cell::RefCell<Tracer>>);

impl Observer for SharedTracer {
    fn on_tick(&mut self, now: SimTime, sim: &SimState) {
        self.0.borrow_mut().on_tick(now, sim);
    }

    fn on_delays(&mut self, app: u32, node: u32, records: &[DelayRecord]) {
        self.0.borrow_mut().on_delays(app, node, records);
    }
}

/// Paths of the files a tracer writes in `dir`.
pub fn trace_files(dir: &Path) -> Vec<PathBuf> {
    ["rate.csv", "cs.csv", "app-delay.csv", "drops.csv"]
        .iter()
        .map(|f| dir.join(f))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact() {
        assert_eq!(fmt_secs(0), "0");
        assert_eq!(fmt_secs(2 * NANOS_PER_SEC), "2");
        assert_eq!(fmt_secs(1_500_000_000), "1.5");
        assert_eq!(fmt_secs(1_000_000_001), "1.000000001");
        assert_eq!(fmt_secs(41_000_000), "0.041");
    }
}
