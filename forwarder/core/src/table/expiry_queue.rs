//! When each PIT entry expires: deadlines of slots, earliest first, each of which can move or go
//! away when its entry is renewed or satisfied. Only pending entries are in it, so a busy
//! forwarder does not pile up deadlines of entries long gone.
//!
//! Nearly every deadline is set later than all those before it (arrival time plus a lifetime
//! that rarely changes), so those go to the back of a queue in order: setting, removing and
//! taking the earliest are then O(1). A removed deadline stays in the queue as a tombstone until
//! it reaches the front, or until tombstones outnumber live deadlines and the queue is
//! compacted, so the queue never holds more than about twice the live deadlines. A deadline set
//! earlier than the last one queued goes into a binary min-heap that knows where each slot
//! sits (O(log n)); the earliest deadline is the earlier of the two fronts.
//!
//! The sequence number orders equal times in the order deadlines were set, which keeps expiry
//! deterministic.

use std::collections::VecDeque;
use std::time::Duration;

/// No deadline (in `pos`), or a tombstone (as a queued deadline's slot).
const NONE: u32 = u32::MAX;
/// In `pos`: the deadline is in the heap, at the index in the low bits.
const IN_HEAP: u64 = 1 << 63;
/// In `pos`: no deadline.
const NO_POS: u64 = u64::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Deadline {
    at: Duration,
    seq: u64,
    slot: u32,
}

/// Deadlines of slots, earliest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExpiryQueue {
    /// Deadlines in the order set, each no earlier than the one before; removed ones are
    /// tombstones (slot `NONE`). The front is never a tombstone.
    queue: VecDeque<Deadline>,
    /// Position of `queue[0]` counted since the queue was created (positions in `pos` are
    /// these absolute numbers, so popping the front moves nothing).
    base: u64,
    /// Live deadlines in `queue`.
    queued: usize,
    /// Deadlines set earlier than the back of `queue`, as a binary min-heap.
    heap: Vec<Deadline>,
    /// Where each slot's deadline is: `NO_POS`, an absolute queue position, or `IN_HEAP | i`.
    pos: Vec<u64>,
}

impl ExpiryQueue {
    /// Number of deadlines.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.queued + self.heap.len()
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
    pub(crate) fn set(&mut self, slot: u32, at: Duration, seq: u64) {
        if slot == NONE {
            return;
        }
        self.remove(slot);
        let d = Deadline { at, seq, slot };
        if self.queue.back().is_none_or(|b| *b <= d) {
            let p = self.base + self.queue.len() as u64;
            self.queue.push_back(d);
            self.queued += 1;
            self.set_pos(slot, p);
        } else {
            let i = self.heap.len();
            self.heap.push(d);
            self.set_pos(slot, IN_HEAP | i as u64);
            self.sift_up(i);
        }
    }

    /// Remove the deadline of `slot`, if it has one.
    pub(crate) fn remove(&mut self, slot: u32) {
        let Some(&p) = self.pos.get(slot as usize) else {
            return;
        };
        if p == NO_POS {
            return;
        }
        self.set_pos(slot, NO_POS);
        if p & IN_HEAP != 0 {
            self.remove_from_heap((p & !IN_HEAP) as usize);
        } else {
            self.remove_from_queue(p);
        }
    }

    fn remove_from_queue(&mut self, p: u64) {
        let Some(d) = usize::try_from(p - self.base)
            .ok()
            .and_then(|i| self.queue.get_mut(i))
        else {
            return;
        };
        d.slot = NONE;
        self.queued -= 1;
        while self.queue.front().is_some_and(|d| d.slot == NONE) {
            self.queue.pop_front();
            self.base += 1;
        }
        if self.queue.len() > 2 * self.queued + 32 {
            self.compact();
        }
    }

    /// Drop the tombstones; live deadlines keep their order and get new positions.
    fn compact(&mut self) {
        self.queue.retain(|d| d.slot != NONE);
        for i in 0..self.queue.len() {
            if let Some(slot) = self.queue.get(i).map(|d| d.slot) {
                self.set_pos(slot, self.base + i as u64);
            }
        }
    }

    fn remove_from_heap(&mut self, i: usize) {
        let last = self.heap.len() - 1;
        self.heap.swap(i, last);
        self.heap.pop();
        if i < last {
            if let Some(moved) = self.heap.get(i).map(|d| d.slot) {
                self.set_pos(moved, IN_HEAP | i as u64);
            }
            self.sift_up(i);
            self.sift_down(i);
        }
    }

    fn set_pos(&mut self, slot: u32, p: u64) {
        let s = slot as usize;
        if s >= self.pos.len() {
            self.pos.resize(s + 1, NO_POS);
        }
        if let Some(x) = self.pos.get_mut(s) {
            *x = p;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        for i in [a, b] {
            if let Some(slot) = self.heap.get(i).map(|d| d.slot) {
                self.set_pos(slot, IN_HEAP | i as u64);
            }
        }
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap.get(i) >= self.heap.get(parent) {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
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
            self.swap(i, least);
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
        // slot -> (at, seq)
        let mut model: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for (seq, (slot, at)) in ops.into_iter().enumerate() {
            let seq = seq as u64;
            match at {
                Some(at) => {
                    q.set(slot, Duration::from_millis(at), seq);
                    model.insert(slot, (at, seq));
                }
                None => {
                    q.remove(slot);
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
            q.remove(slot);
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
