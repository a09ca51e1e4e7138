//! NDN TLV encoding (NDN Packet Format v0.3, "TLV Encoding").
//!
//! A TLV element is TLV-TYPE, TLV-LENGTH (both VAR-NUMBER) and TLV-VALUE. VAR-NUMBER is 1, 3, 5
//! or 9 bytes: a first octet below 253 is the number itself; 253, 254 and 255 announce a 2, 4 or
//! 8-byte big-endian number. This module decodes only the shortest form (so that a Name's
//! canonical order is the byte order of its TLV-VALUE, and a decode/encode round trip is exact)
//! and always encodes the shortest form.

pub mod types;

mod error;
mod reader;
mod writer;

pub use error::DecodeError;
pub use reader::{Element, Reader};
pub use writer::{
    nonneg_len, put_nonneg, put_nonneg_tlv, put_tlv, put_tlv_header, put_var_number, tlv_len,
    var_number_len,
};

/// Decode a NonNegativeInteger (PF "Non-Negative Integer Encoding"): 1, 2, 4 or 8 bytes,
/// big-endian. Any other length is invalid.
pub fn decode_nonneg(value: &[u8]) -> Option<u64> {
    match *value {
        [a] => Some(u64::from(a)),
        [a, b] => Some(u64::from(u16::from_be_bytes([a, b]))),
        [a, b, c, d] => Some(u64::from(u32::from_be_bytes([a, b, c, d]))),
        [a, b, c, d, e, f, g, h] => Some(u64::from_be_bytes([a, b, c, d, e, f, g, h])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    #[test]
    fn var_number_boundaries_round_trip() {
        for (n, len) in [
            (0u64, 1usize),
            (252, 1),
            (253, 3),
            (0xFFFF, 3),
            (0x1_0000, 5),
            (0xFFFF_FFFF, 5),
            (0x1_0000_0000, 9),
            (u64::MAX, 9),
        ] {
            let mut buf = BytesMut::new();
            put_var_number(&mut buf, n);
            assert_eq!(buf.len(), len, "length of {n}");
            assert_eq!(var_number_len(n), len);
            let mut r = Reader::new(&buf);
            assert_eq!(r.read_var_number().unwrap(), n);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn non_minimal_var_number_is_rejected() {
        let mut r = Reader::new(&[0xFD, 0x00, 0x05]);
        assert!(matches!(
            r.read_var_number(),
            Err(DecodeError::NonMinimalVarNumber { offset: 0 })
        ));
    }

    #[test]
    fn nonneg_lengths() {
        assert_eq!(decode_nonneg(&[7]), Some(7));
        assert_eq!(decode_nonneg(&[1, 0]), Some(256));
        assert_eq!(decode_nonneg(&[0, 1, 0, 0]), Some(65536));
        assert_eq!(decode_nonneg(&[0, 0, 0, 1, 0, 0, 0, 0]), Some(1 << 32));
        assert_eq!(decode_nonneg(&[]), None);
        assert_eq!(decode_nonneg(&[1, 2, 3]), None);
        for n in [0u64, 255, 256, 65535, 65536, 1 << 32, u64::MAX] {
            let mut buf = BytesMut::new();
            put_nonneg(&mut buf, n);
            assert_eq!(buf.len(), nonneg_len(n));
            assert_eq!(decode_nonneg(&buf), Some(n));
        }
    }

    #[test]
    fn element_reports_offsets() {
        // outer element 0x05 len 4 containing 0x0A len 2
        let wire = [0x05, 0x04, 0x0A, 0x02, 0xAB, 0xCD];
        let mut r = Reader::new(&wire);
        let e = r.read_element().unwrap();
        assert_eq!(e.tlv_type, 5);
        assert_eq!(e.offset, 0);
        assert_eq!(e.value_offset, 2);
        assert_eq!(e.end, 6);
        let mut inner = e.reader();
        let n = inner.read_element().unwrap();
        assert_eq!(n.tlv_type, 0x0A);
        assert_eq!(n.offset, 2);
        assert_eq!(n.value, &[0xAB, 0xCD]);
    }

    #[test]
    fn elements_with_long_numbers_and_their_errors() {
        // 3-byte type and length (fast path), 5-byte length (general path)
        let mut wire = BytesMut::new();
        put_tlv(&mut wire, 0x0320, &[7; 300]);
        put_tlv(&mut wire, 0x1_0000, &[8; 70_000]);
        put_tlv(&mut wire, 5, &[]);
        let mut r = Reader::new(&wire);
        let a = r.read_element().unwrap();
        assert_eq!(
            (a.tlv_type, a.value.len(), a.value_offset, a.end),
            (0x0320, 300, 6, 306)
        );
        let b = r.read_element().unwrap();
        assert_eq!(
            (b.tlv_type, b.value.len(), b.offset),
            (0x1_0000, 70_000, 306)
        );
        assert_eq!(b.value_offset, 306 + 5 + 5);
        let c = r.read_element().unwrap();
        assert_eq!((c.tlv_type, c.value.len()), (5, 0));
        assert!(r.is_empty());
        // non-minimal 3-byte type, and a truncated 3-byte length: errors, reader unmoved
        for (bad, want) in [
            (
                &[0xFD, 0x00, 0x05, 0x00][..],
                DecodeError::NonMinimalVarNumber { offset: 0 },
            ),
            (
                &[0x05, 0xFD, 0x01][..],
                DecodeError::Truncated { offset: 1 },
            ),
            (&[0x05][..], DecodeError::Truncated { offset: 1 }),
        ] {
            let mut r = Reader::new(bad);
            assert_eq!(r.read_element(), Err(want));
            assert_eq!(r.offset(), 0);
        }
    }

    #[test]
    fn length_past_end_is_truncated() {
        let mut r = Reader::new(&[0x05, 0x05, 0x00]);
        assert!(matches!(
            r.read_element(),
            Err(DecodeError::LengthExceedsBuffer { tlv_type: 5, .. })
        ));
    }
}
