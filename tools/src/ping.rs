//! `ndnping` and `ndnpingserver`: reachability tests with ndn-tools' ndnping protocol
//! (version 1). Probes are Interests for `<prefix>/ping/<seq>` (or
//! `<prefix>/ping/<client-id>/<seq>`) with `<seq>` a decimal number in a GenericNameComponent,
//! MustBeFresh and no CanBePrefix; the server answers each with a Data of the same name, a
//! payload of `'a'` bytes, a FreshnessPeriod and a DigestSha256 signature. Output lines and the
//! statistics block follow ndnping's format.

use std::future::Future;
use std::io::Write;
use std::time::{Duration, Instant};

use ndn::app::{ExpressError, Face, Registration};
use ndn::lp::NackReason;
use ndn::sign::DigestSha256;
use ndn::{DataBuilder, InterestBuilder, Name};
use tokio::sync::mpsc;

/// The component between the prefix and the sequence number.
pub const PING_COMPONENT: &[u8] = b"ping";

/// How a probe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PingOutcome {
    /// A Data came back after `rtt`.
    Data {
        /// Round-trip time.
        rtt: Duration,
    },
    /// A Nack came back after `rtt`.
    Nack {
        /// Round-trip time.
        rtt: Duration,
        /// The Nack reason.
        reason: NackReason,
    },
    /// Nothing came back in time.
    Timeout,
}

/// `<prefix>/ping`, the prefix the server registers.
pub fn ping_prefix(prefix: &Name) -> Name {
    prefix.append_generic(PING_COMPONENT)
}

/// The name of probe `seq`: `<prefix>/ping[/<identifier>]/<seq>`.
pub fn probe_name(prefix: &Name, identifier: Option<&str>, seq: u64) -> Name {
    let mut n = ping_prefix(prefix);
    if let Some(id) = identifier {
        n = n.append_generic(id.as_bytes());
    }
    n.append_generic(seq.to_string().as_bytes())
}

/// The sequence number of a probe name under `ping_prefix` (`<prefix>/ping`), `None` when the
/// name is not a probe.
pub fn probe_seq(ping_prefix: &Name, name: &Name) -> Option<u64> {
    let extra = name.len().checked_sub(ping_prefix.len())?;
    if !ping_prefix.is_prefix_of(name) || !(1..=2).contains(&extra) {
        return None;
    }
    let last = name.last()?;
    if !last.is_generic() || last.value().is_empty() || !last.value().iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    std::str::from_utf8(last.value()).ok()?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The line ndnping prints for one probe.
pub fn outcome_line(prefix: &Name, seq: u64, outcome: &PingOutcome) -> String {
    match outcome {
        PingOutcome::Data { rtt } => {
            format!("content from {prefix}: seq={seq} time={:.3} ms", ms(*rtt))
        }
        PingOutcome::Nack { rtt, reason } => format!(
            "nack from {prefix}: seq={seq} time={:.3} ms reason={reason}",
            ms(*rtt)
        ),
        PingOutcome::Timeout => format!("timeout from {prefix}: seq={seq}"),
    }
}

/// Counters and RTT sums of a ping run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PingStats {
    /// Probes whose outcome is known.
    pub sent: u64,
    /// Probes answered with Data.
    pub received: u64,
    /// Probes answered with a Nack.
    pub nacked: u64,
    min_ms: f64,
    max_ms: f64,
    sum_ms: f64,
    sum_sq_ms: f64,
}

impl PingStats {
    /// Count one outcome.
    pub fn record(&mut self, outcome: &PingOutcome) {
        self.sent += 1;
        match outcome {
            PingOutcome::Data { rtt } => {
                let r = ms(*rtt);
                if self.received == 0 || r < self.min_ms {
                    self.min_ms = r;
                }
                self.max_ms = self.max_ms.max(r);
                self.sum_ms += r;
                self.sum_sq_ms += r * r;
                self.received += 1;
            }
            PingOutcome::Nack { .. } => self.nacked += 1,
            PingOutcome::Timeout => {}
        }
    }

    /// Fraction of probes with neither Data nor Nack.
    pub fn loss(&self) -> f64 {
        ratio(self.sent - self.received - self.nacked, self.sent)
    }

    /// RTT min, avg, max and mean deviation in ms, when some Data came back.
    pub fn rtt(&self) -> Option<(f64, f64, f64, f64)> {
        if self.received == 0 {
            return None;
        }
        let n = self.received as f64;
        let avg = self.sum_ms / n;
        let mdev = (self.sum_sq_ms / n - avg * avg).max(0.0).sqrt();
        Some((self.min_ms, avg, self.max_ms, mdev))
    }

    /// The statistics block ndnping prints at the end (`time` is the sum of the RTTs, as
    /// ndnping reports it).
    pub fn summary(&self, prefix: &Name) -> String {
        let mut s = format!(
            "\n--- {prefix} ping statistics ---\n\
             {} packets transmitted, {} received, {} nacked, {}% packet loss, {}% nacked, time {:.3} ms",
            self.sent,
            self.received,
            self.nacked,
            percent(self.loss()),
            percent(ratio(self.nacked, self.sent)),
            self.sum_ms,
        );
        if let Some((min, avg, max, mdev)) = self.rtt() {
            s.push_str(&format!(
                "\nrtt min/avg/max/mdev = {min:.3}/{avg:.3}/{max:.3}/{mdev:.3} ms"
            ));
        }
        s
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn percent(f: f64) -> String {
    let p = f * 100.0;
    if p.fract() == 0.0 {
        format!("{p:.0}")
    } else {
        format!("{p:.2}")
    }
}

/// What `ndnping` sends.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The server's prefix.
    pub prefix: Name,
    /// A client identifier component before the sequence number.
    pub identifier: Option<String>,
    /// Probes to send; `None` until stopped.
    pub count: Option<u64>,
    /// Time between probes.
    pub interval: Duration,
    /// InterestLifetime and timeout of a probe.
    pub timeout: Duration,
    /// The first sequence number.
    pub start_seq: u64,
    /// Leave out MustBeFresh (cached replies may answer).
    pub allow_stale: bool,
    /// Prefix each line with the time.
    pub timestamp: bool,
}

fn stamp(on: bool) -> String {
    if !on {
        return String::new();
    }
    let ms = crate::cli::unix_ms();
    format!(
        "{}.{:03} - ",
        ndn::packet::format_iso8601(ms / 1000),
        ms % 1000
    )
}

/// Send probes through `face` as `opts` say, print a line per outcome to `out`, and return
/// the statistics once every probe has an outcome or `stop` completes.
pub async fn run_client(
    face: &Face,
    opts: &ClientOptions,
    out: &mut dyn Write,
    stop: impl Future<Output = ()>,
) -> std::io::Result<PingStats> {
    let mut stats = PingStats::default();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut ticker = tokio::time::interval(opts.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut sent = 0u64;
    let mut outstanding = 0u64;
    tokio::pin!(stop);
    loop {
        let more = opts.count.is_none_or(|c| sent < c);
        if !more && outstanding == 0 {
            break;
        }
        tokio::select! {
            _ = ticker.tick(), if more => {
                let seq = opts.start_seq.wrapping_add(sent);
                let interest = InterestBuilder::new(probe_name(&opts.prefix, opts.identifier.as_deref(), seq))
                    .must_be_fresh(!opts.allow_stale)
                    .lifetime_ms(u64::try_from(opts.timeout.as_millis()).unwrap_or(u64::MAX));
                let (face, tx, timeout) = (face.clone(), tx.clone(), opts.timeout);
                tokio::spawn(async move {
                    let t0 = Instant::now();
                    let outcome = match face.express(interest, Some(timeout)).await {
                        Ok(_) => PingOutcome::Data { rtt: t0.elapsed() },
                        Err(ExpressError::Nack(reason)) => PingOutcome::Nack { rtt: t0.elapsed(), reason },
                        Err(_) => PingOutcome::Timeout,
                    };
                    let _ = tx.send((seq, outcome));
                });
                sent += 1;
                outstanding += 1;
            }
            Some((seq, outcome)) = rx.recv() => {
                outstanding -= 1;
                stats.record(&outcome);
                writeln!(out, "{}{}", stamp(opts.timestamp), outcome_line(&opts.prefix, seq, &outcome))?;
                out.flush()?;
            }
            _ = &mut stop => break,
        }
    }
    Ok(stats)
}

/// What `ndnpingserver` answers with.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The prefix; the server answers under `<prefix>/ping`.
    pub prefix: Name,
    /// FreshnessPeriod of the replies.
    pub freshness: Duration,
    /// Payload bytes per reply.
    pub payload_size: usize,
    /// Stop after this many replies (0: no limit).
    pub max_pings: u64,
    /// Prefix each line with the time.
    pub timestamp: bool,
    /// Print no line per probe.
    pub quiet: bool,
}

/// Answer probes arriving on `reg` until `max_pings` were answered, the connection closes or
/// `stop` completes; returns how many were answered.
pub async fn run_server(
    mut reg: Registration,
    opts: &ServerOptions,
    out: &mut dyn Write,
    stop: impl Future<Output = ()>,
) -> std::io::Result<u64> {
    let payload = bytes::Bytes::from(vec![b'a'; opts.payload_size]);
    let freshness = u64::try_from(opts.freshness.as_millis()).unwrap_or(u64::MAX);
    let mut answered = 0u64;
    tokio::pin!(stop);
    loop {
        let (interest, responder) = tokio::select! {
            next = reg.recv() => match next {
                Some(x) => x,
                None => break,
            },
            _ = &mut stop => break,
        };
        if !opts.quiet {
            let seq = interest
                .name()
                .last()
                .map(|c| String::from_utf8_lossy(c.value()).into_owned())
                .unwrap_or_default();
            writeln!(out, "{}interest received: seq={seq}", stamp(opts.timestamp))?;
            out.flush()?;
        }
        let Ok(wire) = DataBuilder::new(interest.name().clone())
            .content(payload.clone())
            .freshness_period(freshness)
            .sign(&DigestSha256)
        else {
            continue;
        };
        if responder.respond(wire).is_err() {
            break;
        }
        answered += 1;
        if opts.max_pings > 0 && answered >= opts.max_pings {
            break;
        }
    }
    Ok(answered)
}

/// The statistics block ndnpingserver prints at the end.
pub fn server_summary(prefix: &Name, answered: u64) -> String {
    format!("\n--- {prefix} ping server statistics ---\n{answered} packets processed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::from_uri(s).unwrap()
    }

    #[test]
    fn probe_names_round_trip() {
        let p = n("/edu/arizona");
        assert_eq!(probe_name(&p, None, 42).to_string(), "/edu/arizona/ping/42");
        assert_eq!(
            probe_name(&p, Some("me"), 7).to_string(),
            "/edu/arizona/ping/me/7"
        );
        let pp = ping_prefix(&p);
        assert_eq!(probe_seq(&pp, &probe_name(&p, None, 42)), Some(42));
        assert_eq!(probe_seq(&pp, &probe_name(&p, Some("me"), 7)), Some(7));
        assert_eq!(probe_seq(&pp, &n("/edu/arizona/ping/x")), None);
        assert_eq!(probe_seq(&pp, &n("/edu/arizona/ping")), None);
        assert_eq!(probe_seq(&pp, &n("/other/ping/1")), None);
        assert_eq!(probe_seq(&pp, &n("/edu/arizona/ping/a/b/1")), None);
    }

    #[test]
    fn lines_follow_ndnping() {
        let p = n("/a");
        let data = PingOutcome::Data {
            rtt: Duration::from_micros(1500),
        };
        assert_eq!(
            outcome_line(&p, 5, &data),
            "content from /a: seq=5 time=1.500 ms"
        );
        let nack = PingOutcome::Nack {
            rtt: Duration::from_millis(2),
            reason: NackReason::NoRoute,
        };
        assert_eq!(
            outcome_line(&p, 6, &nack),
            "nack from /a: seq=6 time=2.000 ms reason=NoRoute"
        );
        assert_eq!(
            outcome_line(&p, 7, &PingOutcome::Timeout),
            "timeout from /a: seq=7"
        );
    }

    #[test]
    fn statistics_count_loss_and_rtt_spread() {
        let mut s = PingStats::default();
        for ms in [1, 3] {
            s.record(&PingOutcome::Data {
                rtt: Duration::from_millis(ms),
            });
        }
        s.record(&PingOutcome::Timeout);
        s.record(&PingOutcome::Nack {
            rtt: Duration::from_millis(1),
            reason: NackReason::NoRoute,
        });
        let (min, avg, max, mdev) = s.rtt().unwrap();
        assert_eq!((min, avg, max, mdev), (1.0, 2.0, 3.0, 1.0));
        let text = s.summary(&n("/a"));
        assert!(text.contains("--- /a ping statistics ---"), "{text}");
        assert!(
            text.contains("4 packets transmitted, 2 received, 1 nacked, 25% packet loss, 25% nacked, time 4.000 ms"),
            "{text}"
        );
        assert!(
            text.contains("rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms"),
            "{text}"
        );
        let empty = PingStats::default().summary(&n("/a"));
        assert!(!empty.contains("rtt"), "{empty}");
    }
}
