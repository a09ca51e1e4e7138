//! `ndnput`: publish content as `<name>/v=<version>/seg=<n>` and answer Interests for it
//! (segments, and RDR metadata for version discovery) until stopped.

use ndn::app::{Face, Registration};
use ndn::lp::NackReason;
use std::time::{Duration, Instant};

use ndn::publish::{PublishError, Publisher, Reply, SegmentSource};
use ndn::sign::Signer;

use crate::cli::{flush, unix_ms};

/// Default [`ServeOptions::max_backlog`].
pub const DEFAULT_MAX_BACKLOG: usize = 128;

/// How [`serve`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// Return once every segment has been served at least once.
    pub once: bool,
    /// When more Interests than this wait behind the one being answered, answer it with a
    /// Congestion Nack instead: the consumer shrinks its window at once, rather than after a
    /// retransmission timeout once the queue has grown past its RTO (0: never).
    pub max_backlog: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            once: false,
            max_backlog: DEFAULT_MAX_BACKLOG,
        }
    }
}

/// True when an Interest with `backlog` others waiting behind it is shed.
pub fn shed(backlog: usize, max_backlog: usize) -> bool {
    max_backlog > 0 && backlog > max_backlog
}

/// How [`serve`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutEnd {
    /// Every segment was served at least once (`--once`).
    AllServed,
    /// The forwarder closed the connection.
    Closed,
}

/// What [`serve`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServeCounters {
    /// Data sent (segments and metadata).
    pub data: u64,
    /// Interests answered with a Congestion Nack.
    pub shed: u64,
}

/// Most segments [`presign`] is used for by default: 2^20 segments (8.4 GB of content at the
/// default 8000-byte segments) keep at most 75 MB of signatures and take about a minute to sign
/// on two cores. Larger publications are signed on demand, so that a file larger than memory
/// is still served without keeping a per-segment table that size, and serving starts at once.
pub const PRESIGN_MAX_SEGMENTS: u64 = 1 << 20;

/// Whether to sign `segments` segments ahead of serving: unless the user asked for signing on
/// demand, or there are more than `limit`.
pub fn sign_ahead(segments: u64, on_demand: bool, limit: u64) -> bool {
    !on_demand && segments <= limit
}

/// What [`presign`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presigned {
    /// Segments signed.
    pub segments: u64,
    /// Threads that signed them.
    pub threads: usize,
    /// Wall time taken.
    pub elapsed: Duration,
    /// Bytes of signatures kept.
    pub memory: usize,
}

/// Sign every segment of `publisher` before serving, on up to `threads` threads (each signs a
/// contiguous share), and keep the signatures in it: requests are then answered by rebuilding
/// the Data from the source with its stored signature, without signing.
pub fn presign<S: SegmentSource + Sync>(
    publisher: &mut Publisher<S>,
    signer: &(dyn Signer + Sync),
    threads: usize,
) -> Result<Presigned, PublishError> {
    let start = Instant::now();
    let segments = publisher.segment_count();
    let threads = threads.clamp(1, usize::try_from(segments).unwrap_or(usize::MAX));
    let share = segments.div_ceil(threads as u64);
    let shared = &*publisher;
    let tables = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads as u64)
            .map(|t| scope.spawn(move || shared.sign_range(t * share..(t + 1) * share, signer)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<Vec<_>>()
    });
    for table in tables {
        publisher.add_signatures(table?);
    }
    Ok(Presigned {
        segments: publisher.signatures().map_or(0, |t| t.segments().end),
        threads,
        elapsed: start.elapsed(),
        memory: publisher.signatures().map_or(0, |t| t.memory()),
    })
}

/// Answer the Interests that arrive on `reg` from `publisher` until the connection closes
/// or, with `once`, until every segment has been served. Before returning after `once`,
/// the route is removed and the last Data is flushed to the forwarder.
pub async fn serve<S: SegmentSource>(
    face: &Face,
    mut reg: Registration,
    publisher: &mut Publisher<S>,
    signer: &(dyn Signer + Send + Sync),
    opts: ServeOptions,
    counters: &mut ServeCounters,
) -> Result<PutEnd, PublishError> {
    while let Some((interest, responder)) = reg.recv().await {
        let sent = if shed(reg.backlog(), opts.max_backlog) {
            counters.shed += 1;
            responder.nack(NackReason::Congestion)
        } else {
            match publisher.handle_interest(&interest, signer, unix_ms())? {
                Reply::Data(wire) => {
                    counters.data += 1;
                    responder.respond(wire)
                }
                Reply::Nack(reason) => responder.nack(reason),
                Reply::Ignore => Ok(()),
            }
        };
        if sent.is_err() {
            return Ok(PutEnd::Closed);
        }
        if opts.once && publisher.all_served() {
            let _ = reg.unregister().await;
            // the Data queued before this round trip reached the forwarder before it
            flush(face).await;
            return Ok(PutEnd::AllServed);
        }
    }
    Ok(PutEnd::Closed)
}

/// A byte count for people: `512 B`, `12.3 kB`, `4.5 MB`.
pub fn bytes_text(n: usize) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        _ => format!("{:.1} MB", n as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn byte_counts_read_in_their_unit() {
        assert_eq!(super::bytes_text(640), "640 B");
        assert_eq!(super::bytes_text(12_345), "12.3 kB");
        assert_eq!(super::bytes_text(4_500_000), "4.5 MB");
    }

    use super::*;

    #[test]
    fn signing_ahead_stops_past_the_limit_or_when_asked() {
        assert!(sign_ahead(1, false, PRESIGN_MAX_SEGMENTS));
        assert!(sign_ahead(
            PRESIGN_MAX_SEGMENTS,
            false,
            PRESIGN_MAX_SEGMENTS
        ));
        assert!(!sign_ahead(
            PRESIGN_MAX_SEGMENTS + 1,
            false,
            PRESIGN_MAX_SEGMENTS
        ));
        assert!(!sign_ahead(1, true, PRESIGN_MAX_SEGMENTS));
    }

    #[test]
    fn presigning_on_threads_covers_every_segment_once() {
        use bytes::Bytes;
        use ndn::Data;
        use ndn::publish::PublishOptions;
        use ndn::sign::{Ed25519Signer, verify_data};

        let signer = Ed25519Signer::from_seed(&[5; 32]);
        for (len, threads) in [(0usize, 2usize), (250, 1), (1000, 3), (1050, 4), (300, 8)] {
            let content = Bytes::from((0..len).map(|i| (i % 253) as u8).collect::<Vec<_>>());
            let opts = PublishOptions {
                segment_size: 100,
                ..PublishOptions::default()
            };
            let name = ndn::Name::from_uri("/p").unwrap();
            let mut p = Publisher::new(name, content, opts, 1).unwrap();
            let done = presign(&mut p, &signer, threads).unwrap();
            let n = p.segment_count();
            assert_eq!(done.segments, n, "{len} bytes, {threads} threads");
            assert!(done.threads <= threads && done.threads as u64 <= n);
            for seg in 0..n {
                // DigestSha256 would be used if the stored signature were missing
                let wire = p.segment(seg, &ndn::sign::DigestSha256).unwrap();
                verify_data(&Data::decode(wire).unwrap(), &signer.verifier()).unwrap();
            }
        }
    }

    #[test]
    fn shedding_starts_past_the_limit_and_can_be_off() {
        assert!(!shed(128, 128));
        assert!(shed(129, 128));
        assert!(!shed(10_000, 0));
    }
}
