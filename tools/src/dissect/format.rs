//! Small formatting helpers shared by the text and JSON views.

use ndn::lp::NackReason;
use ndn::packet::{content_type, signature_type};
use ndn::tlv::types as tt;

/// Values at most this long that are all printable ASCII are shown as text.
const SHORT_TEXT: usize = 64;

/// A NonNegativeInteger (1, 2, 4 or 8 bytes, big-endian).
pub(crate) fn nonneg(value: &[u8]) -> Option<u64> {
    ndn::tlv::decode_nonneg(value)
}

/// The NDNLPv2 header type an LpPacket field means: some encoders write 0x03xx as the number
/// 0xFD03xx (the bytes of the 3-byte VAR-NUMBER read as the number).
pub(crate) fn lp_type(t: u64) -> u64 {
    if (0xFD_0320..=0xFD_03BF).contains(&t) {
        t & 0xFFFF
    } else {
        t
    }
}

/// Text in quotes for short printable values, `(empty)` for none, hex otherwise (cut after
/// `max_bytes` bytes unless it is 0).
pub(crate) fn blob(value: &[u8], max_bytes: usize) -> String {
    if value.is_empty() {
        return "(empty)".to_owned();
    }
    if value.len() <= SHORT_TEXT && value.iter().all(|b| (0x20..=0x7E).contains(b)) {
        let text: String = value.iter().map(|&b| char::from(b)).collect();
        return format!("{text:?}");
    }
    if max_bytes == 0 || value.len() <= max_bytes {
        return hex::encode(value);
    }
    let shown = value.get(..max_bytes).unwrap_or(value);
    format!(
        "{} ... ({} more bytes)",
        hex::encode(shown),
        value.len() - max_bytes
    )
}

/// A unit or meaning to print after a number of the given TLV-TYPE, e.g. ` ms` or ` (Ed25519)`.
pub(crate) fn number_note(tlv_type: u64, n: u64) -> String {
    match tlv_type {
        tt::INTEREST_LIFETIME | tt::FRESHNESS_PERIOD | tt::EXPIRATION_PERIOD => " ms".to_owned(),
        tt::SIGNATURE_TIME => " ms since the Unix epoch".to_owned(),
        tt::BASE_CONGESTION_MARKING_INTERVAL => " ns".to_owned(),
        tt::CONTENT_TYPE => note(content_type_name(n)),
        tt::SIGNATURE_TYPE => note(signature_type_name(n)),
        tt::LP_NACK_REASON => match NackReason::from_code(n) {
            NackReason::Other(_) => String::new(),
            r => format!(" ({r})"),
        },
        tt::LP_CACHE_POLICY_TYPE if n == ndn::lp::CACHE_POLICY_NO_CACHE => " (NoCache)".to_owned(),
        tt::FACE_PERSISTENCY => note(match n {
            0 => Some("persistent"),
            1 => Some("on-demand"),
            2 => Some("permanent"),
            _ => None,
        }),
        _ => String::new(),
    }
}

fn note(name: Option<&str>) -> String {
    name.map(|n| format!(" ({n})")).unwrap_or_default()
}

/// The name of a ContentType value (PF 4.2.1).
pub(crate) fn content_type_name(n: u64) -> Option<&'static str> {
    Some(match n {
        content_type::BLOB => "Blob",
        content_type::LINK => "Link",
        content_type::KEY => "Key",
        content_type::NACK => "Nack",
        content_type::PREFIX_ANN => "PrefixAnn",
        _ => return None,
    })
}

/// The name of a SignatureType value (PF 5.2.1).
pub(crate) fn signature_type_name(n: u64) -> Option<&'static str> {
    Some(match n {
        signature_type::DIGEST_SHA256 => "DigestSha256",
        signature_type::SHA256_WITH_RSA => "SignatureSha256WithRsa",
        signature_type::SHA256_WITH_ECDSA => "SignatureSha256WithEcdsa",
        signature_type::HMAC_WITH_SHA256 => "SignatureHmacWithSha256",
        signature_type::ED25519 => "SignatureEd25519",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs() {
        assert_eq!(blob(b"", 8), "(empty)");
        assert_eq!(blob(b"hello \"x\"", 8), "\"hello \\\"x\\\"\"");
        assert_eq!(blob(&[0, 1, 2], 8), "000102");
        assert_eq!(blob(&[0, 1, 2], 2), "0001 ... (1 more bytes)");
        assert_eq!(blob(&[0, 1, 2], 0), "000102");
    }

    #[test]
    fn notes() {
        assert_eq!(number_note(tt::SIGNATURE_TYPE, 5), " (SignatureEd25519)");
        assert_eq!(number_note(tt::SIGNATURE_TYPE, 99), "");
        assert_eq!(number_note(tt::LP_NACK_REASON, 150), " (NoRoute)");
        assert_eq!(number_note(tt::INTEREST_LIFETIME, 1), " ms");
        assert_eq!(number_note(tt::HOP_LIMIT, 1), "");
        assert_eq!(lp_type(0xFD_0320), 0x0320);
        assert_eq!(lp_type(0x50), 0x50);
    }
}
