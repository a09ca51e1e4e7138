//! access (NFD's access strategy, v1), for routers at the edge of a network whose upstreams
//! reach the same content by different ways: a new Interest goes to the upstream that last
//! brought Data under the longest prefix of its name that has one, and when no Data comes back
//! within that upstream's retransmission timeout, to every other next hop. Without such an
//! upstream, or when it cannot be used, the Interest goes to every next hop. A retransmission
//! from downstream goes to every next hop, at most once per 100 ms per entry. As in NFD, a
//! Nack changes nothing: the timeout or the entry's expiry decides.
//!
//! The upstream and its round-trip time are kept in the measurements table under the parent of
//! each Data's name (for 8 s after the last Data), so that the next segment of the same
//! object finds them. Each upstream's round-trip time over all prefixes is kept too, and
//! becomes the prefix's when a prefix changes upstream.

use std::time::Duration;

use ndn::{Data, Interest, Name};

use super::StrategyContext;
use super::params::RetxSuppression;
use super::retx::{RetxDecision, decide_per_entry};
use crate::face::FaceId;
use crate::table::{LastNextHop, PitEntry};

/// A fixed suppression interval (NFD's RetxSuppressionFixed, 100 ms).
const RETX: RetxSuppression = RetxSuppression {
    initial: Duration::from_millis(100),
    max: Duration::from_millis(100),
    multiplier: 1.0,
};

/// How long a prefix's upstream is remembered after its last Data.
const MEASUREMENTS_LIFETIME: Duration = Duration::from_secs(8);

pub(super) fn after_receive_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    interest: &Interest,
) {
    match decide_per_entry(entry, ctx.now, &RETX) {
        RetxDecision::Suppress => {}
        RetxDecision::Forward => {
            multicast(ctx, ingress, interest, None);
        }
        RetxDecision::New => {
            if let Some(last) = usable_last_next_hop(ctx, entry.name(), ingress) {
                ctx.send_interest(last.face, interest);
                entry.strategy_info.chosen_face = Some(last.face);
                ctx.arm_timer(last.rtt.rto());
                return;
            }
            if multicast(ctx, ingress, interest, None) == 0 {
                ctx.reject_pending_interest();
            }
        }
    }
}

/// The upstream that last brought Data under the longest prefix of `name` that has one, when
/// it is still a next hop, is not the downstream and may carry the Interest.
fn usable_last_next_hop(
    ctx: &StrategyContext<'_>,
    name: &Name,
    ingress: FaceId,
) -> Option<LastNextHop> {
    let (_, m) = ctx
        .measurements
        .longest_prefix_where(name, ctx.name_hashes, |m| m.last_next_hop.is_some())?;
    let last = m.last_next_hop?;
    let usable = last.face != ingress
        && ctx.next_hops.iter().any(|h| h.face == last.face)
        && ctx.is_eligible(last.face, ingress, name);
    usable.then_some(last)
}

/// Send to every next hop but the downstream, `except` and those out of scope; returns how
/// many.
fn multicast(
    ctx: &mut StrategyContext<'_>,
    ingress: FaceId,
    interest: &Interest,
    except: Option<FaceId>,
) -> usize {
    let name = interest.name();
    let mut sent = 0;
    for i in 0..ctx.next_hops.len() {
        let face = ctx.next_hops[i].face;
        if face == ingress || Some(face) == except || !ctx.is_eligible(face, ingress, name) {
            continue;
        }
        ctx.send_interest(face, interest);
        sent += 1;
    }
    sent
}

/// The upstream tried first did not answer in time: try every other next hop, with the
/// downstream's Interest.
pub(super) fn after_timeout(ctx: &mut StrategyContext<'_>, entry: &mut PitEntry, ingress: FaceId) {
    let Some(record) = entry.in_record(ingress) else {
        return;
    };
    let Ok(interest) = Interest::decode(record.wire.clone()) else {
        return;
    };
    let first = entry.strategy_info.chosen_face;
    multicast(ctx, ingress, &interest, first);
}

/// Data came from `ingress`: it becomes the upstream of the Data's prefix, and the round-trip
/// time is measured.
pub(super) fn before_satisfy_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &PitEntry,
    ingress: FaceId,
    data: &Data,
) {
    if entry.in_records.is_empty() {
        return;
    }
    let Some(out) = entry.out_record(ingress) else {
        return;
    };
    let rtt = ctx.now.saturating_sub(out.last_renewed);
    let face_rtt = ctx.measurements.add_face_rtt(ingress, rtt);
    let name = data.name();
    let prefix = if name.is_empty() {
        name.clone()
    } else {
        name.parent(1)
    };
    let hash = prefix.hash_with_key(ctx.hash_key);
    let m = ctx
        .measurements
        .entry_for(&prefix, hash, ctx.now, MEASUREMENTS_LIFETIME);
    match &mut m.last_next_hop {
        Some(last) if last.face == ingress => last.rtt.add(rtt),
        other => {
            *other = Some(LastNextHop {
                face: ingress,
                rtt: face_rtt,
            })
        }
    }
}
