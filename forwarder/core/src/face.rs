//! Faces as the core sees them: an id, a scope, a link type and counters. The transport and
//! link service live in the driver; the core only needs to know how to treat each face.

use std::fmt;

/// Identifies a face. Ids below 256 are reserved, as in NFD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FaceId(pub u64);

impl FaceId {
    /// No face.
    pub const INVALID: FaceId = FaceId(0);
    /// The internal face through which the management dispatcher is reached (`internal://`).
    pub const INTERNAL: FaceId = FaceId(1);
    /// The pseudo-face Data served from the content store comes from (`contentstore://`).
    pub const CONTENT_STORE: FaceId = FaceId(254);
    /// A face that drops everything (`null://`).
    pub const NULL: FaceId = FaceId(255);
    /// The first id given to a real face.
    pub const FIRST_DYNAMIC: u64 = 256;

    /// True for ids of faces a driver added (not reserved).
    pub fn is_dynamic(self) -> bool {
        self.0 >= Self::FIRST_DYNAMIC
    }
}

impl fmt::Display for FaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

pub use ndn::mgmt::{FacePersistency, FaceScope, LinkType};

/// What the driver tells the core about a face when adding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceInfo {
    /// Remote endpoint as an NFD face URI (`udp4://192.0.2.1:6363`, `unix:///run/nfd/nfd.sock`).
    pub remote_uri: String,
    /// Local endpoint as an NFD face URI.
    pub local_uri: String,
    /// Local or non-local.
    pub scope: FaceScope,
    /// Point-to-point, multi-access or ad hoc.
    pub link_type: LinkType,
    /// On-demand, persistent or permanent.
    pub persistency: FacePersistency,
    /// Link MTU in bytes, when the link has one (datagram faces).
    pub mtu: Option<u64>,
    /// Local fields (IncomingFaceId, NextHopFaceId, CachePolicy) are exchanged on this face.
    pub local_fields_enabled: bool,
    /// The link service marks congestion on this face.
    pub congestion_marking_enabled: bool,
    /// The link service numbers its frames (NDNLPv2 TxSequence) and retransmits those the peer
    /// does not acknowledge.
    pub lp_reliability_enabled: bool,
}

impl FaceInfo {
    /// A point-to-point persistent face with the given URIs and scope.
    pub fn new(
        remote_uri: impl Into<String>,
        local_uri: impl Into<String>,
        scope: FaceScope,
    ) -> Self {
        FaceInfo {
            remote_uri: remote_uri.into(),
            local_uri: local_uri.into(),
            scope,
            link_type: LinkType::PointToPoint,
            persistency: FacePersistency::Persistent,
            mtu: None,
            local_fields_enabled: false,
            congestion_marking_enabled: false,
            lp_reliability_enabled: false,
        }
    }

    /// Set the link type.
    pub fn with_link_type(mut self, link_type: LinkType) -> Self {
        self.link_type = link_type;
        self
    }

    /// Set the persistency.
    pub fn with_persistency(mut self, persistency: FacePersistency) -> Self {
        self.persistency = persistency;
        self
    }
}

/// Per-face packet counters, as NFD keeps them (network-layer packets; bytes are link-layer
/// and reported by the driver).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FaceCounters {
    /// Interests received.
    pub n_in_interests: u64,
    /// Data received.
    pub n_in_data: u64,
    /// Nacks received.
    pub n_in_nacks: u64,
    /// Interests sent.
    pub n_out_interests: u64,
    /// Data sent.
    pub n_out_data: u64,
    /// Nacks sent.
    pub n_out_nacks: u64,
    /// Link-layer bytes received (reported by the driver).
    pub n_in_bytes: u64,
    /// Link-layer bytes sent (reported by the driver).
    pub n_out_bytes: u64,
    /// Packets from this face dropped as malformed.
    pub n_in_malformed: u64,
    /// Interests dropped because they arrived here with HopLimit 0.
    pub n_in_hop_limit_zero: u64,
    /// Interests not sent here because their HopLimit reached 0.
    pub n_out_hop_limit_zero: u64,
}

/// A face known to the core.
#[derive(Debug, Clone)]
pub struct Face {
    id: FaceId,
    /// What the driver said about it (mutable through `faces/update`).
    pub info: FaceInfo,
    /// Its counters.
    pub counters: FaceCounters,
}

impl Face {
    /// Its id.
    pub fn id(&self) -> FaceId {
        self.id
    }

    /// True for a local face.
    pub fn is_local(&self) -> bool {
        self.info.scope == FaceScope::Local
    }
}

/// Every face the core knows, ordered by id.
///
/// Ids are kept sorted in their own vector, beside the faces in the same order: the pipelines
/// look a face up several times per packet, and a search over a few contiguous ids is cheaper
/// than walking a tree. Faces are added with increasing ids (so at the end) far more often than
/// they are removed.
#[derive(Debug, Clone)]
pub struct FaceTable {
    ids: Vec<FaceId>,
    faces: Vec<Face>,
    next_id: u64,
}

impl FaceTable {
    /// Start loading the ids and the first faces (a hint).
    pub(crate) fn prefetch(&self) {
        if let Some(i) = self.ids.first() {
            crate::hint::prefetch_line(i);
        }
        for f in self.faces.iter().take(8) {
            crate::hint::prefetch_object(f);
        }
    }
}

impl Default for FaceTable {
    fn default() -> Self {
        FaceTable {
            ids: Vec::new(),
            faces: Vec::new(),
            next_id: FaceId::FIRST_DYNAMIC,
        }
    }
}

impl FaceTable {
    /// Add a face with the next free id.
    pub fn add(&mut self, info: FaceInfo) -> FaceId {
        let id = FaceId(self.next_id);
        self.next_id += 1;
        self.insert(id, info);
        id
    }

    /// Where `id` is (`Ok`) or would go (`Err`) in `ids`.
    #[inline]
    fn position(&self, id: FaceId) -> Result<usize, usize> {
        // the common case: a handful of faces, searched linearly
        if self.ids.len() <= 16 {
            for (i, &x) in self.ids.iter().enumerate() {
                if x >= id {
                    return if x == id { Ok(i) } else { Err(i) };
                }
            }
            return Err(self.ids.len());
        }
        self.ids.binary_search(&id)
    }

    /// Add a face with a reserved id (the internal face), replacing any face with that id.
    pub(crate) fn insert(&mut self, id: FaceId, info: FaceInfo) {
        let face = Face {
            id,
            info,
            counters: FaceCounters::default(),
        };
        match self.position(id) {
            Ok(i) => {
                if let Some(f) = self.faces.get_mut(i) {
                    *f = face;
                }
            }
            Err(i) => {
                self.ids.insert(i, id);
                self.faces.insert(i, face);
            }
        }
    }

    /// Remove a face.
    pub fn remove(&mut self, id: FaceId) -> Option<Face> {
        let i = self.position(id).ok()?;
        self.ids.remove(i);
        Some(self.faces.remove(i))
    }

    /// The face with this id.
    #[inline]
    pub fn get(&self, id: FaceId) -> Option<&Face> {
        self.faces.get(self.position(id).ok()?)
    }

    /// The face with this id, mutably.
    #[inline]
    pub fn get_mut(&mut self, id: FaceId) -> Option<&mut Face> {
        let i = self.position(id).ok()?;
        self.faces.get_mut(i)
    }

    /// True when the face exists.
    #[inline]
    pub fn contains(&self, id: FaceId) -> bool {
        self.position(id).is_ok()
    }

    /// All faces in id order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Face> {
        self.faces.iter()
    }

    /// Number of faces (including the internal face).
    pub fn len(&self) -> usize {
        self.faces.len()
    }

    /// True when there is no face at all.
    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn info(n: u64) -> FaceInfo {
        FaceInfo::new(
            format!("udp4://192.0.2.1:{n}"),
            "udp4://0.0.0.0:6363",
            FaceScope::NonLocal,
        )
    }

    proptest! {
        /// Adds, reserved inserts and removals (past the linear-search size too) give the same
        /// lookups and the same id order as an ordered map.
        #[test]
        fn face_table_matches_an_ordered_map(
            ops in prop::collection::vec((0u8..4, 0u64..40), 1..300),
        ) {
            let mut t = FaceTable::default();
            let mut model: BTreeMap<FaceId, String> = BTreeMap::new();
            let mut added = Vec::new();
            for (kind, n) in ops {
                match kind {
                    0 | 1 => {
                        let i = info(n);
                        let id = t.add(i.clone());
                        prop_assert!(!model.contains_key(&id));
                        model.insert(id, i.remote_uri);
                        added.push(id);
                    }
                    2 => {
                        // a reserved id below the dynamic ones
                        let id = FaceId(n % FaceId::FIRST_DYNAMIC);
                        let i = info(n);
                        t.insert(id, i.clone());
                        model.insert(id, i.remote_uri);
                    }
                    _ => {
                        let id = match added.get(n as usize) {
                            Some(&id) => id,
                            None => FaceId(n),
                        };
                        let got = t.remove(id).map(|f| f.info.remote_uri);
                        prop_assert_eq!(got, model.remove(&id));
                    }
                }
                prop_assert_eq!(t.len(), model.len());
                let order: Vec<_> = t.iter().map(|f| (f.id(), f.info.remote_uri.clone())).collect();
                let expected: Vec<_> = model.iter().map(|(&k, v)| (k, v.clone())).collect();
                prop_assert_eq!(order, expected);
                let probes = (0..8).chain(250..260).map(FaceId).chain(added.iter().copied());
                for probe in probes {
                    prop_assert_eq!(t.contains(probe), model.contains_key(&probe));
                    prop_assert_eq!(
                        t.get(probe).map(|f| f.id()),
                        model.contains_key(&probe).then_some(probe)
                    );
                }
            }
        }
    }
}
