//! The Pending Interest Table: which faces asked for what, so Data flows back along the reverse
//! path, identical Interests are aggregated, and loops are detected by Nonce.

use std::time::Duration;

use bytes::Bytes;
use ndn::lp::NackReason;
use ndn::{Data, Interest, Name};

use super::expiry_queue::{ExpiryQueue, NO_POS, Positions};
use super::name_index::NameIndex;
use super::records::Records;
use crate::face::FaceId;
use crate::hint::prefetch_object;

/// Identifies a PIT entry; stale ids (of erased entries) are detected by generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PitEntryId {
    index: u32,
    generation: u32,
}

/// A downstream that asked for the entry's Interest.
#[derive(Debug, Clone)]
pub struct InRecord {
    /// The downstream face.
    pub face: FaceId,
    /// Nonce of the last Interest from this face.
    pub nonce: u32,
    /// When the last Interest from this face arrived.
    pub last_renewed: Duration,
    /// When this record expires (arrival + InterestLifetime).
    pub expiry: Duration,
    /// The wire of the last Interest received from this face, as the forwarder passes it on
    /// (returned in a Nack). Only the wire is kept: the entry's [`PitEntry::interest`] has the
    /// decoded name and selectors, which every Interest of the entry shares.
    pub wire: Bytes,
    /// The NDNLPv2 PitToken that came with that Interest, echoed on the Data or Nack.
    pub pit_token: Option<Bytes>,
    /// That Interest came marked NonDiscovery (self-learning).
    pub non_discovery: bool,
}

/// An upstream the entry's Interest was sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutRecord {
    /// The upstream face.
    pub face: FaceId,
    /// Nonce of the last Interest sent there.
    pub nonce: u32,
    /// When it was last sent.
    pub last_renewed: Duration,
    /// When this record expires.
    pub expiry: Duration,
    /// The Nack received from this upstream for the last Interest, if any.
    pub nack: Option<NackReason>,
    /// The last Interest went marked NonDiscovery (self-learning).
    pub non_discovery: bool,
    /// The strategy already counted this upstream's silence about the last Interest as a
    /// timeout (ASF, at the upstream's retransmission timeout), so the entry's expiry does
    /// not count it again.
    pub timed_out: bool,
}

/// State a strategy keeps in an entry (retransmission suppression).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StrategyInfo {
    /// Current suppression interval (exponential back-off).
    pub suppression_interval: Duration,
    /// ASF: the face chosen as the working upstream; access: the upstream tried first.
    pub chosen_face: Option<FaceId>,
    /// The strategy's timer for this entry, by the sequence number the forwarder gave it when
    /// armed (see [`crate::strategy::StrategyContext::arm_timer`]); 0 when none. Setting it to
    /// 0 cancels the timer.
    pub timer: u64,
}

/// One PIT entry, keyed by (name, CanBePrefix, MustBeFresh).
#[derive(Debug, Clone)]
pub struct PitEntry {
    /// The name of the Interests the entry stands for.
    name: Name,
    /// The ForwardingHint of the Interest that created the entry (usually none: no allocation).
    forwarding_hint: Vec<Name>,
    can_be_prefix: bool,
    must_be_fresh: bool,
    name_hash: u64,
    /// The name ends with an implicit digest.
    has_digest: bool,
    /// Downstreams.
    pub in_records: Records<InRecord>,
    /// Upstreams.
    pub out_records: Records<OutRecord>,
    /// Set once Data satisfied the entry.
    pub satisfied: bool,
    /// FreshnessPeriod of the satisfying Data (for the Dead Nonce List rule).
    pub data_freshness: Option<Duration>,
    /// When the entry expires (see [`Pit::set_expiry`]).
    expiry: Duration,
    /// Strategy state.
    pub strategy_info: StrategyInfo,
}

impl PitEntry {
    /// The entry's name.
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The ForwardingHint of the Interest that created the entry.
    pub fn forwarding_hint(&self) -> &[Name] {
        &self.forwarding_hint
    }

    /// CanBePrefix of the entry.
    pub fn can_be_prefix(&self) -> bool {
        self.can_be_prefix
    }

    /// MustBeFresh of the entry.
    pub fn must_be_fresh(&self) -> bool {
        self.must_be_fresh
    }

    /// When the entry expires ([`Duration::ZERO`] until the forwarder sets it).
    pub fn expiry(&self) -> Duration {
        self.expiry
    }

    /// Hash of the entry's name under the forwarder's key.
    pub fn name_hash(&self) -> u64 {
        self.name_hash
    }

    /// The in-record of `face`.
    pub fn in_record(&self, face: FaceId) -> Option<&InRecord> {
        self.in_records.iter().find(|r| r.face == face)
    }

    /// The out-record of `face`.
    pub fn out_record(&self, face: FaceId) -> Option<&OutRecord> {
        self.out_records.iter().find(|r| r.face == face)
    }

    /// The out-record of `face`, mutably.
    pub fn out_record_mut(&mut self, face: FaceId) -> Option<&mut OutRecord> {
        self.out_records.iter_mut().find(|r| r.face == face)
    }

    /// Insert or refresh the in-record of `face` with `interest` received at `now`, with the
    /// PitToken it came with and whether it was marked NonDiscovery.
    pub fn insert_or_update_in_record(
        &mut self,
        face: FaceId,
        interest: &Interest,
        pit_token: Option<Bytes>,
        non_discovery: bool,
        now: Duration,
    ) {
        let expiry = now + Duration::from_millis(interest.lifetime_ms());
        let nonce = interest.nonce().unwrap_or(0);
        match self.in_records.iter_mut().find(|r| r.face == face) {
            Some(r) => {
                r.nonce = nonce;
                r.last_renewed = now;
                r.expiry = expiry;
                r.wire = interest.wire().clone();
                r.pit_token = pit_token;
                r.non_discovery = non_discovery;
            }
            None => self.in_records.push(InRecord {
                face,
                nonce,
                last_renewed: now,
                expiry,
                wire: interest.wire().clone(),
                pit_token,
                non_discovery,
            }),
        }
    }

    /// Insert or refresh the out-record of `face` for an Interest with `nonce` and
    /// `lifetime_ms` sent at `now`, marked NonDiscovery or not.
    pub fn insert_or_update_out_record(
        &mut self,
        face: FaceId,
        nonce: u32,
        lifetime_ms: u64,
        non_discovery: bool,
        now: Duration,
    ) {
        let expiry = now + Duration::from_millis(lifetime_ms);
        match self.out_records.iter_mut().find(|r| r.face == face) {
            Some(r) => {
                r.nonce = nonce;
                r.last_renewed = now;
                r.expiry = expiry;
                r.nack = None;
                r.non_discovery = non_discovery;
                r.timed_out = false;
            }
            None => self.out_records.push(OutRecord {
                face,
                nonce,
                last_renewed: now,
                expiry,
                nack: None,
                non_discovery,
                timed_out: false,
            }),
        }
    }

    /// Remove the in-record of `face`.
    pub fn remove_in_record(&mut self, face: FaceId) {
        self.in_records.retain(|r| r.face != face);
    }

    /// Remove the out-record of `face`.
    pub fn remove_out_record(&mut self, face: FaceId) {
        self.out_records.retain(|r| r.face != face);
    }

    /// The latest expiry among in-records (the entry lives until then), or `now` when there is
    /// no in-record.
    pub fn last_in_record_expiry(&self, now: Duration) -> Duration {
        self.in_records
            .iter()
            .map(|r| r.expiry)
            .max()
            .unwrap_or(now)
    }

    /// Where a Nonce appears in this entry, as NFD's `findDuplicateNonce` reports it.
    pub fn find_nonce(&self, nonce: u32, face: FaceId) -> DuplicateNonce {
        let mut d = DuplicateNonce::default();
        for r in &self.in_records {
            if r.nonce == nonce {
                if r.face == face {
                    d.in_same = true;
                } else {
                    d.in_other = true;
                }
            }
        }
        d.out = self.out_records.iter().any(|r| r.nonce == nonce);
        d
    }

    /// True when an unexpired in-record exists for a face other than `face`.
    pub fn has_pending_downstream_other_than(&self, face: FaceId, now: Duration) -> bool {
        self.in_records
            .iter()
            .any(|r| r.face != face && r.expiry > now)
    }
}

/// Where a Nonce was found in a PIT entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DuplicateNonce {
    /// In the in-record of the same face.
    pub in_same: bool,
    /// In an in-record of another face.
    pub in_other: bool,
    /// In an out-record.
    pub out: bool,
}

impl DuplicateNonce {
    /// True when found anywhere.
    pub fn any(self) -> bool {
        self.in_same || self.in_other || self.out
    }
}

const NONE: u32 = u32::MAX;

fn variant(can_be_prefix: bool, must_be_fresh: bool) -> usize {
    (usize::from(can_be_prefix) << 1) | usize::from(must_be_fresh)
}

/// Why an Interest could not get a PIT entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PitFull;

/// A place for an entry, with what the PIT keeps beside it: the generation of ids that refer
/// to it and where its deadline is in the expiry queue. Kept together, so that the lookups which
/// go on to read the entry touch no other array. In this order (`repr(C)`), so that the
/// generation and the position share the first cache line with the start of the entry, which
/// every lookup reads anyway.
#[derive(Debug, Clone)]
#[repr(C)]
struct Slot {
    generation: u32,
    expiry_pos: u64,
    entry: Option<PitEntry>,
}

/// The expiry queue's positions, kept in the slots.
struct SlotPositions<'a>(&'a mut Vec<Slot>);

impl Positions for SlotPositions<'_> {
    fn position(&self, slot: u32) -> u64 {
        self.0.get(slot as usize).map_or(NO_POS, |s| s.expiry_pos)
    }

    fn set_position(&mut self, slot: u32, p: u64) {
        // only slots of existing entries get deadlines
        if let Some(s) = self.0.get_mut(slot as usize) {
            s.expiry_pos = p;
        }
    }
}

/// The PIT.
#[derive(Debug, Clone)]
pub struct Pit {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Entry slots per name, by (CanBePrefix, MustBeFresh) variant.
    by_name: NameIndex<[u32; 4]>,
    /// When entries expire, earliest first.
    expiries: ExpiryQueue,
    len: usize,
    n_can_be_prefix: usize,
    n_digest: usize,
    max_entries: usize,
}

impl Pit {
    /// A PIT holding at most `max_entries` entries.
    pub fn new(max_entries: usize) -> Pit {
        Pit {
            slots: Vec::new(),
            free: Vec::new(),
            by_name: NameIndex::default(),
            expiries: ExpiryQueue::default(),
            len: 0,
            n_can_be_prefix: 0,
            n_digest: 0,
            max_entries,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Change the entry limit (existing entries stay).
    pub fn set_max_entries(&mut self, max: usize) {
        self.max_entries = max;
    }

    fn id_of(&self, index: u32) -> PitEntryId {
        PitEntryId {
            index,
            generation: self.slots.get(index as usize).map_or(0, |s| s.generation),
        }
    }

    /// The entry for exactly this Interest's (name, CanBePrefix, MustBeFresh).
    pub fn find(&self, interest: &Interest, hash: u64) -> Option<PitEntryId> {
        let v = self.by_name.get(interest.name(), hash)?;
        let i = *v.get(variant(interest.can_be_prefix(), interest.must_be_fresh()))?;
        (i != NONE).then(|| self.id_of(i))
    }

    /// Start loading the earliest deadlines (a hint).
    pub(crate) fn prefetch_expiry(&self) {
        self.expiries.prefetch();
    }

    /// Start loading the slots of the earliest deadlines, whose expiry positions are read when
    /// the front deadline goes; call it once the deadlines are cached (a hint).
    pub(crate) fn prefetch_expiry_slots(&self) {
        for i in self.expiries.front_slots(2) {
            if let Some(s) = self.slots.get(i as usize) {
                crate::hint::prefetch_line(s);
            }
        }
    }

    /// Start loading what a lookup of a name hashing to `hash` reads first (a hint).
    #[inline]
    pub fn prefetch(&self, hash: u64) {
        self.by_name.prefetch(hash);
    }

    /// Start loading the ends of the free lists, which name the slots a new entry will take
    /// (a hint; [`Pit::prefetch_vacant_slots`] goes on from there).
    pub(crate) fn prefetch_free_lists(&self) {
        if let Some(i) = self.free.last() {
            crate::hint::prefetch_line(i);
        }
        self.by_name.prefetch_free_list();
    }

    /// Start loading the slots a new entry will take; call it once the ends of the free lists
    /// are cached (a hint).
    pub(crate) fn prefetch_vacant_slots(&self) {
        if let Some(s) = self.free.last().and_then(|&i| self.slots.get(i as usize)) {
            prefetch_object(s);
        }
        self.by_name.prefetch_vacant();
    }

    /// Start loading what a lookup of a name hashing to `hash` reads first, and the slots a
    /// new entry would take (a hint).
    #[inline]
    pub fn prefetch_insert(&self, hash: u64) {
        self.by_name.prefetch(hash);
        self.prefetch_vacant_slots();
    }

    /// Find the entry for this Interest or create it.
    pub fn insert(
        &mut self,
        interest: &Interest,
        hash: u64,
    ) -> Result<(PitEntryId, bool), PitFull> {
        if let Some(id) = self.find(interest, hash) {
            return Ok((id, false));
        }
        if self.len >= self.max_entries {
            return Err(PitFull);
        }
        let has_digest = interest.name().implicit_digest().is_some();
        let entry = PitEntry {
            name: interest.name().clone(),
            forwarding_hint: interest.forwarding_hint().to_vec(),
            can_be_prefix: interest.can_be_prefix(),
            must_be_fresh: interest.must_be_fresh(),
            name_hash: hash,
            has_digest,
            in_records: Records::default(),
            out_records: Records::default(),
            satisfied: false,
            data_freshness: None,
            expiry: Duration::ZERO,
            strategy_info: StrategyInfo::default(),
        };
        let index = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    s.entry = Some(entry);
                }
                i
            }
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    expiry_pos: NO_POS,
                    entry: Some(entry),
                });
                (self.slots.len() - 1) as u32
            }
        };
        let var = variant(interest.can_be_prefix(), interest.must_be_fresh());
        if let Some(v) = self
            .by_name
            .get_or_insert_with(interest.name(), hash, || [NONE; 4])
            && let Some(s) = v.get_mut(var)
        {
            *s = index;
        }
        self.len += 1;
        if interest.can_be_prefix() {
            self.n_can_be_prefix += 1;
        }
        if has_digest {
            self.n_digest += 1;
        }
        Ok((self.id_of(index), true))
    }

    /// The entry with this id, if it still exists.
    pub fn get(&self, id: PitEntryId) -> Option<&PitEntry> {
        let s = self.slots.get(id.index as usize)?;
        if s.generation != id.generation {
            return None;
        }
        s.entry.as_ref()
    }

    /// The entry with this id, mutably.
    pub fn get_mut(&mut self, id: PitEntryId) -> Option<&mut PitEntry> {
        let s = self.slots.get_mut(id.index as usize)?;
        if s.generation != id.generation {
            return None;
        }
        s.entry.as_mut()
    }

    /// Set when the entry expires; `seq` orders entries expiring at the same time (the
    /// forwarder passes its timer sequence number, so expiry follows the order deadlines were set).
    pub fn set_expiry(&mut self, id: PitEntryId, at: Duration, seq: u64) {
        if let Some(e) = self.get_mut(id) {
            e.expiry = at;
            self.expiries
                .set(&mut SlotPositions(&mut self.slots), id.index, at, seq);
        }
    }

    /// The entry that expires first, with its expiry time and sequence number.
    pub fn next_expiry(&self) -> Option<(Duration, u64, PitEntryId)> {
        self.expiries
            .peek()
            .map(|(at, seq, index)| (at, seq, self.id_of(index)))
    }

    /// Remove an entry, returning it.
    pub fn erase(&mut self, id: PitEntryId) -> Option<PitEntry> {
        if !self.unlink(id) {
            return None;
        }
        self.slots.get_mut(id.index as usize)?.entry.take()
    }

    /// Remove an entry, dropping it where it lies (no copy out). Returns false when it did not
    /// exist.
    pub fn remove(&mut self, id: PitEntryId) -> bool {
        if !self.unlink(id) {
            return false;
        }
        if let Some(slot) = self.slots.get_mut(id.index as usize) {
            slot.entry = None;
        }
        true
    }

    /// Take an entry out of the indexes, counters and expiry queue; its slot still holds it.
    fn unlink(&mut self, id: PitEntryId) -> bool {
        if self.get(id).is_none() {
            return false;
        }
        self.expiries
            .remove(&mut SlotPositions(&mut self.slots), id.index);
        let Some(slot) = self.slots.get_mut(id.index as usize) else {
            return false;
        };
        slot.generation = slot.generation.wrapping_add(1);
        let Some(entry) = slot.entry.as_ref() else {
            return false;
        };
        self.free.push(id.index);
        let var = variant(entry.can_be_prefix(), entry.must_be_fresh());
        // clear the variant; the name goes when no variant is left
        self.by_name
            .update_bytes(entry.name().value(), entry.name_hash, |v| {
                if let Some(s) = v.get_mut(var) {
                    *s = NONE;
                }
                v.iter().any(|&s| s != NONE)
            });
        self.len -= 1;
        if entry.can_be_prefix() {
            self.n_can_be_prefix -= 1;
        }
        if entry.has_digest {
            self.n_digest -= 1;
        }
        true
    }

    /// Every entry the Data satisfies (PF 3 "matching"): an exact name match, a CanBePrefix
    /// entry whose name is a prefix of the Data name, or an entry named by the Data's full name
    /// (with implicit digest). `hashes` are the prefix hashes of the Data name; `full_name_hash`
    /// computes the hash of the full name, and is called only when some entry has a digest.
    pub fn data_matches(
        &self,
        data: &Data,
        hashes: &[u64],
        full_name_hash: impl FnOnce() -> (Name, u64),
    ) -> Vec<PitEntryId> {
        let mut out = Vec::new();
        self.data_matches_into(data, hashes, full_name_hash, &mut out);
        out
    }

    /// [`data_matches`](Self::data_matches) into a buffer the caller reuses (cleared first).
    pub fn data_matches_into(
        &self,
        data: &Data,
        hashes: &[u64],
        full_name_hash: impl FnOnce() -> (Name, u64),
        out: &mut Vec<PitEntryId>,
    ) {
        out.clear();
        let name = data.name();
        let n = name.len();
        let lowest = if self.n_can_be_prefix > 0 { 0 } else { n };
        for k in lowest..=n {
            let Some(&h) = hashes.get(k) else { continue };
            let Some(v) = self.by_name.get_bytes(name.prefix_bytes(k), h) else {
                continue;
            };
            for (var, &i) in v.iter().enumerate() {
                let cbp = var & 2 != 0;
                if i != NONE && (k == n || cbp) {
                    out.push(self.id_of(i));
                }
            }
        }
        if self.n_digest > 0 {
            let (full, h) = full_name_hash();
            if let Some(v) = self.by_name.get(&full, h) {
                out.extend(v.iter().filter(|&&i| i != NONE).map(|&i| self.id_of(i)));
            }
        }
    }

    /// Ids of all entries, in slot order (deterministic).
    pub fn ids(&self) -> Vec<PitEntryId> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.entry.is_some())
            .map(|(i, _)| self.id_of(i as u32))
            .collect()
    }
}
