//! SignatureHmacWithSha256 (PF 5.2.1, signature type 4).

use sha2::Sha256;

use super::{SignError, Signer, Verifier, VerifyError};
use crate::packet::{KeyLocator, signature_type};

/// SignatureHmacWithSha256 (type 4) with a shared secret key.
#[derive(Clone)]
pub struct HmacSha256 {
    key: Vec<u8>,
    key_locator: Option<KeyLocator>,
}

impl HmacSha256 {
    /// An HMAC signer/verifier; `key_locator` names the key for the receiver.
    pub fn new(key: &[u8], key_locator: Option<KeyLocator>) -> Self {
        HmacSha256 {
            key: key.to_vec(),
            key_locator,
        }
    }

    fn mac(&self) -> hmac::Hmac<Sha256> {
        use hmac::KeyInit;
        // HMAC accepts keys of any length
        match <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any size"),
        }
    }
}

impl std::fmt::Debug for HmacSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HmacSha256")
            .field("key", &"<secret>")
            .field("key_locator", &self.key_locator)
            .finish()
    }
}

impl Signer for HmacSha256 {
    fn max_signature_len(&self) -> usize {
        32
    }

    fn signature_type(&self) -> u64 {
        signature_type::HMAC_WITH_SHA256
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        self.key_locator.clone()
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        use hmac::Mac;
        let mut m = self.mac();
        for p in parts {
            m.update(p);
        }
        Ok(m.finalize().into_bytes().to_vec())
    }
}

impl Verifier for HmacSha256 {
    fn signature_type(&self) -> u64 {
        signature_type::HMAC_WITH_SHA256
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError> {
        use hmac::Mac;
        let mut m = self.mac();
        for p in parts {
            m.update(p);
        }
        m.verify_slice(signature).map_err(|_| VerifyError::Invalid)
    }
}
