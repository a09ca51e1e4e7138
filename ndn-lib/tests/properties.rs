//! Property tests (proptest) of the codecs: round trips of names, Interests, Data and
//! LpPackets, canonical name order, NDNLPv2 fragmentation and reassembly, and "decoding never
//! panics" on arbitrary and on mutated valid input.
//!
//! The RNG seed is fixed so that runs are reproducible; set `PROPTEST_RNG_SEED` to explore
//! others and `PROPTEST_CASES` for more cases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;
use std::time::Duration;

use bytes::Bytes;
use ndn::lp::{LpPacket, NackReason, Reassembler, ReassemblyLimits, fragment, fragment_frames};
use ndn::packet::{SignatureInfo, signature_type};
use ndn::sign::{DigestSha256, Verifier};
use ndn::tlv::types as tt;
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name, Packet};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig {
        cases,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x6E64_6E2D_7273);
    }
    c
}

// ---------- strategies ----------

/// A component value: usually short, sometimes long enough for a 3-byte TLV-LENGTH.
fn component_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => proptest::collection::vec(any::<u8>(), 0..12),
        1 => proptest::collection::vec(any::<u8>(), 250..300),
        // values made of periods need the `...` escape in URIs
        1 => (0usize..5).prop_map(|n| vec![b'.'; n]),
    ]
}

/// One valid component: (type, value).
fn component() -> impl Strategy<Value = (u16, Vec<u8>)> {
    let digest =
        |t: u64| proptest::collection::vec(any::<u8>(), 32).prop_map(move |v| (t as u16, v));
    prop_oneof![
        10 => component_value().prop_map(|v| (tt::GENERIC_NAME_COMPONENT as u16, v)),
        // typed numbers, in shortest and in other valid NonNegativeInteger lengths
        3 => (
            prop::sample::select(vec![
                tt::SEGMENT_NAME_COMPONENT,
                tt::VERSION_NAME_COMPONENT,
                tt::BYTE_OFFSET_NAME_COMPONENT,
                tt::TIMESTAMP_NAME_COMPONENT,
                tt::SEQUENCE_NUM_NAME_COMPONENT,
            ]),
            prop_oneof![
                any::<u64>().prop_map(|n| {
                    let mut v = Vec::new();
                    ndn::tlv::put_nonneg(&mut v, n);
                    v
                }),
                prop::sample::select(vec![1usize, 2, 4, 8])
                    .prop_flat_map(|len| proptest::collection::vec(any::<u8>(), len)),
            ],
        )
            .prop_map(|(t, v)| (t as u16, v)),
        2 => (1u16..=u16::MAX, component_value()).prop_filter_map(
            "digest types need 32 bytes",
            |(t, v)| {
                let digest_type = u64::from(t) == tt::IMPLICIT_SHA256_DIGEST_COMPONENT
                    || u64::from(t) == tt::PARAMETERS_SHA256_DIGEST_COMPONENT;
                (!digest_type).then_some((t, v))
            }
        ),
        1 => digest(tt::IMPLICIT_SHA256_DIGEST_COMPONENT),
        1 => digest(tt::PARAMETERS_SHA256_DIGEST_COMPONENT),
    ]
}

fn components(max: usize) -> impl Strategy<Value = Vec<(u16, Vec<u8>)>> {
    proptest::collection::vec(component(), 0..max)
}

fn name_of(comps: &[(u16, Vec<u8>)]) -> Name {
    Name::from_components(comps.iter().map(|(t, v)| (*t, &v[..]))).unwrap()
}

/// A name without parameters-digest components (what an application gives InterestBuilder).
fn plain_name(min: usize) -> impl Strategy<Value = Name> {
    proptest::collection::vec(component(), min..6).prop_map(move |comps| {
        let comps: Vec<_> = comps
            .into_iter()
            .filter(|(t, _)| u64::from(*t) != tt::PARAMETERS_SHA256_DIGEST_COMPONENT)
            .collect();
        let mut name = name_of(&comps);
        if name.is_empty() && min > 0 {
            name = name.append_generic("x");
        }
        name
    })
}

/// Canonical order (PF 2.1), written out independently of the library: component by
/// component, by TLV-TYPE, then TLV-LENGTH, then the bytes; a proper prefix sorts first.
fn canonical_cmp(a: &[(u16, Vec<u8>)], b: &[(u16, Vec<u8>)]) -> Ordering {
    for ((ta, va), (tb, vb)) in a.iter().zip(b) {
        let o = ta
            .cmp(tb)
            .then(va.len().cmp(&vb.len()))
            .then_with(|| va.cmp(vb));
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

#[derive(Debug, Clone)]
struct InterestFields {
    name: Name,
    can_be_prefix: bool,
    must_be_fresh: bool,
    forwarding_hint: Vec<Name>,
    nonce: Option<u32>,
    lifetime: Option<u64>,
    hop_limit: Option<u8>,
    app_params: Option<Vec<u8>>,
}

fn interest_fields() -> impl Strategy<Value = InterestFields> {
    (
        plain_name(1),
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(plain_name(1), 0..3),
        any::<Option<u32>>(),
        any::<Option<u64>>(),
        any::<Option<u8>>(),
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
    )
        .prop_map(
            |(name, cbp, mbf, fh, nonce, lifetime, hop_limit, app_params)| InterestFields {
                name,
                can_be_prefix: cbp,
                must_be_fresh: mbf,
                forwarding_hint: fh,
                nonce,
                lifetime,
                hop_limit,
                app_params,
            },
        )
}

fn builder(f: &InterestFields) -> InterestBuilder {
    let mut b = InterestBuilder::new(f.name.clone())
        .can_be_prefix(f.can_be_prefix)
        .must_be_fresh(f.must_be_fresh)
        .forwarding_hint(f.forwarding_hint.clone());
    if let Some(n) = f.nonce {
        b = b.nonce(n);
    }
    if let Some(l) = f.lifetime {
        b = b.lifetime_ms(l);
    }
    if let Some(h) = f.hop_limit {
        b = b.hop_limit(h);
    }
    if let Some(p) = &f.app_params {
        b = b.app_parameters(p.clone());
    }
    b
}

fn check_interest_fields(i: &Interest, f: &InterestFields) {
    assert_eq!(i.can_be_prefix(), f.can_be_prefix);
    assert_eq!(i.must_be_fresh(), f.must_be_fresh);
    assert_eq!(i.forwarding_hint(), &f.forwarding_hint[..]);
    assert_eq!(i.nonce(), f.nonce);
    assert_eq!(i.lifetime_raw(), f.lifetime);
    assert_eq!(i.hop_limit(), f.hop_limit);
}

#[derive(Debug, Clone)]
struct DataFields {
    name: Name,
    content: Vec<u8>,
    content_type: Option<u64>,
    freshness: Option<u64>,
    final_segment: Option<u64>,
}

fn data_fields() -> impl Strategy<Value = DataFields> {
    (
        plain_name(0),
        prop_oneof![
            4 => proptest::collection::vec(any::<u8>(), 0..64),
            1 => proptest::collection::vec(any::<u8>(), 60_000..70_000),
        ],
        any::<Option<u64>>(),
        any::<Option<u64>>(),
        any::<Option<u64>>(),
    )
        .prop_map(
            |(name, content, content_type, freshness, final_segment)| DataFields {
                name,
                content,
                content_type,
                freshness,
                final_segment,
            },
        )
}

fn sign_data(f: &DataFields) -> Bytes {
    let mut b = DataBuilder::new(f.name.clone()).content(f.content.clone());
    if let Some(t) = f.content_type {
        b = b.content_type(t);
    }
    if let Some(p) = f.freshness {
        b = b.freshness_period(p);
    }
    if let Some(s) = f.final_segment {
        b = b.final_segment(s);
    }
    b.sign(&DigestSha256).unwrap()
}

fn lp_packet() -> impl Strategy<Value = LpPacket> {
    let frag = (1u64..20).prop_flat_map(|count| (0..count, Just(count), any::<[bool; 2]>()));
    (
        (
            any::<Option<u64>>(),
            frag,
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..10)),
            proptest::option::of(any::<u64>().prop_map(NackReason::from_code)),
            any::<Option<u64>>(),
            any::<Option<u64>>(),
        ),
        (
            any::<Option<u64>>(),
            any::<Option<u64>>(),
            proptest::collection::vec(any::<u64>(), 0..4),
            any::<Option<u64>>(),
            any::<bool>(),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..20)),
            proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300)),
        ),
    )
        .prop_map(
            |(
                (sequence, (index, count, [with_index, with_count]), pit, nack, inface, nexthop),
                (cache, mark, acks, tx, non_discovery, pa, fragment),
            )| {
                // FragIndex < FragCount, with 0 and 1 as the values of absent fields
                let (frag_index, frag_count) = match (with_index, with_count) {
                    (true, true) => (Some(index), Some(count)),
                    (true, false) => (Some(0), None),
                    (false, true) => (None, Some(count)),
                    (false, false) => (None, None),
                };
                LpPacket {
                    sequence,
                    frag_index,
                    frag_count,
                    pit_token: pit.map(Bytes::from),
                    nack,
                    incoming_face_id: inface,
                    next_hop_face_id: nexthop,
                    cache_policy: cache,
                    congestion_mark: mark,
                    acks,
                    tx_sequence: tx,
                    non_discovery,
                    prefix_announcement: pa.map(Bytes::from),
                    fragment: fragment.map(Bytes::from),
                }
            },
        )
}

/// A valid wire of any kind, for mutation.
fn valid_wire() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        interest_fields().prop_map(|f| builder(&f).encode()),
        interest_fields().prop_map(|f| builder(&f)
            .sign(&DigestSha256, SignatureInfo::default())
            .unwrap()),
        (plain_name(0), proptest::collection::vec(any::<u8>(), 0..40)).prop_map(
            |(n, c)| sign_data(&DataFields {
                name: n,
                content: c,
                content_type: Some(0),
                freshness: Some(1000),
                final_segment: Some(3),
            })
        ),
        lp_packet().prop_map(|p| p.encode()),
        plain_name(0).prop_map(|n| n.to_tlv()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Truncate { len: usize },
    Insert { at: usize, byte: u8 },
    Remove { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|len| Mutation::Truncate { len }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Remove { at }),
    ]
}

fn mutate(wire: &[u8], mutations: &[Mutation]) -> Bytes {
    let mut w = wire.to_vec();
    for m in mutations {
        let n = w.len();
        match *m {
            Mutation::Flip { at, mask } if n > 0 => w[at % n] ^= mask,
            Mutation::Truncate { len } => w.truncate(len % (n + 1)),
            Mutation::Insert { at, byte } => w.insert(at % (n + 1), byte),
            Mutation::Remove { at } if n > 0 => {
                w.remove(at % n);
            }
            _ => {}
        }
    }
    Bytes::from(w)
}

/// Every decoder on `wire`; none may panic. Successful decodes are re-checked for stability.
fn decode_all(wire: &Bytes) {
    if let Ok(n) = Name::decode(wire.clone()) {
        assert_eq!(&n.to_tlv(), wire);
        let _ = n.to_string();
    }
    if let Ok(i) = Interest::decode(wire.clone()) {
        let _ = i.signature_info();
        let _ = i.signed_portion();
        let _ = i.with_nonce(1);
        let _ = i.with_hop_limit(1);
        assert_eq!(i.wire(), wire);
    }
    if let Ok(d) = Data::decode(wire.clone()) {
        let _ = d.signature_info();
        let _ = d.final_segment();
        let _ = d.signed_portion();
        assert_eq!(d.wire(), wire);
    }
    if let Ok(p) = LpPacket::decode(wire.clone()) {
        assert_eq!(LpPacket::decode(p.encode()).unwrap(), p);
    }
    if let Ok(p) = Packet::decode(wire.clone()) {
        assert_eq!(p.wire(), wire);
    }
}

// ---------- names ----------

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn name_round_trips_through_tlv_and_uri(comps in components(8)) {
        let name = name_of(&comps);
        prop_assert_eq!(name.len(), comps.len());
        for (c, (t, v)) in name.iter().zip(&comps) {
            prop_assert_eq!(c.typ(), *t);
            prop_assert_eq!(c.value(), &v[..]);
        }
        let tlv = name.to_tlv();
        prop_assert_eq!(tlv.len(), name.encoded_len());
        prop_assert_eq!(Name::decode(tlv.clone()).unwrap(), name.clone());
        let uri = name.to_string();
        let parsed = Name::from_uri(&uri).unwrap();
        prop_assert_eq!(&parsed, &name, "URI {}", uri);
        prop_assert_eq!(parsed.to_tlv(), tlv);
    }

    #[test]
    fn canonical_order_is_tlv_value_byte_order(
        a in components(5),
        b in components(5),
        shared in 0usize..5,
    ) {
        // also compare names that share a prefix, where the interesting cases are
        let mut b2 = a.iter().take(shared).cloned().collect::<Vec<_>>();
        b2.extend(b.iter().cloned());
        for b in [b, b2] {
            let (na, nb) = (name_of(&a), name_of(&b));
            let want = canonical_cmp(&a, &b);
            prop_assert_eq!(na.cmp(&nb), want);
            prop_assert_eq!(na.value()[..].cmp(&nb.value()[..]), want);
            prop_assert_eq!(na == nb, want == Ordering::Equal);
            prop_assert_eq!(na.is_prefix_of(&nb), b.len() >= a.len() && b[..a.len()] == a[..]);
        }
    }
}

// ---------- packets ----------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn interest_round_trips_through_builder(f in interest_fields()) {
        let wire = builder(&f).encode();
        let i = Interest::decode(wire.clone()).unwrap();
        check_interest_fields(&i, &f);
        prop_assert_eq!(i.wire(), &wire);
        prop_assert_eq!(i.app_parameters().map(|p| p.to_vec()), f.app_params.clone());
        // the name is the given one, plus the parameters digest when there are parameters
        let digest_at = i.name().parameters_digest_index();
        match &f.app_params {
            None => {
                prop_assert_eq!(i.name(), &f.name);
                prop_assert_eq!(digest_at, None);
            }
            Some(_) => {
                prop_assert_eq!(digest_at, Some(f.name.len()));
                prop_assert_eq!(&i.name().prefix(f.name.len()), &f.name);
            }
        }
        // re-encoding the decoded fields gives the same wire
        let again = InterestFields { name: f.name.clone(), ..f.clone() };
        prop_assert_eq!(builder(&again).encode(), wire);
    }

    #[test]
    fn signed_interest_round_trips_and_verifies(
        f in interest_fields(),
        nonce in proptest::option::of(proptest::collection::vec(any::<u8>(), 8)),
        time in any::<Option<u64>>(),
        seq in any::<Option<u64>>(),
    ) {
        let info = SignatureInfo {
            nonce: nonce.map(Bytes::from),
            time,
            seq_num: seq,
            ..SignatureInfo::default()
        };
        let wire = builder(&f).sign(&DigestSha256, info.clone()).unwrap();
        let i = Interest::decode(wire).unwrap();
        check_interest_fields(&i, &f);
        prop_assert!(i.is_signed());
        let got = i.signature_info().unwrap().unwrap();
        prop_assert_eq!(got.signature_type, signature_type::DIGEST_SHA256);
        prop_assert_eq!(got.nonce, info.nonce);
        prop_assert_eq!(got.time, info.time);
        prop_assert_eq!(got.seq_num, info.seq_num);
        let parts = i.signed_portion().unwrap();
        prop_assert!(DigestSha256.verify(&parts, &i.signature_value().unwrap()).is_ok());
    }

    #[test]
    fn data_round_trips_with_digest_sha256(f in data_fields()) {
        let wire = sign_data(&f);
        let d = Data::decode(wire.clone()).unwrap();
        prop_assert_eq!(d.name(), &f.name);
        prop_assert_eq!(&d.content()[..], &f.content[..]);
        prop_assert_eq!(d.content_type(), f.content_type.unwrap_or(0));
        prop_assert_eq!(d.freshness_period(), f.freshness);
        prop_assert_eq!(d.final_segment(), f.final_segment);
        prop_assert_eq!(d.signature_type(), signature_type::DIGEST_SHA256);
        prop_assert!(DigestSha256.verify(&[d.signed_portion()], &d.signature_value()).is_ok());
        prop_assert_eq!(d.wire(), &wire);
    }

    #[test]
    fn lp_packet_round_trips_with_all_header_fields(p in lp_packet()) {
        let wire = p.encode();
        prop_assert_eq!(wire.len(), p.encoded_len());
        prop_assert_eq!(LpPacket::decode(wire.clone()).unwrap(), p.clone());
        prop_assert_eq!(LpPacket::decode(p.to_link_wire()).unwrap(), p);
    }
}

// ---------- fragmentation ----------

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn fragments_reassemble_at_any_mtu_in_any_order(
        packet in prop_oneof![
            2 => proptest::collection::vec(any::<u8>(), 0..2000),
            1 => proptest::collection::vec(any::<u8>(), 2000..9000),
        ],
        mtu in 64usize..9000,
        headers in prop_oneof![
            Just(LpPacket::default()),
            (any::<Option<u64>>(), proptest::option::of(1u64..300), any::<bool>()).prop_map(
                |(mark, face, nack)| LpPacket {
                    congestion_mark: mark,
                    incoming_face_id: face,
                    nack: nack.then_some(NackReason::NoRoute),
                    ..LpPacket::default()
                }
            ),
        ],
        first_sequence in any::<u64>(),
        order_seed in any::<u64>(),
        duplicate in any::<bool>(),
    ) {
        let packet = Bytes::from(packet);
        let mut next = first_sequence;
        let frames = match fragment(packet.clone(), &headers, mtu, &mut next) {
            Ok(f) => f,
            Err(e) => {
                // only a packet that needs more than MAX_FRAGMENTS pieces may be refused
                prop_assert!(matches!(e, ndn::lp::FragmentError::TooManyFragments { .. }), "{}", e);
                return Ok(());
            }
        };
        for f in &frames {
            prop_assert!(f.len() <= mtu, "frame of {} bytes at MTU {}", f.len(), mtu);
        }
        let n = frames.len() as u64;
        prop_assert_eq!(next, if n > 1 { first_sequence.wrapping_add(n) } else { first_sequence });
        // deliver in a seeded random order, maybe with the first frame twice in a row (before the
        // packet is complete, so the copy must be ignored)
        let mut order: Vec<usize> = (0..frames.len()).collect();
        let mut state = order_seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        if duplicate && order.len() > 1 {
            order.insert(1, order[0]);
        }
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let mut whole = Vec::new();
        for &i in &order {
            let lp = LpPacket::decode(frames[i].clone()).unwrap();
            if let Some(p) = r.receive(Duration::ZERO, lp).unwrap() {
                whole.push(p);
            }
        }
        prop_assert_eq!(whole.len(), 1);
        let got = whole.pop().unwrap();
        prop_assert_eq!(got.fragment.as_ref(), Some(&packet));
        let mut want = headers;
        want.fragment = Some(packet);
        prop_assert_eq!(got, want);
        prop_assert_eq!(r.partial_count(), 0);
        prop_assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn frames_with_room_for_a_tx_sequence_still_fit_and_reassemble(
        packet in proptest::collection::vec(any::<u8>(), 0..9000),
        mtu in 80usize..9000,
        tx in any::<u64>(),
    ) {
        // what a link with NDNLPv2 reliability does: leave 12 bytes per frame, then number it
        let packet = Bytes::from(packet);
        let mut next = 0;
        let Ok(frames) = fragment_frames(packet.clone(), &LpPacket::default(), mtu, 12, &mut next)
        else {
            return Ok(());
        };
        let mut r = Reassembler::new(ReassemblyLimits::default());
        let mut whole = None;
        for (i, mut f) in frames.into_iter().enumerate() {
            f.tx_sequence = Some(tx.wrapping_add(i as u64));
            let wire = f.to_link_wire();
            prop_assert!(wire.len() <= mtu, "frame of {} bytes at MTU {}", wire.len(), mtu);
            let lp = LpPacket::decode(wire).unwrap();
            prop_assert_eq!(lp.tx_sequence, Some(tx.wrapping_add(i as u64)));
            if let Some(p) = r.receive(Duration::ZERO, lp).unwrap() {
                whole = p.fragment;
            }
        }
        prop_assert_eq!(whole, Some(packet));
    }
}

// ---------- robustness ----------

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        decode_all(&Bytes::from(bytes));
    }

    #[test]
    fn decoding_arbitrary_tlv_shaped_bytes_never_panics(
        outer in prop::sample::select(vec![
            tt::NAME, tt::INTEREST, tt::DATA, tt::LP_PACKET
        ]),
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        // a correct outer header gets the decoders past the first check
        let mut wire = Vec::new();
        ndn::tlv::put_tlv(&mut wire, outer, &body);
        decode_all(&Bytes::from(wire));
    }
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn decoding_mutated_valid_packets_never_panics(
        wire in valid_wire(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        decode_all(&wire);
        decode_all(&mutate(&wire, &mutations));
    }
}
