//! Turning the bytes a user hands to `ndn-dissect` into packet bytes.

/// Why hexadecimal input could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexError {
    /// A character that is neither a hexadecimal digit nor whitespace.
    BadCharacter {
        /// Byte offset of the character in the input text.
        offset: usize,
        /// The character.
        found: char,
    },
    /// An odd number of hexadecimal digits.
    OddDigits {
        /// How many digits were read.
        digits: usize,
    },
}

impl std::fmt::Display for HexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HexError::BadCharacter { offset, found } => write!(
                f,
                "invalid hexadecimal input: {found:?} at character offset {offset} is not a hex digit"
            ),
            HexError::OddDigits { digits } => write!(
                f,
                "invalid hexadecimal input: {digits} hex digits is an odd count (each byte needs two)"
            ),
        }
    }
}

impl std::error::Error for HexError {}

/// Decode hexadecimal text into bytes, ignoring ASCII whitespace anywhere (so `hexdump`-style
/// line breaks and spaces between bytes are fine). Upper and lower case are accepted.
pub fn decode_hex(text: &[u8]) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<u8> = None;
    let mut digits = 0usize;
    for (offset, &b) in text.iter().enumerate() {
        if b.is_ascii_whitespace() {
            continue;
        }
        let nibble = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => {
                // report the whole (possibly multi-byte) character
                let found = String::from_utf8_lossy(text.get(offset..).unwrap_or_default())
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                return Err(HexError::BadCharacter { offset, found });
            }
        };
        digits += 1;
        match high.take() {
            None => high = Some(nibble),
            Some(h) => out.push(h << 4 | nibble),
        }
    }
    if high.is_some() {
        return Err(HexError::OddDigits { digits });
    }
    Ok(out)
}

/// True when `input` is non-empty and made only of hexadecimal digits and whitespace, so a user
/// who forgot `--hex` can be told.
pub fn looks_like_hex(input: &[u8]) -> bool {
    input.iter().any(u8::is_ascii_hexdigit)
        && input
            .iter()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_with_whitespace_and_case() {
        assert_eq!(
            decode_hex(b" 05 0e\n07\t0A ff").unwrap(),
            vec![0x05, 0x0E, 0x07, 0x0A, 0xFF]
        );
        assert_eq!(decode_hex(b"").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn hex_text_is_recognized() {
        assert!(looks_like_hex(b"050E 0706\n"));
        assert!(!looks_like_hex(b"\x05\x0e"));
        assert!(!looks_like_hex(b" \n"));
    }

    #[test]
    fn hex_errors_name_the_place() {
        assert_eq!(
            decode_hex(b"05 0g"),
            Err(HexError::BadCharacter {
                offset: 4,
                found: 'g'
            })
        );
        assert_eq!(decode_hex(b"050"), Err(HexError::OddDigits { digits: 3 }));
        assert!(
            decode_hex(b"05\xC3\xA9")
                .unwrap_err()
                .to_string()
                .contains('é')
        );
    }
}
