//! Signing and verification of Data and signed Interests (PF 5 "Signature").
//!
//! A signature covers a "signed portion" that may be made of several byte ranges (a signed
//! Interest signs its name components without the ParametersSha256DigestComponent, then its
//! parameters and signature info), so signers and verifiers take a list of slices.

use sha2::{Digest, Sha256};

use crate::packet::{KeyLocator, signature_type};

/// Why signing failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The key cannot produce a signature (for example a malformed private key).
    #[error("signing failed: {0}")]
    Key(String),
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The packet carries no signature.
    #[error("the packet is not signed")]
    Unsigned,
    /// The signature type is not the one this verifier checks.
    #[error("signature type {found} cannot be checked with a key for type {expected}")]
    WrongType {
        /// The type the verifier handles.
        expected: u64,
        /// The packet's type.
        found: u64,
    },
    /// The signature does not match the signed portion.
    #[error("signature is invalid")]
    Invalid,
    /// The signature or packet could not be parsed.
    #[error("malformed signature: {0}")]
    Malformed(String),
}

/// Something that signs: a private key, an HMAC key, or the plain SHA-256 digest.
pub trait Signer {
    /// The SignatureType this signer produces.
    fn signature_type(&self) -> u64;
    /// The KeyLocator to put in SignatureInfo, if any.
    fn key_locator(&self) -> Option<KeyLocator>;
    /// Sign the concatenation of `parts`.
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError>;
}

/// Something that checks a signature of one type.
pub trait Verifier {
    /// The SignatureType this verifier checks.
    fn signature_type(&self) -> u64;
    /// Check `signature` over the concatenation of `parts`.
    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError>;
}

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
