//! NFD management through the internal face: commands, datasets, notifications.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use ndn::mgmt::{
    ControlParameters, ControlResponse, FaceStatus, FibEntry, GeneralStatus, Record, RibEntry,
    StrategyChoice, command_name, decode_dataset, localhost_nfd, sign_command_interest,
};
use ndn::sign::DigestSha256;
use ndn::{Data, InterestBuilder, Name};
use ndn_fw::{Event, FaceCreateOutcome, FaceId, FaceScope, LinkType, OutPacket};

fn command(module: &str, verb: &str, p: &ControlParameters, nonce: u32) -> Bytes {
    let name = command_name(&localhost_nfd(), module, verb, p);
    let b = InterestBuilder::new(name).nonce(nonce);
    sign_command_interest(
        &b,
        &DigestSha256,
        1_700_000_000_000 + u64::from(nonce),
        &nonce.to_be_bytes(),
    )
    .unwrap()
}

/// Send a command from `face` and return the decoded ControlResponse.
fn run(
    h: &mut Harness,
    face: FaceId,
    module: &str,
    verb: &str,
    p: ControlParameters,
) -> ControlResponse {
    h.send(face, command(module, verb, &p, rand_nonce(h)));
    let ts = h.transmits();
    assert_eq!(ts.len(), 1, "one response expected: {ts:?}");
    assert_eq!(ts[0].face, face);
    let data = Data::decode(ts[0].packet.wire().clone()).unwrap();
    ControlResponse::decode(data.content()).unwrap()
}

fn rand_nonce(h: &Harness) -> u32 {
    (h.fw.counters().n_in_interests as u32)
        .wrapping_mul(2_654_435_761)
        .wrapping_add(17)
}

fn params(name: &str) -> ControlParameters {
    ControlParameters::with_name(Name::from_uri(name).unwrap())
}

/// Fetch every segment of a dataset from `face`.
fn dataset(h: &mut Harness, face: FaceId, module: &str, verb: &str) -> Bytes {
    let base = localhost_nfd().append_generic(module).append_generic(verb);
    h.send(
        face,
        InterestBuilder::new(base)
            .can_be_prefix(true)
            .must_be_fresh(true)
            .nonce(rand_nonce(h))
            .encode(),
    );
    let mut content = Vec::new();
    let ts = h.transmits();
    let first = Data::decode(ts[0].packet.wire().clone()).unwrap();
    let last = first.final_segment().unwrap();
    content.extend_from_slice(&first.content());
    let versioned = first.name().parent(1);
    for seg in 1..=last {
        h.send(
            face,
            InterestBuilder::new(versioned.append_segment(seg))
                .nonce(rand_nonce(h) ^ 0x55)
                .encode(),
        );
        let d = Data::decode(h.transmits().remove(0).packet.wire().clone()).unwrap();
        content.extend_from_slice(&d.content());
    }
    Bytes::from(content)
}

#[test]
fn rib_register_installs_a_route_to_the_requesting_face() {
    let mut h = Harness::new();
    let app = h.local();
    let r = run(&mut h, app, "rib", "register", params("/example/prefix"));
    assert_eq!(r.status_code, 200, "{r:?}");
    let body = r.body.unwrap();
    assert_eq!(body.face_id, Some(app.0));
    assert_eq!(body.origin, Some(0));
    assert_eq!(body.flags, Some(1), "CHILD_INHERIT by default");
    // the route works
    let consumer = h.remote();
    h.send(consumer, interest("/example/prefix/x", 99).encode());
    assert_eq!(summary(&h.transmits()), vec![(app, "interest")]);
    // and unregister removes it
    let r = run(&mut h, app, "rib", "unregister", params("/example/prefix"));
    assert_eq!(r.status_code, 200);
    h.send(consumer, interest("/example/prefix/y", 100).encode());
    assert_eq!(
        nack_reason(&h.transmits()[0]),
        Some(ndn::lp::NackReason::NoRoute)
    );
}

#[test]
fn python_ndn_register_vector_is_accepted() {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("../../../ndn-lib/tests/vectors/mgmt.json")).unwrap();
    let wire =
        Bytes::from(hex::decode(v["rib_register_command"]["wire"].as_str().unwrap()).unwrap());
    let mut h = Harness::new();
    let app = h.local();
    h.send(app, wire);
    let ts = h.transmits();
    let data = Data::decode(ts[0].packet.wire().clone()).unwrap();
    let r = ControlResponse::decode(data.content()).unwrap();
    assert_eq!(r.status_code, 200);
    assert!(h.fw.rib().routes(&name("/example/prefix")).is_some());
}

#[test]
fn unsigned_or_tampered_commands_are_refused() {
    let mut h = Harness::new();
    let app = h.local();
    let name = command_name(&localhost_nfd(), "rib", "register", &params("/a"));
    h.send(app, InterestBuilder::new(name).nonce(5).encode());
    let d = Data::decode(h.transmits()[0].packet.wire().clone()).unwrap();
    assert_eq!(
        ControlResponse::decode(d.content()).unwrap().status_code,
        403
    );
    // flip a byte of the DigestSha256 signature value (last byte of the Interest); fix the
    // parameters digest so the Interest still decodes
    let good = command("rib", "register", &params("/a"), 6);
    let i = ndn::Interest::decode(good).unwrap();
    let mut sig = i.signature_value().unwrap().to_vec();
    sig[0] ^= 1;
    let info = i.signature_info().unwrap().unwrap();
    let mut params_tlv = bytes::BytesMut::new();
    ndn::tlv::put_tlv(
        &mut params_tlv,
        ndn::tlv::types::APPLICATION_PARAMETERS,
        &i.app_parameters().unwrap(),
    );
    info.encode_to(ndn::tlv::types::INTEREST_SIGNATURE_INFO, &mut params_tlv);
    ndn::tlv::put_tlv(
        &mut params_tlv,
        ndn::tlv::types::INTEREST_SIGNATURE_VALUE,
        &sig,
    );
    let digest = ndn::sign::sha256(&[&params_tlv]);
    let base = i.name().parent(1).append_parameters_digest(&digest);
    let mut value = bytes::BytesMut::new();
    base.encode_to(&mut value);
    ndn::tlv::put_tlv(&mut value, ndn::tlv::types::NONCE, &7u32.to_be_bytes());
    value.extend_from_slice(&params_tlv);
    let mut wire = bytes::BytesMut::new();
    ndn::tlv::put_tlv(&mut wire, ndn::tlv::types::INTEREST, &value);
    h.send(app, wire.freeze());
    let d = Data::decode(h.transmits()[0].packet.wire().clone()).unwrap();
    assert_eq!(
        ControlResponse::decode(d.content()).unwrap().status_code,
        403
    );
    assert!(h.fw.rib().is_empty());
}

#[test]
fn management_is_unreachable_from_non_local_faces() {
    let mut h = Harness::new();
    let remote = h.remote();
    h.send(remote, command("rib", "register", &params("/a"), 1));
    assert!(h.transmits().is_empty());
    assert!(h.fw.rib().is_empty());
}

#[test]
fn localhop_registration_only_when_enabled() {
    let mut h = Harness::new();
    let remote = h.remote();
    let hop = |nonce: u32| {
        let name = command_name(&ndn::mgmt::localhop_nfd(), "rib", "register", &params("/r"));
        sign_command_interest(
            &InterestBuilder::new(name).nonce(nonce),
            &DigestSha256,
            1,
            &[1],
        )
        .unwrap()
    };
    h.send(remote, hop(1));
    // no route to /localhop/nfd: NoRoute
    assert_eq!(
        nack_reason(&h.transmits()[0]),
        Some(ndn::lp::NackReason::NoRoute)
    );
    h.fw.set_localhop_registration(true);
    h.send(remote, hop(2));
    let d = Data::decode(h.transmits()[0].packet.wire().clone()).unwrap();
    let r = ControlResponse::decode(d.content()).unwrap();
    assert_eq!(r.status_code, 200);
    assert_eq!(r.body.unwrap().face_id, Some(remote.0));
}

#[test]
fn fib_commands_and_fib_dataset() {
    let mut h = Harness::new();
    let (app, up) = (h.local(), h.remote());
    let mut p = params("/f");
    p.face_id = Some(up.0);
    p.cost = Some(7);
    assert_eq!(
        run(&mut h, app, "fib", "add-nexthop", p.clone()).status_code,
        200
    );
    let mut missing = p.clone();
    missing.face_id = Some(9999);
    assert_eq!(
        run(&mut h, app, "fib", "add-nexthop", missing).status_code,
        410
    );
    let entries: Vec<FibEntry> = decode_dataset(dataset(&mut h, app, "fib", "list")).unwrap();
    let f = entries.iter().find(|e| e.name == name("/f")).unwrap();
    assert_eq!((f.next_hops[0].face_id, f.next_hops[0].cost), (up.0, 7));
    assert!(entries.iter().any(|e| e.name == localhost_nfd()));
    let r = run(&mut h, app, "fib", "remove-nexthop", p);
    assert_eq!(r.status_code, 200);
    let entries: Vec<FibEntry> = decode_dataset(dataset(&mut h, app, "fib", "list")).unwrap();
    assert!(!entries.iter().any(|e| e.name == name("/f")));
}

#[test]
fn rib_dataset_lists_routes() {
    let mut h = Harness::new();
    let app = h.local();
    let mut p = params("/r");
    p.cost = Some(3);
    p.expiration_period_ms = Some(60_000);
    run(&mut h, app, "rib", "register", p);
    let entries: Vec<RibEntry> = decode_dataset(dataset(&mut h, app, "rib", "list")).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].routes[0].cost, 3);
    assert_eq!(entries[0].routes[0].expiration_period_ms, Some(60_000));
    // the route expires
    h.advance(Duration::from_secs(61));
    assert!(h.fw.rib().is_empty());
    assert!(
        h.fw.fib()
            .get(&name("/r"), h.fw.name_hash(&name("/r")))
            .is_none()
    );
}

#[test]
fn strategy_choice_set_unset_list() {
    let mut h = Harness::new();
    let app = h.local();
    let mut p = params("/s");
    p.strategy = Some(name("/localhost/nfd/strategy/multicast"));
    let r = run(&mut h, app, "strategy-choice", "set", p.clone());
    assert_eq!(r.status_code, 200);
    assert_eq!(
        r.body.unwrap().strategy.unwrap().to_string(),
        "/localhost/nfd/strategy/multicast/v=4"
    );
    p.strategy = Some(name("/localhost/nfd/strategy/no-such"));
    assert_eq!(
        run(&mut h, app, "strategy-choice", "set", p.clone()).status_code,
        404
    );
    // parameters, as nfdc passes them: kept, and listed back in the instance name
    let tuned = "/localhost/nfd/strategy/asf/v=5/probing-interval~30000/max-timeouts~5";
    let mut q = params("/t");
    q.strategy = Some(name(tuned));
    let r = run(&mut h, app, "strategy-choice", "set", q.clone());
    assert_eq!(r.status_code, 200, "{r:?}");
    assert_eq!(r.body.unwrap().strategy.unwrap().to_string(), tuned);
    // parameters the strategy cannot take are refused, not ignored (NFD: 409)
    q.strategy = Some(name("/localhost/nfd/strategy/asf/v=5/probing-interval~10"));
    let r = run(&mut h, app, "strategy-choice", "set", q.clone());
    assert_eq!(r.status_code, 409);
    assert!(r.status_text.contains("probing-interval"), "{r:?}");
    q.strategy = Some(name(
        "/localhost/nfd/strategy/multicast/probing-interval~5000",
    ));
    assert_eq!(
        run(&mut h, app, "strategy-choice", "set", q).status_code,
        409
    );
    let list: Vec<StrategyChoice> =
        decode_dataset(dataset(&mut h, app, "strategy-choice", "list")).unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[2].name, name("/t"));
    assert_eq!(list[2].strategy.to_string(), tuned);
    assert_eq!(list[0].name, Name::new());
    assert_eq!(
        list[0].strategy.to_string(),
        "/localhost/nfd/strategy/best-route/v=5"
    );
    assert_eq!(
        run(&mut h, app, "strategy-choice", "unset", params("/s")).status_code,
        200
    );
    assert_eq!(
        run(&mut h, app, "strategy-choice", "unset", params("/")).status_code,
        400
    );
}

#[test]
fn faces_create_is_fulfilled_by_the_driver() {
    let mut h = Harness::new();
    let app = h.local();
    let p = ControlParameters {
        uri: Some("udp4://192.0.2.1:6363".into()),
        ..Default::default()
    };
    h.send(app, command("faces", "create", &p, 1));
    assert!(h.transmits().is_empty());
    let Some(Event::CreateFace(req)) = h.fw.poll_event() else {
        panic!("expected a face creation request");
    };
    assert_eq!(req.uri, "udp4://192.0.2.1:6363");
    let id = h.face(ndn_fw::FaceScope::NonLocal, ndn_fw::LinkType::PointToPoint);
    h.fw.complete_face_create(h.now, req.request, FaceCreateOutcome::Created(id));
    let ts = h.transmits();
    let d = Data::decode(ts[0].packet.wire().clone()).unwrap();
    let r = ControlResponse::decode(d.content()).unwrap();
    assert_eq!(r.status_code, 200);
    assert_eq!(r.body.unwrap().face_id, Some(id.0));
}

#[test]
fn faces_update_destroy_and_list() {
    let mut h = Harness::new();
    let app = h.local();
    let remote = h.remote();
    let mut p = ControlParameters {
        flags: Some(1),
        mask: Some(1),
        ..Default::default()
    };
    let r = run(&mut h, app, "faces", "update", p.clone());
    assert_eq!(r.status_code, 200);
    assert_eq!(r.body.unwrap().flags, Some(1));
    assert!(h.fw.faces().get(app).unwrap().info.local_fields_enabled);
    p.face_id = Some(remote.0);
    assert_eq!(run(&mut h, app, "faces", "update", p).status_code, 409);
    // an MTU only shrinks, and never below 64
    let mtu = |m| ControlParameters {
        face_id: Some(remote.0),
        mtu: Some(m),
        ..Default::default()
    };
    let r = run(&mut h, app, "faces", "update", mtu(63));
    assert_eq!(
        (r.status_code, r.status_text.as_str()),
        (409, "MTU cannot be less than 64")
    );
    assert_eq!(h.fw.faces().get(remote).unwrap().info.mtu, None);
    assert_eq!(
        run(&mut h, app, "faces", "update", mtu(1200)).status_code,
        200
    );
    assert_eq!(h.fw.faces().get(remote).unwrap().info.mtu, Some(1200));
    assert_eq!(
        run(&mut h, app, "faces", "update", mtu(9000)).status_code,
        200
    );
    assert_eq!(h.fw.faces().get(remote).unwrap().info.mtu, Some(1200));
    let create = ControlParameters {
        uri: Some("udp4://192.0.2.9:6363".into()),
        mtu: Some(10),
        ..Default::default()
    };
    assert_eq!(run(&mut h, app, "faces", "create", create).status_code, 406);
    // NDNLPv2 link reliability: on and off on a point-to-point face, reported in the flags
    let reliability = |face: FaceId, on: bool| ControlParameters {
        face_id: Some(face.0),
        flags: Some(if on { 2 } else { 0 }),
        mask: Some(2),
        ..Default::default()
    };
    let r = run(&mut h, app, "faces", "update", reliability(remote, true));
    assert_eq!(r.status_code, 200, "{r:?}");
    assert_eq!(r.body.unwrap().flags.unwrap() & 2, 2);
    assert!(
        h.fw.faces()
            .get(remote)
            .unwrap()
            .info
            .lp_reliability_enabled
    );
    let listed: Vec<FaceStatus> = decode_dataset(dataset(&mut h, app, "faces", "list")).unwrap();
    let status = listed.iter().find(|f| f.face_id == remote.0).unwrap();
    assert_eq!(status.flags & 2, 2);
    let r = run(&mut h, app, "faces", "update", reliability(remote, false));
    assert_eq!(r.status_code, 200);
    assert!(
        !h.fw
            .faces()
            .get(remote)
            .unwrap()
            .info
            .lp_reliability_enabled
    );
    // ... but not on a multi-access face, whose peers would acknowledge for one another
    let multicast = h.face(FaceScope::NonLocal, LinkType::MultiAccess);
    let r = run(&mut h, app, "faces", "update", reliability(multicast, true));
    assert_eq!(r.status_code, 409);
    assert!(r.status_text.contains("multi-access"), "{r:?}");
    assert!(
        !h.fw
            .faces()
            .get(multicast)
            .unwrap()
            .info
            .lp_reliability_enabled
    );
    assert_eq!(
        run(
            &mut h,
            app,
            "faces",
            "update",
            reliability(multicast, false)
        )
        .status_code,
        200
    );
    let d = ControlParameters {
        face_id: Some(multicast.0),
        ..Default::default()
    };
    assert_eq!(run(&mut h, app, "faces", "destroy", d).status_code, 200);
    assert_eq!(h.fw.poll_event(), Some(Event::DestroyFace(multicast)));
    let faces: Vec<FaceStatus> = decode_dataset(dataset(&mut h, app, "faces", "list")).unwrap();
    assert_eq!(faces.len(), 3, "internal, app, remote");
    let me = faces.iter().find(|f| f.face_id == app.0).unwrap();
    assert!(me.n_in_interests >= 2);
    let d = ControlParameters {
        face_id: Some(remote.0),
        ..Default::default()
    };
    assert_eq!(run(&mut h, app, "faces", "destroy", d).status_code, 200);
    assert!(!h.fw.faces().contains(remote));
    assert_eq!(h.fw.poll_event(), Some(Event::DestroyFace(remote)));
}

#[test]
fn cs_commands_and_status_datasets() {
    let mut h = Harness::new();
    let (app, up) = (h.local(), h.remote());
    h.route("/c", up, 0);
    for i in 0..3 {
        h.send(app, interest(&format!("/c/{i}"), i).encode());
        h.send(up, signed(data(&format!("/c/{i}"))));
    }
    h.transmits();
    assert_eq!(h.fw.cs().len(), 3);
    let mut p = params("/c");
    p.count = Some(2);
    let r = run(&mut h, app, "cs", "erase", p);
    assert_eq!(r.body.unwrap().count, Some(2));
    assert_eq!(h.fw.cs().len(), 1);
    let c = ControlParameters {
        capacity: Some(100),
        flags: Some(0),
        mask: Some(1),
        ..Default::default()
    };
    let r = run(&mut h, app, "cs", "config", c);
    let body = r.body.unwrap();
    assert_eq!(
        (body.capacity, body.flags),
        (Some(100), Some(2)),
        "admit off, serve on"
    );
    let info = ndn::mgmt::CsInfo::decode(dataset(&mut h, app, "cs", "info")).unwrap();
    assert_eq!((info.capacity, info.n_entries), (100, 1));
    let general = GeneralStatus::decode(dataset(&mut h, app, "status", "general")).unwrap();
    assert!(general.nfd_version.starts_with("ndn-rs"));
    assert!(general.n_in_interests >= 3);
    assert_eq!(general.n_cs_entries, 1);
}

#[test]
fn face_events_are_published() {
    let mut h = Harness::new();
    let app = h.local();
    let events = localhost_nfd()
        .append_generic("faces")
        .append_generic("events");
    // the next notification is seq=2 (seq=1 announced the app face itself)
    h.send(
        app,
        InterestBuilder::new(events.append_sequence_num(2))
            .nonce(1)
            .encode(),
    );
    assert!(h.transmits().is_empty(), "waits for the event");
    let new_face = h.remote();
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "data")]);
    let d = Data::decode(ts[0].packet.wire().clone()).unwrap();
    let n = ndn::mgmt::FaceEventNotification::decode(d.content()).unwrap();
    assert_eq!(n.face_id, new_face.0);
    assert_eq!(n.kind, ndn::mgmt::FaceEventKind::Created);
    // an earlier one is still available
    h.send(
        app,
        InterestBuilder::new(events.append_sequence_num(1))
            .nonce(2)
            .encode(),
    );
    assert!(matches!(h.transmits()[0].packet, OutPacket::Data(_)));
}

/// NFD's `authorizations`: once configured, a module's commands run only for a signer granted
/// it: a key whose signature verifies and whose timestamps increase, or anyone (`certfile any`)
/// for the modules granted to anyone. `rib` stays open, as in NFD.
#[test]
fn authorized_signers_alone_run_the_modules_they_were_granted() {
    use ndn::packet::KeyLocator;
    use ndn::sign::{KeyType, PrivateKey, Signer};
    use ndn_fw::{Authorization, AuthorizedKey};
    let mut h = Harness::new();
    let app = h.local();
    // the forwarder's wall clock: 1_700_000_000_000 ms now
    h.fw.set_wall_clock(1_700_000_000_000 - h.now.as_millis() as u64, Duration::ZERO);
    let key_name = Name::from_uri("/admin/KEY/k1").unwrap();
    let admin = PrivateKey::from_seed(KeyType::Ed25519, &[5; 32])
        .unwrap()
        .with_key_locator(Some(KeyLocator::Name(key_name.append_generic("self"))));
    let intruder = PrivateKey::from_seed(KeyType::Ed25519, &[6; 32])
        .unwrap()
        .with_key_locator(Some(KeyLocator::Name(key_name.clone())));
    let grant = |modules: &[&str]| modules.iter().map(|m| (*m).to_owned()).collect();
    h.fw.set_authorizations(Some(vec![
        Authorization {
            signer: Some(AuthorizedKey {
                name: key_name.clone(),
                key: admin.public_key(),
            }),
            privileges: grant(&["fib", "strategy-choice"]),
        },
        Authorization {
            signer: None,
            privileges: grant(&["cs"]),
        },
    ]));
    let send = |h: &mut Harness,
                signer: &dyn Signer,
                module: &str,
                verb: &str,
                p: ControlParameters,
                ts: u64| {
        let name = command_name(&localhost_nfd(), module, verb, &p);
        let nonce = rand_nonce(h);
        let wire = sign_command_interest(
            &InterestBuilder::new(name).nonce(nonce),
            signer,
            ts,
            &nonce.to_be_bytes(),
        )
        .unwrap();
        h.send(app, wire);
        let ts = h.transmits();
        let data = Data::decode(ts[0].packet.wire().clone()).unwrap();
        ControlResponse::decode(data.content()).unwrap()
    };
    let now = 1_700_000_000_000;
    let mut nh = params("/x");
    nh.face_id = Some(app.0);
    // the admin's key, within the grace period, timestamps increasing
    let r = send(&mut h, &admin, "fib", "add-nexthop", nh.clone(), now);
    assert_eq!(r.status_code, 200, "{r:?}");
    assert_eq!(
        send(&mut h, &admin, "fib", "add-nexthop", nh.clone(), now + 1).status_code,
        200
    );
    // a replayed (or reordered) timestamp, a timestamp far off, another key, a module not granted
    let refused = [
        send(&mut h, &admin, "fib", "add-nexthop", nh.clone(), now + 1),
        send(
            &mut h,
            &admin,
            "fib",
            "add-nexthop",
            nh.clone(),
            now + 3_600_000,
        ),
        send(&mut h, &intruder, "fib", "add-nexthop", nh.clone(), now + 2),
        send(
            &mut h,
            &admin,
            "faces",
            "update",
            ControlParameters::default(),
            now + 3,
        ),
        send(
            &mut h,
            &DigestSha256,
            "fib",
            "add-nexthop",
            nh.clone(),
            now + 4,
        ),
    ];
    for r in &refused {
        assert_eq!(r.status_code, 403, "{r:?}");
    }
    // anyone may use the content store's commands, and rib is not governed
    assert_eq!(
        send(
            &mut h,
            &DigestSha256,
            "cs",
            "config",
            ControlParameters::default(),
            0
        )
        .status_code,
        200
    );
    assert_eq!(
        send(&mut h, &intruder, "rib", "register", params("/y"), 0).status_code,
        200
    );
    // back to the default: every command from a local application
    h.fw.set_authorizations(None);
    assert_eq!(
        send(
            &mut h,
            &DigestSha256,
            "faces",
            "update",
            ControlParameters::default(),
            0
        )
        .status_code,
        200
    );
}
