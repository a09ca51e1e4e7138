//! NDNLPv2 link reliability, the sending half (NFD's LpReliability).
//!
//! On a face with reliability on, every frame carries a TxSequence, which the peer sends back in
//! an Ack field. A frame that is not acknowledged within the retransmission timeout, or that
//! [`LOSS_THRESHOLD`] frames sent after it have overtaken (they were acknowledged and it was
//! not), is sent again under a new TxSequence, at most [`MAX_RETX`] times. After that its
//! network packet is given up, together with the packet's other fragments still waiting: the
//! peer could not reassemble it anyway. The retransmission timeout follows the acknowledgement
//! times (RFC 6298, as ndn-cxx's RttEstimator, which NFD uses here too) and doubles at each
//! expiry.
//!
//! Sans-IO like the forwarding core: time comes in as an argument, frames go out as return
//! values, so the unit tests below run in virtual time.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use bytes::Bytes;
use ndn::fetch::{RttEstimator, RttOptions};
use ndn::lp::LpPacket;

/// Bytes a TxSequence field adds to a frame (3-byte TLV-TYPE, length, 8-byte number).
pub const TX_SEQUENCE_LEN: usize = 12;
/// Retransmissions of a frame before its packet is given up (NFD's `maxRetx`).
pub const MAX_RETX: u32 = 3;
/// A frame is taken as lost once this many frames sent after it are acknowledged (NFD's
/// `seqNumLossThreshold`).
pub const LOSS_THRESHOLD: u32 = 3;
/// Most frames waiting for an Ack; beyond them the oldest packet is given up, so a peer that
/// never acknowledges costs bounded memory.
pub const MAX_UNACKED: usize = 4096;

/// What the reliability of one face has done.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReliabilityCounters {
    /// Frames the peer acknowledged.
    pub acknowledged: u64,
    /// Frames sent again.
    pub retransmitted: u64,
    /// Network packets given up: a frame was retransmitted `MAX_RETX` times without an Ack, or
    /// more than `MAX_UNACKED` frames were waiting.
    pub retx_exhausted: u64,
}

#[derive(Debug)]
struct Unacked {
    /// The frame without its TxSequence.
    frame: LpPacket,
    sent_at: Duration,
    deadline: Duration,
    retx: u32,
    /// The network packet it is part of.
    packet: u64,
    /// Frames sent after this one and acknowledged before it.
    overtaken: u32,
}

/// The sending half of NDNLPv2 reliability on one face.
#[derive(Debug)]
pub struct LpReliability {
    next_tx_sequence: u64,
    /// Frames waiting for an Ack, by TxSequence (so in the order they were sent).
    unacked: BTreeMap<u64, Unacked>,
    /// (retransmission deadline, TxSequence) of each of them.
    deadlines: BTreeSet<(Duration, u64)>,
    /// Frames still waiting, per network packet.
    packets: BTreeMap<u64, usize>,
    next_packet: u64,
    rtt: RttEstimator,
    /// What it has done.
    pub counters: ReliabilityCounters,
}

impl LpReliability {
    /// Reliability whose first frame is numbered `first_tx_sequence`.
    pub fn new(first_tx_sequence: u64) -> Self {
        LpReliability {
            next_tx_sequence: first_tx_sequence,
            unacked: BTreeMap::new(),
            deadlines: BTreeSet::new(),
            packets: BTreeMap::new(),
            next_packet: 0,
            rtt: RttEstimator::new(RttOptions::default()),
            counters: ReliabilityCounters::default(),
        }
    }

    /// Number the frames of one network packet (its fragments, or the packet whole), keep them
    /// until they are acknowledged, and return them encoded.
    pub fn send(&mut self, now: Duration, frames: Vec<LpPacket>) -> Vec<Bytes> {
        let packet = self.next_packet;
        self.next_packet += 1;
        self.packets.insert(packet, frames.len());
        let wires = frames
            .into_iter()
            .map(|f| self.transmit(now, f, packet, 0))
            .collect();
        while self.unacked.len() > MAX_UNACKED {
            let Some(oldest) = self.unacked.values().next().map(|u| u.packet) else {
                break;
            };
            self.give_up(oldest);
        }
        wires
    }

    /// Acks from the peer. Returns the frames to send again at once: those that frames sent
    /// after them have overtaken `LOSS_THRESHOLD` times.
    pub fn on_acks(&mut self, now: Duration, acks: &[u64]) -> Vec<Bytes> {
        let mut lost = Vec::new();
        for &ack in acks {
            // an Ack of a frame already acknowledged, given up or never sent changes nothing
            let Some(u) = self.unacked.remove(&ack) else {
                continue;
            };
            self.deadlines.remove(&(u.deadline, ack));
            self.counters.acknowledged += 1;
            // each transmission has its own TxSequence, so even the Ack of a retransmitted
            // frame times that one transmission
            self.rtt.add_measurement(now.saturating_sub(u.sent_at), 1);
            self.frame_done(u.packet);
            for (&seq, earlier) in self.unacked.range_mut(..ack) {
                earlier.overtaken += 1;
                if earlier.overtaken == LOSS_THRESHOLD {
                    lost.push(seq);
                }
            }
        }
        lost.into_iter()
            .filter_map(|seq| self.retransmit(now, seq))
            .collect()
    }

    /// Frames whose retransmission timeout has passed, to send again now; packets out of
    /// retransmissions are given up.
    pub fn on_timeout(&mut self, now: Duration) -> Vec<Bytes> {
        let mut out = Vec::new();
        let mut backed_off = false;
        while let Some(&(deadline, seq)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            if !backed_off {
                self.rtt.backoff_rto();
                backed_off = true;
            }
            match self.retransmit(now, seq) {
                Some(wire) => out.push(wire),
                None => {
                    // given up (and its deadline with it), or somehow gone: never loop on it
                    self.deadlines.remove(&(deadline, seq));
                }
            }
        }
        out
    }

    /// Forget the frames waiting for an Ack (reliability was turned off).
    pub fn forget_unacked(&mut self) {
        self.unacked.clear();
        self.deadlines.clear();
        self.packets.clear();
    }

    /// When [`Self::on_timeout`] has something to do.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.deadlines.first().map(|&(d, _)| d)
    }

    /// Frames waiting for an Ack.
    pub fn unacked_len(&self) -> usize {
        self.unacked.len()
    }

    /// The current retransmission timeout.
    pub fn rto(&self) -> Duration {
        self.rtt.rto()
    }

    fn transmit(&mut self, now: Duration, mut frame: LpPacket, packet: u64, retx: u32) -> Bytes {
        let seq = self.next_tx_sequence;
        self.next_tx_sequence = seq.wrapping_add(1);
        frame.tx_sequence = Some(seq);
        let wire = frame.encode();
        frame.tx_sequence = None;
        let deadline = now + self.rtt.rto();
        self.deadlines.insert((deadline, seq));
        self.unacked.insert(
            seq,
            Unacked {
                frame,
                sent_at: now,
                deadline,
                retx,
                packet,
                overtaken: 0,
            },
        );
        wire
    }

    /// Send frame `seq` again under a new TxSequence, or give its packet up when it has been
    /// retransmitted `MAX_RETX` times.
    fn retransmit(&mut self, now: Duration, seq: u64) -> Option<Bytes> {
        let u = self.unacked.get(&seq)?;
        if u.retx >= MAX_RETX {
            let packet = u.packet;
            self.give_up(packet);
            return None;
        }
        let u = self.unacked.remove(&seq)?;
        self.deadlines.remove(&(u.deadline, seq));
        self.counters.retransmitted += 1;
        Some(self.transmit(now, u.frame, u.packet, u.retx + 1))
    }

    /// Forget every frame of `packet`.
    fn give_up(&mut self, packet: u64) {
        let frames: Vec<u64> = self
            .unacked
            .iter()
            .filter(|(_, u)| u.packet == packet)
            .map(|(&seq, _)| seq)
            .collect();
        for seq in frames {
            if let Some(u) = self.unacked.remove(&seq) {
                self.deadlines.remove(&(u.deadline, seq));
            }
        }
        self.packets.remove(&packet);
        self.counters.retx_exhausted += 1;
    }

    fn frame_done(&mut self, packet: u64) {
        if let Some(left) = self.packets.get_mut(&packet) {
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.packets.remove(&packet);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn frames(n: usize, tag: u8) -> Vec<LpPacket> {
        (0..n)
            .map(|i| LpPacket {
                sequence: (n > 1).then_some(i as u64),
                frag_index: (n > 1).then_some(i as u64),
                frag_count: (n > 1).then_some(n as u64),
                fragment: Some(Bytes::from(vec![tag, i as u8])),
                ..Default::default()
            })
            .collect()
    }

    /// (TxSequence, fragment) of each encoded frame.
    fn read(wires: &[Bytes]) -> Vec<(u64, Bytes)> {
        wires
            .iter()
            .map(|w| {
                let lp = LpPacket::decode(w.clone()).unwrap();
                (lp.tx_sequence.unwrap(), lp.fragment.unwrap())
            })
            .collect()
    }

    #[test]
    fn every_frame_is_numbered_and_kept_until_acknowledged() {
        let mut r = LpReliability::new(100);
        let now = Duration::from_secs(5);
        let a = read(&r.send(now, frames(1, 1)));
        let b = read(&r.send(now, frames(3, 2)));
        let seqs: Vec<u64> = a.iter().chain(&b).map(|(s, _)| *s).collect();
        assert_eq!(seqs, vec![100, 101, 102, 103]);
        assert_eq!(b[2].1.as_ref(), &[2, 2]);
        assert_eq!(r.unacked_len(), 4);
        assert_eq!(r.next_deadline(), Some(now + Duration::from_secs(1)));
        assert!(
            r.on_acks(now + MS, &[100, 101, 102, 103, 103, 999])
                .is_empty()
        );
        assert_eq!(r.unacked_len(), 0);
        assert_eq!(r.next_deadline(), None);
        assert!(r.on_timeout(now + Duration::from_secs(100)).is_empty());
        assert_eq!(
            r.counters,
            ReliabilityCounters {
                acknowledged: 4,
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_frame_without_ack_goes_again_under_a_new_tx_sequence_when_its_rto_passes() {
        let mut r = LpReliability::new(0);
        let t0 = Duration::ZERO;
        let first = read(&r.send(t0, frames(1, 7)));
        let rto = r.rto();
        assert_eq!(rto, Duration::from_secs(1), "ndn-cxx's initial RTO");
        assert!(r.on_timeout(t0 + rto - MS).is_empty());
        let again = read(&r.on_timeout(t0 + rto));
        assert_eq!(again.len(), 1);
        assert_ne!(again[0].0, first[0].0, "a new TxSequence");
        assert_eq!(again[0].1, first[0].1, "the same frame");
        assert_eq!(r.rto(), 2 * rto, "backed off");
        // an Ack of the first transmission, arriving late, is one of a frame no longer waiting
        assert!(r.on_acks(t0 + rto + MS, &[first[0].0]).is_empty());
        assert_eq!(r.unacked_len(), 1);
        assert!(r.on_acks(t0 + rto + MS, &[again[0].0]).is_empty());
        assert_eq!(r.unacked_len(), 0);
        assert_eq!(r.counters.retransmitted, 1);
        assert_eq!(r.counters.acknowledged, 1);
    }

    #[test]
    fn a_frame_overtaken_by_three_acknowledged_frames_goes_again_at_once() {
        let mut r = LpReliability::new(10);
        let t0 = Duration::ZERO;
        for tag in 0..5 {
            r.send(t0, frames(1, tag));
        }
        // frame 10 is lost; 11 and 12 are acknowledged: not yet
        assert!(r.on_acks(t0 + MS, &[11, 12]).is_empty());
        let again = read(&r.on_acks(t0 + 2 * MS, &[13]));
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].0, 15, "numbered after the five first sends");
        assert_eq!(again[0].1.as_ref(), &[0, 0]);
        // frame 14 was overtaken by nothing
        assert_eq!(r.unacked_len(), 2);
        assert_eq!(r.counters.retransmitted, 1);
    }

    #[test]
    fn a_packet_out_of_retransmissions_is_given_up_with_its_other_fragments() {
        let mut r = LpReliability::new(0);
        let mut now = Duration::ZERO;
        let sent = read(&r.send(now, frames(3, 9)));
        // the middle fragment arrives; the first and last never do
        r.on_acks(now + MS, &[sent[1].0]);
        let mut retransmitted = 0;
        for _ in 0..10 {
            let Some(due) = r.next_deadline() else {
                break;
            };
            now = due;
            retransmitted += r.on_timeout(now).len();
        }
        assert_eq!(retransmitted, 2 * MAX_RETX as usize);
        assert_eq!(r.unacked_len(), 0);
        assert_eq!(r.next_deadline(), None);
        assert_eq!(
            r.counters,
            ReliabilityCounters {
                acknowledged: 1,
                retransmitted: 2 * u64::from(MAX_RETX),
                retx_exhausted: 1,
            }
        );
    }

    #[test]
    fn the_rto_follows_acknowledgement_times() {
        let mut r = LpReliability::new(0);
        let t0 = Duration::from_secs(1);
        let s = read(&r.send(t0, frames(1, 0)))[0].0;
        r.on_acks(t0 + 300 * MS, &[s]);
        // first sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR
        assert_eq!(r.rto(), 900 * MS);
        // the same again: RTTVAR = 3/4 * 150 ms, so RTO = 300 + 4 * 112.5 ms
        let s = read(&r.send(t0, frames(1, 0)))[0].0;
        r.on_acks(t0 + 300 * MS, &[s]);
        assert_eq!(r.rto().as_micros(), 750_000);
    }

    #[test]
    fn a_peer_that_never_acknowledges_costs_bounded_memory() {
        let mut r = LpReliability::new(0);
        for i in 0..MAX_UNACKED + 10 {
            r.send(Duration::ZERO, frames(1, i as u8));
        }
        assert_eq!(r.unacked_len(), MAX_UNACKED);
        assert_eq!(r.counters.retx_exhausted, 10);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Op {
            /// Send a packet of this many frames.
            Send(usize),
            /// Acks: indexes into the TxSequences sent so far, or numbers never sent.
            Ack(Vec<(bool, u64)>),
            /// Let this many milliseconds pass, then run the timers.
            Wait(u64),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (1usize..5).prop_map(Op::Send),
                proptest::collection::vec((any::<bool>(), any::<u64>()), 0..8).prop_map(Op::Ack),
                (0u64..3000).prop_map(Op::Wait),
            ]
        }

        proptest! {
            /// Whatever the peer acknowledges and whenever, the bookkeeping stays consistent:
            /// one deadline per waiting frame, every waiting frame counted in its packet, never
            /// more than MAX_UNACKED waiting, no frame overdue after the timers ran, and every
            /// transmission under a new TxSequence.
            #[test]
            fn any_acks_at_any_time_keep_the_books_straight(
                ops in proptest::collection::vec(op(), 0..200),
            ) {
                let mut r = LpReliability::new(1 << 40);
                let mut now = Duration::ZERO;
                let mut sent: Vec<u64> = Vec::new();
                for op in ops {
                    let wires = match op {
                        Op::Send(n) => r.send(now, frames(n, 0)),
                        Op::Ack(acks) => {
                            let acks: Vec<u64> = acks
                                .into_iter()
                                .map(|(known, x)| match known {
                                    true if !sent.is_empty() => sent[x as usize % sent.len()],
                                    _ => x,
                                })
                                .collect();
                            r.on_acks(now, &acks)
                        }
                        Op::Wait(ms) => {
                            now += Duration::from_millis(ms);
                            r.on_timeout(now)
                        }
                    };
                    for (seq, _) in read(&wires) {
                        prop_assert!(sent.last().is_none_or(|&last| seq > last));
                        sent.push(seq);
                    }
                    prop_assert_eq!(r.deadlines.len(), r.unacked.len());
                    prop_assert_eq!(r.packets.values().sum::<usize>(), r.unacked.len());
                    prop_assert!(r.unacked.len() <= MAX_UNACKED);
                    prop_assert!(r.unacked.values().all(|u| u.retx <= MAX_RETX));
                    // the timers have run: nothing is overdue
                    prop_assert!(r.next_deadline().is_none_or(|d| d > now));
                }
            }
        }
    }
}
