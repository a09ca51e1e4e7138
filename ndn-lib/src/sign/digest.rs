//! SHA-256 and DigestSha256 (PF 5.2.1, signature type 0).

use sha2::{Digest, Sha256};

use super::{SignError, Signer, Verifier, VerifyError};
use crate::packet::{KeyLocator, signature_type};

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

/// DigestSha256 (type 0): integrity only, no key. Signs and verifies.
#[derive(Debug, Clone, Copy, Default)]
pub struct DigestSha256;

impl Signer for DigestSha256 {
    fn max_signature_len(&self) -> usize {
        32
    }

    fn signature_type(&self) -> u64 {
        signature_type::DIGEST_SHA256
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        None
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        Ok(sha256(parts).to_vec())
    }
}

impl Verifier for DigestSha256 {
    fn signature_type(&self) -> u64 {
        signature_type::DIGEST_SHA256
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError> {
        if sha256(parts).as_slice() == signature {
            Ok(())
        } else {
            Err(VerifyError::Invalid)
        }
    }
}
