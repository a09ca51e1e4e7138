//! The async client against in-test forwarders on Unix sockets in a temporary directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;

use super::framing::FrameBuffer;
use super::*;
use crate::fetch::{FetchOptions, PipelineKind};
use crate::lp::{LpPacket, NackReason};
use crate::mgmt::{
    ControlParameters, ControlResponse, Record, localhop_nfd, localhost_nfd, parse_command_interest,
};
use crate::name::Name;
use crate::packet::{Data, DataBuilder, Interest, InterestBuilder, Packet};
use crate::publish::{PublishOptions, Publisher};
use crate::sign::{DigestSha256, Verifier};

fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

fn data_wire(n: &Name, content: &[u8]) -> Bytes {
    DataBuilder::new(n.clone())
        .content(content.to_vec())
        .sign(&DigestSha256)
        .unwrap()
}

fn socket_uri(p: &Path) -> String {
    format!("unix://{}", p.display())
}

/// One accepted connection of a fake forwarder: packets in, packets out.
struct Conn {
    rx: mpsc::UnboundedReceiver<Bytes>,
    tx: mpsc::UnboundedSender<Bytes>,
}

impl Conn {
    fn new(s: UnixStream) -> Conn {
        let (mut r, mut w) = s.into_split();
        let (in_tx, rx) = mpsc::unbounded_channel();
        let (tx, mut out_rx) = mpsc::unbounded_channel::<Bytes>();
        tokio::spawn(async move {
            let mut frames = FrameBuffer::new();
            while r.read_buf(frames.buf_mut()).await.unwrap_or(0) > 0 {
                while let Ok(Some(f)) = frames.next_frame() {
                    let _ = in_tx.send(f);
                }
            }
        });
        tokio::spawn(async move {
            while let Some(p) = out_rx.recv().await {
                if w.write_all(&p).await.is_err() {
                    return;
                }
            }
        });
        Conn { rx, tx }
    }

    async fn recv(&mut self) -> Option<LpPacket> {
        self.rx.recv().await.map(|b| LpPacket::decode(b).unwrap())
    }

    async fn recv_interest(&mut self) -> Interest {
        let lp = self.recv().await.unwrap();
        match Packet::decode(lp.fragment.unwrap()).unwrap() {
            Packet::Interest(i) => i,
            Packet::Data(d) => panic!("expected an Interest, got Data {}", d.name()),
        }
    }

    fn send(&self, wire: Bytes) {
        self.tx.send(wire).unwrap();
    }
}

/// A listener at `<tmp>/nfd.sock` whose connections come out of the returned channel.
fn fake_forwarder(dir: &Path) -> (PathBuf, mpsc::UnboundedReceiver<Conn>) {
    let path = dir.join("nfd.sock");
    let listener = UnixListener::bind(&path).unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            if tx.send(Conn::new(s)).is_err() {
                return;
            }
        }
    });
    (path, rx)
}

async fn connected() -> (tempfile::TempDir, Face, Conn) {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut conns) = fake_forwarder(dir.path());
    let face = Face::connect_to(&socket_uri(&path)).await.unwrap();
    let conn = conns.recv().await.unwrap();
    (dir, face, conn)
}

#[tokio::test]
async fn no_forwarder_gives_one_actionable_line() {
    let dir = tempfile::tempdir().unwrap();
    let uri = socket_uri(&dir.path().join("absent.sock"));
    let err = Face::connect_to(&uri).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no forwarder is listening on {uri}; start one with `ndnd`, or set NDN_CLIENT_TRANSPORT"
        )
    );
    // a refused TCP port says the same
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let err = Face::connect_to(&format!("tcp4://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectError::NoForwarder { .. }), "{err}");
    // and a UDP port where nothing listens (the ICMP port unreachable the probe brings back)
    let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = u.local_addr().unwrap().port();
    drop(u);
    let err = Face::connect_to(&format!("udp4://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectError::NoForwarder { .. }), "{err}");
    let err = Face::connect_to("nonsense").await.unwrap_err();
    assert!(matches!(err, ConnectError::BadUri { .. }));
    assert!(!err.to_string().contains('\n'));
    let err = Face::connect_to("internal://").await.unwrap_err();
    assert!(matches!(err, ConnectError::Unsupported { .. }), "{err}");
}

#[test]
fn transport_from_environment() {
    assert_eq!(client_transport(None), "unix:///run/nfd/nfd.sock");
    assert_eq!(
        client_transport(Some(String::new())),
        "unix:///run/nfd/nfd.sock"
    );
    assert_eq!(
        client_transport(Some("tcp4://127.0.0.1:6363".into())),
        "tcp4://127.0.0.1:6363"
    );
}

#[tokio::test]
async fn express_gets_data_and_fills_in_a_nonce() {
    let (_dir, face, mut fwd) = connected().await;
    let task = tokio::spawn({
        let face = face.clone();
        async move { face.express(InterestBuilder::new(name("/a/b")), None).await }
    });
    let i = fwd.recv_interest().await;
    assert_eq!(i.name(), &name("/a/b"));
    assert!(i.nonce().is_some());
    fwd.send(data_wire(i.name(), b"hello"));
    let d = task.await.unwrap().unwrap();
    assert_eq!(&d.content()[..], b"hello");
}

#[tokio::test]
async fn concurrent_interests_are_matched_by_name() {
    let (_dir, face, mut fwd) = connected().await;
    let mut tasks = Vec::new();
    for k in 0..3 {
        let face = face.clone();
        tasks.push(tokio::spawn(async move {
            let n = name(&format!("/c/{k}"));
            face.express(InterestBuilder::new(n), None).await
        }));
    }
    let mut names = Vec::new();
    for _ in 0..3 {
        names.push(fwd.recv_interest().await.name().clone());
    }
    for n in names.iter().rev() {
        fwd.send(data_wire(n, n.to_string().as_bytes()));
    }
    for (k, t) in tasks.into_iter().enumerate() {
        let d = t.await.unwrap().unwrap();
        assert_eq!(d.name(), &name(&format!("/c/{k}")));
        assert_eq!(&d.content()[..], format!("/c/{k}").as_bytes());
    }
}

#[tokio::test]
async fn can_be_prefix_and_implicit_digest_matching() {
    let (_dir, face, mut fwd) = connected().await;
    let long = name("/p/q/r");
    let wire = data_wire(&long, b"x");
    let full = Data::decode(wire.clone()).unwrap().full_name();

    let exact = tokio::spawn({
        let face = face.clone();
        async move {
            face.express(
                InterestBuilder::new(name("/p")),
                Some(Duration::from_millis(100)),
            )
            .await
        }
    });
    let prefix = tokio::spawn({
        let face = face.clone();
        async move {
            face.express(InterestBuilder::new(name("/p")).can_be_prefix(true), None)
                .await
        }
    });
    let digest = tokio::spawn({
        let face = face.clone();
        async move { face.express(InterestBuilder::new(full), None).await }
    });
    for _ in 0..3 {
        fwd.recv_interest().await;
    }
    fwd.send(wire);
    assert_eq!(prefix.await.unwrap().unwrap().name(), &long);
    assert_eq!(digest.await.unwrap().unwrap().name(), &long);
    assert_eq!(exact.await.unwrap().unwrap_err(), ExpressError::Timeout);
}

#[tokio::test]
async fn nacks_and_congestion_marks_come_through() {
    let (_dir, face, mut fwd) = connected().await;
    let nacked = tokio::spawn({
        let face = face.clone();
        async move { face.express(InterestBuilder::new(name("/n")), None).await }
    });
    let i = fwd.recv_interest().await;
    // a Nack for another Nonce is not ours
    let other = i.with_nonce(i.nonce().unwrap() ^ 1);
    for (interest, reason) in [(other, NackReason::Congestion), (i, NackReason::NoRoute)] {
        fwd.send(
            LpPacket {
                nack: Some(reason),
                ..LpPacket::from_fragment(interest.wire().clone())
            }
            .encode(),
        );
    }
    assert_eq!(
        nacked.await.unwrap().unwrap_err(),
        ExpressError::Nack(NackReason::NoRoute)
    );

    let marked = tokio::spawn({
        let face = face.clone();
        async move { face.request(InterestBuilder::new(name("/m")), None).await }
    });
    let i = fwd.recv_interest().await;
    fwd.send(
        LpPacket {
            congestion_mark: Some(1),
            ..LpPacket::from_fragment(data_wire(i.name(), b""))
        }
        .encode(),
    );
    assert_eq!(marked.await.unwrap().unwrap().congestion_mark, 1);
}

#[tokio::test]
async fn register_sends_a_signed_command_then_dispatches_interests() {
    let (_dir, face, mut fwd) = connected().await;
    let reg = tokio::spawn({
        let face = face.clone();
        async move { face.register(name("/app")).await }
    });
    let cmd = fwd.recv_interest().await;
    let parsed = parse_command_interest(&cmd, &localhost_nfd()).unwrap();
    assert_eq!(
        (parsed.request.module.as_str(), parsed.request.verb.as_str()),
        ("rib", "register")
    );
    assert_eq!(parsed.request.parameters.name, Some(name("/app")));
    assert_eq!(parsed.request.parameters.flags, Some(1), "CHILD_INHERIT");
    parsed.signature.verify(&DigestSha256).unwrap();
    assert!(parsed.signature.timestamp_ms.is_some() && parsed.signature.nonce.is_some());
    let ok = ControlResponse::ok(ControlParameters::with_name(name("/app")));
    fwd.send(data_wire(cmd.name(), &ok.encode()));
    let mut reg = reg.await.unwrap().unwrap();
    assert_eq!(reg.prefix(), &name("/app"));

    // an Interest with a PIT token; the reply carries it back
    let token = Bytes::from_static(&[1, 2, 3, 4]);
    let incoming = InterestBuilder::new(name("/app/x")).nonce(9).encode();
    fwd.send(
        LpPacket {
            pit_token: Some(token.clone()),
            ..LpPacket::from_fragment(incoming)
        }
        .encode(),
    );
    // an Interest outside the prefix is not delivered
    fwd.send(InterestBuilder::new(name("/other")).nonce(10).encode());
    let (i, responder) = reg.recv().await.unwrap();
    assert_eq!(i.name(), &name("/app/x"));
    responder.respond(data_wire(i.name(), b"answer")).unwrap();
    let back = fwd.recv().await.unwrap();
    assert_eq!(back.pit_token, Some(token));
    let d = Data::decode(back.fragment.unwrap()).unwrap();
    assert_eq!(&d.content()[..], b"answer");

    // a Nack reply
    fwd.send(InterestBuilder::new(name("/app/y")).nonce(11).encode());
    let (_, responder) = reg.recv().await.unwrap();
    responder.nack(NackReason::NoRoute).unwrap();
    let back = fwd.recv().await.unwrap();
    assert_eq!(back.nack, Some(NackReason::NoRoute));

    // unregister sends rib/unregister
    let un = tokio::spawn(reg.unregister());
    let cmd = fwd.recv_interest().await;
    let parsed = parse_command_interest(&cmd, &localhost_nfd()).unwrap();
    assert_eq!(parsed.request.verb, "unregister");
    fwd.send(data_wire(cmd.name(), &ok.encode()));
    un.await.unwrap().unwrap();
}

/// Forwarders take `/localhost` commands only from faces with local scope: a Unix socket or
/// TCP from a loopback address. Over UDP, registration goes to `/localhop/nfd`; other
/// commands stay under `/localhost/nfd`.
#[tokio::test]
async fn registration_over_udp_goes_to_localhop() {
    let (_dir, unix, _fwd) = connected().await;
    assert!(unix.has_local_scope());
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("tcp4://{}", tcp.local_addr().unwrap());
    let over_tcp = Face::connect_to(&uri).await.unwrap();
    assert!(over_tcp.has_local_scope());

    let fwd = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("udp4://{}", fwd.local_addr().unwrap());
    let face = Face::connect_to(&uri).await.unwrap();
    assert!(!face.has_local_scope());
    let mut buf = vec![0; 9000];
    // the face's first datagram is an IDLE LpPacket, the probe that finds a closed port
    let (n, _) = fwd.recv_from(&mut buf).await.unwrap();
    let idle = LpPacket::decode(Bytes::copy_from_slice(&buf[..n])).unwrap();
    assert!(idle.fragment.is_none());
    let mut recv_command = async |prefix: &Name| {
        let (n, from) = fwd.recv_from(&mut buf).await.unwrap();
        let lp = LpPacket::decode(Bytes::copy_from_slice(&buf[..n])).unwrap();
        let cmd = Interest::decode(lp.fragment.unwrap()).unwrap();
        let parsed = parse_command_interest(&cmd, prefix)
            .unwrap_or_else(|e| panic!("{} is not a command under {prefix}: {e}", cmd.name()));
        (cmd, parsed.request.verb, from)
    };
    let reg = tokio::spawn({
        let face = face.clone();
        async move { face.register(name("/app")).await }
    });
    let (cmd, verb, from) = recv_command(&localhop_nfd()).await;
    assert_eq!(verb, "register");
    let ok = ControlResponse::ok(ControlParameters::with_name(name("/app")));
    fwd.send_to(&data_wire(cmd.name(), &ok.encode()), from)
        .await
        .unwrap();
    let reg = reg.await.unwrap().unwrap();
    assert_eq!(reg.prefix(), &name("/app"));

    let status = tokio::spawn({
        let face = face.clone();
        async move {
            face.command("cs", "config", &ControlParameters::default())
                .await
        }
    });
    let (cmd, verb, from) = recv_command(&localhost_nfd()).await;
    assert_eq!(verb, "config");
    fwd.send_to(&data_wire(cmd.name(), &ok.encode()), from)
        .await
        .unwrap();
    status.await.unwrap().unwrap();
}

#[tokio::test]
async fn refused_registration_and_custom_signer() {
    let (_dir, face, mut fwd) = connected().await;
    let signer = crate::sign::Ed25519Signer::from_seed(&[5; 32]);
    let verifier = signer.verifier();
    face.set_command_signer(Arc::new(signer));
    let reg = tokio::spawn({
        let face = face.clone();
        async move { face.register(name("/app")).await.map(|_| ()) }
    });
    let cmd = fwd.recv_interest().await;
    let parsed = parse_command_interest(&cmd, &localhost_nfd()).unwrap();
    assert_eq!(
        parsed.signature.info.signature_type,
        verifier.signature_type()
    );
    parsed.signature.verify(&verifier).unwrap();
    let no = ControlResponse::new(403, "authorization rejected");
    fwd.send(data_wire(cmd.name(), &no.encode()));
    let err = reg.await.unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "rib/register /app: the forwarder answered 403 authorization rejected"
    );
}

#[tokio::test]
async fn put_and_closed_connection() {
    let (_dir, face, mut fwd) = connected().await;
    face.put(data_wire(&name("/pushed"), b"p")).unwrap();
    let got = fwd.recv().await.unwrap();
    assert_eq!(
        Data::decode(got.fragment.unwrap()).unwrap().name(),
        &name("/pushed")
    );

    let mut reg = face.listen(name("/l"));
    let pending = tokio::spawn({
        let face = face.clone();
        async move {
            face.express(InterestBuilder::new(name("/never")), None)
                .await
        }
    });
    fwd.recv_interest().await;
    drop(fwd);
    assert_eq!(pending.await.unwrap().unwrap_err(), ExpressError::Closed);
    assert!(reg.recv().await.is_none());
    assert_eq!(
        face.express(InterestBuilder::new(name("/late")), None)
            .await
            .unwrap_err(),
        ExpressError::Closed
    );
}

#[tokio::test]
async fn backlog_counts_interests_not_yet_taken() {
    let (_dir, face, mut fwd) = connected().await;
    let mut reg = face.listen(name("/b"));
    assert_eq!(reg.backlog(), 0);
    let pending = tokio::spawn({
        let face = face.clone();
        async move { face.express(InterestBuilder::new(name("/p")), None).await }
    });
    let p = fwd.recv_interest().await;
    for i in 0..3u32 {
        fwd.send(
            InterestBuilder::new(name(&format!("/b/{i}")))
                .nonce(i)
                .encode(),
        );
    }
    // the dispatcher handles one connection's packets in order: once the Data for /p is
    // delivered, the three Interests before it are queued
    fwd.send(data_wire(p.name(), b"x"));
    pending.await.unwrap().unwrap();
    assert_eq!(reg.backlog(), 3);
    let (first, _) = reg.recv().await.unwrap();
    assert_eq!(first.name(), &name("/b/0"));
    assert_eq!(reg.backlog(), 2);
}

/// A fake forwarder that relays every packet between its two connections, dropping consumer Interests that `lose` selects.
async fn relay(
    dir: &Path,
    lose: impl Fn(u64) -> bool + Send + 'static,
) -> (Face, Face, Arc<AtomicU64>) {
    let (path, mut conns) = fake_forwarder(dir);
    let uri = socket_uri(&path);
    let producer = Face::connect_to(&uri).await.unwrap();
    let mut a = conns.recv().await.unwrap();
    let consumer = Face::connect_to(&uri).await.unwrap();
    let mut b = conns.recv().await.unwrap();
    let relayed = Arc::new(AtomicU64::new(0));
    let count = relayed.clone();
    tokio::spawn(async move {
        let mut n = 0u64;
        loop {
            tokio::select! {
                p = a.rx.recv() => {
                    let Some(p) = p else { return };
                    let _ = b.tx.send(p);
                }
                p = b.rx.recv() => {
                    let Some(p) = p else { return };
                    n += 1;
                    count.store(n, Ordering::Relaxed);
                    if !lose(n) {
                        let _ = a.tx.send(p);
                    }
                }
            }
        }
    });
    (producer, consumer, relayed)
}

#[tokio::test]
async fn fetch_and_serve_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let (producer, consumer, _) = relay(dir.path(), |_| false).await;
    let content: Vec<u8> = (0..50_000u32).map(|i| (i % 253) as u8).collect();
    let mut publisher = Publisher::new(
        name("/e2e/file"),
        Bytes::from(content.clone()),
        PublishOptions {
            segment_size: 1000,
            ..PublishOptions::default()
        },
        1_000,
    )
    .unwrap();
    let server = tokio::spawn(async move {
        let opts = ServeOptions {
            no_register: true,
            once: false,
        };
        let end = serve(&producer, &mut publisher, &DigestSha256, opts).await;
        (end.unwrap(), publisher.all_served())
    });
    for kind in [PipelineKind::cubic(), PipelineKind::fixed(4)] {
        let opts = FetchOptions {
            pipeline: kind,
            ..FetchOptions::default()
        };
        let mut stream = fetch(&consumer, name("/e2e/file"), opts);
        let mut got = Vec::new();
        let mut next = 0;
        while let Some(seg) = stream.next().await {
            let (n, bytes) = seg.unwrap();
            assert_eq!(n, next);
            next += 1;
            got.extend_from_slice(&bytes);
        }
        assert!(got == content, "{kind:?}");
        assert_eq!(
            stream.fetcher().versioned_name(),
            Some(&name("/e2e/file").append_version(1_000))
        );
        assert_eq!(stream.stats().segments, 50);
    }
    drop(consumer);
    // the relay ends with the consumer's connection, which closes the producer's
    assert_eq!(server.await.unwrap(), (ServeEnd::Closed, true));
}

#[tokio::test(start_paused = true)]
async fn data_waiting_in_the_face_when_the_timer_fires_is_not_a_timeout() {
    let (client, mut server) = tokio::io::duplex(1 << 16);
    let face = Face::from_stream(client, "pipe");
    let versioned = name("/late/v=1");
    // CUBIC times a segment out after the RTO (1 s at first), long before the lifetime
    let opts = FetchOptions {
        pipeline: PipelineKind::cubic(),
        init_cwnd: 1.0,
        interest_lifetime: Duration::from_secs(10),
        ..FetchOptions::default()
    };
    let mut stream = fetch_with(&face, crate::fetch::Fetcher::new(versioned.clone(), opts));
    // the first poll sends the Interest for segment 0 and waits
    assert!(
        tokio::time::timeout(Duration::from_millis(1), stream.next())
            .await
            .is_err()
    );
    let mut frames = FrameBuffer::new();
    let interest = loop {
        server.read_buf(frames.buf_mut()).await.unwrap();
        if let Ok(Some(f)) = frames.next_frame() {
            break Interest::decode(f).unwrap();
        }
    };
    let seg0 = versioned.append_segment(0);
    assert_eq!(interest.name(), &seg0);
    // the fetch loop next runs after its timer (RTO 1 s) expired, with the Data written to
    // the connection but not yet read by the face's tasks
    tokio::time::advance(Duration::from_secs(2)).await;
    let wire = DataBuilder::new(seg0)
        .content(&b"late"[..])
        .final_segment(0)
        .sign(&DigestSha256)
        .unwrap();
    server.write_all(&wire).await.unwrap();
    let (n, content) = stream.next().await.unwrap().unwrap();
    assert_eq!((n, &content[..]), (0, &b"late"[..]));
    assert_eq!(stream.stats().timeouts, 0, "{:?}", stream.stats());
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn fetch_recovers_from_loss_and_serves_a_file() {
    let dir = tempfile::tempdir().unwrap();
    // drop every 13th packet from the consumer
    let (producer, consumer, relayed) = relay(dir.path(), |n| n % 13 == 0).await;
    let file = dir.path().join("blob");
    let content: Vec<u8> = (0..30_000u32).map(|i| (i * 31 % 256) as u8).collect();
    std::fs::write(&file, &content).unwrap();
    let mut publisher = Publisher::new(
        name("/e2e/blob"),
        FileSource::open(&file).unwrap(),
        PublishOptions {
            segment_size: 1000,
            ..PublishOptions::default()
        },
        2_000,
    )
    .unwrap();
    tokio::spawn(async move {
        let opts = ServeOptions {
            no_register: true,
            once: false,
        };
        serve(&producer, &mut publisher, &DigestSha256, opts).await
    });
    let mut opts = FetchOptions::default();
    opts.rtt.min_rto = Duration::from_millis(20);
    opts.rtt.initial_rto = Duration::from_millis(100);
    let stream = fetch(&consumer, name("/e2e/blob"), opts);
    let got = stream.read_to_end().await.unwrap();
    assert!(got == content);
    assert!(
        relayed.load(Ordering::Relaxed) > 31,
        "some Interests were retransmitted"
    );
}

#[tokio::test]
async fn fetch_reports_a_closed_face() {
    let (_dir, face, fwd) = connected().await;
    let mut stream = fetch(&face, name("/gone"), FetchOptions::default());
    drop(fwd);
    let first = stream.next().await.unwrap();
    assert_eq!(first.unwrap_err(), FetchStreamError::Closed);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn serve_registers_its_prefix() {
    let (_dir, face, mut fwd) = connected().await;
    let mut publisher = Publisher::new(
        name("/s/obj"),
        Bytes::from_static(b"abc"),
        PublishOptions::default(),
        5,
    )
    .unwrap();
    let server = tokio::spawn(async move {
        serve(
            &face,
            &mut publisher,
            &DigestSha256,
            ServeOptions {
                no_register: false,
                once: true,
            },
        )
        .await
    });
    let cmd = fwd.recv_interest().await;
    let parsed = parse_command_interest(&cmd, &localhost_nfd()).unwrap();
    assert_eq!(parsed.request.parameters.name, Some(name("/s/obj")));
    let ok = ControlResponse::ok(ControlParameters::with_name(name("/s/obj")));
    fwd.send(data_wire(cmd.name(), &ok.encode()));
    fwd.send(
        InterestBuilder::new(name("/s/obj/32=metadata"))
            .can_be_prefix(true)
            .nonce(1)
            .encode(),
    );
    let meta = Data::decode(fwd.recv().await.unwrap().fragment.unwrap()).unwrap();
    assert_eq!(Name::decode(meta.content()).unwrap(), name("/s/obj/v=5"));
    fwd.send(
        InterestBuilder::new(name("/s/obj/v=5/seg=0"))
            .nonce(2)
            .encode(),
    );
    let seg = Data::decode(fwd.recv().await.unwrap().fragment.unwrap()).unwrap();
    assert_eq!(&seg.content()[..], b"abc");
    assert_eq!(server.await.unwrap().unwrap(), ServeEnd::AllServed);
}

/// Answer one Interest with a Data of the same name.
fn answer(wire: &[u8]) -> Bytes {
    let lp = LpPacket::decode(Bytes::copy_from_slice(wire)).unwrap();
    let i = Interest::decode(lp.fragment.unwrap()).unwrap();
    data_wire(i.name(), b"over the wire")
}

#[tokio::test]
async fn tcp_transport() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut frames = FrameBuffer::new();
        while s.read_buf(frames.buf_mut()).await.unwrap() > 0 {
            if let Some(f) = frames.next_frame().unwrap() {
                s.write_all(&answer(&f)).await.unwrap();
            }
        }
    });
    let face = Face::connect_to(&format!("tcp4://127.0.0.1:{port}"))
        .await
        .unwrap();
    assert_eq!(face.uri(), format!("tcp4://127.0.0.1:{port}"));
    let d = face
        .express(InterestBuilder::new(name("/t")), None)
        .await
        .unwrap();
    assert_eq!(&d.content()[..], b"over the wire");
}

#[tokio::test]
async fn udp_transport() {
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = sock.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 9000];
        // first the probe for a closed port, an IDLE LpPacket, which carries nothing
        let (n, _) = sock.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], [0x64, 0x00]);
        let (n, from) = sock.recv_from(&mut buf).await.unwrap();
        sock.send_to(&answer(&buf[..n]), from).await.unwrap();
    });
    let face = Face::connect_to(&format!("udp4://127.0.0.1:{port}"))
        .await
        .unwrap();
    let d = face
        .express(InterestBuilder::new(name("/u")), None)
        .await
        .unwrap();
    assert_eq!(d.name(), &name("/u"));
}

#[tokio::test]
async fn websocket_transport() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (s, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(s).await.unwrap();
        while let Some(Ok(msg)) = ws.next().await {
            if let Message::Binary(b) = msg {
                ws.send(Message::Binary(answer(&b))).await.unwrap();
            }
        }
    });
    let face = Face::connect_to(&format!("ws://127.0.0.1:{port}"))
        .await
        .unwrap();
    let d = face
        .express(InterestBuilder::new(name("/w")), None)
        .await
        .unwrap();
    assert_eq!(d.name(), &name("/w"));
}

#[tokio::test]
async fn fragmented_data_is_reassembled() {
    let (_dir, face, mut fwd) = connected().await;
    let task = tokio::spawn({
        let face = face.clone();
        async move { face.express(InterestBuilder::new(name("/big")), None).await }
    });
    let i = fwd.recv_interest().await;
    let big = data_wire(i.name(), &[9u8; 3000]);
    let mut seq = 0;
    let frames = crate::lp::fragment(big, &LpPacket::default(), 1000, &mut seq).unwrap();
    assert!(frames.len() > 1);
    for f in frames {
        fwd.send(f);
    }
    assert_eq!(task.await.unwrap().unwrap().content_len(), 3000);
}

#[test]
fn handles_are_send() {
    fn send<T: Send>() {}
    send::<Face>();
    send::<Registration>();
    send::<Responder>();
    send::<SegmentStream>();
    send::<crate::fetch::Fetcher>();
    send::<Publisher<FileSource>>();
}
