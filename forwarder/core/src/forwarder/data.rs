//! Data pipelines: incoming Data, unsolicited Data, outgoing Data.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use ndn::Data;

use super::interest::Trigger;
use super::{Forwarder, LinkFields, OutPacket, UnsolicitedDataPolicy};
use crate::face::{FaceId, LinkType};
use crate::strategy::would_violate_scope;

fn is_localhost(data: &Data) -> bool {
    data.name()
        .get(0)
        .is_some_and(|c| c.value() == b"localhost")
}

impl Forwarder {
    pub(crate) fn on_incoming_data(
        &mut self,
        now: Duration,
        ingress: FaceId,
        data: Data,
        link: &LinkFields,
    ) {
        self.counters.n_in_data += 1;
        let local_ingress = match self.faces.get_mut(ingress) {
            Some(f) => {
                f.counters.n_in_data += 1;
                f.is_local()
            }
            None => return,
        };
        // /localhost Data never comes from a non-local face
        if !local_ingress && is_localhost(&data) {
            self.counters.drops.localhost_violation += 1;
            return;
        }
        let mut hashes = std::mem::take(&mut self.hashes);
        data.name().prefix_hashes_into(self.hash_key, &mut hashes);
        let name_hash = hashes.last().copied().unwrap_or(0);
        let key = self.hash_key;
        let matches = self.pit.data_matches(&data, &hashes, || {
            let full = data.full_name();
            let h = full.hash_with_key(key);
            (full, h)
        });
        if matches.is_empty() {
            self.hashes = hashes;
            self.on_data_unsolicited(now, ingress, local_ingress, &data, name_hash, link);
            return;
        }
        // cache the Data unless the producer asked otherwise
        if !link.no_cache {
            self.cs.insert(now, &data, name_hash);
        }
        let ingress_ad_hoc = self.link_type(ingress) == Some(LinkType::AdHoc);
        // each downstream once, with the PitToken of its Interest
        let mut downstreams = BTreeMap::new();
        for id in matches {
            self.run_strategy(now, id, ingress, &hashes, Trigger::BeforeSatisfy(&data));
            let Some(entry) = self.pit.get_mut(id) else {
                continue;
            };
            for r in &entry.in_records {
                // Data goes back on the ingress face only on ad hoc links
                if r.expiry > now && (r.face != ingress || ingress_ad_hoc) {
                    downstreams
                        .entry(r.face)
                        .or_insert_with(|| r.pit_token.clone());
                }
            }
            entry.satisfied = true;
            entry.data_freshness = data.freshness_period().map(Duration::from_millis);
            self.counters.n_satisfied_interests += 1;
            self.finalize_interest(now, id);
        }
        self.hashes = hashes;
        for (face, pit_token) in downstreams {
            self.on_outgoing_data(now, face, data.wire().clone(), ingress, pit_token);
        }
    }

    fn on_data_unsolicited(
        &mut self,
        now: Duration,
        ingress: FaceId,
        local_ingress: bool,
        data: &Data,
        name_hash: u64,
        link: &LinkFields,
    ) {
        let admit = match self.config.unsolicited_data_policy {
            UnsolicitedDataPolicy::DropAll => false,
            UnsolicitedDataPolicy::AdmitLocal => local_ingress,
            UnsolicitedDataPolicy::AdmitNetwork => !local_ingress,
            UnsolicitedDataPolicy::AdmitAll => true,
        };
        if admit && !link.no_cache {
            self.cs.insert(now, data, name_hash);
        } else if ingress != FaceId::INTERNAL {
            // management publishes notifications whether or not anyone waits for them
            self.counters.drops.unsolicited_data += 1;
        }
    }

    /// Outgoing Data: scope check, count, send (with the downstream's PitToken).
    pub(super) fn on_outgoing_data(
        &mut self,
        _now: Duration,
        egress: FaceId,
        wire: Bytes,
        incoming_face: FaceId,
        pit_token: Option<Bytes>,
    ) {
        let Some(face) = self.faces.get_mut(egress) else {
            return;
        };
        if !face.is_local() {
            let violates = Data::decode(wire.clone())
                .map(|d| would_violate_scope(None, face.info.scope, d.name()))
                .unwrap_or(true);
            if violates {
                self.counters.drops.localhost_violation += 1;
                return;
            }
        }
        face.counters.n_out_data += 1;
        self.counters.n_out_data += 1;
        if egress == FaceId::INTERNAL {
            return;
        }
        self.push_transmit(egress, OutPacket::Data(wire), incoming_face, pit_token);
    }
}
