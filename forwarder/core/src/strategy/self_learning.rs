//! self-learning (NFD v1), for networks without a routing protocol: an Interest whose name has
//! no route is a "discovery" Interest and is flooded on every non-local face; the Data that comes
//! back carries a prefix announcement, from which each forwarder on the way learns a route
//! toward the producer. Interests with a route go along it marked NonDiscovery, and a forwarder
//! that has no route for one answers with a Nack NoRoute, which removes the learned route
//! downstream.
//!
//! The Data side lives in the forwarder's Data pipeline (it needs the RIB): a Data answering a
//! non-discovery out-record gets an announcement attached when a downstream asked by
//! discovery, and a Data answering a discovery out-record teaches its announcement's route.

use ndn::Interest;
use ndn::lp::NackReason;

use super::StrategyContext;
use super::would_violate_scope;
use crate::face::{FaceId, FaceScope, LinkType};
use crate::table::PitEntry;

pub(super) fn after_receive_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    interest: &Interest,
) {
    let non_discovery = entry.in_record(ingress).is_some_and(|r| r.non_discovery);
    match (non_discovery, ctx.next_hops.is_empty()) {
        // a route was promised upstream of here, and there is none
        (true, true) => {
            ctx.send_nack(ingress, NackReason::NoRoute);
            ctx.reject_pending_interest();
        }
        (true, false) | (false, false) => multicast_non_discovery(ctx, ingress, interest),
        (false, true) => broadcast(ctx, ingress, interest),
    }
}

/// Every eligible next hop, marked NonDiscovery.
fn multicast_non_discovery(ctx: &mut StrategyContext<'_>, ingress: FaceId, interest: &Interest) {
    let name = interest.name();
    for i in 0..ctx.next_hops.len() {
        let Some(face) = ctx.next_hops.get(i).map(|h| h.face) else {
            continue;
        };
        if ctx.is_eligible(face, ingress, name) {
            ctx.send_interest_non_discovery(face, interest);
        }
    }
}

/// A discovery Interest goes out on every non-local face (newest first, as NFD iterates its
/// face table backwards), except the one it came from unless that is an ad hoc link.
fn broadcast(ctx: &mut StrategyContext<'_>, ingress: FaceId, interest: &Interest) {
    let ingress_scope = ctx.faces.get(ingress).map(|f| f.info.scope);
    let targets: Vec<FaceId> = ctx
        .faces
        .iter()
        .rev()
        .filter(|f| {
            let id = f.id();
            (id != ingress || f.info.link_type == LinkType::AdHoc)
                && f.info.scope == FaceScope::NonLocal
                && !would_violate_scope(ingress_scope, f.info.scope, interest.name())
        })
        .map(|f| f.id())
        .collect();
    for face in targets {
        ctx.send_interest(face, interest);
    }
}

/// A Nack NoRoute means the upstream lost the route this forwarder learned through it: every
/// downstream gets the Nack and the route goes. Other Nacks are left to the Interest's lifetime.
pub(super) fn after_receive_nack(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    reason: NackReason,
) {
    if reason != NackReason::NoRoute {
        return;
    }
    for r in &entry.in_records {
        if r.expiry > ctx.now {
            ctx.send_nack(r.face, reason);
        }
    }
    ctx.forget_learned_route(ingress);
}
