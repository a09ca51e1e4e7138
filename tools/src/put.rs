//! `ndnput`: publish content as `<name>/v=<version>/seg=<n>` and answer Interests for it
//! (segments, and RDR metadata for version discovery) until stopped.

use ndn::app::{Face, Registration};
use ndn::publish::{PublishError, Publisher, Reply, SegmentSource};
use ndn::sign::Signer;

use crate::cli::{flush, unix_ms};

/// How [`serve`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutEnd {
    /// Every segment was served at least once (`--once`).
    AllServed,
    /// The forwarder closed the connection.
    Closed,
}

/// Answer the Interests that arrive on `reg` from `publisher` until the connection closes
/// or, with `once`, until every segment has been served. Before returning after `once`,
/// the route is removed and the last Data is flushed to the forwarder.
pub async fn serve<S: SegmentSource>(
    face: &Face,
    mut reg: Registration,
    publisher: &mut Publisher<S>,
    signer: &(dyn Signer + Send + Sync),
    once: bool,
) -> Result<PutEnd, PublishError> {
    while let Some((interest, responder)) = reg.recv().await {
        let sent = match publisher.handle_interest(&interest, signer, unix_ms())? {
            Reply::Data(wire) => responder.respond(wire),
            Reply::Nack(reason) => responder.nack(reason),
            Reply::Ignore => Ok(()),
        };
        if sent.is_err() {
            return Ok(PutEnd::Closed);
        }
        if once && publisher.all_served() {
            let _ = reg.unregister().await;
            // the Data queued before this round trip reached the forwarder before it
            flush(face).await;
            return Ok(PutEnd::AllServed);
        }
    }
    Ok(PutEnd::Closed)
}
