//! Where segment content comes from: anything with a length and random reads by offset, so a
//! file larger than memory is served by reading it piecewise.

use bytes::{Bytes, BytesMut};

/// Content to publish, read at any offset.
pub trait SegmentSource {
    /// Total length in bytes.
    fn len(&self) -> u64;

    /// Read up to `buf.len()` bytes at `offset`; returns how many were read (0 at the end).
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize>;

    /// True when there is no content.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Exactly `len` bytes at `offset` (fewer only if the source ends early).
    fn read_range(&self, offset: u64, len: usize) -> std::io::Result<Bytes> {
        let mut buf = BytesMut::zeroed(len);
        let mut filled = 0;
        while filled < len {
            let Some(rest) = buf.get_mut(filled..) else {
                break;
            };
            let n = self.read_at(offset + filled as u64, rest)?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        buf.truncate(filled);
        Ok(buf.freeze())
    }
}

impl SegmentSource for Bytes {
    fn len(&self) -> u64 {
        Bytes::len(self) as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(Bytes::len(self));
        let src = self.get(start..).unwrap_or_default();
        let n = src.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), src.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }

    /// Zero-copy: a slice of the shared buffer.
    fn read_range(&self, offset: u64, len: usize) -> std::io::Result<Bytes> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(Bytes::len(self));
        let end = start.saturating_add(len).min(Bytes::len(self));
        Ok(self.slice(start..end))
    }
}

impl SegmentSource for Vec<u8> {
    fn len(&self) -> u64 {
        Vec::len(self) as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(Vec::len(self));
        let src = self.get(start..).unwrap_or_default();
        let n = src.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), src.get(..n)) {
            dst.copy_from_slice(src);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that returns at most 3 bytes per read, like a slow file.
    struct Trickle(Vec<u8>);

    impl SegmentSource for Trickle {
        fn len(&self) -> u64 {
            self.0.len() as u64
        }
        fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(3);
            self.0.read_at(offset, &mut buf[..n])
        }
    }

    #[test]
    fn read_range_loops_over_short_reads() {
        let t = Trickle((0u8..20).collect());
        assert_eq!(
            &t.read_range(4, 10).unwrap()[..],
            &(4u8..14).collect::<Vec<_>>()[..]
        );
        assert_eq!(t.read_range(18, 10).unwrap().len(), 2, "stops at the end");
    }

    #[test]
    fn bytes_and_vec_agree() {
        let b = Bytes::from_static(b"hello world");
        let v = b.to_vec();
        assert_eq!(b.read_range(6, 5).unwrap(), v.read_range(6, 5).unwrap());
        assert_eq!(b.read_range(20, 5).unwrap().len(), 0);
        assert!(Bytes::new().is_empty());
    }
}
