//! multicast (NFD v4): forward to every usable next hop, suppressing retransmissions per upstream.

use ndn::Interest;

use super::retx::{RetxDecision, decide_per_upstream, increase_interval};
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
    let mut any_eligible = false;
    let mut forwarded_retx = false;
    for h in ctx.next_hops {
        if !ctx.is_eligible(h.face, ingress, name) {
            continue;
        }
        any_eligible = true;
        match decide_per_upstream(entry, h.face, ctx.now, &ctx.params.retx) {
            RetxDecision::Suppress => {}
            RetxDecision::New => ctx.send_interest(h.face, interest),
            RetxDecision::Forward => {
                ctx.send_interest(h.face, interest);
                forwarded_retx = true;
            }
        }
    }
    if forwarded_retx {
        increase_interval(entry, &ctx.params.retx);
    }
    if !any_eligible && entry.out_records.is_empty() {
        reject_no_route(ctx, entry);
    }
}
