//! The decode error type shared by every codec in this crate.

/// Why a byte sequence is not a valid NDN element. Offsets count bytes from the start of the
/// buffer handed to the decoder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The buffer ended inside a TLV-TYPE or TLV-LENGTH.
    #[error("truncated VAR-NUMBER at offset {offset}")]
    Truncated {
        /// Where the incomplete number starts.
        offset: usize,
    },
    /// A TLV-LENGTH claims more bytes than remain.
    #[error(
        "element of type {tlv_type} at offset {offset} claims {length} bytes but only {remaining} remain"
    )]
    LengthExceedsBuffer {
        /// TLV-TYPE of the element.
        tlv_type: u64,
        /// Offset of its TLV-TYPE.
        offset: usize,
        /// The claimed TLV-LENGTH.
        length: u64,
        /// Bytes left after the TLV-LENGTH.
        remaining: usize,
    },
    /// A VAR-NUMBER was not written in its shortest form.
    #[error("VAR-NUMBER at offset {offset} is not in its shortest form")]
    NonMinimalVarNumber {
        /// Where the number starts.
        offset: usize,
    },
    /// The outer element is not of the expected type.
    #[error("expected {expected} (type {expected_type}) at offset {offset}, found type {found}")]
    UnexpectedType {
        /// Name of the expected element.
        expected: &'static str,
        /// Its TLV-TYPE.
        expected_type: u64,
        /// The TLV-TYPE found.
        found: u64,
        /// Offset of the element.
        offset: usize,
    },
    /// An unrecognized or out-of-order element that is critical (TLV-TYPE <= 31 or odd).
    #[error("unrecognized critical element of type {tlv_type} in {parent} at offset {offset}")]
    UnrecognizedCritical {
        /// TLV-TYPE of the element.
        tlv_type: u64,
        /// The enclosing element.
        parent: &'static str,
        /// Offset of the element.
        offset: usize,
    },
    /// A required element is absent.
    #[error("{parent} lacks its required {element}")]
    Missing {
        /// The missing element.
        element: &'static str,
        /// The enclosing element.
        parent: &'static str,
    },
    /// An element is present but its value is not acceptable.
    #[error("invalid {element} at offset {offset}: {reason}")]
    InvalidValue {
        /// The element.
        element: &'static str,
        /// Offset of the element.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Bytes follow the end of the outermost element.
    #[error("{count} unexpected bytes after the packet at offset {offset}")]
    TrailingBytes {
        /// Offset of the first extra byte.
        offset: usize,
        /// How many bytes follow.
        count: usize,
    },
}
