//! Control command handlers: faces, fib, rib, strategy-choice, cs.

use std::time::Duration;

use ndn::Name;
use ndn::mgmt::{
    ControlParameters, ControlResponse, FacePersistency, face_flags, route_flags, route_origin,
    status_code,
};

use super::rib::RibRoute;
use super::{FaceCreateRequest, PendingCreate, datasets};
use crate::face::{FaceId, FaceScope, LinkType};
use crate::forwarder::{Event, Forwarder};
use crate::strategy::{Strategy, StrategyError};

/// The smallest MTU management may set on a face (NFD's `MIN_MTU`): below it an NDNLPv2
/// fragment would carry next to nothing.
const MIN_MTU: u64 = 64;

const MTU_TOO_SMALL: &str = "MTU cannot be less than 64";

const NO_MULTI_ACCESS_RELIABILITY: &str =
    "NDNLPv2 link reliability cannot be enabled on a multi-access face";

/// True when a command asks to turn NDNLPv2 link reliability on. A multi-access face refuses:
/// its frames reach many peers, whose acknowledgements would stand for one another.
fn wants_reliability(p: &ControlParameters) -> bool {
    p.mask.unwrap_or(0) & face_flags::LP_RELIABILITY_ENABLED != 0
        && p.flags.unwrap_or(0) & face_flags::LP_RELIABILITY_ENABLED != 0
}

fn bad(text: &str) -> ControlResponse {
    ControlResponse::new(status_code::BAD_REQUEST, text)
}

fn face_gone() -> ControlResponse {
    ControlResponse::new(410, "face not found")
}

impl Forwarder {
    /// Run one authenticated command. `None` means the response comes later.
    pub(super) fn run_command(
        &mut self,
        now: Duration,
        command_name: &Name,
        module: &str,
        verb: &str,
        p: ControlParameters,
        downstream: FaceId,
    ) -> Option<ControlResponse> {
        // FaceId 0 or absent means the face the command came from
        let face_or_ingress = |p: &ControlParameters| match p.face_id {
            None | Some(0) => downstream,
            Some(f) => FaceId(f),
        };
        Some(match (module, verb) {
            ("rib", "register") => {
                let Some(name) = p.name.clone() else {
                    return Some(bad("Name is required"));
                };
                let face = face_or_ingress(&p);
                if !self.faces.contains(face) {
                    return Some(face_gone());
                }
                let route = RibRoute {
                    face,
                    origin: p.origin.unwrap_or(route_origin::APP),
                    cost: p.cost.unwrap_or(0),
                    flags: p.flags.unwrap_or(route_flags::CHILD_INHERIT),
                    expires: p
                        .expiration_period_ms
                        .map(|ms| now + Duration::from_millis(ms)),
                };
                self.register_route(now, &name, route);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    face_id: Some(face.0),
                    origin: Some(route.origin),
                    cost: Some(route.cost),
                    flags: Some(route.flags),
                    expiration_period_ms: p.expiration_period_ms,
                    ..Default::default()
                })
            }
            ("rib", "unregister") => {
                let Some(name) = p.name.clone() else {
                    return Some(bad("Name is required"));
                };
                let face = face_or_ingress(&p);
                let origin = p.origin.unwrap_or(route_origin::APP);
                self.unregister_route(&name, face, origin);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    face_id: Some(face.0),
                    origin: Some(origin),
                    ..Default::default()
                })
            }
            ("fib", "add-nexthop") => {
                let Some(name) = p.name.clone() else {
                    return Some(bad("Name is required"));
                };
                let face = face_or_ingress(&p);
                if !self.faces.contains(face) {
                    return Some(face_gone());
                }
                let cost = p.cost.unwrap_or(0);
                self.add_next_hop(&name, face, cost);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    face_id: Some(face.0),
                    cost: Some(cost),
                    ..Default::default()
                })
            }
            ("fib", "remove-nexthop") => {
                let Some(name) = p.name.clone() else {
                    return Some(bad("Name is required"));
                };
                let face = face_or_ingress(&p);
                self.remove_next_hop(&name, face);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    face_id: Some(face.0),
                    ..Default::default()
                })
            }
            ("strategy-choice", "set") => {
                let (Some(name), Some(strategy)) = (p.name.clone(), p.strategy.clone()) else {
                    return Some(bad("Name and Strategy are required"));
                };
                let chosen = match Strategy::from_name(&strategy) {
                    Ok(s) => s,
                    Err(StrategyError::NotRegistered) => {
                        return Some(ControlResponse::new(
                            status_code::NOT_FOUND,
                            format!("strategy {strategy} not registered"),
                        ));
                    }
                    Err(e) => {
                        return Some(ControlResponse::new(status_code::CONFLICT, e.to_string()));
                    }
                };
                self.set_strategy(&name, chosen);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    strategy: Some(chosen.name()),
                    ..Default::default()
                })
            }
            ("strategy-choice", "unset") => {
                let Some(name) = p.name.clone() else {
                    return Some(bad("Name is required"));
                };
                if name.is_empty() {
                    return Some(bad("the root strategy choice cannot be unset"));
                }
                self.unset_strategy(&name);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    ..Default::default()
                })
            }
            ("cs", "config") => {
                if let Some(c) = p.capacity {
                    let bytes = self.cs.capacity_bytes();
                    self.cs.set_capacity(c as usize, bytes);
                }
                let mask = p.mask.unwrap_or(0);
                let flags = p.flags.unwrap_or(0);
                if mask & ndn::mgmt::cs_flags::ENABLE_ADMIT != 0 {
                    self.cs.policy.admit = flags & ndn::mgmt::cs_flags::ENABLE_ADMIT != 0;
                }
                if mask & ndn::mgmt::cs_flags::ENABLE_SERVE != 0 {
                    self.cs.policy.serve = flags & ndn::mgmt::cs_flags::ENABLE_SERVE != 0;
                }
                ControlResponse::ok(ControlParameters {
                    capacity: Some(self.cs.capacity_packets() as u64),
                    flags: Some(datasets::cs_flags(&self.cs)),
                    ..Default::default()
                })
            }
            ("cs", "erase") => {
                let Some(name) = p.name.clone() else {
                    return Some(bad("Name is required"));
                };
                let limit = p.count.map_or(usize::MAX, |c| c as usize);
                let n = self.cs.erase_prefix(name.value(), limit);
                ControlResponse::ok(ControlParameters {
                    name: Some(name),
                    count: Some(n as u64),
                    ..Default::default()
                })
            }
            ("faces", "create") => {
                let Some(uri) = p.uri.clone() else {
                    return Some(bad("Uri is required"));
                };
                if p.mtu.is_some_and(|m| m < MIN_MTU) {
                    return Some(ControlResponse::new(
                        status_code::NOT_ACCEPTABLE,
                        MTU_TOO_SMALL,
                    ));
                }
                let request = self.mgmt.next_request;
                self.mgmt.next_request += 1;
                self.mgmt.pending_creates.insert(
                    request,
                    PendingCreate {
                        name: command_name.clone(),
                        params: p.clone(),
                    },
                );
                self.events.push_back(Event::CreateFace(FaceCreateRequest {
                    request,
                    uri,
                    local_uri: p.local_uri.clone(),
                    persistency: p.face_persistency.unwrap_or(FacePersistency::Persistent),
                    mtu: p.mtu,
                }));
                return None;
            }
            ("faces", "update") => {
                let face = face_or_ingress(&p);
                if !self.faces.contains(face) {
                    return Some(face_gone());
                }
                let wants_local_fields = p.mask.unwrap_or(0) & face_flags::LOCAL_FIELDS_ENABLED
                    != 0
                    && p.flags.unwrap_or(0) & face_flags::LOCAL_FIELDS_ENABLED != 0;
                let non_local = self
                    .faces
                    .get(face)
                    .is_some_and(|f| f.info.scope == FaceScope::NonLocal);
                let multi_access = self
                    .faces
                    .get(face)
                    .is_some_and(|f| f.info.link_type != LinkType::PointToPoint);
                let refusal = if wants_local_fields && non_local {
                    Some("local fields cannot be enabled on a non-local face")
                } else if p.mtu.is_some_and(|m| m < MIN_MTU) {
                    Some(MTU_TOO_SMALL)
                } else if wants_reliability(&p) && multi_access {
                    Some(NO_MULTI_ACCESS_RELIABILITY)
                } else {
                    None
                };
                if let Some(text) = refusal {
                    let mut r = ControlResponse::new(status_code::CONFLICT, text);
                    r.body = Some(self.face_parameters(face));
                    return Some(r);
                }
                self.apply_face_params(face, &p);
                ControlResponse::ok(self.face_parameters(face))
            }
            ("faces", "destroy") => {
                let Some(id) = p.face_id else {
                    return Some(bad("FaceId is required"));
                };
                let face = FaceId(id);
                if self.faces.contains(face) && face.is_dynamic() {
                    self.remove_face(now, face);
                    self.events.push_back(Event::DestroyFace(face));
                }
                ControlResponse::ok(ControlParameters {
                    face_id: Some(id),
                    ..Default::default()
                })
            }
            _ => ControlResponse::new(status_code::NOT_IMPLEMENTED, "unrecognized command"),
        })
    }

    /// Apply persistency and flag changes of a `faces/create` or `faces/update` command.
    pub(super) fn apply_face_params(&mut self, face: FaceId, p: &ControlParameters) {
        let Some(f) = self.faces.get_mut(face) else {
            return;
        };
        if let Some(per) = p.face_persistency {
            f.info.persistency = per;
        }
        if let Some(mtu) = p.mtu {
            f.info.mtu = Some(f.info.mtu.map_or(mtu, |m| m.min(mtu)));
        }
        let mask = p.mask.unwrap_or(0);
        let flags = p.flags.unwrap_or(0);
        if mask & face_flags::LOCAL_FIELDS_ENABLED != 0 && f.info.scope == FaceScope::Local {
            f.info.local_fields_enabled = flags & face_flags::LOCAL_FIELDS_ENABLED != 0;
        }
        if mask & face_flags::CONGESTION_MARKING_ENABLED != 0 {
            f.info.congestion_marking_enabled = flags & face_flags::CONGESTION_MARKING_ENABLED != 0;
        }
        if mask & face_flags::LP_RELIABILITY_ENABLED != 0
            && f.info.link_type == LinkType::PointToPoint
        {
            f.info.lp_reliability_enabled = flags & face_flags::LP_RELIABILITY_ENABLED != 0;
        }
    }

    /// The ControlParameters describing a face, as NFD answers face commands.
    pub(super) fn face_parameters(&self, face: FaceId) -> ControlParameters {
        let Some(f) = self.faces.get(face) else {
            return ControlParameters {
                face_id: Some(face.0),
                ..Default::default()
            };
        };
        ControlParameters {
            face_id: Some(face.0),
            uri: Some(f.info.remote_uri.clone()),
            local_uri: Some(f.info.local_uri.clone()),
            face_persistency: Some(f.info.persistency),
            flags: Some(datasets::face_flags(&f.info)),
            mtu: f.info.mtu,
            ..Default::default()
        }
    }
}
