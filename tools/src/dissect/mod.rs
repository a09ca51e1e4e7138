//! `ndn-dissect`: show the TLV structure of NDN packets (NDN Packet Format v0.3 and NDNLPv2).
//!
//! Input is one or more concatenated TLV elements, binary or hexadecimal. The text view
//! ([`tree`]) prints every element on its own line, indented by depth; the JSON view
//! ([`summary`]) decodes each top-level packet with the library's decoders and prints one JSON
//! object per line.

mod format;
pub mod input;
pub mod summary;
pub mod tree;

use std::io::Write;

use bytes::Bytes;
use ndn::DecodeError;
use ndn::tlv::Reader;

pub use input::{HexError, decode_hex, looks_like_hex};
pub use tree::TreeOptions;

/// What to print and how to read the input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The input is hexadecimal text (whitespace ignored) rather than binary.
    pub hex: bool,
    /// Print one JSON object per top-level packet instead of the element tree.
    pub json: bool,
    /// Options of the text view.
    pub tree: TreeOptions,
}

/// Why `ndn-dissect` could not show its input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DissectError {
    /// The input is not valid hexadecimal text.
    #[error(transparent)]
    BadHex(#[from] HexError),
    /// The input holds no bytes.
    #[error("no input: expected at least one TLV element")]
    Empty,
    /// The TLV framing is broken (truncated element, length past the end, non-minimal number).
    #[error("malformed TLV at byte offset {offset}: {problem}")]
    Malformed {
        /// Byte offset (in the binary input) where the broken element starts.
        offset: usize,
        /// What is wrong.
        problem: DecodeError,
    },
    /// A packet is well framed but its decoder rejects it (JSON view).
    #[error(
        "invalid packet at byte offset {offset}: {problem} (offsets in this message count from the packet start)"
    )]
    InvalidPacket {
        /// Byte offset of the packet in the binary input.
        offset: usize,
        /// What the decoder rejected.
        problem: DecodeError,
    },
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
}

/// Read `input` as the options say and print it to `out`. Lines for elements before a
/// malformed one are printed before the error is returned.
pub fn run(input: &[u8], options: &Options, out: &mut dyn Write) -> Result<(), DissectError> {
    let wire = if options.hex {
        decode_hex(input)?
    } else {
        input.to_vec()
    };
    if wire.is_empty() {
        return Err(DissectError::Empty);
    }
    if options.json {
        write_json(out, Bytes::from(wire))
    } else {
        tree::write_tree(out, &wire, options.tree)
    }
}

fn write_json(out: &mut dyn Write, wire: Bytes) -> Result<(), DissectError> {
    let mut reader = Reader::new(&wire);
    while !reader.is_empty() {
        let offset = reader.offset();
        let e = reader
            .read_element()
            .map_err(|problem| DissectError::Malformed { offset, problem })?;
        let packet = wire.slice(e.offset..e.end);
        let value = summary::summarize(packet, offset)
            .map_err(|problem| DissectError::InvalidPacket { offset, problem })?;
        writeln!(out, "{value}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn empty_input_is_an_error() {
        let mut out = Vec::new();
        assert!(matches!(
            run(
                b"  \n",
                &Options {
                    hex: true,
                    ..Default::default()
                },
                &mut out
            ),
            Err(DissectError::Empty)
        ));
    }

    #[test]
    fn json_of_two_packets() {
        let mut out = Vec::new();
        let input = b"050E07060801610801620A0401020304 05 07 07 03 08 01 78 21 00";
        let options = Options {
            hex: true,
            json: true,
            ..Default::default()
        };
        run(input, &options, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["name"], "/a/b");
        assert_eq!(lines[0]["fields"]["nonce"], "01020304");
        assert_eq!(lines[1]["offset"], 16);
        assert_eq!(lines[1]["fields"]["can_be_prefix"], true);
    }

    #[test]
    fn invalid_packet_in_json_names_its_offset() {
        let mut out = Vec::new();
        // second packet: Interest whose Nonce has 3 bytes
        let input = b"050E07060801610801620A0401020304 050A07030801610A03010203";
        let options = Options {
            hex: true,
            json: true,
            ..Default::default()
        };
        let err = run(input, &options, &mut out).unwrap_err();
        assert!(matches!(
            err,
            DissectError::InvalidPacket { offset: 16, .. }
        ));
        assert!(err.to_string().contains("Nonce must be 4 bytes"), "{err}");
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 1);
    }
}
