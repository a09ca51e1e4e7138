//! Signing and verification of Data and signed Interests (PF 5 "Signature").
//!
//! A signature covers a "signed portion" that may be made of several byte ranges (a signed
//! Interest signs its name components without the ParametersSha256DigestComponent, then its
//! parameters and signature info), so signers and verifiers take a list of slices.
//!
//! Signature types (PF 5.2.1): DigestSha256 (0, [`DigestSha256`]), SignatureSha256WithRsa
//! (1, [`RsaSigner`], [`RsaVerifier`]), SignatureSha256WithEcdsa (3, [`EcdsaP256Signer`],
//! [`EcdsaP256Verifier`]), SignatureHmacWithSha256 (4, [`HmacSha256`]) and SignatureEd25519
//! (5, [`Ed25519Signer`], [`Ed25519Verifier`]). [`PrivateKey`] and [`PublicKey`] hold a key of
//! any of the three public-key types; they load and save PKCS#8 and SubjectPublicKeyInfo.
//!
//! Randomness is always the caller's: key generation takes an RNG or a 32-byte seed, and
//! signing is deterministic (Ed25519, RFC 6979 ECDSA, PKCS#1 v1.5 RSA).

mod digest;
mod drbg;
mod ecdsa;
mod ed25519;
mod error;
mod hmac;
mod private_key;
mod public_key;
mod rsa;
mod verify;

pub use self::digest::{DigestSha256, sha256};
pub use self::ecdsa::{EcdsaP256Signer, EcdsaP256Verifier};
pub use self::ed25519::{Ed25519Signer, Ed25519Verifier};
pub use self::error::{KeyError, SignError, VerifyError};
pub use self::hmac::HmacSha256;
pub use self::private_key::{KeyType, PrivateKey};
pub use self::public_key::PublicKey;
pub use self::rsa::{DEFAULT_RSA_BITS, RsaSigner, RsaVerifier};
pub use self::verify::{verify_data, verify_interest};

/// The `rand_core` version the key generators take, re-exported so callers name the same traits.
pub use rand_core;

use crate::packet::KeyLocator;

/// Something that signs: a private key, an HMAC key, or the plain SHA-256 digest.
pub trait Signer {
    /// The SignatureType this signer produces.
    fn signature_type(&self) -> u64;
    /// The KeyLocator to put in SignatureInfo, if any.
    fn key_locator(&self) -> Option<KeyLocator>;
    /// Sign the concatenation of `parts`.
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError>;
    /// The longest signature this signer produces, in bytes: encoders leave that much room so
    /// that a packet is built in one buffer (a wrong guess costs a copy, nothing else).
    fn max_signature_len(&self) -> usize {
        512
    }
}

/// Something that checks a signature of one type.
pub trait Verifier {
    /// The SignatureType this verifier checks.
    fn signature_type(&self) -> u64;
    /// Check `signature` over the concatenation of `parts`.
    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError>;
}
