//! The NDNLPv2 link service of a face: TLV stream framing, decoding and reassembly of incoming
//! frames, encoding and fragmentation of outgoing packets.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ndn::lp::{self, LpPacket, Reassembler, ReassemblyLimits};
use ndn::tlv::{Reader, types as tt};
use ndn_fw::{FaceId, LinkFields, Transmit};

pub mod reliability;

pub use reliability::{LpReliability, ReliabilityCounters};

/// Why a stream face must be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// The stream starts an element that is not an NDN packet.
    #[error("not an NDN packet (TLV-TYPE {0})")]
    NotNdn(u64),
    /// An element is larger than the largest packet accepted.
    #[error("element of {0} bytes exceeds the limit")]
    TooLarge(u64),
    /// The VAR-NUMBER encoding is invalid.
    #[error("invalid TLV header")]
    BadHeader,
}

/// Largest LpPacket overhead allowed on top of the network-layer limit.
const LP_OVERHEAD: usize = 256;

/// Take the next whole TLV element from a stream buffer, if it has one. The element is copied
/// into its own allocation, so a cached packet never pins a large read buffer.
pub fn next_frame(buf: &mut BytesMut, max_packet: usize) -> Result<Option<Bytes>, FramingError> {
    if buf.is_empty() {
        return Ok(None);
    }
    let mut r = Reader::new(buf);
    let typ = match r.read_var_number() {
        Ok(t) => t,
        Err(ndn::DecodeError::Truncated { .. }) => return Ok(None),
        Err(_) => return Err(FramingError::BadHeader),
    };
    if !matches!(typ, tt::INTEREST | tt::DATA | tt::LP_PACKET) {
        return Err(FramingError::NotNdn(typ));
    }
    let len = match r.read_var_number() {
        Ok(l) => l,
        Err(ndn::DecodeError::Truncated { .. }) => return Ok(None),
        Err(_) => return Err(FramingError::BadHeader),
    };
    if len > (max_packet + LP_OVERHEAD) as u64 {
        return Err(FramingError::TooLarge(len));
    }
    let total = r.offset() + len as usize;
    if buf.len() < total {
        buf.reserve(total - buf.len());
        return Ok(None);
    }
    let frame = Bytes::copy_from_slice(&buf[..total]);
    let _ = buf.split_to(total);
    Ok(Some(frame))
}

/// The NDNLPv2 reliability traffic of a face, both ways: TxSequence numbers received (the peer
/// numbers its frames and wants them acknowledged) and Acks received (the peer acknowledges
/// frames this side numbered).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinkControl {
    /// TxSequence numbers of received frames, to acknowledge.
    pub to_acknowledge: Vec<u64>,
    /// TxSequence numbers of sent frames that the peer acknowledged.
    pub acknowledged: Vec<u64>,
}

impl LinkControl {
    /// True when there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.to_acknowledge.is_empty() && self.acknowledged.is_empty()
    }

    /// Add `other`, keeping at most `cap` numbers of each kind (beyond them the peer, or this
    /// side, retransmits, which is harmless).
    pub fn append(&mut self, other: LinkControl, cap: usize) {
        let room = cap.saturating_sub(self.to_acknowledge.len());
        self.to_acknowledge
            .extend(other.to_acknowledge.into_iter().take(room));
        let room = cap.saturating_sub(self.acknowledged.len());
        self.acknowledged
            .extend(other.acknowledged.into_iter().take(room));
    }
}

/// Decodes incoming frames of one peer: NDNLPv2 headers, reassembly, and the reliability
/// traffic ([`LinkControl`]) they carry.
#[derive(Debug)]
pub struct LinkReceiver {
    reassembler: Reassembler,
    control: LinkControl,
}

impl Default for LinkReceiver {
    fn default() -> Self {
        LinkReceiver {
            reassembler: Reassembler::new(ReassemblyLimits::default()),
            control: LinkControl::default(),
        }
    }
}

impl LinkReceiver {
    /// Decode one frame. `Ok(None)` while a fragmented packet is incomplete (or for an IDLE
    /// packet without fragment); `Err` for a malformed frame.
    pub fn receive(
        &mut self,
        now: Duration,
        frame: Bytes,
    ) -> Result<Option<(Bytes, LinkFields)>, ndn::DecodeError> {
        let mut lp = LpPacket::decode(frame)?;
        if let Some(seq) = lp.tx_sequence {
            // acknowledged whether or not the packet is whole yet, as NDNLPv2 asks
            self.control.to_acknowledge.push(seq);
        }
        if !lp.acks.is_empty() {
            self.control
                .acknowledged
                .extend(std::mem::take(&mut lp.acks));
        }
        if lp.fragment.is_none() {
            return Ok(None);
        }
        self.reassembler.expire(now);
        match self.reassembler.receive(now, lp) {
            Ok(Some(mut whole)) => {
                let link = LinkFields::from_lp(&whole);
                Ok(whole.fragment.take().map(|f| (f, link)))
            }
            Ok(None) => Ok(None),
            Err(_) => Err(ndn::DecodeError::InvalidValue {
                element: "LpPacket",
                offset: 0,
                reason: "fragment does not fit its packet",
            }),
        }
    }

    /// The reliability traffic of the frames received since the last call.
    pub fn take_control(&mut self) -> LinkControl {
        std::mem::take(&mut self.control)
    }
}

/// Encoded size of one Ack field: 3-byte TLV-TYPE, length, 8-byte number.
const ACK_LEN: usize = 12;

/// How long a received TxSequence may wait to ride, as an Ack, on a frame going the other way
/// before it is sent alone in an IDLE LpPacket (NFD's idle Ack timer).
pub const ACK_DELAY: Duration = Duration::from_millis(5);

/// Most TxSequence numbers waiting to be acknowledged; the peer resends frames whose Acks did
/// not fit.
const MAX_PENDING_ACKS: usize = 4096;

/// Acks an IDLE LpPacket carries on a link with this MTU.
fn acks_per_frame(mtu: Option<usize>) -> usize {
    // the LpPacket header takes at most 1 + 5 bytes
    mtu.map_or(512, |m| (m.saturating_sub(6) / ACK_LEN).max(1))
}

/// IDLE LpPackets (no fragment) acknowledging `acks`, each within `mtu` bytes when the link
/// has one.
pub fn ack_frames(acks: &[u64], mtu: Option<usize>) -> Vec<Bytes> {
    acks.chunks(acks_per_frame(mtu))
        .map(|chunk| {
            LpPacket {
                acks: chunk.to_vec(),
                ..Default::default()
            }
            .to_link_wire()
        })
        .collect()
}

/// Encodes outgoing packets of one face.
#[derive(Debug)]
pub struct LinkSender {
    /// Link MTU; packets over it are fragmented.
    pub mtu: Option<usize>,
    next_sequence: u64,
    /// Numbers and retransmits frames while `reliable`.
    pub reliability: LpReliability,
    reliable: bool,
    /// TxSequence numbers received from the peer, not acknowledged yet.
    acks: Vec<u64>,
    /// When they must leave at the latest.
    acks_due: Option<Duration>,
}

impl LinkSender {
    /// A sender for a link with this MTU. Fragments are numbered from `first_sequence`, and
    /// so are frames when reliability is on (the two numberings are independent).
    pub fn new(mtu: Option<usize>, first_sequence: u64) -> Self {
        LinkSender {
            mtu,
            next_sequence: first_sequence,
            reliability: LpReliability::new(first_sequence),
            reliable: false,
            acks: Vec::new(),
            acks_due: None,
        }
    }

    /// Acknowledge these TxSequence numbers of the peer: on the next frames sent, as room
    /// allows, or in IDLE LpPackets within [`ACK_DELAY`] (see [`Self::idle_acks`]).
    pub fn acknowledge(&mut self, now: Duration, numbers: &[u64]) {
        if numbers.is_empty() {
            return;
        }
        let room = MAX_PENDING_ACKS.saturating_sub(self.acks.len());
        self.acks.extend(numbers.iter().take(room));
        self.acks_due.get_or_insert(now + ACK_DELAY);
    }

    /// When the Acks waiting must be sent, if any wait.
    pub fn acks_due(&self) -> Option<Duration> {
        self.acks_due
    }

    /// IDLE LpPackets for the Acks that can wait no longer: all of them once their time has
    /// come, and before that as many full frames as they fill (a peer sending and not
    /// receiving gets its Acks without delay).
    pub fn idle_acks(&mut self, now: Duration) -> Vec<Bytes> {
        let per_frame = acks_per_frame(self.mtu);
        let take = if self.acks_due.is_some_and(|due| due <= now) {
            self.acks.len()
        } else {
            self.acks.len() - self.acks.len() % per_frame
        };
        if take == 0 {
            return Vec::new();
        }
        let frames = ack_frames(&self.acks[..take], self.mtu);
        self.acks.drain(..take);
        if self.acks.is_empty() {
            self.acks_due = None;
        }
        frames
    }

    /// Move waiting Acks into `headers` (which hold the packet as their fragment), as many as
    /// fit in the room the frame leaves below the MTU; for a packet that is fragmented anyway,
    /// as many as the first fragment can take without the packet needing another fragment.
    fn piggyback_acks(&mut self, headers: &mut LpPacket) {
        if self.acks.is_empty() {
            return;
        }
        let reserve = if self.reliable {
            reliability::TX_SEQUENCE_LEN
        } else {
            0
        };
        let packet_len = headers.fragment.as_ref().map_or(0, Bytes::len);
        // the frame as it would leave without Acks: bare, or an LpPacket
        let whole = if reserve == 0 && headers.is_bare() {
            packet_len
        } else {
            headers.encoded_len() + reserve
        };
        let fit = match self.mtu {
            Some(mtu) if whole > mtu => {
                lp::fragment_slack(packet_len, headers.headers_len(), mtu, reserve).unwrap_or(0)
                    / ACK_LEN
            }
            // 2 bytes for a longer TLV-LENGTH of the LpPacket
            Some(mtu) => mtu.saturating_sub(headers.encoded_len() + reserve + 2) / ACK_LEN,
            None => acks_per_frame(None),
        };
        let n = fit.min(self.acks.len());
        if n == 0 {
            return;
        }
        headers.acks.extend(self.acks.drain(..n));
        if self.acks.is_empty() {
            self.acks_due = None;
        }
    }

    /// Turn NDNLPv2 reliability on or off. Turning it off forgets the frames waiting for an
    /// Ack; the counters stay.
    pub fn set_reliable(&mut self, on: bool) {
        if self.reliable && !on {
            self.reliability.forget_unacked();
        }
        self.reliable = on;
    }

    /// True while frames are numbered and retransmitted.
    pub fn is_reliable(&self) -> bool {
        self.reliable
    }

    /// The frames for one transmit: the packet with its NDNLPv2 fields (the PitToken echoed
    /// to the downstream, IncomingFaceId when `local_fields`, the CongestionMark the packet
    /// arrived with, at least 1 when `congestion_mark` says this face is congested, the
    /// self-learning fields, and the waiting Acks that fit), fragmented to the MTU, each frame with a TxSequence when
    /// reliability is on.
    pub fn encode(
        &mut self,
        now: Duration,
        t: &Transmit,
        local_fields: bool,
        congestion_mark: bool,
    ) -> Result<Vec<Bytes>, lp::FragmentError> {
        let incoming =
            (local_fields && t.incoming_face != FaceId::INVALID).then_some(t.incoming_face);
        let mut headers = t.to_lp(incoming);
        if congestion_mark {
            headers.congestion_mark = Some(t.congestion_mark.max(1));
        }
        self.piggyback_acks(&mut headers);
        let packet = headers.fragment.take().unwrap_or_default();
        if self.reliable {
            let frames = lp::fragment_frames(
                packet,
                &headers,
                self.mtu.unwrap_or(usize::MAX),
                reliability::TX_SEQUENCE_LEN,
                &mut self.next_sequence,
            )?;
            return Ok(self.reliability.send(now, frames));
        }
        match self.mtu {
            Some(mtu) => lp::fragment(packet, &headers, mtu, &mut self.next_sequence),
            None => {
                headers.fragment = Some(packet);
                Ok(vec![headers.to_link_wire()])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndn_fw::OutPacket;

    #[test]
    fn frames_split_a_stream_and_reject_garbage() {
        let mut buf = BytesMut::new();
        buf.extend_from_slice(&[0x05, 0x03, 0x07, 0x01, 0x08, 0x06, 0x02]);
        assert_eq!(
            next_frame(&mut buf, 8800).unwrap().unwrap(),
            Bytes::from_static(&[0x05, 0x03, 0x07, 0x01, 0x08])
        );
        assert_eq!(next_frame(&mut buf, 8800).unwrap(), None);
        buf.extend_from_slice(&[0x07, 0x00]);
        assert!(next_frame(&mut buf, 8800).unwrap().is_some());
        let mut garbage = BytesMut::from(&b"GET / HTTP/1.1"[..]);
        assert!(next_frame(&mut garbage, 8800).is_err());
        let mut huge = BytesMut::from(&[0x06, 0xFD, 0xFF, 0xFF][..]);
        assert_eq!(
            next_frame(&mut huge, 8800),
            Err(FramingError::TooLarge(0xFFFF))
        );
    }

    #[test]
    fn fragments_round_trip_through_sender_and_receiver() {
        let packet: Bytes = {
            let mut b = ndn::DataBuilder::new(ndn::Name::from_uri("/big").unwrap());
            b = b.content(vec![7u8; 8000]);
            b.sign(&ndn::sign::DigestSha256).unwrap()
        };
        let t = Transmit {
            face: FaceId(300),
            packet: OutPacket::Data(packet.clone()),
            incoming_face: FaceId(301),
            pit_token: Some(Bytes::from_static(b"token")),
            congestion_mark: 0,
            non_discovery: false,
            prefix_announcement: Some(Box::new(Bytes::from_static(b"announcement"))),
        };
        let mut s = LinkSender::new(Some(1400), 1);
        let frames = s.encode(Duration::ZERO, &t, true, false).unwrap();
        assert!(frames.len() > 5 && frames.iter().all(|f| f.len() <= 1400));
        let mut r = LinkReceiver::default();
        let mut out = None;
        for f in frames {
            if let Some(x) = r.receive(Duration::ZERO, f).unwrap() {
                out = Some(x);
            }
        }
        let (wire, link) = out.unwrap();
        assert_eq!(wire, packet);
        // the PitToken and the prefix announcement travel with the reassembled packet
        assert_eq!(link.pit_token.as_deref(), Some(&b"token"[..]));
        assert_eq!(
            link.prefix_announcement.as_deref().map(|b| &b[..]),
            Some(&b"announcement"[..])
        );
    }

    #[test]
    fn a_packet_leaves_with_the_mark_it_arrived_with_or_1_when_the_face_is_congested() {
        let interest = ndn::InterestBuilder::new(ndn::Name::from_uri("/a").unwrap())
            .nonce(1)
            .encode();
        let mark_sent = |arrived: u64, congested: bool| {
            let t = Transmit {
                face: FaceId(300),
                packet: OutPacket::Interest(interest.clone()),
                incoming_face: FaceId(301),
                pit_token: None,
                congestion_mark: arrived,
                non_discovery: false,
                prefix_announcement: None,
            };
            let mut s = LinkSender::new(None, 1);
            let frames = s.encode(Duration::ZERO, &t, false, congested).unwrap();
            let (_, link) = LinkReceiver::default()
                .receive(Duration::ZERO, frames[0].clone())
                .unwrap()
                .unwrap();
            link.congestion_mark
        };
        assert_eq!(mark_sent(0, false), 0);
        assert_eq!(mark_sent(0, true), 1);
        assert_eq!(mark_sent(1, false), 1);
        assert_eq!(mark_sent(5, true), 5);
    }

    fn interest_transmit(name: &str) -> Transmit {
        let wire = ndn::InterestBuilder::new(ndn::Name::from_uri(name).unwrap())
            .nonce(1)
            .encode();
        Transmit {
            face: FaceId(300),
            packet: OutPacket::Interest(wire),
            incoming_face: FaceId(301),
            pit_token: None,
            congestion_mark: 0,
            non_discovery: false,
            prefix_announcement: None,
        }
    }

    fn acks_of(frame: &Bytes) -> Vec<u64> {
        LpPacket::decode(frame.clone()).unwrap().acks
    }

    #[test]
    fn acks_ride_on_frames_going_the_other_way_as_room_allows() {
        let t = interest_transmit("/a/b");
        let bare_len = t.packet.wire().len();
        // room for the LpPacket and Fragment headers and exactly two Acks
        let mut s = LinkSender::new(Some(bare_len + 6 + 2 + 2 * ACK_LEN + 4), 1);
        s.acknowledge(Duration::ZERO, &[1, 2, 3, 4, 5]);
        let frames = s.encode(Duration::ZERO, &t, false, false).unwrap();
        assert_eq!(frames.len(), 1);
        assert!(frames[0].len() <= s.mtu.unwrap());
        assert_eq!(acks_of(&frames[0]), [1, 2]);
        let frames = s.encode(Duration::ZERO, &t, false, false).unwrap();
        assert_eq!(acks_of(&frames[0]), [3, 4]);
        // the last one waits for its time, then leaves alone
        assert!(s.idle_acks(Duration::from_millis(4)).is_empty());
        let idle = s.idle_acks(ACK_DELAY);
        assert_eq!(idle.len(), 1);
        assert_eq!(acks_of(&idle[0]), [5]);
        assert_eq!(s.acks_due(), None);
        // nothing waits: frames go bare
        let frames = s.encode(Duration::ZERO, &t, false, false).unwrap();
        assert_eq!(frames[0], *t.packet.wire());
    }

    #[test]
    fn a_numbered_frame_carries_acks_within_the_mtu() {
        let t = interest_transmit("/a/b");
        let mtu = t.packet.wire().len() + 60;
        let mut s = LinkSender::new(Some(mtu), 1);
        s.set_reliable(true);
        s.acknowledge(Duration::ZERO, &(100..200).collect::<Vec<u64>>());
        let frames = s.encode(Duration::ZERO, &t, false, false).unwrap();
        assert_eq!(frames.len(), 1);
        assert!(frames[0].len() <= mtu, "{} > {mtu}", frames[0].len());
        let lp = LpPacket::decode(frames[0].clone()).unwrap();
        assert!(lp.tx_sequence.is_some());
        assert!(!lp.acks.is_empty() && lp.acks[0] == 100, "{:?}", lp.acks);
    }

    #[test]
    fn a_fragmented_packet_carries_acks_in_its_spare_room_and_no_extra_fragment() {
        let data = ndn::DataBuilder::new(ndn::Name::from_uri("/big").unwrap())
            .content(vec![7u8; 3000])
            .sign(&ndn::sign::DigestSha256)
            .unwrap();
        let t = Transmit {
            packet: OutPacket::Data(data),
            ..interest_transmit("/x")
        };
        for reliable in [false, true] {
            let fragments = |acks: &[u64]| {
                let mut s = LinkSender::new(Some(1400), 1);
                s.set_reliable(reliable);
                s.acknowledge(Duration::ZERO, acks);
                let frames = s.encode(Duration::ZERO, &t, false, false).unwrap();
                let carried: Vec<u64> = frames.iter().flat_map(acks_of).collect();
                (frames.len(), carried, s.acks_due())
            };
            let (plain, _, _) = fragments(&[]);
            assert!(plain > 1);
            // a few Acks ride in the first fragment
            let (n, carried, due) = fragments(&[9, 10]);
            assert_eq!((n, carried, due), (plain, vec![9, 10], None), "{reliable}");
            // more than the spare room: the rest waits for the next frame or the timer
            let many: Vec<u64> = (0..200).collect();
            let (n, carried, due) = fragments(&many);
            assert_eq!(n, plain, "{reliable}");
            assert!(!carried.is_empty() && carried.len() < many.len());
            assert_eq!(due, Some(ACK_DELAY));
        }
    }

    #[test]
    fn a_full_frame_of_acks_leaves_at_once() {
        let mut s = LinkSender::new(Some(100), 1);
        let per_frame = (100 - 6) / ACK_LEN;
        let numbers: Vec<u64> = (0..per_frame as u64 + 3).collect();
        s.acknowledge(Duration::ZERO, &numbers);
        let idle = s.idle_acks(Duration::ZERO);
        assert_eq!(idle.len(), 1);
        assert!(idle[0].len() <= 100);
        assert_eq!(acks_of(&idle[0]), numbers[..per_frame]);
        // the rest waits for company or for its time
        assert_eq!(s.acks_due(), Some(ACK_DELAY));
        assert_eq!(acks_of(&s.idle_acks(ACK_DELAY)[0]), numbers[per_frame..]);
    }

    #[test]
    fn every_tx_sequence_is_acknowledged_whole_partial_or_idle() {
        let interest = ndn::InterestBuilder::new(ndn::Name::from_uri("/a").unwrap())
            .nonce(1)
            .encode();
        let mut r = LinkReceiver::default();
        let frame = |seq, fragment: Option<Bytes>, index: Option<u64>| {
            LpPacket {
                tx_sequence: Some(seq),
                sequence: index.map(|_| 9),
                frag_index: index,
                frag_count: index.map(|_| 2),
                fragment,
                ..Default::default()
            }
            .encode()
        };
        assert!(
            r.receive(Duration::ZERO, frame(7, Some(interest.clone()), None))
                .unwrap()
                .is_some()
        );
        // the first of two fragments: no packet yet, but an Ack is due
        let half = interest.slice(..4);
        assert!(
            r.receive(Duration::ZERO, frame(8, Some(half), Some(0)))
                .unwrap()
                .is_none()
        );
        assert!(
            r.receive(Duration::ZERO, frame(9, None, None))
                .unwrap()
                .is_none()
        );
        assert_eq!(r.take_control().to_acknowledge, vec![7, 8, 9]);
        assert!(r.take_control().is_empty());
    }

    #[test]
    fn ack_frames_fit_the_mtu_and_carry_every_ack() {
        let acks: Vec<u64> = (1..=300).collect();
        let frames = ack_frames(&acks, Some(1400));
        assert!(frames.len() > 1);
        let mut back = Vec::new();
        for f in &frames {
            assert!(f.len() <= 1400, "{}", f.len());
            let lp = LpPacket::decode(f.clone()).unwrap();
            assert!(lp.fragment.is_none() && lp.tx_sequence.is_none());
            back.extend(lp.acks);
        }
        assert_eq!(back, acks);
        assert_eq!(ack_frames(&[5], None).len(), 1);
        assert!(ack_frames(&[], Some(1400)).is_empty());
    }
}
