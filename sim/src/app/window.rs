//! A window consumer: the real sans-IO segment fetcher of `ndnget` ([`ndn::fetch::Fetcher`]:
//! version discovery, fixed/AIMD/CUBIC windows, RFC 6298 retransmission timer, fast
//! retransmit) driven in virtual time, fetching one object.

use std::collections::BTreeMap;
use std::time::Duration;

use ndn::Name;
use ndn::fetch::{FetchOptions, Fetcher, PipelineKind};
use ndn_fw::OutPacket;

use super::{AppOutput, DelayRecord};
use crate::units::SimTime;

/// Settings of a window consumer.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowConsumerConfig {
    /// The object: versioned (`/file/v=1`) or not (then discovered, as ndnget does).
    pub prefix: Name,
    /// Window algorithm.
    pub pipeline: PipelineKind,
    /// Initial window (AIMD, CUBIC).
    pub init_cwnd: f64,
    /// InterestLifetime in milliseconds.
    pub lifetime_ms: u64,
    /// Retransmissions allowed per segment (`None`: no limit).
    pub max_retries: Option<u32>,
    /// When to start.
    pub start: SimTime,
    /// When to give up sending.
    pub stop: Option<SimTime>,
    /// Seed of the Nonces.
    pub seed: u64,
    /// ForwardingHint delegations on every Interest (none when empty).
    pub forwarding_hint: Vec<Name>,
}

impl WindowConsumerConfig {
    /// ndnget's defaults (CUBIC, initial window 2, 4 s lifetime, 15 retries) for `prefix`.
    pub fn new(prefix: Name) -> WindowConsumerConfig {
        let d = FetchOptions::default();
        WindowConsumerConfig {
            prefix,
            pipeline: d.pipeline,
            init_cwnd: d.init_cwnd,
            lifetime_ms: u64::try_from(d.interest_lifetime.as_millis()).unwrap_or(4000),
            max_retries: d.max_retries,
            start: 0,
            stop: None,
            seed: 0,
            forwarding_hint: Vec::new(),
        }
    }
}

/// Counters of a window consumer.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WindowStats {
    /// First transmissions of segment Interests (and discovery Interests).
    pub interests: u64,
    /// Retransmissions.
    pub retransmissions: u64,
    /// Segments received.
    pub data: u64,
    /// Nacks received.
    pub nacks: u64,
    /// Content bytes received.
    pub bytes: u64,
    /// Current congestion window.
    pub cwnd: f64,
    /// When the whole object had arrived.
    pub finished_at: Option<SimTime>,
    /// The fetch failed.
    pub failed: bool,
}

#[derive(Debug, Clone, Copy)]
struct Sent {
    first: SimTime,
    last: SimTime,
    retx: u32,
}

/// A window consumer.
#[derive(Debug)]
pub struct WindowConsumer {
    config: WindowConsumerConfig,
    fetcher: Option<Box<Fetcher>>,
    sent: BTreeMap<u64, Sent>,
    stats: WindowStats,
}

fn dur(t: SimTime) -> Duration {
    Duration::from_nanos(t)
}

impl WindowConsumer {
    /// A window consumer; it starts fetching at `config.start`.
    pub fn new(config: WindowConsumerConfig) -> WindowConsumer {
        WindowConsumer {
            config,
            fetcher: None,
            sent: BTreeMap::new(),
            stats: WindowStats::default(),
        }
    }

    /// Its settings.
    pub fn config(&self) -> &WindowConsumerConfig {
        &self.config
    }

    /// Its counters.
    pub fn stats(&self) -> WindowStats {
        let mut s = self.stats;
        if let Some(f) = &self.fetcher {
            let fs = f.stats();
            s.interests = fs.interests_sent.saturating_sub(fs.retransmissions);
            s.retransmissions = fs.retransmissions;
            s.nacks = fs.nacks;
            s.bytes = fs.bytes;
            s.cwnd = f.cwnd();
            s.failed = f.error().is_some();
        }
        s
    }

    /// The fetcher, once started.
    pub fn fetcher(&self) -> Option<&Fetcher> {
        self.fetcher.as_deref()
    }

    /// Nothing to do before the start time.
    pub fn start(&mut self, _now: SimTime, _out: &mut AppOutput) {}

    fn stopped(&self, now: SimTime) -> bool {
        self.config.stop.is_some_and(|s| now >= s)
    }

    fn pump(&mut self, now: SimTime, out: &mut AppOutput) {
        if self.stopped(now) {
            return;
        }
        let Some(f) = self.fetcher.as_mut() else {
            return;
        };
        while let Some(i) = f.poll_interest(dur(now)) {
            if let Some(seg) = i.segment {
                self.sent
                    .entry(seg)
                    .and_modify(|s| {
                        s.last = now;
                        s.retx += 1;
                    })
                    .or_insert(Sent {
                        first: now,
                        last: now,
                        retx: 0,
                    });
            }
            out.packets.push(i.encode());
        }
        while f.poll_segment().is_some() {}
        if f.is_done() && self.stats.finished_at.is_none() {
            self.stats.finished_at = Some(now);
        }
    }

    /// Start the fetch, or let the fetcher handle its timers.
    pub fn on_timeout(&mut self, now: SimTime, out: &mut AppOutput) {
        match self.fetcher.as_mut() {
            None => {
                let opts = FetchOptions {
                    pipeline: self.config.pipeline,
                    init_cwnd: self.config.init_cwnd,
                    interest_lifetime: Duration::from_millis(self.config.lifetime_ms),
                    max_retries: self.config.max_retries,
                    nonce_seed: self.config.seed,
                    forwarding_hint: self.config.forwarding_hint.clone(),
                    ..FetchOptions::default()
                };
                self.fetcher = Some(Box::new(Fetcher::new(self.config.prefix.clone(), opts)));
            }
            Some(f) => f.handle_timeout(dur(now)),
        }
        self.pump(now, out);
    }

    /// Data or a Nack arrived; `marked` when it carried a CongestionMark.
    pub fn on_packet(
        &mut self,
        now: SimTime,
        packet: &OutPacket,
        marked: bool,
        out: &mut AppOutput,
    ) {
        let Some(f) = self.fetcher.as_mut() else {
            return;
        };
        match packet {
            OutPacket::Data(wire) => {
                let Ok(data) = ndn::Data::decode(wire.clone()) else {
                    return;
                };
                if f.handle_data(dur(now), &data, marked).is_ok()
                    && let Some(seg) = data.name().last().and_then(|c| c.as_segment())
                    && let Some(s) = self.sent.remove(&seg)
                {
                    self.stats.data += 1;
                    out.delays.push(DelayRecord {
                        time: now,
                        seq: seg,
                        last_delay: now - s.last,
                        full_delay: now - s.first,
                        retx: s.retx,
                    });
                }
            }
            OutPacket::Nack { reason, interest } => {
                if let Ok(i) = ndn::Interest::decode(interest.clone()) {
                    f.handle_nack(dur(now), i.name(), i.nonce(), *reason);
                }
            }
            OutPacket::Interest(_) => return,
        }
        self.pump(now, out);
    }

    /// Next wake-up: the start, then the fetcher's timer (none once done, failed or stopped).
    pub fn poll_timeout(&self) -> Option<SimTime> {
        match &self.fetcher {
            None => Some(self.config.start),
            Some(f) => {
                if f.is_done() || f.error().is_some() {
                    return None;
                }
                let t = u64::try_from(f.poll_timeout()?.as_nanos()).unwrap_or(u64::MAX);
                if self.config.stop.is_some_and(|s| t >= s) {
                    return None;
                }
                Some(t)
            }
        }
    }
}
