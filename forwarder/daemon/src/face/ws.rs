//! WebSocket faces for browser applications (NDNts connects this way): each binary message
//! carries one NDN packet or LpPacket.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use ndn::face_uri::FaceUri;
use ndn_fw::{FaceInfo, FacePersistency, FaceScope};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::stream::FaceOptions;
use super::{FaceStats, ForwarderLink};
use crate::link::{LinkReceiver, next_frame};

/// Serve one accepted TCP connection as a WebSocket face.
pub async fn run(
    tcp: TcpStream,
    remote: SocketAddr,
    local: SocketAddr,
    fw: ForwarderLink,
    opts: FaceOptions,
) {
    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else {
        tracing::debug!(remote = %remote, "websocket handshake failed");
        return;
    };
    let scope = if remote.ip().is_loopback() {
        FaceScope::Local
    } else {
        FaceScope::NonLocal
    };
    let info = FaceInfo::new(
        FaceUri::from_socket_addr("wsclient", remote).to_string(),
        FaceUri::from_socket_addr("ws", local).to_string(),
        scope,
    )
    .with_persistency(FacePersistency::OnDemand);
    let (tx, mut rx) = mpsc::channel::<Bytes>(opts.queue_len);
    let stats = Arc::new(FaceStats::default());
    let Some((id, mut close)) = fw.add_face(info, tx, stats.clone(), None).await else {
        return;
    };
    tracing::info!(face = id.0, remote = %remote, "websocket face created");
    let (mut sink, mut stream) = ws.split();
    let wstats = stats.clone();
    let writer = tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            wstats.add_out(frame.len());
            if sink.send(Message::Binary(frame)).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let mut receiver = LinkReceiver::default();
    let reason = loop {
        let msg = tokio::select! {
            _ = &mut close => break "closed by forwarder",
            m = stream.next() => m,
        };
        let data = match msg {
            Some(Ok(Message::Binary(b))) => b,
            Some(Ok(Message::Close(_))) | None => break "closed by peer",
            Some(Ok(_)) => continue,
            Some(Err(_)) => break "websocket error",
        };
        stats.add_in(data.len());
        // one element per message; anything else is malformed
        let mut buf = BytesMut::from(&data[..]);
        let frame = match next_frame(&mut buf, opts.max_packet) {
            Ok(Some(f)) if buf.is_empty() => f,
            _ => {
                stats
                    .malformed
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                fw.malformed(id).await;
                continue;
            }
        };
        let received = receiver.receive(opts.clock.now(), frame);
        stats.record_control(receiver.take_control());
        fw.link_control(id, &stats, matches!(received, Ok(Some(_))))
            .await;
        match received {
            Ok(Some((wire, link))) => {
                if !fw.packet(id, wire, link).await {
                    break "forwarder gone";
                }
            }
            Ok(None) => {}
            Err(_) => fw.malformed(id).await,
        }
    };
    tracing::info!(face = id.0, remote = %remote, reason, "websocket face closed");
    writer.abort();
    fw.closed(id).await;
}
