//! NDNLPv2, the NDN link protocol: LpPacket framing with header fields (Nack, local fields,
//! congestion marks, cache policy), fragmentation and reassembly.
//!
//! A bare Interest or Data on a link is accepted as an LpPacket with no header fields.

mod fragment;
mod reassembly;

pub use fragment::{FragmentError, MAX_FRAGMENTS, fragment, fragment_frames, fragment_slack};
pub use reassembly::{Reassembler, ReassemblyError, ReassemblyLimits};

use bytes::{BufMut, Bytes, BytesMut};

use crate::packet::Interest;
use crate::tlv::{self, DecodeError, Reader, types as tt};

/// Why an upstream could not satisfy an Interest (NDNLPv2 "NackReason").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NackReason {
    /// No reason given (NackReason absent or 0).
    None,
    /// The upstream is congested (50).
    Congestion,
    /// The Interest looped back or was a duplicate (100).
    Duplicate,
    /// The upstream has no route (150).
    NoRoute,
    /// Any other code.
    Other(u64),
}

impl NackReason {
    /// The numeric code.
    pub fn code(self) -> u64 {
        match self {
            NackReason::None => 0,
            NackReason::Congestion => 50,
            NackReason::Duplicate => 100,
            NackReason::NoRoute => 150,
            NackReason::Other(c) => c,
        }
    }

    /// The reason for a numeric code.
    pub fn from_code(code: u64) -> NackReason {
        match code {
            0 => NackReason::None,
            50 => NackReason::Congestion,
            100 => NackReason::Duplicate,
            150 => NackReason::NoRoute,
            c => NackReason::Other(c),
        }
    }

    /// NFD ranks reasons to pick the least severe one among upstream Nacks: Congestion <
    /// Duplicate < NoRoute < others.
    pub fn severity(self) -> u64 {
        match self {
            NackReason::Congestion => 1,
            NackReason::Duplicate => 2,
            NackReason::NoRoute => 3,
            NackReason::None | NackReason::Other(_) => 4,
        }
    }
}

impl std::fmt::Display for NackReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NackReason::None => f.write_str("None"),
            NackReason::Congestion => f.write_str("Congestion"),
            NackReason::Duplicate => f.write_str("Duplicate"),
            NackReason::NoRoute => f.write_str("NoRoute"),
            NackReason::Other(c) => write!(f, "{c}"),
        }
    }
}

/// CachePolicyType NoCache (NDNLPv2 "CachePolicy").
pub const CACHE_POLICY_NO_CACHE: u64 = 1;

/// A network Nack: an Interest returned with a reason.
#[derive(Debug, Clone)]
pub struct Nack {
    /// Why the Interest is returned.
    pub reason: NackReason,
    /// The Interest being returned.
    pub interest: Interest,
}

/// An NDNLPv2 LpPacket: header fields and an optional fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LpPacket {
    /// Sequence (fragmentation, reliability); always 8 bytes on the wire.
    pub sequence: Option<u64>,
    /// FragIndex: this fragment's position.
    pub frag_index: Option<u64>,
    /// FragCount: the number of fragments.
    pub frag_count: Option<u64>,
    /// PitToken: opaque bytes echoed by the next hop.
    pub pit_token: Option<Bytes>,
    /// Nack header: the fragment is an Interest returned for this reason.
    pub nack: Option<NackReason>,
    /// IncomingFaceId (to local applications).
    pub incoming_face_id: Option<u64>,
    /// NextHopFaceId (from local applications).
    pub next_hop_face_id: Option<u64>,
    /// CachePolicyType.
    pub cache_policy: Option<u64>,
    /// CongestionMark.
    pub congestion_mark: Option<u64>,
    /// Acknowledged TxSequence numbers.
    pub acks: Vec<u64>,
    /// TxSequence (reliability).
    pub tx_sequence: Option<u64>,
    /// NonDiscovery (self-learning).
    pub non_discovery: bool,
    /// PrefixAnnouncement Data (self-learning).
    pub prefix_announcement: Option<Bytes>,
    /// The fragment: a whole network-layer packet, or a piece of one.
    pub fragment: Option<Bytes>,
}

/// Read an 8-byte fixed-width number (Sequence, Ack, TxSequence).
fn fixed_u64(e: &tlv::Element<'_>, element: &'static str) -> Result<u64, DecodeError> {
    let v: [u8; 8] = e.value.try_into().map_err(|_| DecodeError::InvalidValue {
        element,
        offset: e.offset,
        reason: "must be 8 bytes",
    })?;
    Ok(u64::from_be_bytes(v))
}

/// Some encoders write the NDNLPv2 header TLV-TYPEs as the number 0xFD03xx (the bytes of the
/// 3-byte VAR-NUMBER taken as the number itself). Read such a type as the 0x03xx it meant.
fn canonical_lp_type(t: u64) -> u64 {
    if (0xFD_0320..=0xFD_03BF).contains(&t) {
        t & 0xFFFF
    } else {
        t
    }
}

impl LpPacket {
    /// True when the packet has no header field besides the fragment, so it can be sent as a
    /// bare network-layer packet.
    pub fn is_bare(&self) -> bool {
        let LpPacket {
            fragment: _,
            sequence,
            frag_index,
            frag_count,
            pit_token,
            nack,
            incoming_face_id,
            next_hop_face_id,
            cache_policy,
            congestion_mark,
            acks,
            tx_sequence,
            non_discovery,
            prefix_announcement,
        } = self;
        sequence.is_none()
            && frag_index.is_none()
            && frag_count.is_none()
            && pit_token.is_none()
            && nack.is_none()
            && incoming_face_id.is_none()
            && next_hop_face_id.is_none()
            && cache_policy.is_none()
            && congestion_mark.is_none()
            && acks.is_empty()
            && tx_sequence.is_none()
            && !non_discovery
            && prefix_announcement.is_none()
    }

    /// A packet carrying only `fragment`.
    pub fn from_fragment(fragment: Bytes) -> LpPacket {
        LpPacket {
            fragment: Some(fragment),
            ..LpPacket::default()
        }
    }

    /// Decode an LpPacket, or a bare Interest or Data (returned as a packet whose fragment is the
    /// whole wire). `wire` must hold exactly one element.
    pub fn decode(wire: Bytes) -> Result<LpPacket, DecodeError> {
        const PARENT: &str = "LpPacket";
        let mut outer = Reader::new(&wire);
        let top = outer.read_element()?;
        if !outer.is_empty() {
            return Err(DecodeError::TrailingBytes {
                offset: top.end,
                count: wire.len() - top.end,
            });
        }
        match top.tlv_type {
            tt::INTEREST | tt::DATA => return Ok(LpPacket::from_fragment(wire)),
            tt::LP_PACKET => {}
            found => {
                return Err(DecodeError::UnexpectedType {
                    expected: PARENT,
                    expected_type: tt::LP_PACKET,
                    found,
                    offset: 0,
                });
            }
        }
        let mut p = LpPacket::default();
        for e in top.reader() {
            let e = e?;
            if p.fragment.is_some() {
                return Err(DecodeError::InvalidValue {
                    element: "Fragment",
                    offset: e.offset,
                    reason: "Fragment must be the last field",
                });
            }
            match canonical_lp_type(e.tlv_type) {
                tt::LP_FRAGMENT => p.fragment = Some(wire.slice(e.value_offset..e.end)),
                tt::LP_SEQUENCE => p.sequence = Some(fixed_u64(&e, "Sequence")?),
                tt::LP_FRAG_INDEX => p.frag_index = Some(e.nonneg("FragIndex")?),
                tt::LP_FRAG_COUNT => p.frag_count = Some(e.nonneg("FragCount")?),
                tt::LP_PIT_TOKEN => p.pit_token = Some(wire.slice(e.value_offset..e.end)),
                tt::LP_NACK => {
                    let mut reason = NackReason::None;
                    for r in e.reader() {
                        let r = r?;
                        if canonical_lp_type(r.tlv_type) == tt::LP_NACK_REASON {
                            reason = NackReason::from_code(r.nonneg("NackReason")?);
                        }
                    }
                    p.nack = Some(reason);
                }
                tt::LP_INCOMING_FACE_ID => {
                    p.incoming_face_id = Some(e.nonneg("IncomingFaceId")?);
                }
                tt::LP_NEXT_HOP_FACE_ID => {
                    p.next_hop_face_id = Some(e.nonneg("NextHopFaceId")?);
                }
                tt::LP_CACHE_POLICY => {
                    let mut r = e.reader();
                    let t = r.read_element()?;
                    if canonical_lp_type(t.tlv_type) != tt::LP_CACHE_POLICY_TYPE {
                        return Err(DecodeError::Missing {
                            element: "CachePolicyType",
                            parent: "CachePolicy",
                        });
                    }
                    p.cache_policy = Some(t.nonneg("CachePolicyType")?);
                }
                tt::LP_CONGESTION_MARK => {
                    p.congestion_mark = Some(e.nonneg("CongestionMark")?);
                }
                tt::LP_ACK => p.acks.push(fixed_u64(&e, "Ack")?),
                tt::LP_TX_SEQUENCE => p.tx_sequence = Some(fixed_u64(&e, "TxSequence")?),
                tt::LP_NON_DISCOVERY => p.non_discovery = true,
                tt::LP_PREFIX_ANNOUNCEMENT => {
                    p.prefix_announcement = Some(wire.slice(e.value_offset..e.end));
                }
                t if tlv::types::is_lp_ignorable(t) => {}
                t => {
                    return Err(DecodeError::UnrecognizedCritical {
                        tlv_type: t,
                        parent: PARENT,
                        offset: e.offset,
                    });
                }
            }
        }
        // a missing FragIndex means 0 and a missing FragCount means 1 (NDNLPv2 "Fragmentation")
        if p.frag_index.unwrap_or(0) >= p.frag_count.unwrap_or(1) {
            return Err(DecodeError::InvalidValue {
                element: "FragIndex",
                offset: 0,
                reason: "FragIndex must be less than FragCount",
            });
        }
        Ok(p)
    }

    /// Size of the header fields (everything but the fragment).
    pub fn headers_len(&self) -> usize {
        let mut n = 0;
        if self.sequence.is_some() {
            n += tlv::tlv_len(tt::LP_SEQUENCE, 8);
        }
        if let Some(i) = self.frag_index {
            n += tlv::tlv_len(tt::LP_FRAG_INDEX, tlv::nonneg_len(i));
        }
        if let Some(c) = self.frag_count {
            n += tlv::tlv_len(tt::LP_FRAG_COUNT, tlv::nonneg_len(c));
        }
        if let Some(t) = &self.pit_token {
            n += tlv::tlv_len(tt::LP_PIT_TOKEN, t.len());
        }
        if let Some(r) = self.nack {
            n += tlv::tlv_len(tt::LP_NACK, nack_value_len(r));
        }
        if let Some(f) = self.incoming_face_id {
            n += tlv::tlv_len(tt::LP_INCOMING_FACE_ID, tlv::nonneg_len(f));
        }
        if let Some(f) = self.next_hop_face_id {
            n += tlv::tlv_len(tt::LP_NEXT_HOP_FACE_ID, tlv::nonneg_len(f));
        }
        if let Some(c) = self.cache_policy {
            n += tlv::tlv_len(
                tt::LP_CACHE_POLICY,
                tlv::tlv_len(tt::LP_CACHE_POLICY_TYPE, tlv::nonneg_len(c)),
            );
        }
        if let Some(m) = self.congestion_mark {
            n += tlv::tlv_len(tt::LP_CONGESTION_MARK, tlv::nonneg_len(m));
        }
        n += self.acks.len() * tlv::tlv_len(tt::LP_ACK, 8);
        if self.tx_sequence.is_some() {
            n += tlv::tlv_len(tt::LP_TX_SEQUENCE, 8);
        }
        if self.non_discovery {
            n += tlv::tlv_len(tt::LP_NON_DISCOVERY, 0);
        }
        if let Some(a) = &self.prefix_announcement {
            n += tlv::tlv_len(tt::LP_PREFIX_ANNOUNCEMENT, a.len());
        }
        n
    }

    /// Encoded size of the LpPacket (always with the LpPacket wrapper).
    pub fn encoded_len(&self) -> usize {
        tlv::tlv_len(tt::LP_PACKET, self.value_len())
    }

    fn value_len(&self) -> usize {
        self.headers_len()
            + self
                .fragment
                .as_ref()
                .map_or(0, |f| tlv::tlv_len(tt::LP_FRAGMENT, f.len()))
    }

    /// Write the LpPacket (fields in the NDNLPv2 order, fragment last).
    pub fn encode_to(&self, buf: &mut impl BufMut) {
        tlv::put_tlv_header(buf, tt::LP_PACKET, self.value_len());
        if let Some(s) = self.sequence {
            tlv::put_tlv(buf, tt::LP_SEQUENCE, &s.to_be_bytes());
        }
        if let Some(i) = self.frag_index {
            tlv::put_nonneg_tlv(buf, tt::LP_FRAG_INDEX, i);
        }
        if let Some(c) = self.frag_count {
            tlv::put_nonneg_tlv(buf, tt::LP_FRAG_COUNT, c);
        }
        if let Some(t) = &self.pit_token {
            tlv::put_tlv(buf, tt::LP_PIT_TOKEN, t);
        }
        if let Some(r) = self.nack {
            tlv::put_tlv_header(buf, tt::LP_NACK, nack_value_len(r));
            if r != NackReason::None {
                tlv::put_nonneg_tlv(buf, tt::LP_NACK_REASON, r.code());
            }
        }
        if let Some(f) = self.incoming_face_id {
            tlv::put_nonneg_tlv(buf, tt::LP_INCOMING_FACE_ID, f);
        }
        if let Some(f) = self.next_hop_face_id {
            tlv::put_nonneg_tlv(buf, tt::LP_NEXT_HOP_FACE_ID, f);
        }
        if let Some(c) = self.cache_policy {
            tlv::put_tlv_header(
                buf,
                tt::LP_CACHE_POLICY,
                tlv::tlv_len(tt::LP_CACHE_POLICY_TYPE, tlv::nonneg_len(c)),
            );
            tlv::put_nonneg_tlv(buf, tt::LP_CACHE_POLICY_TYPE, c);
        }
        if let Some(m) = self.congestion_mark {
            tlv::put_nonneg_tlv(buf, tt::LP_CONGESTION_MARK, m);
        }
        for a in &self.acks {
            tlv::put_tlv(buf, tt::LP_ACK, &a.to_be_bytes());
        }
        if let Some(s) = self.tx_sequence {
            tlv::put_tlv(buf, tt::LP_TX_SEQUENCE, &s.to_be_bytes());
        }
        if self.non_discovery {
            tlv::put_tlv_header(buf, tt::LP_NON_DISCOVERY, 0);
        }
        if let Some(a) = &self.prefix_announcement {
            tlv::put_tlv(buf, tt::LP_PREFIX_ANNOUNCEMENT, a);
        }
        if let Some(f) = &self.fragment {
            tlv::put_tlv(buf, tt::LP_FRAGMENT, f);
        }
    }

    /// The encoded LpPacket.
    pub fn encode(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.encoded_len());
        self.encode_to(&mut buf);
        buf.freeze()
    }

    /// The bytes to put on a link: the bare fragment when there are no header fields and the
    /// fragment is one whole Interest or Data, the LpPacket otherwise (a bare fragment of other
    /// bytes would be read back as something else, or not at all).
    pub fn to_link_wire(&self) -> Bytes {
        match &self.fragment {
            Some(f) if self.is_bare() && is_network_packet(f) => f.clone(),
            _ => self.encode(),
        }
    }
}

/// True when `wire` is exactly one Interest or Data element (as far as TLV framing goes).
fn is_network_packet(wire: &[u8]) -> bool {
    let mut r = Reader::new(wire);
    matches!(r.read_element(), Ok(e) if e.tlv_type == tt::INTEREST || e.tlv_type == tt::DATA)
        && r.is_empty()
}

fn nack_value_len(r: NackReason) -> usize {
    if r == NackReason::None {
        0
    } else {
        tlv::tlv_len(tt::LP_NACK_REASON, tlv::nonneg_len(r.code()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_all_fields() {
        let p = LpPacket {
            sequence: Some(u64::MAX - 3),
            frag_index: Some(1),
            frag_count: Some(3),
            pit_token: Some(Bytes::from_static(b"tok")),
            nack: Some(NackReason::Duplicate),
            incoming_face_id: Some(300),
            next_hop_face_id: Some(70000),
            cache_policy: Some(CACHE_POLICY_NO_CACHE),
            congestion_mark: Some(1),
            acks: vec![1, 2],
            tx_sequence: Some(9),
            non_discovery: true,
            prefix_announcement: Some(Bytes::from_static(b"\x06\x00")),
            fragment: Some(Bytes::from_static(b"\x05\x03\x07\x01\x08")),
        };
        let wire = p.encode();
        assert_eq!(wire.len(), p.encoded_len());
        assert_eq!(LpPacket::decode(wire).unwrap(), p);
    }

    #[test]
    fn unknown_fields_follow_the_ignorable_rule() {
        // 956 = 0x03BC: ignorable (800..=959, low bits 00)
        let ok = [0x64, 0x04, 0xFD, 0x03, 0xBC, 0x00];
        assert!(LpPacket::decode(Bytes::copy_from_slice(&ok)).is_ok());
        // 957: low bits 01, critical
        let bad = [0x64, 0x04, 0xFD, 0x03, 0xBD, 0x00];
        assert!(matches!(
            LpPacket::decode(Bytes::copy_from_slice(&bad)),
            Err(DecodeError::UnrecognizedCritical { .. })
        ));
    }

    #[test]
    fn only_a_whole_network_packet_goes_bare() {
        // found by the `lp_packet` fuzz target: a header-less LpPacket whose fragment was the
        // bytes of an empty LpPacket went on the link bare and came back without a fragment
        for fragment in [
            &[0x64, 0x00][..],
            &[][..],
            &[0x05, 0x03, 0x07, 0x01][..],
            &[0x05, 0x00, 0x06, 0x00][..],
        ] {
            let p = LpPacket::from_fragment(Bytes::copy_from_slice(fragment));
            let link = p.to_link_wire();
            assert_eq!(link, p.encode(), "{fragment:02x?}");
            assert_eq!(LpPacket::decode(link).unwrap(), p);
        }
    }

    #[test]
    fn bare_packet_is_its_own_fragment() {
        let wire = Bytes::from_static(&[0x05, 0x03, 0x07, 0x01, 0x08]);
        let p = LpPacket::decode(wire.clone()).unwrap();
        assert!(p.is_bare());
        assert_eq!(p.to_link_wire(), wire);
    }
}
