//! The self-learning strategy (NFD's `self-learning/v=1`): discovery Interests flood, Data
//! brings back prefix announcements, forwarders learn routes from them, and Interests then
//! follow the routes marked NonDiscovery. In virtual time, one forwarder at a time and then a
//! line of four wired through their NDNLPv2 headers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use ndn::lp::{LpPacket, NackReason};
use ndn::mgmt::{
    ControlResponse, Record, announce_command, route_flags, route_origin, sign_command_interest,
};
use ndn::packet::PrefixAnnouncement;
use ndn::sign::DigestSha256;
use ndn_fw::mgmt::prefix_announcements::{LEARNED_ROUTE_COST, LEARNED_ROUTE_LIFETIME};
use ndn_fw::{
    FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields, OutPacket, RibRoute,
    StrategyKind, Transmit,
};

fn self_learning() -> Harness {
    Harness::with_config(ForwarderConfig {
        default_strategy: StrategyKind::SelfLearning.into(),
        ..Default::default()
    })
}

fn announcement(prefix: &str, expiration_ms: u64) -> Bytes {
    PrefixAnnouncement::build(&name(prefix), expiration_ms, None, 1, &DigestSha256)
        .unwrap()
        .wire()
        .clone()
}

fn non_discovery() -> LinkFields {
    LinkFields {
        non_discovery: true,
        ..Default::default()
    }
}

fn with_announcement(wire: Bytes) -> LinkFields {
    LinkFields {
        prefix_announcement: Some(Box::new(wire)),
        ..Default::default()
    }
}

/// (face, kind, NonDiscovery) of each transmit.
fn marked(ts: &[Transmit]) -> Vec<(FaceId, &'static str, bool)> {
    summary(ts)
        .into_iter()
        .zip(ts)
        .map(|((f, k), t)| (f, k, t.non_discovery))
        .collect()
}

/// `app` asks for /a/b by discovery; `up` answers with an announcement of /a lasting
/// `expiration_ms`.
fn learn_a_through(h: &mut Harness, app: FaceId, up: FaceId, expiration_ms: u64) {
    h.send(app, interest("/a/b", 1).encode());
    h.transmits();
    let pa = announcement("/a", expiration_ms);
    h.send_with(up, signed(data("/a/b")), with_announcement(pa));
    h.transmits();
}

fn app_route(face: FaceId) -> RibRoute {
    RibRoute {
        face,
        origin: route_origin::APP,
        cost: 0,
        flags: route_flags::CHILD_INHERIT,
        expires: None,
    }
}

#[test]
fn discovery_interest_without_route_floods_every_non_local_face_but_its_own() {
    let mut h = self_learning();
    let (app, r1, r2, other_app, r3) = (h.local(), h.remote(), h.remote(), h.local(), h.remote());
    h.send(app, interest("/a/b", 1).encode());
    // newest face first, as NFD walks its face table; local applications are not asked
    assert_eq!(
        marked(&h.transmits()),
        vec![
            (r3, "interest", false),
            (r2, "interest", false),
            (r1, "interest", false)
        ]
    );
    h.send(r2, interest("/c", 2).encode());
    assert_eq!(
        marked(&h.transmits()),
        vec![(r3, "interest", false), (r1, "interest", false)]
    );
    let _ = other_app;
}

#[test]
fn discovery_interest_with_a_route_follows_it_marked_non_discovery() {
    let mut h = self_learning();
    let (app, r1, r2) = (h.local(), h.remote(), h.remote());
    h.route("/a", r1, 10);
    h.send(app, interest("/a/b", 1).encode());
    assert_eq!(marked(&h.transmits()), vec![(r1, "interest", true)]);
    let _ = r2;
}

#[test]
fn non_discovery_interest_stays_marked_or_gets_nack_no_route() {
    let mut h = self_learning();
    let (down, up) = (h.remote(), h.remote());
    h.route("/a", up, 10);
    h.send_with(down, interest("/a/b", 1).encode(), non_discovery());
    assert_eq!(marked(&h.transmits()), vec![(up, "interest", true)]);
    // no route: the downstream's promise does not hold here
    h.send_with(down, interest("/z", 2).encode(), non_discovery());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(down, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::NoRoute));
    assert!(h.fw.pit().len() == 1, "only /a/b stays pending");
}

#[test]
fn data_answering_discovery_teaches_the_announced_route() {
    let mut h = self_learning();
    let (app, r1, r2) = (h.local(), h.remote(), h.remote());
    h.send(app, interest("/a/b", 1).encode());
    h.transmits();
    let pa = announcement("/a", 3_600_000);
    h.send_with(r2, signed(data("/a/b")), with_announcement(pa.clone()));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "data")]);
    // the announcement goes on with the Data, so downstream forwarders learn too
    assert_eq!(ts[0].prefix_announcement.as_deref(), Some(&pa));
    let routes = h.fw.rib().routes(&name("/a")).unwrap().to_vec();
    assert_eq!(routes.len(), 1);
    let r = routes[0];
    assert_eq!(
        (r.face, r.origin, r.cost, r.flags),
        (
            r2,
            route_origin::PREFIX_ANN,
            LEARNED_ROUTE_COST,
            route_flags::CHILD_INHERIT
        )
    );
    // an hour-long announcement makes a route renewed every ten minutes at most
    assert_eq!(r.expires, Some(h.now + LEARNED_ROUTE_LIFETIME));
    // the next Interest under the prefix goes by the route, to r2 only
    h.send(app, interest("/a/c", 2).encode());
    assert_eq!(marked(&h.transmits()), vec![(r2, "interest", true)]);
    // the route ends with the announcement
    h.advance(LEARNED_ROUTE_LIFETIME);
    assert!(h.fw.rib().routes(&name("/a")).is_none());
    let _ = r1;
}

#[test]
fn a_short_announcement_makes_a_short_route() {
    let mut h = self_learning();
    let (app, up) = (h.local(), h.remote());
    learn_a_through(&mut h, app, up, 5_000);
    let r = h.fw.rib().routes(&name("/a")).unwrap()[0];
    assert_eq!(r.expires, Some(h.now + Duration::from_secs(5)));
    h.advance(Duration::from_secs(5));
    assert!(
        h.fw.fib()
            .get(&name("/a"), h.fw.name_hash(&name("/a")))
            .is_none()
    );
}

#[test]
fn announcements_that_do_not_cover_the_data_or_do_not_decode_teach_nothing() {
    let mut h = self_learning();
    let (app, up) = (h.local(), h.remote());
    for (i, pa) in [
        announcement("/elsewhere", 3_600_000),
        announcement("/a/b/c", 3_600_000),
        announcement("/a", 0),
        Bytes::from_static(b"\x06\x00"),
    ]
    .into_iter()
    .enumerate()
    {
        let n = format!("/a/b/{i}");
        h.send(app, interest(&n, i as u32 + 1).encode());
        h.transmits();
        h.send_with(up, signed(data(&n)), with_announcement(pa));
        // the Data is delivered all the same
        assert_eq!(summary(&h.transmits()), vec![(app, "data")]);
    }
    assert!(
        h.fw.rib()
            .iter()
            .all(|(n, _)| n.get(0).map(|c| c.value()) == Some(b"localhost"))
    );
    assert_eq!(h.fw.counters().drops.invalid_prefix_announcement, 4);
}

#[test]
fn the_producer_side_attaches_an_announcement_for_a_discovery_downstream() {
    let mut h = self_learning();
    let (producer, down) = (h.local(), h.remote());
    let now = h.now;
    h.fw.register_route(now, &name("/p"), app_route(producer));
    // a discovery Interest from the network reaches the producer by its route
    h.send(down, interest("/p/x", 1).encode());
    assert_eq!(marked(&h.transmits()), vec![(producer, "interest", true)]);
    h.send(producer, signed(data("/p/x")));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(down, "data")]);
    let pa = PrefixAnnouncement::decode(*ts[0].prefix_announcement.clone().unwrap()).unwrap();
    assert_eq!(pa.announced_name(), &name("/p"));
    // the route never expires: the longest an announcement made from it lasts
    assert_eq!(pa.expiration_ms(), 3_600_000);
    // an Interest that came by route needs none
    h.send_with(down, interest("/p/y", 2).encode(), non_discovery());
    h.transmits();
    h.send(producer, signed(data("/p/y")));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(down, "data")]);
    assert_eq!(ts[0].prefix_announcement, None);
}

#[test]
fn nack_no_route_removes_the_learned_route_and_reaches_the_downstreams() {
    let mut h = self_learning();
    let (app, up) = (h.local(), h.remote());
    learn_a_through(&mut h, app, up, 3_600_000);
    h.send(app, interest("/a/c", 2).encode());
    let sent = h.transmits();
    assert_eq!(marked(&sent), vec![(up, "interest", true)]);
    h.send_nack(up, sent[0].packet.wire().clone(), NackReason::NoRoute);
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::NoRoute));
    assert!(h.fw.rib().routes(&name("/a")).is_none());
    // the next one is a discovery Interest again
    h.send(app, interest("/a/d", 3).encode());
    assert_eq!(marked(&h.transmits()), vec![(up, "interest", false)]);
}

#[test]
fn other_nacks_leave_the_route_and_the_interest_pending() {
    let mut h = self_learning();
    let (app, up) = (h.local(), h.remote());
    h.route("/a", up, 1);
    h.send(app, interest("/a/c", 2).encode());
    let sent = h.transmits();
    h.send_nack(up, sent[0].packet.wire().clone(), NackReason::Congestion);
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.pit().len(), 1);
}

/// `rib/announce` from `face` with `announcement` as its ApplicationParameters.
fn announce(h: &mut Harness, face: FaceId, announcement: Bytes, nonce: u32) -> ControlResponse {
    let wire = sign_command_interest(
        &announce_command(announcement).nonce(nonce),
        &DigestSha256,
        1_700_000_000_000 + u64::from(nonce),
        &nonce.to_be_bytes(),
    )
    .unwrap();
    h.send(face, wire);
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(face, "data")]);
    let d = ndn::Data::decode(ts[0].packet.wire().clone()).unwrap();
    ControlResponse::decode(d.content()).unwrap()
}

#[test]
fn rib_announce_routes_to_the_application_and_its_announcement_answers_discovery() {
    let mut h = self_learning();
    let (producer, down) = (h.local(), h.remote());
    let pa = announcement("/app", 60_000);
    let r = announce(&mut h, producer, pa.clone(), 1);
    assert_eq!(r.status_code, 200, "{r:?}");
    let body = r.body.unwrap();
    assert_eq!(body.name, Some(name("/app")));
    assert_eq!(body.face_id, Some(producer.0));
    assert_eq!(body.origin, Some(route_origin::PREFIX_ANN));
    assert_eq!(body.cost, Some(LEARNED_ROUTE_COST));
    assert_eq!(body.flags, Some(route_flags::CHILD_INHERIT));
    assert_eq!(body.expiration_period_ms, Some(60_000));
    let route = h.fw.rib().routes(&name("/app")).unwrap()[0];
    assert_eq!(route.face, producer);
    assert_eq!(route.expires, Some(h.now + Duration::from_secs(60)));
    // a discovery Interest reaches the application, and its Data goes back with the
    // application's own announcement, byte for byte
    h.send(down, interest("/app/x", 2).encode());
    assert_eq!(marked(&h.transmits()), vec![(producer, "interest", true)]);
    h.send(producer, signed(data("/app/x")));
    let ts = h.transmits();
    assert_eq!(ts[0].prefix_announcement.as_deref(), Some(&pa));
    // the route ends with the announcement
    h.advance(Duration::from_secs(60));
    assert!(h.fw.rib().routes(&name("/app")).is_none());
}

#[test]
fn rib_announce_refuses_what_is_not_an_announcement_in_force() {
    let mut h = self_learning();
    let app = h.local();
    let expired = announcement("/app", 0);
    let plain = signed(data("/app/32=PA/v=1/seg=0"));
    for (i, wire) in [expired, plain].into_iter().enumerate() {
        let r = announce(&mut h, app, wire, 10 + i as u32);
        assert_eq!(r.status_code, 400, "{r:?}");
    }
    assert!(h.fw.rib().routes(&name("/app")).is_none());
}

// ---- a line of forwarders, wired through their NDNLPv2 headers ----

/// consumer app - A - B - C - producer app, and a dead end D hanging off A.
struct Line {
    nodes: Vec<Forwarder>,
    /// (node, face) <-> (node, face)
    links: Vec<((usize, FaceId), (usize, FaceId))>,
    consumer: FaceId,
    producer: FaceId,
    queue: VecDeque<(usize, FaceId, Bytes, LinkFields)>,
    /// Interests each node sent, by (node, face), with their NonDiscovery mark.
    interests_sent: Vec<(usize, FaceId, bool)>,
    consumer_inbox: Vec<Transmit>,
    now: Duration,
}

const A: usize = 0;
const B: usize = 1;
const C: usize = 2;
const D: usize = 3;

impl Line {
    fn new() -> Line {
        let now = Duration::from_secs(1);
        let mut nodes: Vec<Forwarder> = (0..4)
            .map(|i| {
                Forwarder::new(ForwarderConfig {
                    seed: i,
                    default_strategy: StrategyKind::SelfLearning.into(),
                    ..Default::default()
                })
            })
            .collect();
        let mut links = Vec::new();
        for (x, y) in [(A, B), (B, C), (A, D)] {
            let fx = nodes[x].add_face(
                now,
                FaceInfo::new(format!("udp4://{y}"), "udp4://x", FaceScope::NonLocal),
            );
            let fy = nodes[y].add_face(
                now,
                FaceInfo::new(format!("udp4://{x}"), "udp4://y", FaceScope::NonLocal),
            );
            links.push(((x, fx), (y, fy)));
        }
        let consumer =
            nodes[A].add_face(now, FaceInfo::new("unix://c", "unix://", FaceScope::Local));
        let producer =
            nodes[C].add_face(now, FaceInfo::new("unix://p", "unix://", FaceScope::Local));
        nodes[C].register_route(now, &name("/p"), app_route(producer));
        Line {
            nodes,
            links,
            consumer,
            producer,
            queue: VecDeque::new(),
            interests_sent: Vec::new(),
            consumer_inbox: Vec::new(),
            now,
        }
    }

    fn peer(&self, node: usize, face: FaceId) -> Option<(usize, FaceId)> {
        self.links.iter().find_map(|&(x, y)| {
            if x == (node, face) {
                Some(y)
            } else if y == (node, face) {
                Some(x)
            } else {
                None
            }
        })
    }

    /// Deliver everything until the network is quiet; the producer answers every Interest.
    fn run(&mut self) {
        loop {
            for node in 0..self.nodes.len() {
                while let Some(t) = self.nodes[node].poll_transmit() {
                    self.route_transmit(node, t);
                }
            }
            let Some((node, face, wire, link)) = self.queue.pop_front() else {
                break;
            };
            self.nodes[node].handle_packet(self.now, face, wire, link);
        }
    }

    fn route_transmit(&mut self, node: usize, t: Transmit) {
        if let OutPacket::Interest(_) = t.packet {
            self.interests_sent.push((node, t.face, t.non_discovery));
        }
        if (node, t.face) == (A, self.consumer) {
            self.consumer_inbox.push(t);
            return;
        }
        if (node, t.face) == (C, self.producer) {
            let i = ndn::Interest::decode(t.packet.wire().clone()).unwrap();
            let d = signed(data(&i.name().to_string()));
            self.queue
                .push_back((C, self.producer, d, LinkFields::default()));
            return;
        }
        // across a link: the NDNLPv2 packet, encoded and decoded
        let lp = LpPacket::decode(t.to_lp(None).to_link_wire()).unwrap();
        let Some((peer, peer_face)) = self.peer(node, t.face) else {
            return;
        };
        let wire = lp.fragment.clone().unwrap();
        self.queue
            .push_back((peer, peer_face, wire, LinkFields::from_lp(&lp)));
    }

    fn fetch(&mut self, uri: &str, nonce: u32) -> Transmit {
        self.interests_sent.clear();
        self.consumer_inbox.clear();
        let wire = interest(uri, nonce).encode();
        self.nodes[A].handle_packet(self.now, self.consumer, wire, LinkFields::default());
        self.run();
        assert_eq!(self.consumer_inbox.len(), 1, "{uri}");
        self.consumer_inbox.remove(0)
    }
}

#[test]
fn a_line_discovers_the_producer_once_then_follows_the_learned_routes() {
    let mut net = Line::new();
    let first = net.fetch("/p/1", 1);
    assert!(matches!(first.packet, OutPacket::Data(_)));
    // the first Interest flooded: D (a dead end) was asked too, and nobody sent it by route
    // but C, which has the producer's registration
    let to_d = net
        .interests_sent
        .iter()
        .filter(|(n, f, _)| (*n, *f) == (A, FaceId(257)));
    assert_eq!(to_d.count(), 1, "{:?}", net.interests_sent);
    let marked_sends: Vec<usize> = net
        .interests_sent
        .iter()
        .filter(|s| s.2)
        .map(|s| s.0)
        .collect();
    assert_eq!(marked_sends, vec![C]);
    // A and B learned /p toward C, from the announcement C made
    for (node, upstream) in [(A, FaceId(256)), (B, FaceId(257))] {
        let routes = net.nodes[node].rib().routes(&name("/p")).unwrap();
        assert_eq!(routes[0].face, upstream, "node {node}");
        assert_eq!(routes[0].origin, route_origin::PREFIX_ANN);
    }
    assert!(net.nodes[D].rib().routes(&name("/p")).is_none());
    // the consumer got the announcement with the Data
    let pa = PrefixAnnouncement::decode(*first.prefix_announcement.clone().unwrap()).unwrap();
    assert_eq!(pa.announced_name(), &name("/p"));

    // the second Interest goes by route only: A -> B -> C -> producer, all marked
    let second = net.fetch("/p/2", 2);
    assert!(matches!(second.packet, OutPacket::Data(_)));
    let sends: Vec<(usize, bool)> = net.interests_sent.iter().map(|s| (s.0, s.2)).collect();
    assert_eq!(sends, vec![(A, true), (B, true), (C, true)]);
    assert_eq!(second.prefix_announcement, None);
}
