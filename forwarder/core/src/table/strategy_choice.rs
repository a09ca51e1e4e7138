//! Strategy choice: which forwarding strategy governs each namespace (longest-prefix match, the
//! root always has one).

use ndn::Name;

use super::name_index::NameIndex;
use crate::strategy::Strategy;

/// The strategy choice table.
#[derive(Debug, Clone)]
pub struct StrategyChoice {
    entries: NameIndex<Strategy>,
    root_hash: u64,
    /// The root's choice (also in `entries`).
    root: Strategy,
}

impl StrategyChoice {
    /// A table whose root entry is `default` (best-route in NFD); `root_hash` is the hash of the
    /// empty name under the forwarder's key.
    pub fn new(default: Strategy, root_hash: u64) -> Self {
        let mut entries = NameIndex::default();
        entries.insert(Name::new(), root_hash, default);
        StrategyChoice {
            entries,
            root_hash,
            root: default,
        }
    }

    /// Number of entries (at least 1).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Never empty: the root entry always exists.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Choose `strategy` for `prefix`.
    pub fn set(&mut self, prefix: &Name, hash: u64, strategy: Strategy) {
        if prefix.is_empty() {
            self.root = strategy;
        }
        self.entries.insert(prefix.clone(), hash, strategy);
    }

    /// Remove the choice for `prefix`; the root choice cannot be removed. Returns true when
    /// something was removed.
    pub fn unset(&mut self, prefix: &Name, hash: u64) -> bool {
        if prefix.is_empty() {
            return false;
        }
        self.entries.remove(prefix, hash).is_some()
    }

    /// The strategy governing `name`, given its prefix hashes.
    pub fn find_effective(&self, name: &Name, hashes: &[u64]) -> Strategy {
        // the usual table: only the root's choice
        if self.entries.len() == 1 {
            return self.root;
        }
        self.entries
            .longest_prefix_match(name, hashes)
            .map(|(_, s)| *s)
            .or_else(|| self.entries.get(&Name::new(), self.root_hash).copied())
            .unwrap_or_default()
    }

    /// All choices in canonical name order.
    pub fn sorted(&self) -> Vec<(&Name, Strategy)> {
        let mut v: Vec<_> = self.entries.iter().map(|(n, s)| (n, *s)).collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::strategy::StrategyKind;

    fn effective(sc: &StrategyChoice, uri: &str) -> StrategyKind {
        let name = Name::from_uri(uri).unwrap();
        let mut hashes = Vec::new();
        name.prefix_hashes_into(5, &mut hashes);
        sc.find_effective(&name, &hashes).kind
    }

    #[test]
    fn longest_prefix_choice_and_the_root_alone() {
        let root = Name::new();
        let mut sc = StrategyChoice::new(StrategyKind::BestRoute.into(), root.hash_with_key(5));
        assert_eq!(effective(&sc, "/a/b"), StrategyKind::BestRoute);
        // changing the root's choice shows when the root is the only entry
        sc.set(&root, root.hash_with_key(5), StrategyKind::Multicast.into());
        assert_eq!(sc.len(), 1);
        assert_eq!(effective(&sc, "/a/b"), StrategyKind::Multicast);
        let a = Name::from_uri("/a").unwrap();
        sc.set(&a, a.hash_with_key(5), StrategyKind::Asf.into());
        assert_eq!(effective(&sc, "/a/b"), StrategyKind::Asf);
        assert_eq!(effective(&sc, "/b"), StrategyKind::Multicast);
        assert!(sc.unset(&a, a.hash_with_key(5)));
        assert!(!sc.unset(&root, root.hash_with_key(5)));
        assert_eq!(effective(&sc, "/a/b"), StrategyKind::Multicast);
    }
}
