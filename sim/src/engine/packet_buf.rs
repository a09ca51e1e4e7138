//! Packet buffers with their reference count beside the packet's first bytes.
//!
//! A packet an application sends travels through many cores as one shared buffer: each core
//! that handles it clones and drops `Bytes` views of it (the decoded name, a PIT in-record, a
//! cached copy), and each of those touches the buffer's reference count. A `Bytes` made from a
//! `Vec` keeps that count in a separate small allocation, which is usually a cache miss of its
//! own, since the same packet was last handled at another node long before. Here the count and
//! the packet share one allocation, the count 8 bytes before the first byte, so the cache line
//! the core reads anyway to decode the packet holds the count as well (the simulator starts
//! loading that line one event ahead).

use bytes::Bytes;

/// The packet bytes inline, then their length: in an allocation laid out by `Bytes::from_owner`
/// as [reference count, bytes, length], the bytes start 8 bytes after the count.
#[repr(C)]
struct Inline<const N: usize> {
    bytes: [u8; N],
    len: u16,
}

impl<const N: usize> AsRef<[u8]> for Inline<N> {
    fn as_ref(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

fn inline<const N: usize>(wire: &[u8]) -> Bytes {
    let mut bytes = [0; N];
    let Some(dst) = bytes.get_mut(..wire.len()) else {
        return Bytes::copy_from_slice(wire);
    };
    dst.copy_from_slice(wire);
    Bytes::from_owner(Inline {
        bytes,
        len: wire.len() as u16,
    })
}

/// A copy of `wire` in a buffer with its reference count beside it. Capacities are malloc
/// size classes less the count and length; packets over 8 KB get an ordinary buffer.
pub(crate) fn colocated(wire: &[u8]) -> Bytes {
    match wire.len() {
        0..=48 => inline::<48>(wire),
        49..=112 => inline::<112>(wire),
        113..=240 => inline::<240>(wire),
        241..=496 => inline::<496>(wire),
        497..=1008 => inline::<1008>(wire),
        1009..=1264 => inline::<1264>(wire),
        1265..=1520 => inline::<1520>(wire),
        1521..=2032 => inline::<2032>(wire),
        2033..=4080 => inline::<4080>(wire),
        4081..=8176 => inline::<8176>(wire),
        _ => Bytes::copy_from_slice(wire),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_class_keeps_the_bytes() {
        for len in [0, 1, 48, 49, 112, 113, 1100, 1264, 1265, 8176, 8177, 9000] {
            let wire: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let b = colocated(&wire);
            assert_eq!(&b[..], &wire[..], "length {len}");
            // views share the buffer and outlive the original
            let tail = b.slice(len / 2..);
            drop(b);
            assert_eq!(&tail[..], &wire[len / 2..]);
        }
    }

    #[test]
    fn packets_up_to_8_kb_get_an_owned_buffer() {
        // `Bytes` reports an owner-backed buffer as never unique, and a fresh ordinary one as
        // unique: this tells which kind `colocated` made
        assert!(!colocated(&[1; 1100]).is_unique());
        assert!(!colocated(&[1; 8176]).is_unique());
        assert!(colocated(&[1; 8177]).is_unique());
    }
}
