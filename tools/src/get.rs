//! `ndnget`: fetch a segmented object (version discovery, a congestion-controlled pipeline,
//! signature checks) and write its segments in order as they arrive.

use std::io::Write;
use std::time::{Duration, Instant};

use ndn::app::{Face, FetchStreamError, fetch_with};
use ndn::fetch::{BatchLimits, Failure, FetchError, FetchOptions, FetchStats, Fetcher};
use ndn::keychain::Validator;
use ndn::lp::NackReason;
use ndn::{Data, Name};

use crate::cli::{EXIT_FAILURE, EXIT_NACK, EXIT_TIMEOUT, unix_secs};
use crate::trust::{TrustPolicy, hint};

/// Exit status of a fetch stopped by a segment that failed validation.
pub const EXIT_INVALID_SIGNATURE: u8 = 5;

/// Where a fetch is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Segments written.
    pub segments: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Number of segments, once a FinalBlockId was seen.
    pub total_segments: Option<u64>,
}

/// A finished transfer.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// The versioned name fetched.
    pub versioned: Option<Name>,
    /// Bytes written.
    pub bytes: u64,
    /// From the first Interest to the last segment written.
    pub elapsed: Duration,
    /// The fetcher's counters.
    pub stats: FetchStats,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GetError {
    /// A segment (or the version) could not be retrieved.
    #[error("{0}")]
    Fetch(FetchError),
    /// The forwarder closed the connection.
    #[error("the connection to the forwarder closed during the fetch")]
    Closed,
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(std::io::Error),
}

impl GetError {
    /// The exit status: 3 timeout, 4 Nack, 5 signature invalid, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            GetError::Fetch(FetchError::SegmentFailed { last, .. }) => match last {
                Failure::Timeout => EXIT_TIMEOUT,
                Failure::Nack(_) => EXIT_NACK,
            },
            GetError::Fetch(FetchError::NoVersion { reason, .. }) if reason.starts_with("Nack") => {
                EXIT_NACK
            }
            GetError::Fetch(FetchError::NoVersion { reason, .. }) if reason.contains("timeout") => {
                EXIT_TIMEOUT
            }
            GetError::Fetch(FetchError::Validation { .. }) => EXIT_INVALID_SIGNATURE,
            _ => EXIT_FAILURE,
        }
    }

    /// The one-line message for the user, with a hint where one helps.
    pub fn message(&self) -> String {
        match self {
            GetError::Fetch(FetchError::Validation { name, error }) => {
                let mut m = format!("signature invalid: {name}: {error}");
                if let Some(h) = hint(error) {
                    m.push_str(" (");
                    m.push_str(h);
                    m.push(')');
                }
                m
            }
            GetError::Fetch(FetchError::SegmentFailed {
                last: Failure::Nack(NackReason::NoRoute),
                ..
            })
            | GetError::Fetch(FetchError::NoVersion { .. }) => {
                let text = self.to_string();
                if text.contains("NoRoute") {
                    format!(
                        "{text} (the forwarder has no route for this name: is a producer running?)"
                    )
                } else {
                    text
                }
            }
            other => other.to_string(),
        }
    }
}

/// Default [`fetcher`] `verify_batch`: segments whose signatures are checked together.
pub const DEFAULT_VERIFY_BATCH: u64 = 32;

/// How long a received segment waits for the rest of its batch before it is checked anyway.
pub const VERIFY_BATCH_DELAY: Duration = Duration::from_millis(20);

/// Default [`Verification::threads`].
pub const DEFAULT_VERIFY_THREADS: u64 = 1;

/// How [`fetcher`] checks signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// Segments checked together (1: each as it arrives).
    pub batch: usize,
    /// Threads sharing each batch (1: the receiving thread alone).
    pub threads: usize,
}

impl Default for Verification {
    fn default() -> Self {
        Verification {
            batch: DEFAULT_VERIFY_BATCH as usize,
            threads: DEFAULT_VERIFY_THREADS as usize,
        }
    }
}

/// Validate `batch` in up to `threads` contiguous shares, one on this thread and the others on
/// threads of their own; the first rejected Data by index, as
/// [`Validator::validate_data_batch`] says.
#[allow(clippy::result_large_err)]
pub fn validate_in_parallel(
    policy: &TrustPolicy,
    batch: &[Data],
    now_unix_secs: u64,
    threads: usize,
) -> Result<(), (usize, ndn::keychain::ValidationError)> {
    let share = batch.len().div_ceil(threads.max(1)).max(1);
    if share >= batch.len() {
        return policy.validate_data_batch(batch, now_unix_secs);
    }
    let verdicts: Vec<_> = std::thread::scope(|scope| {
        let mut shares = batch.chunks(share).enumerate();
        let first = shares.next();
        let others: Vec<_> = shares
            .map(|(i, part)| {
                scope.spawn(move || {
                    policy
                        .validate_data_batch(part, now_unix_secs)
                        .map_err(|(j, e)| (i * share + j, e))
                })
            })
            .collect();
        let mine = first.map_or(Ok(()), |(_, part)| {
            policy.validate_data_batch(part, now_unix_secs)
        });
        std::iter::once(mine)
            .chain(
                others
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            )
            .collect()
    });
    // shares are in index order: the first rejection is the lowest index
    verdicts
        .into_iter()
        .find_map(Result::err)
        .map_or(Ok(()), Err)
}

/// Build the fetcher for `name`: with `trust`, every Data (the metadata and each segment) is
/// validated before its content is written, segments in batches (see
/// [`Fetcher::set_batch_data_check`] and [`Verification`]); without, nothing is checked
/// (`--no-verify`). `opts.nonce_seed` should be random: two runs with one seed send the same
/// Nonces, which forwarders answer with Nack Duplicate.
// the fetcher's check returns the library's ValidationError, once per fetch at most
#[allow(clippy::result_large_err)]
pub fn fetcher(
    name: Name,
    opts: FetchOptions,
    trust: Option<TrustPolicy>,
    verify: Verification,
) -> Fetcher {
    let mut f = Fetcher::new(name, opts);
    let verify_batch = verify.batch;
    match trust {
        Some(policy) if verify_batch > 1 => f.set_batch_data_check(
            move |batch| validate_in_parallel(&policy, batch, unix_secs(), verify.threads),
            BatchLimits {
                max_segments: verify_batch,
                max_delay: VERIFY_BATCH_DELAY,
            },
        ),
        Some(policy) => f.set_data_check(move |d| policy.validate_data(d, unix_secs())),
        None => {}
    }
    f
}

/// Fetch through `face` and write the content to `out` segment by segment, in order, as
/// soon as each can be written; `progress` is told after every segment.
pub async fn fetch_to(
    face: &Face,
    fetcher: Fetcher,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(Progress),
) -> Result<Transfer, GetError> {
    let start = Instant::now();
    let mut stream = fetch_with(face, fetcher);
    let mut p = Progress {
        segments: 0,
        bytes: 0,
        total_segments: None,
    };
    while let Some(seg) = stream.next().await {
        let (_, content) = seg.map_err(|e| match e {
            FetchStreamError::Fetch(f) => GetError::Fetch(f),
            _ => GetError::Closed,
        })?;
        out.write_all(&content).map_err(GetError::Write)?;
        p.segments += 1;
        p.bytes += content.len() as u64;
        p.total_segments = stream.fetcher().final_segment().map(|f| f + 1);
        progress(p);
    }
    out.flush().map_err(GetError::Write)?;
    Ok(Transfer {
        versioned: stream.fetcher().versioned_name().cloned(),
        bytes: p.bytes,
        elapsed: start.elapsed(),
        stats: stream.stats(),
    })
}

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "-".into(),
        |d| format!("{:.3}", d.as_secs_f64() * 1000.0),
    )
}

/// The summary `ndnget` prints on stderr.
pub fn summary(t: &Transfer) -> String {
    let secs = t.elapsed.as_secs_f64();
    let goodput = if secs > 0.0 {
        t.bytes as f64 * 8.0 / secs / 1e6
    } else {
        0.0
    };
    let s = &t.stats;
    let name = t
        .versioned
        .as_ref()
        .map_or_else(String::new, |n| format!(" {n}"));
    format!(
        "fetched{name}: {} bytes in {} segments, {:.3} s, goodput {goodput:.2} Mbit/s\n\
         retransmissions {}, timeouts {}, fast retransmissions {}, Nacks {}, congestion marks {}, \
         window decreases {}\n\
         RTT min/avg/max = {}/{}/{} ms",
        t.bytes,
        s.segments,
        secs,
        s.retransmissions,
        s.timeouts,
        s.fast_retransmissions,
        s.nacks,
        s.congestion_marks,
        s.loss_decreases + s.mark_decreases,
        ms(s.rtt_min),
        ms(s.rtt_avg),
        ms(s.rtt_max),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::from_uri(s).unwrap()
    }

    #[test]
    fn parallel_validation_names_the_first_rejected_data_of_any_share() {
        use ndn::keychain::{Certificate, ValidationError, naming};
        use ndn::packet::{KeyLocator, ValidityPeriod};
        use ndn::sign::{KeyType, PrivateKey};

        let now = 1_700_000_000;
        let key = PrivateKey::from_seed(KeyType::Ed25519, &[1; 32]).unwrap();
        let key_name = naming::key_name(&n("/a"), b"k");
        let validity = ValidityPeriod {
            not_before: now - 10,
            not_after: now + 10,
        };
        let cert = Certificate::self_signed(&key, &key_name, validity, 1).unwrap();
        let signer = key.with_key_locator(Some(KeyLocator::Name(key_name)));
        let mut policy = TrustPolicy::new();
        policy.add_anchor(cert);
        let good: Vec<Data> = (0..20)
            .map(|i| {
                let wire = ndn::DataBuilder::new(n(&format!("/a/f/seg={i}")))
                    .content(&b"hi"[..])
                    .sign(&signer)
                    .unwrap();
                Data::decode(wire).unwrap()
            })
            .collect();
        let tampered = |d: &Data| {
            let mut wire = d.wire().to_vec();
            let i = wire.windows(2).position(|w| w == b"hi").unwrap();
            wire[i] ^= 1;
            Data::decode(wire.into()).unwrap()
        };
        for threads in [1, 2, 3, 7, 40] {
            validate_in_parallel(&policy, &good, now, threads).unwrap();
            for bad in [[0, 19], [6, 13], [13, 19]] {
                let mut batch = good.clone();
                for b in bad {
                    batch[b] = tampered(&batch[b]);
                }
                let (i, e) = validate_in_parallel(&policy, &batch, now, threads).unwrap_err();
                assert_eq!(i, bad[0], "{threads} threads");
                assert!(matches!(e, ValidationError::BadSignature { .. }), "{e}");
            }
        }
    }

    #[test]
    fn summary_names_every_figure() {
        let t = Transfer {
            versioned: Some(n("/a/v=1")),
            bytes: 1_000_000,
            elapsed: Duration::from_millis(500),
            stats: FetchStats {
                segments: 125,
                retransmissions: 3,
                timeouts: 1,
                fast_retransmissions: 1,
                nacks: 1,
                congestion_marks: 4,
                loss_decreases: 2,
                mark_decreases: 3,
                rtt_min: Some(Duration::from_micros(250)),
                rtt_avg: Some(Duration::from_micros(1500)),
                rtt_max: Some(Duration::from_millis(9)),
                ..FetchStats::default()
            },
        };
        let s = summary(&t);
        assert!(
            s.contains("fetched /a/v=1: 1000000 bytes in 125 segments"),
            "{s}"
        );
        assert!(s.contains("goodput 16.00 Mbit/s"), "{s}");
        assert!(
            s.contains(
                "retransmissions 3, timeouts 1, fast retransmissions 1, Nacks 1, \
                 congestion marks 4, window decreases 5\n"
            ),
            "{s}"
        );
        assert!(s.contains("RTT min/avg/max = 0.250/1.500/9.000 ms"), "{s}");
    }

    #[test]
    fn exit_codes_and_messages_name_the_reason() {
        let seg = |last| {
            GetError::Fetch(FetchError::SegmentFailed {
                name: n("/a/v=1"),
                segment: 4,
                retries: 15,
                last,
            })
        };
        assert_eq!(seg(Failure::Timeout).exit_code(), EXIT_TIMEOUT);
        let nack = seg(Failure::Nack(NackReason::NoRoute));
        assert_eq!(nack.exit_code(), EXIT_NACK);
        assert!(nack.message().contains("NoRoute"), "{}", nack.message());
        assert!(nack.message().contains("no route"), "{}", nack.message());
        let nov = GetError::Fetch(FetchError::NoVersion {
            name: n("/a"),
            reason: "Nack (NoRoute)".into(),
        });
        assert_eq!(nov.exit_code(), EXIT_NACK);
        let bad = GetError::Fetch(FetchError::Validation {
            name: n("/a/v=1/seg=0"),
            error: ndn::keychain::ValidationError::UnsupportedSignatureType { signature_type: 0 },
        });
        assert_eq!(bad.exit_code(), EXIT_INVALID_SIGNATURE);
        assert!(bad.message().starts_with("signature invalid: /a/v=1/seg=0"));
        assert!(bad.message().contains("--no-verify"));
    }
}
