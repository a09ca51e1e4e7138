//! A window-based consumer fetching `prefix/<segment>` names with AIMD congestion control.
//!
//! INTEGRATION POINT for `ndn::fetch`: this consumer is meant to be the real sans-IO segment
//! fetcher that `ndnget` uses (being written on branch `app`). Until that lands, the
//! [`WindowConsumer`] below carries a small stand-in with the same shape as a sans-IO fetcher
//! (inputs `on_data`/`on_nack`/`on_timeout`, outputs polled as Interests and the next wake-up):
//! slow start, then additive increase; on a timeout, a Nack or a congestion mark the window is
//! halved at most once per RTT (conservative adaptation, as ndncatchunks does). To switch, keep
//! [`WindowConsumerConfig`] and replace the `Aimd` state in [`WindowConsumer`] with the
//! fetcher, feeding it packets in [`WindowConsumer::on_packet`] and draining its Interests into
//! [`AppOutput::packets`].

use std::collections::{BTreeMap, BTreeSet};

use ndn::{InterestBuilder, Name};
use ndn_fw::{OutPacket, Rng};

use super::{AppOutput, DelayRecord, RttEstimator};
use crate::units::SimTime;

/// Settings of a window consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowConsumerConfig {
    /// Name prefix; segment numbers are appended.
    pub prefix: Name,
    /// Segments to fetch (`None`: keep going until `stop`).
    pub segments: Option<u64>,
    /// Initial congestion window in Interests.
    pub initial_window: f64,
    /// Largest congestion window.
    pub max_window: f64,
    /// InterestLifetime in milliseconds.
    pub lifetime_ms: u64,
    /// When to start.
    pub start: SimTime,
    /// When to stop.
    pub stop: Option<SimTime>,
    /// Seed of the RNG (Nonces).
    pub seed: u64,
}

impl WindowConsumerConfig {
    /// A window consumer of `prefix` with window 1, at most 1000, 2 s lifetime.
    pub fn new(prefix: Name) -> WindowConsumerConfig {
        WindowConsumerConfig {
            prefix,
            segments: None,
            initial_window: 1.0,
            max_window: 1000.0,
            lifetime_ms: 2000,
            start: 0,
            stop: None,
            seed: 0,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    first_sent: SimTime,
    last_sent: SimTime,
    retx: u32,
}

/// The AIMD stand-in for the segment fetcher's congestion control.
#[derive(Debug, Clone, Copy)]
struct Aimd {
    cwnd: f64,
    ssthresh: f64,
    max: f64,
    /// No further decrease before this time (one decrease per RTT).
    hold_until: SimTime,
}

impl Aimd {
    fn increase(&mut self) {
        if self.cwnd < self.ssthresh {
            self.cwnd += 1.0;
        } else {
            self.cwnd += 1.0 / self.cwnd;
        }
        self.cwnd = self.cwnd.min(self.max);
    }

    fn decrease(&mut self, now: SimTime, rtt: SimTime) {
        if now < self.hold_until {
            return;
        }
        self.ssthresh = (self.cwnd / 2.0).max(2.0);
        self.cwnd = self.ssthresh;
        self.hold_until = now + rtt;
    }
}

/// Statistics of a window consumer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WindowStats {
    /// First transmissions.
    pub interests: u64,
    /// Retransmissions.
    pub retransmissions: u64,
    /// Segments received.
    pub data: u64,
    /// Nacks received.
    pub nacks: u64,
    /// Window decreases.
    pub decreases: u64,
    /// Current window.
    pub cwnd: f64,
}

/// A window consumer.
#[derive(Debug)]
pub struct WindowConsumer {
    config: WindowConsumerConfig,
    rng: Rng,
    cc: Aimd,
    rtt: RttEstimator,
    next_seg: u64,
    in_flight: BTreeMap<u64, Pending>,
    retx_queue: BTreeSet<u64>,
    next_check: Option<SimTime>,
    started: bool,
    stats: WindowStats,
}

const CHECK_PERIOD: SimTime = 10_000_000;

impl WindowConsumer {
    /// A window consumer; nothing happens before [`WindowConsumer::start`].
    pub fn new(config: WindowConsumerConfig) -> WindowConsumer {
        WindowConsumer {
            rng: Rng::from_seed(config.seed),
            cc: Aimd {
                cwnd: config.initial_window.max(1.0),
                ssthresh: f64::INFINITY,
                max: config.max_window.max(1.0),
                hold_until: 0,
            },
            config,
            rtt: RttEstimator::default(),
            next_seg: 0,
            in_flight: BTreeMap::new(),
            retx_queue: BTreeSet::new(),
            next_check: None,
            started: false,
            stats: WindowStats::default(),
        }
    }

    /// Its settings.
    pub fn config(&self) -> &WindowConsumerConfig {
        &self.config
    }

    /// Its counters and current window.
    pub fn stats(&self) -> WindowStats {
        WindowStats {
            cwnd: self.cc.cwnd,
            ..self.stats
        }
    }

    /// Begin at the configured start time.
    pub fn start(&mut self, now: SimTime, _out: &mut AppOutput) {
        self.next_check = Some(self.config.start.max(now));
    }

    fn stopped(&self, now: SimTime) -> bool {
        self.config.stop.is_some_and(|s| now >= s)
    }

    fn fill(&mut self, now: SimTime, out: &mut AppOutput) {
        if self.stopped(now) {
            return;
        }
        while (self.in_flight.len() as f64) < self.cc.cwnd.floor() {
            if self.config.segments.is_some_and(|n| self.next_seg >= n) {
                break;
            }
            let seg = self.next_seg;
            self.next_seg += 1;
            self.stats.interests += 1;
            self.in_flight.insert(
                seg,
                Pending {
                    first_sent: now,
                    last_sent: now,
                    retx: 0,
                },
            );
            let wire = InterestBuilder::new(self.config.prefix.append_segment(seg))
                .nonce(self.rng.next_u32())
                .lifetime_ms(self.config.lifetime_ms)
                .encode();
            out.packets.push(wire);
        }
    }

    /// A periodic check: detect timeouts and keep the window full.
    pub fn on_timeout(&mut self, now: SimTime, out: &mut AppOutput) {
        self.next_check = None;
        self.started = true;
        let rto = self.rtt.rto();
        let mut lost = false;
        for (&seg, p) in &self.in_flight {
            if now.saturating_sub(p.last_sent) > rto && !self.retx_queue.contains(&seg) {
                self.retx_queue.insert(seg);
                lost = true;
            }
        }
        if lost {
            self.congestion(now);
            self.rtt.back_off();
        }
        self.retransmit_now(now, out);
        self.fill(now, out);
        let done =
            self.in_flight.is_empty() && self.config.segments.is_some_and(|n| self.next_seg >= n);
        if !done && !self.stopped(now) {
            self.next_check = Some(now + CHECK_PERIOD);
        }
    }

    /// Segments queued for retransmission go out now, even if the window is full (they are
    /// already counted in flight).
    fn retransmit_now(&mut self, now: SimTime, out: &mut AppOutput) {
        if self.stopped(now) {
            return;
        }
        while let Some(seg) = self.retx_queue.pop_first() {
            if let Some(p) = self.in_flight.get_mut(&seg) {
                p.retx += 1;
                p.last_sent = now;
                self.stats.retransmissions += 1;
                let wire = InterestBuilder::new(self.config.prefix.append_segment(seg))
                    .nonce(self.rng.next_u32())
                    .lifetime_ms(self.config.lifetime_ms)
                    .encode();
                out.packets.push(wire);
            }
        }
    }

    fn congestion(&mut self, now: SimTime) {
        let before = self.cc.hold_until;
        self.cc
            .decrease(now, self.rtt.srtt().unwrap_or(100_000_000));
        if self.cc.hold_until != before {
            self.stats.decreases += 1;
        }
    }

    /// Data or a Nack arrived.
    pub fn on_packet(&mut self, now: SimTime, packet: &OutPacket, out: &mut AppOutput) {
        match packet {
            OutPacket::Data(wire) => {
                let Ok(data) = ndn::Data::decode(wire.clone()) else {
                    return;
                };
                let Some(seg) = data
                    .name()
                    .get(self.config.prefix.len())
                    .and_then(|c| c.as_segment())
                else {
                    return;
                };
                let Some(p) = self.in_flight.remove(&seg) else {
                    return;
                };
                self.retx_queue.remove(&seg);
                self.stats.data += 1;
                if p.retx == 0 {
                    self.rtt.sample(now - p.last_sent);
                }
                out.delays.push(DelayRecord {
                    time: now,
                    seq: seg,
                    last_delay: now - p.last_sent,
                    full_delay: now - p.first_sent,
                    retx: p.retx,
                });
                self.cc.increase();
                self.fill(now, out);
            }
            OutPacket::Nack { interest, .. } => {
                self.stats.nacks += 1;
                if let Ok(i) = ndn::Interest::decode(interest.clone())
                    && let Some(seg) = i
                        .name()
                        .get(self.config.prefix.len())
                        .and_then(|c| c.as_segment())
                    && self.in_flight.contains_key(&seg)
                {
                    self.retx_queue.insert(seg);
                }
                self.congestion(now);
            }
            OutPacket::Interest(_) => {}
        }
    }

    /// Next wake-up.
    pub fn poll_timeout(&self) -> Option<SimTime> {
        self.next_check
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::NANOS_PER_SEC;

    #[test]
    fn window_grows_when_everything_arrives() {
        let mut cfg = WindowConsumerConfig::new(Name::from_uri("/f").unwrap());
        cfg.segments = Some(100);
        let mut w = WindowConsumer::new(cfg);
        let mut out = AppOutput::default();
        w.start(0, &mut out);
        let mut now = 0;
        while let Some(t) = w.poll_timeout() {
            now = now.max(t);
            w.on_timeout(now, &mut out);
            // answer every Interest sent so far, 1 ms later
            while !out.packets.is_empty() {
                let batch: Vec<_> = out.packets.drain(..).collect();
                now += 1_000_000;
                for i in batch {
                    let i = ndn::Interest::decode(i).unwrap();
                    let d = ndn::DataBuilder::new(i.name().clone())
                        .sign(&ndn::sign::DigestSha256)
                        .unwrap();
                    w.on_packet(now, &OutPacket::Data(d), &mut out);
                }
            }
            if now > 10 * NANOS_PER_SEC {
                break;
            }
        }
        let s = w.stats();
        assert_eq!(s.data, 100);
        assert_eq!(s.retransmissions, 0);
        assert!(s.cwnd > 10.0, "cwnd {}", s.cwnd);
    }
}
