//! Timers of the core: one heap of (time, sequence, what) for table maintenance and RIB
//! expiry, and the PIT's own expiry queue; both share one sequence, so events at the same time
//! run in the order they were scheduled.

use std::cmp::Reverse;
use std::time::Duration;

use super::Forwarder;
use super::interest::Trigger;
use crate::face::FaceId;
use crate::table::PitEntryId;

/// How often tables without per-entry timers are aged.
const MAINTENANCE_PERIOD: Duration = Duration::from_secs(1);

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// Age the Dead Nonce List and measurements.
    Maintenance,
    /// A RIB route may have expired.
    RibExpiry,
    /// A strategy's timer for a PIT entry (stale once the entry is gone or the entry's timer
    /// is no longer `seq`).
    Strategy {
        /// The entry.
        entry: PitEntryId,
        /// The sequence number the timer was armed with.
        seq: u64,
    },
}

impl Forwarder {
    pub(crate) fn arm(&mut self, at: Duration, timer: Timer) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, timer)));
    }

    pub(crate) fn arm_maintenance(&mut self, now: Duration) {
        if !self.maintenance_armed {
            self.maintenance_armed = true;
            self.arm(now + MAINTENANCE_PERIOD, Timer::Maintenance);
        }
    }

    /// The next deadline: (time, sequence, a PIT entry's expiry rather than a timer).
    pub(super) fn next_deadline(&self) -> Option<(Duration, u64, bool)> {
        let timer = self
            .timers
            .peek()
            .map(|Reverse((at, seq, _))| (*at, *seq, false));
        let pit = self.pit.next_expiry().map(|(at, seq, _)| (at, seq, true));
        match (timer, pit) {
            (Some(t), Some(p)) => Some(t.min(p)),
            (t, p) => t.or(p),
        }
    }

    /// Run everything due at `now`, in deadline order.
    pub(super) fn run_due(&mut self, now: Duration) {
        while let Some((at, _, is_pit)) = self.next_deadline() {
            if at > now {
                break;
            }
            if is_pit {
                if let Some((_, _, id)) = self.pit.next_expiry() {
                    // finalizing the entry takes its deadline out of the queue
                    self.expire_interest(now, id);
                    debug_assert!(self.pit.get(id).is_none());
                }
            } else if let Some(Reverse((_, _, timer))) = self.timers.pop() {
                self.fire(now, timer);
            }
        }
    }

    /// Drop the strategy timers at the front of the queue whose entry is gone, satisfied or
    /// armed again since, so that the driver is not woken for nothing (a timer that goes stale
    /// behind a live one waits its turn and is skipped when it fires).
    pub(super) fn drop_stale_timers(&mut self) {
        while let Some(Reverse((_, _, Timer::Strategy { entry, seq }))) = self.timers.peek() {
            let live = self
                .pit
                .get(*entry)
                .is_some_and(|e| e.strategy_info.timer == *seq && !e.satisfied);
            if live {
                break;
            }
            self.timers.pop();
        }
    }

    fn fire(&mut self, now: Duration, timer: Timer) {
        match timer {
            Timer::RibExpiry => self.expire_routes(now),
            Timer::Strategy { entry, seq } => {
                let Some(e) = self.pit.get_mut(entry) else {
                    return;
                };
                if e.strategy_info.timer != seq || e.satisfied {
                    return;
                }
                e.strategy_info.timer = 0;
                let ingress = e.in_records.first().map_or(FaceId::INVALID, |r| r.face);
                self.run_strategy(now, entry, ingress, &[], Trigger::Timer);
            }
            Timer::Maintenance => {
                self.maintenance_armed = false;
                self.dead_nonces.evict(now);
                self.measurements.cleanup(now);
                if !self.measurements.is_empty() || !self.dead_nonces.is_empty() {
                    self.arm_maintenance(now);
                }
            }
        }
    }
}
