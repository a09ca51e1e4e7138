//! `ndnput`: publish content as `<name>/v=<version>/seg=<n>` and answer Interests for it
//! (segments, and RDR metadata for version discovery) until stopped.

use ndn::app::{Face, Registration};
use ndn::lp::NackReason;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shedding_starts_past_the_limit_and_can_be_off() {
        assert!(!shed(128, 128));
        assert!(shed(129, 128));
        assert!(!shed(10_000, 0));
    }
}
