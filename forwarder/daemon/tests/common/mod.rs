//! Helpers: start a daemon on loopback and a temporary socket; minimal NDN clients.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ndn::lp::{LpPacket, NackReason};
use ndn::mgmt::{
    ControlParameters, ControlResponse, Record, command_name, localhost_nfd, sign_command_interest,
};
use ndn::sign::DigestSha256;
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name};
use ndnd::{Config, Daemon};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket, UnixStream};

pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Fetch a whole dataset over `client`.
pub async fn dataset(client: &mut Client, module: &str, verb: &str) -> Bytes {
    let base = localhost_nfd().append_generic(module).append_generic(verb);
    client
        .send(
            &InterestBuilder::new(base)
                .can_be_prefix(true)
                .must_be_fresh(true)
                .nonce(rand_u32())
                .encode(),
        )
        .await;
    let first = client.recv().await.unwrap().data();
    let mut out = BytesMut::from(&first.content()[..]);
    let last = first.final_segment().unwrap();
    for seg in 1..=last {
        let n = first.name().parent(1).append_segment(seg);
        client
            .send(&InterestBuilder::new(n).nonce(rand_u32()).encode())
            .await;
        out.extend_from_slice(&client.recv().await.unwrap().data().content());
    }
    out.freeze()
}

pub struct TestDaemon {
    pub daemon: Daemon,
    pub dir: tempfile::TempDir,
}

impl TestDaemon {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(f: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let sock = dir.path().join("nfd.sock");
        let mut config = Config {
            listen: vec![
                format!("unix://{}", sock.display()),
                "udp4://127.0.0.1:0".into(),
                "tcp4://127.0.0.1:0".into(),
                "ws://127.0.0.1:0".into(),
            ],
            ..Config::default()
        };
        config.metrics.listen = "127.0.0.1:0".into();
        config.forwarder.seed = 1;
        f(&mut config);
        let daemon = Daemon::start(config).await.unwrap();
        TestDaemon { daemon, dir }
    }

    pub fn unix_path(&self) -> String {
        self.daemon
            .channel("unix")
            .unwrap()
            .trim_start_matches("unix://")
            .to_owned()
    }

    pub fn addr(&self, scheme: &str) -> SocketAddr {
        let uri = self.daemon.channel(scheme).unwrap();
        ndn::face_uri::FaceUri::parse(uri)
            .unwrap()
            .socket_addr()
            .unwrap()
    }

    pub async fn unix(&self) -> Client {
        Client::Unix(
            UnixStream::connect(self.unix_path()).await.unwrap(),
            BytesMut::new(),
        )
    }

    pub async fn tcp(&self) -> Client {
        Client::Tcp(
            TcpStream::connect(self.addr("tcp4")).await.unwrap(),
            BytesMut::new(),
        )
    }

    pub async fn udp(&self) -> Client {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        s.connect(self.addr("udp4")).await.unwrap();
        Client::Udp(s, Default::default())
    }

    pub async fn stop(self) {
        self.daemon.stop().await;
    }
}

/// A received network-layer packet.
#[derive(Debug, Clone)]
pub enum Received {
    Interest(Interest),
    Data(Data),
    Nack(NackReason, Interest),
}

impl Received {
    pub fn data(self) -> Data {
        match self {
            Received::Data(d) => d,
            other => panic!("expected Data, got {other:?}"),
        }
    }

    pub fn interest(self) -> Interest {
        match self {
            Received::Interest(i) => i,
            other => panic!("expected an Interest, got {other:?}"),
        }
    }
}

pub enum Client {
    Unix(UnixStream, BytesMut),
    Tcp(TcpStream, BytesMut),
    Udp(UdpSocket, ndnd::link::LinkReceiver),
}

fn parse(frame: Bytes) -> Option<Received> {
    let lp = LpPacket::decode(frame).ok()?;
    let f = lp.fragment?;
    if let Some(r) = lp.nack {
        return Some(Received::Nack(r, Interest::decode(f).ok()?));
    }
    match f.first()? {
        0x05 => Some(Received::Interest(Interest::decode(f).ok()?)),
        0x06 => Some(Received::Data(Data::decode(f).ok()?)),
        _ => None,
    }
}

impl Client {
    pub async fn send(&mut self, wire: &[u8]) {
        match self {
            Client::Unix(s, _) => s.write_all(wire).await.unwrap(),
            Client::Tcp(s, _) => s.write_all(wire).await.unwrap(),
            Client::Udp(s, _) => {
                s.send(wire).await.unwrap();
            }
        }
    }

    pub async fn next_frame(&mut self) -> Option<Bytes> {
        match self {
            Client::Udp(s, receiver) => loop {
                // reassemble NDNLPv2 fragments, as a link service would
                let mut buf = vec![0u8; 65536];
                let n = s.recv(&mut buf).await.ok()?;
                let frame = Bytes::copy_from_slice(&buf[..n]);
                let lp = LpPacket::decode(frame.clone()).ok()?;
                if lp.frag_count.unwrap_or(1) <= 1 {
                    return Some(frame);
                }
                if let Ok(Some((wire, _))) = receiver.receive(Duration::ZERO, frame) {
                    return Some(wire);
                }
            },
            Client::Unix(s, buf) => loop {
                if let Some(f) = ndnd::link::next_frame(buf, 9000).ok()? {
                    return Some(f);
                }
                if s.read_buf(buf).await.ok()? == 0 {
                    return None;
                }
            },
            Client::Tcp(s, buf) => loop {
                if let Some(f) = ndnd::link::next_frame(buf, 9000).ok()? {
                    return Some(f);
                }
                if s.read_buf(buf).await.ok()? == 0 {
                    return None;
                }
            },
        }
    }

    /// The next packet, or None after `TIMEOUT` (or when the connection closed).
    pub async fn recv(&mut self) -> Option<Received> {
        self.recv_within(TIMEOUT).await
    }

    pub async fn recv_within(&mut self, d: Duration) -> Option<Received> {
        tokio::time::timeout(d, async {
            loop {
                let f = self.next_frame().await?;
                if let Some(p) = parse(f) {
                    return Some(p);
                }
            }
        })
        .await
        .ok()
        .flatten()
    }

    /// Send a signed command and return the response.
    pub async fn command(
        &mut self,
        module: &str,
        verb: &str,
        p: &ControlParameters,
    ) -> ControlResponse {
        let name = command_name(&localhost_nfd(), module, verb, p);
        let nonce: u32 = rand_u32();
        let wire = sign_command_interest(
            &InterestBuilder::new(name).nonce(nonce),
            &DigestSha256,
            1_700_000_000_000,
            &nonce.to_be_bytes(),
        )
        .unwrap();
        self.send(&wire).await;
        let d = self.recv().await.expect("a command response").data();
        ControlResponse::decode(d.content()).unwrap()
    }

    pub async fn register(&mut self, prefix: &str) {
        let r = self
            .command(
                "rib",
                "register",
                &ControlParameters::with_name(name(prefix)),
            )
            .await;
        assert_eq!(r.status_code, 200, "{r:?}");
    }
}

pub fn rand_u32() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0x1234_5678);
    N.fetch_add(0x9E37_79B9, Ordering::Relaxed)
}

pub fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

pub fn interest(uri: &str) -> Bytes {
    InterestBuilder::new(name(uri))
        .nonce(rand_u32())
        .lifetime_ms(2000)
        .encode()
}

pub fn data_for(n: &Name, content: &[u8]) -> Bytes {
    DataBuilder::new(n.clone())
        .content(Bytes::copy_from_slice(content))
        .freshness_period(10_000)
        .sign(&DigestSha256)
        .unwrap()
}

/// Answer every Interest on `producer` with Data carrying `content`, until the connection ends.
pub fn serve(mut producer: Client, content: Vec<u8>) -> tokio::task::JoinHandle<usize> {
    tokio::spawn(async move {
        let mut served = 0;
        while let Some(p) = producer.recv_within(Duration::from_secs(30)).await {
            if let Received::Interest(i) = p {
                producer.send(&data_for(i.name(), &content)).await;
                served += 1;
            }
        }
        served
    })
}

impl TestDaemon {
    /// GET /metrics.
    pub async fn metrics(&self) -> String {
        let addr = self.daemon.metrics_addr.unwrap();
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }
}
