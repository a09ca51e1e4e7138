//! The text view of `ndn-dissect`: one line per TLV element, indented by depth.
//!
//! A line reads `OFFSET  INDENT NAME (TYPE) [LENGTH]: VALUE`, where OFFSET is the byte offset of
//! the element's TLV-TYPE in the input, TYPE and LENGTH are decimal, and VALUE is a decoded
//! form of the TLV-VALUE when one is meaningful (a name URI, a number, text, or hex).

use std::io::Write;

use bytes::Bytes;
use ndn::tlv::{Element, Reader, types as tt};
use ndn::{DecodeError, Name};

use super::DissectError;
use super::format::{blob, lp_type, nonneg, number_note};

/// Options of the text view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeOptions {
    /// Hex values longer than this many bytes are cut (0 prints every byte).
    pub max_value_bytes: usize,
}

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            max_value_bytes: 48,
        }
    }
}

/// Where an element sits, which decides how its TLV-TYPE is read: inside a Name every element
/// is a name component; inside an LpPacket header types may use NDNLPv2's 0xFD03xx spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Packet,
    Name,
    Lp,
}

/// How the TLV-VALUE of an element is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Nested elements, recursed.
    Container,
    /// A Name: its URI, then its components.
    Name,
    /// One name component, in URI form.
    Component,
    /// A NonNegativeInteger.
    Number,
    /// An element whose presence is the information (CanBePrefix, MustBeFresh, NonDiscovery).
    Flag,
    /// Nonce: 4 bytes in hex.
    Nonce,
    /// An 8-byte fixed-width number (Sequence, Ack, TxSequence).
    Fixed64,
    /// NDNLPv2 Fragment: a whole packet (recursed) or a piece of one.
    Fragment,
    /// Bytes that may hold an encapsulated packet or management structure.
    Payload,
    /// Anything else: text when printable, hex otherwise.
    Blob,
}

fn shape(context: Context, tlv_type: u64) -> Shape {
    if context == Context::Name {
        return Shape::Component;
    }
    match tlv_type {
        tt::NAME => Shape::Name,
        tt::INTEREST
        | tt::DATA
        | tt::META_INFO
        | tt::SIGNATURE_INFO
        | tt::INTEREST_SIGNATURE_INFO
        | tt::KEY_LOCATOR
        | tt::VALIDITY_PERIOD
        | tt::FORWARDING_HINT
        | tt::FINAL_BLOCK_ID
        | tt::ADDITIONAL_DESCRIPTION
        | tt::DESCRIPTION_ENTRY
        | tt::LP_PACKET
        | tt::LP_NACK
        | tt::LP_CACHE_POLICY
        | tt::CONTROL_PARAMETERS
        | tt::CONTROL_RESPONSE
        | tt::STRATEGY => Shape::Container,
        tt::CAN_BE_PREFIX | tt::MUST_BE_FRESH | tt::LP_NON_DISCOVERY => Shape::Flag,
        tt::NONCE => Shape::Nonce,
        tt::LP_SEQUENCE | tt::LP_ACK | tt::LP_TX_SEQUENCE => Shape::Fixed64,
        tt::LP_FRAGMENT => Shape::Fragment,
        tt::CONTENT | tt::APPLICATION_PARAMETERS | tt::LP_PREFIX_ANNOUNCEMENT => Shape::Payload,
        tt::INTEREST_LIFETIME
        | tt::HOP_LIMIT
        | tt::CONTENT_TYPE
        | tt::FRESHNESS_PERIOD
        | tt::SIGNATURE_TYPE
        | tt::SIGNATURE_TIME
        | tt::SIGNATURE_SEQ_NUM
        | tt::LP_FRAG_INDEX
        | tt::LP_FRAG_COUNT
        | tt::LP_NACK_REASON
        | tt::LP_INCOMING_FACE_ID
        | tt::LP_NEXT_HOP_FACE_ID
        | tt::LP_CACHE_POLICY_TYPE
        | tt::LP_CONGESTION_MARK
        | tt::STATUS_CODE
        | tt::FACE_ID
        | tt::COST
        | tt::FLAGS
        | tt::EXPIRATION_PERIOD
        | tt::ORIGIN
        | tt::MASK
        | tt::CAPACITY
        | tt::COUNT
        | tt::FACE_PERSISTENCY
        | tt::BASE_CONGESTION_MARKING_INTERVAL
        | tt::DEFAULT_CONGESTION_THRESHOLD
        | tt::MTU => Shape::Number,
        _ => Shape::Blob,
    }
}

/// Element types that may be carried inside a Content, ApplicationParameters or
/// PrefixAnnouncement and are worth opening.
const ENCAPSULATED: [u64; 5] = [
    tt::INTEREST,
    tt::DATA,
    tt::LP_PACKET,
    tt::CONTROL_PARAMETERS,
    tt::CONTROL_RESPONSE,
];

/// Print every top-level element of `wire` as a tree. Lines already written stay written when a
/// malformed element is met; the error names its byte offset.
pub fn write_tree(
    out: &mut dyn Write,
    wire: &[u8],
    options: TreeOptions,
) -> Result<(), DissectError> {
    let mut printer = Printer { out, options };
    printer.children(Reader::new(wire), 0, Context::Packet)
}

struct Printer<'o> {
    out: &'o mut dyn Write,
    options: TreeOptions,
}

impl Printer<'_> {
    /// Print the elements a reader yields, at `depth`.
    fn children(
        &mut self,
        mut reader: Reader<'_>,
        depth: usize,
        context: Context,
    ) -> Result<(), DissectError> {
        while !reader.is_empty() {
            let offset = reader.offset();
            let e = reader
                .read_element()
                .map_err(|problem| DissectError::Malformed { offset, problem })?;
            self.element(&e, depth, context)?;
        }
        Ok(())
    }

    fn element(
        &mut self,
        e: &Element<'_>,
        depth: usize,
        context: Context,
    ) -> Result<(), DissectError> {
        let tlv_type = if context == Context::Lp {
            lp_type(e.tlv_type)
        } else {
            e.tlv_type
        };
        let label = type_label(context, e.tlv_type, tlv_type);
        let shape = shape(context, tlv_type);
        let mut recurse: Option<Context> = None;
        let value = match shape {
            Shape::Container => {
                recurse = Some(match tlv_type {
                    // NDNLPv2 header fields and their sub-elements
                    tt::LP_PACKET => Context::Lp,
                    tt::LP_NACK | tt::LP_CACHE_POLICY if context == Context::Lp => Context::Lp,
                    // FinalBlockId holds one name component
                    tt::FINAL_BLOCK_ID => Context::Name,
                    _ => Context::Packet,
                });
                String::new()
            }
            Shape::Flag if e.value.is_empty() => String::new(),
            Shape::Flag => blob(e.value, self.options.max_value_bytes),
            Shape::Name => {
                recurse = Some(Context::Name);
                match Name::from_value(Bytes::copy_from_slice(e.value)) {
                    Ok(name) => name.to_string(),
                    Err(err) => format!("<invalid name: {}>", invalid_reason(&err)),
                }
            }
            Shape::Component => component_text(e),
            Shape::Number => match nonneg(e.value) {
                Some(n) => format!("{n}{}", number_note(tlv_type, n)),
                None => format!(
                    "<invalid NonNegativeInteger of {} bytes: {}>",
                    e.value.len(),
                    hex::encode(e.value)
                ),
            },
            Shape::Nonce => match e.value {
                [_, _, _, _] => format!("0x{}", hex::encode(e.value)),
                _ => format!(
                    "<invalid Nonce of {} bytes: {}>",
                    e.value.len(),
                    hex::encode(e.value)
                ),
            },
            Shape::Fixed64 => match <[u8; 8]>::try_from(e.value) {
                Ok(v) => u64::from_be_bytes(v).to_string(),
                Err(_) => format!(
                    "<invalid: must be 8 bytes, has {}: {}>",
                    e.value.len(),
                    hex::encode(e.value)
                ),
            },
            Shape::Fragment => {
                if holds_one_element(e.value, &[tt::INTEREST, tt::DATA]) {
                    recurse = Some(Context::Packet);
                    String::new()
                } else {
                    format!(
                        "piece of a fragmented packet: {}",
                        blob(e.value, self.options.max_value_bytes)
                    )
                }
            }
            Shape::Payload => {
                if holds_one_element(e.value, &ENCAPSULATED) {
                    recurse = Some(Context::Packet);
                    String::new()
                } else {
                    blob(e.value, self.options.max_value_bytes)
                }
            }
            Shape::Blob => blob(e.value, self.options.max_value_bytes),
        };
        self.line(e, depth, &label, &value)?;
        if let Some(inner) = recurse {
            self.children(e.reader(), depth + 1, inner)?;
        } else if shape == Shape::Component && holds_one_element(e.value, &[tt::CONTROL_PARAMETERS])
        {
            // NFD command Interests carry ControlParameters in a name component
            self.children(e.reader(), depth + 1, Context::Packet)?;
        }
        Ok(())
    }

    fn line(
        &mut self,
        e: &Element<'_>,
        depth: usize,
        label: &str,
        value: &str,
    ) -> Result<(), DissectError> {
        let indent = depth * 2;
        let len = e.value.len();
        let offset = e.offset;
        if value.is_empty() {
            writeln!(self.out, "{offset:>6}  {:indent$}{label} [{len}]", "")?;
        } else {
            writeln!(
                self.out,
                "{offset:>6}  {:indent$}{label} [{len}]: {value}",
                ""
            )?;
        }
        Ok(())
    }
}

/// `Name (7)`; inside a Name, unknown types are `NameComponent (N)`; an NDNLPv2 type written in
/// the long form shows both numbers.
fn type_label(context: Context, wire_type: u64, tlv_type: u64) -> String {
    let name = match (context, tt::type_name(tlv_type)) {
        (Context::Name, Some(n)) if n.ends_with("Component") => n,
        (Context::Name, _) => "NameComponent",
        (_, Some(n)) => n,
        (_, None) => "Unknown",
    };
    if wire_type == tlv_type {
        format!("{name} ({tlv_type})")
    } else {
        format!("{name} ({tlv_type}, written as {wire_type})")
    }
}

/// True when `value` is exactly one well-formed element of one of the `types`.
fn holds_one_element(value: &[u8], types: &[u64]) -> bool {
    let mut r = Reader::new(value);
    match r.read_element() {
        Ok(e) => r.is_empty() && types.contains(&e.tlv_type),
        Err(_) => false,
    }
}

/// The URI form of one name component element, or why it is invalid.
fn component_text(e: &Element<'_>) -> String {
    let mut tlv = Vec::with_capacity(e.value.len() + 12);
    ndn::tlv::put_tlv(&mut tlv, e.tlv_type, e.value);
    match Name::from_value(Bytes::from(tlv)) {
        Ok(name) => name
            .get(0)
            .map(|c| c.to_string())
            .unwrap_or_else(|| "<invalid component>".to_owned()),
        Err(err) => format!("<invalid component: {}>", invalid_reason(&err)),
    }
}

fn invalid_reason(err: &DecodeError) -> String {
    match err {
        DecodeError::InvalidValue { reason, .. } => (*reason).to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn tree(wire: &[u8]) -> String {
        let mut out = Vec::new();
        write_tree(&mut out, wire, TreeOptions::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn interest_lines() {
        let wire = hex::decode("050E07060801610801620A0401020304").unwrap();
        assert_eq!(
            tree(&wire),
            "     0  Interest (5) [14]\n\
             \x20    2    Name (7) [6]: /a/b\n\
             \x20    4      GenericNameComponent (8) [1]: a\n\
             \x20    7      GenericNameComponent (8) [1]: b\n\
             \x20   10    Nonce (10) [4]: 0x01020304\n"
        );
    }

    #[test]
    fn invalid_component_is_shown_not_fatal() {
        // Interest with a name component of type 0
        let wire = hex::decode("050B07050003616263").unwrap();
        let mut out = Vec::new();
        let r = write_tree(&mut out, &wire, TreeOptions::default());
        // the Interest claims 11 bytes but only 7 remain: fatal, at offset 0
        assert!(matches!(r, Err(DissectError::Malformed { offset: 0, .. })));
        let wire = hex::decode("050707050003616263").unwrap();
        let text = tree(&wire);
        assert!(
            text.contains(
                "NameComponent (0) [3]: <invalid component: component type must be 1..=65535>"
            ),
            "{text}"
        );
        assert!(text.contains("Name (7) [5]: <invalid name:"), "{text}");
    }

    #[test]
    fn lp_long_form_types_are_named() {
        let wire = hex::decode("641AFE00FD033002012C5010050E07060801610801620A0401020304").unwrap();
        let text = tree(&wire);
        assert!(
            text.contains("NextHopFaceId (816, written as 16581424) [2]: 300"),
            "{text}"
        );
        assert!(text.contains("Fragment (80) [16]\n"), "{text}");
        assert!(text.contains("      Interest (5) [14]\n"), "{text}");
    }

    #[test]
    fn certificate_fields_and_control_response_are_opened() {
        use ndn::packet::{KeyLocator, SignatureInfo, ValidityPeriod};
        use ndn::sign::HmacSha256;
        let key = Name::from_uri("/k/KEY/1").unwrap();
        let signer = HmacSha256::new(b"secret", Some(KeyLocator::Name(key)));
        // content: a ControlResponse (StatusCode 200, StatusText "OK")
        let response = hex::decode("65076601C867024F4B").unwrap();
        let wire = ndn::DataBuilder::new(Name::from_uri("/c/KEY/1/self/v=1").unwrap())
            .content_type(2)
            .content(response)
            .signature_info(SignatureInfo {
                validity_period: Some(ValidityPeriod {
                    not_before: 1_700_000_000,
                    not_after: 1_800_000_000,
                }),
                ..Default::default()
            })
            .sign(&signer)
            .unwrap();
        let text = tree(&wire);
        for line in [
            "ContentType (24) [1]: 2 (Key)\n",
            "Content (21) [9]\n",
            "ControlResponse (101) [7]\n",
            "StatusCode (102) [1]: 200\n",
            "StatusText (103) [2]: \"OK\"\n",
            "SignatureType (27) [1]: 4 (SignatureHmacWithSha256)\n",
            "KeyLocator (28) [",
            "Name (7) [11]: /k/KEY/1\n",
            "ValidityPeriod (253) [38]\n",
            "NotBefore (254) [15]: \"20231114T221320\"\n",
            "NotAfter (255) [15]: \"20270115T080000\"\n",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
    }

    #[test]
    fn long_values_are_cut() {
        let mut wire = vec![0x15, 100];
        wire.extend(std::iter::repeat_n(0u8, 100));
        let mut out = Vec::new();
        write_tree(&mut out, &wire, TreeOptions { max_value_bytes: 4 }).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "     0  Content (21) [100]: 00000000 ... (96 more bytes)\n"
        );
    }
}
