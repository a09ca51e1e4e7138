//! ControlResponse (MGMT ControlCommand "Response format"), the Content of the Data that
//! answers a command.

use bytes::{BufMut, Bytes, BytesMut};

use super::fields as f;
use super::{ControlParameters, Record, status_code};
use crate::tlv::{self, DecodeError, Element, Reader, types as tt};

/// ControlResponse (TLV-TYPE 0x65): `StatusCode StatusText [ControlParameters]`.
///
/// Two layouts exist in the wild, and decoding accepts both:
/// - the whole 0x65 element, which is what NFD (ndn-cxx `ControlResponse::wireEncode`) puts in
///   the Data Content and what python-ndn's `parse_response` requires;
/// - the bare field sequence (TLV-VALUE only), starting with StatusCode, which is what a
///   python-ndn `ControlResponse` model encodes when it is not wrapped, and how the vector in
///   `tests/vectors/mgmt.json` is written.
///
/// [`Record::encode`] writes the whole 0x65 element (what clients expect from a forwarder);
/// [`ControlResponse::encode_fields`] writes the bare sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlResponse {
    /// StatusCode, see [`status_code`].
    pub status_code: u32,
    /// StatusText, human-readable.
    pub status_text: String,
    /// The ControlParameters body (present on success and on some errors).
    pub body: Option<ControlParameters>,
}

impl ControlResponse {
    /// A response without body.
    pub fn new(status_code: u32, status_text: impl Into<String>) -> Self {
        ControlResponse {
            status_code,
            status_text: status_text.into(),
            body: None,
        }
    }

    /// `200 OK` with a body.
    pub fn ok(body: ControlParameters) -> Self {
        ControlResponse {
            status_code: status_code::OK,
            status_text: "OK".to_owned(),
            body: Some(body),
        }
    }

    /// True for a 2xx status code.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status_code)
    }

    /// The bare field sequence (the TLV-VALUE of the 0x65 element).
    pub fn encode_fields(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.value_len());
        self.encode_value(&mut buf);
        buf.freeze()
    }

    /// Decode the fields read by `r`; `wire` is the buffer its offsets refer to.
    fn decode_fields(r: Reader<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        const PARENT: &str = "ControlResponse";
        let mut code = None;
        let mut text = None;
        let mut body = None;
        f::walk_ordered(
            r,
            PARENT,
            &[tt::STATUS_CODE, tt::STATUS_TEXT, tt::CONTROL_PARAMETERS],
            &[],
            |el| {
                match el.tlv_type {
                    tt::STATUS_CODE => {
                        let v = el.nonneg("StatusCode")?;
                        code = Some(u32::try_from(v).map_err(|_| DecodeError::InvalidValue {
                            element: "StatusCode",
                            offset: el.offset,
                            reason: "status code does not fit in 32 bits",
                        })?);
                    }
                    tt::STATUS_TEXT => text = Some(f::string(el, "StatusText")?),
                    _ => body = Some(ControlParameters::decode_value(el, wire)?),
                }
                Ok(())
            },
        )?;
        Ok(ControlResponse {
            status_code: f::required(code, "StatusCode", PARENT)?,
            status_text: f::required(text, "StatusText", PARENT)?,
            body,
        })
    }
}

impl Record for ControlResponse {
    const TLV_TYPE: u64 = tt::CONTROL_RESPONSE;
    const NAME: &'static str = "ControlResponse";

    fn decode_value(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        Self::decode_fields(e.reader(), wire)
    }

    fn value_len(&self) -> usize {
        f::nonneg_tlv_len(tt::STATUS_CODE, u64::from(self.status_code))
            + f::bytes_tlv_len(tt::STATUS_TEXT, self.status_text.as_bytes())
            + self.body.as_ref().map_or(0, Record::encoded_len)
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        tlv::put_nonneg_tlv(buf, tt::STATUS_CODE, u64::from(self.status_code));
        tlv::put_tlv(buf, tt::STATUS_TEXT, self.status_text.as_bytes());
        if let Some(b) = &self.body {
            b.encode_to(buf);
        }
    }

    /// Decode a Data Content holding either the whole 0x65 element (which must fill `wire`) or
    /// the bare field sequence starting with StatusCode.
    fn decode(wire: Bytes) -> Result<Self, DecodeError> {
        match Reader::new(&wire).peek_type() {
            Some(tt::CONTROL_RESPONSE) => {
                let mut r = Reader::new(&wire);
                let e = r.read_element()?;
                if !r.is_empty() {
                    return Err(DecodeError::TrailingBytes {
                        offset: e.end,
                        count: wire.len().saturating_sub(e.end),
                    });
                }
                Self::decode_value(&e, &wire)
            }
            Some(tt::STATUS_CODE) => Self::decode_fields(Reader::new(&wire), &wire),
            Some(found) => Err(DecodeError::UnexpectedType {
                expected: Self::NAME,
                expected_type: Self::TLV_TYPE,
                found,
                offset: 0,
            }),
            None => Err(DecodeError::Truncated { offset: 0 }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_layouts_decode_the_same() {
        let r = ControlResponse::new(status_code::NOT_FOUND, "no such face");
        let whole = r.encode();
        let bare = r.encode_fields();
        assert_eq!(whole.first(), Some(&0x65));
        assert_eq!(&whole[2..], &bare[..]);
        assert_eq!(ControlResponse::decode(whole).unwrap(), r);
        assert_eq!(ControlResponse::decode(bare).unwrap(), r);
    }

    #[test]
    fn status_text_is_required() {
        let wire = Bytes::from_static(&[0x65, 0x03, 0x66, 0x01, 0xC8]);
        assert!(matches!(
            ControlResponse::decode(wire),
            Err(DecodeError::Missing {
                element: "StatusText",
                ..
            })
        ));
    }

    #[test]
    fn other_content_is_rejected() {
        let wire = Bytes::from_static(&[0x68, 0x00]);
        assert!(matches!(
            ControlResponse::decode(wire),
            Err(DecodeError::UnexpectedType { found: 0x68, .. })
        ));
        assert!(ControlResponse::decode(Bytes::new()).is_err());
    }

    #[test]
    fn status_code_over_32_bits_is_rejected() {
        let wire = Bytes::from_static(&[0x66, 0x08, 0, 0, 0, 1, 0, 0, 0, 0, 0x67, 0x00]);
        assert!(matches!(
            ControlResponse::decode(wire),
            Err(DecodeError::InvalidValue {
                element: "StatusCode",
                ..
            })
        ));
    }
}
