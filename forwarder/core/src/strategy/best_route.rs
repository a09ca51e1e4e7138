//! best-route (NFD v5): forward a new Interest to the cheapest usable next hop; a
//! retransmission that is not suppressed goes to the cheapest next hop not yet tried, or else to
//! the one tried longest ago.

use ndn::Interest;

use super::retx::{RetxDecision, decide_per_entry};
use super::{StrategyContext, reject_no_route};
use crate::face::FaceId;
use crate::table::PitEntry;

pub(super) fn after_receive_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    interest: &Interest,
) {
    let decision = decide_per_entry(entry, ctx.now);
    if decision == RetxDecision::Suppress {
        return;
    }
    let name = interest.name();
    let eligible: Vec<_> = ctx
        .next_hops
        .iter()
        .filter(|h| ctx.is_eligible(h.face, ingress, name))
        .copied()
        .collect();
    if decision == RetxDecision::New {
        match eligible.first() {
            Some(h) => ctx.send_interest(h.face, interest),
            None => reject_no_route(ctx, entry),
        }
        return;
    }
    // a retransmission: prefer a next hop not tried yet
    if let Some(h) = eligible.iter().find(|h| entry.out_record(h.face).is_none()) {
        ctx.send_interest(h.face, interest);
        return;
    }
    // otherwise the one whose last attempt is the oldest
    if let Some(h) = eligible
        .iter()
        .filter_map(|h| entry.out_record(h.face).map(|r| (r.last_renewed, h.face)))
        .min()
    {
        ctx.send_interest(h.1, interest);
    }
}
