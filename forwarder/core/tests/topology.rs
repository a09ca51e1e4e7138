//! Several forwarder cores wired together by links with delay, driven by a tiny event loop in
//! virtual time (the topology tester of NFD's test suite, in miniature).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use bytes::Bytes;
use common::{data, name, signed};
use ndn::InterestBuilder;
use ndn_fw::{
    FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields, OutPacket, Strategy,
    StrategyKind,
};

type NodeId = usize;

/// A packet arriving at (time, sequence, node, face), with its Nack reason if it is a Nack.
type Delivery = (
    Duration,
    u64,
    NodeId,
    FaceId,
    Bytes,
    Option<ndn::lp::NackReason>,
);

struct Net {
    nodes: Vec<Forwarder>,
    /// (node, face) -> (peer node, peer face, delay, up)
    links: BTreeMap<(NodeId, FaceId), (NodeId, FaceId, Duration)>,
    down: Vec<(NodeId, FaceId)>,
    /// app faces: (node, face) -> producer prefix (None for consumers)
    apps: BTreeMap<(NodeId, FaceId), Option<ndn::Name>>,
    /// Data and Nacks delivered to consumer apps.
    inbox: Vec<(Duration, NodeId, OutPacket)>,
    /// Interests that reached producers.
    served: usize,
    queue: BinaryHeap<Reverse<Delivery>>,
    seq: u64,
    now: Duration,
}

impl Net {
    fn new(n: usize) -> Net {
        Net {
            nodes: (0..n)
                .map(|i| {
                    Forwarder::new(ForwarderConfig {
                        seed: i as u64,
                        ..Default::default()
                    })
                })
                .collect(),
            links: BTreeMap::new(),
            down: Vec::new(),
            apps: BTreeMap::new(),
            inbox: Vec::new(),
            served: 0,
            queue: BinaryHeap::new(),
            seq: 0,
            now: Duration::ZERO,
        }
    }

    fn link(&mut self, a: NodeId, b: NodeId, delay_ms: u64) -> (FaceId, FaceId) {
        let fa = self.nodes[a].add_face(
            Duration::ZERO,
            FaceInfo::new(
                format!("sim://{b}"),
                format!("sim://{a}"),
                FaceScope::NonLocal,
            ),
        );
        let fb = self.nodes[b].add_face(
            Duration::ZERO,
            FaceInfo::new(
                format!("sim://{a}"),
                format!("sim://{b}"),
                FaceScope::NonLocal,
            ),
        );
        let d = Duration::from_millis(delay_ms);
        self.links.insert((a, fa), (b, fb, d));
        self.links.insert((b, fb), (a, fa, d));
        (fa, fb)
    }

    fn app(&mut self, node: NodeId, producer: Option<&str>) -> FaceId {
        let f = self.nodes[node].add_face(
            Duration::ZERO,
            FaceInfo::new("app://", "app://", FaceScope::Local),
        );
        self.apps.insert((node, f), producer.map(name));
        f
    }

    fn schedule(
        &mut self,
        at: Duration,
        node: NodeId,
        face: FaceId,
        wire: Bytes,
        nack: Option<ndn::lp::NackReason>,
    ) {
        self.seq += 1;
        self.queue
            .push(Reverse((at, self.seq, node, face, wire, nack)));
    }

    fn express(&mut self, node: NodeId, app: FaceId, wire: Bytes) {
        let now = self.now;
        self.schedule(now, node, app, wire, None);
    }

    /// Move transmits of every node onto links or into apps.
    fn flush(&mut self) {
        for n in 0..self.nodes.len() {
            while let Some(t) = self.nodes[n].poll_transmit() {
                if let Some(prod) = self.apps.get(&(n, t.face)).cloned() {
                    match (prod, &t.packet) {
                        (Some(prefix), OutPacket::Interest(w)) => {
                            let i = ndn::Interest::decode(w.clone()).unwrap();
                            assert!(prefix.is_prefix_of(i.name()));
                            self.served += 1;
                            let reply = signed(
                                ndn::DataBuilder::new(i.name().clone())
                                    .content(&b"payload"[..])
                                    .freshness_period(10_000),
                            );
                            let now = self.now;
                            self.schedule(now + Duration::from_millis(1), n, t.face, reply, None);
                        }
                        (_, p) => self.inbox.push((self.now, n, p.clone())),
                    }
                    continue;
                }
                let Some(&(peer, pf, delay)) = self.links.get(&(n, t.face)) else {
                    continue;
                };
                if self.down.contains(&(n, t.face)) {
                    continue;
                }
                let (wire, nack) = match t.packet {
                    OutPacket::Interest(w) | OutPacket::Data(w) => (w, None),
                    OutPacket::Nack { reason, interest } => (interest, Some(reason)),
                };
                let at = self.now + delay;
                self.schedule(at, peer, pf, wire, nack);
            }
        }
    }

    fn run_until(&mut self, end: Duration) {
        loop {
            self.flush();
            let next_packet = self.queue.peek().map(|Reverse(e)| e.0);
            let next_timer = self.nodes.iter().filter_map(Forwarder::poll_timeout).min();
            let next = match (next_packet, next_timer) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => break,
            };
            if next > end {
                break;
            }
            self.now = self.now.max(next);
            if next_packet == Some(next) {
                let Reverse((_, _, node, face, wire, nack)) = self.queue.pop().unwrap();
                let link = LinkFields {
                    nack,
                    ..Default::default()
                };
                self.nodes[node].handle_packet(self.now, face, wire, link);
            } else {
                for n in &mut self.nodes {
                    n.handle_timeout(self.now);
                }
            }
        }
        self.now = self.now.max(end);
    }

    fn data_received(&self) -> usize {
        self.inbox
            .iter()
            .filter(|(_, _, p)| matches!(p, OutPacket::Data(_)))
            .count()
    }
}

/// consumer(0) -- 1 -- producer(2), 10 ms links.
fn line() -> (Net, FaceId, FaceId) {
    let mut net = Net::new(3);
    let (f01, _f10) = net.link(0, 1, 10);
    let (f12, _f21) = net.link(1, 2, 10);
    let consumer = net.app(0, None);
    let consumer2 = net.app(1, None);
    let producer = net.app(2, Some("/p"));
    net.nodes[0].add_next_hop(&name("/p"), f01, 1);
    net.nodes[1].add_next_hop(&name("/p"), f12, 1);
    net.nodes[2].add_next_hop(&name("/p"), producer, 0);
    (net, consumer, consumer2)
}

#[test]
fn fetch_over_three_nodes_takes_the_path_delay() {
    let (mut net, consumer, _) = line();
    net.express(
        0,
        consumer,
        InterestBuilder::new(name("/p/a")).nonce(1).encode(),
    );
    net.run_until(Duration::from_secs(1));
    assert_eq!(net.data_received(), 1);
    // 2 hops each way at 10 ms, plus the producer's 1 ms
    let (t, _, _) = &net.inbox[0];
    assert_eq!(*t, Duration::from_millis(41));
    assert_eq!(net.served, 1);
}

#[test]
fn cache_hit_on_the_middle_node() {
    let (mut net, consumer, consumer2) = line();
    net.express(
        0,
        consumer,
        InterestBuilder::new(name("/p/a")).nonce(1).encode(),
    );
    net.run_until(Duration::from_secs(1));
    // a consumer at the middle node asks again: its cache answers, the producer sees nothing
    net.express(
        1,
        consumer2,
        InterestBuilder::new(name("/p/a")).nonce(2).encode(),
    );
    net.run_until(Duration::from_secs(2));
    assert_eq!(net.data_received(), 2);
    assert_eq!(net.served, 1);
    assert_eq!(net.nodes[1].cs().n_hits, 1);
    let (t, node, _) = &net.inbox[1];
    assert_eq!((*t, *node), (Duration::from_secs(1), 1));
}

#[test]
fn nack_no_route_travels_back_to_the_consumer() {
    let (mut net, consumer, _) = line();
    net.express(
        0,
        consumer,
        InterestBuilder::new(name("/p")).nonce(1).encode(),
    );
    // /q has no route at node 1
    net.nodes[0].add_next_hop(&name("/q"), FaceId(256), 1);
    net.express(
        0,
        consumer,
        InterestBuilder::new(name("/q/x")).nonce(2).encode(),
    );
    net.run_until(Duration::from_secs(1));
    let nacks: Vec<_> = net
        .inbox
        .iter()
        .filter_map(|(_, _, p)| match p {
            OutPacket::Nack { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(nacks, vec![ndn::lp::NackReason::NoRoute]);
}

/// Consumer (node 0) and producer of `/p` (node 3) joined by a slow, cheap path through node 1
/// (50 ms links) and a fast, costly one through node 2 (5 ms links); the consumer's node runs
/// `strategy` for `/p`. Returns the network, the consumer's face and the fast path's last
/// link (node 2's face toward node 3).
fn two_paths(strategy: Strategy) -> (Net, FaceId, FaceId) {
    let mut net = Net::new(4);
    let (f01, _) = net.link(0, 1, 50);
    let (f02, _) = net.link(0, 2, 5);
    let (f13, _) = net.link(1, 3, 50);
    let (f23, _) = net.link(2, 3, 5);
    let consumer = net.app(0, None);
    let producer = net.app(3, Some("/p"));
    net.nodes[0].add_next_hop(&name("/p"), f01, 1);
    net.nodes[0].add_next_hop(&name("/p"), f02, 10);
    net.nodes[1].add_next_hop(&name("/p"), f13, 1);
    net.nodes[2].add_next_hop(&name("/p"), f23, 1);
    net.nodes[3].add_next_hop(&name("/p"), producer, 0);
    net.nodes[0].set_strategy(&name("/p"), strategy);
    (net, consumer, f23)
}

#[test]
fn asf_moves_traffic_to_the_faster_path() {
    let (mut net, consumer, _) = two_paths(StrategyKind::Asf.into());
    for i in 0..20u32 {
        let at = Duration::from_millis(300 * u64::from(i));
        net.run_until(at);
        net.express(
            0,
            consumer,
            InterestBuilder::new(name(&format!("/p/{i}")))
                .nonce(i)
                .encode(),
        );
    }
    net.run_until(Duration::from_secs(30));
    assert_eq!(net.data_received(), 20);
    // the first Interests go to the cheap face and probe the other; once both are measured the
    // fast path wins, so the last Interests arrive after about 2 * (5 + 5) + 1 ms
    let last_rtts: Vec<Duration> = net.inbox[15..].iter().map(|(t, _, _)| *t).collect();
    for (k, t) in last_rtts.iter().enumerate() {
        let sent = Duration::from_millis(300 * (15 + k as u64));
        assert_eq!(*t - sent, Duration::from_millis(21), "Interest {}", 15 + k);
    }
}

#[test]
fn asf_remembers_the_faster_path_through_a_quiet_half_minute() {
    let (mut net, consumer, _) = two_paths(StrategyKind::Asf.into());
    let ask = |net: &mut Net, i: u64, at: Duration| {
        net.run_until(at);
        let wire = InterestBuilder::new(name(&format!("/p/{i}"))).nonce(i as u32);
        net.express(0, consumer, wire.encode());
    };
    // both paths measured by the first Interest and its probe
    ask(&mut net, 0, Duration::ZERO);
    net.run_until(Duration::from_secs(1));
    let slow_path = net.nodes[1].counters().n_in_interests;
    // 30 s later (no probe due yet) the fast path is still known: nothing goes the cheap,
    // slow way
    let later = Duration::from_secs(30);
    ask(&mut net, 1, later);
    net.run_until(later + Duration::from_secs(1));
    assert_eq!(net.data_received(), 2);
    assert_eq!(net.inbox[1].0 - later, Duration::from_millis(21));
    assert_eq!(net.nodes[1].counters().n_in_interests, slow_path);
}

/// Interests that reach the slow path's router of [`two_paths`] when the consumer's node runs
/// `strategy`: 30 Interests, 300 ms apart.
fn interests_on_the_slow_path(strategy: Strategy) -> u64 {
    let (mut net, consumer, _) = two_paths(strategy);
    for i in 0..30u32 {
        net.run_until(Duration::from_millis(300 * u64::from(i)));
        let wire = InterestBuilder::new(name(&format!("/p/{i}"))).nonce(i);
        net.express(0, consumer, wire.encode());
    }
    net.run_until(Duration::from_secs(30));
    assert_eq!(net.data_received(), 30);
    net.nodes[1].counters().n_in_interests
}

#[test]
fn asf_probes_as_often_as_its_probing_interval_parameter_says() {
    // the default interval (60 s) probes the slow path once in these 9 s; one of 1 s, about
    // every third Interest
    let default = interests_on_the_slow_path(StrategyKind::Asf.into());
    let every_second = interests_on_the_slow_path(
        Strategy::from_name(&name(
            "/localhost/nfd/strategy/asf/v=5/probing-interval~1000",
        ))
        .unwrap(),
    );
    assert!(default <= 2, "{default}");
    assert!(every_second >= 6, "{every_second}");
}

#[test]
fn asf_probes_carry_their_own_nonce_so_paths_that_meet_do_not_see_a_loop() {
    // 0 -> 1 -> 3 (the cheap next hop, 5 + 5 ms) and 0 -> 2 -> 3 (the probe, 10 + 10 ms) meet
    // at 3, which waits 100 ms for the producer behind 4: the probe reaches 3 while the
    // chosen path's Interest is pending there
    let mut net = Net::new(5);
    let (f01, _) = net.link(0, 1, 5);
    let (f02, _) = net.link(0, 2, 10);
    let (f13, _) = net.link(1, 3, 5);
    let (f23, _) = net.link(2, 3, 10);
    let (f34, _) = net.link(3, 4, 50);
    let consumer = net.app(0, None);
    let producer = net.app(4, Some("/p"));
    net.nodes[0].add_next_hop(&name("/p"), f01, 1);
    net.nodes[0].add_next_hop(&name("/p"), f02, 10);
    net.nodes[1].add_next_hop(&name("/p"), f13, 1);
    net.nodes[2].add_next_hop(&name("/p"), f23, 1);
    net.nodes[3].add_next_hop(&name("/p"), f34, 1);
    net.nodes[4].add_next_hop(&name("/p"), producer, 0);
    net.nodes[0].set_strategy(&name("/p"), StrategyKind::Asf);
    let wire = InterestBuilder::new(name("/p/x")).nonce(1).encode();
    net.express(0, consumer, wire);
    net.run_until(Duration::from_secs(1));
    assert_eq!(net.data_received(), 1);
    // 3 took the probe for another Interest for the same name, not a looping copy of the
    // first: it aggregated it instead of answering Nack Duplicate
    assert_eq!(net.nodes[3].counters().n_in_interests, 2);
    assert_eq!(net.nodes[3].counters().n_out_nacks, 0);
    assert_eq!(net.nodes[0].counters().n_in_nacks, 0);
    // and so ASF counted nothing against the probed path
    let p = name("/p");
    let probed = net.nodes[0]
        .measurements()
        .get(&p, net.nodes[0].name_hash(&p))
        .and_then(|m| m.face(f02))
        .map(|m| m.n_timeouts);
    assert_eq!(probed, Some(0));
}

#[test]
fn access_follows_the_path_whose_data_came_first_and_moves_when_it_fails() {
    let (mut net, consumer, f23) = two_paths(StrategyKind::Access.into());
    let ask = |net: &mut Net, i: u32| {
        net.run_until(Duration::from_millis(1000 * u64::from(i)));
        let wire = InterestBuilder::new(name(&format!("/p/{i}"))).nonce(i);
        net.express(0, consumer, wire.encode());
    };
    let rtt_of = |net: &Net, i: usize| {
        let (t, _, _) = net.inbox[i];
        t - Duration::from_millis(1000 * i as u64)
    };
    // the first Interest goes both ways; the fast path's Data comes first and its face is
    // remembered under /p, so the next ones take only that path
    for i in 0..5 {
        ask(&mut net, i);
    }
    net.run_until(Duration::from_millis(4900));
    assert_eq!(net.data_received(), 5);
    for i in 0..5 {
        assert_eq!(rtt_of(&net, i), Duration::from_millis(21), "Interest {i}");
    }
    assert_eq!(net.nodes[1].counters().n_in_interests, 1);
    // the fast path breaks between 2 and 3: after the fast path's timeout (200 ms, its
    // smallest) the slow path gets the Interest, and from then on the slow path is used
    net.down.push((2, f23));
    for i in 5..8 {
        ask(&mut net, i);
    }
    net.run_until(Duration::from_secs(10));
    assert_eq!(net.data_received(), 8);
    assert_eq!(rtt_of(&net, 5), Duration::from_millis(200 + 201));
    assert_eq!(rtt_of(&net, 6), Duration::from_millis(201));
    assert_eq!(rtt_of(&net, 7), Duration::from_millis(201));
}

#[test]
fn best_route_recovers_through_the_other_path_when_a_link_fails() {
    let mut net = Net::new(4);
    let (f01, _) = net.link(0, 1, 10);
    let (f02, _) = net.link(0, 2, 10);
    let (f13, _) = net.link(1, 3, 10);
    let (f23, _) = net.link(2, 3, 10);
    let consumer = net.app(0, None);
    let producer = net.app(3, Some("/p"));
    net.nodes[0].add_next_hop(&name("/p"), f01, 1);
    net.nodes[0].add_next_hop(&name("/p"), f02, 2);
    net.nodes[1].add_next_hop(&name("/p"), f13, 1);
    net.nodes[2].add_next_hop(&name("/p"), f23, 1);
    net.nodes[3].add_next_hop(&name("/p"), producer, 0);
    // the cheap path is cut between 1 and 3
    net.down.push((1, f13));
    let wire = InterestBuilder::new(name("/p/x")).lifetime_ms(1000);
    net.express(0, consumer, wire.clone().nonce(1).encode());
    net.run_until(Duration::from_millis(100));
    assert_eq!(net.data_received(), 0);
    // the consumer retransmits with a new Nonce: best-route tries the other next hop
    net.express(0, consumer, wire.nonce(2).encode());
    net.run_until(Duration::from_secs(2));
    assert_eq!(net.data_received(), 1);
}

#[test]
fn signed_data_helper_is_valid() {
    let w = signed(data("/z"));
    assert!(ndn::Data::decode(w).is_ok());
}
