//! The loop of a multi-access face (UDP multicast, Ethernet multicast): one link shared by many
//! peers, frames sent to all of them, each sender's fragments reassembled apart.

use std::future::Future;
use std::hash::Hash;
use std::io;
use std::sync::Arc;

use bytes::Bytes;
use ndn_fw::FaceInfo;
use tokio::sync::mpsc;

use super::stream::FaceOptions;
use super::{FaceStats, ForwarderLink, PeerReceivers};

/// What a multi-access face needs of its link.
pub trait MultiAccessLink: Send + Sync + 'static {
    /// Who sent a frame.
    type Peer: Hash + Eq + Send;

    /// Send one frame to every peer on the link.
    fn send(&self, frame: &[u8]) -> impl Future<Output = io::Result<()>> + Send;

    /// Receive the next frame into `buf`: its length and sender, or `None` for a frame of this
    /// host's own, looped back.
    fn recv(
        &self,
        buf: &mut [u8],
    ) -> impl Future<Output = io::Result<Option<(usize, Self::Peer)>>> + Send;

    /// The frame without what the link added (Ethernet's padding); the frame itself by default.
    fn strip(frame: Bytes) -> Bytes {
        frame
    }
}

/// Run a multi-access face described by `info` over `link` until the forwarder goes away.
pub async fn run<L: MultiAccessLink>(
    link: Arc<L>,
    info: FaceInfo,
    mtu: usize,
    fw: ForwarderLink,
    opts: FaceOptions,
) {
    let (remote, local) = (info.remote_uri.clone(), info.local_uri.clone());
    let (tx, mut rx) = mpsc::channel::<Bytes>(opts.queue_len);
    let stats = Arc::new(FaceStats::default());
    let Some((id, mut close)) = fw.add_face(info, tx, stats.clone(), Some(mtu)).await else {
        return;
    };
    tracing::info!(face = id.0, %remote, %local, mtu, "multi-access face created");
    let wstats = stats.clone();
    let sender = link.clone();
    let writer = tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            match sender.send(&frame).await {
                Ok(()) => wstats.add_out(frame.len()),
                Err(e) => tracing::debug!(face = id.0, error = %e, "send failed"),
            }
        }
    });
    let mut receivers = PeerReceivers::<L::Peer>::default();
    let mut buf = vec![0u8; 65_536];
    loop {
        let (n, from) = tokio::select! {
            _ = &mut close => break,
            r = link.recv(&mut buf) => match r {
                Ok(Some(x)) => x,
                Ok(None) => continue,
                Err(e) => {
                    // an error that repeats (the interface went away) must not spin the loop
                    tracing::debug!(face = id.0, error = %e, "receive failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        stats.add_in(n);
        let frame = L::strip(Bytes::copy_from_slice(buf.get(..n).unwrap_or_default()));
        match receivers.of(from).receive(opts.clock.now(), frame) {
            Ok(Some((wire, fields))) => {
                if !fw.packet(id, wire, fields).await {
                    break;
                }
            }
            Ok(None) => {}
            Err(_) => fw.malformed(id).await,
        }
    }
    writer.abort();
    fw.closed(id).await;
}
