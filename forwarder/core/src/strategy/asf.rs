//! ASF, adaptive smoothed RTT-based forwarding (after NFD's ASF): rank next hops by measured
//! smoothed RTT, send to the best, and now and then probe another so the ranking stays current.
//! Faces that time out or Nack fall to the bottom of the ranking until they answer again.
//!
//! As in NFD, a timeout is the chosen upstream's silence for its retransmission timeout (SRTT +
//! 4 RTTVAR, 200 ms to 60 s, 1 s before any sample), watched by a strategy timer; probes and
//! upstreams that silence outlived their timer count when the entry expires. Each silence
//! counts once. The entry stays 50 ms after its Data, so that a probe answering a little after
//! the chosen upstream is measured too (see `StrategyKind::keeps_satisfied_entries_for`).

use std::time::Duration;

use ndn::Interest;
use ndn::lp::NackReason;

use super::retx::{RetxDecision, decide_per_entry};
use super::{StrategyContext, process_nack, reject_no_route};
use crate::face::FaceId;
use crate::table::{MeasurementsEntry, NextHop, PitEntry, RttEstimator};

/// A next hop's place in the ranking, smallest first: measured and working faces by smoothed
/// RTT, then unmeasured faces by cost, then failing faces (`max_timeouts` timeouts in a row) by
/// cost; the face id breaks ties, so the order is total.
fn rank_key(
    h: &NextHop,
    meas: Option<&MeasurementsEntry>,
    max_timeouts: u32,
) -> (u8, Duration, u64, FaceId) {
    match meas.and_then(|m| m.face(h.face)) {
        Some(m) if m.n_timeouts >= max_timeouts => (2, Duration::ZERO, h.cost, h.face),
        Some(m) => match m.rtt.srtt {
            Some(s) => (0, s, h.cost, h.face),
            None => (1, Duration::ZERO, h.cost, h.face),
        },
        None => (1, Duration::ZERO, h.cost, h.face),
    }
}

/// Rank eligible next hops (see [`rank_key`]).
fn rank(hops: &[NextHop], meas: Option<&MeasurementsEntry>, max_timeouts: u32) -> Vec<FaceId> {
    let mut keyed: Vec<_> = hops
        .iter()
        .map(|h| rank_key(h, meas, max_timeouts))
        .collect();
    keyed.sort();
    keyed.into_iter().map(|k| k.3).collect()
}

fn eligible_hops(ctx: &StrategyContext<'_>, ingress: FaceId, interest: &Interest) -> Vec<NextHop> {
    ctx.next_hops
        .iter()
        .filter(|h| ctx.is_eligible(h.face, ingress, interest.name()))
        .copied()
        .collect()
}

fn ranked(ctx: &StrategyContext<'_>, hops: &[NextHop]) -> Vec<FaceId> {
    let meas = ctx.fib_prefix.and_then(|(p, h)| ctx.measurements.get(p, h));
    rank(hops, meas, ctx.params.max_timeouts)
}

/// How long ASF's measurements of a prefix outlive their last update (NFD's ASF: 5 minutes,
/// longer than the default probing interval, so that a quiet prefix keeps its ranking).
const MEASUREMENTS_LIFETIME: Duration = Duration::from_secs(300);

fn measurements<'c>(ctx: &'c mut StrategyContext<'_>) -> Option<&'c mut MeasurementsEntry> {
    let (prefix, hash) = ctx.fib_prefix?;
    Some(
        ctx.measurements
            .entry_for(prefix, hash, ctx.now, MEASUREMENTS_LIFETIME),
    )
}

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
    // the best next hop, and for a retransmission the best not tried yet, found without
    // ranking them all (the full ranking is needed only to probe)
    let (first, untried, eligible) = {
        let meas = ctx.fib_prefix.and_then(|(p, h)| ctx.measurements.get(p, h));
        let max = ctx.params.max_timeouts;
        let mut first = None;
        let mut untried = None;
        let mut eligible = 0;
        for h in ctx.next_hops {
            if !ctx.is_eligible(h.face, ingress, interest.name()) {
                continue;
            }
            eligible += 1;
            let key = rank_key(h, meas, max);
            if first.is_none_or(|f| key < f) {
                first = Some(key);
            }
            if entry.out_record(h.face).is_none() && untried.is_none_or(|u| key < u) {
                untried = Some(key);
            }
        }
        (first.map(|k| k.3), untried.map(|k| k.3), eligible)
    };
    let Some(first) = first else {
        if decision == RetxDecision::New {
            reject_no_route(ctx, entry);
        }
        return;
    };
    let best = match decision {
        RetxDecision::Forward => untried.unwrap_or(first),
        _ => first,
    };
    ctx.send_interest(best, interest);
    watch(ctx, entry, best);

    // probe another next hop when the prefix has not been probed for a while
    if decision != RetxDecision::New || eligible < 2 {
        return;
    }
    let now = ctx.now;
    let due = ctx
        .fib_prefix
        .and_then(|(p, h)| ctx.measurements.get(p, h))
        .and_then(|m| m.last_probe)
        .is_none_or(|t| now.saturating_sub(t) >= ctx.params.probing_interval);
    if !due {
        return;
    }
    let order = ranked(ctx, &eligible_hops(ctx, ingress, interest));
    let others: Vec<FaceId> = order.iter().copied().filter(|f| *f != best).collect();
    // prefer a face never measured; otherwise one of the others at random, the better ranked
    // the likelier (NFD's probing module)
    let unmeasured = {
        let meas = ctx.fib_prefix.and_then(|(p, h)| ctx.measurements.get(p, h));
        others.iter().copied().find(|f| {
            meas.and_then(|m| m.face(*f))
                .is_none_or(|m| m.rtt.srtt.is_none())
        })
    };
    let probe = match unmeasured {
        Some(f) => f,
        None => {
            let n = others.len() as u64;
            let i = probe_rank(n, ctx.rng.below(n * (n + 1) / 2));
            match others.get(i) {
                Some(f) => *f,
                None => return,
            }
        }
    };
    // with a Nonce of its own, as NFD's ASF does: where the probe's path meets the chosen
    // one, the same Nonce would look like a loop and be dropped or Nacked as a duplicate
    let mut nonce = ctx.rng.next_u32();
    if interest.nonce() == Some(nonce) {
        nonce = nonce.wrapping_add(1);
    }
    ctx.send_interest(probe, &interest.with_nonce(nonce));
    if let Some(m) = measurements(ctx) {
        m.last_probe = Some(now);
        m.face_mut(probe).last_probe = Some(now);
    }
}

/// Which of `n` ranked faces to probe, given `draw`, uniform in `0..n(n+1)/2`: the face of
/// rank `j` (0 the best) with probability `(n - j) / (n(n+1)/2)`, as NFD's ASF chooses.
fn probe_rank(n: u64, draw: u64) -> usize {
    let mut left = draw;
    for j in 0..n {
        let weight = n - j;
        if left < weight {
            return j as usize;
        }
        left -= weight;
    }
    n.saturating_sub(1) as usize
}

pub(super) fn before_satisfy_interest(
    ctx: &mut StrategyContext<'_>,
    entry: &PitEntry,
    ingress: FaceId,
) {
    let Some(out) = entry.out_record(ingress) else {
        return;
    };
    let rtt = ctx.now.saturating_sub(out.last_renewed);
    if let Some(m) = measurements(ctx) {
        m.face_mut(ingress).add_rtt(rtt);
    }
}

pub(super) fn after_receive_nack(
    ctx: &mut StrategyContext<'_>,
    entry: &mut PitEntry,
    ingress: FaceId,
    reason: NackReason,
) {
    if let Some(m) = measurements(ctx) {
        m.face_mut(ingress).n_timeouts += 1;
    }
    // try the best next hop that has not been tried for this entry
    // the downstream's own Interest (its Nonce); it decoded once, so it decodes again
    let downstream = entry
        .in_records
        .first()
        .and_then(|r| Some((r.face, Interest::decode(r.wire.clone()).ok()?)));
    if let Some((down, interest)) = downstream {
        let hops = eligible_hops(ctx, down, &interest);
        let order = ranked(ctx, &hops);
        if let Some(next) = order.into_iter().find(|f| entry.out_record(*f).is_none()) {
            ctx.send_interest(next, &interest);
            watch(ctx, entry, next);
            return;
        }
    }
    process_nack(ctx, entry, reason);
}

/// `face`, just sent the entry's Interest, becomes the chosen upstream, and the strategy timer
/// is armed at its retransmission timeout.
fn watch(ctx: &mut StrategyContext<'_>, entry: &mut PitEntry, face: FaceId) {
    let rto = ctx
        .fib_prefix
        .and_then(|(p, h)| ctx.measurements.get(p, h))
        .and_then(|m| m.face(face))
        .map_or(RttEstimator::INITIAL_RTO, |m| m.rtt.rto());
    entry.strategy_info.chosen_face = Some(face);
    ctx.arm_timer(rto);
}

/// The chosen upstream stayed silent for its retransmission timeout: a timeout for it.
pub(super) fn after_timer(ctx: &mut StrategyContext<'_>, entry: &mut PitEntry) {
    let Some(face) = entry.strategy_info.chosen_face else {
        return;
    };
    let Some(record) = entry
        .out_records
        .iter_mut()
        .find(|r| r.face == face && r.nack.is_none() && !r.timed_out)
    else {
        return;
    };
    record.timed_out = true;
    if let Some(m) = measurements(ctx) {
        m.face_mut(face).n_timeouts += 1;
    }
}

/// The entry expires: a timeout for each upstream still silent whose silence was not counted.
pub(super) fn before_expire(ctx: &mut StrategyContext<'_>, entry: &PitEntry) {
    let silent = entry
        .out_records
        .iter()
        .filter(|r| r.nack.is_none() && !r.timed_out)
        .map(|r| r.face);
    let Some((prefix, hash)) = ctx.fib_prefix else {
        return;
    };
    let m = ctx
        .measurements
        .entry_for(prefix, hash, ctx.now, MEASUREMENTS_LIFETIME);
    for f in silent {
        m.face_mut(f).n_timeouts += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::probe_rank;

    #[test]
    fn probes_favour_better_ranked_faces_linearly() {
        // three faces: ranks 0, 1, 2 drawn 3, 2 and 1 times out of 6
        for (n, expected) in [(1u64, vec![1]), (3, vec![3, 2, 1]), (4, vec![4, 3, 2, 1])] {
            let mut counts = vec![0; n as usize];
            for draw in 0..n * (n + 1) / 2 {
                counts[probe_rank(n, draw)] += 1;
            }
            assert_eq!(counts, expected, "{n} faces");
        }
    }
}
