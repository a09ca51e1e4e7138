//! The forwarder: NFD's forwarding pipelines over the tables, as a sans-IO state machine.
//!
//! Inputs are [`Forwarder::handle_packet`], [`Forwarder::handle_timeout`] and face changes;
//! outputs are polled with [`Forwarder::poll_transmit`], [`Forwarder::poll_timeout`] and
//! [`Forwarder::poll_event`]. Time is a [`Duration`] since an origin the driver chooses; the
//! core never reads a clock, never draws OS randomness and never does I/O, so the same inputs
//! always give the same outputs.

mod data;
mod interest;
mod nack;
pub(crate) mod timers;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Duration;

use bytes::Bytes;
use ndn::lp::{LpPacket, NackReason};
use ndn::tlv::types as tt;
use ndn::{Data, Interest, Name};

use crate::counters::ForwarderCounters;
use crate::face::{FaceId, FaceInfo, FaceScope, FaceTable, LinkType};
use crate::mgmt::{FaceCreateRequest, Management};
use crate::rng::Rng;
use crate::strategy::{Action, Strategy, StrategyKind};
use crate::table::dead_nonce_list::{self, DeadNonceList};
use crate::table::{Cs, Fib, Measurements, NextHop, Pit, PitEntryId, StrategyChoice};
use timers::Timer;

/// What to do with Data that matches no PIT entry (NFD's unsolicited Data policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnsolicitedDataPolicy {
    /// Drop it (NFD's default).
    #[default]
    DropAll,
    /// Cache it when it came from a local face.
    AdmitLocal,
    /// Cache it when it came from a non-local face.
    AdmitNetwork,
    /// Cache it.
    AdmitAll,
}

/// Settings of a forwarder core.
#[derive(Debug, Clone)]
pub struct ForwarderConfig {
    /// Seed of the core's RNG (Nonces, probes, hash key).
    pub seed: u64,
    /// Content store capacity in packets (NFD's default is 65536).
    pub cs_capacity_packets: usize,
    /// Content store capacity in bytes of Data wire.
    pub cs_capacity_bytes: usize,
    /// Which Data a full content store evicts first (LRU by default; NFD's default is
    /// priority FIFO).
    pub cs_replacement: crate::table::Replacement,
    /// Most PIT entries at once; Interests beyond are dropped.
    pub pit_max_entries: usize,
    /// How long a Dead Nonce List entry lives.
    pub dead_nonce_lifetime: Duration,
    /// Most Dead Nonce List entries.
    pub dead_nonce_capacity: usize,
    /// What to do with unsolicited Data.
    pub unsolicited_data_policy: UnsolicitedDataPolicy,
    /// The strategy of the root namespace.
    pub default_strategy: Strategy,
    /// Names of the network regions this forwarder belongs to (NFD's network region table,
    /// `tables.network_region`): an Interest whose ForwardingHint names one of them, or a
    /// prefix of one, has reached its producer's region, loses its hint and is forwarded by
    /// its own name.
    pub network_regions: Vec<Name>,
}

impl Default for ForwarderConfig {
    fn default() -> Self {
        ForwarderConfig {
            seed: 0,
            cs_capacity_packets: 65_536,
            cs_capacity_bytes: 512 << 20,
            cs_replacement: crate::table::Replacement::Lru,
            pit_max_entries: 1 << 20,
            dead_nonce_lifetime: dead_nonce_list::DEFAULT_LIFETIME,
            dead_nonce_capacity: 1 << 20,
            unsolicited_data_policy: UnsolicitedDataPolicy::DropAll,
            default_strategy: Strategy::from(StrategyKind::BestRoute),
            network_regions: Vec::new(),
        }
    }
}

/// Link-layer fields that arrive with a network-layer packet (NDNLPv2 headers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkFields {
    /// The packet is a Nack of the enclosed Interest.
    pub nack: Option<NackReason>,
    /// A local application asks that the Interest leave through this face.
    pub next_hop_face_id: Option<u64>,
    /// CachePolicy NoCache: do not cache this Data.
    pub no_cache: bool,
    /// CongestionMark (0 when absent).
    pub congestion_mark: u64,
    /// PitToken (NDNLPv2, hop-by-hop): opaque bytes a downstream attaches to an Interest and
    /// expects back on the Data or Nack that answers it. Never forwarded upstream.
    pub pit_token: Option<Bytes>,
    /// NonDiscovery (self-learning): the Interest follows routes, it is not a discovery
    /// Interest to flood.
    pub non_discovery: bool,
    /// PrefixAnnouncement (self-learning): the Data wire of a prefix announcement that came
    /// with a Data, from which a forwarder learns a route. Boxed, as it is rare, so that the
    /// fields of every packet stay small.
    pub prefix_announcement: Option<Box<Bytes>>,
}

impl LinkFields {
    /// The fields of a decoded LpPacket.
    pub fn from_lp(lp: &LpPacket) -> LinkFields {
        LinkFields {
            nack: lp.nack,
            next_hop_face_id: lp.next_hop_face_id,
            no_cache: lp.cache_policy == Some(ndn::lp::CACHE_POLICY_NO_CACHE),
            congestion_mark: lp.congestion_mark.unwrap_or(0),
            pit_token: lp.pit_token.clone(),
            non_discovery: lp.non_discovery,
            prefix_announcement: lp.prefix_announcement.clone().map(Box::new),
        }
    }
}

/// A network-layer packet to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutPacket {
    /// An Interest wire.
    Interest(Bytes),
    /// A Data wire.
    Data(Bytes),
    /// A Nack: the Interest wire returned with a reason.
    Nack {
        /// Why.
        reason: NackReason,
        /// The Interest as the downstream sent it.
        interest: Bytes,
    },
}

impl OutPacket {
    /// The network-layer wire (the Interest for a Nack).
    pub fn wire(&self) -> &Bytes {
        match self {
            OutPacket::Interest(w) | OutPacket::Data(w) => w,
            OutPacket::Nack { interest, .. } => interest,
        }
    }

    /// The NDNLPv2 packet to put on a link (bare when there is no header field).
    pub fn to_lp(&self, incoming_face_id: Option<FaceId>) -> LpPacket {
        let mut lp = LpPacket::from_fragment(self.wire().clone());
        if let OutPacket::Nack { reason, .. } = self {
            lp.nack = Some(*reason);
        }
        lp.incoming_face_id = incoming_face_id.map(|f| f.0);
        lp
    }
}

/// A packet the driver must send on a face.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Egress face.
    pub face: FaceId,
    /// What to send.
    pub packet: OutPacket,
    /// The face the packet came from, for the IncomingFaceId field on local faces that enabled
    /// local fields.
    pub incoming_face: FaceId,
    /// PitToken (NDNLPv2) to attach: the token of the Interest this Data or Nack answers, as
    /// the egress face sent it. Always `None` for Interests.
    pub pit_token: Option<Bytes>,
    /// CongestionMark (NDNLPv2) to attach, 0 for none: the mark the packet arrived with, so
    /// that a mark set anywhere on the path reaches the consumer (Data) or the producer
    /// (Interest), as NFD carries it. The driver may raise it for its own congested face.
    pub congestion_mark: u64,
    /// NonDiscovery (NDNLPv2, self-learning) to attach to an Interest.
    pub non_discovery: bool,
    /// PrefixAnnouncement (NDNLPv2, self-learning) to attach to a Data: the announcement it
    /// arrived with, or one this forwarder made for a discovery Interest's downstream. Boxed,
    /// as it is rare, so that a transmit stays small enough to move without a `memcpy`.
    pub prefix_announcement: Option<Box<Bytes>>,
}

impl Transmit {
    /// A Data for `face`, from `incoming_face`, with a PitToken and no other field.
    pub(crate) fn data(
        face: FaceId,
        wire: Bytes,
        incoming_face: FaceId,
        pit_token: Option<Bytes>,
    ) -> Transmit {
        Transmit {
            face,
            packet: OutPacket::Data(wire),
            incoming_face,
            pit_token,
            congestion_mark: 0,
            non_discovery: false,
            prefix_announcement: None,
        }
    }

    /// The NDNLPv2 packet to put on a link: the packet with its Nack header, PitToken,
    /// CongestionMark, NonDiscovery and PrefixAnnouncement fields, and IncomingFaceId when
    /// given (bare when there is no field).
    pub fn to_lp(&self, incoming_face_id: Option<FaceId>) -> LpPacket {
        let mut lp = self.packet.to_lp(incoming_face_id);
        lp.pit_token = self.pit_token.clone();
        lp.congestion_mark = (self.congestion_mark > 0).then_some(self.congestion_mark);
        lp.non_discovery = self.non_discovery;
        lp.prefix_announcement = self.prefix_announcement.as_deref().cloned();
        lp
    }
}

/// Something the driver should know or do besides sending packets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The core dropped a face's state on request (`faces/destroy`); the driver closes it.
    DestroyFace(FaceId),
    /// Management asks for a face (`faces/create`); the driver answers with
    /// [`Forwarder::complete_face_create`].
    CreateFace(FaceCreateRequest),
}

/// Where a Data goes: a downstream face, the PitToken of its Interest, and the prefix
/// announcement to attach (self-learning).
pub(crate) type Downstream = (FaceId, Option<Bytes>, Option<Box<Bytes>>);

/// The forwarding core.
#[derive(Debug)]
pub struct Forwarder {
    pub(crate) config: ForwarderConfig,
    pub(crate) faces: FaceTable,
    pub(crate) fib: Fib,
    pub(crate) pit: Pit,
    pub(crate) cs: Cs,
    pub(crate) dead_nonces: DeadNonceList,
    pub(crate) strategy_choice: StrategyChoice,
    pub(crate) measurements: Measurements,
    pub(crate) counters: ForwarderCounters,
    pub(crate) rng: Rng,
    pub(crate) hash_key: u64,
    pub(crate) timers: BinaryHeap<Reverse<(Duration, u64, Timer)>>,
    pub(crate) timer_seq: u64,
    pub(crate) maintenance_armed: bool,
    pub(crate) transmits: VecDeque<Transmit>,
    pub(crate) events: VecDeque<Event>,
    /// Interests sent to the internal face (with the face they came from), handled after the
    /// current input.
    pub(crate) internal: VecDeque<(Interest, FaceId)>,
    pub(crate) mgmt: Management,
    /// CongestionMark of the Interest being handled (0 outside `on_incoming_interest`),
    /// carried by the Interests it makes the forwarder send.
    pub(crate) incoming_mark: u64,
    /// NonDiscovery of the Interest being handled, kept by the Interests it makes the
    /// forwarder send (as NFD's tag stays on the Interest).
    pub(crate) incoming_non_discovery: bool,
    /// Scratch buffers reused per packet, so the forwarding path does not allocate: prefix
    /// hashes of the packet's name, of a PIT entry's name when it differs, strategy actions,
    /// PIT entries a Data satisfies, and the downstreams it goes to.
    pub(crate) hashes: Vec<u64>,
    pub(crate) entry_hashes: Vec<u64>,
    pub(crate) actions: Vec<Action>,
    pub(crate) matches: Vec<PitEntryId>,
    pub(crate) downstreams: Vec<Downstream>,
}

impl Forwarder {
    /// A forwarder with no faces (besides the internal one) and empty tables.
    pub fn new(config: ForwarderConfig) -> Forwarder {
        let mut fw = Self::without_management(config);
        let prefix = ndn::mgmt::localhost_nfd();
        fw.add_next_hop(&prefix, FaceId::INTERNAL, 0);
        fw
    }

    fn without_management(config: ForwarderConfig) -> Forwarder {
        let mut rng = Rng::from_seed(config.seed);
        let hash_key = rng.next_u64();
        let root_hash = Name::new().hash_with_key(hash_key);
        let mut faces = FaceTable::default();
        faces.insert(
            FaceId::INTERNAL,
            FaceInfo::new("internal://", "internal://", FaceScope::Local),
        );
        let mut cs = Cs::new(config.cs_capacity_packets, config.cs_capacity_bytes);
        cs.policy = Default::default();
        cs.set_replacement(config.cs_replacement);
        Forwarder {
            fib: Fib::default(),
            pit: Pit::new(config.pit_max_entries),
            cs,
            dead_nonces: DeadNonceList::new(config.dead_nonce_lifetime, config.dead_nonce_capacity),
            strategy_choice: StrategyChoice::new(config.default_strategy, root_hash),
            measurements: Measurements::default(),
            counters: ForwarderCounters::default(),
            rng,
            hash_key,
            timers: BinaryHeap::new(),
            timer_seq: 0,
            maintenance_armed: false,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            internal: VecDeque::new(),
            mgmt: Management::new(),
            incoming_mark: 0,
            incoming_non_discovery: false,
            hashes: Vec::with_capacity(16),
            entry_hashes: Vec::with_capacity(16),
            actions: Vec::with_capacity(4),
            matches: Vec::with_capacity(4),
            downstreams: Vec::with_capacity(4),
            faces,
            config,
        }
    }

    // ---- inputs ----

    /// Add a face; returns its id. A face event notification is published.
    pub fn add_face(&mut self, now: Duration, info: FaceInfo) -> FaceId {
        let id = self.faces.add(info);
        self.notify_face_event(now, id, ndn::mgmt::FaceEventKind::Created);
        id
    }

    /// Remove a face and everything that refers to it (RIB routes, FIB next hops, PIT records,
    /// measurements). A face event notification is published.
    pub fn remove_face(&mut self, now: Duration, face: FaceId) {
        if face == FaceId::INTERNAL {
            return;
        }
        let Some(removed) = self.faces.remove(face) else {
            return;
        };
        self.mgmt_face_removed(face);
        self.fib.remove_face(face);
        self.measurements.remove_face(face);
        for id in self.pit.ids() {
            let Some(e) = self.pit.get_mut(id) else {
                continue;
            };
            e.remove_in_record(face);
            e.remove_out_record(face);
            // an entry kept after its Data has no downstreams: it goes with its last upstream
            let done = if e.satisfied {
                e.out_records.iter().all(|r| r.nack.is_some())
            } else {
                e.in_records.is_empty()
            };
            if done {
                self.finalize_interest(now, id);
            }
        }
        // announced once nothing refers to the face any more, so that a subscription of the face
        // itself does not get the notification: it could not be sent
        let n = crate::mgmt::face_event(face, &removed.info, ndn::mgmt::FaceEventKind::Destroyed);
        self.publish_face_event(now, &n);
    }

    /// A packet (Interest, Data, or the Interest of a Nack, already unwrapped from NDNLPv2)
    /// arrived on `face`, with its link-layer fields. A packet said to arrive on a face the core
    /// does not know, or on the internal face (which only the core itself speaks on), is
    /// dropped and counted as `unknown_face`.
    pub fn handle_packet(&mut self, now: Duration, face: FaceId, wire: Bytes, link: LinkFields) {
        if face == FaceId::INTERNAL || !self.faces.contains(face) {
            self.counters.drops.unknown_face += 1;
            return;
        }
        match ndn::tlv::Reader::new(&wire).peek_type() {
            Some(tt::INTEREST) => match Interest::decode(wire) {
                Ok(i) => match link.nack {
                    Some(reason) => self.on_incoming_nack(now, face, i, reason),
                    None => {
                        // the Interests forwarded while this one is handled carry its mark
                        self.incoming_mark = link.congestion_mark;
                        self.incoming_non_discovery = link.non_discovery;
                        self.on_incoming_interest(now, face, i, &link);
                        self.incoming_mark = 0;
                        self.incoming_non_discovery = false;
                    }
                },
                Err(_) => self.count_malformed(face),
            },
            Some(tt::DATA) if link.nack.is_none() => match Data::decode(wire) {
                Ok(d) => self.on_incoming_data(now, face, d, &link),
                Err(_) => self.count_malformed(face),
            },
            _ => self.count_malformed(face),
        }
        self.drain_internal(now);
        self.drop_stale_timers();
    }

    /// Advance time: expire PIT entries and age the other tables.
    pub fn handle_timeout(&mut self, now: Duration) {
        self.run_due(now);
        self.drain_internal(now);
        self.drop_stale_timers();
    }

    // ---- outputs ----

    /// The next packet to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        self.next_deadline().map(|(at, _, _)| at)
    }

    /// The next event for the driver.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    // ---- getters and mutators ----

    /// The face table.
    pub fn faces(&self) -> &FaceTable {
        &self.faces
    }

    /// The face table, mutably (the driver records link-layer byte counts).
    pub fn faces_mut(&mut self) -> &mut FaceTable {
        &mut self.faces
    }

    /// The FIB.
    pub fn fib(&self) -> &Fib {
        &self.fib
    }

    /// The PIT.
    pub fn pit(&self) -> &Pit {
        &self.pit
    }

    /// The content store.
    pub fn cs(&self) -> &Cs {
        &self.cs
    }

    /// The content store, mutably (capacity, policy, erase).
    pub fn cs_mut(&mut self) -> &mut Cs {
        &mut self.cs
    }

    /// The Dead Nonce List.
    pub fn dead_nonce_list(&self) -> &DeadNonceList {
        &self.dead_nonces
    }

    /// The measurements table.
    pub fn measurements(&self) -> &Measurements {
        &self.measurements
    }

    /// Start loading the memory every packet touches outside this struct: the face table, the
    /// scratch buffers, the output queue and the fronts of the expiry queues. Call it once the
    /// struct itself is cached (a while after [`crate::hint::prefetch_object`] of it), since it
    /// reads where those buffers are (a hint; nothing changes).
    pub fn prefetch_buffers(&self) {
        use crate::hint::{prefetch_buffer, prefetch_object};
        self.faces.prefetch();
        // the scratch vectors are empty between packets, but keep their buffers
        prefetch_buffer(&self.hashes);
        prefetch_buffer(&self.entry_hashes);
        prefetch_buffer(&self.actions);
        prefetch_buffer(&self.matches);
        prefetch_buffer(&self.downstreams);
        if let Some(x) = self.transmits.as_slices().0.first() {
            prefetch_object(x);
        }
        self.pit.prefetch_expiry();
        self.pit.prefetch_free_lists();
        self.cs.prefetch_free_list();
        self.dead_nonces.prefetch_front();
    }

    /// Start loading what the buffers prefetched by [`Forwarder::prefetch_buffers`] point to:
    /// the PIT slots of the earliest deadlines, and the PIT and CS slots the next new entries
    /// take. Call it once those buffers are cached (a hint; nothing changes).
    pub fn prefetch_deep(&self) {
        self.pit.prefetch_expiry_slots();
        self.pit.prefetch_vacant_slots();
        self.cs.prefetch_vacant_slot();
    }

    /// The strategy choice table.
    pub fn strategy_choice(&self) -> &StrategyChoice {
        &self.strategy_choice
    }

    /// Forwarder-wide counters.
    pub fn counters(&self) -> &ForwarderCounters {
        &self.counters
    }

    /// The configuration.
    pub fn config(&self) -> &ForwarderConfig {
        &self.config
    }

    /// Hash of `name` under this forwarder's key (the key tables use).
    pub fn name_hash(&self, name: &Name) -> u64 {
        name.hash_with_key(self.hash_key)
    }

    /// Hashes of every prefix of `name` under this forwarder's key, shortest first, as the
    /// tables' lookups take them (for tests and tools that query the tables directly).
    pub fn prefix_hashes(&self, name: &Name) -> Vec<u64> {
        let mut hashes = Vec::new();
        name.prefix_hashes_into(self.hash_key, &mut hashes);
        hashes
    }

    /// Add or update a FIB next hop directly (static routes; the RIB does this for commands).
    pub fn add_next_hop(&mut self, prefix: &Name, face: FaceId, cost: u64) {
        let h = self.name_hash(prefix);
        self.fib.add_next_hop(prefix, h, face, cost);
    }

    /// Remove a FIB next hop.
    pub fn remove_next_hop(&mut self, prefix: &Name, face: FaceId) -> bool {
        let h = self.name_hash(prefix);
        self.fib.remove_next_hop(prefix, h, face)
    }

    /// Replace all next hops of a FIB prefix.
    pub fn set_next_hops(&mut self, prefix: &Name, hops: Vec<NextHop>) {
        let h = self.name_hash(prefix);
        self.fib.set_next_hops(prefix, h, hops);
    }

    /// Choose the strategy for a namespace (a [`StrategyKind`] with default parameters, or a
    /// [`Strategy`] read from an instance name).
    pub fn set_strategy(&mut self, prefix: &Name, strategy: impl Into<Strategy>) {
        let h = self.name_hash(prefix);
        self.strategy_choice.set(prefix, h, strategy.into());
    }

    /// Remove the strategy choice of a namespace (not the root's).
    pub fn unset_strategy(&mut self, prefix: &Name) -> bool {
        let h = self.name_hash(prefix);
        self.strategy_choice.unset(prefix, h)
    }

    /// Set the unsolicited Data policy.
    pub fn set_unsolicited_data_policy(&mut self, policy: UnsolicitedDataPolicy) {
        self.config.unsolicited_data_policy = policy;
    }

    /// Replace the names of the network regions this forwarder belongs to (see
    /// [`ForwarderConfig::network_regions`]).
    pub fn set_network_regions(&mut self, regions: Vec<Name>) {
        self.config.network_regions = regions;
    }

    // ---- helpers shared by the pipelines ----

    /// True when the first component of `name` is `localhost` (the scope rules' test).
    pub(crate) fn is_localhost(name: &Name) -> bool {
        name.get(0).is_some_and(|c| c.value() == b"localhost")
    }

    /// Count a frame from `face` that its link service could not decode.
    pub fn report_malformed(&mut self, face: FaceId) {
        self.count_malformed(face);
    }

    fn count_malformed(&mut self, face: FaceId) {
        self.counters.drops.malformed += 1;
        if let Some(f) = self.faces.get_mut(face) {
            f.counters.n_in_malformed += 1;
        }
    }

    fn link_type(&self, face: FaceId) -> Option<LinkType> {
        self.faces.get(face).map(|f| f.info.link_type)
    }

    fn push_transmit(
        &mut self,
        face: FaceId,
        packet: OutPacket,
        incoming_face: FaceId,
        pit_token: Option<Bytes>,
        congestion_mark: u64,
    ) {
        self.transmits.push_back(Transmit {
            face,
            packet,
            incoming_face,
            pit_token,
            congestion_mark,
            non_discovery: false,
            prefix_announcement: None,
        });
    }

    /// Hand the Interests that reached the internal face to the management dispatcher.
    pub(crate) fn drain_internal(&mut self, now: Duration) {
        while let Some((interest, downstream)) = self.internal.pop_front() {
            self.handle_management(now, interest, downstream);
        }
    }
}
