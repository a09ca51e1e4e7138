//! NFD management encodings against the vectors in `tests/vectors/mgmt.json` (python-ndn) and
//! `tests/vectors/mgmt_records.json` (ndn-cxx), plus property round trips, evolvability and both
//! signed command forms.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::{BufMut, Bytes, BytesMut};
use ndn::Name;
use ndn::mgmt::*;
use ndn::packet::{Interest, InterestBuilder, KeyLocator, signature_type};
use ndn::sign::{DigestSha256, HmacSha256, Signer, VerifyError};
use ndn::tlv::{self, DecodeError, Reader};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use serde_json::Value;

fn load(file: &str) -> Value {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex_bytes(v: &Value) -> Bytes {
    Bytes::from(hex::decode(v.as_str().unwrap()).unwrap())
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_owned()
}

fn name(v: &Value) -> Name {
    Name::from_uri(v.as_str().unwrap()).unwrap()
}

// ---------------------------------------------------------------- commands (python-ndn vector)

#[test]
fn rib_register_command_decodes() {
    let v = &load("mgmt.json")["rib_register_command"];
    let interest = Interest::decode(hex_bytes(&v["wire"])).unwrap();
    assert_eq!(interest.name().to_string(), v["name_uri"].as_str().unwrap());

    let cmd = parse_command_interest(&interest, &localhost_nfd()).unwrap();
    assert_eq!(cmd.request.module, "rib");
    assert_eq!(cmd.request.verb, "register");
    let want = ControlParameters::with_name(name(&v["control_parameters_fields"]["name"]));
    assert_eq!(cmd.request.parameters, want);

    // the parameters component holds exactly the ControlParameters element, and it re-encodes
    // to the same bytes
    let cp = hex_bytes(&v["control_parameters"]);
    assert_eq!(interest.name().get(4).unwrap().value(), &cp[..]);
    assert_eq!(cmd.request.parameters.encode(), cp);
    assert_eq!(ControlParameters::decode(cp.clone()).unwrap(), want);

    // v0.3 signed Interest with DigestSha256, SignatureTime and SignatureNonce
    let sig = &cmd.signature;
    assert_eq!(sig.form, CommandForm::SignedInterest);
    assert_eq!(sig.info.signature_type, signature_type::DIGEST_SHA256);
    assert_eq!(sig.timestamp_ms, Some(0x0000_01A2_161A_08E6));
    assert_eq!(
        sig.nonce.as_deref(),
        Some(&hex::decode("5C81956970AF6C29").unwrap()[..])
    );
    sig.verify(&DigestSha256).unwrap();
}

#[test]
fn rib_register_command_reencodes_exactly() {
    let v = &load("mgmt.json")["rib_register_command"];
    let params = ControlParameters::with_name(name(&v["control_parameters_fields"]["name"]));
    let base = command_name(&localhost_nfd(), "rib", "register", &params);
    let builder = InterestBuilder::new(base)
        .nonce(0x0A0B_0C0D)
        .lifetime_ms(1000);
    let nonce = hex::decode("5C81956970AF6C29").unwrap();
    let wire =
        sign_command_interest(&builder, &DigestSha256, 0x0000_01A2_161A_08E6, &nonce).unwrap();
    assert_eq!(wire, hex_bytes(&v["wire"]));
}

#[test]
fn control_response_vector_decodes_and_reencodes() {
    let v = &load("mgmt.json")["control_response_ok"];
    let bare = hex_bytes(&v["wire"]);
    // The vector is the bare field sequence (no 0x65 header); NFD sends the whole element.
    assert_eq!(bare.first(), Some(&0x66));
    let r = ControlResponse::decode(bare.clone()).unwrap();
    assert_eq!(u64::from(r.status_code), u(&v["status_code"]));
    assert_eq!(r.status_text, s(&v["status_text"]));
    assert!(r.is_success());
    let b = &v["body"];
    let body = r.body.clone().unwrap();
    assert_eq!(
        body,
        ControlParameters {
            name: Some(name(&b["name"])),
            face_id: Some(u(&b["face_id"])),
            origin: Some(u(&b["origin"])),
            cost: Some(u(&b["cost"])),
            flags: Some(u(&b["flags"])),
            ..Default::default()
        }
    );
    assert_eq!(body.origin, Some(route_origin::APP));
    assert_eq!(body.flags, Some(route_flags::CHILD_INHERIT));

    // bare form re-encodes to the vector; the whole element is 0x65, length, then the same bytes
    assert_eq!(r.encode_fields(), bare);
    let whole = r.encode();
    let mut want = BytesMut::new();
    tlv::put_tlv(&mut want, 0x65, &bare);
    assert_eq!(whole, want.freeze());
    assert_eq!(ControlResponse::decode(whole).unwrap(), r);
}

// ---------------------------------------------------------------- records (ndn-cxx vectors)

#[test]
fn general_status_vector() {
    let v = &load("mgmt_records.json")["general_status"];
    let content = hex_bytes(&v["content"]);
    let g = GeneralStatus::decode(content.clone()).unwrap();
    let want = GeneralStatus {
        nfd_version: s(&v["nfd_version"]),
        start_timestamp_ms: u(&v["start_timestamp_ms"]),
        current_timestamp_ms: u(&v["current_timestamp_ms"]),
        n_name_tree_entries: u(&v["n_name_tree_entries"]),
        n_fib_entries: u(&v["n_fib_entries"]),
        n_pit_entries: u(&v["n_pit_entries"]),
        n_measurements_entries: u(&v["n_measurements_entries"]),
        n_cs_entries: u(&v["n_cs_entries"]),
        n_in_interests: u(&v["n_in_interests"]),
        n_in_data: u(&v["n_in_data"]),
        n_in_nacks: u(&v["n_in_nacks"]),
        n_out_interests: u(&v["n_out_interests"]),
        n_out_data: u(&v["n_out_data"]),
        n_out_nacks: u(&v["n_out_nacks"]),
        n_satisfied_interests: u(&v["n_satisfied_interests"]),
        n_unsatisfied_interests: u(&v["n_unsatisfied_interests"]),
    };
    assert_eq!(g, want);
    assert_eq!(g.encode(), content);
    assert_eq!(g.encoded_len(), content.len());
}

#[test]
fn face_status_vector() {
    let v = &load("mgmt_records.json")["face_status"];
    let wire = hex_bytes(&v["wire"]);
    let f = FaceStatus::decode(wire.clone()).unwrap();
    let want = FaceStatus {
        face_id: u(&v["face_id"]),
        uri: s(&v["uri"]),
        local_uri: s(&v["local_uri"]),
        expiration_period_ms: Some(u(&v["expiration_period_ms"])),
        face_scope: FaceScope::try_from(u(&v["face_scope"])).unwrap(),
        face_persistency: FacePersistency::try_from(u(&v["face_persistency"])).unwrap(),
        link_type: LinkType::try_from(u(&v["link_type"])).unwrap(),
        base_congestion_marking_interval_ns: Some(u(&v["base_congestion_marking_interval_ns"])),
        default_congestion_threshold: Some(u(&v["default_congestion_threshold"])),
        mtu: Some(u(&v["mtu"])),
        n_in_interests: u(&v["n_in_interests"]),
        n_in_data: u(&v["n_in_data"]),
        n_in_nacks: u(&v["n_in_nacks"]),
        n_out_interests: u(&v["n_out_interests"]),
        n_out_data: u(&v["n_out_data"]),
        n_out_nacks: u(&v["n_out_nacks"]),
        n_in_bytes: u(&v["n_in_bytes"]),
        n_out_bytes: u(&v["n_out_bytes"]),
        flags: u(&v["flags"]),
    };
    assert_eq!(f, want);
    assert_eq!(f.face_scope, FaceScope::Local);
    assert_eq!(f.face_persistency, FacePersistency::OnDemand);
    assert_eq!(f.link_type, LinkType::MultiAccess);
    assert_eq!(f.encode(), wire);
}

#[test]
fn face_event_and_query_filter_vectors() {
    let all = load("mgmt_records.json");
    let v = &all["face_event_notification"];
    let wire = hex_bytes(&v["wire"]);
    let ev = FaceEventNotification::decode(wire.clone()).unwrap();
    assert_eq!(
        ev,
        FaceEventNotification {
            kind: FaceEventKind::try_from(u(&v["kind"])).unwrap(),
            face_id: u(&v["face_id"]),
            uri: s(&v["uri"]),
            local_uri: s(&v["local_uri"]),
            face_scope: FaceScope::Local,
            face_persistency: FacePersistency::OnDemand,
            link_type: LinkType::MultiAccess,
            flags: u(&v["flags"]),
        }
    );
    assert_eq!(ev.kind, FaceEventKind::Created);
    assert_eq!(ev.encode(), wire);

    let v = &all["face_query_filter"];
    let wire = hex_bytes(&v["wire"]);
    let q = FaceQueryFilter::decode(wire.clone()).unwrap();
    assert_eq!(
        q,
        FaceQueryFilter {
            face_id: Some(u(&v["face_id"])),
            uri_scheme: Some(s(&v["uri_scheme"])),
            uri: Some(s(&v["uri"])),
            local_uri: Some(s(&v["local_uri"])),
            face_scope: Some(FaceScope::Local),
            face_persistency: Some(FacePersistency::OnDemand),
            link_type: Some(LinkType::MultiAccess),
        }
    );
    assert_eq!(q.encode(), wire);
    // an empty filter is valid and matches every face
    assert_eq!(
        FaceQueryFilter::decode(Bytes::from_static(&[0x96, 0x00])).unwrap(),
        FaceQueryFilter::default()
    );
}

#[test]
fn fib_rib_strategy_cs_vectors() {
    let all = load("mgmt_records.json");

    let v = &all["fib_entry"];
    let wire = hex_bytes(&v["wire"]);
    let fib = FibEntry::decode(wire.clone()).unwrap();
    let hops: Vec<NextHopRecord> = v["next_hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| NextHopRecord {
            face_id: u(&h["face_id"]),
            cost: u(&h["cost"]),
        })
        .collect();
    assert_eq!(
        fib,
        FibEntry {
            name: name(&v["name"]),
            next_hops: hops,
        }
    );
    assert_eq!(fib.encode(), wire);

    let v = &all["rib_entry"];
    let wire = hex_bytes(&v["wire"]);
    let rib = RibEntry::decode(wire.clone()).unwrap();
    let routes: Vec<Route> = v["routes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Route {
            face_id: u(&r["face_id"]),
            origin: u(&r["origin"]),
            cost: u(&r["cost"]),
            flags: u(&r["flags"]),
            expiration_period_ms: r["expiration_period_ms"].as_u64(),
        })
        .collect();
    assert_eq!(
        rib,
        RibEntry {
            name: name(&v["name"]),
            routes,
        }
    );
    assert_eq!(rib.routes[0].origin, route_origin::NLSR);
    assert_eq!(rib.routes[0].flags, route_flags::CAPTURE);
    assert_eq!(rib.encode(), wire);

    let v = &all["strategy_choice"];
    let wire = hex_bytes(&v["wire"]);
    let sc = StrategyChoice::decode(wire.clone()).unwrap();
    assert_eq!(
        sc,
        StrategyChoice {
            name: name(&v["name"]),
            strategy: name(&v["strategy"]),
        }
    );
    assert_eq!(sc.encode(), wire);

    let v = &all["cs_info"];
    let wire = hex_bytes(&v["wire"]);
    let cs = CsInfo::decode(wire.clone()).unwrap();
    assert_eq!(
        cs,
        CsInfo {
            capacity: u(&v["capacity"]),
            flags: u(&v["flags"]),
            n_entries: u(&v["n_entries"]),
            n_hits: u(&v["n_hits"]),
            n_misses: u(&v["n_misses"]),
        }
    );
    assert_eq!(cs.flags & cs_flags::ENABLE_SERVE, cs_flags::ENABLE_SERVE);
    assert_eq!(cs.flags & cs_flags::ENABLE_ADMIT, 0);
    assert_eq!(cs.encode(), wire);
}

#[test]
fn datasets_are_concatenated_records() {
    let all = load("mgmt_records.json");
    let fib = FibEntry::decode(hex_bytes(&all["fib_entry"]["wire"])).unwrap();
    let mut other = fib.clone();
    other.name = Name::from_uri("/other").unwrap();
    other.next_hops.truncate(1);
    let list = vec![fib, other];
    let payload = encode_dataset(&list);
    assert_eq!(decode_dataset::<FibEntry>(payload.clone()).unwrap(), list);
    assert!(decode_dataset::<FibEntry>(Bytes::new()).unwrap().is_empty());
    // a RibEntry dataset shares TLV-TYPE 0x80, but a ChannelStatus (0x82) does not fit
    assert!(matches!(
        decode_dataset::<ChannelStatus>(payload.clone()),
        Err(DecodeError::UnexpectedType { found: 0x80, .. })
    ));
    // a truncated dataset is an error, not a shorter list
    assert!(decode_dataset::<FibEntry>(payload.slice(..payload.len() - 1)).is_err());
}

#[test]
fn missing_required_fields_are_reported() {
    // FaceStatus with only a FaceId
    let wire = Bytes::from_static(&[0x80, 0x03, 0x69, 0x01, 0x01]);
    assert!(matches!(
        FaceStatus::decode(wire),
        Err(DecodeError::Missing { element: "Uri", .. })
    ));
    // Route without Flags
    let wire = Bytes::from_static(&[
        0x81, 0x09, 0x69, 0x01, 0x01, 0x6F, 0x01, 0x00, 0x6A, 0x01, 0x00,
    ]);
    assert!(matches!(
        Route::decode(wire),
        Err(DecodeError::Missing {
            element: "Flags",
            ..
        })
    ));
    // RibEntry without Name
    assert!(matches!(
        RibEntry::decode(Bytes::from_static(&[0x80, 0x00])),
        Err(DecodeError::Missing {
            element: "Name",
            ..
        })
    ));
    // wrong outer type
    assert!(matches!(
        CsInfo::decode(Bytes::from_static(&[0x81, 0x00])),
        Err(DecodeError::UnexpectedType { found: 0x81, .. })
    ));
}

// ---------------------------------------------------------------- evolvability

/// `wire` (one whole element) with `extra` inserted into its TLV-VALUE at `at` bytes.
fn insert_into_value(wire: &Bytes, at: usize, extra: &[u8]) -> Bytes {
    let mut r = Reader::new(wire);
    let e = r.read_element().unwrap();
    let value = e.value;
    let mut inner = BytesMut::new();
    inner.put_slice(&value[..at]);
    inner.put_slice(extra);
    inner.put_slice(&value[at..]);
    let mut out = BytesMut::new();
    tlv::put_tlv(&mut out, e.tlv_type, &inner);
    out.freeze()
}

/// Offsets within a record's TLV-VALUE that fall between its fields.
fn field_boundaries(wire: &Bytes) -> Vec<usize> {
    let e = Reader::new(wire).read_element().unwrap();
    let mut at = vec![0];
    for f in e.reader() {
        at.push(f.unwrap().end - e.value_offset);
    }
    at
}

fn check_evolvability<T: Record + PartialEq + std::fmt::Debug>(wire: Bytes) {
    let original = T::decode(wire.clone()).unwrap();
    // 0xFC and 0x1E0 are non-critical (even, > 31); 0xFD, 0x1E1 and 0x1F are critical.
    let ignorable: [&[u8]; 2] = [&[0xFC, 0x01, 0xAA], &[0xFD, 0x01, 0xE0, 0x00]];
    let critical: [&[u8]; 3] = [
        &[0xFD, 0x00, 0xFD, 0x00],
        &[0xFD, 0x01, 0xE1, 0x00],
        &[0x1F, 0x00],
    ];
    for at in field_boundaries(&wire) {
        for x in ignorable {
            let w = insert_into_value(&wire, at, x);
            assert_eq!(T::decode(w).unwrap(), original, "{} at {at}", T::NAME);
        }
        for x in critical {
            let w = insert_into_value(&wire, at, x);
            assert!(
                matches!(T::decode(w), Err(DecodeError::UnrecognizedCritical { .. })),
                "{} at {at}",
                T::NAME
            );
        }
    }
}

#[test]
fn unknown_fields_skipped_unless_critical() {
    let all = load("mgmt_records.json");
    check_evolvability::<FaceStatus>(hex_bytes(&all["face_status"]["wire"]));
    check_evolvability::<FaceEventNotification>(hex_bytes(&all["face_event_notification"]["wire"]));
    check_evolvability::<FaceQueryFilter>(hex_bytes(&all["face_query_filter"]["wire"]));
    check_evolvability::<FibEntry>(hex_bytes(&all["fib_entry"]["wire"]));
    check_evolvability::<RibEntry>(hex_bytes(&all["rib_entry"]["wire"]));
    check_evolvability::<StrategyChoice>(hex_bytes(&all["strategy_choice"]["wire"]));
    check_evolvability::<CsInfo>(hex_bytes(&all["cs_info"]["wire"]));
    let v = load("mgmt.json");
    check_evolvability::<ControlParameters>(hex_bytes(
        &v["rib_register_command"]["control_parameters"],
    ));
    let mut whole = BytesMut::new();
    tlv::put_tlv(
        &mut whole,
        0x65,
        &hex_bytes(&v["control_response_ok"]["wire"]),
    );
    check_evolvability::<ControlResponse>(whole.freeze());
    // with every field present
    let mut full = all_fields_parameters();
    full.strategy = Some(Name::from_uri("/localhost/nfd/strategy/best-route/v=5").unwrap());
    check_evolvability::<ControlParameters>(full.encode());

    // GeneralStatus is a bare field list: insert between its top-level fields
    let content = hex_bytes(&all["general_status"]["content"]);
    let original = GeneralStatus::decode(content.clone()).unwrap();
    let mut at = 0;
    for f in Reader::new(&content) {
        let f = f.unwrap();
        let mut w = BytesMut::new();
        w.put_slice(&content[..at]);
        w.put_slice(&[0xFC, 0x00]);
        w.put_slice(&content[at..]);
        assert_eq!(GeneralStatus::decode(w.freeze()).unwrap(), original);
        let mut w = BytesMut::new();
        w.put_slice(&content[..at]);
        w.put_slice(&[0xFB, 0x00]);
        w.put_slice(&content[at..]);
        assert!(matches!(
            GeneralStatus::decode(w.freeze()),
            Err(DecodeError::UnrecognizedCritical { tlv_type: 0xFB, .. })
        ));
        at = f.end;
    }
}

#[test]
fn out_of_order_fields_count_as_unrecognized() {
    // Route with Flags (0x6C) before Cost (0x6A): Cost comes out of order, counts as
    // unrecognized, is non-critical (even) and so is skipped; the Route then lacks its Cost.
    let wire = Bytes::from_static(&[
        0x81, 0x0C, 0x69, 0x01, 0x01, 0x6F, 0x01, 0x00, 0x6C, 0x01, 0x01, 0x6A, 0x01, 0x05,
    ]);
    assert!(matches!(
        Route::decode(wire),
        Err(DecodeError::Missing {
            element: "Cost",
            ..
        })
    ));
    // NextHopRecord with Cost before FaceId: FaceId (0x69) out of order is critical (odd)
    let wire = Bytes::from_static(&[0x81, 0x06, 0x6A, 0x01, 0x05, 0x69, 0x01, 0x01]);
    assert!(matches!(
        NextHopRecord::decode(wire),
        Err(DecodeError::UnrecognizedCritical { tlv_type: 0x69, .. })
    ));
    // StrategyChoice with Strategy before Name: the Name (type 7 <= 31, critical) is out of
    // order, so the record is rejected
    let sc = StrategyChoice {
        name: Name::from_uri("/a").unwrap(),
        strategy: Name::from_uri("/s").unwrap(),
    };
    let mut value = BytesMut::new();
    value.put_slice(&[0x6B, 0x05, 0x07, 0x03, 0x08, 0x01, b's']);
    sc.name.encode_to(&mut value);
    let mut wire = BytesMut::new();
    tlv::put_tlv(&mut wire, 0x80, &value);
    assert!(matches!(
        StrategyChoice::decode(wire.freeze()),
        Err(DecodeError::UnrecognizedCritical { tlv_type: 7, .. })
    ));
}

// ---------------------------------------------------------------- legacy command Interests

fn all_fields_parameters() -> ControlParameters {
    ControlParameters {
        name: Some(Name::from_uri("/example/prefix").unwrap()),
        face_id: Some(300),
        uri: Some("udp4://192.0.2.1:6363".into()),
        local_uri: Some("udp4://192.0.2.2:6363".into()),
        origin: Some(route_origin::STATIC),
        cost: Some(10),
        capacity: Some(65536),
        count: Some(7),
        flags: Some(face_flags::LOCAL_FIELDS_ENABLED),
        mask: Some(face_flags::LOCAL_FIELDS_ENABLED | face_flags::CONGESTION_MARKING_ENABLED),
        strategy: Some(Name::from_uri("/localhost/nfd/strategy/multicast").unwrap()),
        expiration_period_ms: Some(3_600_000),
        face_persistency: Some(FacePersistency::Permanent),
        base_congestion_marking_interval_ns: Some(100_000_000),
        default_congestion_threshold: Some(65536),
        mtu: Some(1400),
    }
}

#[test]
fn legacy_command_sign_and_parse_round_trip() {
    let params = all_fields_parameters();
    let base = command_name(&localhost_nfd(), "faces", "create", &params);
    let signed = sign_command_interest_legacy(
        &base,
        &DigestSha256,
        1_700_000_000_123,
        0x0102_0304_0506_0708,
    )
    .unwrap();
    assert_eq!(signed.len(), base.len() + 4);
    let wire = InterestBuilder::new(signed.clone())
        .lifetime_ms(1000)
        .encode();
    let interest = Interest::decode(wire).unwrap();

    let cmd = parse_command_interest(&interest, &localhost_nfd()).unwrap();
    assert_eq!(cmd.request.module, "faces");
    assert_eq!(cmd.request.verb, "create");
    assert_eq!(cmd.request.parameters, params);
    let sig = &cmd.signature;
    assert_eq!(sig.form, CommandForm::Legacy);
    assert_eq!(sig.timestamp_ms, Some(1_700_000_000_123));
    assert_eq!(sig.nonce.as_deref(), Some(&[1u8, 2, 3, 4, 5, 6, 7, 8][..]));
    assert_eq!(sig.info.signature_type, signature_type::DIGEST_SHA256);
    // signed portion: the Name's TLV-VALUE without its last component
    assert_eq!(sig.signed_portion, vec![signed.parent(1).value().clone()]);
    assert_eq!(sig.value.len(), 32);
    sig.verify(&DigestSha256).unwrap();

    // the name-only parser agrees
    assert_eq!(
        parse_legacy_command(&signed, &localhost_nfd()).unwrap(),
        cmd
    );
    assert_eq!(
        parse_command_name(&signed, &localhost_nfd()).unwrap(),
        cmd.request
    );
}

#[test]
fn legacy_command_with_hmac_verifies_only_with_the_key() {
    let locator = KeyLocator::Name(Name::from_uri("/key/1").unwrap());
    let key = HmacSha256::new(b"secret", Some(locator.clone()));
    let base = command_name(
        &localhop_nfd(),
        "rib",
        "register",
        &ControlParameters::with_name(Name::from_uri("/p").unwrap()),
    );
    let signed = sign_command_interest_legacy(&base, &key, 5, 6).unwrap();
    let cmd = parse_legacy_command(&signed, &localhop_nfd()).unwrap();
    assert_eq!(
        cmd.signature.info.signature_type,
        signature_type::HMAC_WITH_SHA256
    );
    assert_eq!(cmd.signature.info.key_locator, Some(locator));
    assert_eq!(cmd.signature.timestamp_ms, Some(5));
    cmd.signature.verify(&key).unwrap();
    let other = HmacSha256::new(b"other", None);
    assert_eq!(cmd.signature.verify(&other), Err(VerifyError::Invalid));
    assert!(matches!(
        cmd.signature.verify(&DigestSha256),
        Err(VerifyError::WrongType { .. })
    ));
}

#[test]
fn tampered_legacy_command_fails_verification() {
    let p1 = ControlParameters::with_name(Name::from_uri("/good").unwrap());
    let p2 = ControlParameters::with_name(Name::from_uri("/evil").unwrap());
    let signed = sign_command_interest_legacy(
        &command_name(&localhost_nfd(), "rib", "register", &p1),
        &DigestSha256,
        1,
        2,
    )
    .unwrap();
    // graft the four signature components onto a different command
    let mut forged = command_name(&localhost_nfd(), "rib", "register", &p2);
    for c in signed.iter().skip(signed.len() - 4) {
        forged = forged.append_generic(c.value());
    }
    let cmd = parse_legacy_command(&forged, &localhost_nfd()).unwrap();
    assert_eq!(
        cmd.signature.verify(&DigestSha256),
        Err(VerifyError::Invalid)
    );
}

#[test]
fn python_ndn_legacy_layout_is_accepted() {
    // python-ndn's make_command: 8-byte big-endian timestamp and nonce, then SignatureInfo and
    // SignatureValue elements as components. Built by hand here.
    let params = ControlParameters::with_name(Name::from_uri("/app").unwrap());
    let mut n = command_name(&localhost_nfd(), "rib", "register", &params)
        .append_generic(1_650_000_000_000u64.to_be_bytes())
        .append_generic(0xDEAD_BEEF_0000_0001u64.to_be_bytes())
        .append_generic([0x16, 0x03, 0x1B, 0x01, 0x00]);
    let digest = DigestSha256.sign(&[n.value()]).unwrap();
    let mut sv = vec![0x17, 0x20];
    sv.extend_from_slice(&digest);
    n = n.append_generic(&sv);
    let cmd = parse_legacy_command(&n, &localhost_nfd()).unwrap();
    assert_eq!(cmd.signature.timestamp_ms, Some(1_650_000_000_000));
    assert_eq!(cmd.request.parameters, params);
    cmd.signature.verify(&DigestSha256).unwrap();
}

#[test]
fn malformed_commands_are_rejected_with_typed_errors() {
    let params = ControlParameters::with_name(Name::from_uri("/p").unwrap());
    let base = command_name(&localhost_nfd(), "rib", "register", &params);
    let signed = sign_command_interest_legacy(&base, &DigestSha256, 1, 2).unwrap();

    assert!(matches!(
        parse_legacy_command(&signed, &localhop_nfd()),
        Err(CommandError::NotUnderPrefix { .. })
    ));
    assert!(matches!(
        parse_legacy_command(&base, &localhost_nfd()),
        Err(CommandError::WrongShape { found: 3 })
    ));
    // an unsigned command Interest
    let unsigned = Interest::decode(InterestBuilder::new(base.clone()).encode()).unwrap();
    assert_eq!(
        parse_command_interest(&unsigned, &localhost_nfd()),
        Err(CommandError::Unsigned)
    );
    // SignatureInfo component that is not a SignatureInfo element
    let mut bad = base.clone();
    for c in [&[1u8][..], &[2u8][..], &[0x17, 0x00][..], &[0x17, 0x00][..]] {
        bad = bad.append_generic(c);
    }
    assert!(matches!(
        parse_legacy_command(&bad, &localhost_nfd()),
        Err(CommandError::Signature(DecodeError::UnexpectedType {
            found: 0x17,
            ..
        }))
    ));
    // timestamp that is not a NonNegativeInteger
    let mut bad = base.clone();
    for c in [
        &[1u8, 2, 3][..],
        &[2u8][..],
        &[0x16, 0x03, 0x1B, 0x01, 0x00][..],
        &[0x17, 0x00][..],
    ] {
        bad = bad.append_generic(c);
    }
    assert!(matches!(
        parse_legacy_command(&bad, &localhost_nfd()),
        Err(CommandError::BadComponent {
            component: "timestamp",
            ..
        })
    ));
    // parameters component that is not ControlParameters
    let junk = localhost_nfd()
        .append_generic("rib")
        .append_generic("register")
        .append_generic([0x07, 0x00]);
    assert!(matches!(
        parse_command_name(&junk, &localhost_nfd()),
        Err(CommandError::Parameters(DecodeError::UnexpectedType {
            found: 7,
            ..
        }))
    ));
    // module that is not a generic component
    let typed = localhost_nfd()
        .append_version(1)
        .append_generic("register")
        .append_generic(params.encode());
    assert!(matches!(
        parse_command_name(&typed, &localhost_nfd()),
        Err(CommandError::BadComponent {
            component: "module",
            ..
        })
    ));
}

#[test]
fn signed_interest_with_parameters_in_application_parameters_is_tolerated() {
    let params = ControlParameters::with_name(Name::from_uri("/ap").unwrap());
    let name = localhost_nfd()
        .append_generic("rib")
        .append_generic("register");
    let builder = InterestBuilder::new(name).app_parameters(params.encode());
    let wire = sign_command_interest(&builder, &DigestSha256, 10, &[9; 8]).unwrap();
    let interest = Interest::decode(wire).unwrap();
    let cmd = parse_command_interest(&interest, &localhost_nfd()).unwrap();
    assert_eq!(cmd.request.parameters, params);
    assert_eq!(cmd.signature.timestamp_ms, Some(10));
    cmd.signature.verify(&DigestSha256).unwrap();
}

// ---------------------------------------------------------------- property round trips

fn arb_name() -> impl Strategy<Value = Name> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..6), 0..4)
        .prop_map(|comps| Name::from_components(comps.iter().map(|c| (8u16, &c[..]))).unwrap())
}

fn arb_text() -> impl Strategy<Value = String> {
    "[a-z0-9:/\\[\\].%+-]{0,24}"
}

fn arb_scope() -> impl Strategy<Value = FaceScope> {
    (0u64..2).prop_map(|v| FaceScope::try_from(v).unwrap())
}

fn arb_persistency() -> impl Strategy<Value = FacePersistency> {
    (0u64..3).prop_map(|v| FacePersistency::try_from(v).unwrap())
}

fn arb_link() -> impl Strategy<Value = LinkType> {
    (0u64..3).prop_map(|v| LinkType::try_from(v).unwrap())
}

prop_compose! {
    fn arb_parameters()(
        name in arb_name(), strategy in arb_name(), uri in arb_text(), local_uri in arb_text(),
        n in prop::array::uniform12(any::<u64>()), persistency in arb_persistency(),
    ) -> ControlParameters {
        ControlParameters {
            name: Some(name), face_id: Some(n[0]), uri: Some(uri), local_uri: Some(local_uri),
            origin: Some(n[1]), cost: Some(n[2]), capacity: Some(n[3]), count: Some(n[4]),
            flags: Some(n[5]), mask: Some(n[6]), strategy: Some(strategy),
            expiration_period_ms: Some(n[7]), face_persistency: Some(persistency),
            base_congestion_marking_interval_ns: Some(n[8]),
            default_congestion_threshold: Some(n[9]), mtu: Some(n[10]),
        }
    }
}

prop_compose! {
    fn arb_face_status()(
        uri in arb_text(), local_uri in arb_text(), scope in arb_scope(),
        persistency in arb_persistency(), link in arb_link(),
        n in prop::array::uniform16(any::<u64>()),
    ) -> FaceStatus {
        FaceStatus {
            face_id: n[0], uri, local_uri, expiration_period_ms: Some(n[1]), face_scope: scope,
            face_persistency: persistency, link_type: link,
            base_congestion_marking_interval_ns: Some(n[2]),
            default_congestion_threshold: Some(n[3]), mtu: Some(n[4]), n_in_interests: n[5],
            n_in_data: n[6], n_in_nacks: n[7], n_out_interests: n[8], n_out_data: n[9],
            n_out_nacks: n[10], n_in_bytes: n[11], n_out_bytes: n[12], flags: n[13],
        }
    }
}

prop_compose! {
    fn arb_general()(version in arb_text(), n in prop::array::uniform16(any::<u64>())) -> GeneralStatus {
        GeneralStatus {
            nfd_version: version, start_timestamp_ms: n[0], current_timestamp_ms: n[1],
            n_name_tree_entries: n[2], n_fib_entries: n[3], n_pit_entries: n[4],
            n_measurements_entries: n[5], n_cs_entries: n[6], n_in_interests: n[7],
            n_in_data: n[8], n_in_nacks: n[9], n_out_interests: n[10], n_out_data: n[11],
            n_out_nacks: n[12], n_satisfied_interests: n[13], n_unsatisfied_interests: n[14],
        }
    }
}

fn arb_route() -> impl Strategy<Value = Route> {
    (any::<[u64; 4]>(), any::<u64>()).prop_map(|(n, e)| Route {
        face_id: n[0],
        origin: n[1],
        cost: n[2],
        flags: n[3],
        expiration_period_ms: Some(e),
    })
}

fn round_trip<T: Record + PartialEq + std::fmt::Debug>(r: &T) {
    let wire = r.encode();
    assert_eq!(wire.len(), r.encoded_len());
    let back = T::decode(wire.clone()).unwrap();
    assert_eq!(&back, r);
    assert_eq!(back.encode(), wire);
}

proptest! {
    // fixed seed: the same cases on every run
    #![proptest_config(ProptestConfig {
        cases: 128,
        rng_seed: RngSeed::Fixed(0x6D67_6D74),
        ..ProptestConfig::default()
    })]

    #[test]
    fn control_parameters_round_trip(p in arb_parameters()) {
        round_trip(&p);
        // and every subset of fields: drop each one in turn
        let mut q = p.clone();
        q.name = None; q.uri = None; q.strategy = None; q.mtu = None;
        round_trip(&q);
        round_trip(&ControlParameters::default());
    }

    #[test]
    fn control_response_round_trip(code in any::<u32>(), text in arb_text(), p in arb_parameters(), with_body in any::<bool>()) {
        let r = ControlResponse { status_code: code, status_text: text, body: with_body.then_some(p) };
        round_trip(&r);
        prop_assert_eq!(ControlResponse::decode(r.encode_fields()).unwrap(), r);
    }

    #[test]
    fn general_status_round_trip(g in arb_general()) {
        let wire = g.encode();
        prop_assert_eq!(wire.len(), g.encoded_len());
        prop_assert_eq!(GeneralStatus::decode(wire).unwrap(), g);
    }

    #[test]
    fn face_records_round_trip(
        f in arb_face_status(), kind in 1u64..5, n in any::<[u64; 3]>(),
        scheme in arb_text(), opt in any::<bool>(),
    ) {
        round_trip(&f);
        let mut bare = f.clone();
        bare.expiration_period_ms = None;
        bare.base_congestion_marking_interval_ns = None;
        bare.default_congestion_threshold = None;
        bare.mtu = None;
        round_trip(&bare);
        round_trip(&FaceEventNotification {
            kind: FaceEventKind::try_from(kind).unwrap(), face_id: n[0], uri: f.uri.clone(),
            local_uri: f.local_uri.clone(), face_scope: f.face_scope,
            face_persistency: f.face_persistency, link_type: f.link_type, flags: n[1],
        });
        round_trip(&FaceQueryFilter {
            face_id: Some(n[2]), uri_scheme: Some(scheme), uri: opt.then(|| f.uri.clone()),
            local_uri: Some(f.local_uri.clone()), face_scope: Some(f.face_scope),
            face_persistency: Some(f.face_persistency), link_type: Some(f.link_type),
        });
        round_trip(&ChannelStatus { local_uri: f.local_uri });
    }

    #[test]
    fn table_records_round_trip(
        name in arb_name(), strategy in arb_name(),
        hops in prop::collection::vec(any::<(u64, u64)>(), 0..5),
        routes in prop::collection::vec(arb_route(), 0..5),
        cs in any::<[u64; 5]>(),
    ) {
        let fib = FibEntry {
            name: name.clone(),
            next_hops: hops.iter().map(|&(face_id, cost)| NextHopRecord { face_id, cost }).collect(),
        };
        round_trip(&fib);
        let rib = RibEntry { name: name.clone(), routes };
        round_trip(&rib);
        round_trip(&StrategyChoice { name: name.clone(), strategy });
        round_trip(&CsInfo { capacity: cs[0], flags: cs[1], n_entries: cs[2], n_hits: cs[3], n_misses: cs[4] });
        let list = vec![rib.clone(), rib];
        prop_assert_eq!(decode_dataset::<RibEntry>(encode_dataset(&list)).unwrap(), list);
    }

    #[test]
    fn legacy_round_trip(p in arb_parameters(), ts in any::<u64>(), nonce in any::<u64>()) {
        let base = command_name(&localhost_nfd(), "faces", "update", &p);
        let signed = sign_command_interest_legacy(&base, &DigestSha256, ts, nonce).unwrap();
        let cmd = parse_legacy_command(&signed, &localhost_nfd()).unwrap();
        prop_assert_eq!(&cmd.request.parameters, &p);
        prop_assert_eq!(cmd.signature.timestamp_ms, Some(ts));
        prop_assert!(cmd.signature.verify(&DigestSha256).is_ok());
    }

    #[test]
    fn decoders_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let b = Bytes::from(bytes);
        let _ = ControlParameters::decode(b.clone());
        let _ = ControlResponse::decode(b.clone());
        let _ = GeneralStatus::decode(b.clone());
        let _ = decode_dataset::<FaceStatus>(b.clone());
        let _ = decode_dataset::<FibEntry>(b.clone());
        let _ = decode_dataset::<RibEntry>(b.clone());
        let _ = decode_dataset::<StrategyChoice>(b.clone());
        let _ = CsInfo::decode(b.clone());
        let _ = FaceEventNotification::decode(b.clone());
        let _ = FaceQueryFilter::decode(b);
    }
}

#[test]
fn rib_announce_carries_its_prefix_announcement_in_application_parameters() {
    let pa = ndn::packet::PrefixAnnouncement::build(
        &Name::from_uri("/app").unwrap(),
        60_000,
        None,
        3,
        &DigestSha256,
    )
    .unwrap();
    let wire = sign_command_interest(
        &announce_command(pa.wire().clone()).nonce(9),
        &DigestSha256,
        1_700_000_000_000,
        &[1, 2, 3, 4, 5, 6, 7, 8],
    )
    .unwrap();
    let interest = Interest::decode(wire).unwrap();
    assert_eq!(
        interest.name().parent(1),
        Name::from_uri("/localhost/nfd/rib/announce").unwrap()
    );
    let cmd = parse_command_interest(&interest, &localhost_nfd()).unwrap();
    assert_eq!(
        (&cmd.request.module[..], &cmd.request.verb[..]),
        ("rib", "announce")
    );
    assert_eq!(cmd.request.prefix_announcement.as_ref(), Some(pa.wire()));
    assert_eq!(cmd.request.parameters, ControlParameters::default());
    cmd.signature.verify(&DigestSha256).unwrap();
    // ControlParameters where a Data belongs are refused, and a Data elsewhere is no
    // ControlParameters
    let params = ControlParameters::with_name(Name::from_uri("/app").unwrap()).encode();
    let wrong = sign_command_interest(
        &announce_command(params).nonce(9),
        &DigestSha256,
        1_700_000_000_000,
        &[1; 8],
    )
    .unwrap();
    let wrong = Interest::decode(wrong).unwrap();
    assert!(parse_command_interest(&wrong, &localhost_nfd()).is_err());
    let register = InterestBuilder::new(
        localhost_nfd()
            .append_generic("rib")
            .append_generic("register"),
    )
    .app_parameters(pa.wire().clone())
    .nonce(9);
    let register = sign_command_interest(&register, &DigestSha256, 1_700_000_000_000, &[1; 8]);
    let register = Interest::decode(register.unwrap()).unwrap();
    assert!(parse_command_interest(&register, &localhost_nfd()).is_err());
}
