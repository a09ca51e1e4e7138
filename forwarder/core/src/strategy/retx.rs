//! Retransmission suppression with exponential back-off (NFD's RetxSuppressionExponential):
//! an Interest that comes again too soon after the last forwarding is not forwarded again.

use std::time::Duration;

use super::params::RetxSuppression;
use crate::face::FaceId;
use crate::table::PitEntry;

/// What to do with an Interest for an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetxDecision {
    /// The first Interest of the entry.
    New,
    /// A retransmission that may be forwarded.
    Forward,
    /// A retransmission to suppress.
    Suppress,
}

fn current_interval(entry: &PitEntry, retx: &RetxSuppression) -> Duration {
    if entry.strategy_info.suppression_interval.is_zero() {
        retx.initial
    } else {
        entry.strategy_info.suppression_interval
    }
}

/// Decide for the whole entry, from its most recent out-record; a Forward decision grows the
/// interval.
pub fn decide_per_entry(
    entry: &mut PitEntry,
    now: Duration,
    retx: &RetxSuppression,
) -> RetxDecision {
    let Some(last) = entry.out_records.iter().map(|r| r.last_renewed).max() else {
        return RetxDecision::New;
    };
    let interval = current_interval(entry, retx);
    if now.saturating_sub(last) < interval {
        return RetxDecision::Suppress;
    }
    entry.strategy_info.suppression_interval = retx.grow(interval);
    RetxDecision::Forward
}

/// Decide for one upstream, from its out-record (the interval is the entry's).
pub fn decide_per_upstream(
    entry: &PitEntry,
    face: FaceId,
    now: Duration,
    retx: &RetxSuppression,
) -> RetxDecision {
    let Some(r) = entry.out_record(face) else {
        return RetxDecision::New;
    };
    if now.saturating_sub(r.last_renewed) < current_interval(entry, retx) {
        RetxDecision::Suppress
    } else {
        RetxDecision::Forward
    }
}

/// Grow the entry's interval after forwarding retransmissions per upstream.
pub fn increase_interval(entry: &mut PitEntry, retx: &RetxSuppression) {
    entry.strategy_info.suppression_interval = retx.grow(current_interval(entry, retx));
}
