//! Interest/Data through a daemon over every transport, on loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use ndn::lp::NackReason;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn unix_producer_serves_udp_tcp_and_unix_consumers() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/app").await;
    let served = serve(producer, b"hello".to_vec());

    let mut udp = d.udp().await;
    udp.send(&interest("/app/udp")).await;
    assert_eq!(&udp.recv().await.unwrap().data().content()[..], b"hello");

    let mut tcp = d.tcp().await;
    tcp.send(&interest("/app/tcp")).await;
    assert_eq!(tcp.recv().await.unwrap().data().name(), &name("/app/tcp"));

    let mut unix = d.unix().await;
    unix.send(&interest("/app/unix")).await;
    assert_eq!(unix.recv().await.unwrap().data().name(), &name("/app/unix"));

    // the same name again comes from the content store
    let mut udp2 = d.udp().await;
    udp2.send(&interest("/app/udp")).await;
    udp2.recv().await.unwrap().data();
    d.stop().await;
    assert_eq!(served.await.unwrap(), 3);
}

#[tokio::test]
async fn websocket_consumer() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/ws").await;
    let _served = serve(producer, b"browser".to_vec());
    let url = format!("ws://{}/", d.addr("ws"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    ws.send(Message::Binary(interest("/ws/page")))
        .await
        .unwrap();
    let reply = tokio::time::timeout(TIMEOUT, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Message::Binary(b) = reply else {
        panic!("expected a binary message")
    };
    let data = ndn::Data::decode(b).unwrap();
    assert_eq!(&data.content()[..], b"browser");
    d.stop().await;
}

/// NDNLPv2 PitToken: NDNts (over WebSocket) tags each Interest and matches the answer by it.
#[tokio::test]
async fn websocket_consumer_gets_its_pit_tokens_back() {
    use ndn::lp::LpPacket;
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/ws").await;
    let _served = serve(producer, b"browser".to_vec());
    let url = format!("ws://{}/", d.addr("ws"));
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    // from the producer, again from the content store, and a Nack NoRoute
    for (uri, token) in [("/ws/page", "t1"), ("/ws/page", "t2"), ("/nowhere", "t3")] {
        let mut lp = LpPacket::from_fragment(interest(uri));
        lp.pit_token = Some(bytes::Bytes::from(token));
        ws.send(Message::Binary(lp.to_link_wire())).await.unwrap();
        let reply = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let Message::Binary(b) = reply else {
            panic!("expected a binary message")
        };
        let lp = LpPacket::decode(b).unwrap();
        assert_eq!(lp.pit_token.as_deref(), Some(token.as_bytes()), "{uri}");
        assert_eq!(lp.nack.is_some(), uri == "/nowhere");
    }
    d.stop().await;
}

/// A CongestionMark set upstream (here by the producer) reaches the consumer through the
/// daemon, as through NFD, so that a consumer reacts to congestion anywhere on the path.
#[tokio::test]
async fn a_congestion_mark_crosses_the_daemon_to_the_consumer() {
    use ndn::lp::LpPacket;
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/busy").await;
    let mut consumer = d.udp().await;
    consumer.send(&interest("/busy/1")).await;
    let i = producer.recv().await.unwrap().interest();
    let mut lp = LpPacket::from_fragment(data_for(i.name(), b"slow down"));
    lp.congestion_mark = Some(1);
    producer.send(&lp.to_link_wire()).await;
    let frame = next_frame(&mut consumer).await;
    let lp = LpPacket::decode(frame).unwrap();
    assert_eq!(lp.congestion_mark, Some(1));
    assert_eq!(
        ndn::Data::decode(lp.fragment.unwrap()).unwrap().name(),
        &name("/busy/1")
    );
    d.stop().await;
}

#[tokio::test]
async fn no_route_gives_a_nack_to_the_consumer() {
    let d = TestDaemon::start().await;
    let mut udp = d.udp().await;
    udp.send(&interest("/nobody/home")).await;
    match udp.recv().await.unwrap() {
        Received::Nack(reason, i) => {
            assert_eq!(reason, NackReason::NoRoute);
            assert_eq!(i.name(), &name("/nobody/home"));
        }
        other => panic!("expected a Nack, got {other:?}"),
    }
    d.stop().await;
}

#[tokio::test]
async fn two_daemons_fragment_an_8800_byte_data_over_udp_with_mtu_1400_and_cache_it() {
    let b = TestDaemon::start_with(|c| c.faces.udp_mtu = 1400).await;
    let b_udp = b.daemon.channel("udp4").unwrap().to_owned();
    let a = TestDaemon::start_with(|c| {
        c.faces.udp_mtu = 1400;
        c.routes.push(ndnd::config::RouteConfig {
            prefix: "/big".into(),
            face: b_udp.clone(),
            cost: 0,
        });
    })
    .await;
    let mut producer = b.unix().await;
    producer.register("/big").await;
    let content = vec![0xAB; 8500];
    let served = serve(producer, content.clone());
    let mut consumer = a.unix().await;
    consumer.send(&interest("/big/file")).await;
    let data = consumer.recv().await.unwrap().data();
    assert!(data.wire().len() > 8500);
    assert_eq!(&data.content()[..], &content[..]);
    // a second consumer on the first daemon is answered by its cache (over UDP, fragmented)
    let mut again = a.udp().await;
    again.send(&interest("/big/file")).await;
    assert_eq!(again.recv().await.unwrap().data().content().len(), 8500);
    a.stop().await;
    b.stop().await;
    assert_eq!(served.await.unwrap(), 1);
}

#[tokio::test]
async fn ipv6_loopback_faces_work() {
    let d = TestDaemon::start_with(|c| {
        c.listen.push("udp6://[::1]:0".into());
        c.listen.push("tcp6://[::1]:0".into());
    })
    .await;
    let mut producer = d.unix().await;
    producer.register("/six").await;
    let _served = serve(producer, b"v6".to_vec());
    let s = tokio::net::UdpSocket::bind("[::1]:0").await.unwrap();
    s.connect(d.addr("udp6")).await.unwrap();
    let mut udp = Client::Udp(s, Default::default());
    udp.send(&interest("/six/a")).await;
    assert_eq!(&udp.recv().await.unwrap().data().content()[..], b"v6");
    let mut tcp = Client::Tcp(
        tokio::net::TcpStream::connect(d.addr("tcp6"))
            .await
            .unwrap(),
        Default::default(),
    );
    tcp.send(&interest("/six/b")).await;
    assert_eq!(&tcp.recv().await.unwrap().data().content()[..], b"v6");
    d.stop().await;
}

#[tokio::test]
async fn local_fields_carry_incoming_face_id_and_next_hop_face_id() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/lf").await;
    let _s = serve(producer, b"local".to_vec());
    let mut app = d.unix().await;
    // enable local fields on the app's own face (FaceId 0 = this face)
    let r = app
        .command(
            "faces",
            "update",
            &ndn::mgmt::ControlParameters {
                flags: Some(ndn::mgmt::face_flags::LOCAL_FIELDS_ENABLED),
                mask: Some(ndn::mgmt::face_flags::LOCAL_FIELDS_ENABLED),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(r.status_code, 200);
    app.send(&interest("/lf/a")).await;
    let frame = app.next_frame().await.unwrap();
    let lp = ndn::lp::LpPacket::decode(frame).unwrap();
    let producer_face = lp
        .incoming_face_id
        .expect("IncomingFaceId on a local face with local fields");
    assert!(producer_face >= 256);
    assert!(ndn::Data::decode(lp.fragment.unwrap()).is_ok());
    // NextHopFaceId from the app chooses the next hop: ask for a name nobody routes, through the
    // producer's face, and the producer answers it
    let nh = ndn::lp::LpPacket {
        next_hop_face_id: Some(producer_face),
        fragment: Some(interest("/unrouted/b")),
        ..Default::default()
    };
    app.send(&nh.encode()).await;
    let frame = app.next_frame().await.unwrap();
    let lp = ndn::lp::LpPacket::decode(frame).unwrap();
    let data = ndn::Data::decode(lp.fragment.unwrap()).unwrap();
    assert_eq!(data.name(), &name("/unrouted/b"));
    d.stop().await;
}

#[tokio::test]
async fn a_udp_burst_in_gso_runs_is_forwarded_whole_and_answered_in_runs() {
    use ndn::app::udp_batch::{BatchSocket, RecvBuffers};
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/burst").await;
    let served = serve(producer, b"x".repeat(100));

    // 300 Interests of one size leave in GSO runs; the daemon reads them coalesced (GRO)
    let consumer =
        BatchSocket::new(tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap()).unwrap();
    let names: Vec<String> = (0..300).map(|i| format!("/burst/{i:03}")).collect();
    let wires: Vec<_> = names.iter().map(|n| interest(n)).collect();
    assert!(wires.iter().all(|w| w.len() == wires[0].len()));
    consumer
        .send_to(d.addr("udp4"), &wires, &mut Vec::new())
        .await;

    let mut bufs = RecvBuffers::default();
    let mut got = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < names.len() {
        tokio::time::timeout(TIMEOUT, consumer.recv(&mut bufs, &mut got))
            .await
            .expect("every Interest is answered")
            .unwrap();
        for (frame, _) in got.drain(..) {
            let lp = ndn::lp::LpPacket::decode(frame).unwrap();
            let data = ndn::Data::decode(lp.fragment.unwrap()).unwrap();
            assert!(seen.insert(data.name().to_string()), "one Data per name");
        }
    }
    let want: std::collections::BTreeSet<_> = names.into_iter().collect();
    assert_eq!(seen, want);
    d.stop().await;
    assert_eq!(served.await.unwrap(), 300);
}

/// A peer with NDNLPv2 link reliability on (as NFD's `reliability on`) numbers its frames with
/// TxSequence and sends each again until it is acknowledged: the daemon acknowledges them all,
/// on a face towards a producer as on one towards a consumer.
#[tokio::test]
async fn frames_with_tx_sequence_are_acknowledged() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/rel").await;
    let _served = serve(producer, b"reliable".to_vec());
    let mut udp = d.udp().await;
    let mut acked = Vec::new();
    let mut data = 0;
    for (i, seq) in [(0u32, 1000u64), (1, 1001), (2, 1002)] {
        let frame = ndn::lp::LpPacket {
            tx_sequence: Some(seq),
            fragment: Some(interest(&format!("/rel/{i}"))),
            ..Default::default()
        }
        .encode();
        udp.send(&frame).await;
        // the Data, and an IDLE LpPacket with the Ack, in either order
        while data <= i as usize || !acked.contains(&seq) {
            let f = tokio::time::timeout(TIMEOUT, udp.next_frame())
                .await
                .expect("no answer in time")
                .unwrap();
            let lp = ndn::lp::LpPacket::decode(f).unwrap();
            acked.extend(lp.acks.iter().copied());
            if lp.fragment.is_some_and(|f| f.first() == Some(&0x06)) {
                data += 1;
            }
        }
    }
    assert_eq!(acked, vec![1000, 1001, 1002]);
    assert_eq!(data, 3);
    // the first of two fragments: the packet is not whole, its Ack is due all the same (the
    // peer resends what it has no Ack for, and would give up on the packet)
    let first_half = ndn::lp::LpPacket {
        tx_sequence: Some(2000),
        sequence: Some(50),
        frag_index: Some(0),
        frag_count: Some(2),
        fragment: Some(interest("/rel/split").slice(..6)),
        ..Default::default()
    }
    .encode();
    udp.send(&first_half).await;
    let f = tokio::time::timeout(TIMEOUT, udp.next_frame())
        .await
        .expect("no Ack in time")
        .unwrap();
    assert_eq!(ndn::lp::LpPacket::decode(f).unwrap().acks, vec![2000]);
    d.stop().await;
}

/// The next frame, within `TIMEOUT`.
async fn next_frame(c: &mut Client) -> bytes::Bytes {
    tokio::time::timeout(TIMEOUT, c.next_frame())
        .await
        .expect("a frame in time")
        .expect("the connection is open")
}

/// Sum of the metric lines that start with `prefix` and contain `label`.
fn metric_sum(text: &str, prefix: &str, label: &str) -> u64 {
    text.lines()
        .filter(|l| l.starts_with(prefix) && l.contains(label))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum()
}

/// With NDNLPv2 reliability turned on by management (`nfdc face update ... reliability on`),
/// the daemon numbers its frames with TxSequence and sends again, under a new TxSequence, a
/// frame the peer does not acknowledge; an acknowledged frame is not sent again.
#[tokio::test]
async fn a_reliable_face_sends_again_what_its_peer_does_not_acknowledge() {
    use ndn::mgmt::{ControlParameters, face_flags};
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/rel").await;
    let _served = serve(producer, b"numbered".to_vec());
    let mut udp = d.udp().await;
    udp.send(&interest("/rel/hello")).await;
    udp.recv().await.unwrap().data();
    let Client::Udp(socket, _) = &udp else {
        unreachable!()
    };
    let uri = format!("udp4://{}", socket.local_addr().unwrap());
    // the face exists: faces/create answers 409 with its id, then faces/update turns it on
    let mut mgmt = d.unix().await;
    let exists = ControlParameters {
        uri: Some(uri),
        ..Default::default()
    };
    let r = mgmt.command("faces", "create", &exists).await;
    assert_eq!(r.status_code, 409, "{r:?}");
    let face = r.body.unwrap().face_id.unwrap();
    let on = ControlParameters {
        face_id: Some(face),
        flags: Some(face_flags::LP_RELIABILITY_ENABLED),
        mask: Some(face_flags::LP_RELIABILITY_ENABLED),
        ..Default::default()
    };
    let r = mgmt.command("faces", "update", &on).await;
    assert_eq!(r.status_code, 200, "{r:?}");

    let frame = |f: bytes::Bytes| {
        let lp = ndn::lp::LpPacket::decode(f).unwrap();
        let data = ndn::Data::decode(lp.fragment.unwrap()).unwrap();
        (lp.tx_sequence.expect("a TxSequence"), data.name().clone())
    };
    udp.send(&interest("/rel/a")).await;
    let (first, got) = frame(next_frame(&mut udp).await);
    assert_eq!(got, name("/rel/a"));
    // no Ack: after the retransmission timeout (1 s before any RTT sample) it comes again
    let (again, got) = frame(next_frame(&mut udp).await);
    assert_eq!(got, name("/rel/a"));
    assert_ne!(again, first, "a retransmission takes a new TxSequence");
    let ack = |seqs: Vec<u64>| {
        ndn::lp::LpPacket {
            acks: seqs,
            ..Default::default()
        }
        .encode()
    };
    udp.send(&ack(vec![again])).await;
    udp.send(&interest("/rel/b")).await;
    let (third, got) = frame(next_frame(&mut udp).await);
    assert_eq!(got, name("/rel/b"));
    assert!(third > again);
    udp.send(&ack(vec![third])).await;
    // both acknowledged: the link stays quiet past the retransmission timeout
    let quiet =
        tokio::time::timeout(std::time::Duration::from_millis(1500), udp.next_frame()).await;
    assert!(quiet.is_err(), "sent again after its Ack: {quiet:?}");
    let text = d.metrics().await;
    let face_label = format!("face=\"{face}\"");
    let lp = "ndnd_face_lp_frames_total{";
    assert_eq!(
        metric_sum(&text, lp, "event=\"retransmitted\""),
        1,
        "{text}"
    );
    assert_eq!(metric_sum(&text, lp, "event=\"acknowledged\""), 2, "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with(lp) && l.contains(&face_label)),
        "{text}"
    );
    d.stop().await;
}

#[tokio::test]
async fn self_learning_daemons_find_a_producer_without_routes_and_learn_the_way() {
    let self_learning =
        |c: &mut ndnd::Config| c.forwarder.default_strategy = "self-learning".into();
    let b = TestDaemon::start_with(self_learning).await;
    let a = TestDaemon::start_with(self_learning).await;
    // a knows a face toward b, and no route
    let mut admin = a.unix().await;
    let p = ndn::mgmt::ControlParameters {
        uri: Some(b.daemon.channel("udp4").unwrap().to_owned()),
        ..Default::default()
    };
    let r = admin.command("faces", "create", &p).await;
    assert_eq!(r.status_code, 200, "{r:?}");
    let toward_b = r.body.unwrap().face_id.unwrap();
    let mut producer = b.unix().await;
    producer.register("/sl").await;
    let served = serve(producer, b"found".to_vec());
    // the first Interest is a discovery Interest, flooded to b; the Data brings back b's
    // announcement of /sl, from which a learns its route
    let mut consumer = a.unix().await;
    consumer.send(&interest("/sl/1")).await;
    assert_eq!(
        &consumer.recv().await.unwrap().data().content()[..],
        b"found"
    );
    let rib: Vec<ndn::mgmt::RibEntry> =
        ndn::mgmt::decode_dataset(dataset(&mut admin, "rib", "list").await).unwrap();
    let learned = rib
        .iter()
        .find(|e| e.name == name("/sl"))
        .expect("a route to /sl");
    assert_eq!(learned.routes.len(), 1);
    assert_eq!(learned.routes[0].face_id, toward_b);
    assert_eq!(
        learned.routes[0].origin,
        ndn::mgmt::route_origin::PREFIX_ANN
    );
    assert!(
        learned.routes[0]
            .expiration_period_ms
            .is_some_and(|ms| ms <= 600_000)
    );
    // the next one follows it
    consumer.send(&interest("/sl/2")).await;
    assert_eq!(
        &consumer.recv().await.unwrap().data().content()[..],
        b"found"
    );
    a.stop().await;
    b.stop().await;
    assert_eq!(served.await.unwrap(), 2);
}
