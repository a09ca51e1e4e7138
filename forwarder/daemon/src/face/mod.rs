//! Faces of the daemon: transports (Unix, TCP, UDP, WebSocket) feeding the forwarding task.
//!
//! Each face has a reader side (a task that turns bytes into network-layer packets through the
//! link service and sends them to the forwarding task) and a writer side (a task that drains a
//! bounded queue of link frames into the socket). A slow face fills its own queue and drops its
//! own packets; it never stalls the forwarding task or the other faces.

pub mod configured;
pub mod ethernet;
pub mod interface_filter;
pub mod interfaces;
pub mod multi_access;
pub mod multicast;
pub mod stream;
pub mod udp;
pub mod ws;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use ndn_fw::{FaceId, FaceInfo, LinkFields};

use crate::link::{LinkControl, LinkReceiver};
use tokio::sync::{mpsc, oneshot};

/// Byte and drop counters a face's tasks update and the forwarding task reads.
#[derive(Debug, Default)]
pub struct FaceStats {
    /// Link-layer bytes received.
    pub in_bytes: AtomicU64,
    /// Link-layer bytes sent.
    pub out_bytes: AtomicU64,
    /// Frames dropped because the send queue was full.
    pub queue_drops: AtomicU64,
    /// Frames that could not be decoded.
    pub malformed: AtomicU64,
    /// NDNLPv2 reliability traffic received and not handled yet (TxSequence numbers to
    /// acknowledge, Acks of this side's frames), with a flag the forwarding task can read
    /// without taking the lock.
    pending_control: Mutex<LinkControl>,
    has_control: AtomicBool,
    /// The face's persistency as the core has it (its wire value plus one; 0 until set), for
    /// transports that act on it: an idle UDP face closes only while it is on-demand.
    persistency: AtomicU64,
}

/// Most TxSequence numbers of each kind a face holds; beyond them the peer, or this side,
/// retransmits, which is harmless.
const MAX_PENDING_ACKS: usize = 4096;

impl FaceStats {
    /// Record the face's persistency (the forwarding task copies the core's here).
    pub fn set_persistency(&self, p: ndn_fw::FacePersistency) {
        self.persistency
            .store(u64::from(p).saturating_add(1), Ordering::Relaxed);
    }

    /// The face's persistency, once recorded.
    pub fn persistency(&self) -> Option<ndn_fw::FacePersistency> {
        let v = self.persistency.load(Ordering::Relaxed);
        ndn_fw::FacePersistency::try_from(v.checked_sub(1)?).ok()
    }

    /// Keep the reliability traffic of received frames for the forwarding task.
    pub fn record_control(&self, control: LinkControl) {
        if control.is_empty() {
            return;
        }
        if let Ok(mut pending) = self.pending_control.lock() {
            pending.append(control, MAX_PENDING_ACKS);
            self.has_control.store(true, Ordering::Release);
        }
    }

    /// True when reliability traffic waits to be handled.
    pub fn has_control(&self) -> bool {
        self.has_control.load(Ordering::Acquire)
    }

    /// The reliability traffic to handle now.
    pub fn take_control(&self) -> LinkControl {
        match self.pending_control.lock() {
            Ok(mut pending) => {
                self.has_control.store(false, Ordering::Release);
                std::mem::take(&mut *pending)
            }
            Err(_) => LinkControl::default(),
        }
    }

    /// Add received bytes.
    pub fn add_in(&self, n: usize) {
        self.in_bytes.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Add sent bytes.
    pub fn add_out(&self, n: usize) {
        self.out_bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// The link receivers of a multi-access face, one per sender (each sender's fragments are
/// reassembled apart), bounded so that a noisy segment cannot make it grow without end.
#[derive(Debug)]
pub struct PeerReceivers<K> {
    peers: HashMap<K, LinkReceiver>,
}

impl<K> Default for PeerReceivers<K> {
    fn default() -> Self {
        PeerReceivers {
            peers: HashMap::new(),
        }
    }
}

impl<K: Hash + Eq> PeerReceivers<K> {
    /// Most senders remembered; a new one beyond them starts the set afresh.
    const MAX_PEERS: usize = 1024;

    /// The receiver of `peer`.
    pub fn of(&mut self, peer: K) -> &mut LinkReceiver {
        if self.peers.len() >= Self::MAX_PEERS && !self.peers.contains_key(&peer) {
            self.peers.clear();
        }
        self.peers.entry(peer).or_default()
    }
}

/// A request to a channel (UDP, Ethernet) for the face to one of its peers.
#[derive(Debug)]
pub struct Connect<A> {
    /// The peer.
    pub remote: A,
    /// Persistency of the face, when it is made.
    pub persistency: ndn_fw::FacePersistency,
    /// The face id and whether it existed, or why it failed.
    pub reply: oneshot::Sender<Result<(FaceId, bool), String>>,
}

/// A point-to-point face a channel keeps for one peer: its id, the signal that the forwarder
/// closed it, its link receiver and counters, and when it last heard from the peer.
#[derive(Debug)]
pub struct PeerFace {
    /// The face.
    pub id: FaceId,
    close: oneshot::Receiver<()>,
    /// Decodes the peer's frames.
    pub receiver: LinkReceiver,
    /// Counters shared with the writer.
    pub stats: Arc<FaceStats>,
    /// When a frame came last.
    pub last_seen: std::time::Duration,
}

impl PeerFace {
    /// A face just registered with the forwarder.
    pub fn new(
        id: FaceId,
        close: oneshot::Receiver<()>,
        stats: Arc<FaceStats>,
        now: std::time::Duration,
    ) -> Self {
        PeerFace {
            id,
            close,
            receiver: LinkReceiver::default(),
            stats,
            last_seen: now,
        }
    }

    /// True once the forwarder has closed the face (`faces/destroy`).
    pub fn is_closed(&mut self) -> bool {
        !matches!(
            self.close.try_recv(),
            Err(oneshot::error::TryRecvError::Empty)
        )
    }
}

/// Answer `request` for the face to a peer: the one in `peers`, as NFD keeps it (its
/// persistency stays until a `faces/update` changes it; ndnctl and nfdc send one), or a new one
/// that `create` makes.
pub async fn answer_connect<K, Fut>(
    peers: &mut HashMap<K, PeerFace>,
    request: Connect<K>,
    create: impl FnOnce(K, ndn_fw::FacePersistency) -> Fut,
) where
    K: Copy + Eq + Hash,
    Fut: std::future::Future<Output = Option<PeerFace>>,
{
    let Connect {
        remote,
        persistency,
        reply,
    } = request;
    if peers.get_mut(&remote).is_some_and(PeerFace::is_closed) {
        peers.remove(&remote);
    }
    let result = match peers.get(&remote) {
        Some(p) => Ok((p.id, true)),
        None => match create(remote, persistency).await {
            Some(p) => {
                let id = p.id;
                peers.insert(remote, p);
                Ok((id, false))
            }
            None => Err("forwarder is shutting down".to_owned()),
        },
    };
    let _ = reply.send(result);
}

/// Take out of `peers` the faces the forwarder closed and the on-demand ones idle for
/// `idle_timeout`, telling the forwarder of each; returns how many went.
pub async fn sweep_peers<K: Copy + Eq + Hash + std::fmt::Debug>(
    peers: &mut HashMap<K, PeerFace>,
    now: std::time::Duration,
    idle_timeout: std::time::Duration,
    fw: &ForwarderLink,
) -> usize {
    let mut gone = Vec::new();
    for (peer, p) in peers.iter_mut() {
        if p.is_closed()
            || (p.stats.persistency() == Some(ndn_fw::FacePersistency::OnDemand)
                && now.saturating_sub(p.last_seen) >= idle_timeout)
        {
            gone.push(*peer);
        }
    }
    for peer in &gone {
        if let Some(p) = peers.remove(peer) {
            tracing::info!(face = p.id.0, ?peer, "face closed (idle or destroyed)");
            fw.closed(p.id).await;
        }
    }
    gone.len()
}

/// The forwarding task's handle on a face.
#[derive(Debug)]
pub struct FaceHandle {
    /// Queue of link frames to send.
    pub tx: mpsc::Sender<Bytes>,
    /// Counters shared with the face's tasks.
    pub stats: Arc<FaceStats>,
    /// Link MTU, when the transport is datagram-based.
    pub mtu: Option<usize>,
    /// Dropping this tells the face's tasks to stop.
    pub close: Option<oneshot::Sender<()>>,
}

/// Messages to the forwarding task.
#[derive(Debug)]
pub enum ToForwarder {
    /// A network-layer packet arrived on a face.
    Packet {
        /// The face.
        face: FaceId,
        /// Interest or Data wire (the Interest of a Nack).
        wire: Bytes,
        /// NDNLPv2 fields.
        link: LinkFields,
    },
    /// Several network-layer packets that arrived on a face in one read.
    Packets {
        /// The face.
        face: FaceId,
        /// (wire, NDNLPv2 fields) of each packet, in arrival order.
        packets: Vec<(Bytes, LinkFields)>,
    },
    /// A frame from a face could not be decoded.
    Malformed(FaceId),
    /// Frames of a face carried reliability traffic (TxSequence numbers to acknowledge, Acks)
    /// and no packet went with them (an IDLE frame, or a fragment of a packet not whole yet).
    LinkControl(FaceId),
    /// A transport has a new face; the forwarding task answers with its id.
    AddFace {
        /// What the core needs to know.
        info: FaceInfo,
        /// The send side.
        handle: FaceHandle,
        /// Where to send the id.
        reply: oneshot::Sender<FaceId>,
    },
    /// A face's transport closed.
    FaceClosed(FaceId),
    /// A request for a snapshot of the counters (metrics endpoint).
    Metrics(oneshot::Sender<crate::metrics::Snapshot>),
    /// A face requested through management was created (or not).
    FaceCreated {
        /// The request it answers.
        request: u64,
        /// The face and whether it existed already, or an NFD status code and text.
        result: Result<(FaceId, bool), (u32, String)>,
    },
    /// Apply the reloadable settings of a new configuration; the reply says it is done.
    Reconfigure {
        /// The settings.
        settings: Box<crate::settings::ForwarderSettings>,
        /// Where to say it is done.
        reply: oneshot::Sender<()>,
    },
    /// Install a static route (from the configuration).
    StaticRoute {
        /// Name prefix.
        prefix: ndn::Name,
        /// Next-hop face.
        face: FaceId,
        /// Cost.
        cost: u64,
    },
}

/// The sending side of the forwarding task's queue, with face registration.
#[derive(Debug, Clone)]
pub struct ForwarderLink {
    tx: mpsc::Sender<ToForwarder>,
}

impl ForwarderLink {
    /// Wrap a sender.
    pub fn new(tx: mpsc::Sender<ToForwarder>) -> Self {
        ForwarderLink { tx }
    }

    /// Register a face; returns its id and the signal that it must close, or `None` when the
    /// forwarding task is gone.
    pub async fn add_face(
        &self,
        info: FaceInfo,
        tx: mpsc::Sender<Bytes>,
        stats: Arc<FaceStats>,
        mtu: Option<usize>,
    ) -> Option<(FaceId, oneshot::Receiver<()>)> {
        let (close_tx, close_rx) = oneshot::channel();
        let (reply_tx, reply_rx) = oneshot::channel();
        let handle = FaceHandle {
            tx,
            stats,
            mtu,
            close: Some(close_tx),
        };
        self.tx
            .send(ToForwarder::AddFace {
                info,
                handle,
                reply: reply_tx,
            })
            .await
            .ok()?;
        let id = reply_rx.await.ok()?;
        Some((id, close_rx))
    }

    /// Hand a packet to the forwarding task; false when it is gone.
    pub async fn packet(&self, face: FaceId, wire: Bytes, link: LinkFields) -> bool {
        self.tx
            .send(ToForwarder::Packet { face, wire, link })
            .await
            .is_ok()
    }

    /// Hand several packets to the forwarding task at once; false when it is gone.
    pub async fn packets(&self, face: FaceId, packets: Vec<(Bytes, LinkFields)>) -> bool {
        if packets.is_empty() {
            return true;
        }
        self.tx
            .send(ToForwarder::Packets { face, packets })
            .await
            .is_ok()
    }

    /// Tell the forwarding task that a face has reliability traffic to handle although no
    /// packet goes with it. `received_whole` is whether the frame gave a whole packet (whose
    /// message carries the news anyway).
    pub async fn link_control(&self, face: FaceId, stats: &FaceStats, received_whole: bool) {
        if !received_whole && stats.has_control() {
            let _ = self.tx.send(ToForwarder::LinkControl(face)).await;
        }
    }

    /// Report a malformed frame.
    pub async fn malformed(&self, face: FaceId) {
        let _ = self.tx.send(ToForwarder::Malformed(face)).await;
    }

    /// Report that a face closed.
    pub async fn closed(&self, face: FaceId) {
        let _ = self.tx.send(ToForwarder::FaceClosed(face)).await;
    }

    /// The raw sender.
    pub fn sender(&self) -> &mpsc::Sender<ToForwarder> {
        &self.tx
    }
}
