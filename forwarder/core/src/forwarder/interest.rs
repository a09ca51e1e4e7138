//! Interest pipelines: incoming Interest, Interest loop, content store hit and miss, outgoing
//! Interest, Interest finalize; and running strategies.

use std::time::Duration;

use bytes::Bytes;
use ndn::lp::NackReason;
use ndn::{Data, Interest, Name};

use super::timers::Timer;
use super::{Forwarder, LinkFields, OutPacket, Transmit};
use crate::face::{FaceId, LinkType};
use crate::strategy::{Action, StrategyContext, StrategyKind, would_violate_scope};
use crate::table::{Fib, NextHop, PitEntry, PitEntryId};

/// Which strategy trigger to run.
pub(super) enum Trigger<'a> {
    Interest(&'a Interest),
    Nack(NackReason),
    BeforeSatisfy(&'a Data),
    BeforeExpire,
    /// The strategy's timer for the entry ran out.
    Timer,
}

impl Forwarder {
    pub(super) fn on_incoming_interest(
        &mut self,
        now: Duration,
        ingress: FaceId,
        mut interest: Interest,
        link: &LinkFields,
    ) {
        self.counters.n_in_interests += 1;
        let local_ingress = match self.faces.get_mut(ingress) {
            Some(f) => {
                f.counters.n_in_interests += 1;
                f.is_local()
            }
            None => return,
        };
        // /localhost Interests never come from a non-local face
        if !local_ingress && Self::is_localhost(interest.name()) {
            self.counters.drops.localhost_violation += 1;
            return;
        }
        // drop at HopLimit 0, decrement otherwise
        if let Some(h) = interest.hop_limit() {
            if h == 0 {
                self.counters.drops.hop_limit_zero += 1;
                if let Some(f) = self.faces.get_mut(ingress) {
                    f.counters.n_in_hop_limit_zero += 1;
                }
                return;
            }
            interest = interest.with_hop_limit(h - 1);
        }
        // a v0.3 Interest may come without a Nonce: give it one
        let nonce = match interest.nonce() {
            Some(n) => n,
            None => {
                let n = self.rng.next_u32();
                interest = interest.with_nonce(n);
                n
            }
        };
        let mut hashes = std::mem::take(&mut self.hashes);
        interest
            .name()
            .prefix_hashes_into(self.hash_key, &mut hashes);
        let name_hash = hashes.last().copied().unwrap_or(0);
        // the PIT, the CS and the FIB are looked up next, one after the other: start loading
        // their first cache lines now, so that the misses overlap
        self.pit.prefetch_insert(name_hash);
        self.cs.prefetch(name_hash);
        self.fib.prefetch_lpm(interest.name().len(), &hashes);
        // detect duplicate Nonce with the Dead Nonce List
        self.dead_nonces.evict(now);
        if self.dead_nonces.has(name_hash, nonce) {
            self.hashes = hashes;
            self.on_interest_loop(ingress, &interest, link);
            return;
        }
        // an Interest that has reached its producer's region is forwarded by its name
        if !interest.forwarding_hint().is_empty()
            && self.in_producer_region(interest.forwarding_hint())
        {
            interest = interest.without_forwarding_hint();
        }
        match self.pit.find(&interest, name_hash) {
            Some(id) => {
                // detect duplicate Nonce in the PIT entry
                let (dup, pending) = match self.pit.get(id) {
                    Some(e) => {
                        let d = e.find_nonce(nonce, ingress);
                        let mut dup = d.any();
                        if self.link_type(ingress) == Some(LinkType::PointToPoint) && d.in_same {
                            // the same downstream retransmitting with the same Nonce
                            dup = false;
                        }
                        (dup, !e.in_records.is_empty())
                    }
                    None => (false, false),
                };
                if dup {
                    self.hashes = hashes;
                    self.on_interest_loop(ingress, &interest, link);
                    return;
                }
                if !pending && self.try_content_store(now, ingress, &interest, &hashes, link) {
                    self.hashes = hashes;
                    return;
                }
                self.on_content_store_miss(now, ingress, id, &interest, &hashes, link);
            }
            None => {
                // look in the content store before creating a PIT entry
                if self.try_content_store(now, ingress, &interest, &hashes, link) {
                    self.hashes = hashes;
                    return;
                }
                match self.pit.insert(&interest, name_hash) {
                    Ok((id, _)) => {
                        self.on_content_store_miss(now, ingress, id, &interest, &hashes, link)
                    }
                    Err(_) => self.counters.drops.pit_full += 1,
                }
            }
        }
        hashes.clear();
        self.hashes = hashes;
    }

    /// True when a delegation of `hint` is one of this forwarder's network regions or a
    /// prefix of one (NFD's `NetworkRegionTable::isInProducerRegion`).
    fn in_producer_region(&self, hint: &[Name]) -> bool {
        let regions = &self.config.network_regions;
        hint.iter()
            .any(|d| regions.iter().any(|r| d.is_prefix_of(r)))
    }

    /// A looping Interest: Nack Duplicate on point-to-point faces, silent drop elsewhere.
    fn on_interest_loop(&mut self, ingress: FaceId, interest: &Interest, link: &LinkFields) {
        self.counters.drops.loop_detected += 1;
        if self.link_type(ingress) != Some(LinkType::PointToPoint) {
            return;
        }
        self.count_out_nack(ingress, NackReason::Duplicate);
        self.push_transmit(
            ingress,
            OutPacket::Nack {
                reason: NackReason::Duplicate,
                interest: interest.wire().clone(),
            },
            ingress,
            link.pit_token.clone(),
            0,
        );
    }

    /// Look the Interest up in the content store; on a hit, send the Data downstream.
    fn try_content_store(
        &mut self,
        now: Duration,
        ingress: FaceId,
        interest: &Interest,
        hashes: &[u64],
        link: &LinkFields,
    ) -> bool {
        match self.cs.lookup(now, interest, hashes) {
            Some(hit) => {
                // the cached Data's first name component is the Interest's (the Interest name is
                // the Data name, a prefix of it, or it plus a digest; an Interest whose only
                // component is a digest names Data with the empty name: neither is /localhost)
                let localhost = Self::is_localhost(interest.name());
                let pit_token = link.pit_token.clone();
                self.on_content_store_hit(ingress, hit.wire, localhost, pit_token);
                true
            }
            None => false,
        }
    }

    /// Content store hit: the strategy's default `after_content_store_hit` sends the Data back to
    /// the downstream, with the Interest's PitToken; no PIT entry is kept.
    fn on_content_store_hit(
        &mut self,
        ingress: FaceId,
        wire: Bytes,
        localhost: bool,
        pit_token: Option<Bytes>,
    ) {
        self.counters.n_satisfied_interests += 1;
        let from = FaceId::CONTENT_STORE;
        // a cached Data did not cross the congested link that marked it, if any
        self.on_outgoing_data(Transmit::data(ingress, wire, from, pit_token), localhost);
    }

    fn on_content_store_miss(
        &mut self,
        now: Duration,
        ingress: FaceId,
        id: PitEntryId,
        interest: &Interest,
        hashes: &[u64],
        link: &LinkFields,
    ) {
        let Some(entry) = self.pit.get_mut(id) else {
            return;
        };
        // a downstream joining an entry kept after its Data (the content store did not have
        // it) waits for Data anew
        entry.satisfied = false;
        // insert in-record and set the expiry timer to the latest in-record expiry
        entry.insert_or_update_in_record(
            ingress,
            interest,
            link.pit_token.clone(),
            link.non_discovery,
            now,
        );
        let expiry = entry.last_in_record_expiry(now);
        if expiry != entry.expiry() {
            self.timer_seq += 1;
            self.pit.set_expiry(id, expiry, self.timer_seq);
        }
        // a local application chose the next hop itself
        let local_fields = self
            .faces
            .get(ingress)
            .is_some_and(|f| f.is_local() && f.info.local_fields_enabled);
        if let Some(nh) = link.next_hop_face_id.filter(|_| local_fields) {
            let egress = FaceId(nh);
            if self.faces.contains(egress) {
                let non_discovery = self.incoming_non_discovery;
                self.on_outgoing_interest(now, id, egress, interest, non_discovery);
            }
            return;
        }
        self.run_strategy(now, id, ingress, hashes, Trigger::Interest(interest));
    }

    /// Run a strategy trigger for a PIT entry, then carry out the actions it took. Returns
    /// which strategy ran (none when the entry is gone).
    pub(super) fn run_strategy(
        &mut self,
        now: Duration,
        id: PitEntryId,
        ingress: FaceId,
        hashes: &[u64],
        trigger: Trigger<'_>,
    ) -> Option<StrategyKind> {
        let entry = self.pit.get(id)?;
        let name = entry.name();
        // the hashes given are those of the packet's name; the entry's name is a prefix of it
        // (or the packet's full name): recompute when they do not fit
        let mut own = std::mem::take(&mut self.entry_hashes);
        let hashes = if hashes.len() == name.len() + 1 {
            hashes
        } else {
            name.prefix_hashes_into(self.hash_key, &mut own);
            &own
        };
        let strategy = self.strategy_choice.find_effective(name, hashes);
        // next hops and their prefix are borrowed from the FIB, which the strategy cannot change
        let (hops, prefix) = lookup_next_hops(
            &self.fib,
            self.hash_key,
            entry.forwarding_hint(),
            name,
            hashes,
        );
        let Some(entry) = self.pit.get_mut(id) else {
            self.entry_hashes = own;
            return None;
        };
        let trigger_interest = match trigger {
            Trigger::Interest(i) => Some(i),
            _ => None,
        };
        let mut ctx = StrategyContext::new(
            now,
            &self.faces,
            hops,
            prefix,
            &mut self.measurements,
            &mut self.rng,
            &mut self.actions,
        )
        .with_trigger(trigger_interest)
        .with_params(strategy.params)
        .with_names_hashed(self.hash_key, hashes);
        let kind = strategy.kind;
        match trigger {
            Trigger::Interest(i) => kind.after_receive_interest(&mut ctx, entry, ingress, i),
            Trigger::Nack(reason) => kind.after_receive_nack(&mut ctx, entry, ingress, reason),
            Trigger::BeforeSatisfy(d) => kind.before_satisfy_interest(&mut ctx, entry, ingress, d),
            Trigger::BeforeExpire => kind.before_expire_pending_interest(&mut ctx, entry),
            Trigger::Timer => kind.after_timer(&mut ctx, entry, ingress),
        }
        self.entry_hashes = own;
        if !self.measurements.is_empty() {
            self.arm_maintenance(now);
        }
        self.apply_actions(now, id, ingress, trigger_interest);
        Some(kind)
    }

    /// Carry out the strategy's actions; `trigger` is the Interest the strategy was given,
    /// which a [`Action::SendInterest`] without an Interest of its own sends.
    fn apply_actions(
        &mut self,
        now: Duration,
        id: PitEntryId,
        ingress: FaceId,
        trigger: Option<&Interest>,
    ) {
        let mut actions = std::mem::take(&mut self.actions);
        let mut reject = false;
        for a in actions.drain(..) {
            match a {
                Action::SendInterest {
                    face,
                    interest,
                    non_discovery,
                } => {
                    // an Interest that arrived marked NonDiscovery stays marked
                    let non_discovery = non_discovery || self.incoming_non_discovery;
                    match (interest.as_deref(), trigger) {
                        (Some(i), _) | (None, Some(i)) => {
                            self.on_outgoing_interest(now, id, face, i, non_discovery)
                        }
                        (None, None) => {}
                    }
                }
                Action::SendData { face, wire } => {
                    let localhost = Data::decode(wire.clone())
                        .map(|d| Self::is_localhost(d.name()))
                        .unwrap_or(true);
                    let token = self
                        .pit
                        .get(id)
                        .and_then(|e| e.in_record(face))
                        .and_then(|r| r.pit_token.clone());
                    self.on_outgoing_data(Transmit::data(face, wire, ingress, token), localhost)
                }
                Action::SendNack { face, reason } => self.on_outgoing_nack(now, id, face, reason),
                Action::RejectPendingInterest => reject = true,
                Action::ArmTimer { after } => {
                    self.timer_seq += 1;
                    let seq = self.timer_seq;
                    if let Some(e) = self.pit.get_mut(id) {
                        e.strategy_info.timer = seq;
                        self.arm(now + after, Timer::Strategy { entry: id, seq });
                    }
                }
                Action::ForgetLearnedRoute { face } => {
                    if let Some(name) = self.pit.get(id).map(|e| e.name().clone()) {
                        self.forget_learned_route(now, &name, face);
                    }
                }
            }
        }
        self.actions = actions;
        if reject {
            self.finalize_interest(now, id);
        }
    }

    /// Outgoing Interest: check scope and HopLimit, record the upstream, send (marked
    /// NonDiscovery when `non_discovery`).
    pub(super) fn on_outgoing_interest(
        &mut self,
        now: Duration,
        id: PitEntryId,
        egress: FaceId,
        interest: &Interest,
        non_discovery: bool,
    ) {
        let Some(face) = self.faces.get(egress) else {
            return;
        };
        let egress_scope = face.info.scope;
        let downstream = self
            .pit
            .get(id)
            .and_then(|e| e.in_records.first().map(|r| r.face))
            .unwrap_or(FaceId::INVALID);
        let ingress_scope = self.faces.get(downstream).map(|f| f.info.scope);
        if would_violate_scope(ingress_scope, egress_scope, interest.name()) {
            self.counters.drops.localhost_violation += 1;
            return;
        }
        // an Interest whose HopLimit ran out stays on this host
        if interest.hop_limit() == Some(0) && !face.is_local() {
            self.counters.drops.hop_limit_zero += 1;
            if let Some(f) = self.faces.get_mut(egress) {
                f.counters.n_out_hop_limit_zero += 1;
            }
            return;
        }
        let Some(entry) = self.pit.get_mut(id) else {
            return;
        };
        let nonce = interest.nonce().unwrap_or(0);
        entry.insert_or_update_out_record(
            egress,
            nonce,
            interest.lifetime_ms(),
            non_discovery,
            now,
        );
        self.counters.n_out_interests += 1;
        if let Some(f) = self.faces.get_mut(egress) {
            f.counters.n_out_interests += 1;
        }
        if egress == FaceId::INTERNAL {
            self.internal.push_back((interest.clone(), downstream));
        } else {
            self.transmits.push_back(Transmit {
                face: egress,
                packet: OutPacket::Interest(interest.wire().clone()),
                incoming_face: downstream,
                pit_token: None,
                congestion_mark: self.incoming_mark,
                non_discovery,
                prefix_announcement: None,
            });
        }
    }

    /// The entry's lifetime ended without Data.
    pub(super) fn expire_interest(&mut self, now: Duration, id: PitEntryId) {
        // an entry kept after its Data (see `keep_satisfied_entry`) did not fail
        if self.pit.get(id).is_some_and(|e| !e.satisfied) {
            self.run_strategy(now, id, FaceId::INVALID, &[], Trigger::BeforeExpire);
        }
        self.finalize_interest(now, id);
    }

    /// Interest finalize: remove the entry; record in the Dead Nonce List the Nonces that could
    /// still loop back (all, for an unsatisfied entry; for a satisfied MustBeFresh entry whose
    /// Data stays fresh shorter than a Dead Nonce List entry lives, too).
    pub(super) fn finalize_interest(&mut self, now: Duration, id: PitEntryId) {
        let Some(entry) = self.pit.get(id) else {
            return;
        };
        if !entry.satisfied {
            self.counters.n_unsatisfied_interests += 1;
        }
        let needs_dead_nonce = !entry.satisfied || self.satisfied_needs_dead_nonce(entry);
        let record_nonces = needs_dead_nonce && !entry.out_records.is_empty();
        if record_nonces {
            for r in &entry.out_records {
                self.dead_nonces.add(now, entry.name_hash(), r.nonce);
            }
        }
        self.pit.remove(id);
        if record_nonces {
            self.arm_maintenance(now);
        }
    }

    /// Whether the Nonces of satisfied entry `entry` go to the Dead Nonce List: for a
    /// MustBeFresh Interest whose Data stays fresh shorter than a Dead Nonce List entry lives,
    /// since the same Interest may then come back and not be answered from the cache.
    pub(super) fn satisfied_needs_dead_nonce(&self, entry: &PitEntry) -> bool {
        entry.must_be_fresh()
            && entry.data_freshness.unwrap_or(Duration::ZERO) < self.config.dead_nonce_lifetime
    }

    pub(super) fn count_out_nack(&mut self, face: FaceId, reason: NackReason) {
        self.counters.n_out_nacks += 1;
        self.counters.out_nacks.add(reason);
        if let Some(f) = self.faces.get_mut(face) {
            f.counters.n_out_nacks += 1;
        }
    }
}

/// Find the next hops for an Interest, as NFD does: without a ForwardingHint, the FIB's
/// longest-prefix match of its name; with one (it has not reached the producer's region yet),
/// the match of the first delegation that has next hops (the default route, in the consumer's
/// region). Returns the next hops and the FIB prefix they belong to, with its hash.
#[inline]
fn lookup_next_hops<'f>(
    fib: &'f Fib,
    hash_key: u64,
    interest_hint: &[Name],
    name: &Name,
    hashes: &[u64],
) -> (&'f [NextHop], Option<(&'f Name, u64)>) {
    if interest_hint.is_empty() {
        if let Some((prefix, e)) = fib.longest_prefix_match(name, hashes)
            && !e.next_hops().is_empty()
        {
            let h = hashes.get(prefix.len()).copied().unwrap_or(0);
            return (e.next_hops(), Some((prefix, h)));
        }
        return (&[], None);
    }
    let mut hint_hashes = Vec::new();
    for delegation in interest_hint {
        delegation.prefix_hashes_into(hash_key, &mut hint_hashes);
        if let Some((prefix, e)) = fib.longest_prefix_match(delegation, &hint_hashes)
            && !e.next_hops().is_empty()
        {
            let h = hint_hashes.get(prefix.len()).copied().unwrap_or(0);
            return (e.next_hops(), Some((prefix, h)));
        }
    }
    (&[], None)
}
