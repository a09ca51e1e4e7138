//! A borrowed view of one name component (PF 2.1 "NameComponent").

use std::cmp::Ordering;
use std::fmt;

use crate::tlv::{decode_nonneg, types as tt};

/// One name component: its TLV-TYPE (1..=65535) and TLV-VALUE, borrowed from a [`Name`](super::Name).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Component<'a> {
    pub(super) typ: u16,
    pub(super) value: &'a [u8],
    pub(super) tlv: &'a [u8],
}

impl<'a> Component<'a> {
    /// The TLV-TYPE of this component.
    pub fn typ(&self) -> u16 {
        self.typ
    }

    /// The TLV-VALUE of this component.
    pub fn value(&self) -> &'a [u8] {
        self.value
    }

    /// The whole encoded component (TLV-TYPE, TLV-LENGTH, TLV-VALUE).
    pub fn tlv(&self) -> &'a [u8] {
        self.tlv
    }

    /// True for a GenericNameComponent (type 8).
    pub fn is_generic(&self) -> bool {
        u64::from(self.typ) == tt::GENERIC_NAME_COMPONENT
    }

    fn typed_number(&self, typ: u64) -> Option<u64> {
        if u64::from(self.typ) == typ {
            decode_nonneg(self.value)
        } else {
            None
        }
    }

    /// The segment number of a SegmentNameComponent (`seg=`).
    pub fn as_segment(&self) -> Option<u64> {
        self.typed_number(tt::SEGMENT_NAME_COMPONENT)
    }

    /// The version of a VersionNameComponent (`v=`).
    pub fn as_version(&self) -> Option<u64> {
        self.typed_number(tt::VERSION_NAME_COMPONENT)
    }

    /// The version of a generic component in the marker form of the first NDN naming
    /// conventions, `%FD` then a NonNegativeInteger (`%FD%03` is version 3), which older
    /// configurations and scripts still write and ndn-cxx still reads.
    pub fn as_version_marker(&self) -> Option<u64> {
        match self.value.split_first() {
            Some((0xFD, number)) if self.is_generic() => decode_nonneg(number),
            _ => None,
        }
    }

    /// The offset of a ByteOffsetNameComponent (`off=`).
    pub fn as_byte_offset(&self) -> Option<u64> {
        self.typed_number(tt::BYTE_OFFSET_NAME_COMPONENT)
    }

    /// The timestamp (microseconds since the Unix epoch) of a TimestampNameComponent (`t=`).
    pub fn as_timestamp(&self) -> Option<u64> {
        self.typed_number(tt::TIMESTAMP_NAME_COMPONENT)
    }

    /// The number of a SequenceNumNameComponent (`seq=`).
    pub fn as_sequence_num(&self) -> Option<u64> {
        self.typed_number(tt::SEQUENCE_NUM_NAME_COMPONENT)
    }

    /// True for an ImplicitSha256DigestComponent.
    pub fn is_implicit_digest(&self) -> bool {
        u64::from(self.typ) == tt::IMPLICIT_SHA256_DIGEST_COMPONENT
    }

    /// True for a ParametersSha256DigestComponent.
    pub fn is_parameters_digest(&self) -> bool {
        u64::from(self.typ) == tt::PARAMETERS_SHA256_DIGEST_COMPONENT
    }

    /// True for a KeywordNameComponent.
    pub fn is_keyword(&self) -> bool {
        u64::from(self.typ) == tt::KEYWORD_NAME_COMPONENT
    }
}

impl PartialOrd for Component<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Component<'_> {
    /// Canonical order (PF 2.1): by TLV-TYPE, then TLV-LENGTH, then TLV-VALUE bytes.
    fn cmp(&self, other: &Self) -> Ordering {
        self.typ
            .cmp(&other.typ)
            .then(self.value.len().cmp(&other.value.len()))
            .then_with(|| self.value.cmp(other.value))
    }
}

impl fmt::Display for Component<'_> {
    /// The URI form of the component (PF 2.1 "NDN URI Scheme").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::uri::write_component(f, self.typ, self.value)
    }
}

impl fmt::Debug for Component<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Component({self})")
    }
}
