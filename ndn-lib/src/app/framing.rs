//! Cutting a byte stream into NDN packets: on stream transports (Unix, TCP) each top-level TLV
//! element is one packet (an Interest, a Data or an NDNLPv2 LpPacket).

use bytes::{Bytes, BytesMut};

/// The largest element accepted from a stream. NDN packets are at most 8800 bytes on most
/// links; this leaves room for large LpPackets while bounding memory.
pub const MAX_FRAME: usize = 1 << 20;

/// Why a stream cannot be framed any more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FramingError {
    /// An element announces a length beyond [`MAX_FRAME`].
    #[error("element of {len} bytes exceeds the {MAX_FRAME}-byte limit")]
    TooLong {
        /// The announced total length.
        len: u64,
    },
}

/// Read a VAR-NUMBER at the start of `buf`: (value, bytes used), or `None` if incomplete.
fn var_number(buf: &[u8]) -> Option<(u64, usize)> {
    let first = *buf.first()?;
    let n = match first {
        0..=252 => return Some((u64::from(first), 1)),
        253 => 2,
        254 => 4,
        255 => 8,
    };
    let bytes = buf.get(1..=n)?;
    let v = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    Some((v, 1 + n))
}

/// Accumulates stream bytes and yields whole elements.
#[derive(Debug, Default)]
pub struct FrameBuffer {
    buf: BytesMut,
}

impl FrameBuffer {
    /// An empty buffer.
    pub fn new() -> Self {
        FrameBuffer::default()
    }

    /// The buffer to read into (append bytes here, e.g. with `AsyncReadExt::read_buf`).
    pub fn buf_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Append received bytes.
    pub fn extend(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole element, if the buffer holds one.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, FramingError> {
        let Some((_, t_len)) = var_number(&self.buf) else {
            return Ok(None);
        };
        let Some((len, l_len)) = self.buf.get(t_len..).and_then(var_number) else {
            return Ok(None);
        };
        let total = (t_len + l_len) as u64 + len;
        if total > MAX_FRAME as u64 {
            return Err(FramingError::TooLong { len: total });
        }
        let total = total as usize;
        if self.buf.len() < total {
            self.buf.reserve(total - self.buf.len());
            return Ok(None);
        }
        Ok(Some(self.buf.split_to(total).freeze()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn splits_elements_across_reads() {
        let mut f = FrameBuffer::new();
        let a = [0x05, 0x02, 0xAA, 0xBB];
        let b = [0x06, 0xFD, 0x01, 0x00];
        let mut big = b.to_vec();
        big.extend(std::iter::repeat_n(7u8, 256));
        f.extend(&a[..3]);
        assert_eq!(f.next_frame().unwrap(), None);
        f.extend(&a[3..]);
        f.extend(&big[..10]);
        assert_eq!(&f.next_frame().unwrap().unwrap()[..], &a);
        assert_eq!(f.next_frame().unwrap(), None);
        f.extend(&big[10..]);
        assert_eq!(&f.next_frame().unwrap().unwrap()[..], &big[..]);
        assert_eq!(f.next_frame().unwrap(), None);
    }

    #[test]
    fn rejects_huge_lengths() {
        let mut f = FrameBuffer::new();
        f.extend(&[0x06, 0xFE, 0x10, 0, 0, 0]);
        assert!(matches!(f.next_frame(), Err(FramingError::TooLong { .. })));
    }
}
