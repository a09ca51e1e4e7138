//! When each PIT entry expires: deadlines of slots, earliest first, each of which can move or go
//! away when its entry is renewed or satisfied. Only pending entries are in it, so a busy
//! forwarder does not pile up deadlines of entries long gone.
//!
//! Nearly every deadline is set later than all those before it (arrival time plus a lifetime
//! that rarely changes), so those go to the back of a queue in order: setting, removing and
//! taking the earliest are then O(1). A removed deadline stays in the queue, stale, until it
//! reaches the front, or until stale deadlines outnumber live ones and the queue is compacted,
//! so the queue never holds more than about twice the live deadlines. Removing one does not
//! touch the queue at all (only the slot's position, which then no longer points at it): an
//! entry is usually satisfied long after its deadline was queued, when that part of the queue
//! has left the CPU caches. Where each slot's deadline is lives with the caller (the PIT keeps
//! it beside the entry, which the forwarder reads anyway), through [`Positions`]. A deadline set
//! earlier than the last one queued goes into a binary min-heap that knows where each slot
//! sits (O(log n)); the earliest deadline is the earlier of the two fronts.
//!
//! The sequence number orders equal times in the order deadlines were set, which keeps expiry
//! deterministic.

use std::collections::VecDeque;
use std::time::Duration;

/// Not a slot.
const NONE: u32 = u32::MAX;
/// A position: the deadline is in the heap, at the index in the low bits.
const IN_HEAP: u64 = 1 << 63;
/// A position: no deadline.
pub(crate) const NO_POS: u64 = u64::MAX;

/// Where each slot's deadline is in the queue, kept by the caller: [`NO_POS`] for none
/// (including slots never seen), otherwise a value the queue chose.
pub(crate) trait Positions {
    /// The position of `slot`'s deadline.
    fn position(&self, slot: u32) -> u64;
    /// Record the position of `slot`'s deadline.
    fn set_position(&mut self, slot: u32, p: u64);
}

/// Positions in a vector indexed by slot.
impl Positions for Vec<u64> {
    fn position(&self, slot: u32) -> u64 {
        self.get(slot as usize).copied().unwrap_or(NO_POS)
    }

    fn set_position(&mut self, slot: u32, p: u64) {
        let s = slot as usize;
        if s >= self.len() {
            self.resize(s + 1, NO_POS);
        }
        if let Some(x) = self.get_mut(s) {
            *x = p;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Deadline {
    at: Duration,
    seq: u64,
    slot: u32,
}

/// Deadlines of slots, earliest first. Every call that changes it takes the caller's
/// [`Positions`], always the same one.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExpiryQueue {
    /// Deadlines in the order set, each no earlier than the one before. The one at absolute
    /// position `p` is live when its slot's position is `p`, stale otherwise (removed or
    /// moved). The front is always live.
    queue: VecDeque<Deadline>,
    /// Position of `queue[0]` counted since the queue was created (positions are these
    /// absolute numbers, so popping the front moves nothing).
    base: u64,
    /// Live deadlines in `queue`.
    queued: usize,
    /// Deadlines set earlier than the back of `queue`, as a binary min-heap.
    heap: Vec<Deadline>,
}

impl ExpiryQueue {
    /// Number of deadlines.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.queued + self.heap.len()
    }

    /// Start loading the fronts of the queue and of the heap (a hint).
    pub(crate) fn prefetch(&self) {
        if let Some(d) = self.queue.front() {
            crate::hint::prefetch_line(d);
        }
        if let Some(d) = self.heap.first() {
            crate::hint::prefetch_line(d);
        }
    }

    /// The slots of the first `n` deadlines in the queue (live or stale): those whose
    /// positions are read when the front is removed.
    pub(crate) fn front_slots(&self, n: usize) -> impl Iterator<Item = u32> + '_ {
        self.queue.iter().take(n).map(|d| d.slot)
    }

    /// The earliest deadline: (time, sequence, slot).
    pub(crate) fn peek(&self) -> Option<(Duration, u64, u32)> {
        let d = match (self.queue.front(), self.heap.first()) {
            (Some(q), Some(h)) => q.min(h),
            (q, h) => q.or(h)?,
        };
        Some((d.at, d.seq, d.slot))
    }

    /// Set (or move) the deadline of `slot`.
    pub(crate) fn set(&mut self, pos: &mut impl Positions, slot: u32, at: Duration, seq: u64) {
        if slot == NONE {
            return;
        }
        self.remove(pos, slot);
        let d = Deadline { at, seq, slot };
        if self.queue.back().is_none_or(|b| *b <= d) {
            let p = self.base + self.queue.len() as u64;
            self.queue.push_back(d);
            self.queued += 1;
            pos.set_position(slot, p);
        } else {
            let i = self.heap.len();
            self.heap.push(d);
            pos.set_position(slot, IN_HEAP | i as u64);
            self.sift_up(pos, i);
        }
    }

    /// Remove the deadline of `slot`, if it has one.
    pub(crate) fn remove(&mut self, pos: &mut impl Positions, slot: u32) {
        let p = pos.position(slot);
        if p == NO_POS {
            return;
        }
        pos.set_position(slot, NO_POS);
        if p & IN_HEAP != 0 {
            self.remove_from_heap(pos, (p & !IN_HEAP) as usize);
        } else {
            self.queued -= 1;
            if p == self.base {
                self.pop_stale_front(pos);
            }
            if self.queue.len() > 2 * self.queued + 32 {
                self.compact(pos);
            }
        }
    }

    /// True when the deadline at absolute queue position `p` is live.
    fn live(pos: &impl Positions, p: u64, d: &Deadline) -> bool {
        pos.position(d.slot) == p
    }

    fn pop_stale_front(&mut self, pos: &impl Positions) {
        while let Some(d) = self.queue.front() {
            if Self::live(pos, self.base, d) {
                break;
            }
            self.queue.pop_front();
            self.base += 1;
        }
    }

    /// Drop the stale deadlines; live ones keep their order and get new positions.
    fn compact(&mut self, pos: &mut impl Positions) {
        let mut p = self.base;
        self.queue.retain(|d| {
            let keep = Self::live(pos, p, d);
            p += 1;
            keep
        });
        for (i, d) in self.queue.iter().enumerate() {
            pos.set_position(d.slot, self.base + i as u64);
        }
    }

    fn remove_from_heap(&mut self, pos: &mut impl Positions, i: usize) {
        let last = self.heap.len() - 1;
        self.heap.swap(i, last);
        self.heap.pop();
        if i < last {
            if let Some(moved) = self.heap.get(i).map(|d| d.slot) {
                pos.set_position(moved, IN_HEAP | i as u64);
            }
            self.sift_up(pos, i);
            self.sift_down(pos, i);
        }
    }

    fn swap(&mut self, pos: &mut impl Positions, a: usize, b: usize) {
        self.heap.swap(a, b);
        for i in [a, b] {
            if let Some(slot) = self.heap.get(i).map(|d| d.slot) {
                pos.set_position(slot, IN_HEAP | i as u64);
            }
        }
    }

    fn sift_up(&mut self, pos: &mut impl Positions, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap.get(i) >= self.heap.get(parent) {
                break;
            }
            self.swap(pos, i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, pos: &mut impl Positions, mut i: usize) {
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut least = i;
            for c in [l, r] {
                if c < self.heap.len() && self.heap.get(c) < self.heap.get(least) {
                    least = c;
                }
            }
            if least == i {
                break;
            }
            self.swap(pos, i, least);
            i = least;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    /// Apply `ops` (set a slot's deadline to a time in ms, or remove it), checking after each
    /// that the queue yields the same earliest deadline as an ordered model; then drain it.
    fn check(ops: Vec<(u32, Option<u64>)>) -> Result<(), TestCaseError> {
        let mut q = ExpiryQueue::default();
        let mut pos: Vec<u64> = Vec::new();
        // slot -> (at, seq)
        let mut model: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for (seq, (slot, at)) in ops.into_iter().enumerate() {
            let seq = seq as u64;
            match at {
                Some(at) => {
                    q.set(&mut pos, slot, Duration::from_millis(at), seq);
                    model.insert(slot, (at, seq));
                }
                None => {
                    q.remove(&mut pos, slot);
                    model.remove(&slot);
                }
            }
            let expected = model
                .iter()
                .map(|(&s, &(at, seq))| (Duration::from_millis(at), seq, s))
                .min();
            prop_assert_eq!(q.peek(), expected);
            prop_assert_eq!(q.len(), model.len());
            // tombstones never outnumber live deadlines by much
            prop_assert!(q.queue.len() <= 2 * q.queued + 32);
        }
        // draining yields every deadline in order
        let mut drained = Vec::new();
        while let Some((at, seq, slot)) = q.peek() {
            drained.push((at, seq, slot));
            q.remove(&mut pos, slot);
        }
        let mut expected: Vec<_> = model
            .iter()
            .map(|(&s, &(at, seq))| (Duration::from_millis(at), seq, s))
            .collect();
        expected.sort();
        prop_assert_eq!(drained, expected);
        Ok(())
    }

    proptest! {
        /// Deadlines at random times (many out of order: the heap).
        #[test]
        fn earliest_deadline_matches_a_model(
            ops in prop::collection::vec((0u32..20, prop::option::of(0u64..50)), 1..200),
        ) {
            check(ops)?;
        }

        /// Deadlines mostly later than all before (the queue), with removals that leave
        /// tombstones in the middle and force compaction, and a few set earlier (the heap).
        #[test]
        fn mostly_increasing_deadlines_match_a_model(
            ops in prop::collection::vec((0u32..40, 0u8..10, 0u64..30), 1..600),
        ) {
            let ops = ops
                .into_iter()
                .enumerate()
                .map(|(t, (slot, kind, back))| {
                    let t = 100 + t as u64;
                    let at = match kind {
                        0..=3 => None,
                        4 => Some(t - back),
                        _ => Some(t),
                    };
                    (slot, at)
                })
                .collect();
            check(ops)?;
        }
    }
}
