//! UDP multicast faces between two daemons on the loopback interface.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use ndn::mgmt::{ControlParameters, FaceStatus, LinkType, decode_dataset};

async fn multicast_face(client: &mut Client) -> u64 {
    multicast_face_of_type(client, LinkType::MultiAccess).await
}

async fn multicast_face_of_type(client: &mut Client, link_type: LinkType) -> u64 {
    let faces: Vec<FaceStatus> = decode_dataset(dataset(client, "faces", "list").await).unwrap();
    let f = faces
        .iter()
        .find(|f| f.link_type == link_type)
        .expect("a multicast face");
    assert!(f.uri.starts_with("udp4://224.0.23.170:"));
    f.face_id
}

#[tokio::test]
async fn two_daemons_exchange_over_loopback_multicast() {
    // a group port of our own, so a forwarder running on this host is not disturbed
    let port = 40_000 + (std::process::id() % 20_000) as u16;
    let group = format!("224.0.23.170:{port}");
    let setup = |c: &mut ndnd::Config| {
        c.faces.multicast = true;
        c.faces.multicast_group = group.clone();
        c.faces.multicast_interfaces = vec!["127.0.0.1".into()];
    };
    let a = TestDaemon::start_with(setup).await;
    let b = TestDaemon::start_with(setup).await;
    let mut producer = b.unix().await;
    producer.register("/mc").await;
    let served = serve(producer, b"over multicast".to_vec());
    let mut admin_b = b.unix().await;
    multicast_face(&mut admin_b).await;
    let mut admin_a = a.unix().await;
    let ma = multicast_face(&mut admin_a).await;
    let r = admin_a
        .command(
            "fib",
            "add-nexthop",
            &ControlParameters {
                name: Some(name("/mc")),
                face_id: Some(ma),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 200);
    let mut consumer = a.unix().await;
    consumer.send(&interest("/mc/x")).await;
    let data = consumer.recv().await.unwrap().data();
    assert_eq!(&data.content()[..], b"over multicast");
    a.stop().await;
    b.stop().await;
    assert_eq!(served.await.unwrap(), 1);
}

#[tokio::test]
async fn multicast_ad_hoc_makes_the_multicast_face_ad_hoc() {
    let port = 40_000 + (std::process::id() % 20_000) as u16 + 1;
    let d = TestDaemon::start_with(|c| {
        c.faces.multicast = true;
        c.faces.multicast_group = format!("224.0.23.170:{port}");
        c.faces.multicast_interfaces = vec!["127.0.0.1".into()];
        c.faces.multicast_ad_hoc = true;
    })
    .await;
    let mut admin = d.unix().await;
    multicast_face_of_type(&mut admin, LinkType::AdHoc).await;
    d.stop().await;
}
