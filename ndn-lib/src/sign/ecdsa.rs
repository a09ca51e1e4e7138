//! SignatureSha256WithEcdsa (PF 5.2.1, signature type 3) on curve P-256: ECDSA with SHA-256
//! over the signed portion. The SignatureValue is the DER-encoded `Ecdsa-Sig-Value`
//! (RFC 3279 2.2.3: a SEQUENCE of the INTEGERs r and s), as NDN requires.
//!
//! Signing is deterministic (RFC 6979 nonces); verification accepts any valid DER signature,
//! including high-S ones produced by other implementations.

use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use rand_core::CryptoRng;
use signature::{MultipartSigner, MultipartVerifier};

use super::{KeyError, PublicKey, SignError, Signer, Verifier, VerifyError};
use crate::packet::{KeyLocator, signature_type};

/// DER prefix of a P-256 SubjectPublicKeyInfo (RFC 5480 section 2): SEQUENCE, algorithm
/// id-ecPublicKey (1.2.840.10045.2.1) with named curve secp256r1 (1.2.840.10045.3.1.7),
/// BIT STRING of 66 bytes (no unused bits, then the uncompressed point 04 || X || Y).
const SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A,
    0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// An ECDSA P-256 private key that signs with SignatureType 3.
#[derive(Clone)]
pub struct EcdsaP256Signer {
    key: SigningKey,
    key_locator: Option<KeyLocator>,
}

impl EcdsaP256Signer {
    /// The key with secret scalar `scalar` (big-endian); fails when it is zero or not below
    /// the group order.
    pub fn from_scalar_bytes(scalar: &[u8; 32]) -> Result<Self, KeyError> {
        let key = SigningKey::from_slice(scalar)
            .map_err(|_| KeyError::PrivateKey("scalar out of range for P-256".into()))?;
        Ok(EcdsaP256Signer {
            key,
            key_locator: None,
        })
    }

    /// A new key drawn from `rng` (rejection sampling of the scalar).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        loop {
            let mut scalar = [0u8; 32];
            rng.fill_bytes(&mut scalar);
            if let Ok(s) = Self::from_scalar_bytes(&scalar) {
                return s;
            }
        }
    }

    /// The same key, writing `key_locator` into the SignatureInfo it signs.
    pub fn with_key_locator(mut self, key_locator: Option<KeyLocator>) -> Self {
        self.key_locator = key_locator;
        self
    }

    /// The matching verifier.
    pub fn verifier(&self) -> EcdsaP256Verifier {
        EcdsaP256Verifier {
            key: *self.key.verifying_key(),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::from(self.verifier())
    }

    /// Read a PKCS#8 DER private key (RFC 5915 ECPrivateKey inside, curve P-256).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let key =
            SigningKey::from_pkcs8_der(der).map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        Ok(EcdsaP256Signer {
            key,
            key_locator: None,
        })
    }

    /// Write the private key as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        let doc = self
            .key
            .to_pkcs8_der()
            .map_err(|e| KeyError::Generation(e.to_string()))?;
        Ok(doc.as_bytes().to_vec())
    }
}

impl std::fmt::Debug for EcdsaP256Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcdsaP256Signer")
            .field("key_locator", &self.key_locator)
            .finish_non_exhaustive()
    }
}

impl Signer for EcdsaP256Signer {
    /// A DER SEQUENCE of two INTEGERs of at most 33 bytes each.
    fn max_signature_len(&self) -> usize {
        72
    }

    fn signature_type(&self) -> u64 {
        signature_type::SHA256_WITH_ECDSA
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        self.key_locator.clone()
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        let sig: Signature = self
            .key
            .try_multipart_sign(parts)
            .map_err(|e| SignError::Key(e.to_string()))?;
        Ok(sig.to_der().as_bytes().to_vec())
    }
}

/// An ECDSA P-256 public key that checks SignatureType 3.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EcdsaP256Verifier {
    key: VerifyingKey,
}

impl EcdsaP256Verifier {
    /// Read a SEC1 point (compressed or uncompressed).
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(|key| EcdsaP256Verifier { key })
            .map_err(|_| KeyError::PublicKey("not a P-256 point".into()))
    }

    /// Read a DER SubjectPublicKeyInfo with algorithm id-ecPublicKey on secp256r1 (RFC 5480).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::from_public_key_der(der)
            .map(|key| EcdsaP256Verifier { key })
            .map_err(|e| KeyError::PublicKey(e.to_string()))
    }

    /// The DER SubjectPublicKeyInfo with the uncompressed point (RFC 5480).
    pub fn to_spki_der(&self) -> Vec<u8> {
        let point = self.key.to_sec1_point(false);
        let mut der = Vec::with_capacity(SPKI_PREFIX.len() + point.len());
        der.extend_from_slice(&SPKI_PREFIX);
        der.extend_from_slice(point.as_bytes());
        der
    }
}

impl std::fmt::Debug for EcdsaP256Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EcdsaP256Verifier(")?;
        for b in self.key.to_sec1_point(true).as_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl Verifier for EcdsaP256Verifier {
    fn signature_type(&self) -> u64 {
        signature_type::SHA256_WITH_ECDSA
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError> {
        let sig = DerSignature::from_bytes(signature)
            .map_err(|_| VerifyError::Malformed("not a DER ECDSA P-256 signature".into()))?;
        self.key
            .multipart_verify(parts, &sig)
            .map_err(|_| VerifyError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_der_and_round_trips() {
        let s = EcdsaP256Signer::from_scalar_bytes(&[3; 32]).unwrap();
        let sig = s.sign(&[b"abc", b"def"]).unwrap();
        // DER SEQUENCE of two INTEGERs
        assert_eq!(sig[0], 0x30);
        assert_eq!(usize::from(sig[1]) + 2, sig.len());
        assert_eq!(sig[2], 0x02);
        // deterministic (RFC 6979)
        assert_eq!(s.sign(&[b"abcdef"]).unwrap(), sig);
        s.verifier().verify(&[b"abcdef"], &sig).unwrap();
        assert_eq!(
            s.verifier().verify(&[b"abcdeg"], &sig),
            Err(VerifyError::Invalid)
        );
        assert!(matches!(
            s.verifier().verify(&[b"abcdef"], &sig[..sig.len() - 1]),
            Err(VerifyError::Malformed(_))
        ));
        let spki = s.verifier().to_spki_der();
        assert_eq!(spki.len(), 91);
        assert_eq!(
            EcdsaP256Verifier::from_spki_der(&spki).unwrap(),
            s.verifier()
        );
        let back = EcdsaP256Signer::from_pkcs8_der(&s.to_pkcs8_der().unwrap()).unwrap();
        assert_eq!(back.verifier(), s.verifier());
    }

    #[test]
    fn zero_scalar_is_rejected() {
        assert!(EcdsaP256Signer::from_scalar_bytes(&[0; 32]).is_err());
        assert!(EcdsaP256Signer::from_scalar_bytes(&[0xFF; 32]).is_err());
    }
}
