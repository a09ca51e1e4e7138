//! random (NFD v1): every Interest, retransmissions included, goes to one eligible next hop
//! drawn at random (from the forwarder's seeded RNG, so a simulation repeats); no eligible next
//! hop means a Nack NoRoute. There is no retransmission suppression and no parameter.

use ndn::Interest;

use super::{StrategyContext, reject_no_route};
use crate::face::FaceId;
use crate::table::PitEntry;

pub(super) fn after_receive_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    interest: &Interest,
) {
    let name = interest.name();
    let eligible = ctx
        .next_hops
        .iter()
        .filter(|h| ctx.is_eligible(h.face, ingress, name))
        .count();
    if eligible == 0 {
        reject_no_route(ctx, entry);
        return;
    }
    let pick = ctx.rng.below(eligible as u64) as usize;
    let face = ctx
        .next_hops
        .iter()
        .filter(|h| ctx.is_eligible(h.face, ingress, name))
        .nth(pick)
        .map(|h| h.face);
    if let Some(face) = face {
        ctx.send_interest(face, interest);
    }
}
