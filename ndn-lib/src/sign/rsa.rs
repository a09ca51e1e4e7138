//! SignatureSha256WithRsa (PF 5.2.1, signature type 1): RSASSA-PKCS1-v1_5 with SHA-256
//! (RFC 8017 8.2) over the signed portion. The SignatureValue is as long as the modulus.
//!
//! RSA is mostly here to verify packets from older NDN software; new keys should be Ed25519.
//! Signing blinds the private-key operation with factors drawn from a generator seeded by the
//! key and the message, so it needs no operating-system randomness; blinding does not change
//! the (deterministic) signature.

use bytes::Bytes;
use rand_core::CryptoRng;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::sha2::Sha256;
use signature::hazmat::PrehashVerifier;
use signature::{Keypair, RandomizedMultipartSigner};

use super::drbg::HashDrbg;
use super::{KeyError, PublicKey, SignError, Signer, Verifier, VerifyError, sha256};
use crate::packet::{KeyLocator, signature_type};

/// Modulus size of generated keys when the caller does not choose one.
pub const DEFAULT_RSA_BITS: usize = 2048;

/// An RSA private key that signs with SignatureType 1.
#[derive(Clone)]
pub struct RsaSigner {
    key: SigningKey<Sha256>,
    verifier: RsaVerifier,
    /// Secret input of the blinding generator (a hash of the private key).
    blinding_seed: [u8; 32],
    key_locator: Option<KeyLocator>,
}

impl RsaSigner {
    fn from_key(key: SigningKey<Sha256>) -> Result<Self, KeyError> {
        let der = key
            .to_pkcs8_der()
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        let blinding_seed = sha256(&[b"rsa blinding", der.as_bytes()]);
        let public: VerifyingKey<Sha256> = key.verifying_key();
        let spki = public
            .to_public_key_der()
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        Ok(RsaSigner {
            key,
            verifier: RsaVerifier {
                key: public,
                spki: Bytes::copy_from_slice(spki.as_bytes()),
            },
            blinding_seed,
            key_locator: None,
        })
    }

    /// A new key of `bits` bits (at least 1024) drawn from `rng`. Slow: seconds in release
    /// builds, much longer in debug builds.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R, bits: usize) -> Result<Self, KeyError> {
        let key = SigningKey::<Sha256>::random(rng, bits)
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        Self::from_key(key)
    }

    /// Read a PKCS#8 DER private key (RFC 8017 RSAPrivateKey inside).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = SigningKey::<Sha256>::from_pkcs8_der(der)
            .map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        Self::from_key(key)
    }

    /// Write the private key as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        let doc = self
            .key
            .to_pkcs8_der()
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        Ok(doc.as_bytes().to_vec())
    }

    /// The same key, writing `key_locator` into the SignatureInfo it signs.
    pub fn with_key_locator(mut self, key_locator: Option<KeyLocator>) -> Self {
        self.key_locator = key_locator;
        self
    }

    /// The matching verifier.
    pub fn verifier(&self) -> RsaVerifier {
        self.verifier.clone()
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from(self.verifier())
    }
}

impl std::fmt::Debug for RsaSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaSigner")
            .field("key_locator", &self.key_locator)
            .finish_non_exhaustive()
    }
}

impl Signer for RsaSigner {
    fn signature_type(&self) -> u64 {
        signature_type::SHA256_WITH_RSA
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        self.key_locator.clone()
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        let mut rng = HashDrbg::new(&self.blinding_seed, &sha256(parts));
        let sig: Signature = self
            .key
            .try_multipart_sign_with_rng(&mut rng, parts)
            .map_err(|e| SignError::Key(e.to_string()))?;
        Ok(Box::<[u8]>::from(sig).into_vec())
    }
}

/// An RSA public key that checks SignatureType 1.
#[derive(Clone, PartialEq)]
pub struct RsaVerifier {
    key: VerifyingKey<Sha256>,
    spki: Bytes,
}

impl RsaVerifier {
    /// Read a DER SubjectPublicKeyInfo with algorithm rsaEncryption (RFC 8017 A.1), modulus
    /// 1024 to 8192 bits.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let key = VerifyingKey::<Sha256>::from_public_key_der(der)
            .map_err(|e| KeyError::PublicKey(e.to_string()))?;
        Ok(RsaVerifier {
            key,
            spki: Bytes::copy_from_slice(der),
        })
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn spki_der(&self) -> &Bytes {
        &self.spki
    }
}

impl Eq for RsaVerifier {}

impl std::fmt::Debug for RsaVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaVerifier({} SPKI bytes)", self.spki.len())
    }
}

impl Verifier for RsaVerifier {
    fn signature_type(&self) -> u64 {
        signature_type::SHA256_WITH_RSA
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError> {
        let sig = Signature::try_from(signature)
            .map_err(|_| VerifyError::Malformed("RSA signature too long".into()))?;
        self.key
            .verify_prehash(&sha256(parts), &sig)
            .map_err(|_| VerifyError::Invalid)
    }
}
