//! Private keys of any supported algorithm, with PKCS#8 (RFC 5958) DER and PEM encodings.

use std::fmt;
use std::str::FromStr;

use p256::pkcs8::PrivateKeyInfoRef;
use p256::pkcs8::der::pem::{self, LineEnding};
use rand_core::CryptoRng;

use super::drbg::HashDrbg;
use super::public_key::{OID_EC_PUBLIC_KEY, OID_ED25519, OID_RSA_ENCRYPTION};
use super::rsa::DEFAULT_RSA_BITS;
use super::{EcdsaP256Signer, Ed25519Signer, KeyError, PublicKey, RsaSigner, SignError, Signer};
use crate::packet::{KeyLocator, signature_type};

/// PEM label of a PKCS#8 private key (RFC 7468 section 10).
const PEM_LABEL: &str = "PRIVATE KEY";

/// A public-key algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KeyType {
    /// Ed25519, SignatureType 5. The default for new keys.
    Ed25519,
    /// ECDSA on P-256 with SHA-256, SignatureType 3.
    EcdsaP256,
    /// RSA with PKCS#1 v1.5 and SHA-256, SignatureType 1 (2048-bit when generated).
    Rsa,
}

impl KeyType {
    /// The SignatureType its signatures carry (PF 5.2.1).
    pub fn signature_type(self) -> u64 {
        match self {
            KeyType::Ed25519 => signature_type::ED25519,
            KeyType::EcdsaP256 => signature_type::SHA256_WITH_ECDSA,
            KeyType::Rsa => signature_type::SHA256_WITH_RSA,
        }
    }

    /// Short lower-case name: `ed25519`, `ecdsa`, `rsa` (what [`FromStr`] reads).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "ed25519",
            KeyType::EcdsaP256 => "ecdsa",
            KeyType::Rsa => "rsa",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyType {
    type Err = KeyError;

    /// Reads `ed25519`, `ecdsa` (or `ecdsa-p256`, `p256`) and `rsa`, ignoring case.
    fn from_str(s: &str) -> Result<KeyType, KeyError> {
        match s.to_ascii_lowercase().as_str() {
            "ed25519" => Ok(KeyType::Ed25519),
            "ecdsa" | "ecdsa-p256" | "p256" | "p-256" => Ok(KeyType::EcdsaP256),
            "rsa" => Ok(KeyType::Rsa),
            _ => Err(KeyError::UnsupportedAlgorithm(s.to_string())),
        }
    }
}

/// A private key of any supported type. It signs (with the KeyLocator set by
/// [`with_key_locator`](Self::with_key_locator), none by default) and loads and saves PKCS#8.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum PrivateKey {
    /// An Ed25519 key.
    Ed25519(Ed25519Signer),
    /// An ECDSA P-256 key.
    EcdsaP256(EcdsaP256Signer),
    /// An RSA key.
    Rsa(RsaSigner),
}

impl PrivateKey {
    /// A new key of type `key_type` drawn from `rng` (RSA keys have 2048 bits).
    pub fn generate<R: CryptoRng + ?Sized>(
        key_type: KeyType,
        rng: &mut R,
    ) -> Result<PrivateKey, KeyError> {
        Ok(match key_type {
            KeyType::Ed25519 => PrivateKey::Ed25519(Ed25519Signer::generate(rng)),
            KeyType::EcdsaP256 => PrivateKey::EcdsaP256(EcdsaP256Signer::generate(rng)),
            KeyType::Rsa => PrivateKey::Rsa(RsaSigner::generate(rng, DEFAULT_RSA_BITS)?),
        })
    }

    /// The key derived from 32 secret bytes, the same key for the same seed. For Ed25519 the
    /// seed is the RFC 8032 private key itself; other types expand it with SHA-256 in counter
    /// mode. The seed must be secret and uniformly random (for example from
    /// [`os_random_seed`](crate::keychain::os_random_seed)).
    pub fn from_seed(key_type: KeyType, seed: &[u8; 32]) -> Result<PrivateKey, KeyError> {
        match key_type {
            KeyType::Ed25519 => Ok(PrivateKey::Ed25519(Ed25519Signer::from_seed(seed))),
            _ => {
                let mut rng = HashDrbg::new(key_type.as_str().as_bytes(), seed);
                Self::generate(key_type, &mut rng)
            }
        }
    }

    /// The algorithm.
    pub fn key_type(&self) -> KeyType {
        match self {
            PrivateKey::Ed25519(_) => KeyType::Ed25519,
            PrivateKey::EcdsaP256(_) => KeyType::EcdsaP256,
            PrivateKey::Rsa(_) => KeyType::Rsa,
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            PrivateKey::Ed25519(k) => k.public_key(),
            PrivateKey::EcdsaP256(k) => k.public_key(),
            PrivateKey::Rsa(k) => k.public_key(),
        }
    }

    /// The same key, writing `key_locator` into the SignatureInfo it signs.
    pub fn with_key_locator(self, key_locator: Option<KeyLocator>) -> PrivateKey {
        match self {
            PrivateKey::Ed25519(k) => PrivateKey::Ed25519(k.with_key_locator(key_locator)),
            PrivateKey::EcdsaP256(k) => PrivateKey::EcdsaP256(k.with_key_locator(key_locator)),
            PrivateKey::Rsa(k) => PrivateKey::Rsa(k.with_key_locator(key_locator)),
        }
    }

    /// Read a PKCS#8 DER private key; its algorithm identifier picks the type.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<PrivateKey, KeyError> {
        let info =
            PrivateKeyInfoRef::try_from(der).map_err(|e| KeyError::PrivateKey(e.to_string()))?;
        let oid = info.algorithm.oid;
        if oid == OID_ED25519 {
            Ed25519Signer::from_pkcs8_der(der).map(PrivateKey::Ed25519)
        } else if oid == OID_EC_PUBLIC_KEY {
            EcdsaP256Signer::from_pkcs8_der(der).map(PrivateKey::EcdsaP256)
        } else if oid == OID_RSA_ENCRYPTION {
            RsaSigner::from_pkcs8_der(der).map(PrivateKey::Rsa)
        } else {
            Err(KeyError::UnsupportedAlgorithm(oid.to_string()))
        }
    }

    /// Write the key as PKCS#8 DER.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, KeyError> {
        match self {
            PrivateKey::Ed25519(k) => k.to_pkcs8_der(),
            PrivateKey::EcdsaP256(k) => k.to_pkcs8_der(),
            PrivateKey::Rsa(k) => k.to_pkcs8_der(),
        }
    }

    /// Read a PEM `PRIVATE KEY` (PKCS#8, RFC 7468 section 10).
    pub fn from_pkcs8_pem(text: &str) -> Result<PrivateKey, KeyError> {
        let (label, der) =
            pem::decode_vec(text.trim().as_bytes()).map_err(|e| KeyError::Pem(e.to_string()))?;
        if label != PEM_LABEL {
            return Err(KeyError::Pem(format!(
                "label is {label:?}, expected {PEM_LABEL:?}"
            )));
        }
        Self::from_pkcs8_der(&der)
    }

    /// Write the key as a PEM `PRIVATE KEY` with LF line endings.
    pub fn to_pkcs8_pem(&self) -> Result<String, KeyError> {
        let der = self.to_pkcs8_der()?;
        pem::encode_string(PEM_LABEL, LineEnding::LF, &der)
            .map_err(|e| KeyError::Pem(e.to_string()))
    }
}

impl From<Ed25519Signer> for PrivateKey {
    fn from(k: Ed25519Signer) -> Self {
        PrivateKey::Ed25519(k)
    }
}

impl From<EcdsaP256Signer> for PrivateKey {
    fn from(k: EcdsaP256Signer) -> Self {
        PrivateKey::EcdsaP256(k)
    }
}

impl From<RsaSigner> for PrivateKey {
    fn from(k: RsaSigner) -> Self {
        PrivateKey::Rsa(k)
    }
}

impl Signer for PrivateKey {
    fn signature_type(&self) -> u64 {
        self.key_type().signature_type()
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        match self {
            PrivateKey::Ed25519(k) => k.key_locator(),
            PrivateKey::EcdsaP256(k) => k.key_locator(),
            PrivateKey::Rsa(k) => k.key_locator(),
        }
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        match self {
            PrivateKey::Ed25519(k) => k.sign(parts),
            PrivateKey::EcdsaP256(k) => k.sign(parts),
            PrivateKey::Rsa(k) => k.sign(parts),
        }
    }

    fn max_signature_len(&self) -> usize {
        match self {
            PrivateKey::Ed25519(k) => k.max_signature_len(),
            PrivateKey::EcdsaP256(k) => k.max_signature_len(),
            PrivateKey::Rsa(k) => k.max_signature_len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::Verifier;

    #[test]
    fn seeded_keys_are_reproducible_and_distinct() {
        for t in [KeyType::Ed25519, KeyType::EcdsaP256] {
            let a = PrivateKey::from_seed(t, &[5; 32]).unwrap();
            let b = PrivateKey::from_seed(t, &[5; 32]).unwrap();
            let c = PrivateKey::from_seed(t, &[6; 32]).unwrap();
            assert_eq!(a.public_key(), b.public_key());
            assert_ne!(a.public_key(), c.public_key());
            assert_eq!(a.key_type(), t);
            assert_eq!(a.signature_type(), t.signature_type());
        }
    }

    #[test]
    fn pem_round_trip_and_label_check() {
        for t in [KeyType::Ed25519, KeyType::EcdsaP256] {
            let k = PrivateKey::from_seed(t, &[8; 32]).unwrap();
            let pem = k.to_pkcs8_pem().unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            let back = PrivateKey::from_pkcs8_pem(&pem).unwrap();
            assert_eq!(back.public_key(), k.public_key());
            let sig = back.sign(&[b"x"]).unwrap();
            k.public_key().verify(&[b"x"], &sig).unwrap();
            let wrong = pem.replace("PRIVATE KEY", "PUBLIC KEY");
            assert!(matches!(
                PrivateKey::from_pkcs8_pem(&wrong),
                Err(KeyError::Pem(_))
            ));
        }
        assert!(PrivateKey::from_pkcs8_der(b"\x30\x03\x02\x01\x00").is_err());
    }

    #[test]
    fn key_type_names() {
        for t in [KeyType::Ed25519, KeyType::EcdsaP256, KeyType::Rsa] {
            assert_eq!(t.as_str().parse::<KeyType>().unwrap(), t);
            assert_eq!(t.to_string(), t.as_str());
        }
        assert_eq!("P256".parse::<KeyType>().unwrap(), KeyType::EcdsaP256);
        assert!("dsa".parse::<KeyType>().is_err());
    }
}
