//! SignatureEd25519 (PF 5.2.1, signature type 5): Ed25519 (RFC 8032) over the signed portion.
//! The SignatureValue is the 64-byte signature. Many signatures by one key can be checked
//! together ([`Ed25519Verifier::verify_batch`]).

mod batch;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use rand_core::CryptoRng;
use signature::{MultipartSigner, MultipartVerifier};

use super::{KeyError, PublicKey, SignError, Signer, Verifier, VerifyError};
use crate::packet::{KeyLocator, signature_type};

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4): SEQUENCE, algorithm
/// id-Ed25519 (1.3.101.112), BIT STRING of 33 bytes (no unused bits, then the 32-byte key).
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// An Ed25519 private key that signs with SignatureType 5.
#[derive(Clone)]
pub struct Ed25519Signer {
    key: SigningKey,
    key_locator: Option<KeyLocator>,
}

impl Ed25519Signer {
    /// The key whose RFC 8032 secret ("seed") is `seed`. No KeyLocator until
    /// [`with_key_locator`](Self::with_key_locator).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Ed25519Signer {
            key: SigningKey::from_bytes(seed),
            key_locator: None,
        }
    }

    /// A new key drawn from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = [0u8; 32];
        rng.fill_bytes(&mut seed);
        Self::from_seed(&seed)
    }

    /// The same key, writing `key_locator` into the SignatureInfo it signs.
    pub fn with_key_locator(mut self, key_locator: Option<KeyLocator>) -> Self {
        self.key_locator = key_locator;
        self
    }

    /// The matching verifier.
    pub fn verifier(&self) -> Ed25519Verifier {
        Ed25519Verifier {
            key: self.key.verifying_key(),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from(self.verifier())
    }

    /// Read a PKCS#8 (RFC 8410) DER private key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let key =
            SigningKey::from_pkcs8_der(der).map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        Ok(Ed25519Signer {
            key,
            key_locator: None,
        })
    }

    /// Write the private key as PKCS#8 DER: a version 1 PrivateKeyInfo holding only the
    /// 32-byte secret (RFC 8410 section 7), the form OpenSSL 3.0 and so ndn-cxx read.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        let doc = KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_der()
        .map_err(|e| KeyError::Generation(e.to_string()))?;
        Ok(doc.as_bytes().to_vec())
    }
}

impl std::fmt::Debug for Ed25519Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ed25519Signer")
            .field("public_key", &self.verifier())
            .field("key_locator", &self.key_locator)
            .finish_non_exhaustive()
    }
}

impl Signer for Ed25519Signer {
    fn max_signature_len(&self) -> usize {
        64
    }

    fn signature_type(&self) -> u64 {
        signature_type::ED25519
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        self.key_locator.clone()
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        let sig: Signature = self
            .key
            .try_multipart_sign(parts)
            .map_err(|e| SignError::Key(e.to_string()))?;
        Ok(sig.to_bytes().to_vec())
    }
}

/// An Ed25519 public key that checks SignatureType 5.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519Verifier {
    key: VerifyingKey,
}

impl Ed25519Verifier {
    /// The key with the 32-byte encoding `bytes` (RFC 8032 5.1.5).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(bytes)
            .map(|key| Ed25519Verifier { key })
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    /// The 32-byte encoding.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Read a DER SubjectPublicKeyInfo with algorithm id-Ed25519 (RFC 8410).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::from_public_key_der(der)
            .map(|key| Ed25519Verifier { key })
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    /// The DER SubjectPublicKeyInfo (RFC 8410).
    pub fn to_spki_der(&self) -> Vec<u8> {
        let mut der = Vec::with_capacity(SPKI_PREFIX.len() + 32);
        der.extend_from_slice(&SPKI_PREFIX);
        der.extend_from_slice(self.key.as_bytes());
        der
    }
}

impl std::fmt::Debug for Ed25519Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ed25519Verifier(")?;
        for b in self.key.as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl Verifier for Ed25519Verifier {
    fn signature_type(&self) -> u64 {
        signature_type::ED25519
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError> {
        let sig = Signature::from_slice(signature)
            .map_err(|_| VerifyError::Malformed("an Ed25519 signature has 64 bytes".into()))?;
        self.key
            .multipart_verify(parts, &sig)
            .map_err(|_| VerifyError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8032_test_1_empty_message() {
        // RFC 8032 section 7.1, TEST 1
        let seed: [u8; 32] =
            hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap()
                .try_into()
                .unwrap();
        let s = Ed25519Signer::from_seed(&seed);
        assert_eq!(
            hex::encode(s.verifier().to_bytes()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        let sig = s.sign(&[]).unwrap();
        assert_eq!(
            hex::encode(&sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155\
             5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        s.verifier().verify(&[], &sig).unwrap();
    }

    #[test]
    fn spki_and_pkcs8_round_trip() {
        let s = Ed25519Signer::from_seed(&[7; 32]);
        let spki = s.verifier().to_spki_der();
        assert_eq!(Ed25519Verifier::from_spki_der(&spki).unwrap(), s.verifier());
        let der = s.to_pkcs8_der().unwrap();
        // version 1 PrivateKeyInfo: 16 bytes of header, then the 32-byte secret in an OCTET STRING
        assert_eq!(der.len(), 48);
        let back = Ed25519Signer::from_pkcs8_der(&der).unwrap();
        assert_eq!(back.verifier(), s.verifier());
        assert!(Ed25519Verifier::from_spki_der(&spki[1..]).is_err());
    }

    #[test]
    fn signature_over_parts_equals_signature_over_concatenation() {
        let s = Ed25519Signer::from_seed(&[1; 32]);
        let a = s.sign(&[b"hello ", b"world"]).unwrap();
        let b = s.sign(&[b"hello world"]).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            s.verifier().verify(&[b"hello world"], &a[..63]),
            Err(VerifyError::Malformed(
                "an Ed25519 signature has 64 bytes".into()
            ))
        );
    }
}
