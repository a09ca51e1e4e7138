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

/// The last 0..=7 bytes of a component as one word, read without a variable-length copy. For
/// 4..=7 bytes the first and last four overlap; for 1..=3 the first, middle and last byte cover
/// them all. Either way the word is a one-to-one function of the bytes for a given length.
#[inline(always)]
fn tail_word(rest: &[u8]) -> u64 {
    if let (Some(lo), Some(hi)) = (rest.first_chunk::<4>(), rest.last_chunk::<4>()) {
        u64::from(u32::from_le_bytes(*lo)) | u64::from(u32::from_le_bytes(*hi)) << 32
    } else if let (Some(&a), Some(&b), Some(&c)) =
        (rest.first(), rest.get(rest.len() / 2), rest.last())
    {
        u64::from(a) | u64::from(b) << 8 | u64::from(c) << 16
    } else {
        0
    }
}

/// Fold one component's TLV into the state; `mul` is `MUL ^ key`.
#[inline(always)]
fn mix_component(mut state: u64, tlv: &[u8], mul: u64) -> u64 {
    let mut rest = tlv;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        state = folded_multiply(state ^ u64::from_le_bytes(*word), mul);
        rest = tail;
    }
    if !rest.is_empty() {
        state = folded_multiply(state ^ tail_word(rest), mul);
    }
    state
}

/// The hash of a prefix of `count` components from the running state; `fin` is
/// `FINAL ^ key.rotate_left(32)`.
#[inline(always)]
fn finish(state: u64, fin: u64, count: usize) -> u64 {
    folded_multiply(state ^ (count as u64), fin)
}

/// A component end offset, stored as `u16` (short names) or `u32`.
pub(super) trait EndOffset: Copy {
    /// The offset as an index.
    fn index(self) -> usize;
}

impl EndOffset for u16 {
    #[inline(always)]
    fn index(self) -> usize {
        usize::from(self)
    }
}

impl EndOffset for u32 {
    #[inline(always)]
    fn index(self) -> usize {
        self as usize
    }
}

/// Append to `out` the hash of every prefix (0..=n components) of the name whose TLV-VALUE is
/// `value` and whose components end at `ends`.
#[inline]
pub(super) fn prefix_hashes<E: EndOffset>(value: &[u8], ends: &[E], key: u64, out: &mut Vec<u64>) {
    let mul = MUL ^ key;
    let fin = FINAL ^ key.rotate_left(32);
    out.reserve(ends.len() + 1);
    out.push(finish(key, fin, 0));
    let mut state = key;
    let mut start = 0usize;
    for (i, &end) in ends.iter().enumerate() {
        let end = end.index();
        state = mix_component(state, value.get(start..end).unwrap_or_default(), mul);
        out.push(finish(state, fin, i + 1));
        start = end;
    }
}

/// The hash of the whole name: the last value [`prefix_hashes`] would give.
#[inline]
pub(super) fn full_hash<E: EndOffset>(value: &[u8], ends: &[E], key: u64) -> u64 {
    let mul = MUL ^ key;
    let mut state = key;
    let mut start = 0usize;
    for &end in ends {
        let end = end.index();
        state = mix_component(state, value.get(start..end).unwrap_or_default(), mul);
        start = end;
    }
    finish(state, FINAL ^ key.rotate_left(32), ends.len())
}
