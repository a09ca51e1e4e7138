//! The end-of-run summary: what the consumers got, how long it took, what the caches saved,
//! what was dropped, and how fast the simulator ran.

use std::fmt;

use crate::app::App;
use crate::engine::{EngineStats, SimState};
use crate::link::LinkDrop;
use crate::units::{SimTime, secs};

/// Totals of a run (everything but `wall_seconds` is a function of scenario and seed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Scenario label.
    pub label: String,
    /// Seed.
    pub seed: u64,
    /// Simulated time.
    pub simulated: SimTime,
    /// Nodes.
    pub nodes: usize,
    /// Point-to-point links.
    pub links: usize,
    /// Consumer applications.
    pub consumers: usize,
    /// Producer applications.
    pub producers: usize,
    /// Interests sent by consumers (first transmissions).
    pub interests: u64,
    /// Retransmissions by consumers.
    pub retransmissions: u64,
    /// Data received by consumers.
    pub data: u64,
    /// Nacks received by consumers.
    pub nacks: u64,
    /// Interests that reached producers.
    pub producer_interests: u64,
    /// Content store hits, all nodes.
    pub cs_hits: u64,
    /// Content store misses, all nodes.
    pub cs_misses: u64,
    /// Link drops by reason (see [`LinkDrop::ALL`]).
    pub link_drops: [u64; 5],
    /// Core drops: loops, unsolicited Data, others.
    pub fw_loops: u64,
    /// Unsolicited Data dropped.
    pub fw_unsolicited: u64,
    /// Other core drops.
    pub fw_other_drops: u64,
    /// PIT entries that expired unsatisfied.
    pub unsatisfied: u64,
    /// Bytes sent on links.
    pub link_bytes: u64,
    /// Packets the links marked with a CongestionMark (links with congestion marking on).
    pub link_marks: u64,
    /// Delay percentiles (mean, 50, 95, 99, max) of satisfied requests.
    pub delay: Option<[SimTime; 5]>,
    /// Engine counters.
    pub engine: EngineStats,
    /// Window consumers that fetched their whole object, and when the last one finished.
    pub fetches_done: u64,
    /// Window consumers.
    pub fetches: u64,
    /// When the last completed fetch finished.
    pub last_fetch_done: Option<SimTime>,
    /// Wall-clock seconds of the run (not deterministic; never written to trace files).
    pub wall_seconds: Option<f64>,
}

impl Summary {
    /// Gather the totals of a finished run; `delays` are full delays of satisfied requests.
    pub fn collect(
        label: &str,
        seed: u64,
        now: SimTime,
        sim: &SimState,
        delays: &[SimTime],
    ) -> Summary {
        let mut s = Summary {
            label: label.to_string(),
            seed,
            simulated: now,
            nodes: sim.nodes.len(),
            links: sim.channels.len() / 2,
            engine: sim.stats,
            ..Summary::default()
        };
        for a in &sim.apps {
            match &a.app {
                App::Consumer(c) => {
                    s.consumers += 1;
                    let st = c.stats();
                    s.interests += st.interests;
                    s.retransmissions += st.retransmissions;
                    s.data += st.data;
                    s.nacks += st.nacks;
                }
                App::Window(w) => {
                    s.consumers += 1;
                    let st = w.stats();
                    s.fetches += 1;
                    if let Some(t) = st.finished_at {
                        s.fetches_done += 1;
                        s.last_fetch_done = Some(s.last_fetch_done.unwrap_or(0).max(t));
                    }
                    s.interests += st.interests;
                    s.retransmissions += st.retransmissions;
                    s.data += st.data;
                    s.nacks += st.nacks;
                }
                App::Producer(p) => {
                    s.producers += 1;
                    s.producer_interests += p.stats().interests;
                }
                App::Publisher(p) => {
                    s.producers += 1;
                    s.producer_interests += p.stats().interests;
                }
            }
        }
        for n in &sim.nodes {
            s.cs_hits += n.fw.cs().n_hits;
            s.cs_misses += n.fw.cs().n_misses;
            let c = n.fw.counters();
            s.fw_loops += c.drops.loop_detected;
            s.fw_unsolicited += c.drops.unsolicited_data;
            s.fw_other_drops += c.drops.malformed
                + c.drops.unknown_face
                + c.drops.localhost_violation
                + c.drops.hop_limit_zero
                + c.drops.pit_full
                + c.drops.invalid_nack
                + c.drops.nack_not_sent
                + c.drops.invalid_prefix_announcement;
            s.unsatisfied += c.n_unsatisfied_interests;
        }
        for ch in &sim.channels {
            for why in LinkDrop::ALL {
                s.link_drops[why as usize] += ch.channel.counters.drops(why);
            }
            s.link_bytes += ch.channel.counters.sent_bytes;
            s.link_marks += ch.channel.counters.marked;
        }
        if !delays.is_empty() {
            let mut d = delays.to_vec();
            d.sort_unstable();
            let pick = |q: f64| d[((d.len() - 1) as f64 * q).round() as usize];
            let mean =
                (d.iter().map(|&x| u128::from(x)).sum::<u128>() / d.len() as u128) as SimTime;
            s.delay = Some([mean, pick(0.5), pick(0.95), pick(0.99), pick(1.0)]);
        }
        s
    }

    /// Hit ratio of all content stores.
    pub fn hit_ratio(&self) -> f64 {
        let t = self.cs_hits + self.cs_misses;
        if t == 0 {
            0.0
        } else {
            self.cs_hits as f64 / t as f64
        }
    }

    /// Fraction of consumer Interests answered.
    pub fn satisfaction(&self) -> f64 {
        if self.interests == 0 {
            0.0
        } else {
            self.data as f64 / self.interests as f64
        }
    }

    /// Header of [`Summary::csv_row`].
    pub const CSV_HEADER: &'static str = "label,seed,simulated_s,nodes,links,consumers,producers,interests,retransmissions,data,nacks,satisfaction,producer_interests,cs_hits,cs_misses,hit_ratio,link_bytes,queue_drops,loss_drops,down_drops,loops,unsatisfied,delay_mean_ms,delay_p50_ms,delay_p95_ms,delay_p99_ms,congestion_marks";

    /// One CSV row (deterministic fields only).
    pub fn csv_row(&self) -> String {
        let d = |i: usize| {
            self.delay
                .map(|d| format!("{:.3}", d[i] as f64 / 1e6))
                .unwrap_or_default()
        };
        format!(
            "{},{},{},{},{},{},{},{},{},{},{},{:.6},{},{},{},{:.6},{},{},{},{},{},{},{},{},{},{},{}",
            self.label,
            self.seed,
            secs(self.simulated),
            self.nodes,
            self.links,
            self.consumers,
            self.producers,
            self.interests,
            self.retransmissions,
            self.data,
            self.nacks,
            self.satisfaction(),
            self.producer_interests,
            self.cs_hits,
            self.cs_misses,
            self.hit_ratio(),
            self.link_bytes,
            self.link_drops[LinkDrop::Queue as usize],
            self.link_drops[LinkDrop::Loss as usize],
            self.link_drops[LinkDrop::Down as usize],
            self.fw_loops,
            self.unsatisfied,
            d(0),
            d(1),
            d(2),
            d(3),
            self.link_marks
        )
    }
}

fn ms(t: SimTime) -> String {
    format!("{:.1} ms", t as f64 / 1e6)
}

fn rate(n: u64, wall: f64) -> String {
    let r = n as f64 / wall;
    if r >= 1e6 {
        format!("{:.2} M/s", r / 1e6)
    } else {
        format!("{:.0} k/s", r / 1e3)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} (seed {})", self.label, self.seed)?;
        writeln!(f, "  simulated          {} s", secs(self.simulated))?;
        writeln!(
            f,
            "  network            {} nodes, {} links, {} consumers, {} producers",
            self.nodes, self.links, self.consumers, self.producers
        )?;
        writeln!(
            f,
            "  consumers          {} Interests (+{} retransmissions), {} Data ({:.2} %), {} Nacks",
            self.interests,
            self.retransmissions,
            self.data,
            100.0 * self.satisfaction(),
            self.nacks
        )?;
        if let Some(d) = self.delay {
            writeln!(
                f,
                "  delay              mean {}, median {}, p95 {}, p99 {}, max {}",
                ms(d[0]),
                ms(d[1]),
                ms(d[2]),
                ms(d[3]),
                ms(d[4])
            )?;
        }
        if self.fetches > 0 {
            writeln!(
                f,
                "  fetches            {} of {} objects complete{}",
                self.fetches_done,
                self.fetches,
                self.last_fetch_done
                    .map(|t| format!(", the last at {:.3} s", secs(t)))
                    .unwrap_or_default()
            )?;
        }
        writeln!(
            f,
            "  producers          {} Interests reached producers",
            self.producer_interests
        )?;
        writeln!(
            f,
            "  caches             {} hits, {} misses, hit ratio {:.2} %",
            self.cs_hits,
            self.cs_misses,
            100.0 * self.hit_ratio()
        )?;
        writeln!(
            f,
            "  links              {:.1} MB sent; drops: {} queue, {} loss, {} link down, {} mtu, {} reassembly",
            self.link_bytes as f64 / 1e6,
            self.link_drops[0],
            self.link_drops[1],
            self.link_drops[2],
            self.link_drops[3],
            self.link_drops[4]
        )?;
        if self.link_marks > 0 {
            writeln!(
                f,
                "                     {} packets congestion-marked",
                self.link_marks
            )?;
        }
        writeln!(
            f,
            "  forwarders         {} loops, {} unsolicited Data, {} other drops, {} Interests expired unsatisfied",
            self.fw_loops, self.fw_unsolicited, self.fw_other_drops, self.unsatisfied
        )?;
        write!(
            f,
            "  engine             {} events, {} forwarder packets, {} core wake-ups",
            self.engine.events, self.engine.fw_packets, self.engine.fw_timeouts
        )?;
        if let Some(w) = self.wall_seconds
            && w > 0.0
        {
            write!(
                f,
                "\n  wall time          {:.2} s: {} events, {} forwarder packets, {:.1}x real time",
                w,
                rate(self.engine.events, w),
                rate(self.engine.fw_packets, w),
                secs(self.simulated) / w
            )?;
        }
        Ok(())
    }
}
