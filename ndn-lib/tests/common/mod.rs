//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::path::PathBuf;

use bytes::Bytes;
use ndn::Name;
use ndn::sign::rand_core::{TryCryptoRng, TryRng};
use ndn::sign::sha256;

/// A deterministic generator for tests: SHA-256 of (seed, counter).
pub(crate) struct TestRng {
    seed: u64,
    counter: u64,
}

impl TestRng {
    pub(crate) fn new(seed: u64) -> Self {
        TestRng { seed, counter: 0 }
    }
}

impl TryRng for TestRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(32) {
            let block = sha256(&[&self.seed.to_be_bytes(), &self.counter.to_be_bytes()]);
            self.counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

pub(crate) fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

pub(crate) fn hex_bytes(text: &str) -> Bytes {
    Bytes::from(hex::decode(text).unwrap())
}

/// A copy of `wire` with one bit of byte `at` flipped.
pub(crate) fn flip_bit(wire: &Bytes, at: usize) -> Bytes {
    let mut v = wire.to_vec();
    v[at] ^= 0x01;
    Bytes::from(v)
}

/// Offset of `part` (a slice of `whole`) within `whole`.
pub(crate) fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// A fresh empty directory under the system temp dir, unique to this test and process.
pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ndn-rs-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Read a file under `ndn-lib/tests/`.
pub(crate) fn test_file(path: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}
