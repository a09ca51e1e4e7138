//! `ndnperf`: load generation for NDN forwarders. The server answers every Interest under a
//! prefix with a Data of a fixed payload; the client keeps a window of Interests outstanding on
//! unique names and reports throughput, goodput, timeouts, Nacks and RTT percentiles.
//!
//! Both use a lean connection of their own ([`link::Link`]) that reads and writes packets in
//! batches, so the tool measures the forwarder rather than itself.

pub mod link;

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use ndn::lp::LpPacket;
use ndn::mgmt::{
    ControlParameters, ControlResponse, Record, command_name, command_prefix, sign_command_interest,
};
use ndn::sign::{DigestSha256, Signer};
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name};

use link::Link;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum PerfError {
    /// The connection failed.
    #[error(transparent)]
    Link(#[from] link::LinkError),
    /// I/O on the connection failed.
    #[error("connection to the forwarder failed: {0}")]
    Io(#[from] std::io::Error),
    /// Prefix registration failed.
    #[error("cannot register {prefix}: {reason}")]
    Register {
        /// The prefix.
        prefix: Name,
        /// Why.
        reason: String,
    },
}

/// A small xorshift generator for Nonces and run ids (no secrecy needed).
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn seed() -> u64 {
    let mut b = [0u8; 8];
    let _ = getrandom::fill(&mut b);
    u64::from_le_bytes(b) | 1
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Send a signed `rib/register` for `prefix` on `link` and wait for its answer. Packets that
/// arrive with the answer (Interests sent as soon as the route exists) are left in `early`.
/// On a link with local scope the command goes to `/localhost/nfd`; over UDP or remote TCP,
/// which a forwarder treats as non-local faces, to `/localhop/nfd` (the forwarder must accept
/// remote registration, as `ndnd` does with `localhop_rib_register = true`).
pub async fn register(
    link: &mut Link,
    prefix: &Name,
    early: &mut Vec<Bytes>,
) -> Result<(), PerfError> {
    let mut rng = Xorshift(seed());
    let mgmt = command_prefix("rib", link.has_local_scope());
    let name = command_name(
        &mgmt,
        "rib",
        "register",
        &ControlParameters::with_name(prefix.clone()),
    );
    let wire = sign_command_interest(
        &InterestBuilder::new(name.clone())
            .nonce(rng.next() as u32)
            .lifetime_ms(4000),
        &DigestSha256,
        unix_ms(),
        &rng.next().to_be_bytes(),
    )
    .map_err(|e| PerfError::Register {
        prefix: prefix.clone(),
        reason: e.to_string(),
    })?;
    let mut scratch = BytesMut::new();
    link.send_all(&[wire], &mut scratch).await?;
    let fail = |reason: String| PerfError::Register {
        prefix: prefix.clone(),
        reason,
    };
    let deadline = Instant::now() + Duration::from_secs(4);
    let mut frames = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        tokio::time::timeout(left, link.recv_some(&mut frames))
            .await
            .map_err(|_| fail("no answer from the forwarder".into()))??;
        let mut answer = None;
        for f in frames.drain(..) {
            if answer.is_some() {
                early.push(f);
                continue;
            }
            let Ok(lp) = LpPacket::decode(f.clone()) else {
                continue;
            };
            let Some(frag) = lp.fragment else { continue };
            let response = Data::decode(frag)
                .ok()
                .filter(|d| lp.nack.is_none() && name.is_prefix_of(d.name()));
            match response {
                Some(d) => answer = Some(d),
                None => early.push(f),
            }
        }
        if let Some(d) = answer {
            let r = ControlResponse::decode(d.content()).map_err(|e| fail(e.to_string()))?;
            return if r.status_code == 200 {
                Ok(())
            } else {
                Err(fail(format!("{} {}", r.status_code, r.status_text)))
            };
        }
    }
}

/// What the server signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignKind {
    /// DigestSha256.
    Digest,
    /// Ed25519 with a key made for the run.
    Ed25519,
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Prefix to serve.
    pub prefix: Name,
    /// Content bytes per Data.
    pub payload: usize,
    /// Signature.
    pub sign: SignKind,
    /// FreshnessPeriod in ms (0: none).
    pub freshness_ms: u64,
}

/// Counters of a server run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServerStats {
    /// Interests answered.
    pub answered: u64,
}

/// Register the prefix, call `ready`, then serve until the connection ends or `stop` resolves.
pub async fn run_server(
    mut link: Link,
    opts: &ServerOptions,
    ready: impl FnOnce(),
    stop: impl std::future::Future<Output = ()>,
) -> Result<ServerStats, PerfError> {
    let mut frames = Vec::with_capacity(256);
    register(&mut link, &opts.prefix, &mut frames).await?;
    ready();
    let signer: Box<dyn Signer + Send + Sync> = match opts.sign {
        SignKind::Digest => Box::new(DigestSha256),
        SignKind::Ed25519 => {
            let mut s = [0u8; 32];
            let _ = getrandom::fill(&mut s);
            let key = ndn::sign::Ed25519Signer::from_seed(&s);
            let locator = opts.prefix.append_generic("KEY").append_generic("perf");
            Box::new(key.with_key_locator(Some(ndn::packet::KeyLocator::Name(locator))))
        }
    };
    let payload = Bytes::from(vec![b'x'; opts.payload]);
    let mut stats = ServerStats::default();
    let mut out = Vec::with_capacity(256);
    let mut scratch = BytesMut::new();
    tokio::pin!(stop);
    loop {
        // frames left over from registration are answered first
        if frames.is_empty() {
            tokio::select! {
                _ = &mut stop => return Ok(stats),
                r = link.recv_some(&mut frames) => {
                    if r.is_err() {
                        return Ok(stats);
                    }
                }
            }
        }
        for f in frames.drain(..) {
            let Ok(lp) = LpPacket::decode(f) else {
                continue;
            };
            let Some(frag) = lp.fragment else { continue };
            if lp.nack.is_some() {
                continue;
            }
            let Ok(i) = Interest::decode(frag) else {
                continue;
            };
            if !opts.prefix.is_prefix_of(i.name()) {
                continue;
            }
            let mut b = DataBuilder::new(i.name().clone()).content(payload.clone());
            if opts.freshness_ms > 0 {
                b = b.freshness_period(opts.freshness_ms);
            }
            if let Ok(wire) = b.sign(signer.as_ref()) {
                out.push(wire);
                stats.answered += 1;
            }
        }
        link.send_all(&out, &mut scratch).await?;
        out.clear();
    }
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Prefix to ask under.
    pub prefix: Name,
    /// Interests outstanding at once.
    pub window: usize,
    /// How long to send.
    pub duration: Duration,
    /// InterestLifetime in ms (also the timeout).
    pub lifetime_ms: u64,
}

/// The result of a client run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Measured time in seconds.
    pub seconds: f64,
    /// Interest/Data exchanges completed.
    pub exchanges: u64,
    /// Exchanges per second.
    pub interests_per_second: f64,
    /// Content bytes received.
    pub payload_bytes: u64,
    /// Goodput in Mbit/s (content bytes).
    pub goodput_mbps: f64,
    /// Interests that timed out.
    pub timeouts: u64,
    /// Nacks received.
    pub nacks: u64,
    /// Nacks received, by reason.
    pub nack_reasons: std::collections::BTreeMap<String, u64>,
    /// RTT percentiles and extremes in ms: min, p50, p90, p99, max.
    pub rtt_ms: [f64; 5],
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    f64::from(sorted[i.min(sorted.len() - 1)]) / 1000.0
}

/// Keep `window` Interests outstanding for `duration` and measure.
pub async fn run_client(mut link: Link, opts: &ClientOptions) -> Result<Report, PerfError> {
    let mut rng = Xorshift(seed());
    let run = opts
        .prefix
        .append_generic(format!("{:08x}", rng.next() as u32));
    let lifetime = Duration::from_millis(opts.lifetime_ms);
    let mut outstanding: HashMap<u64, Instant> = HashMap::with_capacity(opts.window * 2);
    let mut deadlines: VecDeque<(u64, Instant)> = VecDeque::new();
    let mut rtts: Vec<u32> = Vec::with_capacity(1 << 20);
    let (mut exchanges, mut bytes, mut timeouts, mut nacks) = (0u64, 0u64, 0u64, 0u64);
    let mut nack_reasons = std::collections::BTreeMap::new();
    let mut next_seq = 0u64;
    let mut frames = Vec::with_capacity(256);
    let mut out = Vec::with_capacity(opts.window);
    let mut scratch = BytesMut::new();
    let start = Instant::now();
    let end = start + opts.duration;
    loop {
        let now = Instant::now();
        // expire
        while let Some(&(seq, at)) = deadlines.front() {
            if at > now {
                break;
            }
            deadlines.pop_front();
            if outstanding.remove(&seq).is_some() {
                timeouts += 1;
            }
        }
        // refill the window
        if now < end {
            while outstanding.len() < opts.window {
                let seq = next_seq;
                next_seq += 1;
                let wire = InterestBuilder::new(run.append_sequence_num(seq))
                    .nonce(rng.next() as u32)
                    .lifetime_ms(opts.lifetime_ms)
                    .encode();
                out.push(wire);
                outstanding.insert(seq, now);
                deadlines.push_back((seq, now + lifetime));
            }
            link.send_all(&out, &mut scratch).await?;
            out.clear();
        } else if outstanding.is_empty() {
            break;
        }
        let wait_until = deadlines
            .front()
            .map(|&(_, t)| t)
            .unwrap_or(end)
            .min(if now < end { end } else { now + lifetime });
        let left = wait_until.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, link.recv_some(&mut frames)).await {
            Ok(r) => r?,
            Err(_) => continue,
        }
        let now = Instant::now();
        for f in frames.drain(..) {
            let Ok(lp) = LpPacket::decode(f) else {
                continue;
            };
            let Some(frag) = lp.fragment else { continue };
            let seq_of = |n: &Name| n.last().and_then(|c| c.as_sequence_num());
            if let Some(reason) = lp.nack {
                if let Ok(i) = Interest::decode(frag)
                    && let Some(seq) = seq_of(i.name())
                    && outstanding.remove(&seq).is_some()
                {
                    nacks += 1;
                    *nack_reasons.entry(reason.to_string()).or_insert(0) += 1;
                }
                continue;
            }
            let Ok(d) = Data::decode(frag) else { continue };
            let Some(seq) = seq_of(d.name()) else {
                continue;
            };
            if let Some(sent) = outstanding.remove(&seq)
                && now <= end
            {
                exchanges += 1;
                bytes += d.content_len() as u64;
                rtts.push(
                    now.duration_since(sent)
                        .as_micros()
                        .min(u128::from(u32::MAX)) as u32,
                );
            }
        }
        if now >= end && outstanding.is_empty() {
            break;
        }
    }
    let seconds = opts.duration.as_secs_f64();
    rtts.sort_unstable();
    Ok(Report {
        seconds,
        exchanges,
        interests_per_second: exchanges as f64 / seconds,
        payload_bytes: bytes,
        goodput_mbps: bytes as f64 * 8.0 / seconds / 1e6,
        timeouts,
        nacks,
        nack_reasons,
        rtt_ms: [
            percentile(&rtts, 0.0),
            percentile(&rtts, 0.5),
            percentile(&rtts, 0.9),
            percentile(&rtts, 0.99),
            percentile(&rtts, 1.0),
        ],
    })
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "exchanges: {} in {:.1} s ({:.0} Interest/s)",
            self.exchanges, self.seconds, self.interests_per_second
        )?;
        writeln!(
            f,
            "goodput: {:.1} Mbit/s ({} payload bytes)",
            self.goodput_mbps, self.payload_bytes
        )?;
        write!(f, "timeouts: {}, nacks: {}", self.timeouts, self.nacks)?;
        for (reason, n) in &self.nack_reasons {
            write!(f, " ({reason}: {n})")?;
        }
        writeln!(f)?;
        let [min, p50, p90, p99, max] = self.rtt_ms;
        write!(
            f,
            "RTT ms: min {min:.3} p50 {p50:.3} p90 {p90:.3} p99 {p99:.3} max {max:.3}"
        )
    }
}
