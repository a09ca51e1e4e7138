//! Management Data kept for a while after it was produced: the segments of a status dataset
//! (fetched one by one after the first) and recent notifications.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use bytes::Bytes;
use ndn::{Interest, Name};

/// How long produced segments stay available.
pub(super) const LIFETIME: Duration = Duration::from_secs(10);
/// Most Data kept.
pub(super) const CAPACITY: usize = 1024;

/// Data by name, with expiry and a size bound (oldest first out).
#[derive(Debug, Default)]
pub(super) struct Store {
    by_name: BTreeMap<Bytes, (Bytes, Duration)>,
    order: VecDeque<Bytes>,
}

impl Store {
    /// Keep `wire` (a Data named `name`) until `now + LIFETIME`.
    pub(super) fn insert(&mut self, now: Duration, name: &Name, wire: Bytes) {
        let key = name.value().clone();
        if self
            .by_name
            .insert(key.clone(), (wire, now + LIFETIME))
            .is_none()
        {
            self.order.push_back(key);
        }
        while self.order.len() > CAPACITY {
            if let Some(k) = self.order.pop_front() {
                self.by_name.remove(&k);
            }
        }
    }

    /// Data named exactly as `interest` asks: a segment of a dataset version, or a numbered
    /// notification. (A request without version always gets a fresh dataset; one without
    /// sequence number waits for the next notification.)
    pub(super) fn find(&mut self, now: Duration, interest: &Interest) -> Option<Bytes> {
        self.expire(now);
        self.by_name
            .get(interest.name().value())
            .map(|(w, _)| w.clone())
    }

    fn expire(&mut self, now: Duration) {
        while let Some(k) = self.order.front() {
            match self.by_name.get(k) {
                Some((_, exp)) if *exp > now => break,
                _ => {
                    if let Some(k) = self.order.pop_front() {
                        self.by_name.remove(&k);
                    }
                }
            }
        }
    }
}
