//! SignatureInfo, KeyLocator and ValidityPeriod (PF 5 "Signature", certificate format v2).

use bytes::{BufMut, Bytes, BytesMut};

use crate::name::Name;
use crate::tlv::{self, DecodeError, Element, Reader, types as tt};

/// Signature types (PF 5.2.1 "SignatureType").
pub mod signature_type {
    /// DigestSha256: a plain SHA-256 digest, integrity only.
    pub const DIGEST_SHA256: u64 = 0;
    /// SignatureSha256WithRsa: RSASSA-PKCS1-v1_5 with SHA-256.
    pub const SHA256_WITH_RSA: u64 = 1;
    /// SignatureSha256WithEcdsa: ECDSA (here P-256) with SHA-256, DER-encoded signature.
    pub const SHA256_WITH_ECDSA: u64 = 3;
    /// SignatureHmacWithSha256: HMAC-SHA-256 with a shared key.
    pub const HMAC_WITH_SHA256: u64 = 4;
    /// SignatureEd25519: Ed25519 (RFC 8032).
    pub const ED25519: u64 = 5;
}

/// Where to find the key that verifies a signature (PF 5.2.2 "KeyLocator").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLocator {
    /// The name of the key or of its certificate.
    Name(Name),
    /// The SHA-256 digest of the public key (or HMAC key identifier).
    KeyDigest(Bytes),
}

impl KeyLocator {
    fn decode(e: &Element<'_>, wire: &Bytes) -> Result<KeyLocator, DecodeError> {
        let mut r = e.reader();
        let inner = r.read_element()?;
        let loc = match inner.tlv_type {
            tt::NAME => KeyLocator::Name(Name::decode_value(
                wire.slice(inner.value_offset..inner.end),
                inner.value_offset,
            )?),
            tt::KEY_DIGEST => KeyLocator::KeyDigest(wire.slice(inner.value_offset..inner.end)),
            _ => {
                return Err(DecodeError::InvalidValue {
                    element: "KeyLocator",
                    offset: e.offset,
                    reason: "expected a Name or a KeyDigest",
                });
            }
        };
        Ok(loc)
    }

    fn value_len(&self) -> usize {
        match self {
            KeyLocator::Name(n) => n.encoded_len(),
            KeyLocator::KeyDigest(d) => tlv::tlv_len(tt::KEY_DIGEST, d.len()),
        }
    }

    fn encode_to(&self, buf: &mut impl BufMut) {
        tlv::put_tlv_header(buf, tt::KEY_LOCATOR, self.value_len());
        match self {
            KeyLocator::Name(n) => n.encode_to(buf),
            KeyLocator::KeyDigest(d) => tlv::put_tlv(buf, tt::KEY_DIGEST, d),
        }
    }

    /// The name, when the locator is a name.
    pub fn name(&self) -> Option<&Name> {
        match self {
            KeyLocator::Name(n) => Some(n),
            KeyLocator::KeyDigest(_) => None,
        }
    }
}

/// A certificate's validity period (certificate format v2 "ValidityPeriod"), in seconds since
/// the Unix epoch (UTC). On the wire each bound is `YYYYMMDDThhmmss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityPeriod {
    /// NotBefore, seconds since the epoch.
    pub not_before: u64,
    /// NotAfter, seconds since the epoch.
    pub not_after: u64,
}

impl ValidityPeriod {
    /// True when `unix_seconds` lies within the period (both ends included).
    pub fn contains(&self, unix_seconds: u64) -> bool {
        self.not_before <= unix_seconds && unix_seconds <= self.not_after
    }

    pub(crate) fn decode(e: &Element<'_>) -> Result<ValidityPeriod, DecodeError> {
        let mut r = e.reader();
        let nb = r.expect_element(tt::NOT_BEFORE, "NotBefore")?;
        let na = r.expect_element(tt::NOT_AFTER, "NotAfter")?;
        let parse = |el: Element<'_>, element| {
            parse_iso8601(el.value).ok_or(DecodeError::InvalidValue {
                element,
                offset: el.offset,
                reason: "expected YYYYMMDDThhmmss",
            })
        };
        Ok(ValidityPeriod {
            not_before: parse(nb, "NotBefore")?,
            not_after: parse(na, "NotAfter")?,
        })
    }

    pub(crate) const fn value_len() -> usize {
        2 * tlv::tlv_len(tt::NOT_BEFORE, 15)
    }

    /// Bounds after the last second the wire form can hold are written as that second.
    pub(crate) fn encode_to(&self, buf: &mut impl BufMut) {
        tlv::put_tlv_header(buf, tt::VALIDITY_PERIOD, Self::value_len());
        tlv::put_tlv(
            buf,
            tt::NOT_BEFORE,
            format_iso8601(self.not_before.min(MAX_ISO8601_SECS)).as_bytes(),
        );
        tlv::put_tlv(
            buf,
            tt::NOT_AFTER,
            format_iso8601(self.not_after.min(MAX_ISO8601_SECS)).as_bytes(),
        );
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days in month `m` (1-12) of year `y` (Gregorian).
fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// 9999-12-31T23:59:59, the last second `YYYYMMDDThhmmss` can write.
const MAX_ISO8601_SECS: u64 = 253_402_300_799;

/// Parse `YYYYMMDDThhmmss` (UTC) into seconds since the epoch. A time after
/// 9999-12-31T23:59:59 (written with second 60) is rejected, as it has no such form.
pub fn parse_iso8601(text: &[u8]) -> Option<u64> {
    if text.len() != 15 || text.get(8) != Some(&b'T') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = std::str::from_utf8(text.get(r)?).ok()?;
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(y), mo, d);
    let secs = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    u64::try_from(secs).ok().filter(|&t| t <= MAX_ISO8601_SECS)
}

/// Format seconds since the epoch as `YYYYMMDDThhmmss` (UTC).
pub fn format_iso8601(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let rem = unix_seconds % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// SignatureInfo of a Data packet or InterestSignatureInfo of a signed Interest (PF 5.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignatureInfo {
    /// SignatureType, see [`signature_type`].
    pub signature_type: u64,
    /// KeyLocator, when the signature names its key.
    pub key_locator: Option<KeyLocator>,
    /// ValidityPeriod (certificates).
    pub validity_period: Option<ValidityPeriod>,
    /// SignatureNonce (signed Interests).
    pub nonce: Option<Bytes>,
    /// SignatureTime in milliseconds since the epoch (signed Interests).
    pub time: Option<u64>,
    /// SignatureSeqNum (signed Interests).
    pub seq_num: Option<u64>,
}

impl SignatureInfo {
    /// A SignatureInfo with only a type and an optional key locator.
    pub fn new(signature_type: u64, key_locator: Option<KeyLocator>) -> Self {
        SignatureInfo {
            signature_type,
            key_locator,
            ..Default::default()
        }
    }

    /// Decode from an element (SignatureInfo or InterestSignatureInfo) of `wire`.
    pub(crate) fn decode(e: &Element<'_>, wire: &Bytes) -> Result<SignatureInfo, DecodeError> {
        const PARENT: &str = "SignatureInfo";
        let mut r = e.reader();
        let st = r.expect_element(tt::SIGNATURE_TYPE, "SignatureType")?;
        let mut info = SignatureInfo::new(st.nonneg("SignatureType")?, None);
        // element order: KeyLocator, ValidityPeriod, SignatureNonce, SignatureTime, SignatureSeqNum
        let mut last = 0u8;
        while !r.is_empty() {
            let el = r.read_element()?;
            let rank = match el.tlv_type {
                tt::KEY_LOCATOR => 1,
                tt::VALIDITY_PERIOD => 2,
                tt::SIGNATURE_NONCE => 3,
                tt::SIGNATURE_TIME => 4,
                tt::SIGNATURE_SEQ_NUM => 5,
                _ => 0,
            };
            if rank == 0 || rank <= last {
                el.ignore_unless_critical(PARENT)?;
                continue;
            }
            last = rank;
            match el.tlv_type {
                tt::KEY_LOCATOR => info.key_locator = Some(KeyLocator::decode(&el, wire)?),
                tt::VALIDITY_PERIOD => info.validity_period = Some(ValidityPeriod::decode(&el)?),
                tt::SIGNATURE_NONCE => {
                    info.nonce = Some(wire.slice(el.value_offset..el.end));
                }
                tt::SIGNATURE_TIME => info.time = Some(el.nonneg("SignatureTime")?),
                _ => info.seq_num = Some(el.nonneg("SignatureSeqNum")?),
            }
        }
        Ok(info)
    }

    /// Decode a whole SignatureInfo or InterestSignatureInfo element held in `wire`.
    pub fn from_wire(wire: &Bytes) -> Result<SignatureInfo, DecodeError> {
        let mut r = Reader::new(wire);
        let e = r.read_element()?;
        if e.tlv_type != tt::SIGNATURE_INFO && e.tlv_type != tt::INTEREST_SIGNATURE_INFO {
            return Err(DecodeError::UnexpectedType {
                expected: "SignatureInfo",
                expected_type: tt::SIGNATURE_INFO,
                found: e.tlv_type,
                offset: e.offset,
            });
        }
        Self::decode(&e, wire)
    }

    fn value_len(&self) -> usize {
        let mut n = tlv::tlv_len(tt::SIGNATURE_TYPE, tlv::nonneg_len(self.signature_type));
        if let Some(k) = &self.key_locator {
            n += tlv::tlv_len(tt::KEY_LOCATOR, k.value_len());
        }
        if self.validity_period.is_some() {
            n += tlv::tlv_len(tt::VALIDITY_PERIOD, ValidityPeriod::value_len());
        }
        if let Some(x) = &self.nonce {
            n += tlv::tlv_len(tt::SIGNATURE_NONCE, x.len());
        }
        if let Some(t) = self.time {
            n += tlv::tlv_len(tt::SIGNATURE_TIME, tlv::nonneg_len(t));
        }
        if let Some(s) = self.seq_num {
            n += tlv::tlv_len(tt::SIGNATURE_SEQ_NUM, tlv::nonneg_len(s));
        }
        n
    }

    /// Encoded size with the given outer TLV-TYPE.
    pub fn encoded_len(&self, outer: u64) -> usize {
        tlv::tlv_len(outer, self.value_len())
    }

    /// Write with the given outer TLV-TYPE ([`tt::SIGNATURE_INFO`] for Data,
    /// [`tt::INTEREST_SIGNATURE_INFO`] for signed Interests).
    pub fn encode_to(&self, outer: u64, buf: &mut impl BufMut) {
        tlv::put_tlv_header(buf, outer, self.value_len());
        tlv::put_nonneg_tlv(buf, tt::SIGNATURE_TYPE, self.signature_type);
        if let Some(k) = &self.key_locator {
            k.encode_to(buf);
        }
        if let Some(v) = &self.validity_period {
            v.encode_to(buf);
        }
        if let Some(x) = &self.nonce {
            tlv::put_tlv(buf, tt::SIGNATURE_NONCE, x);
        }
        if let Some(t) = self.time {
            tlv::put_nonneg_tlv(buf, tt::SIGNATURE_TIME, t);
        }
        if let Some(s) = self.seq_num {
            tlv::put_nonneg_tlv(buf, tt::SIGNATURE_SEQ_NUM, s);
        }
    }

    /// The encoded element with the given outer TLV-TYPE.
    pub fn to_wire(&self, outer: u64) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.encoded_len(outer));
        self.encode_to(outer, &mut buf);
        buf.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_round_trip() {
        assert_eq!(parse_iso8601(b"19700101T000000"), Some(0));
        assert_eq!(parse_iso8601(b"20240229T235959"), Some(1_709_251_199));
        assert_eq!(format_iso8601(1_709_251_199), "20240229T235959");
        for t in [0u64, 951_782_400, 4_102_444_800, 1_700_000_000] {
            assert_eq!(parse_iso8601(format_iso8601(t).as_bytes()), Some(t));
        }
        assert_eq!(parse_iso8601(b"2024022XT235959"), None);
        assert_eq!(parse_iso8601(b"20241301T000000"), None);
        // days that no month has, with leap years as the Gregorian calendar counts them
        assert_eq!(parse_iso8601(b"20230231T000000"), None);
        assert_eq!(parse_iso8601(b"20230229T000000"), None);
        assert_eq!(parse_iso8601(b"21000229T000000"), None);
        assert_eq!(parse_iso8601(b"20240431T000000"), None);
        for ok in [
            &b"20240229T000000"[..],
            b"20000229T120000",
            b"20241130T235959",
        ] {
            let t = parse_iso8601(ok).unwrap();
            assert_eq!(format_iso8601(t).as_bytes(), ok);
        }
    }

    #[test]
    fn validity_period_after_year_9999_encodes_to_its_declared_length() {
        // second 60 of the last minute of 9999 is year 10000, which has no 15-byte form
        assert_eq!(parse_iso8601(b"99991231T235960"), None);
        assert_eq!(parse_iso8601(b"99991231T235959"), Some(MAX_ISO8601_SECS));
        for not_after in [MAX_ISO8601_SECS, MAX_ISO8601_SECS + 1, u64::MAX] {
            let info = SignatureInfo {
                validity_period: Some(ValidityPeriod {
                    not_before: u64::MAX,
                    not_after,
                }),
                ..SignatureInfo::new(signature_type::ED25519, None)
            };
            let wire = info.to_wire(tt::SIGNATURE_INFO);
            assert_eq!(wire.len(), info.encoded_len(tt::SIGNATURE_INFO));
            let back = SignatureInfo::from_wire(&wire).unwrap();
            assert_eq!(
                back.validity_period,
                Some(ValidityPeriod {
                    not_before: MAX_ISO8601_SECS,
                    not_after: MAX_ISO8601_SECS,
                })
            );
        }
    }

    #[test]
    fn signature_info_round_trip() {
        let info = SignatureInfo {
            signature_type: signature_type::ED25519,
            key_locator: Some(KeyLocator::Name(Name::from_uri("/k/KEY/1").unwrap())),
            validity_period: Some(ValidityPeriod {
                not_before: 1_700_000_000,
                not_after: 1_800_000_000,
            }),
            nonce: Some(Bytes::from_static(&[1, 2, 3, 4, 5, 6, 7, 8])),
            time: Some(1_700_000_000_000),
            seq_num: Some(7),
        };
        let wire = info.to_wire(tt::INTEREST_SIGNATURE_INFO);
        assert_eq!(wire.len(), info.encoded_len(tt::INTEREST_SIGNATURE_INFO));
        assert_eq!(SignatureInfo::from_wire(&wire).unwrap(), info);
    }
}
