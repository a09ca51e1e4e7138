//! The common shape of every management element: one TLV whose value is a list of fields.

use bytes::{BufMut, Bytes, BytesMut};

use crate::tlv::{self, DecodeError, Element, Reader};

/// A management element with a fixed outer TLV-TYPE (ControlParameters, FaceStatus, FibEntry,
/// ...): decode from bytes with typed errors, encode in the field order NFD writes.
///
/// Implementors provide the TLV-VALUE codec; the trait supplies whole-element helpers.
pub trait Record: Sized {
    /// The outer TLV-TYPE.
    const TLV_TYPE: u64;
    /// The element's name in the spec, used in errors.
    const NAME: &'static str;

    /// Decode the TLV-VALUE of `e`, an element of type [`Self::TLV_TYPE`]; `wire` is the buffer
    /// that `e`'s offsets refer to (names are sliced from it without copying).
    fn decode_value(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError>;

    /// Size of the TLV-VALUE.
    fn value_len(&self) -> usize;

    /// Write the TLV-VALUE (exactly [`Record::value_len`] bytes).
    fn encode_value(&self, buf: &mut impl BufMut);

    /// Size of the whole element.
    fn encoded_len(&self) -> usize {
        tlv::tlv_len(Self::TLV_TYPE, self.value_len())
    }

    /// Write the whole element.
    fn encode_to(&self, buf: &mut impl BufMut) {
        tlv::put_tlv_header(buf, Self::TLV_TYPE, self.value_len());
        self.encode_value(buf);
    }

    /// The whole element as bytes.
    fn encode(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.encoded_len());
        self.encode_to(&mut buf);
        buf.freeze()
    }

    /// Decode an element `e` of `wire`, checking its type first.
    fn decode_element(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        if e.tlv_type != Self::TLV_TYPE {
            return Err(DecodeError::UnexpectedType {
                expected: Self::NAME,
                expected_type: Self::TLV_TYPE,
                found: e.tlv_type,
                offset: e.offset,
            });
        }
        Self::decode_value(e, wire)
    }

    /// Decode one whole element that fills `wire` exactly.
    fn decode(wire: Bytes) -> Result<Self, DecodeError> {
        let mut r = Reader::new(&wire);
        let e = r.read_element()?;
        if !r.is_empty() {
            return Err(DecodeError::TrailingBytes {
                offset: e.end,
                count: wire.len().saturating_sub(e.end),
            });
        }
        Self::decode_element(&e, &wire)
    }
}
