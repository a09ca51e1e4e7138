//! Strategy choice: which forwarding strategy governs each namespace (longest-prefix match, the
//! root always has one).

use ndn::Name;

use super::name_index::NameIndex;
use crate::strategy::StrategyKind;

/// The strategy choice table.
#[derive(Debug, Clone)]
pub struct StrategyChoice {
    entries: NameIndex<StrategyKind>,
    root_hash: u64,
}

impl StrategyChoice {
    /// A table whose root entry is `default` (best-route in NFD); `root_hash` is the hash of the
    /// empty name under the forwarder's key.
    pub fn new(default: StrategyKind, root_hash: u64) -> Self {
        let mut entries = NameIndex::default();
        entries.insert(Name::new(), root_hash, default);
        StrategyChoice { entries, root_hash }
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
    pub fn set(&mut self, prefix: &Name, hash: u64, strategy: StrategyKind) {
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
    pub fn find_effective(&self, name: &Name, hashes: &[u64]) -> StrategyKind {
        self.entries
            .longest_prefix_match(name, hashes)
            .map(|(_, s)| *s)
            .or_else(|| self.entries.get(&Name::new(), self.root_hash).copied())
            .unwrap_or_default()
    }

    /// All choices in canonical name order.
    pub fn sorted(&self) -> Vec<(&Name, StrategyKind)> {
        let mut v: Vec<_> = self.entries.iter().map(|(n, s)| (n, *s)).collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }
}
