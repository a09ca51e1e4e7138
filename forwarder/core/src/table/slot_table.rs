//! A hash table from name hashes to table slots: open addressing with linear probing over
//! 8-byte buckets, each a 32-bit fingerprint of the hash and a slot number.
//!
//! The tables that key entries by name (FIB, PIT, CS, ...) keep the entries in slot vectors and
//! use this to find a slot from the hash the forwarder computed once per packet. A lookup reads
//! one cache line of buckets in the usual case, and the caller confirms each candidate by
//! comparing name bytes, so fingerprint collisions cost a comparison, never a wrong answer.
//! Nothing iterates over the table, so its layout never shows in behaviour.

/// An empty bucket.
const EMPTY: u64 = u64::MAX;
/// Largest slot number the table can hold (`u32::MAX` marks empty buckets).
pub(crate) const MAX_SLOT: u32 = u32::MAX - 1;

fn fingerprint(hash: u64) -> u32 {
    (hash ^ (hash >> 32)) as u32
}

fn bucket(fp: u32, slot: u32) -> u64 {
    (u64::from(fp) << 32) | u64::from(slot)
}

fn bucket_fp(b: u64) -> u32 {
    (b >> 32) as u32
}

fn bucket_slot(b: u64) -> u32 {
    b as u32
}

use crate::hint::prefetch_line;

/// Slots by name hash; several slots may share a hash.
#[derive(Debug, Clone, Default)]
pub(crate) struct SlotTable {
    buckets: Vec<u64>,
    len: usize,
}

impl SlotTable {
    /// Number of slots stored.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn mask(&self) -> usize {
        self.buckets.len().wrapping_sub(1)
    }

    /// Ask the CPU to start loading the bucket where a lookup of `hash` begins, so that the
    /// cache miss overlaps other work: a forwarder calls this for every table a packet will
    /// visit as soon as it knows the packet's name hashes.
    #[inline]
    pub(crate) fn prefetch(&self, hash: u64) {
        if let Some(b) = self.buckets.get(fingerprint(hash) as usize & self.mask()) {
            prefetch_line(b);
        }
    }

    /// The first slot stored under `hash` for which `is` holds.
    #[inline]
    pub(crate) fn find(&self, hash: u64, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        let fp = fingerprint(hash);
        let mask = self.mask();
        let mut i = fp as usize & mask;
        loop {
            let b = *self.buckets.get(i)?;
            if b == EMPTY {
                return None;
            }
            if bucket_fp(b) == fp && is(bucket_slot(b)) {
                return Some(bucket_slot(b));
            }
            i = (i + 1) & mask;
        }
    }

    /// Store `slot` under `hash` (the caller knows it is not stored yet). Slots above
    /// [`MAX_SLOT`] are ignored.
    pub(crate) fn insert(&mut self, hash: u64, slot: u32) {
        if slot > MAX_SLOT {
            return;
        }
        // at most three quarters full, so probe runs stay short and an empty bucket exists
        if (self.len + 1) * 4 > self.buckets.len() * 3 {
            self.grow();
        }
        self.place(bucket(fingerprint(hash), slot));
        self.len += 1;
    }

    fn place(&mut self, b: u64) {
        let mask = self.mask();
        let mut i = bucket_fp(b) as usize & mask;
        while let Some(cell) = self.buckets.get_mut(i) {
            if *cell == EMPTY {
                *cell = b;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.buckets.len() * 2).max(16);
        let old = std::mem::replace(&mut self.buckets, vec![EMPTY; size]);
        for b in old {
            if b != EMPTY {
                self.place(b);
            }
        }
    }

    /// Remove `slot`, stored under `hash`. Returns false when it is not there.
    pub(crate) fn remove(&mut self, hash: u64, slot: u32) -> bool {
        if self.len == 0 {
            return false;
        }
        let target = bucket(fingerprint(hash), slot);
        let mask = self.mask();
        let mut i = fingerprint(hash) as usize & mask;
        loop {
            match self.buckets.get(i) {
                Some(&b) if b == target => break,
                Some(&EMPTY) | None => return false,
                Some(_) => i = (i + 1) & mask,
            }
        }
        // backward-shift deletion: pull later members of the probe run into the hole
        let mut hole = i;
        let mut j = (i + 1) & mask;
        loop {
            let b = match self.buckets.get(j) {
                Some(&b) if b != EMPTY => b,
                _ => break,
            };
            let home = bucket_fp(b) as usize & mask;
            // `b` may move to the hole unless its home lies cyclically in (hole, j]
            let stays = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                if let Some(h) = self.buckets.get_mut(hole) {
                    *h = b;
                }
                hole = j;
            }
            j = (j + 1) & mask;
        }
        if let Some(h) = self.buckets.get_mut(hole) {
            *h = EMPTY;
        }
        self.len -= 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Finds exactly the stored (hash, slot) pairs, through growth and deletions, with
        /// hashes drawn from a tiny set so probe runs collide and wrap.
        #[test]
        fn matches_a_set_of_pairs(
            ops in prop::collection::vec((any::<bool>(), 0u64..6, 0u32..40), 1..300),
        ) {
            // hashes 0..3 share one fingerprint, so their slots crowd one probe run
            let hash = |h: u64| match h {
                0..3 => (h * 0x1_0000_0001) << 4,
                _ => h.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            };
            let mut t = SlotTable::default();
            let mut model: BTreeSet<(u64, u32)> = BTreeSet::new();
            for (add, h, slot) in ops {
                let stored = model.iter().find(|&&(_, s)| s == slot).copied();
                match (add, stored) {
                    (true, None) => {
                        t.insert(hash(h), slot);
                        model.insert((h, slot));
                    }
                    (true, Some(_)) => {}
                    (false, Some((sh, _))) => {
                        prop_assert!(t.remove(hash(sh), slot));
                        model.remove(&(sh, slot));
                    }
                    (false, None) => prop_assert!(!t.remove(hash(h), slot)),
                }
                prop_assert_eq!(t.len(), model.len());
                for &(mh, ms) in &model {
                    prop_assert_eq!(t.find(hash(mh), |s| s == ms), Some(ms));
                }
                for s in 0..40u32 {
                    if !model.iter().any(|&(_, ms)| ms == s) {
                        for h in 0..6 {
                            prop_assert_eq!(t.find(hash(h), |x| x == s), None);
                        }
                    }
                }
            }
        }
    }
}
