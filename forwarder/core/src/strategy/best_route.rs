//! best-route (NFD v5): forward a new Interest to the cheapest usable next hop; a
//! retransmission that is not suppressed goes to the cheapest next hop not yet tried, or else to
//! the one tried longest ago.

use ndn::Interest;

use super::retx::{RetxDecision, decide_per_entry};
use super::{StrategyContext, reject_no_route};
use crate::face::FaceId;
use crate::table::{NextHop, PitEntry};

pub(super) fn after_receive_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    interest: &Interest,
) {
    let decision = decide_per_entry(entry, ctx.now, &ctx.params.retx);
    if decision == RetxDecision::Suppress {
        return;
    }
    let name = interest.name();
    let hops = ctx.next_hops;
    let eligible = |h: &&NextHop| ctx.is_eligible(h.face, ingress, name);
    if decision == RetxDecision::New {
        match hops.iter().find(eligible).map(|h| h.face) {
            Some(face) => ctx.send_interest(face, interest),
            None => reject_no_route(ctx, entry),
        }
        return;
    }
    // a retransmission: prefer a next hop not tried yet
    let untried = hops
        .iter()
        .filter(eligible)
        .find(|h| entry.out_record(h.face).is_none())
        .map(|h| h.face);
    // otherwise the one whose last attempt is the oldest
    let oldest = || {
        hops.iter()
            .filter(eligible)
            .filter_map(|h| entry.out_record(h.face).map(|r| (r.last_renewed, h.face)))
            .min()
            .map(|(_, face)| face)
    };
    if let Some(face) = untried.or_else(oldest) {
        ctx.send_interest(face, interest);
    }
}
