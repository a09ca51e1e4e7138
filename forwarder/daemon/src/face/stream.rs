//! Stream faces (Unix and TCP): TLV framing over a byte stream.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use ndn_fw::{FaceId, FaceInfo};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::{FaceStats, ForwarderLink};
use crate::Clock;
use crate::link::{LinkReceiver, next_frame};

/// Settings shared by all faces.
#[derive(Debug, Clone, Copy)]
pub struct FaceOptions {
    /// Send queue length in frames.
    pub queue_len: usize,
    /// Largest network-layer packet.
    pub max_packet: usize,
    /// The daemon's clock.
    pub clock: Clock,
}

/// What the core needs to know about a TCP face: NFD URIs, and local scope when the peer is on
/// this host.
pub fn tcp_face_info(
    remote: std::net::SocketAddr,
    local: std::net::SocketAddr,
    persistency: ndn_fw::FacePersistency,
) -> FaceInfo {
    let scope = if remote.ip().is_loopback() {
        ndn_fw::FaceScope::Local
    } else {
        ndn_fw::FaceScope::NonLocal
    };
    FaceInfo::new(
        ndn::face_uri::FaceUri::from_socket_addr("tcp", remote).to_string(),
        ndn::face_uri::FaceUri::from_socket_addr("tcp", local).to_string(),
        scope,
    )
    .with_persistency(persistency)
}

/// Frames written at once by a stream writer.
const WRITE_BATCH: usize = 64;

/// Drain the send queue into `writer`, coalescing queued frames into one write; returns when
/// the queue closes or a write fails.
pub async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    rx: &mut mpsc::Receiver<Bytes>,
    stats: &FaceStats,
) {
    let mut batch = Vec::with_capacity(WRITE_BATCH);
    let mut buf = BytesMut::new();
    while rx.recv_many(&mut batch, WRITE_BATCH).await > 0 {
        let result = if batch.len() == 1 {
            let f = &batch[0];
            stats.add_out(f.len());
            writer.write_all(f).await
        } else {
            buf.clear();
            for f in &batch {
                buf.extend_from_slice(f);
            }
            stats.add_out(buf.len());
            writer.write_all(&buf).await
        };
        batch.clear();
        if result.is_err() {
            break;
        }
    }
    let _ = writer.shutdown().await;
}

/// Run a stream face until its peer closes, it misbehaves, or the forwarder closes it.
pub async fn run<R, W>(reader: R, writer: W, info: FaceInfo, fw: ForwarderLink, opts: FaceOptions)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel(opts.queue_len);
    let stats = Arc::new(FaceStats::default());
    let uri = info.remote_uri.clone();
    let Some((id, mut close)) = fw.add_face(info, tx, stats.clone(), None).await else {
        return;
    };
    tracing::info!(face = id.0, remote = %uri, "face created");
    let wstats = stats.clone();
    let writer_task = tokio::spawn(async move { write_loop(writer, &mut rx, &wstats).await });
    let reason = read_loop(reader, id, &fw, &stats, opts, &mut close).await;
    tracing::info!(face = id.0, remote = %uri, reason, "face closed");
    writer_task.abort();
    fw.closed(id).await;
}

async fn read_loop<R: AsyncRead + Unpin>(
    mut reader: R,
    id: FaceId,
    fw: &ForwarderLink,
    stats: &FaceStats,
    opts: FaceOptions,
    close: &mut tokio::sync::oneshot::Receiver<()>,
) -> &'static str {
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut receiver = LinkReceiver::default();
    loop {
        if buf.capacity() - buf.len() < 16 * 1024 {
            buf.reserve(64 * 1024);
        }
        let n = tokio::select! {
            _ = &mut *close => return "closed by forwarder",
            r = reader.read_buf(&mut buf) => match r {
                Ok(0) => return "end of stream",
                Ok(n) => n,
                Err(_) => return "read error",
            },
        };
        stats.add_in(n);
        // every whole packet of this read goes to the forwarder in one message
        let mut batch = Vec::new();
        let now = opts.clock.now();
        let framing = loop {
            let frame = match next_frame(&mut buf, opts.max_packet) {
                Ok(Some(f)) => f,
                Ok(None) => break None,
                Err(e) => break Some(e),
            };
            let received = receiver.receive(now, frame);
            stats.record_control(receiver.take_control());
            fw.link_control(id, stats, matches!(received, Ok(Some(_))))
                .await;
            match received {
                Ok(Some(p)) => batch.push(p),
                Ok(None) => {}
                Err(e) => {
                    stats
                        .malformed
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tracing::debug!(face = id.0, error = %e, "malformed frame dropped");
                    fw.malformed(id).await;
                }
            }
        };
        if !fw.packets(id, batch).await {
            return "forwarder gone";
        }
        if let Some(e) = framing {
            stats
                .malformed
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            fw.malformed(id).await;
            tracing::debug!(face = id.0, error = %e, "framing error");
            return "framing error";
        }
    }
}

/// Longest wait between reconnection attempts of a persistent TCP face.
const MAX_BACKOFF: std::time::Duration = std::time::Duration::from_secs(60);

/// Run an outgoing TCP face on an established connection. A persistent or permanent face
/// reconnects with exponential back-off when the connection fails, keeping its face id; an
/// on-demand one closes. `ready` receives the face id once registered.
pub async fn run_client(
    first: tokio::net::TcpStream,
    remote: std::net::SocketAddr,
    info: FaceInfo,
    fw: ForwarderLink,
    opts: FaceOptions,
    ready: tokio::sync::oneshot::Sender<FaceId>,
) {
    let persistency = info.persistency;
    let (tx, mut rx) = mpsc::channel(opts.queue_len);
    let stats = Arc::new(FaceStats::default());
    let Some((id, mut close)) = fw.add_face(info, tx, stats.clone(), None).await else {
        return;
    };
    let _ = ready.send(id);
    tracing::info!(face = id.0, remote = %remote, "tcp face connected");
    let mut stream = first;
    loop {
        let (rd, wr) = stream.into_split();
        let reason = tokio::select! {
            r = read_loop(rd, id, &fw, &stats, opts, &mut close) => r,
            _ = write_loop(wr, &mut rx, &stats) => "write error",
        };
        tracing::info!(face = id.0, remote = %remote, reason, "tcp connection ended");
        if reason == "closed by forwarder"
            || reason == "forwarder gone"
            || persistency == ndn_fw::FacePersistency::OnDemand
        {
            break;
        }
        // reconnect with back-off, dropping what is queued meanwhile
        let mut backoff = std::time::Duration::from_secs(1);
        let next = loop {
            tokio::select! {
                _ = &mut close => break None,
                _ = tokio::time::sleep(backoff) => {}
            }
            while rx.try_recv().is_ok() {}
            match tokio::net::TcpStream::connect(remote).await {
                Ok(s) => break Some(s),
                Err(e) => {
                    tracing::debug!(face = id.0, remote = %remote, error = %e, "reconnect failed");
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
        match next {
            Some(s) => {
                let _ = s.set_nodelay(true);
                tracing::info!(face = id.0, remote = %remote, "tcp face reconnected");
                stream = s;
            }
            None => break,
        }
    }
    fw.closed(id).await;
}
