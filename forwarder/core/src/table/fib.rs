//! The Forwarding Information Base: name prefixes to next hops with costs, longest-prefix match.

use ndn::Name;

use super::critbit::CritBit;
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
    /// Some other entry's prefix starts with this one's, so a longest-prefix match that found
    /// this entry must look further.
    extended: bool,
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
///
/// Longest-prefix match tries a name's prefixes shortest first and stops at an entry that no
/// other entry extends, so a lookup reads no table bucket for the long prefixes of the name,
/// which are unique to each packet and so never cached. Each entry knows whether another
/// extends it from a crit-bit tree of the prefixes, which only route changes read.
#[derive(Debug, Clone, Default)]
pub struct Fib {
    entries: NameIndex<FibEntry>,
    /// The entries' slots ordered by prefix, to find an entry's ancestors and extensions.
    ordered: CritBit,
    /// Some prefix could not be ordered (too long for the tree), so entries' `extended`
    /// flags cannot be trusted and lookups try every length.
    unordered: bool,
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
                self.insert_entry(prefix, hash, e);
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
            self.remove_entry(prefix, hash);
        }
        removed
    }

    /// Replace the next hops of `prefix` (used when the RIB recomputes a prefix); an empty list
    /// removes the entry.
    pub fn set_next_hops(&mut self, prefix: &Name, hash: u64, mut hops: Vec<NextHop>) {
        if hops.is_empty() {
            self.remove_entry(prefix, hash);
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
            None => self.insert_entry(
                prefix,
                hash,
                FibEntry {
                    next_hops,
                    extended: false,
                },
            ),
        }
    }

    /// Store a new entry and mark it and its ancestors by whether other entries extend them.
    fn insert_entry(&mut self, prefix: &Name, hash: u64, mut entry: FibEntry) {
        let Fib {
            entries, ordered, ..
        } = self;
        let key_of = |i| entries.name_bytes_at(i);
        entry.extended = ordered
            .first_under(prefix.value(), key_of, |_| true)
            .is_some();
        let slot = entries.insert_new(prefix.clone(), hash, entry);
        let key_of = |i| entries.name_bytes_at(i);
        if !ordered.insert(prefix.value(), slot, key_of) {
            self.unordered = true;
            return;
        }
        for k in 0..prefix.len() {
            if let Some(i) = ordered.find(prefix.prefix_bytes(k), |i| entries.name_bytes_at(i))
                && let Some(e) = entries.value_at_mut(i)
            {
                e.extended = true;
            }
        }
    }

    /// Remove the entry for `prefix`, if any, and unmark ancestors no other entry extends.
    fn remove_entry(&mut self, prefix: &Name, hash: u64) {
        let Fib {
            entries, ordered, ..
        } = self;
        let Some(slot) = entries.slot_of(prefix.value(), hash) else {
            return;
        };
        ordered.remove(prefix.value(), slot);
        entries.remove_slot(slot, hash);
        for k in 0..prefix.len() {
            let key = prefix.prefix_bytes(k);
            let key_of = |i| entries.name_bytes_at(i);
            if let Some(i) = ordered.find(key, key_of) {
                let extended = ordered.has_other_under(key, i, key_of);
                if let Some(e) = entries.value_at_mut(i) {
                    e.extended = extended;
                }
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
        if self.unordered {
            return self.entries.longest_prefix_match(name, hashes);
        }
        self.entries
            .longest_prefix_match_upward(name, hashes, |e| e.extended)
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
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    const KEY: u64 = 0x5eed;

    fn hash(n: &Name) -> u64 {
        n.hash_with_key(KEY)
    }

    /// Names of up to four components over a two-letter alphabet, so that prefixes nest.
    fn arb_name(max: usize) -> impl Strategy<Value = Name> {
        prop::collection::vec(prop::sample::select(vec!["a", "b", "ab"]), 0..=max).prop_map(
            |comps| {
                comps
                    .into_iter()
                    .fold(Name::new(), |n, c| n.append_generic(c))
            },
        )
    }

    #[derive(Debug, Clone)]
    enum Op {
        Add(Name, u64),
        Remove(Name, u64),
        Set(Name, Vec<u64>),
        RemoveFace(u64),
    }

    fn arb_op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (arb_name(4), 300u64..303).prop_map(|(n, f)| Op::Add(n, f)),
            2 => (arb_name(4), 300u64..303).prop_map(|(n, f)| Op::Remove(n, f)),
            1 => (arb_name(4), prop::collection::vec(300u64..303, 0..3))
                .prop_map(|(n, f)| Op::Set(n, f)),
            1 => (300u64..303).prop_map(Op::RemoveFace),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Longest-prefix match (which stops at entries no other entry extends) agrees with
        /// a brute-force search over a model, through additions and removals in any order.
        #[test]
        fn longest_prefix_match_agrees_with_a_model(
            ops in prop::collection::vec(arb_op(), 1..60),
            queries in prop::collection::vec(arb_name(6), 1..16),
        ) {
            let mut fib = Fib::default();
            let mut model: BTreeMap<Name, Vec<u64>> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Add(n, f) => {
                        fib.add_next_hop(&n, hash(&n), FaceId(f), 1);
                        let faces = model.entry(n).or_default();
                        if !faces.contains(&f) {
                            faces.push(f);
                        }
                    }
                    Op::Remove(n, f) => {
                        fib.remove_next_hop(&n, hash(&n), FaceId(f));
                        if let Some(faces) = model.get_mut(&n) {
                            faces.retain(|&x| x != f);
                            if faces.is_empty() {
                                model.remove(&n);
                            }
                        }
                    }
                    Op::Set(n, fs) => {
                        let hops = fs.iter().map(|&f| NextHop { face: FaceId(f), cost: 1 });
                        fib.set_next_hops(&n, hash(&n), hops.collect());
                        if fs.is_empty() {
                            model.remove(&n);
                        } else {
                            model.insert(n, fs);
                        }
                    }
                    Op::RemoveFace(f) => {
                        fib.remove_face(FaceId(f));
                        model.retain(|_, faces| {
                            faces.retain(|&x| x != f);
                            !faces.is_empty()
                        });
                    }
                }
                prop_assert_eq!(fib.len(), model.len());
            }
            for q in queries.iter().chain(model.keys()) {
                let mut hs = Vec::new();
                q.prefix_hashes_into(KEY, &mut hs);
                let expected = model.keys().filter(|p| p.is_prefix_of(q)).max_by_key(|p| p.len());
                let got = fib.longest_prefix_match(q, &hs).map(|(p, _)| p);
                prop_assert_eq!(got, expected, "query {}", q);
            }
        }
    }

    #[test]
    fn prefixes_too_long_to_order_are_still_matched() {
        use crate::table::critbit::MAX_KEY_LEN;
        let mut fib = Fib::default();
        let a = Name::from_uri("/a").unwrap();
        // two prefixes that first differ past 16 MiB do not fit the crit-bit tree together, so
        // the first is not marked as extended by the second
        let huge = a.append_generic(vec![b'x'; MAX_KEY_LEN]);
        let below = huge.append_generic("b");
        let c = Name::from_uri("/c").unwrap();
        let cd = Name::from_uri("/c/d").unwrap();
        let prefixes = [&a, &huge, &below, &c, &cd];
        for (f, p) in (300..).zip(prefixes) {
            fib.add_next_hop(p, hash(p), FaceId(f), 1);
        }
        // which of `prefixes` matches (indexes, so that a failure does not print 16 MiB names)
        let lpm = |q: &Name| {
            let mut hs = Vec::new();
            q.prefix_hashes_into(KEY, &mut hs);
            let (p, _) = fib.longest_prefix_match(q, &hs)?;
            prefixes.iter().position(|&x| x == p)
        };
        for (i, p) in prefixes.iter().enumerate() {
            assert_eq!(lpm(&p.append_generic("q")), Some(i), "below prefix {i}");
        }
        assert_eq!(lpm(&Name::from_uri("/b").unwrap()), None);
    }

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
