//! NFD management, reached through the internal face: control commands under `/localhost/nfd`
//! (and `/localhop/nfd/rib` when enabled), status datasets, face event notifications, and the
//! RIB. Handlers are pure functions of the forwarder's state; `faces/create` becomes a request
//! the driver fulfils ([`crate::Event::CreateFace`], [`crate::Forwarder::complete_face_create`]).

pub mod authorization;
mod commands;
mod datasets;
pub mod prefix_announcements;
pub mod rib;
mod store;

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use ndn::mgmt::{
    CommandError, ControlParameters, ControlResponse, FaceEventKind, FaceEventNotification, Record,
    localhop_nfd, localhost_nfd, parse_command_interest, status_code,
};
use ndn::sign::{DigestSha256, Verifier};
use ndn::{Data, DataBuilder, Interest, Name};

use crate::face::{FaceId, FaceInfo};
use crate::forwarder::{Forwarder, LinkFields};
use rib::Rib;
use store::Store;

/// Most bytes of dataset content per segment.
const SEGMENT_SIZE: usize = 8000;

/// A `faces/create` command waiting for the driver.
#[derive(Debug, Clone)]
pub(crate) struct PendingCreate {
    /// Name of the command Interest (the response's name).
    name: Name,
    /// The command's parameters.
    params: ControlParameters,
}

/// What a driver asked to create a face reports back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaceCreateOutcome {
    /// The face was created with this id.
    Created(FaceId),
    /// A face with this remote URI already exists.
    Exists(FaceId),
    /// The face could not be created: an NFD status code and text.
    Failed {
        /// Status code (400 bad URI, 406 unsupported, 504 connect timeout, ...).
        code: u32,
        /// Explanation.
        text: String,
    },
}

/// A face the management asks the driver to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceCreateRequest {
    /// Pass back to [`Forwarder::complete_face_create`].
    pub request: u64,
    /// Remote face URI.
    pub uri: String,
    /// Local face URI, if given.
    pub local_uri: Option<String>,
    /// Persistency (persistent when not given).
    pub persistency: ndn::mgmt::FacePersistency,
    /// MTU override.
    pub mtu: Option<u64>,
}

/// Management state kept by the forwarder.
#[derive(Debug)]
pub(crate) struct Management {
    pub(crate) rib: Rib,
    store: Store,
    pending_creates: BTreeMap<u64, PendingCreate>,
    next_request: u64,
    next_event_seq: u64,
    last_version: u64,
    /// Unix time in ms at the driver's time origin.
    wall_origin_ms: u64,
    start: Duration,
    pub(crate) channels: Vec<String>,
    pub(crate) localhop_enabled: bool,
    authenticator: authorization::CommandAuthenticator,
}

impl Management {
    pub(crate) fn new() -> Self {
        Management {
            rib: Rib::default(),
            store: Store::default(),
            pending_creates: BTreeMap::new(),
            next_request: 1,
            next_event_seq: 1,
            last_version: 0,
            wall_origin_ms: 0,
            start: Duration::ZERO,
            channels: Vec::new(),
            localhop_enabled: false,
            authenticator: authorization::CommandAuthenticator::default(),
        }
    }

    fn wall_ms(&self, now: Duration) -> u64 {
        self.wall_origin_ms + now.as_millis() as u64
    }

    /// A dataset version: the wall clock in ms, strictly increasing.
    fn next_version(&mut self, now: Duration) -> u64 {
        self.last_version = self.wall_ms(now).max(self.last_version + 1);
        self.last_version
    }
}

fn is_under(name: &Name, prefix: &Name) -> bool {
    prefix.is_prefix_of(name)
}

/// The notification of `kind` about `face`, described by `info`.
pub(crate) fn face_event(
    face: FaceId,
    info: &FaceInfo,
    kind: FaceEventKind,
) -> FaceEventNotification {
    FaceEventNotification {
        kind,
        face_id: face.0,
        uri: info.remote_uri.clone(),
        local_uri: info.local_uri.clone(),
        face_scope: info.scope,
        face_persistency: info.persistency,
        link_type: info.link_type,
        flags: datasets::face_flags(info),
    }
}

impl Forwarder {
    /// Tell the core what wall-clock time (ms since the Unix epoch) its time origin is, and when
    /// it started; status datasets report wall-clock times.
    pub fn set_wall_clock(&mut self, origin_unix_ms: u64, start: Duration) {
        self.mgmt.wall_origin_ms = origin_unix_ms;
        self.mgmt.start = start;
    }

    /// Who may run `faces`, `fib`, `cs` and `strategy-choice` commands (NFD's
    /// `authorizations`); `None`, the default, lets every local application run them all.
    pub fn set_authorizations(
        &mut self,
        authorizations: Option<Vec<authorization::Authorization>>,
    ) {
        self.mgmt.authenticator.set(authorizations);
    }

    /// The listening endpoints the driver has (the `faces/channels` dataset).
    pub fn set_channels(&mut self, channels: Vec<String>) {
        self.mgmt.channels = channels;
    }

    /// Accept `/localhop/nfd/rib/register` and `unregister` from non-local faces.
    pub fn set_localhop_registration(&mut self, enabled: bool) {
        self.mgmt.localhop_enabled = enabled;
        let prefix = localhop_nfd();
        if enabled {
            self.add_next_hop(&prefix, FaceId::INTERNAL, 0);
        } else {
            self.remove_next_hop(&prefix, FaceId::INTERNAL);
        }
    }

    /// The RIB.
    pub fn rib(&self) -> &Rib {
        &self.mgmt.rib
    }

    /// Register a route in the RIB (static routes use origin 255) and update the FIB.
    pub fn register_route(&mut self, now: Duration, prefix: &Name, route: rib::RibRoute) {
        let _ = now;
        self.mgmt.rib.insert(prefix, route);
        self.rib_changed(prefix);
        if let Some(t) = route.expires {
            self.arm(t, crate::forwarder::timers::Timer::RibExpiry);
        }
    }

    /// Remove a route from the RIB and update the FIB.
    pub fn unregister_route(&mut self, prefix: &Name, face: FaceId, origin: u64) -> bool {
        let removed = self.mgmt.rib.remove(prefix, face, origin);
        if removed {
            self.rib_changed(prefix);
        }
        removed
    }

    /// Recompute the FIB entries that depend on the RIB entry `prefix`.
    pub(crate) fn rib_changed(&mut self, prefix: &Name) {
        for p in self.mgmt.rib.affected_by(prefix) {
            let hops = if self.mgmt.rib.routes(&p).is_some() {
                self.mgmt.rib.next_hops(&p)
            } else {
                Vec::new()
            };
            self.set_next_hops(&p, hops);
        }
    }

    pub(crate) fn expire_routes(&mut self, now: Duration) {
        for p in self.mgmt.rib.remove_expired(now) {
            self.rib_changed(&p);
        }
        if let Some(t) = self.mgmt.rib.next_expiry() {
            self.arm(t, crate::forwarder::timers::Timer::RibExpiry);
        }
    }

    pub(crate) fn mgmt_face_removed(&mut self, face: FaceId) {
        for p in self.mgmt.rib.remove_face(face) {
            self.rib_changed(&p);
        }
    }

    /// Handle an Interest that reached the internal face; `downstream` is the face it came from.
    pub(crate) fn handle_management(
        &mut self,
        now: Duration,
        interest: Interest,
        downstream: FaceId,
    ) {
        if let Some(wire) = self.mgmt.store.find(now, &interest) {
            self.inject_management_data(now, wire);
            return;
        }
        let name = interest.name().clone();
        let local = localhost_nfd();
        let hop = localhop_nfd();
        let (prefix, remote) = if is_under(&name, &local) {
            (local, false)
        } else if self.mgmt.localhop_enabled && is_under(&name, &hop) {
            (hop, true)
        } else {
            return;
        };
        let part = |i: usize| name.get(prefix.len() + i).map(|c| c.value().to_vec());
        let (module, verb) = (part(0).unwrap_or_default(), part(1).unwrap_or_default());
        let dataset = match (&module[..], &verb[..]) {
            (b"faces", b"list" | b"channels" | b"query")
            | (b"fib", b"list")
            | (b"rib", b"list")
            | (b"strategy-choice", b"list")
            | (b"cs", b"info")
            | (b"status", b"general") => true,
            // notifications are answered from the store when they exist; otherwise the
            // Interest waits in the PIT for the next one
            (b"faces", b"events") => return,
            _ => false,
        };
        if dataset {
            if !remote {
                self.serve_dataset(now, &interest, &prefix, &module, &verb);
            }
            return;
        }
        let response = match parse_command_interest(&interest, &prefix) {
            Err(CommandError::Unsigned) => {
                ControlResponse::new(status_code::FORBIDDEN, "command is not signed")
            }
            Err(e) => ControlResponse::new(status_code::BAD_REQUEST, e.to_string()),
            Ok(cmd) => {
                let sig = &cmd.signature;
                let digest_ok = sig.info.signature_type
                    != ndn::packet::signature_type::DIGEST_SHA256
                    || sig.verify(&DigestSha256 as &dyn Verifier).is_ok();
                if !digest_ok {
                    ControlResponse::new(status_code::FORBIDDEN, "command signature is invalid")
                } else if remote && cmd.request.module != "rib" {
                    ControlResponse::new(status_code::FORBIDDEN, "only rib commands over localhop")
                } else if let Err(why) =
                    self.mgmt
                        .authenticator
                        .check(&cmd.request.module, sig, self.mgmt.wall_ms(now))
                {
                    ControlResponse::new(status_code::FORBIDDEN, why)
                } else if let Some(announcement) = &cmd.request.prefix_announcement {
                    if remote {
                        ControlResponse::new(
                            status_code::FORBIDDEN,
                            "rib/announce is for local applications",
                        )
                    } else {
                        self.announce_command(now, announcement, downstream)
                    }
                } else {
                    match self.run_command(
                        now,
                        &name,
                        &cmd.request.module,
                        &cmd.request.verb,
                        cmd.request.parameters,
                        downstream,
                    ) {
                        Some(r) => r,
                        // answered later (faces/create)
                        None => return,
                    }
                }
            }
        };
        self.send_control_response(now, &name, &response);
    }

    fn send_control_response(&mut self, now: Duration, name: &Name, response: &ControlResponse) {
        if let Ok(wire) = DataBuilder::new(name.clone())
            .content(response.encode())
            .sign(&DigestSha256)
        {
            self.inject_management_data(now, wire);
        }
    }

    /// Feed management Data into the forwarder as if it came from the internal face.
    fn inject_management_data(&mut self, now: Duration, wire: Bytes) {
        if let Ok(data) = Data::decode(wire) {
            let link = LinkFields {
                no_cache: true,
                ..Default::default()
            };
            self.on_incoming_data(now, FaceId::INTERNAL, data, &link);
        }
    }

    /// Segment `content` under `base/v=<version>`, keep the segments, and send the first.
    fn publish_dataset(&mut self, now: Duration, base: &Name, content: Bytes) {
        let version = self.mgmt.next_version(now);
        let versioned = base.append_version(version);
        let chunks: Vec<Bytes> = if content.is_empty() {
            vec![Bytes::new()]
        } else {
            (0..content.len())
                .step_by(SEGMENT_SIZE)
                .map(|s| content.slice(s..(s + SEGMENT_SIZE).min(content.len())))
                .collect()
        };
        let last = chunks.len() as u64 - 1;
        let mut first = None;
        for (i, chunk) in chunks.into_iter().enumerate() {
            let seg_name = versioned.append_segment(i as u64);
            let Ok(wire) = DataBuilder::new(seg_name.clone())
                .content(chunk)
                .freshness_period(1000)
                .final_segment(last)
                .sign(&DigestSha256)
            else {
                return;
            };
            self.mgmt.store.insert(now, &seg_name, wire.clone());
            if first.is_none() {
                first = Some(wire);
            }
        }
        if let Some(w) = first {
            self.inject_management_data(now, w);
        }
    }

    /// Publish a face event notification (`/localhost/nfd/faces/events/seq=N`) about a face in
    /// the face table.
    pub(crate) fn notify_face_event(&mut self, now: Duration, face: FaceId, kind: FaceEventKind) {
        let Some(f) = self.faces.get(face) else {
            return;
        };
        let n = face_event(face, &f.info, kind);
        self.publish_face_event(now, &n);
    }

    /// Publish a face event notification (`/localhost/nfd/faces/events/seq=N`).
    pub(crate) fn publish_face_event(&mut self, now: Duration, n: &FaceEventNotification) {
        let seq = self.mgmt.next_event_seq;
        self.mgmt.next_event_seq += 1;
        let name = localhost_nfd()
            .append_generic("faces")
            .append_generic("events")
            .append_sequence_num(seq);
        if let Ok(wire) = DataBuilder::new(name.clone())
            .content(n.encode())
            .freshness_period(1000)
            .sign(&DigestSha256)
        {
            self.mgmt.store.insert(now, &name, wire.clone());
            self.inject_management_data(now, wire);
        }
    }

    /// Report the result of a [`crate::Event::CreateFace`] request.
    pub fn complete_face_create(
        &mut self,
        now: Duration,
        request: u64,
        outcome: FaceCreateOutcome,
    ) {
        let Some(p) = self.mgmt.pending_creates.remove(&request) else {
            return;
        };
        let response = match outcome {
            FaceCreateOutcome::Created(id) => {
                self.apply_face_params(id, &p.params);
                ControlResponse::ok(self.face_parameters(id))
            }
            FaceCreateOutcome::Exists(id) => {
                let mut r = ControlResponse::new(status_code::CONFLICT, "face exists");
                r.body = Some(self.face_parameters(id));
                r
            }
            FaceCreateOutcome::Failed { code, text } => ControlResponse::new(code, text),
        };
        self.send_control_response(now, &p.name, &response);
        self.drain_internal(now);
    }
}
