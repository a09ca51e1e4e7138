//! Rate-driven consumers, after ndnSIM's `ConsumerCbr` and `ConsumerZipfMandelbrot`.
//!
//! A consumer sends one Interest per tick; ticks come every `1/frequency` seconds, or at
//! random intervals (uniform on `[0, 2/frequency]` or exponential with mean `1/frequency`, as
//! ndnSIM's `Randomize` attribute). Names are `prefix/<SequenceNum>`: sequential numbers from 0
//! (CBR) or content indexes `1..=N` drawn from the Zipf-Mandelbrot law
//! `p(k) ∝ 1/(k+q)^s`. Every 50 ms the consumer looks for Interests unanswered for longer than
//! the retransmission timeout; those are retransmitted, before new names, in the next ticks.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::BuildHasherDefault;

use bytes::Bytes;
use ndn::{InterestBuilder, Name};
use ndn_fw::{OutPacket, Rng};

use super::{AppOutput, DelayRecord, RttEstimator};
use crate::units::{NANOS_PER_SEC, SimTime};

/// How consumers space their Interests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Randomize {
    /// Exactly `1/frequency` apart.
    #[default]
    None,
    /// Uniform on `[0, 2/frequency]`.
    Uniform,
    /// Exponential with mean `1/frequency` (a Poisson process).
    Exponential,
}

/// Which names a consumer asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestPattern {
    /// `prefix/0`, `prefix/1`, ... (ndnSIM's ConsumerCbr).
    Sequential,
    /// Content indexes `1..=catalogue` from the Zipf-Mandelbrot law (ConsumerZipfMandelbrot).
    ZipfMandelbrot {
        /// Number of distinct contents.
        catalogue: u64,
        /// Plateau parameter q.
        q: f64,
        /// Exponent s.
        s: f64,
    },
}

/// Settings of a consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumerConfig {
    /// Name prefix; the sequence number is appended.
    pub prefix: Name,
    /// Interests per second.
    pub frequency: f64,
    /// Spacing of Interests.
    pub randomize: Randomize,
    /// Names asked for.
    pub pattern: RequestPattern,
    /// InterestLifetime in milliseconds.
    pub lifetime_ms: u64,
    /// When to send the first Interest.
    pub start: SimTime,
    /// When to stop sending (retransmissions included).
    pub stop: Option<SimTime>,
    /// Highest sequence number to ask for (sequential pattern).
    pub max_seq: Option<u64>,
    /// Period of the retransmission check.
    pub retx_check: SimTime,
    /// Seed of this consumer's RNG (Nonces, random spacing, Zipf draws).
    pub seed: u64,
    /// ForwardingHint delegations carried by every Interest (none: routed by name).
    pub forwarding_hint: Vec<Name>,
}

impl ConsumerConfig {
    /// A CBR consumer of `prefix` at `frequency` Interests per second, ndnSIM's defaults
    /// otherwise (2 s lifetime, 50 ms retransmission check).
    pub fn cbr(prefix: Name, frequency: f64) -> ConsumerConfig {
        ConsumerConfig {
            prefix,
            frequency,
            randomize: Randomize::None,
            pattern: RequestPattern::Sequential,
            lifetime_ms: 2000,
            start: 0,
            stop: None,
            max_seq: None,
            retx_check: 50_000_000,
            seed: 0,
            forwarding_hint: Vec::new(),
        }
    }
}

/// Counters of a consumer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConsumerStats {
    /// Interests sent (first transmissions).
    pub interests: u64,
    /// Retransmissions sent.
    pub retransmissions: u64,
    /// Timeouts detected.
    pub timeouts: u64,
    /// Data received for pending requests.
    pub data: u64,
    /// Nacks received.
    pub nacks: u64,
    /// Data or Nacks that matched nothing pending.
    pub unexpected: u64,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    first_sent: SimTime,
    last_sent: SimTime,
    retx: u32,
}

/// A consumer.
#[derive(Debug)]
pub struct Consumer {
    config: ConsumerConfig,
    rng: Rng,
    /// Cumulative distribution of the Zipf-Mandelbrot law (empty for sequential).
    cdf: Vec<f64>,
    next_seq: u64,
    next_send: Option<SimTime>,
    next_check: Option<SimTime>,
    /// Unanswered requests by sequence number (never iterated, so its order cannot show).
    pending: HashMap<u64, Pending, BuildHasherDefault<DefaultHasher>>,
    /// Every send as (time, sequence number), oldest first (sends happen in time order). A
    /// request's latest send is the only one that counts; older ones, and those of answered
    /// requests, are skipped when they reach the front. A timeout check looks at the front
    /// only, instead of walking every pending request.
    sends: VecDeque<(SimTime, u64)>,
    retx_queue: BTreeSet<u64>,
    rtt: RttEstimator,
    stats: ConsumerStats,
}

impl Consumer {
    /// A consumer; nothing happens before [`Consumer::start`].
    pub fn new(config: ConsumerConfig) -> Consumer {
        let cdf = match config.pattern {
            RequestPattern::Sequential => Vec::new(),
            RequestPattern::ZipfMandelbrot { catalogue, q, s } => zipf_cdf(catalogue, q, s),
        };
        Consumer {
            rng: Rng::from_seed(config.seed),
            config,
            cdf,
            next_seq: 0,
            next_send: None,
            next_check: None,
            pending: HashMap::default(),
            sends: VecDeque::new(),
            retx_queue: BTreeSet::new(),
            rtt: RttEstimator::default(),
            stats: ConsumerStats::default(),
        }
    }

    /// Its settings.
    pub fn config(&self) -> &ConsumerConfig {
        &self.config
    }

    /// Its counters.
    pub fn stats(&self) -> &ConsumerStats {
        &self.stats
    }

    /// Requests still unanswered.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Kind name for reports.
    pub fn kind(&self) -> &'static str {
        match self.config.pattern {
            RequestPattern::Sequential => "consumer-cbr",
            RequestPattern::ZipfMandelbrot { .. } => "consumer-zipf",
        }
    }

    /// Schedule the first Interest.
    pub fn start(&mut self, now: SimTime, _out: &mut AppOutput) {
        if self.config.frequency > 0.0 {
            self.next_send = Some(self.config.start.max(now));
        }
    }

    fn stopped(&self, now: SimTime) -> bool {
        self.config.stop.is_some_and(|s| now >= s)
    }

    fn interval(&mut self) -> SimTime {
        let mean = NANOS_PER_SEC as f64 / self.config.frequency;
        let d = match self.config.randomize {
            Randomize::None => mean,
            Randomize::Uniform => self.rng.unit() * 2.0 * mean,
            // ns-3 bounds its exponential variable; 50 means is far in the tail
            Randomize::Exponential => (-(1.0 - self.rng.unit()).ln() * mean).min(50.0 * mean),
        };
        (d.round() as SimTime).max(1)
    }

    fn draw_seq(&mut self) -> Option<u64> {
        if self.cdf.is_empty() {
            let seq = self.next_seq;
            if self.config.max_seq.is_some_and(|m| seq > m) {
                return None;
            }
            self.next_seq += 1;
            Some(seq)
        } else {
            let u = self.rng.unit();
            let k = self.cdf.partition_point(|&c| c < u);
            Some(k.min(self.cdf.len() - 1) as u64 + 1)
        }
    }

    fn send(&mut self, now: SimTime, seq: u64, out: &mut AppOutput) {
        let name = self.config.prefix.append_sequence_num(seq);
        let mut b = InterestBuilder::new(name)
            .nonce(self.rng.next_u32())
            .lifetime_ms(self.config.lifetime_ms);
        if !self.config.forwarding_hint.is_empty() {
            b = b.forwarding_hint(self.config.forwarding_hint.clone());
        }
        let wire = b.encode();
        out.packets.push(wire);
        self.sends.push_back((now, seq));
        match self.pending.get_mut(&seq) {
            Some(p) => p.last_sent = now,
            None => {
                self.pending.insert(
                    seq,
                    Pending {
                        first_sent: now,
                        last_sent: now,
                        retx: 0,
                    },
                );
            }
        }
        if self.next_check.is_none() {
            self.next_check = Some(now + self.config.retx_check);
        }
    }

    /// A send tick or a retransmission check is due.
    pub fn on_timeout(&mut self, now: SimTime, out: &mut AppOutput) {
        if self.next_check.is_some_and(|t| t <= now) {
            self.next_check = None;
            self.check_timeouts(now);
            if !self.pending.is_empty() && !self.stopped(now) {
                self.next_check = Some(now + self.config.retx_check);
            }
        }
        if self.next_send.is_some_and(|t| t <= now) {
            self.next_send = None;
            if self.stopped(now) {
                return;
            }
            if let Some(seq) = self.retx_queue.pop_first() {
                if let Some(p) = self.pending.get_mut(&seq) {
                    p.retx += 1;
                }
                self.stats.retransmissions += 1;
                self.send(now, seq, out);
            } else if let Some(seq) = self.draw_seq() {
                self.stats.interests += 1;
                self.send(now, seq, out);
            }
            let more = !self.retx_queue.is_empty()
                || self.config.max_seq.is_none_or(|m| self.next_seq <= m)
                || !self.cdf.is_empty();
            if more || !self.pending.is_empty() {
                // a tiny frequency gives an interval near `SimTime::MAX`: never send again
                let next = now.saturating_add(self.interval());
                self.next_send = Some(next);
            }
        }
    }

    /// Every pending request whose latest send is older than the RTO times out once (it
    /// joins the retransmission queue, and times out again only after it is sent again).
    fn check_timeouts(&mut self, now: SimTime) {
        let rto = self.rtt.rto();
        let mut timed_out = false;
        while let Some(&(sent, seq)) = self.sends.front() {
            if now.saturating_sub(sent) <= rto {
                // later sends are no older
                break;
            }
            self.sends.pop_front();
            let latest = self.pending.get(&seq).is_some_and(|p| p.last_sent == sent);
            if latest && self.retx_queue.insert(seq) {
                self.stats.timeouts += 1;
                timed_out = true;
            }
        }
        if timed_out {
            self.rtt.back_off();
            if self.next_send.is_none() && !self.stopped(now) {
                self.next_send = Some(now);
            }
        }
    }

    /// Data or a Nack arrived.
    pub fn on_packet(&mut self, now: SimTime, packet: &OutPacket, out: &mut AppOutput) {
        match packet {
            OutPacket::Data(wire) => {
                let Some(seq) = self.seq_of(wire) else {
                    self.stats.unexpected += 1;
                    return;
                };
                let Some(p) = self.pending.remove(&seq) else {
                    self.stats.unexpected += 1;
                    return;
                };
                self.retx_queue.remove(&seq);
                self.stats.data += 1;
                if p.retx == 0 {
                    self.rtt.sample(now - p.last_sent);
                }
                out.delays.push(DelayRecord {
                    time: now,
                    seq,
                    last_delay: now - p.last_sent,
                    full_delay: now - p.first_sent,
                    retx: p.retx,
                });
            }
            OutPacket::Nack { .. } => self.stats.nacks += 1,
            OutPacket::Interest(_) => self.stats.unexpected += 1,
        }
    }

    fn seq_of(&self, data_wire: &Bytes) -> Option<u64> {
        let data = ndn::Data::decode(data_wire.clone()).ok()?;
        data.name().get(self.config.prefix.len())?.as_sequence_num()
    }

    /// Next wake-up.
    pub fn poll_timeout(&self) -> Option<SimTime> {
        match (self.next_send, self.next_check) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// Cumulative probabilities of content indexes `1..=n` under `p(k) ∝ 1/(k+q)^s`.
pub fn zipf_cdf(n: u64, q: f64, s: f64) -> Vec<f64> {
    let w: Vec<f64> = (1..=n.max(1))
        .map(|k| 1.0 / (k as f64 + q).powf(s))
        .collect();
    let total: f64 = w.iter().sum();
    let mut acc = 0.0;
    let mut cdf: Vec<f64> = w
        .iter()
        .map(|x| {
            acc += x / total;
            acc
        })
        .collect();
    if let Some(last) = cdf.last_mut() {
        *last = 1.0;
    }
    cdf
}

/// Probabilities of content indexes `1..=n` under the Zipf-Mandelbrot law.
pub fn zipf_pmf(n: u64, q: f64, s: f64) -> Vec<f64> {
    let cdf = zipf_cdf(n, q, s);
    let mut prev = 0.0;
    cdf.iter()
        .map(|&c| {
            let p = c - prev;
            prev = c;
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Name {
        Name::from_uri(s).unwrap()
    }

    fn data_for(interest: &Bytes) -> OutPacket {
        let i = ndn::Interest::decode(interest.clone()).unwrap();
        OutPacket::Data(
            ndn::DataBuilder::new(i.name().clone())
                .sign(&ndn::sign::DigestSha256)
                .unwrap(),
        )
    }

    #[test]
    fn cbr_sends_sequential_names_at_the_rate() {
        let mut c = Consumer::new(ConsumerConfig::cbr(name("/p"), 10.0));
        let mut out = AppOutput::default();
        c.start(0, &mut out);
        let mut times = Vec::new();
        while let Some(t) = c.poll_timeout() {
            if t >= NANOS_PER_SEC {
                break;
            }
            let before = out.packets.len();
            c.on_timeout(t, &mut out);
            if out.packets.len() > before {
                times.push(t);
            }
            // answer everything at once so nothing is retransmitted
            let fresh: Vec<Bytes> = out.packets[before..].to_vec();
            for w in fresh {
                c.on_packet(t, &data_for(&w), &mut out);
            }
        }
        assert_eq!(times.len(), 10);
        assert_eq!(times[3], 300_000_000);
        let last = ndn::Interest::decode(out.packets[9].clone()).unwrap();
        assert_eq!(last.name().get(1).unwrap().as_sequence_num(), Some(9));
        assert_eq!(c.stats().data, 10);
        assert_eq!(out.delays.len(), 10);
    }

    #[test]
    fn unanswered_interests_are_retransmitted_after_the_rto() {
        let mut cfg = ConsumerConfig::cbr(name("/p"), 1.0);
        cfg.max_seq = Some(0);
        let mut c = Consumer::new(cfg);
        let mut out = AppOutput::default();
        c.start(0, &mut out);
        while let Some(t) = c.poll_timeout() {
            if t > 3 * NANOS_PER_SEC {
                break;
            }
            c.on_timeout(t, &mut out);
        }
        // first send at 0; RTO 1 s is exceeded at the 1.05 s check; the retransmission goes
        // out in the next tick (2 s)
        assert_eq!(c.stats().interests, 1);
        assert!(c.stats().retransmissions >= 1);
        let names: Vec<_> = out
            .packets
            .iter()
            .map(|w| ndn::Interest::decode(w.clone()).unwrap().name().to_string())
            .collect();
        assert!(names.iter().all(|n| n == &names[0]));
        c.on_packet(3 * NANOS_PER_SEC, &data_for(&out.packets[0]), &mut out);
        let d = out.delays[0];
        assert_eq!(d.full_delay, 3 * NANOS_PER_SEC);
        assert!(d.retx >= 1);
    }

    #[test]
    fn zipf_draws_follow_the_law() {
        let mut cfg = ConsumerConfig::cbr(name("/p"), 1000.0);
        cfg.pattern = RequestPattern::ZipfMandelbrot {
            catalogue: 10,
            q: 0.0,
            s: 1.0,
        };
        let mut c = Consumer::new(cfg);
        let mut counts = [0u32; 11];
        for _ in 0..100_000 {
            counts[c.draw_seq().unwrap() as usize] += 1;
        }
        let pmf = zipf_pmf(10, 0.0, 1.0);
        for k in 1..=10 {
            let f = f64::from(counts[k]) / 100_000.0;
            assert!((f - pmf[k - 1]).abs() < 0.01, "k={k} f={f}");
        }
        assert_eq!(counts[0], 0);
    }

    #[test]
    fn a_tiny_frequency_never_schedules_a_send_in_the_past() {
        for randomize in [Randomize::None, Randomize::Uniform, Randomize::Exponential] {
            let mut cfg = ConsumerConfig::cbr(name("/p"), 1e-12);
            cfg.randomize = randomize;
            cfg.start = NANOS_PER_SEC;
            let mut c = Consumer::new(cfg);
            let mut out = AppOutput::default();
            c.start(0, &mut out);
            c.on_timeout(NANOS_PER_SEC, &mut out);
            assert_eq!(c.stats().interests, 1);
            // the next send is not before now (it was, wrapped around, which made the simulator
            // send again at the same instant forever)
            assert!(c.next_send.is_some_and(|t| t > NANOS_PER_SEC));
        }
    }

    #[test]
    fn exponential_spacing_has_the_right_mean() {
        let mut cfg = ConsumerConfig::cbr(name("/p"), 100.0);
        cfg.randomize = Randomize::Exponential;
        let mut c = Consumer::new(cfg);
        let n = 20_000;
        let total: u64 = (0..n).map(|_| c.interval()).sum();
        let mean = total as f64 / f64::from(n) / 1e6;
        assert!((mean - 10.0).abs() < 0.3, "mean {mean} ms");
    }
}
