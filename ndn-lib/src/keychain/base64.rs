//! Base64 text of certificates, in the layout `ndnsec cert-dump` prints: standard alphabet with
//! padding (RFC 4648 section 4), a line break after every 64 characters and at the end.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Characters per line.
const LINE: usize = 64;

/// Encode `bytes`, breaking lines every 64 characters; the text ends with a line break.
pub(crate) fn encode_lines(bytes: &[u8]) -> String {
    let flat = STANDARD.encode(bytes);
    let mut out = String::with_capacity(flat.len() + flat.len() / LINE + 1);
    for (i, ch) in flat.chars().enumerate() {
        if i > 0 && i % LINE == 0 {
            out.push('\n');
        }
        out.push(ch);
    }
    out.push('\n');
    out
}

/// Decode base64 text, ignoring all ASCII whitespace (so with or without line breaks).
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_64_and_lenient_decode() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = encode_lines(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 64));
        assert!(text.ends_with('\n'));
        assert_eq!(decode(&text).unwrap(), bytes);
        assert_eq!(decode(&text.replace('\n', "")).unwrap(), bytes);
        assert_eq!(decode(&text.replace('\n', "\r\n  ")).unwrap(), bytes);
        assert!(decode("not base64!").is_err());
        assert_eq!(encode_lines(&[]), "\n");
        // exactly one full line: no empty line before the final break
        assert_eq!(encode_lines(&[0u8; 48]).lines().count(), 1);
    }
}
