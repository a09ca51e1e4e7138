//! The Dead Nonce List: (name, Nonce) pairs of Interests that recently left the PIT, so a looping
//! Interest is still recognised after its PIT entry is gone.

use std::collections::VecDeque;
use std::time::Duration;

use super::name_index::HashIndex;

/// NFD's default lifetime of a Dead Nonce List entry.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(6);

fn key(name_hash: u64, nonce: u32) -> u64 {
    let x = name_hash ^ u64::from(nonce).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let r = u128::from(x) * u128::from(0xD6E8_FEB8_6659_FD93u64);
    (r as u64) ^ ((r >> 64) as u64)
}

/// The Dead Nonce List: entries live for `lifetime`; at most `capacity` are kept (the oldest
/// go first).
#[derive(Debug, Clone)]
pub struct DeadNonceList {
    queue: VecDeque<(u64, Duration)>,
    counts: HashIndex<u32>,
    lifetime: Duration,
    capacity: usize,
}

impl DeadNonceList {
    /// An empty list.
    pub fn new(lifetime: Duration, capacity: usize) -> Self {
        DeadNonceList {
            queue: VecDeque::new(),
            counts: HashIndex::default(),
            lifetime,
            capacity,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// True when (name, nonce) is present; `name_hash` is the name's hash under the forwarder key.
    pub fn has(&self, name_hash: u64, nonce: u32) -> bool {
        self.counts.contains_key(&key(name_hash, nonce))
    }

    /// Start loading the oldest entry (a hint).
    pub(crate) fn prefetch_front(&self) {
        if let Some(e) = self.queue.front() {
            crate::hint::prefetch_line(e);
        }
    }

    /// Record (name, nonce) at `now`.
    pub fn add(&mut self, now: Duration, name_hash: u64, nonce: u32) {
        self.evict(now);
        while self.queue.len() >= self.capacity.max(1) {
            self.pop_oldest();
        }
        let k = key(name_hash, nonce);
        self.queue.push_back((k, now));
        *self.counts.entry(k).or_insert(0) += 1;
    }

    fn pop_oldest(&mut self) {
        if let Some((k, _)) = self.queue.pop_front()
            && let Some(c) = self.counts.get_mut(&k)
        {
            *c -= 1;
            if *c == 0 {
                self.counts.remove(&k);
            }
        }
    }

    /// Drop entries older than the lifetime.
    pub fn evict(&mut self, now: Duration) {
        while let Some(&(_, t)) = self.queue.front() {
            if now.saturating_sub(t) < self.lifetime {
                break;
            }
            self.pop_oldest();
        }
    }

    /// When the oldest entry expires.
    pub fn next_expiry(&self) -> Option<Duration> {
        self.queue.front().map(|&(_, t)| t + self.lifetime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_are_bounded() {
        let mut d = DeadNonceList::new(Duration::from_secs(6), 3);
        d.add(Duration::ZERO, 1, 10);
        assert!(d.has(1, 10));
        assert!(!d.has(1, 11));
        assert!(!d.has(2, 10));
        d.add(Duration::from_secs(1), 1, 11);
        d.add(Duration::from_secs(2), 1, 12);
        d.add(Duration::from_secs(3), 1, 13);
        assert_eq!(d.len(), 3);
        assert!(!d.has(1, 10), "oldest went to make room");
        d.evict(Duration::from_secs(8));
        assert!(!d.has(1, 11) && !d.has(1, 12));
        assert!(d.has(1, 13));
        assert_eq!(d.next_expiry(), Some(Duration::from_secs(9)));
    }
}
