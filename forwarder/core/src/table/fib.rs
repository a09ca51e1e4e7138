//! The Forwarding Information Base: name prefixes to next hops with costs, longest-prefix match.

use ndn::Name;

use super::name_index::NameIndex;
use crate::face::FaceId;

/// One next hop of a FIB entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextHop {
    /// The upstream face.
    pub face: FaceId,
    /// Routing cost; lower is preferred.
    pub cost: u64,
}

/// A FIB entry: a prefix and its next hops, sorted by cost then face id.
#[derive(Debug, Clone, Default)]
pub struct FibEntry {
    next_hops: Vec<NextHop>,
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
        hops.sort_by_key(|n| (n.cost, n.face));
        hops.dedup_by_key(|n| n.face);
        match self.entries.get_mut(prefix, hash) {
            Some(e) => e.next_hops = hops,
            None => {
                self.entries
                    .insert(prefix.clone(), hash, FibEntry { next_hops: hops });
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
