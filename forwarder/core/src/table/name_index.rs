//! A map from names to values, keyed by the prefix hashes the forwarder computes once per
//! packet, with longest-prefix match. The FIB, strategy choice, measurements, PIT and CS use it.
//!
//! Hash collisions are resolved by comparing name bytes, so results never depend on luck; the
//! hash key comes from the forwarder's seeded RNG, so results never depend on the run either.
//! Entries live in a slot vector; a [`SlotTable`] finds slots by hash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use ndn::Name;

use super::slot_table::SlotTable;
use crate::hint::prefetch_object;

/// Hasher for keys that are already good hashes.
#[derive(Default, Clone, Copy)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // only u64 keys are hashed through this hasher
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A `HashMap` keyed by precomputed hashes.
pub(crate) type HashIndex<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// Name lengths tracked individually for longest-prefix match; longer names share the last slot.
const DEPTHS: usize = 64;
// one bit per tracked length in `NameIndex::present`
const _: () = assert!(DEPTHS <= 64);

/// The bit of `NameIndex::present` shared by all lengths from `DEPTHS - 1` up.
const LONG: u64 = 1 << (DEPTHS - 1);

/// Prefix lengths for a longest-prefix match to probe, in order: the lengths whose bits are
/// set, and every length of `long` (names longer than the tracked lengths), longest first
/// when `downward`.
struct ProbeLengths {
    bits: u64,
    long: std::ops::Range<usize>,
    downward: bool,
}

impl Iterator for ProbeLengths {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.downward {
            if let Some(k) = self.long.next_back() {
                return Some(k);
            }
            if self.bits == 0 {
                return None;
            }
            let k = 63 - self.bits.leading_zeros() as usize;
            self.bits &= !(1 << k);
            Some(k)
        } else {
            if self.bits == 0 {
                return self.long.next();
            }
            let k = self.bits.trailing_zeros() as usize;
            self.bits &= self.bits - 1;
            Some(k)
        }
    }
}

#[derive(Debug, Clone)]
struct Slot<V> {
    name: Name,
    hash: u64,
    value: Option<V>,
}

/// A name-keyed map with longest-prefix match.
#[derive(Debug, Clone)]
pub struct NameIndex<V> {
    table: SlotTable,
    slots: Vec<Slot<V>>,
    free: Vec<u32>,
    /// Number of stored names of each length (the last slot counts all longer ones), kept
    /// out of line: only inserts and removals need the counts.
    depths: Box<[u32; DEPTHS]>,
    /// Bit `k` is set when some stored name has length `k` (the last bit: `DEPTHS - 1` or
    /// more), which is all a lookup needs to know.
    present: u64,
    len: usize,
}

impl<V> Default for NameIndex<V> {
    fn default() -> Self {
        NameIndex {
            table: SlotTable::default(),
            slots: Vec::new(),
            free: Vec::new(),
            depths: Box::new([0; DEPTHS]),
            present: 0,
            len: 0,
        }
    }
}

impl<V> NameIndex<V> {
    /// Number of names stored.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when some stored name has `k` components.
    #[inline]
    fn has_depth(&self, k: usize) -> bool {
        self.present & (1 << k.min(DEPTHS - 1)) != 0
    }

    fn find(&self, bytes: &[u8], hash: u64) -> Option<u32> {
        let slots = &self.slots;
        self.table.find(hash, |i| {
            slots
                .get(i as usize)
                .is_some_and(|s| s.value.is_some() && &s.name.value()[..] == bytes)
        })
    }

    /// The value stored for exactly `name`, whose hash (under the forwarder's key) is `hash`.
    pub fn get(&self, name: &Name, hash: u64) -> Option<&V> {
        self.get_bytes(name.value(), hash)
    }

    /// The value stored for the name whose TLV-VALUE is `bytes`.
    pub fn get_bytes(&self, bytes: &[u8], hash: u64) -> Option<&V> {
        let i = self.find(bytes, hash)?;
        self.slots.get(i as usize)?.value.as_ref()
    }

    /// The value stored for exactly `name`, mutably.
    pub fn get_mut(&mut self, name: &Name, hash: u64) -> Option<&mut V> {
        let i = self.find(name.value(), hash)?;
        self.slots.get_mut(i as usize)?.value.as_mut()
    }

    /// Start loading the table bucket of `hash` (a hint to the CPU; see the slot table).
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        self.table.prefetch(hash);
    }

    /// Start loading the end of the free list, which names the slot the next new name will
    /// take (a hint).
    #[inline]
    pub fn prefetch_free_list(&self) {
        if let Some(i) = self.free.last() {
            crate::hint::prefetch_line(i);
        }
    }

    /// Start loading the slot the next new name will take (a hint).
    #[inline]
    pub fn prefetch_vacant(&self) {
        if let Some(s) = self.free.last().and_then(|&i| self.slots.get(i as usize)) {
            prefetch_object(s);
        }
    }

    /// Start loading the buckets a longest-prefix match of a name of `len` components will
    /// read: one per prefix length that some stored name has.
    #[inline]
    pub fn prefetch_prefixes(&self, len: usize, hashes: &[u64]) {
        if self.len == 0 {
            return;
        }
        let top = len.min(hashes.len().saturating_sub(1));
        for (k, &h) in hashes.iter().enumerate().take(top + 1) {
            if self.has_depth(k) {
                self.table.prefetch(h);
            }
        }
    }

    /// The lengths, up to `top`, that some stored name has, as bits; lengths from
    /// `DEPTHS - 1` up share the last bit.
    #[inline]
    fn depths_up_to(&self, top: usize) -> u64 {
        if top >= DEPTHS - 1 {
            self.present
        } else {
            self.present & ((2u64 << top) - 1)
        }
    }

    /// The prefix lengths to probe for a name of `top` components (at most): one per length
    /// some stored name has.
    #[inline]
    fn probe_lengths(&self, top: usize, downward: bool) -> ProbeLengths {
        let bits = self.depths_up_to(top);
        let long = if bits & LONG != 0 {
            DEPTHS - 1..top + 1
        } else {
            0..0
        };
        ProbeLengths {
            bits: bits & !LONG,
            long,
            downward,
        }
    }

    /// The stored name and value for the longest prefix of `name` present; `hashes[k]` is the
    /// hash of the first `k` components (see `Name::prefix_hashes_into`).
    pub fn longest_prefix_match(&self, name: &Name, hashes: &[u64]) -> Option<(&Name, &V)> {
        self.prefix_matches(name, hashes).next()
    }

    /// Every stored prefix of `name`, longest first.
    pub fn prefix_matches<'s, 'q>(
        &'s self,
        name: &'q Name,
        hashes: &'q [u64],
    ) -> impl Iterator<Item = (&'s Name, &'s V)> + use<'s, 'q, V> {
        let top = name.len().min(hashes.len().saturating_sub(1));
        self.probe_lengths(top, true)
            .filter_map(move |k| self.match_at(name, hashes, k))
    }

    /// Longest-prefix match that tries the shortest prefixes first and stops at a match
    /// for which `extended` is false: the caller vouches that no stored name extends that
    /// one, so no longer prefix of `name` can be stored. The probes it saves are those of
    /// the long prefixes, which are unique to the query and so never in the CPU's cache.
    pub fn longest_prefix_match_upward(
        &self,
        name: &Name,
        hashes: &[u64],
        extended: impl Fn(&V) -> bool,
    ) -> Option<(&Name, &V)> {
        let top = name.len().min(hashes.len().saturating_sub(1));
        let mut best = None;
        for k in self.probe_lengths(top, false) {
            if let Some(m) = self.match_at(name, hashes, k) {
                best = Some(m);
                if !extended(m.1) {
                    break;
                }
            }
        }
        best
    }

    /// The stored prefix of `name` with `k` components, if any.
    #[inline]
    fn match_at(&self, name: &Name, hashes: &[u64], k: usize) -> Option<(&Name, &V)> {
        let slots = &self.slots;
        let i = self.table.find(*hashes.get(k)?, |i| {
            slots.get(i as usize).is_some_and(|s| {
                s.value.is_some() && s.name.len() == k && s.name.value() == name.prefix_bytes(k)
            })
        })?;
        let s = slots.get(i as usize)?;
        Some((&s.name, s.value.as_ref()?))
    }

    /// Store `value` for `name`, returning the previous value.
    pub fn insert(&mut self, name: Name, hash: u64, value: V) -> Option<V> {
        if let Some(i) = self.find(name.value(), hash)
            && let Some(s) = self.slots.get_mut(i as usize)
        {
            return s.value.replace(value);
        }
        self.insert_new(name, hash, value);
        None
    }

    /// The value stored for `name`, inserted with `make` (and a clone of `name`) when absent.
    /// `None` only if the index is inconsistent, which it never is.
    pub fn get_or_insert_with(
        &mut self,
        name: &Name,
        hash: u64,
        make: impl FnOnce() -> V,
    ) -> Option<&mut V> {
        let i = match self.find(name.value(), hash) {
            Some(i) => i,
            None => self.insert_new(name.clone(), hash, make()),
        };
        self.slots.get_mut(i as usize)?.value.as_mut()
    }

    /// The slot holding exactly the name whose TLV-VALUE is `bytes`.
    pub(crate) fn slot_of(&self, bytes: &[u8], hash: u64) -> Option<u32> {
        self.find(bytes, hash)
    }

    /// The TLV-VALUE of the name in slot `i` (empty for a free slot).
    pub(crate) fn name_bytes_at(&self, i: u32) -> &[u8] {
        self.slots
            .get(i as usize)
            .map_or(&[], |s| &s.name.value()[..])
    }

    /// The value in slot `i`, mutably.
    pub(crate) fn value_at_mut(&mut self, i: u32) -> Option<&mut V> {
        self.slots.get_mut(i as usize)?.value.as_mut()
    }

    /// Store a name known to be absent; returns its slot.
    pub(crate) fn insert_new(&mut self, name: Name, hash: u64, value: V) -> u32 {
        let depth = name.len().min(DEPTHS - 1);
        let i = match self.free.last() {
            Some(&i) => i,
            None => self.slots.len() as u32,
        };
        self.table.insert(hash, i);
        let slot = Slot {
            name,
            hash,
            value: Some(value),
        };
        match self.free.pop() {
            Some(_) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    *s = slot;
                }
            }
            None => self.slots.push(slot),
        }
        if let Some(d) = self.depths.get_mut(depth) {
            *d += 1;
            self.present |= 1 << depth;
        }
        self.len += 1;
        i
    }

    /// Change the value stored for the name whose TLV-VALUE is `bytes`; `update` returns
    /// whether to keep it, and the entry is removed when it returns false. Returns false when
    /// the name is absent.
    pub fn update_bytes(
        &mut self,
        bytes: &[u8],
        hash: u64,
        update: impl FnOnce(&mut V) -> bool,
    ) -> bool {
        let Some(i) = self.find(bytes, hash) else {
            return false;
        };
        let keep = match self
            .slots
            .get_mut(i as usize)
            .and_then(|s| s.value.as_mut())
        {
            Some(v) => update(v),
            None => return false,
        };
        if !keep {
            self.remove_slot(i, hash);
        }
        true
    }

    /// Remove `name`, returning its value.
    pub fn remove(&mut self, name: &Name, hash: u64) -> Option<V> {
        self.remove_bytes(name.value(), hash)
    }

    /// Remove the name whose TLV-VALUE is `bytes`.
    pub fn remove_bytes(&mut self, bytes: &[u8], hash: u64) -> Option<V> {
        let target = self.find(bytes, hash)?;
        self.remove_slot(target, hash)
    }

    /// Remove the entry in slot `target`, whose name hashes to `hash`.
    pub(crate) fn remove_slot(&mut self, target: u32, hash: u64) -> Option<V> {
        self.table.remove(hash, target);
        let s = self.slots.get_mut(target as usize)?;
        let depth = s.name.len().min(DEPTHS - 1);
        let value = s.value.take();
        s.name = Name::new();
        self.free.push(target);
        if let Some(d) = self.depths.get_mut(depth) {
            *d -= 1;
            if *d == 0 {
                self.present &= !(1 << depth);
            }
        }
        self.len -= 1;
        value
    }

    /// All entries, in no particular order (callers sort when order matters).
    pub fn iter(&self) -> impl Iterator<Item = (&Name, &V)> {
        self.slots
            .iter()
            .filter_map(|s| Some((&s.name, s.value.as_ref()?)))
    }

    /// All entries, mutably, in no particular order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Name, &mut V)> {
        self.slots
            .iter_mut()
            .filter_map(|s| Some((&s.name, s.value.as_mut()?)))
    }

    /// Names and hashes of the entries for which `pred` holds.
    pub fn keys_where(&self, mut pred: impl FnMut(&Name, &V) -> bool) -> Vec<(Name, u64)> {
        self.slots
            .iter()
            .filter_map(|s| {
                let v = s.value.as_ref()?;
                pred(&s.name, v).then(|| (s.name.clone(), s.hash))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(n: &Name) -> Vec<u64> {
        let mut h = Vec::new();
        n.prefix_hashes_into(99, &mut h);
        h
    }

    fn name(uri: &str) -> Name {
        Name::from_uri(uri).unwrap()
    }

    #[test]
    fn longest_prefix_match_and_remove() {
        let mut idx = NameIndex::default();
        for (uri, v) in [("/", 0), ("/a", 1), ("/a/b/c", 3)] {
            let n = name(uri);
            let h = n.hash_with_key(99);
            assert!(idx.insert(n, h, v).is_none());
        }
        let q = name("/a/b/c/d");
        let hs = hashes(&q);
        assert_eq!(idx.longest_prefix_match(&q, &hs).map(|(_, v)| *v), Some(3));
        let all: Vec<i32> = idx.prefix_matches(&q, &hs).map(|(_, v)| *v).collect();
        assert_eq!(all, vec![3, 1, 0]);
        let q2 = name("/a/b");
        assert_eq!(
            idx.longest_prefix_match(&q2, &hashes(&q2)).map(|(_, v)| *v),
            Some(1)
        );
        let abc = name("/a/b/c");
        assert_eq!(idx.remove(&abc, abc.hash_with_key(99)), Some(3));
        assert_eq!(idx.longest_prefix_match(&q, &hs).map(|(_, v)| *v), Some(1));
        assert_eq!(idx.len(), 2);
    }

    /// Names longer than the lengths tracked one by one (63 components and more) share one
    /// bit of `present`: every such length is probed, in both directions.
    #[test]
    fn longest_prefix_match_beyond_the_tracked_lengths() {
        let long = |n: usize| (0..n).fold(Name::new(), |p, i| p.append_generic(format!("{i}")));
        let mut idx = NameIndex::default();
        for (n, v) in [(2, 2), (62, 62), (64, 64), (70, 70)] {
            let p = long(n);
            let h = p.hash_with_key(99);
            idx.insert(p, h, v);
        }
        for (query, expected) in [
            (1, None),
            (5, Some(2)),
            (63, Some(62)),
            (66, Some(64)),
            (90, Some(70)),
        ] {
            let q = long(query);
            let hs = hashes(&q);
            let down = idx.longest_prefix_match(&q, &hs).map(|(_, v)| *v);
            // every stored name but the longest is extended by another
            let up = idx
                .longest_prefix_match_upward(&q, &hs, |&v| v != 70)
                .map(|(_, v)| *v);
            assert_eq!(
                (down, up),
                (expected, expected),
                "query of {query} components"
            );
        }
        let all: Vec<i32> = idx
            .prefix_matches(&long(80), &hashes(&long(80)))
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(all, vec![70, 64, 62, 2]);
    }

    #[test]
    fn get_or_insert_and_update_keep_chains_consistent() {
        let mut idx: NameIndex<u32> = NameIndex::default();
        let (a, b) = (name("/a"), name("/b"));
        // both names share hash 9, so they share a chain
        *idx.get_or_insert_with(&a, 9, || 1).unwrap() += 10;
        assert_eq!(idx.get(&a, 9), Some(&11));
        assert_eq!(idx.get_or_insert_with(&a, 9, || 99).copied(), Some(11));
        idx.get_or_insert_with(&b, 9, || 2);
        assert_eq!(idx.len(), 2);
        // keep: the value changes in place
        assert!(idx.update_bytes(a.value(), 9, |v| {
            *v = 12;
            true
        }));
        assert_eq!(idx.get(&a, 9), Some(&12));
        // drop: the name goes, the other one on the chain stays
        assert!(idx.update_bytes(b.value(), 9, |_| false));
        assert_eq!(idx.get(&b, 9), None);
        assert_eq!(idx.get(&a, 9), Some(&12));
        assert!(!idx.update_bytes(b.value(), 9, |_| true));
        assert!(idx.update_bytes(a.value(), 9, |_| false));
        assert!(idx.is_empty());
        // freed slots are reused
        idx.get_or_insert_with(&b, 3, || 5);
        assert_eq!(idx.get(&b, 3), Some(&5));
        assert_eq!(idx.len(), 1);
    }

    #[test]
    fn colliding_hashes_are_told_apart_by_name() {
        let mut idx = NameIndex::default();
        let (a, b, c) = (name("/a"), name("/b"), name("/c"));
        idx.insert(a.clone(), 5, 'a');
        idx.insert(b.clone(), 5, 'b');
        idx.insert(c.clone(), 5, 'c');
        assert_eq!(idx.get(&a, 5), Some(&'a'));
        assert_eq!(idx.get(&b, 5), Some(&'b'));
        assert_eq!(idx.remove(&b, 5), Some('b'));
        assert_eq!(idx.get(&a, 5), Some(&'a'));
        assert_eq!(idx.get(&c, 5), Some(&'c'));
        assert_eq!(idx.get(&b, 5), None);
        idx.insert(b.clone(), 5, 'B');
        assert_eq!(idx.get(&b, 5), Some(&'B'));
        assert_eq!(idx.insert(b.clone(), 5, 'X'), Some('B'));
        assert_eq!(idx.len(), 3);
    }
}
