//! Management over a local face, datasets with real counters, and the metrics endpoint.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use ndn::InterestBuilder;
use ndn::mgmt::{ControlParameters, FaceStatus, GeneralStatus, decode_dataset, localhost_nfd};

#[tokio::test]
async fn face_dataset_shows_uris_and_counters() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/p").await;
    let _s = serve(producer, vec![1; 100]);
    let mut udp = d.udp().await;
    let mut sent_bytes = 0;
    for i in 0..3 {
        let wire = interest(&format!("/p/{i}"));
        sent_bytes += wire.len() as u64;
        udp.send(&wire).await;
        udp.recv().await.unwrap().data();
    }
    let mut admin = d.unix().await;
    let faces: Vec<FaceStatus> =
        decode_dataset(dataset(&mut admin, "faces", "list").await).unwrap();
    let udp_face = faces
        .iter()
        .find(|f| f.uri.starts_with("udp4://127.0.0.1:"))
        .unwrap();
    assert_eq!(udp_face.n_in_interests, 3);
    assert_eq!(udp_face.n_out_data, 3);
    // link byte counts as of the request, not as of the last periodic copy
    assert_eq!(udp_face.n_in_bytes, sent_bytes);
    assert!(udp_face.n_out_bytes >= 100, "{}", udp_face.n_out_bytes);
    assert!(udp_face.local_uri.starts_with("udp4://127.0.0.1:"));
    let unix_faces = faces.iter().filter(|f| f.uri.starts_with("fd://")).count();
    assert_eq!(unix_faces, 2);
    let general = GeneralStatus::decode(dataset(&mut admin, "status", "general").await).unwrap();
    assert!(general.nfd_version.starts_with("ndn-rs"));
    assert!(general.current_timestamp_ms >= general.start_timestamp_ms);
    assert!(general.n_in_interests >= 3);
    d.stop().await;
}

#[tokio::test]
async fn faces_create_and_destroy_through_management() {
    let peer = TestDaemon::start().await;
    let d = TestDaemon::start().await;
    let mut admin = d.unix().await;
    let uri = peer.daemon.channel("udp4").unwrap().to_owned();
    let p = ControlParameters {
        uri: Some(uri.clone()),
        ..Default::default()
    };
    let r = admin.command("faces", "create", &p).await;
    assert_eq!(r.status_code, 200, "{r:?}");
    let body = r.body.unwrap();
    assert_eq!(body.uri.as_deref(), Some(uri.as_str()));
    let id = body.face_id.unwrap();
    // again: conflict with the same face
    let r = admin.command("faces", "create", &p).await;
    assert_eq!(r.status_code, 409);
    assert_eq!(r.body.unwrap().face_id, Some(id));
    // a TCP face too
    let tcp_uri = peer.daemon.channel("tcp4").unwrap().to_owned();
    let r = admin
        .command(
            "faces",
            "create",
            &ControlParameters {
                uri: Some(tcp_uri),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 200, "{r:?}");
    // unsupported scheme
    let r = admin
        .command(
            "faces",
            "create",
            &ControlParameters {
                uri: Some("unix:///tmp/x.sock".into()),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 406);
    // route through the created face and fetch from the peer's producer
    let mut producer = peer.unix().await;
    producer.register("/remote").await;
    let _s = serve(producer, b"far".to_vec());
    let r = admin
        .command(
            "rib",
            "register",
            &ControlParameters {
                name: Some(name("/remote")),
                face_id: Some(id),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 200);
    let mut consumer = d.unix().await;
    consumer.send(&interest("/remote/x")).await;
    assert_eq!(&consumer.recv().await.unwrap().data().content()[..], b"far");
    let r = admin
        .command(
            "faces",
            "destroy",
            &ControlParameters {
                face_id: Some(id),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 200);
    let faces: Vec<FaceStatus> =
        decode_dataset(dataset(&mut admin, "faces", "list").await).unwrap();
    assert!(faces.iter().all(|f| f.face_id != id));
    d.stop().await;
    peer.stop().await;
}

#[tokio::test]
async fn metrics_endpoint_reports_counters() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/m").await;
    let _s = serve(producer, vec![0; 10]);
    let mut udp = d.udp().await;
    udp.send(&interest("/m/1")).await;
    udp.recv().await.unwrap().data();
    udp.send(&interest("/nope/1")).await;
    udp.recv().await.unwrap();
    let text = d.metrics().await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.contains("ndnd_packets_total{direction=\"in\",type=\"interest\"}"),
        "{text}"
    );
    assert!(
        text.contains("ndnd_nacks_total{direction=\"out\",reason=\"no_route\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("ndnd_interests_total{outcome=\"satisfied\"} "),
        "{text}"
    );
    assert!(text.contains("ndnd_face_bytes_total{"), "{text}");
    assert!(text.contains("ndnd_pit_entries "), "{text}");
    assert!(text.contains("ndnd_cs_entries 1"), "{text}");
    d.stop().await;
}

/// A daemon whose UDP faces close after 200 ms idle, with one on-demand UDP face (made by an
/// Interest for `name`, answered), and a local client to manage it.
async fn daemon_with_an_on_demand_udp_face(name: &str) -> (TestDaemon, Client) {
    let d = TestDaemon::start_with(|c| {
        c.faces.udp_idle_timeout = std::time::Duration::from_millis(200)
    })
    .await;
    let mut udp = d.udp().await;
    udp.send(&interest(name)).await;
    udp.recv().await.unwrap();
    let admin = d.unix().await;
    (d, admin)
}

/// Wait (at most 3 s) until the daemon lists no UDP unicast face: the idle timeout is the
/// behaviour under test, so the test waits it out and looks again.
async fn wait_until_no_udp_face(admin: &mut Client) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let faces: Vec<FaceStatus> = decode_dataset(dataset(admin, "faces", "list").await).unwrap();
        if !faces.iter().any(|f| f.uri.starts_with("udp4://")) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "UDP face still open"
        );
    }
}

#[tokio::test]
async fn idle_on_demand_udp_faces_are_closed() {
    let (d, mut admin) = daemon_with_an_on_demand_udp_face("/idle/x").await;
    let count_udp = |faces: Vec<FaceStatus>| {
        faces
            .iter()
            .filter(|f| f.uri.starts_with("udp4://"))
            .count()
    };
    assert_eq!(
        count_udp(decode_dataset(dataset(&mut admin, "faces", "list").await).unwrap()),
        1
    );
    wait_until_no_udp_face(&mut admin).await;
    d.stop().await;
}

#[tokio::test]
async fn an_on_demand_udp_face_made_persistent_by_faces_update_stays_open_when_idle() {
    let (d, mut admin) = daemon_with_an_on_demand_udp_face("/keep/x").await;
    let udp_face =
        |faces: Vec<FaceStatus>| faces.into_iter().find(|f| f.uri.starts_with("udp4://"));
    let face = udp_face(decode_dataset(dataset(&mut admin, "faces", "list").await).unwrap())
        .expect("an on-demand UDP face");
    assert_eq!(face.face_persistency, ndn::mgmt::FacePersistency::OnDemand);
    let update = |p| ControlParameters {
        face_id: Some(face.face_id),
        face_persistency: Some(p),
        ..Default::default()
    };
    let r = admin
        .command(
            "faces",
            "update",
            &update(ndn::mgmt::FacePersistency::Persistent),
        )
        .await;
    assert_eq!(r.status_code, 200, "{r:?}");
    // five idle timeouts later the face is still there: the channel follows the core
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let kept = udp_face(decode_dataset(dataset(&mut admin, "faces", "list").await).unwrap())
        .expect("the persistent face was closed as idle");
    assert_eq!(
        kept.face_persistency,
        ndn::mgmt::FacePersistency::Persistent
    );
    // made on-demand again, it goes when idle
    let r = admin
        .command(
            "faces",
            "update",
            &update(ndn::mgmt::FacePersistency::OnDemand),
        )
        .await;
    assert_eq!(r.status_code, 200, "{r:?}");
    wait_until_no_udp_face(&mut admin).await;
    d.stop().await;
}

#[tokio::test]
async fn a_persistent_tcp_face_reconnects_to_a_restarted_peer() {
    let peer = TestDaemon::start().await;
    let tcp = peer.daemon.channel("tcp4").unwrap().to_owned();
    let d = TestDaemon::start().await;
    let mut admin = d.unix().await;
    let r = admin
        .command(
            "faces",
            "create",
            &ControlParameters {
                uri: Some(tcp.clone()),
                face_persistency: Some(ndn::mgmt::FacePersistency::Persistent),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 200, "{r:?}");
    let id = r.body.unwrap().face_id.unwrap();
    let route = ControlParameters {
        name: Some(name("/back")),
        face_id: Some(id),
        ..Default::default()
    };
    assert_eq!(
        admin.command("rib", "register", &route).await.status_code,
        200
    );
    // the peer goes away and comes back on the same port
    peer.stop().await;
    let peer = TestDaemon::start_with(|c| {
        c.listen = vec![tcp.clone()];
    })
    .await;
    let mut producer = Client::Tcp(
        tokio::net::TcpStream::connect(peer.addr("tcp4"))
            .await
            .unwrap(),
        Default::default(),
    );
    producer.register("/back").await;
    let _s = serve(producer, b"again".to_vec());
    // the face keeps its id and reconnects with back-off (first retry after 1 s)
    let mut consumer = d.unix().await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        consumer.send(&interest("/back/x")).await;
        match consumer
            .recv_within(std::time::Duration::from_millis(500))
            .await
        {
            Some(Received::Data(data)) => {
                assert_eq!(&data.content()[..], b"again");
                break;
            }
            _ => assert!(tokio::time::Instant::now() < deadline, "no reconnection"),
        }
    }
    let faces: Vec<FaceStatus> =
        decode_dataset(dataset(&mut admin, "faces", "list").await).unwrap();
    assert!(
        faces.iter().any(|f| f.face_id == id),
        "same face id after reconnecting"
    );
    d.stop().await;
    peer.stop().await;
}

/// `[[mgmt.authorize]]` with a certificate file: fib commands run only when its key signs
/// them; the DigestSha256 commands every other test sends are refused, and rib stays open.
#[tokio::test]
async fn commands_of_an_authorized_module_need_the_authorized_key() {
    use ndn::keychain::Certificate;
    use ndn::mgmt::{ControlResponse, Record, command_name, sign_command_interest};
    use ndn::packet::{KeyLocator, ValidityPeriod};
    use ndn::sign::{KeyType, PrivateKey};
    let dir = tempfile::tempdir().unwrap();
    let key = PrivateKey::from_seed(KeyType::Ed25519, &[9; 32]).unwrap();
    let key_name = name("/ops/KEY/k1");
    let validity = ValidityPeriod {
        not_before: 0,
        not_after: 4_000_000_000,
    };
    let cert = Certificate::self_signed(&key, &key_name, validity, 1).unwrap();
    let cert_file = dir.path().join("ops.ndncert");
    std::fs::write(&cert_file, cert.to_base64()).unwrap();
    let path = cert_file.display().to_string();
    let d = TestDaemon::start_with(move |c| {
        c.mgmt.authorize = vec![ndnd::config::AuthorizeConfig {
            certificate: path,
            privileges: vec!["fib".into()],
        }]
    })
    .await;
    let mut admin = d.unix().await;
    let mut p = ControlParameters::with_name(name("/ops"));
    p.face_id = Some(1);
    let refused = admin.command("fib", "add-nexthop", &p).await;
    assert_eq!(refused.status_code, 403, "{refused:?}");
    let signer = key.with_key_locator(Some(KeyLocator::Name(cert.name().clone())));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let wire = sign_command_interest(
        &InterestBuilder::new(command_name(&localhost_nfd(), "fib", "add-nexthop", &p))
            .nonce(rand_u32()),
        &signer,
        now_ms,
        &rand_u32().to_be_bytes(),
    )
    .unwrap();
    admin.send(&wire).await;
    let data = admin.recv().await.unwrap().data();
    let accepted = ControlResponse::decode(data.content()).unwrap();
    assert_eq!(accepted.status_code, 200, "{accepted:?}");
    admin.register("/ops/app").await;
    d.stop().await;
}
