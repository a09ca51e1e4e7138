//! Encoding helpers: sizes first, then writes into a `BufMut`, always in the shortest form.

use bytes::BufMut;

/// Encoded size of a VAR-NUMBER.
#[inline]
pub const fn var_number_len(n: u64) -> usize {
    if n < 253 {
        1
    } else if n <= 0xFFFF {
        3
    } else if n <= 0xFFFF_FFFF {
        5
    } else {
        9
    }
}

/// Write a VAR-NUMBER in its shortest form.
#[inline]
pub fn put_var_number(buf: &mut impl BufMut, n: u64) {
    if n < 253 {
        buf.put_u8(n as u8);
    } else if n <= 0xFFFF {
        buf.put_u8(253);
        buf.put_u16(n as u16);
    } else if n <= 0xFFFF_FFFF {
        buf.put_u8(254);
        buf.put_u32(n as u32);
    } else {
        buf.put_u8(255);
        buf.put_u64(n);
    }
}

/// Encoded size of a whole TLV element whose TLV-VALUE has `value_len` bytes.
#[inline]
pub const fn tlv_len(tlv_type: u64, value_len: usize) -> usize {
    var_number_len(tlv_type) + var_number_len(value_len as u64) + value_len
}

/// Write TLV-TYPE and TLV-LENGTH.
#[inline]
pub fn put_tlv_header(buf: &mut impl BufMut, tlv_type: u64, value_len: usize) {
    put_var_number(buf, tlv_type);
    put_var_number(buf, value_len as u64);
}

/// Write a whole TLV element.
#[inline]
pub fn put_tlv(buf: &mut impl BufMut, tlv_type: u64, value: &[u8]) {
    put_tlv_header(buf, tlv_type, value.len());
    buf.put_slice(value);
}

/// Encoded size of a NonNegativeInteger (1, 2, 4 or 8 bytes).
#[inline]
pub const fn nonneg_len(n: u64) -> usize {
    if n <= 0xFF {
        1
    } else if n <= 0xFFFF {
        2
    } else if n <= 0xFFFF_FFFF {
        4
    } else {
        8
    }
}

/// Write a NonNegativeInteger in its shortest form.
#[inline]
pub fn put_nonneg(buf: &mut impl BufMut, n: u64) {
    match nonneg_len(n) {
        1 => buf.put_u8(n as u8),
        2 => buf.put_u16(n as u16),
        4 => buf.put_u32(n as u32),
        _ => buf.put_u64(n),
    }
}

/// Write a TLV element whose value is a NonNegativeInteger.
#[inline]
pub fn put_nonneg_tlv(buf: &mut impl BufMut, tlv_type: u64, n: u64) {
    put_tlv_header(buf, tlv_type, nonneg_len(n));
    put_nonneg(buf, n);
}
