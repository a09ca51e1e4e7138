//! A fast keyed hash of every prefix of a name, computed in one pass.
//!
//! The forwarder's FIB, PIT and measurements are keyed by name prefixes; a longest-prefix match
//! needs the hash of each prefix of the incoming name. This hash processes each component's TLV
//! bytes in 8-byte words with a folded multiply and records the state after each component, so
//! the whole set costs about as much as hashing the name once. The key is chosen by the caller
//! (the forwarder draws it from its seeded RNG), which keeps results reproducible while making
//! collisions hard to aim at.

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;
const FINAL: u64 = 0xD6E8_FEB8_6659_FD93;

#[inline(always)]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline(always)]
fn mix_component(mut state: u64, tlv: &[u8], key: u64) -> u64 {
    let mut chunks = tlv.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        state = folded_multiply(state ^ u64::from_le_bytes(w), MUL ^ key);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // the little-endian word of the zero-padded remainder (fewer than 8 bytes)
        let (lo, hi) = rest.split_at(rest.len().min(4));
        let w = up_to_4(lo) | (up_to_4(hi) << 32);
        state = folded_multiply(state ^ w, MUL ^ key);
    }
    state
}

/// The little-endian value of up to 4 bytes (more are ignored).
#[inline(always)]
fn up_to_4(b: &[u8]) -> u64 {
    match *b {
        [] => 0,
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_le_bytes([a, b])),
        [a, b, c] => u64::from(u16::from_le_bytes([a, b])) | (u64::from(c) << 16),
        [a, b, c, d, ..] => u64::from(u32::from_le_bytes([a, b, c, d])),
    }
}

#[inline(always)]
fn finish(state: u64, key: u64, count: usize) -> u64 {
    folded_multiply(state ^ (count as u64), FINAL ^ key.rotate_left(32))
}

/// Hash of the empty name under `key`.
#[inline]
pub(super) fn empty_hash(key: u64) -> u64 {
    finish(key, key, 0)
}

/// Call `out(i, hash)` for every prefix length i = 0..=n, where the component TLVs are given by
/// the iterator.
#[inline]
pub(super) fn prefix_hashes<'a>(
    components: impl Iterator<Item = &'a [u8]>,
    key: u64,
    mut out: impl FnMut(u64),
) {
    let mut state = key;
    out(finish(state, key, 0));
    for (i, tlv) in components.enumerate() {
        state = mix_component(state, tlv, key);
        out(finish(state, key, i + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The remainder word is the zero-padded little-endian word, for every length.
    #[test]
    fn remainder_words_are_zero_padded_little_endian() {
        let bytes = [0x11u8, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99];
        for len in 0..=bytes.len() {
            let tlv = &bytes[..len];
            let mut expected = 0x1234u64;
            for c in tlv.chunks(8) {
                let mut w = [0u8; 8];
                w[..c.len()].copy_from_slice(c);
                expected = folded_multiply(expected ^ u64::from_le_bytes(w), MUL ^ 5);
            }
            assert_eq!(mix_component(0x1234, tlv, 5), expected, "length {len}");
        }
    }
}
