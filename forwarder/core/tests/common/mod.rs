//! A socketless harness: one forwarder core, faces, packets in, transmits out, virtual time.

#![allow(dead_code, unreachable_pub)]

use std::time::Duration;

use bytes::Bytes;
use ndn::lp::NackReason;
use ndn::sign::DigestSha256;
use ndn::{DataBuilder, InterestBuilder, Name};
use ndn_fw::{
    FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields, LinkType, OutPacket,
    Transmit,
};

pub fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

pub fn interest(uri: &str, nonce: u32) -> InterestBuilder {
    InterestBuilder::new(name(uri)).nonce(nonce)
}

pub fn data(uri: &str) -> DataBuilder {
    DataBuilder::new(name(uri)).content(Bytes::from_static(b"hello"))
}

pub fn signed(b: DataBuilder) -> Bytes {
    b.sign(&DigestSha256).unwrap()
}

pub struct Harness {
    pub fw: Forwarder,
    pub now: Duration,
}

impl Harness {
    pub fn new() -> Self {
        Self::with_config(ForwarderConfig::default())
    }

    pub fn with_config(config: ForwarderConfig) -> Self {
        Harness {
            fw: Forwarder::new(config),
            now: Duration::from_secs(1000),
        }
    }

    pub fn face(&mut self, scope: FaceScope, link: LinkType) -> FaceId {
        let n = self.fw.faces().len();
        self.fw.add_face(
            self.now,
            FaceInfo::new(format!("test://{n}"), "test://local", scope).with_link_type(link),
        )
    }

    pub fn remote(&mut self) -> FaceId {
        self.face(FaceScope::NonLocal, LinkType::PointToPoint)
    }

    pub fn local(&mut self) -> FaceId {
        self.face(FaceScope::Local, LinkType::PointToPoint)
    }

    pub fn route(&mut self, prefix: &str, face: FaceId, cost: u64) {
        self.fw.add_next_hop(&name(prefix), face, cost);
    }

    pub fn send(&mut self, face: FaceId, wire: Bytes) {
        self.fw
            .handle_packet(self.now, face, wire, LinkFields::default());
    }

    pub fn send_with(&mut self, face: FaceId, wire: Bytes, link: LinkFields) {
        self.fw.handle_packet(self.now, face, wire, link);
    }

    pub fn send_nack(&mut self, face: FaceId, interest_wire: Bytes, reason: NackReason) {
        let link = LinkFields {
            nack: Some(reason),
            ..Default::default()
        };
        self.fw.handle_packet(self.now, face, interest_wire, link);
    }

    pub fn transmits(&mut self) -> Vec<Transmit> {
        std::iter::from_fn(|| self.fw.poll_transmit()).collect()
    }

    /// Move virtual time forward by `d`, firing every timer due on the way.
    pub fn advance(&mut self, d: Duration) {
        let end = self.now + d;
        while let Some(t) = self.fw.poll_timeout() {
            if t > end {
                break;
            }
            self.now = self.now.max(t);
            self.fw.handle_timeout(self.now);
        }
        self.now = end;
        self.fw.handle_timeout(self.now);
    }
}

/// Faces and kinds of the transmits, for compact assertions.
pub fn summary(ts: &[Transmit]) -> Vec<(FaceId, &'static str)> {
    ts.iter()
        .map(|t| {
            let k = match &t.packet {
                OutPacket::Interest(_) => "interest",
                OutPacket::Data(_) => "data",
                OutPacket::Nack { .. } => "nack",
            };
            (t.face, k)
        })
        .collect()
}

pub fn nack_reason(t: &Transmit) -> Option<NackReason> {
    match &t.packet {
        OutPacket::Nack { reason, .. } => Some(*reason),
        _ => None,
    }
}

pub fn out_interest(t: &Transmit) -> ndn::Interest {
    ndn::Interest::decode(t.packet.wire().clone()).unwrap()
}
