//! The forwarding core (`ndn_fw::Forwarder`) driven through a scenario the input chooses.
//!
//! The first bytes choose the configuration (seed, a small PIT cap, content store and Dead Nonce
//! List limits, the unsolicited Data policy and the strategies). Five faces exist at the start:
//! an application (local, point-to-point), two non-local point-to-point faces, a non-local
//! multi-access face and a non-local ad hoc face, with routes `/a` -> up1, `/a/b` -> multi-access
//! (cost 5) and up2 (cost 1), `/c` -> the application, and `/` -> ad hoc (cost 100) when a config
//! bit says so; `/localhost/nfd` is the management's. The rest is a list of operations, each a
//! kind byte and its arguments: an Interest, Data or Nack built from a small name alphabet and
//! fuzz-chosen fields (Nonces from a small set, so duplicates and loops happen; Data and Nacks
//! often answer an Interest the forwarder sent), passed through an encoded NDNLPv2 packet with
//! fuzz-chosen header fields; arbitrary bytes; a signed, unsigned or tampered management
//! command; advancing virtual time; adding or removing a face; changing routes or strategies.
//!
//! After each operation the transmits and events are drained and these must hold: a transmit
//! goes to a face that exists and is a real (dynamic) face; Data never leaves through the face
//! it came from unless that face is ad hoc; Nacks go only to point-to-point faces; Interests
//! carry a Nonce and no PitToken, and never leave through a non-local face with HopLimit 0; no
//! `/localhost` packet leaves through a non-local face; the PIT, content store and Dead Nonce
//! List stay within their limits; PIT records, FIB next hops and RIB routes name only existing
//! faces; a `DestroyFace` event names a face the core no longer has; the next deadline is never
//! in the past and no PIT entry expires before it; after `handle_timeout(now)` the next deadline
//! and every PIT entry's expiry are strictly after `now`.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::lp::{LpPacket, NackReason};
use ndn::mgmt::{
    ControlParameters, FacePersistency, command_name, localhost_nfd, sign_command_interest,
};
use ndn::packet::PrefixAnnouncement;
use ndn::sign::DigestSha256;
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name};
use ndn_fw::{
    Event, FaceCreateOutcome, FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields,
    LinkType, OutPacket, StrategyKind, UnsolicitedDataPolicy,
};

/// Reads the input; past its end every read gives zeros.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[usize::from(self.u8()) % from.len()]
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = (usize::from(self.u8()) % (max + 1)).min(self.0.len());
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        head.to_vec()
    }
}

const PREFIXES: &[&str] = &[
    "/a",
    "/a/b",
    "/a/b/c",
    "/c",
    "/x",
    "/localhost",
    "/localhost/x",
    "/localhost/nfd/faces/events",
    "/localhost/nfd/faces/list",
    "/localhost/nfd/fib/list",
    "/localhost/nfd/rib/list",
    "/localhost/nfd/status/general",
    "/localhost/nfd/cs/info",
    "/localhop/nfd",
    "/localhop/x",
];

const LIFETIMES: &[Option<u64>] = &[None, Some(0), Some(1), Some(10), Some(100), Some(1000)];
const HOP_LIMITS: &[Option<u8>] = &[None, None, Some(0), Some(1), Some(2), Some(255)];
const FRESHNESS: &[Option<u64>] = &[None, Some(0), Some(10), Some(1000), Some(100_000)];
const STEPS_MS: &[u64] = &[0, 1, 5, 10, 11, 50, 100, 250, 1000, 4000, 6000, 60_000];
const REASONS: &[NackReason] = &[
    NackReason::None,
    NackReason::Congestion,
    NackReason::Duplicate,
    NackReason::NoRoute,
    NackReason::Other(7),
];
const STRATEGIES: &[StrategyKind] = &[
    StrategyKind::BestRoute,
    StrategyKind::Multicast,
    StrategyKind::Asf,
    StrategyKind::Random,
    StrategyKind::SelfLearning,
    StrategyKind::Access,
];

fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

struct Scenario {
    fw: Forwarder,
    now: Duration,
    /// Every face the scenario added (removed ones stay, to be used as stale ids).
    faces: Vec<FaceId>,
    /// Full names of recent Data (implicit digest Interests).
    full_names: Vec<Name>,
    /// Recent Interests the forwarder sent, with their egress face.
    sent: Vec<(FaceId, Bytes)>,
    next_face: u32,
    command_time: u64,
}

impl Scenario {
    fn live(&self) -> Vec<FaceId> {
        self.faces
            .iter()
            .copied()
            .filter(|f| self.fw.faces().contains(*f))
            .collect()
    }

    /// A face to deliver a packet on: mostly a live one, sometimes a removed or unknown id.
    fn ingress(&self, b: u8) -> FaceId {
        let live = self.live();
        if b < 0xE0 && !live.is_empty() {
            return live[usize::from(b) % live.len()];
        }
        let mut other: Vec<FaceId> = self
            .faces
            .iter()
            .copied()
            .filter(|f| !self.fw.faces().contains(*f))
            .collect();
        other.extend([
            FaceId(0),
            FaceId::CONTENT_STORE,
            FaceId::NULL,
            FaceId(99_999),
        ]);
        other[usize::from(b) % other.len()]
    }

    /// Any face id (NextHopFaceId, ControlParameters FaceId, removal).
    fn any_face(&self, b: u8) -> FaceId {
        if b < 0xC0 {
            return self.faces[usize::from(b) % self.faces.len()];
        }
        [
            FaceId(0),
            FaceId::INTERNAL,
            FaceId::CONTENT_STORE,
            FaceId(99_999),
        ][usize::from(b) % 4]
    }

    fn add_face(&mut self, scope: FaceScope, link: LinkType, local_fields: bool) -> FaceId {
        self.next_face += 1;
        let mut info = FaceInfo::new(format!("test://{}", self.next_face), "test://local", scope)
            .with_link_type(link);
        info.local_fields_enabled = local_fields && scope == FaceScope::Local;
        let id = self.fw.add_face(self.now, info);
        self.faces.push(id);
        id
    }

    fn name(&mut self, inp: &mut Input<'_>) -> Name {
        let b = inp.u8();
        if b & 0x80 != 0 && !self.full_names.is_empty() {
            // a recent Data's full name, or a prefix of it
            let full = self.full_names[usize::from(b) % self.full_names.len()].clone();
            let drop = usize::from(b >> 5 & 1);
            return full.parent(drop.min(full.len() - 1));
        }
        let mut n = name(PREFIXES[usize::from(b) % PREFIXES.len()]);
        let more = inp.u8();
        for i in 0..(more & 3) {
            n = match (more >> (2 + 2 * i)) & 3 {
                0 => n.append_generic("b"),
                1 => n.append_generic("1"),
                2 => n.append_segment(0),
                _ => n.append_version(1),
            };
        }
        if more & 0xC0 == 0xC0 {
            n = n.append_implicit_digest(&[7; 32]);
        }
        n
    }

    fn interest(&mut self, inp: &mut Input<'_>) -> Bytes {
        let n = self.name(inp);
        let flags = inp.u8();
        let mut b = InterestBuilder::new(n)
            .can_be_prefix(flags & 1 != 0)
            .must_be_fresh(flags & 2 != 0);
        if flags & 4 == 0 {
            // Nonces from a small set, so that duplicates and loops happen
            b = b.nonce(u32::from(flags >> 5));
        }
        if let Some(l) = inp.pick(LIFETIMES) {
            b = b.lifetime_ms(l);
        }
        if let Some(h) = inp.pick(HOP_LIMITS) {
            b = b.hop_limit(h);
        }
        if flags & 8 != 0 {
            let hint = name(PREFIXES[usize::from(inp.u8()) % 5]);
            b = b.forwarding_hint(vec![name("/nowhere"), hint]);
        }
        if flags & 16 != 0 {
            b = b.app_parameters(inp.bytes(4));
        }
        b.encode()
    }

    fn data(&mut self, n: Name, inp: &mut Input<'_>) -> Bytes {
        let mut b = DataBuilder::new(n).content(inp.bytes(8));
        if let Some(f) = inp.pick(FRESHNESS) {
            b = b.freshness_period(f);
        }
        b.sign(&DigestSha256).unwrap()
    }

    /// The wire in an encoded NDNLPv2 packet with fuzz-chosen header fields, decoded again as
    /// the daemon's link service does.
    fn link(
        &self,
        wire: Bytes,
        nack: Option<NackReason>,
        inp: &mut Input<'_>,
    ) -> (Bytes, LinkFields) {
        let f = inp.u8();
        let mut lp = LpPacket::from_fragment(wire.clone());
        lp.nack = nack;
        if f & 1 != 0 {
            lp.next_hop_face_id = Some(self.any_face(inp.u8()).0);
        }
        if f & 2 != 0 {
            lp.incoming_face_id = Some(self.any_face(inp.u8()).0);
        }
        if f & 4 != 0 {
            lp.congestion_mark = Some(u64::from(f >> 6));
        }
        if f & 8 != 0 {
            lp.cache_policy = Some(u64::from(f >> 7));
        }
        if f & 16 != 0 {
            lp.pit_token = Some(Bytes::copy_from_slice(&[f]));
        }
        // self-learning fields: NonDiscovery, and a prefix announcement that is well formed
        // (of a prefix the other names share, lasting 0 to 100 s) or arbitrary bytes
        let g = inp.u8();
        lp.non_discovery = g & 1 != 0;
        if g & 2 != 0 {
            let prefix = Name::from_uri(inp.pick(PREFIXES)).unwrap();
            let expiration = u64::from(inp.u8()) * 400;
            let pa = PrefixAnnouncement::build(&prefix, expiration, None, 1, &DigestSha256);
            lp.prefix_announcement = Some(pa.unwrap().wire().clone());
        } else if g & 4 != 0 {
            lp.prefix_announcement = Some(Bytes::from(inp.bytes(16)));
        }
        match LpPacket::decode(lp.encode()) {
            Ok(mut lp) => {
                let link = LinkFields::from_lp(&lp);
                (lp.fragment.take().unwrap_or(wire), link)
            }
            Err(_) => (
                wire,
                LinkFields {
                    nack,
                    ..LinkFields::default()
                },
            ),
        }
    }

    fn deliver(&mut self, face: FaceId, wire: Bytes, link: LinkFields) {
        let data_in = Data::decode(wire.clone()).is_ok() && link.nack.is_none();
        self.fw.handle_packet(self.now, face, wire, link);
        self.after_op(data_in.then_some(face));
    }

    fn command(&mut self, inp: &mut Input<'_>) {
        const VERBS: &[(&str, &str)] = &[
            ("rib", "register"),
            ("rib", "unregister"),
            ("fib", "add-nexthop"),
            ("fib", "remove-nexthop"),
            ("strategy-choice", "set"),
            ("strategy-choice", "unset"),
            ("cs", "config"),
            ("cs", "erase"),
            ("faces", "create"),
            ("faces", "update"),
            ("faces", "destroy"),
            ("faces", "frobnicate"),
        ];
        let (module, verb) = inp.pick(VERBS);
        let f = inp.u16();
        let mut p = ControlParameters::default();
        if f & 1 != 0 {
            p.name = Some(self.name(inp));
        }
        if f & 2 != 0 {
            let b = inp.u8();
            p.face_id = Some(if b & 1 == 0 {
                0
            } else {
                self.any_face(b >> 1).0
            });
        }
        if f & 4 != 0 {
            p.cost = Some(u64::from(inp.u8()));
        }
        if f & 8 != 0 {
            p.origin = Some(inp.pick(&[0, 64, 255]));
        }
        if f & 16 != 0 {
            p.expiration_period_ms = Some(inp.pick(&[0, 1, 100, 5000, u64::MAX]));
        }
        if f & 32 != 0 {
            let b = inp.u8();
            p.flags = Some(u64::from(b & 7));
            p.mask = Some(u64::from(b >> 3 & 7));
        }
        if f & 64 != 0 {
            p.capacity = Some(inp.pick(&[0, 1, 4, 1 << 20]));
        }
        if f & 128 != 0 {
            p.count = Some(u64::from(inp.u8() & 3));
        }
        if f & 256 != 0 {
            let b = inp.u8();
            p.strategy = Some(match STRATEGIES.get(usize::from(b) % (STRATEGIES.len() + 1)) {
                Some(k) => k.name(),
                None => name("/localhost/nfd/strategy/ncc"),
            });
        }
        if f & 512 != 0 {
            p.uri = Some(format!("udp4://192.0.2.{}:6363", inp.u8()));
            p.face_persistency = Some(inp.pick(&[
                FacePersistency::Persistent,
                FacePersistency::OnDemand,
                FacePersistency::Permanent,
            ]));
        }
        if f & 1024 != 0 {
            p.mtu = Some(u64::from(inp.u16()));
        }
        let b = InterestBuilder::new(command_name(&localhost_nfd(), module, verb, &p))
            .nonce(u32::from(inp.u16()));
        self.command_time += 1;
        let mut wire = match f >> 12 {
            // unsigned
            0 => b.encode(),
            t => sign_command_interest(
                &b,
                &DigestSha256,
                1_700_000_000_000 + self.command_time,
                &[t as u8; 8],
            )
            .unwrap(),
        };
        if f >> 12 == 15 {
            // a tampered signature value (the last byte of the Interest)
            let mut v = wire.to_vec();
            if let Some(last) = v.last_mut() {
                *last ^= 1;
            }
            wire = Bytes::from(v);
        }
        let face = self.ingress(inp.u8());
        let (wire, link) = self.link(wire, None, inp);
        self.deliver(face, wire, link);
    }

    /// `handle_timeout(now)`: everything due has run, so the next deadline and every PIT
    /// entry's expiry are after `now`.
    fn timeout(&mut self) {
        self.fw.handle_timeout(self.now);
        if let Some(next) = self.fw.poll_timeout() {
            assert!(
                next > self.now,
                "deadline {next:?} not after handle_timeout({:?})",
                self.now
            );
        }
        let pit = self.fw.pit();
        for id in pit.ids() {
            let at = pit.get(id).unwrap().expiry();
            assert!(
                at > self.now,
                "PIT entry due at {at:?} outlived handle_timeout({:?})",
                self.now
            );
        }
        self.after_op(None);
    }

    /// Drain transmits and events, and check every invariant.
    fn after_op(&mut self, data_ingress: Option<FaceId>) {
        self.drain(data_ingress);
        self.check_tables();
        if let Some(t) = self.fw.poll_timeout() {
            assert!(
                t >= self.now,
                "next deadline {t:?} is before now {:?}",
                self.now
            );
        }
    }

    fn drain(&mut self, data_ingress: Option<FaceId>) {
        while let Some(t) = self.fw.poll_transmit() {
            let face = self
                .fw
                .faces()
                .get(t.face)
                .unwrap_or_else(|| panic!("transmit to a face that does not exist: {t:?}"));
            assert!(t.face.is_dynamic(), "transmit to a reserved face: {t:?}");
            let local = face.is_local();
            let link_type = face.info.link_type;
            let wire = t.packet.wire().clone();
            match &t.packet {
                OutPacket::Interest(_) => {
                    assert!(t.pit_token.is_none(), "an Interest carries a PitToken");
                    let i = Interest::decode(wire).expect("a sent Interest decodes");
                    assert!(i.nonce().is_some(), "an Interest left without a Nonce");
                    assert!(
                        local || i.hop_limit() != Some(0),
                        "HopLimit 0 left through a non-local face"
                    );
                    assert!(
                        local || !is_localhost(i.name()),
                        "/localhost Interest to non-local face {}",
                        t.face
                    );
                    if self.sent.len() >= 8 {
                        self.sent.remove(0);
                    }
                    self.sent.push((t.face, i.wire().clone()));
                }
                OutPacket::Data(_) => {
                    if link_type != LinkType::AdHoc {
                        assert_ne!(
                            t.face, t.incoming_face,
                            "Data went back out of its ingress face"
                        );
                        assert_ne!(
                            Some(t.face),
                            data_ingress,
                            "Data went back out of the face it arrived on"
                        );
                    }
                    let d = Data::decode(wire).expect("a sent Data decodes");
                    assert!(
                        local || !is_localhost(d.name()),
                        "/localhost Data to non-local face {}",
                        t.face
                    );
                    if self.full_names.len() >= 4 {
                        self.full_names.remove(0);
                    }
                    self.full_names.push(d.full_name());
                }
                OutPacket::Nack { .. } => {
                    assert_eq!(
                        link_type,
                        LinkType::PointToPoint,
                        "Nack to a face that is not point-to-point"
                    );
                    let i = Interest::decode(wire).expect("a Nacked Interest decodes");
                    assert!(
                        local || !is_localhost(i.name()),
                        "/localhost Nack to non-local face {}",
                        t.face
                    );
                }
            }
        }
        while let Some(e) = self.fw.poll_event() {
            match e {
                Event::DestroyFace(f) => {
                    assert!(
                        !self.fw.faces().contains(f),
                        "destroyed face {f} still exists"
                    );
                }
                Event::CreateFace(req) => {
                    // answered at once; `complete_face_create` may send more
                    let outcome = match req.request % 3 {
                        0 => FaceCreateOutcome::Failed {
                            code: 504,
                            text: "timeout".into(),
                        },
                        1 => match self.live().first() {
                            Some(&f) => FaceCreateOutcome::Exists(f),
                            None => FaceCreateOutcome::Failed {
                                code: 400,
                                text: "bad".into(),
                            },
                        },
                        _ => FaceCreateOutcome::Created(self.add_face(
                            FaceScope::NonLocal,
                            LinkType::PointToPoint,
                            false,
                        )),
                    };
                    self.fw.complete_face_create(self.now, req.request, outcome);
                    self.drain(data_ingress);
                }
            }
        }
    }

    fn check_tables(&self) {
        let fw = &self.fw;
        let exists = |f: FaceId| fw.faces().contains(f);
        let pit = fw.pit();
        let next = fw.poll_timeout();
        assert!(
            pit.is_empty() || next.is_some(),
            "PIT entries but no deadline"
        );
        assert!(
            pit.len() <= fw.config().pit_max_entries,
            "PIT holds {} entries, cap {}",
            pit.len(),
            fw.config().pit_max_entries
        );
        for id in pit.ids() {
            let e = pit.get(id).unwrap();
            assert!(
                next.is_some_and(|t| t <= e.expiry()),
                "PIT entry expiring at {:?} before the next deadline {next:?}",
                e.expiry()
            );
            for r in e.in_records.iter() {
                assert!(exists(r.face), "PIT in-record of gone face {}", r.face);
            }
            for r in e.out_records.iter() {
                assert!(exists(r.face), "PIT out-record of gone face {}", r.face);
            }
        }
        let fib = fw.fib().sorted();
        for (prefix, e) in &fib {
            for h in e.next_hops() {
                assert!(
                    exists(h.face),
                    "FIB {prefix} next hop to gone face {}",
                    h.face
                );
            }
            // longest-prefix match (which stops at entries no other entry extends) finds the
            // longest FIB prefix of a name, for each prefix and a name one component below
            for q in [(*prefix).clone(), prefix.append_generic("q")] {
                let expected = fib
                    .iter()
                    .map(|(p, _)| *p)
                    .filter(|p| p.is_prefix_of(&q))
                    .max_by_key(|p| p.len());
                let got = fw
                    .fib()
                    .longest_prefix_match(&q, &fw.prefix_hashes(&q))
                    .map(|(p, _)| p);
                assert_eq!(got, expected, "FIB longest-prefix match of {q}");
            }
        }
        for (prefix, routes) in fw.rib().iter() {
            for r in routes {
                assert!(exists(r.face), "RIB {prefix} route to gone face {}", r.face);
            }
        }
        let cs = fw.cs();
        assert!(
            cs.len() <= cs.capacity_packets(),
            "CS over its packet capacity"
        );
        assert!(
            cs.bytes() <= cs.capacity_bytes(),
            "CS over its byte capacity"
        );
        assert!(
            fw.dead_nonce_list().len() <= fw.config().dead_nonce_capacity.max(1),
            "Dead Nonce List over its capacity"
        );
    }
}

fn is_localhost(n: &Name) -> bool {
    n.get(0).is_some_and(|c| c.value() == b"localhost")
}

fuzz_target!(|bytes: &[u8]| {
    let mut inp = Input(bytes);
    let c0 = inp.u8();
    let c1 = inp.u8();
    let config = ForwarderConfig {
        seed: u64::from(inp.u8()),
        cs_capacity_packets: [0, 1, 8, 64][usize::from(c0 & 3)],
        cs_capacity_bytes: [512, 16 << 10][usize::from(c0 >> 2 & 1)],
        cs_replacement: [
            ndn_fw::table::Replacement::Lru,
            ndn_fw::table::Replacement::PriorityFifo,
        ][usize::from(c1 >> 5 & 1)],
        pit_max_entries: [4, 16, 64, 64][usize::from(c0 >> 3 & 3)],
        dead_nonce_lifetime: Duration::from_millis([100, 6000][usize::from(c0 >> 5 & 1)]),
        dead_nonce_capacity: [1, 16, 1024, 1024][usize::from(c0 >> 6)],
        unsolicited_data_policy: [
            UnsolicitedDataPolicy::DropAll,
            UnsolicitedDataPolicy::AdmitLocal,
            UnsolicitedDataPolicy::AdmitNetwork,
            UnsolicitedDataPolicy::AdmitAll,
        ][usize::from(c1 & 3)],
        default_strategy: STRATEGIES[usize::from(c1 >> 2 & 3)].into(),
        // sometimes in the region of the second hint delegation, whose Interests lose the hint
        network_regions: match c1 >> 4 & 1 {
            0 => Vec::new(),
            _ => vec![name(PREFIXES[1]).append_generic("site")],
        },
    };
    let mut s = Scenario {
        fw: Forwarder::new(config),
        now: Duration::from_secs(1000),
        faces: Vec::new(),
        full_names: Vec::new(),
        sent: Vec::new(),
        next_face: 0,
        command_time: 0,
    };
    let app = s.add_face(FaceScope::Local, LinkType::PointToPoint, c1 & 0x10 != 0);
    let up1 = s.add_face(FaceScope::NonLocal, LinkType::PointToPoint, false);
    let multi = s.add_face(FaceScope::NonLocal, LinkType::MultiAccess, false);
    let up2 = s.add_face(FaceScope::NonLocal, LinkType::PointToPoint, false);
    let adhoc = s.add_face(FaceScope::NonLocal, LinkType::AdHoc, false);
    s.fw.add_next_hop(&name("/a"), up1, 10);
    s.fw.add_next_hop(&name("/a/b"), multi, 5);
    s.fw.add_next_hop(&name("/a/b"), up2, 1);
    s.fw.add_next_hop(&name("/c"), app, 0);
    if c1 & 0x20 != 0 {
        s.fw.add_next_hop(&Name::new(), adhoc, 100);
    }
    if c1 & 0x40 != 0 {
        s.fw.set_strategy(&name("/a/b"), STRATEGIES[usize::from(c1 >> 7)]);
    }
    s.after_op(None);

    while !inp.0.is_empty() {
        let op = inp.u8();
        match op % 12 {
            // an Interest
            0..=2 => {
                let face = s.ingress(inp.u8());
                let wire = s.interest(&mut inp);
                let (wire, link) = s.link(wire, None, &mut inp);
                s.deliver(face, wire, link);
            }
            // Data: answering a recent Interest (from its upstream, or elsewhere), or any name
            3 | 4 => {
                let b = inp.u8();
                let (face, n) = match s.sent.get(usize::from(b >> 2) % s.sent.len().max(1)) {
                    Some((f, w)) if b & 1 == 0 => {
                        let mut n = Interest::decode(w.clone()).unwrap().name().clone();
                        if n.last().is_some_and(|c| c.is_implicit_digest()) {
                            n = n.parent(1);
                        } else if b & 2 != 0 {
                            n = n.append_segment(u64::from(b >> 6));
                        }
                        let face = if op & 0x80 == 0 {
                            *f
                        } else {
                            s.ingress(inp.u8())
                        };
                        (face, n)
                    }
                    _ => {
                        let face = s.ingress(inp.u8());
                        (face, s.name(&mut inp))
                    }
                };
                let wire = s.data(n, &mut inp);
                let (wire, link) = s.link(wire, None, &mut inp);
                s.deliver(face, wire, link);
            }
            // a Nack of a recent Interest (as sent, or with another Nonce) or of a new one
            5 => {
                let b = inp.u8();
                let reason = REASONS[usize::from(b >> 5) % REASONS.len()];
                let (face, wire) = match s.sent.get(usize::from(b) % s.sent.len().max(1)) {
                    Some((f, w)) if b & 0x10 == 0 => {
                        let w = w.clone();
                        let face = if b & 8 == 0 { *f } else { s.ingress(inp.u8()) };
                        let w = if b & 4 != 0 {
                            Interest::decode(w).unwrap().with_nonce(9).wire().clone()
                        } else {
                            w
                        };
                        (face, w)
                    }
                    _ => {
                        let face = s.ingress(inp.u8());
                        (face, s.interest(&mut inp))
                    }
                };
                let (wire, link) = s.link(wire, Some(reason), &mut inp);
                s.deliver(face, wire, link);
            }
            // arbitrary bytes, as a packet or a Nack
            6 => {
                let face = s.ingress(inp.u8());
                let wire = Bytes::from(inp.bytes(64));
                let link = LinkFields {
                    nack: (op & 0x80 != 0).then_some(NackReason::NoRoute),
                    next_hop_face_id: (op & 0x40 != 0).then(|| s.any_face(op).0),
                    ..LinkFields::default()
                };
                s.deliver(face, wire, link);
            }
            // advance virtual time: in one jump, or stopping at every deadline on the way
            7 => {
                let b = inp.u8();
                let end = s.now + Duration::from_millis(STEPS_MS[usize::from(b) % STEPS_MS.len()]);
                if b & 0x80 != 0 {
                    while let Some(t) = s.fw.poll_timeout() {
                        if t > end {
                            break;
                        }
                        s.now = s.now.max(t);
                        s.timeout();
                    }
                }
                s.now = end;
                s.timeout();
            }
            // remove a face (or try to remove a reserved, unknown or removed one)
            8 => {
                let f = s.any_face(inp.u8());
                s.fw.remove_face(s.now, f);
                assert!(f == FaceId::INTERNAL || !s.fw.faces().contains(f));
                s.after_op(None);
            }
            // add a face, maybe with a route
            9 => {
                let b = inp.u8();
                let scope = if b & 1 != 0 {
                    FaceScope::Local
                } else {
                    FaceScope::NonLocal
                };
                let link = [
                    LinkType::PointToPoint,
                    LinkType::MultiAccess,
                    LinkType::AdHoc,
                ][usize::from(b >> 1 & 3) % 3];
                let f = s.add_face(scope, link, b & 8 != 0);
                if b & 16 != 0 {
                    let p = s.name(&mut inp);
                    s.fw.add_next_hop(&p, f, u64::from(b >> 5));
                }
                s.after_op(None);
            }
            // a management command
            10 => s.command(&mut inp),
            // routes and strategies, set directly
            _ => {
                let b = inp.u8();
                let p = s.name(&mut inp);
                let live = s.live();
                if let Some(&f) = live.get(usize::from(inp.u8()) % live.len().max(1)) {
                    match b & 3 {
                        0 => s.fw.add_next_hop(&p, f, u64::from(b >> 2)),
                        1 => {
                            s.fw.remove_next_hop(&p, f);
                        }
                        2 => s
                            .fw
                            .set_strategy(&p, STRATEGIES[usize::from(b >> 2) % STRATEGIES.len()]),
                        _ => {
                            s.fw.unset_strategy(&p);
                        }
                    }
                }
                s.after_op(None);
            }
        }
    }
});
