//! Public keys of any supported algorithm, read from and written as a DER SubjectPublicKeyInfo
//! (RFC 5280 4.1.2.7), the encoding of an NDN certificate's Content (certificate format v2).

use p256::pkcs8::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use super::{
    EcdsaP256Verifier, Ed25519Verifier, KeyError, KeyType, RsaVerifier, Verifier, VerifyError,
    sha256,
};
use crate::packet::signature_type;

/// id-Ed25519 (RFC 8410).
pub(crate) const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
/// id-ecPublicKey (RFC 5480).
pub(crate) const OID_EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// secp256r1, also called P-256 or prime256v1 (RFC 5480).
pub(crate) const OID_SECP256R1: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
/// rsaEncryption (RFC 8017 A.1).
pub(crate) const OID_RSA_ENCRYPTION: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// A public key that verifies the signature type of its algorithm: Ed25519 (type 5), ECDSA
/// P-256 (type 3) or RSA (type 1).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// An Ed25519 key.
    Ed25519(Ed25519Verifier),
    /// An ECDSA key on P-256.
    EcdsaP256(EcdsaP256Verifier),
    /// An RSA key.
    Rsa(RsaVerifier),
}

impl PublicKey {
    /// Read a DER SubjectPublicKeyInfo; the algorithm identifier picks the key type.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let info = SubjectPublicKeyInfoRef::try_from(der)
            .map_err(|e| KeyError::PublicKey(e.to_string()))?;
        let oid = info.algorithm.oid;
        if oid == OID_ED25519 {
            Ed25519Verifier::from_spki_der(der).map(PublicKey::Ed25519)
        } else if oid == OID_EC_PUBLIC_KEY {
            match info.algorithm.parameters_oid() {
                Ok(curve) if curve == OID_SECP256R1 => {
                    EcdsaP256Verifier::from_spki_der(der).map(PublicKey::EcdsaP256)
                }
                Ok(curve) => Err(KeyError::UnsupportedAlgorithm(format!(
                    "id-ecPublicKey on curve {curve}"
                ))),
                Err(_) => Err(KeyError::PublicKey("EC key without a named curve".into())),
            }
        } else if oid == OID_RSA_ENCRYPTION {
            RsaVerifier::from_spki_der(der).map(PublicKey::Rsa)
        } else {
            Err(KeyError::UnsupportedAlgorithm(oid.to_string()))
        }
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(k) => k.to_spki_der(),
            PublicKey::EcdsaP256(k) => k.to_spki_der(),
            PublicKey::Rsa(k) => k.spki_der().to_vec(),
        }
    }

    /// SHA-256 of the SubjectPublicKeyInfo: the value of a KeyDigest KeyLocator (PF 5.2.2).
    pub fn key_digest(&self) -> [u8; 32] {
        sha256(&[&self.to_spki_der()])
    }

    /// The algorithm.
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            PublicKey::EcdsaP256(_) => KeyType::EcdsaP256,
            PublicKey::Rsa(_) => KeyType::Rsa,
        }
    }
}

impl From<Ed25519Verifier> for PublicKey {
    fn from(k: Ed25519Verifier) -> Self {
        PublicKey::Ed25519(k)
    }
}

impl From<EcdsaP256Verifier> for PublicKey {
    fn from(k: EcdsaP256Verifier) -> Self {
        PublicKey::EcdsaP256(k)
    }
}

impl From<RsaVerifier> for PublicKey {
    fn from(k: RsaVerifier) -> Self {
        PublicKey::Rsa(k)
    }
}

impl Verifier for PublicKey {
    fn signature_type(&self) -> u64 {
        match self {
            PublicKey::Ed25519(_) => signature_type::ED25519,
            PublicKey::EcdsaP256(_) => signature_type::SHA256_WITH_ECDSA,
            PublicKey::Rsa(_) => signature_type::SHA256_WITH_RSA,
        }
    }

    fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> Result<(), VerifyError> {
        match self {
            PublicKey::Ed25519(k) => k.verify(parts, signature),
            PublicKey::EcdsaP256(k) => k.verify(parts, signature),
            PublicKey::Rsa(k) => k.verify(parts, signature),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{EcdsaP256Signer, Ed25519Signer};

    #[test]
    fn spki_dispatches_on_algorithm() {
        let ed = Ed25519Signer::from_seed(&[9; 32]).public_key();
        let ec = EcdsaP256Signer::from_scalar_bytes(&[9; 32])
            .unwrap()
            .public_key();
        for k in [&ed, &ec] {
            let back = PublicKey::from_spki_der(&k.to_spki_der()).unwrap();
            assert_eq!(&back, k);
        }
        assert_eq!(ed.key_digest(), sha256(&[&ed.to_spki_der()]));
        assert_ne!(ed.key_digest(), ec.key_digest());
        assert_eq!(ed.key_type(), KeyType::Ed25519);
        assert_eq!(ec.key_type(), KeyType::EcdsaP256);
        assert_eq!(ec.signature_type(), signature_type::SHA256_WITH_ECDSA);
        assert!(PublicKey::from_spki_der(b"\x30\x00").is_err());
    }

    #[test]
    fn unknown_algorithms_and_curves_are_named() {
        // SPKI of a P-384 key header with a bogus point: the curve is reported before the point
        let mut p384 = vec![
            0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06,
            0x05, 0x2B, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
        ];
        p384.extend([4u8; 97]);
        assert_eq!(
            PublicKey::from_spki_der(&p384),
            Err(KeyError::UnsupportedAlgorithm(
                "id-ecPublicKey on curve 1.3.132.0.34".into()
            ))
        );
        // X25519 (1.3.101.110)
        let mut x25519 = vec![
            0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x6E, 0x03, 0x21, 0x00,
        ];
        x25519.extend([1u8; 32]);
        assert_eq!(
            PublicKey::from_spki_der(&x25519),
            Err(KeyError::UnsupportedAlgorithm("1.3.101.110".into()))
        );
    }
}
