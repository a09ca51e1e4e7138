//! Status datasets: faces (list, query, channels), fib, rib, strategy-choice, cs info, and the
//! general forwarder status.

use std::time::Duration;

use bytes::Bytes;
use ndn::mgmt::{
    ChannelStatus, CsInfo, FaceQueryFilter, FaceStatus, FibEntry, GeneralStatus, NextHopRecord,
    Record, RibEntry, Route, StrategyChoice, encode_dataset, face_flags as ff,
};
use ndn::{Interest, Name};

use crate::face::{Face, FaceInfo};
use crate::forwarder::Forwarder;
use crate::table::Cs;

/// The version string reported in the general status dataset.
pub(crate) const VERSION: &str = concat!("ndn-rs ", env!("CARGO_PKG_VERSION"));

/// NFD face flags of a face.
pub(crate) fn face_flags(info: &FaceInfo) -> u64 {
    let mut f = 0;
    if info.local_fields_enabled {
        f |= ff::LOCAL_FIELDS_ENABLED;
    }
    if info.congestion_marking_enabled {
        f |= ff::CONGESTION_MARKING_ENABLED;
    }
    if info.lp_reliability_enabled {
        f |= ff::LP_RELIABILITY_ENABLED;
    }
    f
}

/// NFD CS flags of the content store.
pub(crate) fn cs_flags(cs: &Cs) -> u64 {
    let mut f = 0;
    if cs.policy.admit {
        f |= ndn::mgmt::cs_flags::ENABLE_ADMIT;
    }
    if cs.policy.serve {
        f |= ndn::mgmt::cs_flags::ENABLE_SERVE;
    }
    f
}

fn face_status(f: &Face) -> FaceStatus {
    let c = &f.counters;
    FaceStatus {
        face_id: f.id().0,
        uri: f.info.remote_uri.clone(),
        local_uri: f.info.local_uri.clone(),
        expiration_period_ms: None,
        face_scope: f.info.scope,
        face_persistency: f.info.persistency,
        link_type: f.info.link_type,
        base_congestion_marking_interval_ns: None,
        default_congestion_threshold: None,
        mtu: f.info.mtu,
        n_in_interests: c.n_in_interests,
        n_in_data: c.n_in_data,
        n_in_nacks: c.n_in_nacks,
        n_out_interests: c.n_out_interests,
        n_out_data: c.n_out_data,
        n_out_nacks: c.n_out_nacks,
        n_in_bytes: c.n_in_bytes,
        n_out_bytes: c.n_out_bytes,
        flags: face_flags(&f.info),
    }
}

fn scheme(uri: &str) -> &str {
    uri.split("://").next().unwrap_or_default()
}

fn matches(filter: &FaceQueryFilter, f: &Face) -> bool {
    filter.face_id.is_none_or(|id| id == f.id().0)
        && filter
            .uri_scheme
            .as_deref()
            .is_none_or(|s| scheme(&f.info.remote_uri) == s || scheme(&f.info.local_uri) == s)
        && filter.uri.as_deref().is_none_or(|u| u == f.info.remote_uri)
        && filter
            .local_uri
            .as_deref()
            .is_none_or(|u| u == f.info.local_uri)
        && filter.face_scope.is_none_or(|s| s == f.info.scope)
        && filter
            .face_persistency
            .is_none_or(|p| p == f.info.persistency)
        && filter.link_type.is_none_or(|l| l == f.info.link_type)
}

impl Forwarder {
    /// Answer a dataset request: build the payload, segment it, send the first segment.
    pub(super) fn serve_dataset(
        &mut self,
        now: Duration,
        interest: &Interest,
        prefix: &Name,
        module: &[u8],
        verb: &[u8],
    ) {
        let mut base = prefix.append_generic(module).append_generic(verb);
        let content: Bytes = match (module, verb) {
            (b"faces", b"list") => {
                let v: Vec<FaceStatus> = self.faces.iter().map(face_status).collect();
                encode_dataset(&v)
            }
            (b"faces", b"query") => {
                // the filter is the component after the verb (absent: match everything)
                let filter_comp = interest.name().get(base.len());
                let filter = match filter_comp {
                    Some(c) if !c.is_parameters_digest() && !c.is_implicit_digest() => {
                        match FaceQueryFilter::decode(Bytes::copy_from_slice(c.value())) {
                            Ok(f) => {
                                base = base.append_generic(c.value());
                                f
                            }
                            Err(_) => return,
                        }
                    }
                    _ => FaceQueryFilter::default(),
                };
                let v: Vec<FaceStatus> = self
                    .faces
                    .iter()
                    .filter(|f| matches(&filter, f))
                    .map(face_status)
                    .collect();
                encode_dataset(&v)
            }
            (b"faces", b"channels") => {
                let v: Vec<ChannelStatus> = self
                    .mgmt
                    .channels
                    .iter()
                    .map(|c| ChannelStatus {
                        local_uri: c.clone(),
                    })
                    .collect();
                encode_dataset(&v)
            }
            (b"fib", b"list") => {
                let v: Vec<FibEntry> = self
                    .fib
                    .sorted()
                    .into_iter()
                    .map(|(name, e)| FibEntry {
                        name: name.clone(),
                        next_hops: e
                            .next_hops()
                            .iter()
                            .map(|h| NextHopRecord {
                                face_id: h.face.0,
                                cost: h.cost,
                            })
                            .collect(),
                    })
                    .collect();
                encode_dataset(&v)
            }
            (b"rib", b"list") => {
                let v: Vec<RibEntry> = self
                    .mgmt
                    .rib
                    .iter()
                    .map(|(name, routes)| RibEntry {
                        name: name.clone(),
                        routes: routes
                            .iter()
                            .map(|r| Route {
                                face_id: r.face.0,
                                origin: r.origin,
                                cost: r.cost,
                                flags: r.flags,
                                expiration_period_ms: r
                                    .expires
                                    .map(|t| t.saturating_sub(now).as_millis() as u64),
                            })
                            .collect(),
                    })
                    .collect();
                encode_dataset(&v)
            }
            (b"strategy-choice", b"list") => {
                let v: Vec<StrategyChoice> = self
                    .strategy_choice
                    .sorted()
                    .into_iter()
                    .map(|(name, chosen)| StrategyChoice {
                        name: name.clone(),
                        strategy: chosen.name(),
                    })
                    .collect();
                encode_dataset(&v)
            }
            (b"cs", b"info") => CsInfo {
                capacity: self.cs.capacity_packets() as u64,
                flags: cs_flags(&self.cs),
                n_entries: self.cs.len() as u64,
                n_hits: self.cs.n_hits,
                n_misses: self.cs.n_misses,
            }
            .encode(),
            (b"status", b"general") => {
                let c = &self.counters;
                GeneralStatus {
                    nfd_version: VERSION.to_owned(),
                    start_timestamp_ms: self.mgmt.wall_ms(self.mgmt.start),
                    current_timestamp_ms: self.mgmt.wall_ms(now),
                    n_name_tree_entries: (self.fib.len()
                        + self.pit.len()
                        + self.measurements.len()
                        + self.strategy_choice.len())
                        as u64,
                    n_fib_entries: self.fib.len() as u64,
                    n_pit_entries: self.pit.len() as u64,
                    n_measurements_entries: self.measurements.len() as u64,
                    n_cs_entries: self.cs.len() as u64,
                    n_in_interests: c.n_in_interests,
                    n_in_data: c.n_in_data,
                    n_in_nacks: c.n_in_nacks,
                    n_out_interests: c.n_out_interests,
                    n_out_data: c.n_out_data,
                    n_out_nacks: c.n_out_nacks,
                    n_satisfied_interests: c.n_satisfied_interests,
                    n_unsatisfied_interests: c.n_unsatisfied_interests,
                }
                .encode()
            }
            _ => return,
        };
        self.publish_dataset(now, &base, content);
    }
}
