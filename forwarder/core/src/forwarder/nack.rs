//! Nack pipelines: incoming Nack, outgoing Nack.

use std::time::Duration;

use ndn::Interest;
use ndn::lp::NackReason;

use super::interest::Trigger;
use super::{Forwarder, OutPacket};
use crate::face::{FaceId, LinkType};
use crate::table::PitEntryId;

impl Forwarder {
    pub(super) fn on_incoming_nack(
        &mut self,
        now: Duration,
        ingress: FaceId,
        interest: Interest,
        reason: NackReason,
    ) {
        self.counters.n_in_nacks += 1;
        self.counters.in_nacks.add(reason);
        match self.faces.get_mut(ingress) {
            Some(f) => f.counters.n_in_nacks += 1,
            None => return,
        }
        // Nacks are only meaningful on point-to-point links
        if self.link_type(ingress) != Some(LinkType::PointToPoint) {
            self.counters.drops.invalid_nack += 1;
            return;
        }
        let hash = self.name_hash(interest.name());
        let Some(id) = self.pit.find(&interest, hash) else {
            self.counters.drops.invalid_nack += 1;
            return;
        };
        // the Nack must answer the last Interest sent to that upstream
        let Some(out) = self.pit.get_mut(id).and_then(|e| e.out_record_mut(ingress)) else {
            self.counters.drops.invalid_nack += 1;
            return;
        };
        if Some(out.nonce) != interest.nonce() {
            self.counters.drops.invalid_nack += 1;
            return;
        }
        out.nack = Some(reason);
        self.run_strategy(now, id, ingress, &[], Trigger::Nack(reason));
    }

    /// Outgoing Nack: to a point-to-point downstream that has an in-record, carrying the Interest
    /// it sent and its PitToken; the in-record goes.
    pub(super) fn on_outgoing_nack(
        &mut self,
        _now: Duration,
        id: PitEntryId,
        egress: FaceId,
        reason: NackReason,
    ) {
        if self.link_type(egress) != Some(LinkType::PointToPoint) {
            self.counters.drops.nack_not_sent += 1;
            return;
        }
        let Some(entry) = self.pit.get_mut(id) else {
            return;
        };
        let Some(record) = entry.in_record(egress) else {
            return;
        };
        let wire = record.wire.clone();
        let pit_token = record.pit_token.clone();
        entry.remove_in_record(egress);
        self.count_out_nack(egress, reason);
        if egress == FaceId::INTERNAL {
            return;
        }
        self.push_transmit(
            egress,
            OutPacket::Nack {
                reason,
                interest: wire,
            },
            egress,
            pit_token,
            0,
        );
    }
}
