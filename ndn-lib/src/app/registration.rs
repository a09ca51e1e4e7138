//! Receiving and answering Interests under a prefix.

use bytes::Bytes;
use tokio::sync::mpsc;

use super::dispatch::Command;
use super::error::{ControlError, FaceClosed};
use super::face::Face;
use crate::lp::{LpPacket, NackReason};
use crate::name::Name;
use crate::packet::Interest;

/// Interests under a prefix, from [`Face::register`] or [`Face::listen`]. Dropping it stops
/// the delivery (the route stays until [`unregister`](Self::unregister) or the connection
/// closes).
#[derive(Debug)]
pub struct Registration {
    face: Face,
    id: u64,
    prefix: Name,
    rx: mpsc::Receiver<(Interest, Responder)>,
    routed: bool,
}

impl Registration {
    pub(crate) fn new(
        face: Face,
        id: u64,
        prefix: Name,
        rx: mpsc::Receiver<(Interest, Responder)>,
    ) -> Self {
        Registration {
            face,
            id,
            prefix,
            rx,
            routed: false,
        }
    }

    pub(crate) fn set_routed(&mut self) {
        self.routed = true;
    }

    /// The next Interest and a [`Responder`] for it; `None` once the connection is closed.
    pub async fn recv(&mut self) -> Option<(Interest, Responder)> {
        self.rx.recv().await
    }

    /// Interests received and waiting to be taken with [`recv`](Self::recv): a producer that
    /// falls behind sees it grow (and can shed load, e.g. with a Congestion Nack).
    pub fn backlog(&self) -> usize {
        self.rx.len()
    }

    /// The prefix.
    pub fn prefix(&self) -> &Name {
        &self.prefix
    }

    /// The face it belongs to.
    pub fn face(&self) -> &Face {
        &self.face
    }

    /// Stop receiving and, if the prefix was registered, remove the route.
    pub async fn unregister(self) -> Result<(), ControlError> {
        if self.routed {
            self.face.unregister(&self.prefix).await?;
        }
        Ok(())
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let _ = self
            .face
            .shared
            .commands
            .send(Command::RemoveFilter { id: self.id });
    }
}

/// Answers one incoming Interest (echoing its NDNLPv2 PIT token, if it had one).
#[derive(Debug, Clone)]
pub struct Responder {
    pub(crate) outgoing: mpsc::UnboundedSender<Bytes>,
    pub(crate) pit_token: Option<Bytes>,
    pub(crate) interest: Interest,
}

impl Responder {
    fn wrap(&self, lp: LpPacket) -> Bytes {
        LpPacket {
            pit_token: self.pit_token.clone(),
            ..lp
        }
        .to_link_wire()
    }

    /// Send a Data wire in reply.
    pub fn respond(&self, data: Bytes) -> Result<(), FaceClosed> {
        let wire = self.wrap(LpPacket::from_fragment(data));
        self.outgoing.send(wire).map_err(|_| FaceClosed)
    }

    /// Reply with a Nack.
    pub fn nack(&self, reason: NackReason) -> Result<(), FaceClosed> {
        let wire = self.wrap(LpPacket {
            nack: Some(reason),
            ..LpPacket::from_fragment(self.interest.wire().clone())
        });
        self.outgoing.send(wire).map_err(|_| FaceClosed)
    }

    /// The Interest being answered.
    pub fn interest(&self) -> &Interest {
        &self.interest
    }
}
