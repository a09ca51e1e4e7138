//! Shared workload generators for the forwarding-core benches: seeded, so every run measures
//! the same names.

#![allow(dead_code, unreachable_pub)]

use bytes::Bytes;
use ndn::sign::DigestSha256;
use ndn::{DataBuilder, InterestBuilder, Name};

/// SplitMix64: a tiny seeded generator for workload shapes.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A lowercase word of 3..=10 letters.
fn word(rng: &mut SplitMix) -> String {
    let len = 3 + rng.below(8) as usize;
    (0..len)
        .map(|_| char::from(b'a' + rng.below(26) as u8))
        .collect()
}

/// `n` distinct routable prefixes of 2..=4 generic components, like `/edu/ucla/cs`, plus the
/// index as the last component so they never collide.
pub fn fib_prefixes(n: usize, seed: u64) -> Vec<Name> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|i| {
            let depth = 1 + rng.below(3) as usize;
            let mut name = Name::new();
            for _ in 0..depth {
                name = name.append_generic(word(&mut rng));
            }
            name.append_generic(format!("{i}"))
        })
        .collect()
}

/// A name under `prefix` the way applications name Data: a version and a segment.
pub fn under(prefix: &Name, version: u64, segment: u64) -> Name {
    prefix.append_version(version).append_segment(segment)
}

/// An Interest wire (Nonce, default lifetime, no HopLimit).
pub fn interest_wire(name: &Name, nonce: u32) -> Bytes {
    InterestBuilder::new(name.clone()).nonce(nonce).encode()
}

/// A Data wire with `content_len` bytes of content and a DigestSha256 signature.
pub fn data_wire(name: &Name, content_len: usize) -> Bytes {
    DataBuilder::new(name.clone())
        .freshness_period(10_000)
        .content(Bytes::from(vec![0x5a; content_len]))
        .sign(&DigestSha256)
        .expect("DigestSha256 cannot fail")
}
