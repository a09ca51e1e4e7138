//! Links: one [`Channel`] per direction of a point-to-point link, or one shared channel for a
//! multi-access (broadcast) link.
//!
//! A channel has a bandwidth (a frame occupies it for its serialization time), a propagation
//! delay, a drop-tail queue (`queue_packets` frames may wait while one is being sent, as in an
//! ns-3 point-to-point device), a loss probability drawn from the channel's seeded RNG (a lost
//! frame still occupies the channel), an MTU (larger packets go out as NDNLPv2 fragments and are
//! reassembled at the receiver) and an up/down state (frames sent or in flight while down are
//! lost).
//!
//! No event is needed when a frame finishes serialization: the queue is kept as the list of
//! times at which frames still in the device finish, which tells the occupancy at any instant.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use ndn::lp::{LpPacket, Reassembler, ReassemblyLimits};
use ndn_fw::{CongestionMarker, LinkFields, OutPacket, Rng, Transmit};

use crate::topology::LinkParams;
use crate::units::{SimTime, serialization_time};

/// Why a frame or packet was lost on a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkDrop {
    /// The drop-tail queue was full.
    Queue,
    /// Random loss.
    Loss,
    /// The link was down when the frame was sent or while it was in flight.
    Down,
    /// The packet could not be fragmented for the MTU.
    Mtu,
    /// A frame could not be decoded or reassembled at the receiver.
    Reassembly,
}

impl LinkDrop {
    /// Every reason, in report order.
    pub const ALL: [LinkDrop; 5] = [
        LinkDrop::Queue,
        LinkDrop::Loss,
        LinkDrop::Down,
        LinkDrop::Mtu,
        LinkDrop::Reassembly,
    ];

    /// Name used in trace files.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkDrop::Queue => "queue",
            LinkDrop::Loss => "loss",
            LinkDrop::Down => "link-down",
            LinkDrop::Mtu => "mtu",
            LinkDrop::Reassembly => "reassembly",
        }
    }
}

/// Counters of one channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelCounters {
    /// Frames offered to the channel (before queue drops).
    pub offered_frames: u64,
    /// Frames that went on the wire (including those then lost).
    pub sent_frames: u64,
    /// Bytes that went on the wire.
    pub sent_bytes: u64,
    /// Frames that reached the far end.
    pub delivered_frames: u64,
    /// Drops by reason, indexed like [`LinkDrop::ALL`].
    pub drops: [u64; 5],
    /// Packets this channel marked with a CongestionMark (not those marked upstream).
    pub marked: u64,
}

impl ChannelCounters {
    /// Drops for one reason.
    pub fn drops(&self, why: LinkDrop) -> u64 {
        self.drops[why as usize]
    }

    fn drop(&mut self, why: LinkDrop) {
        self.drops[why as usize] += 1;
    }
}

/// A frame on its way.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub(crate) id: u64,
    pub(crate) wire: Bytes,
    /// The wire is an LpPacket (to decode), not a bare Interest or Data.
    pub(crate) lp: bool,
    /// Sender's member index on a broadcast channel (0 on point-to-point).
    pub(crate) from: u32,
}

/// One direction of a link, or a shared broadcast medium.
#[derive(Debug)]
pub struct Channel {
    params: LinkParams,
    busy_until: SimTime,
    departures: VecDeque<SimTime>,
    pub(crate) in_flight: VecDeque<Frame>,
    up: bool,
    next_frame: u64,
    next_lp_sequence: u64,
    rng: Rng,
    reassemblers: BTreeMap<(u32, u32), Reassembler>,
    marker: CongestionMarker,
    /// Counters.
    pub counters: ChannelCounters,
}

/// A network-layer packet as it came off a link.
#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) wire: Bytes,
    pub(crate) fields: LinkFields,
}

impl Channel {
    /// A channel with these properties; `seed` drives its losses.
    pub fn new(params: LinkParams, seed: u64) -> Channel {
        Channel {
            params,
            busy_until: 0,
            departures: VecDeque::new(),
            in_flight: VecDeque::new(),
            up: true,
            next_frame: 0,
            next_lp_sequence: 0,
            rng: Rng::from_seed(seed),
            reassemblers: BTreeMap::new(),
            marker: CongestionMarker::default(),
            counters: ChannelCounters::default(),
        }
    }

    /// Its properties.
    pub fn params(&self) -> &LinkParams {
        &self.params
    }

    /// True when up.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// Frames waiting or being sent at `now`.
    pub fn backlog(&mut self, now: SimTime) -> usize {
        while self.departures.front().is_some_and(|&t| t <= now) {
            self.departures.pop_front();
        }
        self.departures.len()
    }

    /// Bring the channel up or down. Going down loses every frame queued or in flight.
    pub(crate) fn set_up(&mut self, now: SimTime, up: bool) {
        if self.up == up {
            return;
        }
        self.up = up;
        if !up {
            let lost = self.in_flight.len() as u64;
            self.counters.drops[LinkDrop::Down as usize] += lost;
            self.in_flight.clear();
            self.departures.clear();
            self.busy_until = now;
        }
    }

    /// Put a network-layer packet on the channel, fragmenting it when the MTU requires, with
    /// the CongestionMark it carries (`mark`, 0 for none), or 1 when this channel's queue is
    /// congested and marking is on. Returns the bytes that went on the wire (not those dropped
    /// at the queue or because the link is down). Pushes the arrival times of the frames that
    /// will reach the far end, in order (each needs an arrival event carrying the frame id in
    /// [`Channel::in_flight`]).
    pub(crate) fn send(
        &mut self,
        now: SimTime,
        mut t: Transmit,
        from: u32,
        arrivals: &mut Vec<(SimTime, u64)>,
    ) -> u64 {
        if self.params.congestion_marking && self.congested(now) {
            self.counters.marked += 1;
            t.congestion_mark = t.congestion_mark.max(1);
        }
        // a Nack, a mark or a self-learning field needs NDNLPv2 headers; `fragment` returns
        // them whole when they fit
        let bare = t.congestion_mark == 0 && !t.non_discovery && t.prefix_announcement.is_none();
        let len = match &t.packet {
            OutPacket::Interest(w) | OutPacket::Data(w) if bare => w.len(),
            _ => usize::MAX,
        };
        if let Some(mtu) = self.params.mtu
            && len > mtu
        {
            return self.send_fragments(now, &t, mtu, from, arrivals);
        }
        let (wire, lp) = match t.packet {
            OutPacket::Interest(w) | OutPacket::Data(w) if bare => (w, false),
            _ => (t.to_lp(None).to_link_wire(), true),
        };
        self.send_frame(now, wire, lp, from, arrivals)
    }

    /// True when the packet sent now gets a mark: more than a quarter of the queue is
    /// occupied, at the marking rate of NFD's control law.
    fn congested(&mut self, now: SimTime) -> bool {
        let queued = self.backlog(now);
        let threshold = (self.params.queue_packets / 4).max(1);
        self.marker
            .should_mark(std::time::Duration::from_nanos(now), queued, threshold)
    }

    fn send_fragments(
        &mut self,
        now: SimTime,
        t: &Transmit,
        mtu: usize,
        from: u32,
        arrivals: &mut Vec<(SimTime, u64)>,
    ) -> u64 {
        let mut headers = t.to_lp(None);
        headers.fragment = None;
        match ndn::lp::fragment(
            t.packet.wire().clone(),
            &headers,
            mtu,
            &mut self.next_lp_sequence,
        ) {
            Ok(frames) => frames
                .into_iter()
                .map(|f| self.send_frame(now, f, true, from, arrivals))
                .sum(),
            Err(_) => {
                self.counters.offered_frames += 1;
                self.counters.drop(LinkDrop::Mtu);
                0
            }
        }
    }

    fn send_frame(
        &mut self,
        now: SimTime,
        wire: Bytes,
        lp: bool,
        from: u32,
        arrivals: &mut Vec<(SimTime, u64)>,
    ) -> u64 {
        self.counters.offered_frames += 1;
        if !self.up {
            self.counters.drop(LinkDrop::Down);
            return 0;
        }
        if self.backlog(now) > self.params.queue_packets {
            self.counters.drop(LinkDrop::Queue);
            return 0;
        }
        let len = wire.len() as u64;
        let start = self.busy_until.max(now);
        let end = start + serialization_time(wire.len(), self.params.bandwidth_bps);
        self.busy_until = end;
        self.departures.push_back(end);
        self.counters.sent_frames += 1;
        self.counters.sent_bytes += wire.len() as u64;
        if self.params.loss > 0.0 && self.rng.unit() < self.params.loss {
            self.counters.drop(LinkDrop::Loss);
            return len;
        }
        let id = self.next_frame;
        self.next_frame += 1;
        let arrival = end + self.params.delay;
        self.in_flight.push_back(Frame { id, wire, lp, from });
        arrivals.push((arrival, id));
        len
    }

    /// Take the frame `id` off the channel if it is the next to arrive (it is not when the
    /// link went down after it was sent).
    pub(crate) fn take_arrival(&mut self, id: u32) -> Option<Frame> {
        // low 32 bits suffice: far fewer frames than 2^32 are ever in flight on a channel
        if self.in_flight.front().is_some_and(|f| f.id as u32 == id) {
            self.in_flight.pop_front()
        } else {
            None
        }
    }

    /// Turn a frame into a network-layer packet, reassembling fragments (per receiver and
    /// sender). `None` while fragments are missing or when the frame is bad (counted).
    pub(crate) fn receive(&mut self, now: SimTime, frame: Frame, to: u32) -> Option<Received> {
        self.counters.delivered_frames += 1;
        if !frame.lp {
            return Some(Received {
                wire: frame.wire,
                fields: LinkFields::default(),
            });
        }
        let lp = match LpPacket::decode(frame.wire) {
            Ok(lp) => lp,
            Err(_) => {
                self.counters.drop(LinkDrop::Reassembly);
                return None;
            }
        };
        let whole = if lp.frag_count.is_some_and(|c| c > 1) {
            let nowd = std::time::Duration::from_nanos(now);
            let r = self
                .reassemblers
                .entry((to, frame.from))
                .or_insert_with(|| Reassembler::new(ReassemblyLimits::default()));
            r.expire(nowd);
            match r.receive(nowd, lp) {
                Ok(Some(whole)) => whole,
                Ok(None) => return None,
                Err(_) => {
                    self.counters.drop(LinkDrop::Reassembly);
                    return None;
                }
            }
        } else {
            lp
        };
        let fields = LinkFields::from_lp(&whole);
        // an IDLE packet (acks only) carries nothing for the network layer
        whole.fragment.map(|wire| Received { wire, fields })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(bps: u64, delay: SimTime, queue: usize) -> LinkParams {
        LinkParams {
            bandwidth_bps: bps,
            delay,
            queue_packets: queue,
            ..LinkParams::default()
        }
    }

    fn data(len: usize) -> OutPacket {
        OutPacket::Data(Bytes::from(vec![6u8; len]))
    }

    fn tx(packet: OutPacket, congestion_mark: u64) -> Transmit {
        Transmit {
            face: ndn_fw::FaceId(300),
            packet,
            incoming_face: ndn_fw::FaceId(301),
            pit_token: None,
            congestion_mark,
            non_discovery: false,
            prefix_announcement: None,
        }
    }

    #[test]
    fn frames_queue_behind_each_other() {
        // 1000 bytes at 1 Mbit/s = 8 ms each, 10 ms delay
        let mut c = Channel::new(params(1_000_000, 10_000_000, 10), 1);
        let mut arr = Vec::new();
        c.send(0, tx(data(1000), 0), 0, &mut arr);
        c.send(0, tx(data(1000), 0), 0, &mut arr);
        assert_eq!(arr[0].0, 18_000_000);
        assert_eq!(arr[1].0, 26_000_000);
        assert_eq!(c.backlog(8_000_000), 1);
        assert_eq!(c.backlog(16_000_000), 0);
    }

    #[test]
    fn drop_tail_keeps_one_in_service_plus_the_queue() {
        let mut c = Channel::new(params(1_000_000, 0, 2), 1);
        let mut arr = Vec::new();
        for _ in 0..5 {
            c.send(0, tx(data(1000), 0), 0, &mut arr);
        }
        assert_eq!(arr.len(), 3);
        assert_eq!(c.counters.drops(LinkDrop::Queue), 2);
    }

    #[test]
    fn down_link_loses_frames_in_flight() {
        let mut c = Channel::new(params(1_000_000, 10_000_000, 10), 1);
        let mut arr = Vec::new();
        c.send(0, tx(data(100), 0), 0, &mut arr);
        c.set_up(1, false);
        assert!(c.take_arrival(arr[0].1 as u32).is_none());
        c.send(2, tx(data(100), 0), 0, &mut arr);
        assert_eq!(arr.len(), 1);
        assert_eq!(c.counters.drops(LinkDrop::Down), 2);
        c.set_up(3, true);
        c.send(3, tx(data(100), 0), 0, &mut arr);
        let f = c.take_arrival(arr[1].1 as u32).unwrap();
        assert!(c.receive(3, f, 1).is_some());
    }

    /// The CongestionMark each of `frames` arrives with.
    fn marks_received(c: &mut Channel, arr: &[(SimTime, u64)]) -> Vec<u64> {
        arr.iter()
            .map(|&(at, id)| {
                let f = c.take_arrival(id as u32).unwrap();
                c.receive(at, f, 1).unwrap().fields.congestion_mark
            })
            .collect()
    }

    #[test]
    fn a_congested_queue_marks_at_nfds_rate_and_carries_upstream_marks() {
        // 1 Mbit/s: a 1000-byte Data takes 8 ms; queue of 8, so more than 2 waiting is
        // congestion
        let mut c = Channel::new(
            LinkParams {
                congestion_marking: true,
                ..params(1_000_000, 0, 8)
            },
            1,
        );
        let mut arr = Vec::new();
        for _ in 0..6 {
            c.send(0, tx(data(1000), 0), 0, &mut arr);
        }
        // the fourth finds three in the queue: marked; the next ones within 70 ms are not
        assert_eq!(marks_received(&mut c, &arr), [0, 0, 0, 1, 0, 0]);
        assert_eq!(c.counters.marked, 1);
        // a mark set upstream crosses an idle link unchanged
        let mut arr = Vec::new();
        c.send(1_000_000_000, tx(data(100), 3), 0, &mut arr);
        assert_eq!(marks_received(&mut c, &arr), [3]);
        assert_eq!(c.counters.marked, 1);
        // without marking, a full queue only drops
        let mut plain = Channel::new(params(1_000_000, 0, 8), 1);
        let mut arr = Vec::new();
        for _ in 0..6 {
            plain.send(0, tx(data(1000), 0), 0, &mut arr);
        }
        assert!(marks_received(&mut plain, &arr).iter().all(|&m| m == 0));
    }

    #[test]
    fn large_packets_are_fragmented_and_reassembled() {
        let mut c = Channel::new(
            LinkParams {
                mtu: Some(200),
                ..params(1_000_000, 0, 100)
            },
            1,
        );
        let wire = ndn::DataBuilder::new(ndn::Name::from_uri("/a").unwrap())
            .content(vec![1u8; 1000])
            .sign(&ndn::sign::DigestSha256)
            .unwrap();
        let mut arr = Vec::new();
        c.send(0, tx(OutPacket::Data(wire.clone()), 0), 0, &mut arr);
        assert!(arr.len() >= 5, "{} frames", arr.len());
        let mut got = None;
        for (t, id) in arr.clone() {
            let f = c.take_arrival(id as u32).unwrap();
            assert!(f.wire.len() <= 200);
            if let Some(r) = c.receive(t, f, 1) {
                got = Some(r);
            }
        }
        assert_eq!(got.unwrap().wire, wire);
    }

    #[test]
    fn nacks_travel_as_lp_packets() {
        let mut c = Channel::new(params(1_000_000, 0, 10), 1);
        let interest = ndn::InterestBuilder::new(ndn::Name::from_uri("/a").unwrap())
            .nonce(1)
            .encode();
        let mut arr = Vec::new();
        c.send(
            0,
            tx(
                OutPacket::Nack {
                    reason: ndn::lp::NackReason::NoRoute,
                    interest: interest.clone(),
                },
                0,
            ),
            0,
            &mut arr,
        );
        let f = c.take_arrival(arr[0].1 as u32).unwrap();
        let r = c.receive(0, f, 1).unwrap();
        assert_eq!(r.wire, interest);
        assert_eq!(r.fields.nack, Some(ndn::lp::NackReason::NoRoute));
    }
}
