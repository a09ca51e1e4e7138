//! Bad input on every transport is dropped and counted; a slow face never stalls the others.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use futures_util::SinkExt;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::Message;

/// Deterministic junk.
fn junk(seed: u32, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

#[tokio::test]
async fn malformed_input_on_every_transport_leaves_the_daemon_serving() {
    let d = TestDaemon::start().await;
    let mut producer = d.unix().await;
    producer.register("/ok").await;
    let _s = serve(producer, b"fine".to_vec());

    // UDP: random datagrams and truncated TLVs
    let mut udp = d.udp().await;
    for i in 0..50 {
        udp.send(&junk(i, 1 + (i as usize * 37) % 1500)).await;
    }
    let good = interest("/ok/udp");
    udp.send(&good[..good.len() - 3]).await;
    udp.send(&[0x05, 0xFD, 0xFF]).await;
    udp.send(&[0x64, 0x02, 0x50, 0x10]).await;

    // TCP: garbage closes that connection only
    let mut tcp = tokio::net::TcpStream::connect(d.addr("tcp4"))
        .await
        .unwrap();
    tcp.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
    // Unix: a packet that claims to be larger than any packet
    let mut unix = tokio::net::UnixStream::connect(d.unix_path())
        .await
        .unwrap();
    unix.write_all(&[0x06, 0xFE, 0x00, 0x10, 0x00, 0x00])
        .await
        .unwrap();
    // Unix: a truncated packet, then the peer goes away
    let mut unix2 = tokio::net::UnixStream::connect(d.unix_path())
        .await
        .unwrap();
    unix2.write_all(&good[..good.len() / 2]).await.unwrap();
    drop(unix2);
    // WebSocket: junk in a binary message, and two packets in one message
    let (mut ws, _) = tokio_tungstenite::connect_async(format!("ws://{}/", d.addr("ws")))
        .await
        .unwrap();
    ws.send(Message::Binary(junk(7, 300).into())).await.unwrap();
    let mut two = interest("/ok/a").to_vec();
    two.extend_from_slice(&interest("/ok/b"));
    ws.send(Message::Binary(two.into())).await.unwrap();

    // every transport still works
    udp.send(&interest("/ok/udp2")).await;
    assert_eq!(&udp.recv().await.unwrap().data().content()[..], b"fine");
    let mut tcp_ok = d.tcp().await;
    tcp_ok.send(&interest("/ok/tcp")).await;
    tcp_ok.recv().await.unwrap().data();
    let mut unix_ok = d.unix().await;
    unix_ok.send(&interest("/ok/unix")).await;
    unix_ok.recv().await.unwrap().data();
    // the garbage TCP connection was closed by the daemon
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(TIMEOUT, tokio::io::AsyncReadExt::read(&mut tcp, &mut buf))
        .await
        .unwrap()
        .unwrap_or(0);
    assert_eq!(n, 0);
    let text = d.metrics().await;
    let malformed: u64 = text
        .lines()
        .find(|l| l.starts_with("ndnd_drops_total{reason=\"malformed\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(malformed >= 50, "{malformed}");
    d.stop().await;
}

#[tokio::test]
async fn a_slow_consumer_drops_its_own_packets_without_stalling_others() {
    let d = TestDaemon::start_with(|c| c.faces.send_queue = 8).await;
    let mut producer = d.unix().await;
    producer.register("/bulk").await;
    let _s = serve(producer, vec![7; 4000]);
    // a consumer that asks for a lot and never reads
    let mut slow = tokio::net::UnixStream::connect(d.unix_path())
        .await
        .unwrap();
    let mut burst = Vec::new();
    for i in 0..3000 {
        burst.extend_from_slice(&interest(&format!("/bulk/slow/{i}")));
    }
    slow.write_all(&burst).await.unwrap();
    // meanwhile another consumer is served promptly
    let mut fast = d.unix().await;
    for i in 0..20 {
        fast.send(&interest(&format!("/bulk/fast/{i}"))).await;
        assert!(
            fast.recv_within(Duration::from_secs(2)).await.is_some(),
            "fetch {i}"
        );
    }
    // the slow face's queue overflowed and dropped its own packets, after marking some
    let mut dropped = 0;
    let mut text = String::new();
    for _ in 0..50 {
        text = d.metrics().await;
        dropped = text
            .lines()
            .filter(|l| {
                l.starts_with("ndnd_face_drops_total{") && l.contains("reason=\"queue_full\"")
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        if dropped > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(dropped > 0);
    let marked: u64 = text
        .lines()
        .filter(|l| l.starts_with("ndnd_face_congestion_marks_total{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
        .sum();
    assert!(marked > 0, "{text}");
    drop(slow);
    d.stop().await;
}
