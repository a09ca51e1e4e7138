//! The Content Store: a cache of Data answering Interests, with capacity in packets and bytes,
//! LRU eviction, exact and prefix lookup, and freshness.
//!
//! Exact lookups go through a hash index; CanBePrefix lookups walk a crit-bit tree ordered by
//! name bytes (canonical order), so the first match is the leftmost Data under the prefix, as in
//! NFD. The tree is built the first time a CanBePrefix lookup or a prefix erase needs it, and
//! kept up to date from then on: a cache that only ever sees exact lookups does not pay for it.
//! Names are not copied: entries keep where the name lies in the cached wire. The LRU list
//! links live in their own compact vector, so refreshing an entry's recency touches 8-byte
//! links rather than the neighbours' entries.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use bytes::Bytes;
use ndn::{Data, Interest};

use super::critbit::{self, CritBit};
use super::slot_table::SlotTable;
use crate::hint::{prefetch_line, prefetch_object};

const NONE: u32 = u32::MAX;

/// One cached Data: 64 bytes, aligned to a cache line, so that a hit reads everything it needs
/// of the entry (the wire's handle, where its name lies, freshness) in one line.
#[derive(Debug, Clone)]
#[repr(align(64))]
struct Entry {
    wire: Bytes,
    /// Where the TLV-VALUE of the Data name lies in `wire`.
    name_at: u32,
    name_len: u32,
    hash: u64,
    /// Nanoseconds (as [`nanos`] counts them) until which the Data is fresh.
    fresh_until: u64,
    /// The queue it waits in for eviction (always [`Queue::Main`] under LRU).
    queue: Queue,
}

/// Which Data a full store evicts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Replacement {
    /// The least recently used (a hit makes an entry the most recent).
    #[default]
    Lru,
    /// NFD's `priority_fifo`: unsolicited Data first, then Data that became stale (in the
    /// order they did), then the rest in the order they arrived; hits change nothing.
    PriorityFifo,
}

impl Replacement {
    /// The policy NFD names so.
    pub fn from_name(name: &str) -> Option<Replacement> {
        match name {
            "lru" => Some(Replacement::Lru),
            "priority_fifo" | "priority-fifo" => Some(Replacement::PriorityFifo),
            _ => None,
        }
    }
}

/// Eviction queues, evicted from in this order. Under LRU every entry is in `Main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    Unsolicited = 0,
    Stale = 1,
    Main = 2,
}

/// The two ends of one queue (a doubly linked list through `Cs::links`; the head is the
/// newest, the tail the next to go).
#[derive(Debug, Clone, Copy)]
struct Ends {
    head: u32,
    tail: u32,
}

const EMPTY_QUEUE: Ends = Ends {
    head: NONE,
    tail: NONE,
};

/// An entry's neighbours in the LRU list.
#[derive(Debug, Clone, Copy)]
struct Links {
    /// More recently used.
    prev: u32,
    /// Less recently used.
    next: u32,
}

const UNLINKED: Links = Links {
    prev: NONE,
    next: NONE,
};

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
    /// LRU links, by slot.
    links: Vec<Links>,
    free: Vec<u32>,
    by_hash: SlotTable,
    ordered: CritBit,
    /// `ordered` holds every entry (it is empty until first needed).
    ordered_built: bool,
    /// Eviction queues, indexed by [`Queue`].
    queues: [Ends; 3],
    replacement: Replacement,
    /// Under `PriorityFifo`: when entries of the main queue go stale, (time, slot), to move
    /// them to the stale queue once that time has passed; items of entries gone or refreshed
    /// since are skipped.
    staling: BinaryHeap<Reverse<(u64, u32)>>,
    /// The latest time an insert or lookup saw, in nanoseconds.
    now: u64,
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
            links: Vec::new(),
            free: Vec::new(),
            by_hash: SlotTable::default(),
            ordered: CritBit::default(),
            ordered_built: false,
            queues: [EMPTY_QUEUE; 3],
            replacement: Replacement::Lru,
            staling: BinaryHeap::new(),
            now: 0,
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

    /// Change the replacement policy; the entries stored are queued again, oldest first, as
    /// if they had just arrived in that order (unsolicited ones are not told apart any more).
    pub fn set_replacement(&mut self, replacement: Replacement) {
        if replacement == self.replacement {
            return;
        }
        // the current order, next to go first, across the queues in eviction order
        let mut order = Vec::with_capacity(self.len);
        for q in self.queues {
            let mut at = q.tail;
            while let Some(l) = self.links.get(at as usize) {
                order.push(at);
                at = l.prev;
            }
        }
        for l in &mut self.links {
            *l = UNLINKED;
        }
        self.queues = [EMPTY_QUEUE; 3];
        self.staling.clear();
        self.replacement = replacement;
        for i in order {
            self.enqueue(i, false);
        }
    }

    fn entry(&self, i: u32) -> Option<&Entry> {
        self.slots.get(i as usize)?.as_ref()
    }

    fn entry_mut(&mut self, i: u32) -> Option<&mut Entry> {
        self.slots.get_mut(i as usize)?.as_mut()
    }

    fn find_exact(&self, name: &[u8], hash: u64) -> Option<u32> {
        let slots = &self.slots;
        self.by_hash.find(hash, |i| {
            slots
                .get(i as usize)
                .and_then(Option::as_ref)
                .is_some_and(|e| e.name() == name)
        })
    }

    fn links_mut(&mut self, i: u32) -> Option<&mut Links> {
        self.links.get_mut(i as usize)
    }

    /// Take entry `i` out of its queue.
    fn unlink(&mut self, i: u32) {
        let Some(Links { prev, next }) = self.links.get(i as usize).copied() else {
            return;
        };
        match self.links_mut(prev) {
            Some(p) => p.next = next,
            None => {
                let q = self.queue_of(i);
                if self.queues[q].head == i {
                    self.queues[q].head = next;
                }
            }
        }
        match self.links_mut(next) {
            Some(n) => n.prev = prev,
            None => {
                let q = self.queue_of(i);
                if self.queues[q].tail == i {
                    self.queues[q].tail = prev;
                }
            }
        }
        if let Some(l) = self.links_mut(i) {
            *l = UNLINKED;
        }
    }

    /// The queue entry `i` is in (under LRU always the main one, without reading the entry).
    fn queue_of(&self, i: u32) -> usize {
        match self.replacement {
            Replacement::Lru => Queue::Main as usize,
            Replacement::PriorityFifo => self.entry(i).map_or(Queue::Main, |e| e.queue) as usize,
        }
    }

    /// Make entry `i` the newest of queue `q`.
    fn push_front(&mut self, i: u32, q: Queue) {
        // under LRU every entry stays in the main queue: no need to write it down
        if (q != Queue::Main || self.replacement == Replacement::PriorityFifo)
            && let Some(e) = self.entry_mut(i)
        {
            e.queue = q;
        }
        let ends = &mut self.queues[q as usize];
        let old = ends.head;
        ends.head = i;
        if old == NONE {
            ends.tail = i;
        }
        if let Some(l) = self.links_mut(i) {
            *l = Links {
                prev: NONE,
                next: old,
            };
        }
        if let Some(o) = self.links_mut(old) {
            o.prev = i;
        }
    }

    /// A hit: under LRU the entry becomes the most recent; under priority FIFO nothing moves.
    fn touch(&mut self, i: u32) {
        if self.replacement == Replacement::Lru && self.queues[Queue::Main as usize].head != i {
            self.unlink(i);
            self.push_front(i, Queue::Main);
        }
    }

    /// Queue a new or refreshed entry: under LRU as the most recent; under priority FIFO as
    /// the newest unsolicited, stale or fresh one, a fresh one to turn stale at its time.
    fn enqueue(&mut self, i: u32, unsolicited: bool) {
        if self.replacement == Replacement::Lru {
            self.push_front(i, Queue::Main);
            return;
        }
        let Some(fresh_until) = self.entry(i).map(|e| e.fresh_until) else {
            return;
        };
        let q = if unsolicited {
            Queue::Unsolicited
        } else if fresh_until <= self.now {
            Queue::Stale
        } else {
            self.staling.push(Reverse((fresh_until, i)));
            Queue::Main
        };
        self.push_front(i, q);
    }

    /// Under priority FIFO, move the entries whose freshness has run out by the latest time
    /// seen from the main queue to the stale one, in the order they went stale.
    fn age(&mut self) {
        while let Some(&Reverse((t, i))) = self.staling.peek() {
            if t > self.now {
                break;
            }
            self.staling.pop();
            let current = self
                .entry(i)
                .is_some_and(|e| e.queue == Queue::Main && e.fresh_until == t);
            if current {
                self.unlink(i);
                self.push_front(i, Queue::Stale);
            }
        }
        // items of entries gone or refreshed pile up: rebuild from the live ones now and then
        if self.staling.len() > 2 * self.len + 64 {
            let live = self.slots.iter().enumerate().filter_map(|(i, e)| {
                let e = e.as_ref()?;
                (e.queue == Queue::Main).then_some(Reverse((e.fresh_until, i as u32)))
            });
            self.staling = live.collect();
        }
    }

    /// The entry to evict next: the oldest of the first non-empty queue.
    fn victim(&self) -> u32 {
        match self.replacement {
            Replacement::Lru => self.queues[Queue::Main as usize].tail,
            Replacement::PriorityFifo => self
                .queues
                .iter()
                .map(|q| q.tail)
                .find(|&t| t != NONE)
                .unwrap_or(NONE),
        }
    }

    fn remove_slot(&mut self, i: u32) {
        self.unlink(i);
        let Some(e) = self.slots.get_mut(i as usize).and_then(Option::take) else {
            return;
        };
        self.by_hash.remove(e.hash, i);
        if self.ordered_built {
            self.ordered.remove(e.name(), i);
        }
        self.free.push(i);
        self.len -= 1;
        self.bytes -= e.wire.len();
    }

    fn evict_to_capacity(&mut self) {
        if self.replacement == Replacement::PriorityFifo {
            self.age();
        }
        let mut evicted = false;
        while self.len > self.capacity_packets || self.bytes > self.capacity_bytes {
            let victim = self.victim();
            if victim == NONE {
                break;
            }
            self.remove_slot(victim);
            evicted = true;
        }
        if evicted {
            // a full store evicts on every insert: start loading the next victim now, so
            // that the next insert finds its hash at hand (see `prefetch_insert`)
            let next = self.victim();
            if let Some(s) = self.slots.get(next as usize) {
                prefetch_object(s);
            }
            if let Some(l) = self.links.get(next as usize) {
                prefetch_line(l);
            }
        }
    }

    /// Start loading what an exact lookup or an insert of a name hashing to `hash` reads
    /// first (a hint).
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        self.by_hash.prefetch(hash);
    }

    /// Start loading the end of the free list, which names the slot the next insert takes
    /// (a hint).
    pub(crate) fn prefetch_free_list(&self) {
        if let Some(i) = self.free.last() {
            crate::hint::prefetch_line(i);
        }
    }

    /// Start loading the slot the next insert takes; call it once the end of the free list is
    /// cached (a hint).
    pub(crate) fn prefetch_vacant_slot(&self) {
        if let Some(s) = self.free.last().and_then(|&i| self.slots.get(i as usize)) {
            prefetch_object(s);
        }
    }

    /// Start loading what inserting a Data whose name hashes to `hash` reads first: its
    /// bucket, the slot it would take and, when the store is full, the links and the index
    /// bucket of the entry it would evict (a hint).
    #[inline]
    pub fn prefetch_insert(&self, hash: u64) {
        if !self.policy.admit {
            return;
        }
        self.by_hash.prefetch(hash);
        self.prefetch_vacant_slot();
        if self.len + 1 >= self.capacity_packets {
            // the entry this insert will evict: the last eviction started loading it, so
            // its hash is usually at hand, and the index bucket the removal rewrites is the
            // miss worth starting early
            let victim = self.victim();
            if let Some(e) = self.entry(victim) {
                self.by_hash.prefetch(e.hash);
            }
            if let Some(l) = self.links.get(victim as usize) {
                prefetch_line(l);
            }
        }
    }

    /// Insert (or refresh) `data` received at `now`; `hash` is the hash of its name.
    pub fn insert(&mut self, now: Duration, data: &Data, hash: u64) {
        self.insert_as(now, data, hash, false);
    }

    /// Insert unsolicited `data` (admitted by the unsolicited Data policy): under priority
    /// FIFO it is evicted before any solicited Data.
    pub fn insert_unsolicited(&mut self, now: Duration, data: &Data, hash: u64) {
        self.insert_as(now, data, hash, true);
    }

    fn insert_as(&mut self, now: Duration, data: &Data, hash: u64, unsolicited: bool) {
        if !self.policy.admit || self.capacity_packets == 0 {
            return;
        }
        let now = nanos(now);
        self.now = self.now.max(now);
        let wire = data.wire();
        if wire.len() > self.capacity_bytes {
            return;
        }
        let freshness_ms = data.freshness_period().unwrap_or(0);
        let fresh_until = now.saturating_add(freshness_ms.saturating_mul(1_000_000));
        let name = data.name().value();
        // the decoded name is a slice of the wire: remember where
        let Some((name_at, name_len)) = offset_in(wire, name) else {
            return;
        };
        if let Some(i) = self.find_exact(name, hash) {
            let old_len = self.entry(i).map_or(0, |e| e.wire.len());
            self.bytes = self.bytes - old_len + wire.len();
            self.unlink(i);
            if let Some(e) = self.entry_mut(i) {
                e.wire = wire.clone();
                e.name_at = name_at;
                e.fresh_until = fresh_until;
            }
            self.enqueue(i, unsolicited);
            self.evict_to_capacity();
            return;
        }
        let i = match self.free.last() {
            Some(&i) => i,
            None => self.slots.len() as u32,
        };
        if !Self::indexable(name, i) {
            return;
        }
        if self.ordered_built {
            let slots = &self.slots;
            if !self.ordered.insert(name, i, |j| Self::name_of(slots, j)) {
                return;
            }
        }
        if self.free.pop().is_none() {
            self.slots.push(None);
            self.links.push(UNLINKED);
        }
        let entry = Entry {
            wire: wire.clone(),
            name_at,
            name_len,
            hash,
            fresh_until,
            queue: Queue::Main,
        };
        self.bytes += entry.wire.len();
        if let Some(s) = self.slots.get_mut(i as usize) {
            *s = Some(entry);
        }
        self.by_hash.insert(hash, i);
        self.len += 1;
        self.enqueue(i, unsolicited);
        self.evict_to_capacity();
    }

    /// True when the crit-bit tree can hold entry `i` named `name` (always, but for names of 16
    /// MiB or more): such entries are not admitted, whether or not the tree is built yet.
    fn indexable(name: &[u8], i: u32) -> bool {
        name.len() < critbit::MAX_KEY_LEN && i <= critbit::MAX_ID
    }

    /// Build the crit-bit tree of all entries, if not built yet.
    fn build_ordered(&mut self) {
        if self.ordered_built {
            return;
        }
        self.ordered_built = true;
        let slots = &self.slots;
        for (i, e) in slots.iter().enumerate() {
            if let Some(e) = e {
                // every entry passed `indexable` and names are distinct: this succeeds
                self.ordered
                    .insert(e.name(), i as u32, |j| Self::name_of(slots, j));
            }
        }
    }

    /// Name bytes of the entry in slot `i` (empty for a free slot).
    fn name_of(slots: &[Option<Entry>], i: u32) -> &[u8] {
        slots
            .get(i as usize)
            .and_then(Option::as_ref)
            .map_or(&[], Entry::name)
    }

    fn usable(e: &Entry, now: u64, must_be_fresh: bool) -> bool {
        !must_be_fresh || e.fresh_until > now
    }

    /// Find cached Data satisfying `interest` at `now`. `hashes` are the prefix hashes of the
    /// Interest name. Counts a hit or a miss.
    pub fn lookup(&mut self, now: Duration, interest: &Interest, hashes: &[u64]) -> Option<CsHit> {
        let now = nanos(now);
        self.now = self.now.max(now);
        if !self.policy.serve || self.len == 0 {
            self.n_misses += 1;
            return None;
        }
        if interest.can_be_prefix() {
            self.build_ordered();
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

    fn find(&self, now: u64, interest: &Interest, hashes: &[u64]) -> Option<u32> {
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
        let slots = &self.slots;
        self.ordered.first_under(
            name.value(),
            |j| Self::name_of(slots, j),
            |i| self.entry(i).is_some_and(|e| Self::usable(e, now, mbf)),
        )
    }

    /// Remove up to `limit` entries under `prefix` (TLV-VALUE of a name); returns how many.
    pub fn erase_prefix(&mut self, prefix: &[u8], limit: usize) -> usize {
        self.build_ordered();
        let slots = &self.slots;
        let victims = self
            .ordered
            .under(prefix, |j| Self::name_of(slots, j), limit);
        for &i in &victims {
            self.remove_slot(i);
        }
        victims.len()
    }
}

impl Entry {
    fn name(&self) -> &[u8] {
        let start = self.name_at as usize;
        self.wire
            .get(start..start + self.name_len as usize)
            .unwrap_or_default()
    }
}

/// A time in nanoseconds (saturating: `u64` holds 584 years).
fn nanos(t: Duration) -> u64 {
    u64::try_from(t.as_nanos()).unwrap_or(u64::MAX)
}

/// Where `part` lies in `whole`, when it is a sub-slice of it.
fn offset_in(whole: &[u8], part: &[u8]) -> Option<(u32, u32)> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    if end > whole.len() {
        return None;
    }
    Some((u32::try_from(start).ok()?, u32::try_from(part.len()).ok()?))
}

#[cfg(test)]
mod tests {
    use ndn::sign::DigestSha256;
    use ndn::{DataBuilder, InterestBuilder, Name};

    use super::*;

    const KEY: u64 = 7;

    fn data(uri: &str, content_len: usize, freshness_ms: u64) -> Data {
        let wire = DataBuilder::new(Name::from_uri(uri).unwrap())
            .freshness_period(freshness_ms)
            .content(vec![1u8; content_len])
            .sign(&DigestSha256)
            .unwrap();
        Data::decode(wire).unwrap()
    }

    fn insert(cs: &mut Cs, now: Duration, d: &Data) {
        cs.insert(now, d, d.name().hash_with_key(KEY));
    }

    fn lookup(cs: &mut Cs, now: Duration, uri: &str, cbp: bool, mbf: bool) -> Option<Bytes> {
        let wire = InterestBuilder::new(Name::from_uri(uri).unwrap())
            .can_be_prefix(cbp)
            .must_be_fresh(mbf)
            .nonce(1)
            .encode();
        let i = Interest::decode(wire).unwrap();
        let mut h = Vec::new();
        i.name().prefix_hashes_into(KEY, &mut h);
        cs.lookup(now, &i, &h).map(|hit| hit.wire)
    }

    /// The names stored, sorted.
    fn stored(cs: &Cs) -> Vec<String> {
        let mut v: Vec<String> = cs
            .slots
            .iter()
            .flatten()
            .map(|e| {
                Name::from_value(
                    e.wire
                        .slice(e.name_at as usize..(e.name_at + e.name_len) as usize),
                )
                .unwrap()
                .to_string()
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn priority_fifo_evicts_unsolicited_then_stale_then_the_oldest() {
        let mut cs = Cs::new(3, usize::MAX);
        cs.set_replacement(Replacement::PriorityFifo);
        let t = Duration::from_secs;
        // /a fresh for 10 s, /b never fresh, /c unsolicited
        insert(&mut cs, t(1), &data("/a", 10, 10_000));
        insert(&mut cs, t(1), &data("/b", 10, 0));
        let c = data("/c", 10, 10_000);
        cs.insert_unsolicited(t(1), &c, c.name().hash_with_key(KEY));
        insert(&mut cs, t(2), &data("/d", 10, 10_000));
        assert_eq!(
            stored(&cs),
            ["/a", "/b", "/d"],
            "the unsolicited one goes first"
        );
        insert(&mut cs, t(2), &data("/e", 10, 10_000));
        assert_eq!(stored(&cs), ["/a", "/d", "/e"], "then the stale one");
        // a hit changes nothing: /a, the oldest, goes next
        assert!(lookup(&mut cs, t(3), "/a", false, false).is_some());
        insert(&mut cs, t(3), &data("/f", 10, 1_000));
        assert_eq!(stored(&cs), ["/d", "/e", "/f"]);
        // /f went stale at 4 s, before /d and /e (fresh until 12 s): it goes first
        insert(&mut cs, t(5), &data("/g", 10, 10_000));
        assert_eq!(stored(&cs), ["/d", "/e", "/g"]);
        // a refreshed entry is queued again as the newest
        insert(&mut cs, t(6), &data("/d", 10, 10_000));
        insert(&mut cs, t(6), &data("/h", 10, 10_000));
        assert_eq!(stored(&cs), ["/d", "/g", "/h"]);
    }

    #[test]
    fn lru_evicts_the_least_recently_used_and_a_policy_change_keeps_the_entries() {
        let mut cs = Cs::new(2, usize::MAX);
        let t = Duration::from_secs(1);
        insert(&mut cs, t, &data("/a", 10, 0));
        insert(&mut cs, t, &data("/b", 10, 0));
        assert!(lookup(&mut cs, t, "/a", false, false).is_some());
        insert(&mut cs, t, &data("/c", 10, 0));
        assert_eq!(stored(&cs), ["/a", "/c"]);
        cs.set_replacement(Replacement::PriorityFifo);
        assert_eq!(stored(&cs), ["/a", "/c"]);
        // stale entries queued again in the order they would have gone: /a first
        insert(&mut cs, t, &data("/d", 10, 0));
        assert_eq!(stored(&cs), ["/c", "/d"]);
        cs.set_replacement(Replacement::Lru);
        insert(&mut cs, t, &data("/e", 10, 0));
        assert_eq!(stored(&cs), ["/d", "/e"]);
    }

    #[test]
    fn staling_records_of_evicted_entries_do_not_pile_up() {
        let mut cs = Cs::new(4, usize::MAX);
        cs.set_replacement(Replacement::PriorityFifo);
        for i in 0..10_000u64 {
            insert(
                &mut cs,
                Duration::from_millis(i),
                &data(&format!("/n/{i}"), 1, 3_600_000),
            );
        }
        assert_eq!(cs.len(), 4);
        assert!(
            cs.staling.len() <= 2 * cs.len() + 65,
            "{}",
            cs.staling.len()
        );
    }

    #[test]
    fn can_be_prefix_takes_the_leftmost_usable_data() {
        let mut cs = Cs::new(10, usize::MAX);
        let t0 = Duration::from_secs(10);
        let stale = data("/a/b/1", 10, 0);
        let fresh = data("/a/b/2", 10, 60_000);
        let deeper = data("/a/b/2/x", 10, 60_000);
        let other = data("/a/c", 10, 60_000);
        for d in [&other, &deeper, &fresh, &stale] {
            insert(&mut cs, t0, d);
        }
        let later = t0 + Duration::from_secs(1);
        assert_eq!(
            lookup(&mut cs, later, "/a/b", true, false),
            Some(stale.wire().clone())
        );
        assert_eq!(
            lookup(&mut cs, later, "/a/b", true, true),
            Some(fresh.wire().clone())
        );
        assert_eq!(
            lookup(&mut cs, later, "/a/b/2", true, true),
            Some(fresh.wire().clone())
        );
        assert_eq!(
            lookup(&mut cs, later, "/a", true, false),
            Some(stale.wire().clone())
        );
        assert_eq!(lookup(&mut cs, later, "/a/d", true, false), None);
        // without CanBePrefix only the exact name answers
        assert_eq!(lookup(&mut cs, later, "/a/b", false, false), None);
        assert_eq!(
            lookup(&mut cs, later, "/a/c", false, true),
            Some(other.wire().clone())
        );
        assert_eq!((cs.n_hits, cs.n_misses), (5, 2));
    }

    #[test]
    fn refreshing_with_a_longer_wire_keeps_the_name_findable() {
        let mut cs = Cs::new(10, usize::MAX);
        let now = Duration::from_secs(1);
        // 300 bytes of content move the name: the Data length needs a 3-byte TLV-LENGTH
        let small = data("/a/b", 10, 1000);
        let big = data("/a/b", 300, 1000);
        insert(&mut cs, now, &small);
        insert(&mut cs, now, &big);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs.bytes(), big.wire().len());
        assert_eq!(
            lookup(&mut cs, now, "/a/b", false, false),
            Some(big.wire().clone())
        );
        assert_eq!(
            lookup(&mut cs, now, "/a", true, false),
            Some(big.wire().clone())
        );
        insert(&mut cs, now, &data("/a/a", 10, 1000));
        assert_eq!(
            cs.erase_prefix(Name::from_uri("/a").unwrap().value(), 10),
            2
        );
        assert!(cs.is_empty());
        assert_eq!(cs.bytes(), 0);
    }

    #[test]
    fn prefix_index_built_late_matches_one_kept_from_the_start() {
        // two caches see the same inserts and evictions; one answers a CanBePrefix lookup
        // early (so keeps its tree from then on), the other only at the end (builds it then)
        let now = Duration::from_secs(1);
        let mut early = Cs::new(4, usize::MAX);
        let mut late = Cs::new(4, usize::MAX);
        assert_eq!(lookup(&mut early, now, "/p", true, false), None);
        for i in [5, 3, 8, 1, 9, 2, 7] {
            let d = data(&format!("/p/{i}"), 10, 1000);
            insert(&mut early, now, &d);
            insert(&mut late, now, &d);
            assert_eq!(
                lookup(&mut early, now, &format!("/p/{i}"), false, false),
                lookup(&mut late, now, &format!("/p/{i}"), false, false),
            );
        }
        // 9, 2, 7 and 1 are left: the leftmost under /p is /p/1
        let expect = Some(data("/p/1", 10, 1000).wire().clone());
        assert_eq!(lookup(&mut early, now, "/p", true, false), expect);
        assert_eq!(lookup(&mut late, now, "/p", true, false), expect);
        // the late tree is kept up to date once built
        insert(&mut late, now, &data("/p/0", 10, 1000));
        assert_eq!(
            lookup(&mut late, now, "/p", true, false),
            Some(data("/p/0", 10, 1000).wire().clone())
        );
        assert_eq!(
            late.erase_prefix(Name::from_uri("/p").unwrap().value(), 10),
            4
        );
        assert!(late.is_empty());
    }

    #[test]
    fn an_entry_fills_exactly_one_cache_line() {
        assert_eq!(std::mem::size_of::<Option<Entry>>(), 64);
        assert_eq!(std::mem::align_of::<Option<Entry>>(), 64);
    }

    #[test]
    fn eviction_is_least_recently_used_by_packets_and_bytes() {
        let mut cs = Cs::new(3, usize::MAX);
        let now = Duration::from_secs(1);
        let ds: Vec<Data> = (0..4).map(|i| data(&format!("/d/{i}"), 10, 1000)).collect();
        for d in &ds[..3] {
            insert(&mut cs, now, d);
        }
        // touch /d/0, so /d/1 is the least recently used
        assert!(lookup(&mut cs, now, "/d/0", false, false).is_some());
        insert(&mut cs, now, &ds[3]);
        assert_eq!(cs.len(), 3);
        assert!(lookup(&mut cs, now, "/d/1", false, false).is_none());
        assert!(lookup(&mut cs, now, "/d", true, false).is_some());
        // a byte budget of two packets evicts down to two
        let one = ds[0].wire().len();
        cs.set_capacity(10, 2 * one);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs.erase_prefix(Name::from_uri("/d").unwrap().value(), 1), 1);
        assert_eq!(cs.len(), 1);
    }
}
