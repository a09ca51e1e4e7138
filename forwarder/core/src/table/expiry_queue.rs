//! When each PIT entry expires: a binary min-heap of (time, sequence, slot) that also knows where
//! each slot sits, so an entry's deadline can move or go away in O(log n) when the entry is
//! renewed or satisfied. Only pending entries are in it, so a busy forwarder does not pile up
//! deadlines of entries long gone.
//!
//! The sequence number orders equal times in the order deadlines were set, which keeps expiry
//! deterministic.

use std::time::Duration;

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Deadline {
    at: Duration,
    seq: u64,
    slot: u32,
}

/// Deadlines of slots, earliest first.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExpiryQueue {
    heap: Vec<Deadline>,
    /// Heap index of each slot's deadline, or `NONE`.
    pos: Vec<u32>,
}

impl ExpiryQueue {
    /// Number of deadlines.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }

    /// The earliest deadline: (time, sequence, slot).
    pub(crate) fn peek(&self) -> Option<(Duration, u64, u32)> {
        self.heap.first().map(|d| (d.at, d.seq, d.slot))
    }

    /// Set (or move) the deadline of `slot`.
    pub(crate) fn set(&mut self, slot: u32, at: Duration, seq: u64) {
        let d = Deadline { at, seq, slot };
        match self.index_of(slot) {
            Some(i) => {
                if let Some(h) = self.heap.get_mut(i) {
                    *h = d;
                }
                self.sift_up(i);
                self.sift_down(i);
            }
            None => {
                let i = self.heap.len();
                self.heap.push(d);
                self.set_pos(slot, i as u32);
                self.sift_up(i);
            }
        }
    }

    /// Remove the deadline of `slot`, if it has one.
    pub(crate) fn remove(&mut self, slot: u32) {
        let Some(i) = self.index_of(slot) else {
            return;
        };
        self.set_pos(slot, NONE);
        let last = self.heap.len() - 1;
        self.heap.swap(i, last);
        self.heap.pop();
        if i < last {
            if let Some(moved) = self.heap.get(i).map(|d| d.slot) {
                self.set_pos(moved, i as u32);
            }
            self.sift_up(i);
            self.sift_down(i);
        }
    }

    fn index_of(&self, slot: u32) -> Option<usize> {
        let i = *self.pos.get(slot as usize)?;
        (i != NONE).then_some(i as usize)
    }

    fn set_pos(&mut self, slot: u32, i: u32) {
        let s = slot as usize;
        if s >= self.pos.len() {
            self.pos.resize(s + 1, NONE);
        }
        if let Some(p) = self.pos.get_mut(s) {
            *p = i;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        for i in [a, b] {
            if let Some(slot) = self.heap.get(i).map(|d| d.slot) {
                self.set_pos(slot, i as u32);
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

    proptest! {
        /// The queue always yields the same earliest deadline as an ordered model.
        #[test]
        fn earliest_deadline_matches_a_model(
            ops in prop::collection::vec((0u32..20, prop::option::of(0u64..50)), 1..200),
        ) {
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
        }
    }
}
