//! Network-layer packets: Interest and Data (PF 3, 4) and their signature elements (PF 5).

mod data;
mod interest;
mod prefix_announcement;
mod signature_info;

pub use data::{Data, DataBuilder, content_type};
pub use interest::{DEFAULT_LIFETIME_MS, Interest, InterestBuilder};
pub use prefix_announcement::PrefixAnnouncement;
pub use signature_info::{
    KeyLocator, SignatureInfo, ValidityPeriod, format_iso8601, parse_iso8601, signature_type,
};

use bytes::Bytes;

use crate::tlv::{DecodeError, Reader, types as tt};

/// An Interest or a Data.
#[derive(Debug, Clone)]
pub enum Packet {
    /// An Interest.
    Interest(Interest),
    /// A Data.
    Data(Data),
}

impl Packet {
    /// Decode an Interest or Data that fills `wire` exactly.
    pub fn decode(wire: Bytes) -> Result<Packet, DecodeError> {
        match Reader::new(&wire).peek_type() {
            Some(tt::INTEREST) => Interest::decode(wire).map(Packet::Interest),
            Some(tt::DATA) => Data::decode(wire).map(Packet::Data),
            Some(t) => Err(DecodeError::UnexpectedType {
                expected: "Interest or Data",
                expected_type: tt::INTEREST,
                found: t,
                offset: 0,
            }),
            None => Err(DecodeError::Truncated { offset: 0 }),
        }
    }

    /// The packet's name.
    pub fn name(&self) -> &crate::Name {
        match self {
            Packet::Interest(i) => i.name(),
            Packet::Data(d) => d.name(),
        }
    }

    /// The packet's wire.
    pub fn wire(&self) -> &Bytes {
        match self {
            Packet::Interest(i) => i.wire(),
            Packet::Data(d) => d.wire(),
        }
    }
}
