//! The Content Store: a cache of Data answering Interests, with capacity in packets and bytes,
//! LRU eviction, exact and prefix lookup, and freshness.
//!
//! Exact lookups go through a hash index; CanBePrefix lookups walk a map ordered by name bytes
//! (canonical order), so the first match is the leftmost Data under the prefix, as in NFD.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use ndn::{Data, Interest};

use super::name_index::HashIndex;

const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Entry {
    wire: Bytes,
    /// TLV-VALUE of the Data name (a slice of `wire`).
    name: Bytes,
    hash: u64,
    fresh_until: Duration,
    /// Next entry with the same hash.
    hnext: u32,
    prev: u32,
    next: u32,
}

/// Admission and service switches (NFD's `cs config enable-admit/enable-serve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsPolicy {
    /// Insert Data into the cache.
    pub admit: bool,
    /// Answer Interests from the cache.
    pub serve: bool,
}

impl Default for CsPolicy {
    fn default() -> Self {
        CsPolicy {
            admit: true,
            serve: true,
        }
    }
}

/// A cache hit: the Data wire to send.
#[derive(Debug, Clone)]
pub struct CsHit {
    /// The cached Data, as received.
    pub wire: Bytes,
}

/// The Content Store.
#[derive(Debug, Clone)]
pub struct Cs {
    slots: Vec<Option<Entry>>,
    free: Vec<u32>,
    heads: HashIndex<u32>,
    ordered: BTreeMap<Bytes, u32>,
    /// Most recently used.
    head: u32,
    /// Least recently used.
    tail: u32,
    len: usize,
    bytes: usize,
    capacity_packets: usize,
    capacity_bytes: usize,
    /// Admission and service.
    pub policy: CsPolicy,
    /// Lookups answered.
    pub n_hits: u64,
    /// Lookups not answered.
    pub n_misses: u64,
}

impl Cs {
    /// A cache of at most `capacity_packets` Data and `capacity_bytes` bytes of wire.
    pub fn new(capacity_packets: usize, capacity_bytes: usize) -> Cs {
        Cs {
            slots: Vec::new(),
            free: Vec::new(),
            heads: HashIndex::default(),
            ordered: BTreeMap::new(),
            head: NONE,
            tail: NONE,
            len: 0,
            bytes: 0,
            capacity_packets,
            capacity_bytes,
            policy: CsPolicy::default(),
            n_hits: 0,
            n_misses: 0,
        }
    }

    /// Number of cached Data.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of cached wire.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Capacity in packets.
    pub fn capacity_packets(&self) -> usize {
        self.capacity_packets
    }

    /// Capacity in bytes.
    pub fn capacity_bytes(&self) -> usize {
        self.capacity_bytes
    }

    /// Change the capacity, evicting as needed.
    pub fn set_capacity(&mut self, packets: usize, bytes: usize) {
        self.capacity_packets = packets;
        self.capacity_bytes = bytes;
        self.evict_to_capacity();
    }

    fn entry(&self, i: u32) -> Option<&Entry> {
        self.slots.get(i as usize)?.as_ref()
    }

    fn entry_mut(&mut self, i: u32) -> Option<&mut Entry> {
        self.slots.get_mut(i as usize)?.as_mut()
    }

    fn find_exact(&self, name: &[u8], hash: u64) -> Option<u32> {
        let mut i = *self.heads.get(&hash)?;
        while i != NONE {
            let e = self.entry(i)?;
            if &e.name[..] == name {
                return Some(i);
            }
            i = e.hnext;
        }
        None
    }

    fn unlink_lru(&mut self, i: u32) {
        let Some((prev, next)) = self.entry(i).map(|e| (e.prev, e.next)) else {
            return;
        };
        match self.entry_mut(prev) {
            Some(p) => p.next = next,
            None => self.head = next,
        }
        match self.entry_mut(next) {
            Some(n) => n.prev = prev,
            None => self.tail = prev,
        }
    }

    fn push_front(&mut self, i: u32) {
        let old = self.head;
        if let Some(e) = self.entry_mut(i) {
            e.prev = NONE;
            e.next = old;
        }
        match self.entry_mut(old) {
            Some(o) => o.prev = i,
            None => self.tail = i,
        }
        self.head = i;
    }

    fn touch(&mut self, i: u32) {
        if self.head != i {
            self.unlink_lru(i);
            self.push_front(i);
        }
    }

    fn remove_slot(&mut self, i: u32) {
        self.unlink_lru(i);
        let Some(e) = self.slots.get_mut(i as usize).and_then(Option::take) else {
            return;
        };
        // unlink from the hash chain
        match self.heads.get(&e.hash).copied() {
            Some(h) if h == i => {
                if e.hnext == NONE {
                    self.heads.remove(&e.hash);
                } else {
                    self.heads.insert(e.hash, e.hnext);
                }
            }
            Some(mut j) => {
                while j != NONE {
                    let Some(x) = self.slots.get_mut(j as usize).and_then(Option::as_mut) else {
                        break;
                    };
                    if x.hnext == i {
                        x.hnext = e.hnext;
                        break;
                    }
                    j = x.hnext;
                }
            }
            None => {}
        }
        self.ordered.remove(&e.name);
        self.free.push(i);
        self.len -= 1;
        self.bytes -= e.wire.len();
    }

    fn evict_to_capacity(&mut self) {
        while (self.len > self.capacity_packets || self.bytes > self.capacity_bytes)
            && self.tail != NONE
        {
            self.remove_slot(self.tail);
        }
    }

    /// Insert (or refresh) `data` received at `now`; `hash` is the hash of its name.
    pub fn insert(&mut self, now: Duration, data: &Data, hash: u64) {
        if !self.policy.admit || self.capacity_packets == 0 {
            return;
        }
        let wire = data.wire().clone();
        if wire.len() > self.capacity_bytes {
            return;
        }
        let fresh_until = now + Duration::from_millis(data.freshness_period().unwrap_or(0));
        let name = data.name().value().clone();
        if let Some(i) = self.find_exact(&name, hash) {
            let old_len = self.entry(i).map_or(0, |e| e.wire.len());
            self.bytes = self.bytes - old_len + wire.len();
            if let Some(e) = self.entry_mut(i) {
                e.wire = wire;
                e.fresh_until = fresh_until;
            }
            self.touch(i);
            self.evict_to_capacity();
            return;
        }
        let entry = Entry {
            wire,
            name: name.clone(),
            hash,
            fresh_until,
            hnext: self.heads.get(&hash).copied().unwrap_or(NONE),
            prev: NONE,
            next: NONE,
        };
        self.bytes += entry.wire.len();
        let i = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    *s = Some(entry);
                }
                i
            }
            None => {
                self.slots.push(Some(entry));
                (self.slots.len() - 1) as u32
            }
        };
        self.heads.insert(hash, i);
        self.ordered.insert(name, i);
        self.len += 1;
        self.push_front(i);
        self.evict_to_capacity();
    }

    fn usable(e: &Entry, now: Duration, must_be_fresh: bool) -> bool {
        !must_be_fresh || e.fresh_until > now
    }

    /// Find cached Data satisfying `interest` at `now`. `hashes` are the prefix hashes of the
    /// Interest name. Counts a hit or a miss.
    pub fn lookup(&mut self, now: Duration, interest: &Interest, hashes: &[u64]) -> Option<CsHit> {
        if !self.policy.serve || self.len == 0 {
            self.n_misses += 1;
            return None;
        }
        let found = self.find(now, interest, hashes);
        match found {
            Some(i) => {
                self.n_hits += 1;
                self.touch(i);
                self.entry(i).map(|e| CsHit {
                    wire: e.wire.clone(),
                })
            }
            None => {
                self.n_misses += 1;
                None
            }
        }
    }

    fn find(&self, now: Duration, interest: &Interest, hashes: &[u64]) -> Option<u32> {
        let name = interest.name();
        let mbf = interest.must_be_fresh();
        let n = name.len();
        if let Some(digest) = name.implicit_digest() {
            // the digest names one exact Data: look up the name without it, then compare
            let i = self.find_exact(name.prefix_bytes(n - 1), *hashes.get(n - 1)?)?;
            let e = self.entry(i)?;
            let ok =
                ndn::sign::sha256(&[&e.wire]).as_slice() == digest && Self::usable(e, now, mbf);
            return ok.then_some(i);
        }
        if !interest.can_be_prefix() {
            let i = self.find_exact(name.prefix_bytes(n), *hashes.get(n)?)?;
            let e = self.entry(i)?;
            return Self::usable(e, now, mbf).then_some(i);
        }
        let prefix = name.value();
        self.ordered
            .range::<[u8], _>((
                std::ops::Bound::Included(&prefix[..]),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(_, &i)| i)
            .find(|&i| self.entry(i).is_some_and(|e| Self::usable(e, now, mbf)))
    }

    /// Remove up to `limit` entries under `prefix` (TLV-VALUE of a name); returns how many.
    pub fn erase_prefix(&mut self, prefix: &[u8], limit: usize) -> usize {
        let victims: Vec<u32> = self
            .ordered
            .range::<[u8], _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(prefix))
            .take(limit)
            .map(|(_, &i)| i)
            .collect();
        for &i in &victims {
            self.remove_slot(i);
        }
        victims.len()
    }
}
