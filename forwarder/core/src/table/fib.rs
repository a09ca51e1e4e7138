//! The Forwarding Information Base: name prefixes to next hops with costs, longest-prefix match.

use ndn::Name;

use super::name_index::NameIndex;
use super::records::Records;
use crate::face::FaceId;

/// One next hop of a FIB entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextHop {
    /// The upstream face.
    pub face: FaceId,
    /// Routing cost; lower is preferred.
    pub cost: u64,
}

/// A FIB entry: a prefix and its next hops, sorted by cost then face id. A single next hop,
/// the usual case, is stored inline.
#[derive(Debug, Clone, Default)]
pub struct FibEntry {
    next_hops: Records<NextHop>,
}

impl FibEntry {
    /// Next hops, cheapest first.
    pub fn next_hops(&self) -> &[NextHop] {
        &self.next_hops
    }

    fn upsert(&mut self, face: FaceId, cost: u64) {
        self.next_hops.retain(|n| n.face != face);
        self.next_hops.push(NextHop { face, cost });
        self.next_hops.sort_by_key(|n| (n.cost, n.face));
    }
}

/// The FIB.
#[derive(Debug, Clone, Default)]
pub struct Fib {
    entries: NameIndex<FibEntry>,
}

impl Fib {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Add a next hop to `prefix` (creating the entry), or update its cost.
    pub fn add_next_hop(&mut self, prefix: &Name, hash: u64, face: FaceId, cost: u64) {
        match self.entries.get_mut(prefix, hash) {
            Some(e) => e.upsert(face, cost),
            None => {
                let mut e = FibEntry::default();
                e.upsert(face, cost);
                self.entries.insert(prefix.clone(), hash, e);
            }
        }
    }

    /// Remove a next hop; the entry goes when its last next hop does. Returns true when the
    /// next hop existed.
    pub fn remove_next_hop(&mut self, prefix: &Name, hash: u64, face: FaceId) -> bool {
        let Some(e) = self.entries.get_mut(prefix, hash) else {
            return false;
        };
        let before = e.next_hops.len();
        e.next_hops.retain(|n| n.face != face);
        let removed = e.next_hops.len() != before;
        if e.next_hops.is_empty() {
            self.entries.remove(prefix, hash);
        }
        removed
    }

    /// Replace the next hops of `prefix` (used when the RIB recomputes a prefix); an empty list
    /// removes the entry.
    pub fn set_next_hops(&mut self, prefix: &Name, hash: u64, mut hops: Vec<NextHop>) {
        if hops.is_empty() {
            self.entries.remove(prefix, hash);
            return;
        }
        // one next hop per face, the cheapest, then cheapest first
        hops.sort_by_key(|n| (n.face, n.cost));
        hops.dedup_by_key(|n| n.face);
        hops.sort_by_key(|n| (n.cost, n.face));
        let mut next_hops = Records::default();
        for h in hops {
            next_hops.push(h);
        }
        match self.entries.get_mut(prefix, hash) {
            Some(e) => e.next_hops = next_hops,
            None => {
                self.entries
                    .insert(prefix.clone(), hash, FibEntry { next_hops });
            }
        }
    }

    /// Remove `face` from every entry (the face went away).
    pub fn remove_face(&mut self, face: FaceId) {
        let affected = self
            .entries
            .keys_where(|_, e| e.next_hops.iter().any(|n| n.face == face));
        for (name, hash) in affected {
            self.remove_next_hop(&name, hash, face);
        }
    }

    /// The entry for exactly `prefix`.
    pub fn get(&self, prefix: &Name, hash: u64) -> Option<&FibEntry> {
        self.entries.get(prefix, hash)
    }

    /// Start loading what a longest-prefix match of a name of `len` components reads first
    /// (a hint), given the hashes of its prefixes.
    #[inline]
    pub fn prefetch_lpm(&self, len: usize, hashes: &[u64]) {
        self.entries.prefetch_prefixes(len, hashes);
    }

    /// Longest-prefix match for `name`, given the hashes of its prefixes.
    pub fn longest_prefix_match(&self, name: &Name, hashes: &[u64]) -> Option<(&Name, &FibEntry)> {
        self.entries.longest_prefix_match(name, hashes)
    }

    /// All entries in canonical name order.
    pub fn sorted(&self) -> Vec<(&Name, &FibEntry)> {
        let mut v: Vec<_> = self.entries.iter().collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faces(fib: &Fib, p: &Name) -> Vec<(u64, u64)> {
        fib.get(p, 1)
            .map(|e| e.next_hops().iter().map(|h| (h.face.0, h.cost)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn next_hops_stay_sorted_through_updates() {
        let mut fib = Fib::default();
        let p = Name::from_uri("/a").unwrap();
        fib.add_next_hop(&p, 1, FaceId(300), 10);
        assert_eq!(faces(&fib, &p), vec![(300, 10)]);
        fib.add_next_hop(&p, 1, FaceId(301), 5);
        fib.add_next_hop(&p, 1, FaceId(302), 5);
        assert_eq!(faces(&fib, &p), vec![(301, 5), (302, 5), (300, 10)]);
        // a new cost for a face moves it
        fib.add_next_hop(&p, 1, FaceId(300), 1);
        assert_eq!(faces(&fib, &p), vec![(300, 1), (301, 5), (302, 5)]);
        assert!(fib.remove_next_hop(&p, 1, FaceId(301)));
        assert!(!fib.remove_next_hop(&p, 1, FaceId(301)));
        fib.remove_face(FaceId(300));
        assert_eq!(faces(&fib, &p), vec![(302, 5)]);
        fib.remove_face(FaceId(302));
        assert!(fib.is_empty());
    }

    #[test]
    fn set_next_hops_keeps_the_cheapest_per_face() {
        let mut fib = Fib::default();
        let p = Name::from_uri("/a").unwrap();
        let hop = |f, cost| NextHop {
            face: FaceId(f),
            cost,
        };
        fib.set_next_hops(&p, 1, vec![hop(300, 10), hop(301, 5), hop(300, 1)]);
        assert_eq!(faces(&fib, &p), vec![(300, 1), (301, 5)]);
        fib.set_next_hops(&p, 1, vec![hop(302, 3)]);
        assert_eq!(faces(&fib, &p), vec![(302, 3)]);
        fib.set_next_hops(&p, 1, Vec::new());
        assert!(fib.is_empty());
    }
}
