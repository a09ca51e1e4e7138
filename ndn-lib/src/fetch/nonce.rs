//! Interest Nonces from a seeded generator (SplitMix64), so a fetch is reproducible from its
//! seed. Not cryptographic: a Nonce only needs to differ between retransmissions.

/// A SplitMix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct NonceGen(u64);

impl NonceGen {
    pub(crate) fn new(seed: u64) -> Self {
        NonceGen(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// The next 4-byte Nonce.
    pub(crate) fn nonce(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_nonces_and_they_differ() {
        let a: Vec<u32> = {
            let mut g = NonceGen::new(7);
            (0..4).map(|_| g.nonce()).collect()
        };
        let mut g = NonceGen::new(7);
        let b: Vec<u32> = (0..4).map(|_| g.nonce()).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        assert_ne!(NonceGen::new(8).nonce(), a[0]);
    }
}
