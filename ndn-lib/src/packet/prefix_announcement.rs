//! Prefix announcements (NFD's "Prefix Announcement" object, which self-learning forwarders
//! attach to Data in the NDNLPv2 PrefixAnnouncement field): a signed Data named
//! `<announced prefix>/32=PA/<version>/<segment 0>`, of ContentType PrefixAnn, whose Content holds
//! an ExpirationPeriod (how long a route learned from it may live, in ms) and, optionally, a
//! ValidityPeriod outside which it is void.

use bytes::{Bytes, BytesMut};

use super::data::{Data, DataBuilder, content_type};
use super::signature_info::ValidityPeriod;
use crate::name::Name;
use crate::sign::{SignError, Signer};
use crate::tlv::{self, DecodeError, Reader, types as tt};

/// The keyword component that marks a prefix announcement's name.
const KEYWORD: &[u8] = b"PA";

/// A decoded (or freshly made) prefix announcement, with the Data that carries it.
#[derive(Debug, Clone)]
pub struct PrefixAnnouncement {
    announced_name: Name,
    expiration_ms: u64,
    validity: Option<ValidityPeriod>,
    data: Data,
}

fn invalid(reason: &'static str) -> DecodeError {
    DecodeError::InvalidValue {
        element: "PrefixAnnouncement",
        offset: 0,
        reason,
    }
}

impl PrefixAnnouncement {
    /// Decode the Data wire of a prefix announcement.
    pub fn decode(wire: Bytes) -> Result<PrefixAnnouncement, DecodeError> {
        Self::from_data(Data::decode(wire)?)
    }

    /// Read a prefix announcement from its Data: the name must end with the `PA` keyword, a
    /// version and segment 0's component, the ContentType must be PrefixAnn, and the Content
    /// must hold an ExpirationPeriod. The signature is not checked here.
    pub fn from_data(data: Data) -> Result<PrefixAnnouncement, DecodeError> {
        if data.content_type() != content_type::PREFIX_ANN {
            return Err(invalid("ContentType is not PrefixAnn"));
        }
        let name = data.name();
        let n = name.len();
        let structured = n >= 3
            && name
                .get(n - 3)
                .is_some_and(|c| c.is_keyword() && c.value() == KEYWORD)
            && name.get(n - 2).is_some_and(|c| c.as_version().is_some())
            && name.get(n - 1).is_some_and(|c| c.as_segment().is_some());
        if !structured {
            return Err(invalid("name does not end with 32=PA/<version>/<segment>"));
        }
        let content = data.content();
        let mut r = Reader::new(&content);
        let mut expiration_ms = None;
        let mut validity = None;
        while !r.is_empty() {
            let e = r.read_element()?;
            match e.tlv_type {
                tt::EXPIRATION_PERIOD => expiration_ms = Some(e.nonneg("ExpirationPeriod")?),
                tt::VALIDITY_PERIOD => validity = Some(ValidityPeriod::decode(&e)?),
                _ => e.ignore_unless_critical("PrefixAnnouncement")?,
            }
        }
        let expiration_ms = expiration_ms.ok_or(invalid("no ExpirationPeriod"))?;
        Ok(PrefixAnnouncement {
            announced_name: name.prefix(n - 3),
            expiration_ms,
            validity,
            data,
        })
    }

    /// Make and sign an announcement of `announced_name`, with this `version` (NFD uses the
    /// Unix time in ms).
    pub fn build(
        announced_name: &Name,
        expiration_ms: u64,
        validity: Option<ValidityPeriod>,
        version: u64,
        signer: &dyn Signer,
    ) -> Result<PrefixAnnouncement, SignError> {
        let name = announced_name
            .append_keyword(KEYWORD)
            .append_version(version)
            .append_segment(0);
        let mut content = BytesMut::new();
        tlv::put_nonneg_tlv(&mut content, tt::EXPIRATION_PERIOD, expiration_ms);
        if let Some(v) = &validity {
            v.encode_to(&mut content);
        }
        let wire = DataBuilder::new(name)
            .content_type(content_type::PREFIX_ANN)
            .content(content.freeze())
            .sign(signer)?;
        let data = Data::decode(wire)
            .map_err(|e| SignError::Key(format!("the announcement does not decode: {e}")))?;
        Ok(PrefixAnnouncement {
            announced_name: announced_name.clone(),
            expiration_ms,
            validity,
            data,
        })
    }

    /// The prefix announced.
    pub fn announced_name(&self) -> &Name {
        &self.announced_name
    }

    /// How long a route learned from it may live, in ms.
    pub fn expiration_ms(&self) -> u64 {
        self.expiration_ms
    }

    /// The period outside which the announcement is void, if it has one.
    pub fn validity(&self) -> Option<ValidityPeriod> {
        self.validity
    }

    /// The Data that carries it.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The Data's wire (what the NDNLPv2 PrefixAnnouncement field holds).
    pub fn wire(&self) -> &Bytes {
        self.data.wire()
    }

    /// Until when (Unix time, ms) a route learned from it at `now_unix_ms` may live: the
    /// ExpirationPeriod from now, cut at the end of the ValidityPeriod; `None` when the
    /// announcement is not in force now (outside its ValidityPeriod, or an ExpirationPeriod of 0).
    pub fn route_expiry_unix_ms(&self, now_unix_ms: u64) -> Option<u64> {
        let mut until = now_unix_ms.saturating_add(self.expiration_ms);
        if let Some(v) = self.validity {
            if !v.contains(now_unix_ms / 1000) {
                return None;
            }
            until = until.min(v.not_after.saturating_mul(1000).saturating_add(999));
        }
        (until > now_unix_ms).then_some(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::DigestSha256;

    fn name(uri: &str) -> Name {
        Name::from_uri(uri).unwrap()
    }

    #[test]
    fn round_trip_with_and_without_validity() {
        let pa =
            PrefixAnnouncement::build(&name("/a/b"), 3_600_000, None, 7, &DigestSha256).unwrap();
        assert_eq!(pa.data().name().to_string(), "/a/b/32=PA/v=7/seg=0");
        let back = PrefixAnnouncement::decode(pa.wire().clone()).unwrap();
        assert_eq!(back.announced_name(), &name("/a/b"));
        assert_eq!(back.expiration_ms(), 3_600_000);
        assert_eq!(back.validity(), None);
        assert_eq!(back.route_expiry_unix_ms(1_000), Some(3_601_000));

        let validity = ValidityPeriod {
            not_before: 100,
            not_after: 200,
        };
        let pa =
            PrefixAnnouncement::build(&name("/x"), 3_600_000, Some(validity), 1, &DigestSha256)
                .unwrap();
        let back = PrefixAnnouncement::decode(pa.wire().clone()).unwrap();
        assert_eq!(back.validity(), Some(validity));
        // cut at NotAfter, void outside the period
        assert_eq!(back.route_expiry_unix_ms(150_000), Some(200_999));
        assert_eq!(back.route_expiry_unix_ms(99_000), None);
        assert_eq!(back.route_expiry_unix_ms(201_000), None);
    }

    #[test]
    fn rejects_what_is_not_an_announcement() {
        let plain = DataBuilder::new(name("/a/32=PA/v=1/seg=0"))
            .content(Bytes::from_static(&[0x6d, 0x01, 0x05]))
            .sign(&DigestSha256)
            .unwrap();
        assert!(
            PrefixAnnouncement::decode(plain).is_err(),
            "ContentType BLOB"
        );
        let badly_named = DataBuilder::new(name("/a/v=1/seg=0"))
            .content_type(content_type::PREFIX_ANN)
            .content(Bytes::from_static(&[0x6d, 0x01, 0x05]))
            .sign(&DigestSha256)
            .unwrap();
        assert!(PrefixAnnouncement::decode(badly_named).is_err());
        let no_expiration = DataBuilder::new(name("/a/32=PA/v=1/seg=0"))
            .content_type(content_type::PREFIX_ANN)
            .sign(&DigestSha256)
            .unwrap();
        assert!(PrefixAnnouncement::decode(no_expiration).is_err());
        let critical_extra = DataBuilder::new(name("/a/32=PA/v=1/seg=0"))
            .content_type(content_type::PREFIX_ANN)
            .content(Bytes::from_static(&[0x6d, 0x01, 0x05, 0x01, 0x00]))
            .sign(&DigestSha256)
            .unwrap();
        assert!(PrefixAnnouncement::decode(critical_extra).is_err());
        let ignorable_extra = DataBuilder::new(name("/a/32=PA/v=1/seg=0"))
            .content_type(content_type::PREFIX_ANN)
            .content(Bytes::from_static(&[0x6d, 0x01, 0x05, 0xfc, 0x00]))
            .sign(&DigestSha256)
            .unwrap();
        let pa = PrefixAnnouncement::decode(ignorable_extra).unwrap();
        assert_eq!(pa.announced_name(), &name("/a"));
        assert_eq!(pa.expiration_ms(), 5);
    }
}
