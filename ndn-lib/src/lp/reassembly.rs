//! NDNLPv2 reassembly, sans-IO: fragments in, whole packets out, with a timeout and limits so a
//! flood of partial packets cannot exhaust memory.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};

use super::LpPacket;
use super::fragment::MAX_FRAGMENTS;

/// Bounds on what a [`Reassembler`] keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReassemblyLimits {
    /// Partial packets kept at once; the oldest is dropped to make room.
    pub max_partial_packets: usize,
    /// Bytes of fragments kept at once; the oldest partial packets are dropped to make room, and
    /// a packet whose fragments alone exceed it is dropped.
    pub max_bytes: usize,
    /// Fragments one packet may have.
    pub max_fragments: u64,
    /// A partial packet is dropped this long after its first fragment arrived.
    pub timeout: Duration,
}

impl Default for ReassemblyLimits {
    /// 256 partial packets, 4 MiB, 400 fragments per packet, 500 ms (NFD's reassembly timeout).
    fn default() -> Self {
        ReassemblyLimits {
            max_partial_packets: 256,
            max_bytes: 4 << 20,
            max_fragments: MAX_FRAGMENTS as u64,
            timeout: Duration::from_millis(500),
        }
    }
}

/// Why a fragment was dropped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReassemblyError {
    /// A fragment of a multi-fragment packet has no Sequence.
    #[error("fragment without Sequence")]
    MissingSequence,
    /// FragCount exceeds the limit.
    #[error("FragCount {count} exceeds the limit of {max}")]
    TooManyFragments {
        /// The FragCount received.
        count: u64,
        /// The limit.
        max: u64,
    },
    /// A fragment disagrees with earlier fragments of the same packet.
    #[error("fragment inconsistent with earlier fragments of the same packet")]
    Inconsistent,
    /// The LpPacket carries no fragment.
    #[error("LpPacket has no fragment")]
    NoFragment,
    /// The fragment does not fit the limits even after dropping every other partial packet
    /// (its packet alone exceeds the byte limit, or no partial packet may be kept).
    #[error("fragment does not fit the reassembly limits")]
    LimitExceeded,
}

#[derive(Debug)]
struct Partial {
    started: Duration,
    count: u64,
    received: u64,
    bytes: usize,
    pieces: Vec<Option<Bytes>>,
    /// Header fields of fragment 0.
    headers: Option<LpPacket>,
}

/// Collects fragments from one peer and returns whole packets.
#[derive(Debug)]
pub struct Reassembler {
    limits: ReassemblyLimits,
    /// Partial packets keyed by the Sequence of their first fragment.
    partials: BTreeMap<u64, Partial>,
    bytes: usize,
    dropped: u64,
}

impl Reassembler {
    /// An empty reassembler.
    pub fn new(limits: ReassemblyLimits) -> Self {
        Reassembler {
            limits,
            partials: BTreeMap::new(),
            bytes: 0,
            dropped: 0,
        }
    }

    /// Partial packets currently held.
    pub fn partial_count(&self) -> usize {
        self.partials.len()
    }

    /// Bytes of fragments currently held.
    pub fn held_bytes(&self) -> usize {
        self.bytes
    }

    /// Partial packets dropped so far (timeouts, limits, inconsistencies).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Take one received LpPacket. Returns the whole packet (with the header fields of its
    /// first fragment and no fragmentation fields) once every fragment has arrived.
    pub fn receive(
        &mut self,
        now: Duration,
        mut lp: LpPacket,
    ) -> Result<Option<LpPacket>, ReassemblyError> {
        let piece = lp.fragment.take().ok_or(ReassemblyError::NoFragment)?;
        let index = lp.frag_index.unwrap_or(0);
        let count = lp.frag_count.unwrap_or(1);
        if count <= 1 {
            lp.fragment = Some(piece);
            lp.frag_index = None;
            lp.frag_count = None;
            return Ok(Some(lp));
        }
        if count > self.limits.max_fragments {
            return Err(ReassemblyError::TooManyFragments {
                count,
                max: self.limits.max_fragments,
            });
        }
        let seq = lp.sequence.ok_or(ReassemblyError::MissingSequence)?;
        let base = seq.wrapping_sub(index);
        if index >= count {
            return Err(ReassemblyError::Inconsistent);
        }
        match self.partials.get(&base) {
            Some(p) if p.count != count => {
                self.drop_partial(base);
                return Err(ReassemblyError::Inconsistent);
            }
            // a duplicate fragment changes nothing
            Some(p) if p.pieces.get(index as usize).is_some_and(Option::is_some) => {
                return Ok(None);
            }
            Some(_) => {
                // the byte limit holds for every fragment, not only for a packet's first
                if !self.make_room(piece.len(), Some(base)) {
                    self.drop_partial(base);
                    return Err(ReassemblyError::LimitExceeded);
                }
            }
            None => {
                if !self.make_room(piece.len(), None) {
                    return Err(ReassemblyError::LimitExceeded);
                }
                self.partials.insert(
                    base,
                    Partial {
                        started: now,
                        count,
                        received: 0,
                        bytes: 0,
                        pieces: vec![None; count as usize],
                        headers: None,
                    },
                );
            }
        }
        let Some(p) = self.partials.get_mut(&base) else {
            return Err(ReassemblyError::Inconsistent);
        };
        let Some(slot) = p.pieces.get_mut(index as usize) else {
            return Err(ReassemblyError::Inconsistent);
        };
        p.received += 1;
        p.bytes += piece.len();
        self.bytes += piece.len();
        *slot = Some(piece);
        if index == 0 {
            lp.sequence = None;
            lp.frag_index = None;
            lp.frag_count = None;
            p.headers = Some(lp);
        }
        if p.received < p.count {
            return Ok(None);
        }
        let Some(p) = self.partials.remove(&base) else {
            return Ok(None);
        };
        self.bytes -= p.bytes;
        let mut whole = BytesMut::with_capacity(p.bytes);
        for piece in p.pieces.into_iter().flatten() {
            whole.put_slice(&piece);
        }
        let mut out = p.headers.unwrap_or_default();
        out.fragment = Some(whole.freeze());
        Ok(Some(out))
    }

    fn drop_partial(&mut self, base: u64) {
        if let Some(p) = self.partials.remove(&base) {
            self.bytes -= p.bytes;
            self.dropped += 1;
        }
    }

    /// Drop the oldest partial packets (never `keep`) until a fragment of `incoming` bytes fits
    /// the byte limit and, when it starts a new partial packet (`keep` is `None`), the count
    /// limit. False when it cannot fit even with every other partial packet gone.
    fn make_room(&mut self, incoming: usize, keep: Option<u64>) -> bool {
        loop {
            let over_count =
                keep.is_none() && self.partials.len() >= self.limits.max_partial_packets;
            let over_bytes = self.bytes + incoming > self.limits.max_bytes;
            if !over_count && !over_bytes {
                return true;
            }
            let oldest = self
                .partials
                .iter()
                .filter(|(base, _)| Some(**base) != keep)
                .min_by_key(|(base, p)| (p.started, **base))
                .map(|(base, _)| *base);
            match oldest {
                Some(b) => self.drop_partial(b),
                None => return false,
            }
        }
    }

    /// Drop partial packets whose time is up; returns how many were dropped.
    pub fn expire(&mut self, now: Duration) -> usize {
        let timeout = self.limits.timeout;
        let expired: Vec<u64> = self
            .partials
            .iter()
            .filter(|(_, p)| now.saturating_sub(p.started) >= timeout)
            .map(|(b, _)| *b)
            .collect();
        for b in &expired {
            self.drop_partial(*b);
        }
        expired.len()
    }

    /// When the next partial packet times out, if any.
    pub fn next_expiry(&self) -> Option<Duration> {
        self.partials
            .values()
            .map(|p| p.started.saturating_add(self.limits.timeout))
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::super::fragment;
    use super::*;

    fn packet(len: usize) -> Bytes {
        (0..len).map(|i| (i % 251) as u8).collect::<Vec<_>>().into()
    }

    #[test]
    fn fragments_fit_and_reassemble_in_any_order() {
        let p = packet(8800);
        let mut seq = 77;
        let headers = LpPacket {
            congestion_mark: Some(1),
            ..Default::default()
        };
        let frames = fragment(p.clone(), &headers, 1400, &mut seq).unwrap();
        assert!(frames.len() >= 7);
        assert!(frames.iter().all(|f| f.len() <= 1400));
        assert_eq!(seq, 77 + frames.len() as u64);
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let mut out = None;
        for f in frames.iter().rev() {
            let lp = LpPacket::decode(f.clone()).unwrap();
            if let Some(whole) = r.receive(Duration::ZERO, lp).unwrap() {
                out = Some(whole);
            }
        }
        let out = out.unwrap();
        assert_eq!(out.fragment.unwrap(), p);
        assert_eq!(out.congestion_mark, Some(1));
        assert_eq!(r.partial_count(), 0);
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn small_packet_is_not_fragmented() {
        // an element of type Interest (5) whose 98-byte value is opaque here
        let mut p = vec![0x05, 98];
        p.extend_from_slice(&packet(98));
        let p = Bytes::from(p);
        let mut seq = 0;
        let frames = fragment(p.clone(), &LpPacket::default(), 1400, &mut seq).unwrap();
        assert_eq!(frames, vec![p]);
        assert_eq!(seq, 0);
    }

    #[test]
    fn partial_packets_time_out_and_are_bounded() {
        let limits = ReassemblyLimits {
            max_partial_packets: 4,
            ..Default::default()
        };
        let mut r = Reassembler::new(limits);
        for base in 0..10u64 {
            let lp = LpPacket {
                sequence: Some(base * 10),
                frag_index: Some(0),
                frag_count: Some(2),
                fragment: Some(packet(10)),
                ..Default::default()
            };
            assert_eq!(r.receive(Duration::from_millis(base), lp).unwrap(), None);
            assert!(r.partial_count() <= 4);
        }
        assert_eq!(r.dropped(), 6);
        assert_eq!(r.next_expiry(), Some(Duration::from_millis(506)));
        assert_eq!(r.expire(Duration::from_millis(507)), 2);
        assert_eq!(r.expire(Duration::from_secs(10)), 2);
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn byte_limit_holds_for_later_fragments() {
        // found by the `reassembler` fuzz target: only a packet's first fragment made room, so
        // later fragments of one partial packet grew past `max_bytes`
        let limits = ReassemblyLimits {
            max_bytes: 256,
            max_fragments: 8,
            ..Default::default()
        };
        let mut r = Reassembler::new(limits);
        let mk = |seq: u64, idx| LpPacket {
            sequence: Some(seq),
            frag_index: Some(idx),
            frag_count: Some(8),
            fragment: Some(packet(63)),
            ..Default::default()
        };
        // another partial packet, older, is dropped first to make room
        assert_eq!(r.receive(Duration::ZERO, mk(100, 0)).unwrap(), None);
        for i in 0..4 {
            assert_eq!(r.receive(Duration::from_millis(1), mk(i, i)).unwrap(), None);
            assert!(r.held_bytes() <= 256, "held {}", r.held_bytes());
        }
        assert_eq!(r.partial_count(), 1);
        assert_eq!(r.dropped(), 1);
        assert_eq!(r.held_bytes(), 4 * 63);
        // the fifth fragment cannot fit: the packet is dropped
        assert_eq!(
            r.receive(Duration::from_millis(1), mk(4, 4)),
            Err(ReassemblyError::LimitExceeded)
        );
        assert_eq!(r.partial_count(), 0);
        assert_eq!(r.held_bytes(), 0);
        assert_eq!(r.dropped(), 2);
    }

    #[test]
    fn duplicate_fragment_is_ignored() {
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let mk = |seq: u64, idx| LpPacket {
            sequence: Some(seq),
            frag_index: Some(idx),
            frag_count: Some(2),
            fragment: Some(packet(5)),
            ..Default::default()
        };
        assert_eq!(r.receive(Duration::ZERO, mk(10, 0)).unwrap(), None);
        assert_eq!(r.receive(Duration::ZERO, mk(10, 0)).unwrap(), None);
        assert_eq!(r.held_bytes(), 5);
        let whole = r.receive(Duration::ZERO, mk(11, 1)).unwrap().unwrap();
        assert_eq!(whole.fragment.unwrap().len(), 10);
    }

    #[test]
    fn next_expiry_saturates() {
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let lp = LpPacket {
            sequence: Some(1),
            frag_index: Some(0),
            frag_count: Some(2),
            fragment: Some(packet(5)),
            ..Default::default()
        };
        assert_eq!(r.receive(Duration::MAX, lp).unwrap(), None);
        assert_eq!(r.next_expiry(), Some(Duration::MAX));
    }

    #[test]
    fn inconsistent_count_drops_partial() {
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let mk = |seq, idx, count| LpPacket {
            sequence: Some(seq),
            frag_index: Some(idx),
            frag_count: Some(count),
            fragment: Some(packet(5)),
            ..Default::default()
        };
        assert_eq!(r.receive(Duration::ZERO, mk(5, 0, 3)).unwrap(), None);
        assert_eq!(
            r.receive(Duration::ZERO, mk(6, 1, 4)),
            Err(ReassemblyError::Inconsistent)
        );
        assert_eq!(r.partial_count(), 0);
    }
}
