//! Data pipelines: incoming Data, unsolicited Data, outgoing Data.

use std::time::Duration;

use bytes::Bytes;
use ndn::Data;

use super::interest::Trigger;
use super::{Forwarder, LinkFields, OutPacket, Transmit, UnsolicitedDataPolicy};
use crate::face::{FaceId, LinkType};
use crate::strategy::StrategyKind;
use crate::table::PitEntryId;

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
        let localhost = Self::is_localhost(data.name());
        if !local_ingress && localhost {
            self.counters.drops.localhost_violation += 1;
            return;
        }
        let mut hashes = std::mem::take(&mut self.hashes);
        data.name().prefix_hashes_into(self.hash_key, &mut hashes);
        let name_hash = hashes.last().copied().unwrap_or(0);
        // the PIT match and the CS insert start at these buckets
        self.pit.prefetch(name_hash);
        self.cs.prefetch_insert(name_hash);
        let key = self.hash_key;
        let mut matches = std::mem::take(&mut self.matches);
        self.pit.data_matches_into(
            &data,
            &hashes,
            || {
                let full = data.full_name();
                let h = full.hash_with_key(key);
                (full, h)
            },
            &mut matches,
        );
        if matches.is_empty() {
            self.matches = matches;
            self.hashes = hashes;
            self.on_data_unsolicited(now, ingress, local_ingress, &data, name_hash, link);
            return;
        }
        // cache the Data unless the producer asked otherwise
        if !link.no_cache {
            self.cs.insert(now, &data, name_hash);
        }
        let ingress_ad_hoc = self.link_type(ingress) == Some(LinkType::AdHoc);
        let mut downstreams = std::mem::take(&mut self.downstreams);
        downstreams.clear();
        for &id in &matches {
            let strategy =
                self.run_strategy(now, id, ingress, &hashes, Trigger::BeforeSatisfy(&data));
            // the announcement the Data arrived with goes on with it, as NFD's tag does
            let announcement = match strategy {
                Some(StrategyKind::SelfLearning) => {
                    self.self_learning_data(now, id, ingress, &data, link)
                }
                _ => link.prefix_announcement.clone(),
            };
            let Some(entry) = self.pit.get_mut(id) else {
                continue;
            };
            if entry.satisfied {
                // another upstream's answer to an entry kept a while after its Data (ASF
                // measures its probes this way); the downstreams have had theirs
                self.retire_out_record(now, id, ingress);
                continue;
            }
            for r in &entry.in_records {
                // Data goes back on the ingress face only on ad hoc links
                if r.expiry > now && (r.face != ingress || ingress_ad_hoc) {
                    downstreams.push((r.face, r.pit_token.clone(), announcement.clone()));
                }
            }
            entry.satisfied = true;
            entry.data_freshness = data.freshness_period().map(Duration::from_millis);
            self.counters.n_satisfied_interests += 1;
            match strategy.and_then(StrategyKind::keeps_satisfied_entries_for) {
                Some(linger) => self.keep_satisfied_entry(now, id, ingress, linger),
                None => self.finalize_interest(now, id),
            }
        }
        self.matches = matches;
        self.hashes = hashes;
        // each downstream once, in face id order, with the PitToken of its first Interest
        // (the sort is stable, so the first record of a face stays first)
        downstreams.sort_by_key(|(face, _, _)| *face);
        downstreams.dedup_by_key(|(face, _, _)| *face);
        for (face, pit_token, announcement) in downstreams.drain(..) {
            let t = Transmit {
                face,
                packet: OutPacket::Data(data.wire().clone()),
                incoming_face: ingress,
                pit_token,
                congestion_mark: link.congestion_mark,
                non_discovery: false,
                prefix_announcement: announcement,
            };
            self.on_outgoing_data(t, localhost);
        }
        self.downstreams = downstreams;
    }

    /// self-learning's side of a Data that satisfies entry `id`: the prefix announcement its
    /// downstreams get. A Data answering an Interest sent by route (NonDiscovery) gets one
    /// from the RIB when some downstream asked by discovery and is not a local application;
    /// a Data answering a discovery Interest teaches the route its announcement names, through
    /// the ingress face, and carries the announcement on.
    fn self_learning_data(
        &mut self,
        now: Duration,
        id: PitEntryId,
        ingress: FaceId,
        data: &Data,
        link: &LinkFields,
    ) -> Option<Box<Bytes>> {
        let entry = self.pit.get(id)?;
        let Some(out) = entry.out_record(ingress) else {
            return link.prefix_announcement.clone();
        };
        if out.non_discovery {
            let mut discovery_downstream = false;
            let mut remote_downstream = false;
            for r in entry.in_records.iter().filter(|r| r.expiry > now) {
                discovery_downstream |= !r.non_discovery;
                remote_downstream |= self.faces.get(r.face).is_some_and(|f| !f.is_local());
            }
            if discovery_downstream && remote_downstream {
                return self
                    .find_announcement(now, data.name())
                    .map(Box::new)
                    .or_else(|| link.prefix_announcement.clone());
            }
            return link.prefix_announcement.clone();
        }
        if let Some(wire) = &link.prefix_announcement {
            self.learn_route(now, ingress, data.name(), wire.as_ref());
        }
        link.prefix_announcement.clone()
    }

    /// Keep satisfied entry `id` for `linger` (NFD's ASF extends the entry's expiry timer so),
    /// so that the Data of the other upstreams still waited for reaches the strategy: without
    /// downstreams and without the out-record of `ingress`, whose Data came. Finalized at once
    /// when no other upstream may still answer.
    fn keep_satisfied_entry(
        &mut self,
        now: Duration,
        id: PitEntryId,
        ingress: FaceId,
        linger: Duration,
    ) {
        let Some(entry) = self.pit.get_mut(id) else {
            return;
        };
        entry.in_records = Default::default();
        if self.retire_out_record(now, id, ingress) {
            self.timer_seq += 1;
            self.pit.set_expiry(id, now + linger, self.timer_seq);
        }
    }

    /// The upstream `face` answered satisfied entry `id`: its out-record goes (its Nonce to
    /// the Dead Nonce List if finalizing would put it there), and the entry is finalized when
    /// no other upstream may still answer. True when the entry stays.
    fn retire_out_record(&mut self, now: Duration, id: PitEntryId, face: FaceId) -> bool {
        let Some(entry) = self.pit.get(id) else {
            return false;
        };
        if let Some(r) = entry.out_record(face)
            && self.satisfied_needs_dead_nonce(entry)
        {
            self.dead_nonces.add(now, entry.name_hash(), r.nonce);
            self.arm_maintenance(now);
        }
        let Some(entry) = self.pit.get_mut(id) else {
            return false;
        };
        entry.remove_out_record(face);
        if entry.out_records.iter().all(|r| r.nack.is_some()) {
            self.finalize_interest(now, id);
            return false;
        }
        true
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
            self.cs.insert_unsolicited(now, data, name_hash);
        } else if ingress != FaceId::INTERNAL {
            // management publishes notifications whether or not anyone waits for them
            self.counters.drops.unsolicited_data += 1;
        }
    }

    /// Outgoing Data: scope check, count, send `t` (a Data, with the downstream's PitToken,
    /// the CongestionMark the Data arrived with, and a prefix announcement for self-learning).
    /// `localhost` tells whether the Data name starts with `/localhost` (the callers know it
    /// without decoding the wire again).
    pub(super) fn on_outgoing_data(&mut self, t: Transmit, localhost: bool) {
        let Some(face) = self.faces.get_mut(t.face) else {
            return;
        };
        // /localhost Data never leaves through a non-local face
        if localhost && !face.is_local() {
            self.counters.drops.localhost_violation += 1;
            return;
        }
        face.counters.n_out_data += 1;
        self.counters.n_out_data += 1;
        if t.face == FaceId::INTERNAL {
            return;
        }
        self.transmits.push_back(t);
    }
}
