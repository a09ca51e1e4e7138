//! Timers of the core: one heap of (time, sequence, what), checked lazily against the tables.

use std::cmp::Reverse;
use std::time::Duration;

use super::Forwarder;
use crate::table::PitEntryId;

/// How often tables without per-entry timers are aged.
const MAINTENANCE_PERIOD: Duration = Duration::from_secs(1);

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Timer {
    /// A PIT entry may have expired.
    PitExpiry(PitEntryId),
    /// Age the Dead Nonce List and measurements.
    Maintenance,
    /// A RIB route may have expired.
    RibExpiry,
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

    pub(super) fn fire(&mut self, now: Duration, timer: Timer) {
        match timer {
            Timer::PitExpiry(id) => {
                // the entry may be gone, or renewed with a later expiry (and a later timer)
                if self.pit.get(id).is_some_and(|e| e.expiry <= now) {
                    self.expire_interest(now, id);
                }
            }
            Timer::RibExpiry => self.expire_routes(now),
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
