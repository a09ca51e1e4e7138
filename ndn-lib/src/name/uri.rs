//! The NDN URI form of names (PF 2.1 "NDN URI Scheme", naming conventions rev 3).

use std::fmt::{self, Write};

use crate::tlv::{decode_nonneg, types as tt};

/// Why a string is not an NDN name URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// The URI does not start with `/` (after an optional `ndn:` scheme).
    #[error("a name URI must start with '/': {uri:?}")]
    NotAbsolute {
        /// The offending text.
        uri: String,
    },
    /// A `%` is not followed by two hexadecimal digits.
    #[error("bad percent-escape in component {component:?}")]
    BadEscape {
        /// The offending component text.
        component: String,
    },
    /// A component is `.` or `..` (three more periods are needed to mean a value of periods).
    #[error("component {component:?} is a relative path step; write three more periods")]
    PeriodsOnly {
        /// The offending component text.
        component: String,
    },
    /// A typed component's value does not fit its type.
    #[error("invalid value in component {component:?}: {reason}")]
    BadTypedValue {
        /// The offending component text.
        component: String,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Characters written as themselves in a component (RFC 3986 "unreserved").
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn write_escaped(f: &mut impl Write, value: &[u8]) -> fmt::Result {
    if value.iter().all(|&b| b == b'.') {
        // a value of zero or more periods gets three more, to tell it from `.` and `..`
        for _ in 0..value.len() + 3 {
            f.write_char('.')?;
        }
        return Ok(());
    }
    for &b in value {
        if is_unreserved(b) {
            f.write_char(char::from(b))?;
        } else {
            write!(f, "%{b:02X}")?;
        }
    }
    Ok(())
}

fn write_hex(f: &mut impl Write, value: &[u8]) -> fmt::Result {
    for b in value {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// Write one component in its canonical URI form.
pub(super) fn write_component(f: &mut impl Write, typ: u16, value: &[u8]) -> fmt::Result {
    let t = u64::from(typ);
    let number_prefix = match t {
        tt::SEGMENT_NAME_COMPONENT => Some("seg="),
        tt::BYTE_OFFSET_NAME_COMPONENT => Some("off="),
        tt::VERSION_NAME_COMPONENT => Some("v="),
        tt::TIMESTAMP_NAME_COMPONENT => Some("t="),
        tt::SEQUENCE_NUM_NAME_COMPONENT => Some("seq="),
        _ => None,
    };
    // only the shortest NonNegativeInteger gets the typed form: `seg=5` parses back to one
    // byte, so a two-byte 0x0005 must print as `50=%00%05` to round-trip
    if let (Some(p), Some(n)) = (number_prefix, decode_nonneg(value))
        && crate::tlv::nonneg_len(n) == value.len()
    {
        return write!(f, "{p}{n}");
    }
    match t {
        tt::GENERIC_NAME_COMPONENT => write_escaped(f, value),
        tt::IMPLICIT_SHA256_DIGEST_COMPONENT if value.len() == 32 => {
            f.write_str("sha256digest=")?;
            write_hex(f, value)
        }
        tt::PARAMETERS_SHA256_DIGEST_COMPONENT if value.len() == 32 => {
            f.write_str("params-sha256=")?;
            write_hex(f, value)
        }
        _ => {
            write!(f, "{typ}=")?;
            write_escaped(f, value)
        }
    }
}

fn unescape(text: &str) -> Result<Vec<u8>, UriError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| UriError::BadEscape {
                    component: text.to_owned(),
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

fn parse_hex32(component: &str, hex: &str) -> Result<Vec<u8>, UriError> {
    let bad = |reason| UriError::BadTypedValue {
        component: component.to_owned(),
        reason,
    };
    if hex.len() != 64 {
        return Err(bad("a SHA-256 digest is 64 hexadecimal digits"));
    }
    (0..32)
        .map(|i| {
            hex.get(2 * i..2 * i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad("not hexadecimal"))
        })
        .collect()
}

/// Parse one component's URI text into (type, value).
pub(super) fn parse_component(text: &str) -> Result<(u16, Vec<u8>), UriError> {
    if let Some((label, rest)) = text.split_once('=') {
        let number_type = match label {
            "seg" => Some(tt::SEGMENT_NAME_COMPONENT),
            "off" => Some(tt::BYTE_OFFSET_NAME_COMPONENT),
            "v" => Some(tt::VERSION_NAME_COMPONENT),
            "t" => Some(tt::TIMESTAMP_NAME_COMPONENT),
            "seq" => Some(tt::SEQUENCE_NUM_NAME_COMPONENT),
            _ => None,
        };
        if let Some(t) = number_type {
            let n: u64 = rest.parse().map_err(|_| UriError::BadTypedValue {
                component: text.to_owned(),
                reason: "expected a decimal number",
            })?;
            let mut v = Vec::with_capacity(8);
            crate::tlv::put_nonneg(&mut v, n);
            return Ok((t as u16, v));
        }
        match label {
            "sha256digest" => {
                return Ok((
                    tt::IMPLICIT_SHA256_DIGEST_COMPONENT as u16,
                    parse_hex32(text, rest)?,
                ));
            }
            "params-sha256" => {
                return Ok((
                    tt::PARAMETERS_SHA256_DIGEST_COMPONENT as u16,
                    parse_hex32(text, rest)?,
                ));
            }
            _ => {}
        }
        if !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()) {
            let typ = label
                .parse::<u16>()
                .ok()
                .filter(|&t| t != 0)
                .ok_or_else(|| UriError::BadTypedValue {
                    component: text.to_owned(),
                    reason: "component type must be 1..=65535",
                })?;
            let value = parse_generic_value(text, rest)?;
            return Ok((typ, value));
        }
    }
    Ok((
        tt::GENERIC_NAME_COMPONENT as u16,
        parse_generic_value(text, text)?,
    ))
}

fn parse_generic_value(component: &str, text: &str) -> Result<Vec<u8>, UriError> {
    let value = unescape(text)?;
    if value.iter().all(|&b| b == b'.') {
        if value.len() < 3 {
            return Err(UriError::PeriodsOnly {
                component: component.to_owned(),
            });
        }
        return Ok(value[3..].to_vec());
    }
    Ok(value)
}

/// Split a URI into its component texts, after checking the scheme and leading slash.
pub(super) fn split_uri(uri: &str) -> Result<impl Iterator<Item = &str>, UriError> {
    let path = uri.strip_prefix("ndn:").unwrap_or(uri);
    // a query or fragment is not part of the name
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let Some(path) = path.strip_prefix('/') else {
        return Err(UriError::NotAbsolute {
            uri: uri.to_owned(),
        });
    };
    // `ndn://authority/...` is not used by NDN; an empty authority is tolerated
    let path = path.strip_prefix('/').unwrap_or(path);
    Ok(path.split('/').filter(|c| !c.is_empty()))
}
