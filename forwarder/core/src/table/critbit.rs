//! An ordered index of names for prefix lookups: a crit-bit tree (a binary PATRICIA trie) over
//! the names' TLV-VALUE bytes, whose leaves are ids of entries that live elsewhere.
//!
//! The content store uses it to find the leftmost cached Data under a CanBePrefix Interest's
//! name. Each internal node records only the position of the first bit where its two subtrees
//! differ, so a lookup reads the query's bytes along one path and compares whole names once, at
//! the end. The tree costs one 12-byte node per entry and allocates nothing per insert once its
//! node vector has grown.
//!
//! Keys compare as if padded with zero bytes (names longer than 16 MiB are not indexed). That is exact for names: a name that ends where a
//! longer one goes on is followed there by a TLV-TYPE, which is never zero, so distinct names
//! differ at some bit, and in-order traversal is byte order, which is canonical name order (a
//! name sorts before its extensions).

/// Marks a reference to a leaf (an entry id) rather than an internal node.
const LEAF: u32 = 1 << 31;
/// No tree.
const NIL: u32 = u32::MAX;

/// The largest entry id the tree can hold.
pub(crate) const MAX_ID: u32 = LEAF - 2;

/// Keys shorter than this always fit (critical bits are located by a 24-bit byte index).
pub(crate) const MAX_KEY_LEN: usize = 1 << 24;

#[derive(Debug, Clone, Copy)]
struct Node {
    /// Critical bit: byte index << 8 | the complement of the bit's mask within the byte, so
    /// that earlier bits compare smaller.
    crit: u32,
    /// Subtrees whose keys have the critical bit clear (0) and set (1).
    child: [u32; 2],
}

/// Where a reference to a subtree is stored.
#[derive(Debug, Clone, Copy)]
enum Link {
    Root,
    Child(u32, usize),
}

/// A crit-bit tree of entry ids ordered by their names' bytes.
#[derive(Debug, Clone)]
pub(crate) struct CritBit {
    root: u32,
    nodes: Vec<Node>,
    free: Vec<u32>,
}

impl Default for CritBit {
    fn default() -> Self {
        CritBit {
            root: NIL,
            nodes: Vec::new(),
            free: Vec::new(),
        }
    }
}

/// The direction `key` takes at critical bit `crit`.
#[inline]
fn direction(key: &[u8], crit: u32) -> usize {
    let byte = key.get((crit >> 8) as usize).copied().unwrap_or(0);
    usize::from(byte & !(crit as u8) != 0)
}

/// The byte a critical bit is in.
fn crit_byte(crit: u32) -> usize {
    (crit >> 8) as usize
}

/// The first bit where `a` and `b` differ (as zero-padded strings), or `None` when equal.
fn first_difference(a: &[u8], b: &[u8]) -> Option<u32> {
    let common = a.len().min(b.len());
    let (ha, hb) = (a.get(..common)?, b.get(..common)?);
    let (i, x, y) = match ha.iter().zip(hb).position(|(x, y)| x != y) {
        Some(i) => (i, *ha.get(i)?, *hb.get(i)?),
        None => {
            // the longer one differs from the padding at its first non-zero byte
            let (longer, flip) = if a.len() > b.len() {
                (a, false)
            } else {
                (b, true)
            };
            let rest = longer.get(common..)?;
            let j = rest.iter().position(|&v| v != 0)?;
            let v = *rest.get(j)?;
            if flip {
                (common + j, 0, v)
            } else {
                (common + j, v, 0)
            }
        }
    };
    let mask = 0x80u8 >> (x ^ y).leading_zeros();
    u32::try_from(i)
        .ok()
        .filter(|&i| (i as usize) < MAX_KEY_LEN)
        .map(|i| (i << 8) | u32::from(!mask))
}

fn is_leaf(r: u32) -> bool {
    r & LEAF != 0
}

impl CritBit {
    /// True when empty.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.root == NIL
    }

    fn node(&self, r: u32) -> Option<Node> {
        self.nodes.get(r as usize).copied()
    }

    fn get_link(&self, link: Link) -> u32 {
        match link {
            Link::Root => self.root,
            Link::Child(n, d) => self
                .nodes
                .get(n as usize)
                .and_then(|n| n.child.get(d).copied())
                .unwrap_or(NIL),
        }
    }

    fn set_link(&mut self, link: Link, to: u32) {
        match link {
            Link::Root => self.root = to,
            Link::Child(n, d) => {
                if let Some(c) = self
                    .nodes
                    .get_mut(n as usize)
                    .and_then(|n| n.child.get_mut(d))
                {
                    *c = to;
                }
            }
        }
    }

    /// The leaf reached by following `key`'s bits from `r` (the best match: the only leaf
    /// whose key can equal `key`).
    fn descend(&self, mut r: u32, key: &[u8]) -> u32 {
        while !is_leaf(r) {
            let Some(n) = self.node(r) else { return NIL };
            r = n.child[direction(key, n.crit)];
        }
        r
    }

    fn leftmost(&self, mut r: u32) -> u32 {
        while !is_leaf(r) {
            let Some(n) = self.node(r) else { return NIL };
            r = n.child[0];
        }
        r
    }

    /// Add entry `id` with name bytes `key`; `key_of` gives the name bytes of entries already
    /// in the tree. Returns false (and changes nothing) when an entry with an equal key is
    /// present or `id` is above [`MAX_ID`].
    pub(crate) fn insert<'k>(
        &mut self,
        key: &[u8],
        id: u32,
        key_of: impl Fn(u32) -> &'k [u8],
    ) -> bool {
        if id > MAX_ID {
            return false;
        }
        if self.root == NIL {
            self.root = id | LEAF;
            return true;
        }
        let best = self.descend(self.root, key);
        if best == NIL {
            return false;
        }
        let Some(crit) = first_difference(key, key_of(best & !LEAF)) else {
            return false;
        };
        // walk again to the first node below the new critical bit
        let mut link = Link::Root;
        loop {
            let r = self.get_link(link);
            if is_leaf(r) {
                break;
            }
            let Some(n) = self.node(r) else { break };
            if n.crit > crit {
                break;
            }
            link = Link::Child(r, direction(key, n.crit));
        }
        let d = direction(key, crit);
        let mut child = [0; 2];
        child[d] = id | LEAF;
        child[1 - d] = self.get_link(link);
        let node = Node { crit, child };
        let index = match self.free.pop() {
            Some(i) => {
                if let Some(slot) = self.nodes.get_mut(i as usize) {
                    *slot = node;
                }
                i
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as u32
            }
        };
        self.set_link(link, index);
        true
    }

    /// Remove entry `id`, whose name bytes are `key`. Returns false when it is not in the tree.
    pub(crate) fn remove(&mut self, key: &[u8], id: u32) -> bool {
        if self.root == NIL {
            return false;
        }
        // the link to the parent node, and the parent's link to the leaf
        let mut parent_link = None;
        let mut link = Link::Root;
        let mut r = self.root;
        while !is_leaf(r) {
            let Some(n) = self.node(r) else { return false };
            let d = direction(key, n.crit);
            parent_link = Some((link, r, d));
            link = Link::Child(r, d);
            r = n.child[d];
        }
        if r != id | LEAF {
            return false;
        }
        match parent_link {
            None => self.root = NIL,
            Some((to_parent, parent, d)) => {
                let sibling = self.get_link(Link::Child(parent, 1 - d));
                self.set_link(to_parent, sibling);
                self.free.push(parent);
            }
        }
        true
    }

    /// The subtree holding exactly the keys that start with `prefix`, or `None` when no key
    /// does.
    fn subtree<'k>(&self, prefix: &[u8], key_of: &impl Fn(u32) -> &'k [u8]) -> Option<u32> {
        if self.root == NIL {
            return None;
        }
        let mut r = self.root;
        while !is_leaf(r) {
            let n = self.node(r)?;
            if crit_byte(n.crit) >= prefix.len() {
                break;
            }
            r = n.child[direction(prefix, n.crit)];
        }
        // every key below shares the bits before the subtree's critical bit, which cover the
        // prefix: one leaf tells for all
        let probe = self.leftmost(r);
        (probe != NIL && key_of(probe & !LEAF).starts_with(prefix)).then_some(r)
    }

    /// The entry whose name bytes are exactly `key`.
    pub(crate) fn find<'k>(&self, key: &[u8], key_of: impl Fn(u32) -> &'k [u8]) -> Option<u32> {
        if self.root == NIL {
            return None;
        }
        let leaf = self.descend(self.root, key);
        let id = leaf & !LEAF;
        (leaf != NIL && key_of(id) == key).then_some(id)
    }

    /// True when some entry other than `id` has a name that starts with `prefix`.
    pub(crate) fn has_other_under<'k>(
        &self,
        prefix: &[u8],
        id: u32,
        key_of: impl Fn(u32) -> &'k [u8],
    ) -> bool {
        match self.subtree(prefix, &key_of) {
            // a subtree that is an internal node holds two entries or more
            Some(top) if !is_leaf(top) => true,
            Some(top) => top & !LEAF != id,
            None => false,
        }
    }

    /// The first entry, in name order, whose name starts with `prefix` and for which `accept`
    /// holds.
    pub(crate) fn first_under<'k>(
        &self,
        prefix: &[u8],
        key_of: impl Fn(u32) -> &'k [u8],
        mut accept: impl FnMut(u32) -> bool,
    ) -> Option<u32> {
        let top = self.subtree(prefix, &key_of)?;
        // the usual case: the leftmost entry will do
        let first = self.leftmost(top) & !LEAF;
        if accept(first) {
            return Some(first);
        }
        let mut found = None;
        self.walk(top, |id| {
            if id != first && accept(id) {
                found = Some(id);
                false
            } else {
                true
            }
        });
        found
    }

    /// Up to `limit` entries whose names start with `prefix`, in name order.
    pub(crate) fn under<'k>(
        &self,
        prefix: &[u8],
        key_of: impl Fn(u32) -> &'k [u8],
        limit: usize,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        if limit == 0 {
            return out;
        }
        if let Some(top) = self.subtree(prefix, &key_of) {
            self.walk(top, |id| {
                out.push(id);
                out.len() < limit
            });
        }
        out
    }

    /// Visit the leaves under `top` in order while `visit` returns true.
    fn walk(&self, top: u32, mut visit: impl FnMut(u32) -> bool) {
        let mut stack = vec![top];
        while let Some(r) = stack.pop() {
            if is_leaf(r) {
                if !visit(r & !LEAF) {
                    return;
                }
            } else if let Some(n) = self.node(r) {
                stack.push(n.child[1]);
                stack.push(n.child[0]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use ndn::Name;
    use proptest::prelude::*;

    use super::*;

    fn key(uri: &str) -> Vec<u8> {
        Name::from_uri(uri).unwrap().value().to_vec()
    }

    #[test]
    fn prefix_lookups_return_the_leftmost_match() {
        let keys: Vec<Vec<u8>> = ["/a/b", "/a", "/a/c/d", "/b", "/a/c", "/ab"]
            .iter()
            .map(|u| key(u))
            .collect();
        let mut t = CritBit::default();
        let key_of = |i: u32| keys[i as usize].as_slice();
        for (i, k) in keys.iter().enumerate() {
            assert!(t.insert(k, i as u32, key_of));
        }
        assert!(!t.insert(&keys[0], 9, key_of), "an equal key is refused");
        let first = |t: &CritBit, p: &str| t.first_under(&key(p), key_of, |_| true);
        assert_eq!(first(&t, "/a"), Some(1));
        assert_eq!(first(&t, "/a/c"), Some(4));
        assert_eq!(first(&t, "/a/b"), Some(0));
        assert_eq!(first(&t, "/a/d"), None);
        assert_eq!(first(&t, "/c"), None);
        assert_eq!(first(&t, "/"), Some(1));
        // /ab is not under /a (a different component)
        assert_eq!(t.under(&key("/a"), key_of, 10), vec![1, 0, 4, 2]);
        assert_eq!(t.under(&key("/a"), key_of, 2), vec![1, 0]);
        assert_eq!(
            t.first_under(&key("/a"), key_of, |i| i == 2 || i == 4),
            Some(4)
        );
        assert!(t.remove(&keys[1], 1));
        assert!(!t.remove(&keys[1], 1));
        assert_eq!(first(&t, "/a"), Some(0));
        for (i, k) in keys.iter().enumerate() {
            if i != 1 {
                assert!(t.remove(k, i as u32));
            }
        }
        assert!(t.is_empty());
    }

    /// Names over a tiny alphabet, so they share prefixes and components of several types.
    fn arb_name() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(
            (
                prop::sample::select(vec![8u16, 9, 50, 253]),
                0u8..3,
                0usize..3,
            ),
            0..4,
        )
        .prop_map(|comps| {
            let mut n = Name::new();
            for (t, v, len) in comps {
                let value = vec![v; len];
                n = n.append(t, &value).unwrap();
            }
            n.value().to_vec()
        })
    }

    proptest! {
        #[test]
        fn behaves_like_an_ordered_set(
            ops in prop::collection::vec((any::<bool>(), arb_name()), 1..80),
            queries in prop::collection::vec(arb_name(), 1..10),
        ) {
            // ids are positions in `keys`; the model is a set of (key, id)
            let mut keys: Vec<Vec<u8>> = Vec::new();
            let mut model: BTreeSet<(Vec<u8>, u32)> = BTreeSet::new();
            let mut t = CritBit::default();
            for (add, k) in ops {
                let present = model.iter().find(|(m, _)| *m == k).cloned();
                if add {
                    keys.push(k.clone());
                    let id = (keys.len() - 1) as u32;
                    let key_of = |i: u32| keys[i as usize].as_slice();
                    prop_assert_eq!(t.insert(&k, id, key_of), present.is_none());
                    if present.is_none() {
                        model.insert((k, id));
                    }
                } else if let Some((mk, id)) = present {
                    prop_assert!(t.remove(&mk, id));
                    prop_assert!(!t.remove(&mk, id));
                    model.remove(&(mk, id));
                } else {
                    // an id the tree does not hold
                    prop_assert!(!t.remove(&k, u32::MAX >> 2));
                }
            }
            let key_of = |i: u32| keys[i as usize].as_slice();
            for q in queries {
                let expected: Vec<u32> = model
                    .iter()
                    .filter(|(k, _)| k.starts_with(&q))
                    .map(|(_, id)| *id)
                    .collect();
                prop_assert_eq!(t.under(&q, key_of, usize::MAX), expected.clone());
                prop_assert_eq!(t.first_under(&q, key_of, |_| true), expected.first().copied());
                // accept only odd ids: the first odd one in order
                let odd = expected.iter().copied().find(|i| i % 2 == 1);
                prop_assert_eq!(t.first_under(&q, key_of, |i| i % 2 == 1), odd);
                let exact = model.iter().find(|(k, _)| *k == q).map(|(_, id)| *id);
                prop_assert_eq!(t.find(&q, key_of), exact);
                // another entry under the query, besides the query itself (or an id
                // nothing has)
                let me = exact.unwrap_or(u32::MAX >> 2);
                let others = expected.iter().any(|&i| i != me);
                prop_assert_eq!(t.has_other_under(&q, me, key_of), others);
            }
            prop_assert_eq!(t.is_empty(), model.is_empty());
        }
    }
}
