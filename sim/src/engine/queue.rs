//! The event queue: events in (time, sequence) order, as a binary heap would give them, from a
//! timing wheel.
//!
//! Nearly every event is scheduled a little after the current time (a frame arrives a link delay
//! plus its queueing and serialization later, an application's next Interest is due within
//! milliseconds), so the queue keeps a wheel of buckets, each covering 2^`SHIFT` ns of virtual
//! time, for the `BUCKETS` buckets from the current one on; later events wait in a binary heap
//! and move into the wheel as it turns. Scheduling into a bucket is a push onto a vector; a
//! bucket is sorted once, when it becomes the current one, and then taken from its end. An event
//! scheduled into the current bucket after that is inserted at its place. The order of events
//! is exactly (time, sequence), so runs are the same as with a heap, event for event.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Event;
use crate::units::SimTime;

/// A bucket covers 2^SHIFT ns (262 us).
const SHIFT: u32 = 18;
/// Buckets in the wheel (a horizon of about 537 ms).
const BUCKETS: u64 = 2048;

/// Events by (time, sequence), earliest first.
#[derive(Debug)]
pub(crate) struct EventQueue {
    /// `wheel[b % BUCKETS]` holds the events of absolute bucket `b` for `b` in
    /// `current..current + BUCKETS`; the current bucket is sorted latest first.
    wheel: Vec<Vec<Event>>,
    /// Absolute number of the current bucket (time >> SHIFT).
    current: u64,
    /// Events in the wheel.
    in_wheel: usize,
    /// Events in buckets from `current + BUCKETS` on.
    later: BinaryHeap<Reverse<Event>>,
}

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue {
            wheel: (0..BUCKETS).map(|_| Vec::new()).collect(),
            current: 0,
            in_wheel: 0,
            later: BinaryHeap::new(),
        }
    }
}

fn bucket_of(time: SimTime) -> u64 {
    time >> SHIFT
}

impl EventQueue {
    /// Number of events.
    pub(crate) fn len(&self) -> usize {
        self.in_wheel + self.later.len()
    }

    fn slot(&mut self, b: u64) -> &mut Vec<Event> {
        let i = (b % BUCKETS) as usize;
        // the wheel has BUCKETS vectors, so `i` is in range
        &mut self.wheel[i]
    }

    /// Add an event; its time must not be before that of the last event taken.
    pub(crate) fn push(&mut self, ev: Event) {
        let b = bucket_of(ev.time).max(self.current);
        if b >= self.current + BUCKETS {
            self.later.push(Reverse(ev));
            return;
        }
        self.in_wheel += 1;
        let current = b == self.current;
        let v = self.slot(b);
        if current {
            // sorted latest first: insert before the first event that is not later
            let at = v.partition_point(|e| e > &ev);
            v.insert(at, ev);
        } else {
            v.push(ev);
        }
    }

    /// The `n`-th earliest event (from 0) when it is in the current bucket (usually, for small
    /// `n`: a bucket holds tens of events in busy runs), without taking it.
    pub(crate) fn peek_current(&self, n: usize) -> Option<&Event> {
        let v = self.wheel.get((self.current % BUCKETS) as usize)?;
        v.get(v.len().checked_sub(n + 1)?)
    }

    /// Take the earliest event if its time is at most `end`.
    pub(crate) fn pop_until(&mut self, end: SimTime) -> Option<Event> {
        loop {
            let current = self.current;
            if let Some(ev) = self.slot(current).last() {
                if ev.time > end {
                    return None;
                }
                self.in_wheel -= 1;
                return self.slot(current).pop();
            }
            if self.len() == 0 {
                return None;
            }
            // turn the wheel to the next bucket that has events
            let next = if self.in_wheel == 0 {
                self.later.peek().map(|Reverse(e)| bucket_of(e.time))?
            } else {
                self.current + 1
            };
            if next << SHIFT > end {
                return None;
            }
            self.advance(next);
        }
    }

    /// Make absolute bucket `b` (later than the current one, whose bucket is empty) current.
    fn advance(&mut self, b: u64) {
        self.current = b;
        while let Some(Reverse(e)) = self.later.peek() {
            let eb = bucket_of(e.time);
            if eb >= b + BUCKETS {
                break;
            }
            if let Some(Reverse(e)) = self.later.pop() {
                self.in_wheel += 1;
                self.slot(eb).push(e);
            }
        }
        let v = self.slot(b);
        v.sort_unstable_by(|x, y| y.cmp(x));
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Interleaved pushes and pops give the events in the order a binary heap gives them,
        /// whether they land in the current bucket, a later one, or beyond the wheel.
        #[test]
        fn the_wheel_pops_in_heap_order(
            ops in prop::collection::vec(
                (0u8..4, prop_oneof![0u64..1 << 18, 0u64..1 << 24, 0u64..1 << 31]),
                1..400,
            ),
        ) {
            let mut q = EventQueue::default();
            let mut model: BinaryHeap<Reverse<Event>> = BinaryHeap::new();
            let mut now = 0;
            let mut seq = 0;
            for (kind, delta) in ops {
                if kind == 0 {
                    // pop everything up to a horizon
                    let end = now + delta;
                    loop {
                        let want = match model.peek() {
                            Some(Reverse(e)) if e.time <= end => model.pop().map(|Reverse(e)| e),
                            _ => None,
                        };
                        let got = q.pop_until(end);
                        prop_assert_eq!(
                            got.map(|e| (e.time, e.seq)),
                            want.map(|e| (e.time, e.seq))
                        );
                        match got {
                            Some(e) => now = e.time,
                            None => break,
                        }
                    }
                    prop_assert_eq!(q.len(), model.len());
                } else {
                    // within the current bucket, within the wheel, or anywhere up to 2 s on
                    let delta = match kind {
                        1 => delta % 256,
                        2 => delta % (1 << 20),
                        _ => delta,
                    };
                    seq += 1;
                    let ev = Event { time: now + delta, seq, what: seq };
                    q.push(ev);
                    model.push(Reverse(ev));
                }
            }
            // drain
            while let Some(Reverse(want)) = model.pop() {
                let got = q.pop_until(SimTime::MAX);
                prop_assert_eq!(got.map(|e| (e.time, e.seq)), Some((want.time, want.seq)));
            }
            prop_assert_eq!(q.pop_until(SimTime::MAX).map(|e| e.seq), None);
        }
    }
}
