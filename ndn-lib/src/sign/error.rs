//! Errors of signing, verification and key handling.

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

/// Why a key could not be read, written or generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The bytes are not a valid DER SubjectPublicKeyInfo (RFC 5280 4.1.2.7) for their algorithm.
    #[error("malformed SubjectPublicKeyInfo: {0}")]
    PublicKey(String),
    /// The bytes are not a valid PKCS#8 private key (RFC 5208 / RFC 5958) for their algorithm.
    #[error("malformed PKCS#8 private key: {0}")]
    PrivateKey(String),
    /// The text is not PEM, or its label is not the expected one.
    #[error("malformed PEM: {0}")]
    Pem(String),
    /// The key's algorithm (an ASN.1 object identifier, with the curve for EC keys) is not
    /// Ed25519, ECDSA P-256 or RSA.
    #[error("unsupported key algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The key could not be generated or encoded.
    #[error("key generation or encoding failed: {0}")]
    Generation(String),
}
