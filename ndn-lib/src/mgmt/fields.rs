//! Shared decode and encode helpers for the management records (crate-private).

use bytes::{BufMut, Bytes};

use crate::name::Name;
use crate::tlv::{self, DecodeError, Element, Reader, types as tt};

/// Walk the elements read by `r` (usually a record's TLV-VALUE) under the PF evolvability rule for records whose fields
/// have a fixed order: `order` lists the recognized TLV-TYPEs in spec order. A recognized element
/// must come after the previous recognized one (types in `repeatable` may also repeat in place);
/// an element out of order, a second copy, or an unknown type counts as unrecognized and is
/// skipped unless critical. `on` receives each accepted element.
pub(crate) fn walk_ordered<'a>(
    r: Reader<'a>,
    parent: &'static str,
    order: &[u64],
    repeatable: &[u64],
    mut on: impl FnMut(&Element<'a>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    let mut last: Option<usize> = None;
    for el in r {
        let el = el?;
        let accepted = match order.iter().position(|&t| t == el.tlv_type) {
            Some(i) => match last {
                None => true,
                Some(l) => i > l || (i == l && repeatable.contains(&el.tlv_type)),
            }
            .then_some(i),
            None => None,
        };
        match accepted {
            Some(i) => {
                last = Some(i);
                on(&el)?;
            }
            None => el.ignore_unless_critical(parent)?,
        }
    }
    Ok(())
}

/// The TLV-VALUE of `e` as a slice of `wire`, checking that `e` really lies inside `wire`.
pub(crate) fn value_bytes(e: &Element<'_>, wire: &Bytes) -> Result<Bytes, DecodeError> {
    if e.value_offset <= e.end && e.end <= wire.len() {
        Ok(wire.slice(e.value_offset..e.end))
    } else {
        Err(DecodeError::InvalidValue {
            element: "element",
            offset: e.offset,
            reason: "element does not lie inside the given buffer",
        })
    }
}

/// A whole Name element `e` (type 7) of `wire`.
pub(crate) fn name(e: &Element<'_>, wire: &Bytes) -> Result<Name, DecodeError> {
    Name::decode_value(value_bytes(e, wire)?, e.value_offset)
}

/// The single Name inside an element such as Strategy (MGMT: `Strategy = STRATEGY-TYPE
/// TLV-LENGTH Name`). Further non-critical elements are ignored.
pub(crate) fn nested_name(
    e: &Element<'_>,
    wire: &Bytes,
    parent: &'static str,
) -> Result<Name, DecodeError> {
    let mut r = e.reader();
    if r.is_empty() {
        return Err(DecodeError::Missing {
            element: "Name",
            parent,
        });
    }
    let n = r.expect_element(tt::NAME, "Name")?;
    for rest in r {
        rest?.ignore_unless_critical(parent)?;
    }
    name(&n, wire)
}

/// A UTF-8 string value (Uri, LocalUri, StatusText, NfdVersion, UriScheme).
pub(crate) fn string(e: &Element<'_>, element: &'static str) -> Result<String, DecodeError> {
    String::from_utf8(e.value.to_vec()).map_err(|_| DecodeError::InvalidValue {
        element,
        offset: e.offset,
        reason: "not valid UTF-8",
    })
}

/// A value that must be one of a closed set of codes.
pub(crate) fn enumerated<T: TryFrom<u64>>(
    e: &Element<'_>,
    element: &'static str,
) -> Result<T, DecodeError> {
    T::try_from(e.nonneg(element)?).map_err(|_| DecodeError::InvalidValue {
        element,
        offset: e.offset,
        reason: "unknown value",
    })
}

/// Error for a record that lacks a required field.
pub(crate) fn missing(element: &'static str, parent: &'static str) -> DecodeError {
    DecodeError::Missing { element, parent }
}

/// Unwrap a required field decoded earlier.
pub(crate) fn required<T>(
    v: Option<T>,
    element: &'static str,
    parent: &'static str,
) -> Result<T, DecodeError> {
    v.ok_or(missing(element, parent))
}

/// Size of a NonNegativeInteger element.
pub(crate) fn nonneg_tlv_len(tlv_type: u64, n: u64) -> usize {
    tlv::tlv_len(tlv_type, tlv::nonneg_len(n))
}

/// Size of an optional NonNegativeInteger element (0 when absent).
pub(crate) fn opt_nonneg_tlv_len(tlv_type: u64, n: Option<u64>) -> usize {
    n.map_or(0, |n| nonneg_tlv_len(tlv_type, n))
}

/// Write an optional NonNegativeInteger element.
pub(crate) fn put_opt_nonneg(buf: &mut impl BufMut, tlv_type: u64, n: Option<u64>) {
    if let Some(n) = n {
        tlv::put_nonneg_tlv(buf, tlv_type, n);
    }
}

/// Size of an element holding bytes or a string.
pub(crate) fn bytes_tlv_len(tlv_type: u64, value: &[u8]) -> usize {
    tlv::tlv_len(tlv_type, value.len())
}

/// Size of an optional string element (0 when absent).
pub(crate) fn opt_str_tlv_len(tlv_type: u64, s: Option<&String>) -> usize {
    s.map_or(0, |s| bytes_tlv_len(tlv_type, s.as_bytes()))
}

/// Write an optional string element.
pub(crate) fn put_opt_str(buf: &mut impl BufMut, tlv_type: u64, s: Option<&String>) {
    if let Some(s) = s {
        tlv::put_tlv(buf, tlv_type, s.as_bytes());
    }
}

/// Size of an element that wraps one Name (Strategy).
pub(crate) fn nested_name_len(tlv_type: u64, n: &Name) -> usize {
    tlv::tlv_len(tlv_type, n.encoded_len())
}

/// Write an element that wraps one Name (Strategy).
pub(crate) fn put_nested_name(buf: &mut impl BufMut, tlv_type: u64, n: &Name) {
    tlv::put_tlv_header(buf, tlv_type, n.encoded_len());
    n.encode_to(buf);
}
