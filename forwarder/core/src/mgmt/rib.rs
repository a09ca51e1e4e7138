//! The Routing Information Base: routes by prefix, origin and face, from which FIB next hops are
//! computed with NFD's CHILD_INHERIT and CAPTURE rules.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use ndn::Name;
use ndn::mgmt::route_flags;

use crate::face::FaceId;
use crate::table::NextHop;

/// One route of a RIB entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RibRoute {
    /// Next-hop face.
    pub face: FaceId,
    /// Who installed it (see `ndn::mgmt::route_origin`).
    pub origin: u64,
    /// Cost.
    pub cost: u64,
    /// CHILD_INHERIT and CAPTURE bits.
    pub flags: u64,
    /// When the route goes away, if ever.
    pub expires: Option<Duration>,
}

impl RibRoute {
    fn child_inherit(&self) -> bool {
        self.flags & route_flags::CHILD_INHERIT != 0
    }

    fn capture(&self) -> bool {
        self.flags & route_flags::CAPTURE != 0
    }
}

/// The prefix announcement a route was learned from (self-learning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedAnnouncement {
    /// The announcement's Data wire, which this forwarder passes on to its own downstreams.
    pub wire: Bytes,
    /// When the announcement itself runs out (the route may be renewed until then).
    pub expires: Duration,
}

/// The RIB, ordered by name (keys are Name TLV-VALUEs, whose byte order is canonical order).
#[derive(Debug, Clone, Default)]
pub struct Rib {
    entries: BTreeMap<Bytes, (Name, Vec<RibRoute>)>,
    /// Announcements of the prefix-announcement routes (origin `prefixann`), by prefix and face.
    announcements: BTreeMap<(Bytes, FaceId), LearnedAnnouncement>,
}

impl Rib {
    /// Number of prefixes with routes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no route.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Add or replace the route of (`prefix`, `face`, `origin`).
    pub fn insert(&mut self, prefix: &Name, route: RibRoute) {
        let (_, routes) = self
            .entries
            .entry(prefix.value().clone())
            .or_insert_with(|| (prefix.clone(), Vec::new()));
        match routes
            .iter_mut()
            .find(|r| r.face == route.face && r.origin == route.origin)
        {
            Some(r) => *r = route,
            None => routes.push(route),
        }
        routes.sort_by_key(|r| (r.face, r.origin));
    }

    /// Remove the route of (`prefix`, `face`, `origin`); returns true when it existed.
    pub fn remove(&mut self, prefix: &Name, face: FaceId, origin: u64) -> bool {
        let Some((_, routes)) = self.entries.get_mut(prefix.value()) else {
            return false;
        };
        let before = routes.len();
        routes.retain(|r| !(r.face == face && r.origin == origin));
        let removed = routes.len() != before;
        if routes.is_empty() {
            self.entries.remove(prefix.value());
        }
        if removed {
            self.prune_announcements();
        }
        removed
    }

    /// Keep `announcement` as the one the prefix-announcement route of (`prefix`, `face`) was
    /// learned from.
    pub fn set_announcement(
        &mut self,
        prefix: &Name,
        face: FaceId,
        announcement: LearnedAnnouncement,
    ) {
        self.announcements
            .insert((prefix.value().clone(), face), announcement);
    }

    /// The announcement the prefix-announcement route of (`prefix`, `face`) was learned from.
    pub fn announcement(&self, prefix: &Name, face: FaceId) -> Option<&LearnedAnnouncement> {
        self.announcements.get(&(prefix.value().clone(), face))
    }

    /// Forget the announcements whose route is gone.
    fn prune_announcements(&mut self) {
        if self.announcements.is_empty() {
            return;
        }
        let entries = &self.entries;
        self.announcements.retain(|(prefix, face), _| {
            entries.get(prefix).is_some_and(|(_, routes)| {
                routes
                    .iter()
                    .any(|r| r.face == *face && r.origin == ndn::mgmt::route_origin::PREFIX_ANN)
            })
        });
    }

    /// Remove every route through `face`; returns the prefixes that changed.
    pub fn remove_face(&mut self, face: FaceId) -> Vec<Name> {
        self.remove_where(|r| r.face == face)
    }

    /// Remove routes that expired by `now`; returns the prefixes that changed.
    pub fn remove_expired(&mut self, now: Duration) -> Vec<Name> {
        self.remove_where(|r| r.expires.is_some_and(|t| t <= now))
    }

    fn remove_where(&mut self, pred: impl Fn(&RibRoute) -> bool) -> Vec<Name> {
        let mut changed = Vec::new();
        self.entries.retain(|_, (name, routes)| {
            let before = routes.len();
            routes.retain(|r| !pred(r));
            if routes.len() != before {
                changed.push(name.clone());
            }
            !routes.is_empty()
        });
        if !changed.is_empty() {
            self.prune_announcements();
        }
        changed
    }

    /// The earliest route expiry.
    pub fn next_expiry(&self) -> Option<Duration> {
        self.entries
            .values()
            .flat_map(|(_, rs)| rs.iter().filter_map(|r| r.expires))
            .min()
    }

    /// All entries in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = (&Name, &[RibRoute])> {
        self.entries.values().map(|(n, rs)| (n, rs.as_slice()))
    }

    /// The routes of exactly `prefix`.
    pub fn routes(&self, prefix: &Name) -> Option<&[RibRoute]> {
        self.entries
            .get(prefix.value())
            .map(|(_, rs)| rs.as_slice())
    }

    /// The FIB next hops `prefix` should have: its own routes, then routes inherited from
    /// ancestors with CHILD_INHERIT, up to (and including) the nearest entry with a CAPTURE
    /// route. Per face, the lowest cost wins.
    pub fn next_hops(&self, prefix: &Name) -> Vec<NextHop> {
        let mut hops: Vec<NextHop> = Vec::new();
        let add = |face: FaceId, cost: u64, hops: &mut Vec<NextHop>| match hops
            .iter_mut()
            .find(|h| h.face == face)
        {
            Some(h) => h.cost = h.cost.min(cost),
            None => hops.push(NextHop { face, cost }),
        };
        let own = self.routes(prefix).unwrap_or_default();
        for r in own {
            add(r.face, r.cost, &mut hops);
        }
        if own.iter().any(RibRoute::capture) {
            return hops;
        }
        for k in (0..prefix.len()).rev() {
            let ancestor = prefix.prefix(k);
            let Some(routes) = self.routes(&ancestor) else {
                continue;
            };
            for r in routes.iter().filter(|r| r.child_inherit()) {
                add(r.face, r.cost, &mut hops);
            }
            if routes.iter().any(RibRoute::capture) {
                break;
            }
        }
        hops
    }

    /// `prefix` and every RIB entry below it: the FIB entries a change at `prefix` affects.
    pub fn affected_by(&self, prefix: &Name) -> Vec<Name> {
        let mut out = vec![prefix.clone()];
        out.extend(
            self.entries
                .range::<[u8], _>((
                    std::ops::Bound::Excluded(&prefix.value()[..]),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(k, _)| k.starts_with(prefix.value()))
                .map(|(_, (n, _))| n.clone()),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(u: &str) -> Name {
        Name::from_uri(u).unwrap()
    }

    fn route(face: u64, cost: u64, flags: u64) -> RibRoute {
        RibRoute {
            face: FaceId(face),
            origin: 0,
            cost,
            flags,
            expires: None,
        }
    }

    #[test]
    fn child_inherit_and_capture() {
        let mut rib = Rib::default();
        rib.insert(&n("/"), route(300, 10, route_flags::CHILD_INHERIT));
        rib.insert(&n("/a"), route(301, 1, route_flags::CHILD_INHERIT));
        rib.insert(&n("/a/b"), route(302, 1, 0));
        rib.insert(&n("/c"), route(303, 1, route_flags::CAPTURE));
        let faces = |p: &str| -> Vec<u64> {
            let mut v: Vec<u64> = rib.next_hops(&n(p)).iter().map(|h| h.face.0).collect();
            v.sort();
            v
        };
        assert_eq!(faces("/a/b"), vec![300, 301, 302]);
        assert_eq!(faces("/a"), vec![300, 301]);
        assert_eq!(faces("/c"), vec![303], "CAPTURE stops inheritance");
        rib.insert(&n("/a"), route(300, 0, route_flags::CHILD_INHERIT));
        let hops = rib.next_hops(&n("/a/b"));
        let h300 = hops.iter().find(|h| h.face.0 == 300).unwrap();
        assert_eq!(h300.cost, 0, "lowest cost per face");
        let affected: Vec<String> = rib
            .affected_by(&n("/a"))
            .iter()
            .map(|x| x.to_string())
            .collect();
        assert_eq!(affected, vec!["/a", "/a/b"]);
    }

    #[test]
    fn removal_and_expiry() {
        let mut rib = Rib::default();
        let mut r = route(300, 1, 0);
        r.expires = Some(Duration::from_secs(5));
        rib.insert(&n("/x"), r);
        rib.insert(&n("/y"), route(301, 1, 0));
        assert_eq!(rib.next_expiry(), Some(Duration::from_secs(5)));
        assert_eq!(rib.remove_expired(Duration::from_secs(5)), vec![n("/x")]);
        assert_eq!(rib.remove_face(FaceId(301)), vec![n("/y")]);
        assert!(rib.is_empty());
        assert!(!rib.remove(&n("/y"), FaceId(301), 0));
    }
}
