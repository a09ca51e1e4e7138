//! Faces as the core sees them: an id, a scope, a link type and counters. The transport and
//! link service live in the driver; the core only needs to know how to treat each face.

use std::collections::BTreeMap;
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
#[derive(Debug, Clone)]
pub struct FaceTable {
    faces: BTreeMap<FaceId, Face>,
    next_id: u64,
}

impl Default for FaceTable {
    fn default() -> Self {
        FaceTable {
            faces: BTreeMap::new(),
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

    /// Add a face with a reserved id (the internal face).
    pub(crate) fn insert(&mut self, id: FaceId, info: FaceInfo) {
        self.faces.insert(
            id,
            Face {
                id,
                info,
                counters: FaceCounters::default(),
            },
        );
    }

    /// Remove a face.
    pub fn remove(&mut self, id: FaceId) -> Option<Face> {
        self.faces.remove(&id)
    }

    /// The face with this id.
    pub fn get(&self, id: FaceId) -> Option<&Face> {
        self.faces.get(&id)
    }

    /// The face with this id, mutably.
    pub fn get_mut(&mut self, id: FaceId) -> Option<&mut Face> {
        self.faces.get_mut(&id)
    }

    /// True when the face exists.
    pub fn contains(&self, id: FaceId) -> bool {
        self.faces.contains_key(&id)
    }

    /// All faces in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Face> {
        self.faces.values()
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
