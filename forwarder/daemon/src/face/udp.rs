//! UDP faces: one socket per listener, an on-demand face per remote endpoint (closed when idle),
//! and persistent faces created by command or configuration on the same socket.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use ndn::app::udp_batch::{BatchSocket, RecvBuffers};
use ndn::face_uri::FaceUri;
use ndn_fw::{FaceInfo, FacePersistency, FaceScope, LinkType};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

use super::stream::FaceOptions;
use super::{Connect, FaceStats, ForwarderLink, PeerFace, answer_connect, sweep_peers};

/// A request to a UDP channel: the face to a peer.
pub type UdpCommand = Connect<SocketAddr>;

/// Settings of a UDP channel.
#[derive(Debug, Clone, Copy)]
pub struct UdpOptions {
    /// Face settings.
    pub face: FaceOptions,
    /// Link MTU.
    pub mtu: usize,
    /// On-demand faces close after this long without a datagram.
    pub idle_timeout: Duration,
}

/// Datagrams taken from the socket per wake-up (several `recvmmsg` calls when needed).
const RECV_BATCH: usize = 256;
/// Frames a face's writer takes from its queue at once.
const SEND_BATCH: usize = 64;

async fn create_peer(
    socket: &Arc<BatchSocket>,
    local: SocketAddr,
    remote: SocketAddr,
    persistency: FacePersistency,
    fw: &ForwarderLink,
    opts: &UdpOptions,
) -> Option<PeerFace> {
    let mut info = FaceInfo::new(
        FaceUri::from_socket_addr("udp", remote).to_string(),
        FaceUri::from_socket_addr("udp", local).to_string(),
        FaceScope::NonLocal,
    )
    .with_link_type(LinkType::PointToPoint)
    .with_persistency(persistency);
    info.mtu = Some(opts.mtu as u64);
    let (tx, mut rx) = mpsc::channel::<Bytes>(opts.face.queue_len);
    let stats = Arc::new(FaceStats::default());
    stats.set_persistency(persistency);
    let (id, close) = fw.add_face(info, tx, stats.clone(), Some(opts.mtu)).await?;
    tracing::info!(face = id.0, remote = %remote, "udp face created");
    let sock = socket.clone();
    let wstats = stats.clone();
    tokio::spawn(async move {
        let mut frames = Vec::with_capacity(SEND_BATCH);
        let mut scratch = Vec::new();
        while rx.recv_many(&mut frames, SEND_BATCH).await > 0 {
            // runs of equal-sized frames leave in one system call (GSO)
            let sent = sock.send_to(remote, &frames, &mut scratch).await;
            wstats.add_out(sent);
            frames.clear();
        }
    });
    Some(PeerFace::new(id, close, stats, opts.face.clock.now()))
}

/// Run a UDP channel on `socket` until the forwarding task goes away.
pub async fn run(
    socket: UdpSocket,
    fw: ForwarderLink,
    opts: UdpOptions,
    mut commands: mpsc::Receiver<UdpCommand>,
) {
    let Ok(local) = socket.local_addr() else {
        return;
    };
    let socket = match BatchSocket::new(socket) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            tracing::error!(local = %local, error = %e, "cannot set up the UDP socket");
            return;
        }
    };
    let mut peers: HashMap<SocketAddr, PeerFace> = HashMap::new();
    let mut bufs = RecvBuffers::default();
    let mut datagrams = Vec::with_capacity(RECV_BATCH);
    let sweep_every =
        (opts.idle_timeout / 4).clamp(Duration::from_millis(100), Duration::from_secs(30));
    let mut sweep = tokio::time::interval(sweep_every);
    loop {
        tokio::select! {
            r = socket.recv(&mut bufs, &mut datagrams) => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "udp receive failed");
                    continue;
                }
                let now = opts.face.clock.now();
                // take what else is already queued, then hand it over per face in batches
                while datagrams.len() < RECV_BATCH
                    && socket.try_recv(&mut bufs, &mut datagrams).is_ok_and(|n| n > 0)
                {}
                let mut batch: Vec<(Bytes, ndn_fw::LinkFields)> = Vec::new();
                let mut batch_face = None;
                for (frame, from) in datagrams.drain(..) {
                    if peers.get_mut(&from).is_some_and(PeerFace::is_closed) {
                        peers.remove(&from);
                    }
                    let peer = match peers.entry(from) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let created = create_peer(
                                &socket, local, from, FacePersistency::OnDemand, &fw, &opts,
                            )
                            .await;
                            match created {
                                Some(p) => e.insert(p),
                                None => return,
                            }
                        }
                    };
                    peer.last_seen = now;
                    peer.stats.add_in(frame.len());
                    if let Some(f) = batch_face
                        && f != peer.id
                        && !fw.packets(f, std::mem::take(&mut batch)).await
                    {
                        return;
                    }
                    batch_face = Some(peer.id);
                    let received = peer.receiver.receive(now, frame);
                    peer.stats.record_control(peer.receiver.take_control());
                    fw.link_control(peer.id, &peer.stats, matches!(received, Ok(Some(_))))
                        .await;
                    match received {
                        Ok(Some(p)) => batch.push(p),
                        Ok(None) => {}
                        Err(_) => {
                            peer.stats
                                .malformed
                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            fw.malformed(peer.id).await;
                        }
                    }
                }
                if let Some(f) = batch_face
                    && !fw.packets(f, batch).await
                {
                    return;
                }
            }
            Some(request) = commands.recv() => {
                let create = |remote, persistency| {
                    create_peer(&socket, local, remote, persistency, &fw, &opts)
                };
                answer_connect(&mut peers, request, create).await;
            }
            _ = sweep.tick() => {
                sweep_peers(&mut peers, opts.face.clock.now(), opts.idle_timeout, &fw).await;
            }
        }
    }
}
