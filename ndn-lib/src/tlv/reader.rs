//! A checked cursor over untrusted bytes.

use super::DecodeError;
use super::types::is_critical;

/// A TLV element borrowed from a buffer, with absolute offsets (relative to the start of the
/// buffer the outermost [`Reader`] was created on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element<'a> {
    /// TLV-TYPE.
    pub tlv_type: u64,
    /// TLV-VALUE.
    pub value: &'a [u8],
    /// Offset of the TLV-TYPE.
    pub offset: usize,
    /// Offset of the first TLV-VALUE byte.
    pub value_offset: usize,
    /// Offset one past the last TLV-VALUE byte.
    pub end: usize,
}

impl<'a> Element<'a> {
    /// A reader over this element's TLV-VALUE that reports absolute offsets.
    pub fn reader(&self) -> Reader<'a> {
        Reader {
            buf: self.value,
            pos: 0,
            base: self.value_offset,
        }
    }

    /// The TLV-VALUE as a NonNegativeInteger.
    pub fn nonneg(&self, element: &'static str) -> Result<u64, DecodeError> {
        super::decode_nonneg(self.value).ok_or(DecodeError::InvalidValue {
            element,
            offset: self.offset,
            reason: "NonNegativeInteger must be 1, 2, 4 or 8 bytes",
        })
    }

    /// Fail with [`DecodeError::UnrecognizedCritical`] when this (unrecognized) element is
    /// critical; succeed when it may be ignored.
    pub fn ignore_unless_critical(&self, parent: &'static str) -> Result<(), DecodeError> {
        if is_critical(self.tlv_type) {
            Err(DecodeError::UnrecognizedCritical {
                tlv_type: self.tlv_type,
                parent,
                offset: self.offset,
            })
        } else {
            Ok(())
        }
    }
}

/// A cursor over a byte slice that decodes VAR-NUMBERs and TLV elements, never reading past the
/// end and never panicking.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`; offsets are reported relative to `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            base: 0,
        }
    }

    /// True when every byte has been consumed.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// Absolute offset of the next byte.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Decode one VAR-NUMBER, requiring the shortest form.
    #[inline]
    pub fn read_var_number(&mut self) -> Result<u64, DecodeError> {
        let start = self.offset();
        let rest = self.remaining();
        let truncated = DecodeError::Truncated { offset: start };
        let (n, used, min) = match rest.first() {
            None => return Err(truncated),
            Some(&b) if b < 253 => (u64::from(b), 1, 0),
            Some(253) => match rest.get(1..3) {
                Some(&[a, b]) => (u64::from(u16::from_be_bytes([a, b])), 3, 253),
                _ => return Err(truncated),
            },
            Some(254) => match rest.get(1..5) {
                Some(&[a, b, c, d]) => (u64::from(u32::from_be_bytes([a, b, c, d])), 5, 0x1_0000),
                _ => return Err(truncated),
            },
            Some(_) => match rest.get(1..9) {
                Some(s) => {
                    let mut a = [0u8; 8];
                    a.copy_from_slice(s);
                    (u64::from_be_bytes(a), 9, 0x1_0000_0000)
                }
                None => return Err(truncated),
            },
        };
        if n < min {
            return Err(DecodeError::NonMinimalVarNumber { offset: start });
        }
        self.pos += used;
        Ok(n)
    }

    /// Decode one whole TLV element.
    #[inline]
    pub fn read_element(&mut self) -> Result<Element<'a>, DecodeError> {
        // fast path: TLV-TYPE and TLV-LENGTH of one or three bytes each, in their shortest form,
        // and a value that fits (nearly every element of a packet); anything else, and every
        // error, takes the general path, which reports it
        if let Some((tlv_type, type_len)) = short_var_number(self.buf, self.pos)
            && let Some((len, len_len)) = short_var_number(self.buf, self.pos + type_len)
        {
            let value_start = self.pos + type_len + len_len;
            let end = value_start + len as usize;
            if let Some(value) = self.buf.get(value_start..end) {
                let offset = self.base + self.pos;
                self.pos = end;
                return Ok(Element {
                    tlv_type,
                    value,
                    offset,
                    value_offset: self.base + value_start,
                    end: self.base + end,
                });
            }
        }
        self.read_element_general()
    }

    /// [`read_element`](Self::read_element) for multi-byte numbers and for errors.
    #[inline(never)]
    fn read_element_general(&mut self) -> Result<Element<'a>, DecodeError> {
        let offset = self.offset();
        let save = self.pos;
        let tlv_type = self.read_var_number()?;
        let length = match self.read_var_number() {
            Ok(l) => l,
            Err(e) => {
                self.pos = save;
                return Err(e);
            }
        };
        let remaining = self.buf.len().saturating_sub(self.pos);
        let len = match usize::try_from(length) {
            Ok(l) if l <= remaining => l,
            _ => {
                self.pos = save;
                return Err(DecodeError::LengthExceedsBuffer {
                    tlv_type,
                    offset,
                    length,
                    remaining,
                });
            }
        };
        let value_start = self.pos;
        let Some(value) = self.buf.get(value_start..value_start + len) else {
            self.pos = save;
            return Err(DecodeError::Truncated { offset });
        };
        self.pos += len;
        Ok(Element {
            tlv_type,
            value,
            offset,
            value_offset: self.base + value_start,
            end: self.base + self.pos,
        })
    }

    /// Decode one element of the given type.
    #[inline]
    pub fn expect_element(
        &mut self,
        tlv_type: u64,
        name: &'static str,
    ) -> Result<Element<'a>, DecodeError> {
        let e = self.read_element()?;
        if e.tlv_type != tlv_type {
            return Err(DecodeError::UnexpectedType {
                expected: name,
                expected_type: tlv_type,
                found: e.tlv_type,
                offset: e.offset,
            });
        }
        Ok(e)
    }

    /// Peek at the TLV-TYPE of the next element without consuming it.
    pub fn peek_type(&self) -> Option<u64> {
        self.clone().read_var_number().ok()
    }
}

/// A VAR-NUMBER of 1 or 3 bytes in its shortest form at `pos`: (number, bytes used). `None` for
/// anything else (longer forms, non-minimal forms, the end of the buffer); the caller then
/// takes the general path.
#[inline(always)]
fn short_var_number(buf: &[u8], pos: usize) -> Option<(u64, usize)> {
    match *buf.get(pos)? {
        b if b < 253 => Some((u64::from(b), 1)),
        253 => {
            let &[hi, lo] = buf.get(pos + 1..pos + 3)? else {
                return None;
            };
            let n = u16::from_be_bytes([hi, lo]);
            (n >= 253).then_some((u64::from(n), 3))
        }
        _ => None,
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Element<'a>, DecodeError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.is_empty() {
            return None;
        }
        let r = self.read_element();
        if r.is_err() {
            // stop after the first error
            self.pos = self.buf.len();
        }
        Some(r)
    }
}
