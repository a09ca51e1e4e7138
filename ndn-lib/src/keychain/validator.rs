//! Trust policies for Data and signed Interests, checked without fetching anything: the
//! certificates a chain needs must already be known.
//!
//! - [`HierarchicalValidator`]: a packet is trusted when its signing key's certificate chain
//!   reaches a trust anchor, every signature in the chain verifies, every certificate is valid
//!   at `now`, and each signed name lies under its signer's identity (the "hierarchical" rule
//!   of NDN trust schemas: a key `/<id>/KEY/<key-id>` may sign only names under `/<id>`).
//! - [`FixedKeyValidator`]: accepts exactly what one public key signed.
//! - [`DigestSha256Validator`]: accepts any packet whose DigestSha256 matches (integrity only).
//!
//! Time is an argument: `now_unix_secs`, seconds since the Unix epoch, against which
//! ValidityPeriods are checked. Replay protection for signed Interests (SignatureNonce,
//! SignatureTime, SignatureSeqNum) is not part of these policies.

// Validation errors carry the names involved so a user sees which rule failed where; they are
// returned once per packet at most, so their size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use bytes::Bytes;

use super::Certificate;
use super::naming;
use crate::name::Name;
use crate::packet::{Data, Interest, KeyLocator, SignatureInfo, signature_type};
use crate::sign::{DigestSha256, PublicKey, Verifier, VerifyError, verify_data, verify_interest};
use crate::tlv::DecodeError;

/// How many certificates a chain may hold above the packet before the validator gives up.
pub const DEFAULT_MAX_CHAIN: usize = 8;

/// Which rule rejected a packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidationError {
    /// The Interest carries no signature.
    #[error("the packet is not signed")]
    Unsigned,
    /// SignatureInfo does not decode.
    #[error("malformed SignatureInfo: {0}")]
    MalformedSignatureInfo(DecodeError),
    /// The signature type is not one this policy accepts.
    #[error("signature type {signature_type} is not accepted by this policy")]
    UnsupportedSignatureType {
        /// The packet's SignatureType.
        signature_type: u64,
    },
    /// The signature has no KeyLocator name (absent, or a KeyDigest).
    #[error("{name}: the signature has no KeyLocator name")]
    MissingKeyLocator {
        /// The signed packet.
        name: Name,
    },
    /// The KeyLocator name is neither a key name nor a certificate name.
    #[error("KeyLocator {locator} is neither a key nor a certificate name")]
    BadKeyLocator {
        /// The KeyLocator name.
        locator: Name,
    },
    /// Hierarchical rule: the signed name is not under the signing key's identity.
    #[error("{name} is outside the namespace of its signing key {signer}")]
    WrongNamespace {
        /// The signed packet (or certificate) name.
        name: Name,
        /// The KeyLocator name of the key that signed it.
        signer: Name,
    },
    /// No known certificate (trust anchor or stored) matches the KeyLocator.
    #[error("no known certificate for {locator}")]
    CertificateNotFound {
        /// The KeyLocator name.
        locator: Name,
    },
    /// A signature in the chain does not verify.
    #[error("bad signature on {name}: {reason}")]
    BadSignature {
        /// The packet or certificate whose signature failed.
        name: Name,
        /// Why it failed.
        reason: VerifyError,
    },
    /// A certificate in the chain is expired or not yet valid at `now`.
    #[error("certificate {certificate} is valid from {not_before} to {not_after}, not at {now}")]
    CertificateNotValid {
        /// The certificate name.
        certificate: Name,
        /// Its NotBefore (Unix seconds).
        not_before: u64,
        /// Its NotAfter (Unix seconds).
        not_after: u64,
        /// The time of the check (Unix seconds).
        now: u64,
    },
    /// The chain ends at a self-signed certificate that is not a trust anchor.
    #[error("the chain ends at {certificate}, which is not a trust anchor")]
    NoTrustAnchor {
        /// The last certificate of the chain.
        certificate: Name,
    },
    /// The chain is longer than the validator's limit.
    #[error("certificate chain longer than {max}")]
    ChainTooLong {
        /// The limit.
        max: usize,
    },
}

/// A trust policy for Data packets and signed Interests.
pub trait Validator {
    /// Accept or reject a Data packet at time `now_unix_secs`.
    fn validate_data(&self, data: &Data, now_unix_secs: u64) -> Result<(), ValidationError>;
    /// Accept or reject several Data packets: `Ok` when every one passes, else the index of
    /// the first rejected one and why, as [`validate_data`](Self::validate_data) would say.
    /// The default checks them one by one; a validator may check signatures together (e.g.
    /// [`Ed25519Verifier::verify_batch`](crate::sign::Ed25519Verifier::verify_batch)).
    fn validate_data_batch(
        &self,
        data: &[Data],
        now_unix_secs: u64,
    ) -> Result<(), (usize, ValidationError)> {
        for (i, d) in data.iter().enumerate() {
            self.validate_data(d, now_unix_secs).map_err(|e| (i, e))?;
        }
        Ok(())
    }
    /// Accept or reject a signed Interest at time `now_unix_secs`.
    fn validate_interest(
        &self,
        interest: &Interest,
        now_unix_secs: u64,
    ) -> Result<(), ValidationError>;
}

/// Certificates indexed by name; lookups by key name find the certificates of that key.
#[derive(Debug, Clone, Default)]
pub struct CertificateStore {
    certs: BTreeMap<Name, Certificate>,
}

impl CertificateStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add (or replace) a certificate.
    pub fn insert(&mut self, cert: Certificate) {
        self.certs.insert(cert.name().clone(), cert);
    }

    /// Remove a certificate by name.
    pub fn remove(&mut self, cert_name: &Name) -> Option<Certificate> {
        self.certs.remove(cert_name)
    }

    /// The certificate with this exact name.
    pub fn get(&self, cert_name: &Name) -> Option<&Certificate> {
        self.certs.get(cert_name)
    }

    /// Number of certificates.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// All certificates in canonical name order.
    pub fn iter(&self) -> impl Iterator<Item = &Certificate> {
        self.certs.values()
    }

    /// The certificates of key `key_name`, in canonical name order.
    pub fn certificates_of_key<'a>(
        &'a self,
        key_name: &Name,
    ) -> impl Iterator<Item = &'a Certificate> + use<'a> {
        let key = key_name.clone();
        let len = key.len() + 2;
        // canonical order is byte order, so every name under `key_name` follows it directly
        self.certs
            .range(key_name.clone()..)
            .take_while(move |(n, _)| key.is_prefix_of(n))
            .map(|(_, c)| c)
            .filter(move |c| c.name().len() == len)
    }

    /// The certificate a KeyLocator name designates: that exact certificate for a certificate
    /// name; for a key name, among the key's certificates the one valid at `now_unix_secs` with
    /// the highest version (or, when none is valid, the highest version).
    pub fn find(&self, locator: &Name, now_unix_secs: u64) -> Option<&Certificate> {
        if let Some(c) = self.certs.get(locator) {
            return Some(c);
        }
        if !naming::is_key_name(locator) {
            return None;
        }
        self.certificates_of_key(locator)
            .max_by_key(|c| (c.is_valid_at(now_unix_secs), c.version()))
    }
}

/// Hierarchical trust with a fixed set of trust anchors and known intermediate certificates.
#[derive(Debug, Clone)]
pub struct HierarchicalValidator {
    anchors: CertificateStore,
    certificates: CertificateStore,
    max_chain: usize,
}

impl Default for HierarchicalValidator {
    fn default() -> Self {
        Self::new()
    }
}

/// One signed thing in a chain: the packet, then each certificate above it.
struct Signed<'a> {
    name: Name,
    info: SignatureInfo,
    parts: Vec<&'a [u8]>,
    value: Bytes,
}

impl<'a> Signed<'a> {
    fn data(data: &'a Data) -> Result<Self, ValidationError> {
        Ok(Signed {
            name: data.name().clone(),
            info: data
                .signature_info()
                .map_err(ValidationError::MalformedSignatureInfo)?,
            parts: vec![data.signed_portion()],
            value: data.signature_value(),
        })
    }

    fn interest(interest: &'a Interest) -> Result<Self, ValidationError> {
        let (Some(info), Some(value), Some(parts)) = (
            interest.signature_info(),
            interest.signature_value(),
            interest.signed_portion(),
        ) else {
            return Err(ValidationError::Unsigned);
        };
        Ok(Signed {
            name: interest.name().clone(),
            info: info.map_err(ValidationError::MalformedSignatureInfo)?,
            parts,
            value,
        })
    }
}

impl HierarchicalValidator {
    /// A validator with no anchors (it rejects everything until one is added).
    pub fn new() -> Self {
        HierarchicalValidator {
            anchors: CertificateStore::new(),
            certificates: CertificateStore::new(),
            max_chain: DEFAULT_MAX_CHAIN,
        }
    }

    /// Trust `anchor` (typically a self-signed root certificate; its own signature is not
    /// checked, its ValidityPeriod is).
    pub fn add_trust_anchor(&mut self, anchor: Certificate) {
        self.anchors.insert(anchor);
    }

    /// Make an intermediate certificate available to chains (it is not trusted by itself).
    pub fn add_certificate(&mut self, cert: Certificate) {
        self.certificates.insert(cert);
    }

    /// Limit the number of certificates above the packet (default [`DEFAULT_MAX_CHAIN`]).
    pub fn set_max_chain(&mut self, max: usize) {
        self.max_chain = max;
    }

    /// The trust anchors.
    pub fn trust_anchors(&self) -> &CertificateStore {
        &self.anchors
    }

    /// The known intermediate certificates.
    pub fn certificates(&self) -> &CertificateStore {
        &self.certificates
    }

    /// Validate a Data packet and return the names of the certificates of its chain, from the
    /// signing key's certificate up to the trust anchor.
    pub fn chain_of_data(
        &self,
        data: &Data,
        now_unix_secs: u64,
    ) -> Result<Vec<Name>, ValidationError> {
        self.walk(Signed::data(data)?, now_unix_secs)
    }

    /// Validate a signed Interest and return the names of the certificates of its chain.
    pub fn chain_of_interest(
        &self,
        interest: &Interest,
        now_unix_secs: u64,
    ) -> Result<Vec<Name>, ValidationError> {
        self.walk(Signed::interest(interest)?, now_unix_secs)
    }

    fn walk<'a>(&'a self, mut current: Signed<'a>, now: u64) -> Result<Vec<Name>, ValidationError> {
        let mut chain = Vec::new();
        loop {
            if chain.len() >= self.max_chain {
                return Err(ValidationError::ChainTooLong {
                    max: self.max_chain,
                });
            }
            let st = current.info.signature_type;
            if !matches!(
                st,
                signature_type::SHA256_WITH_RSA
                    | signature_type::SHA256_WITH_ECDSA
                    | signature_type::ED25519
            ) {
                return Err(ValidationError::UnsupportedSignatureType { signature_type: st });
            }
            let Some(KeyLocator::Name(locator)) = &current.info.key_locator else {
                return Err(ValidationError::MissingKeyLocator { name: current.name });
            };
            let identity = naming::identity_of_locator(locator).ok_or_else(|| {
                ValidationError::BadKeyLocator {
                    locator: locator.clone(),
                }
            })?;
            // hierarchical rule: a key signs only names under its identity
            if !current.name.starts_with(&identity) {
                return Err(ValidationError::WrongNamespace {
                    name: current.name.clone(),
                    signer: locator.clone(),
                });
            }
            let (cert, is_anchor) = match self.anchors.find(locator, now) {
                Some(a) => (a, true),
                None => match self.certificates.find(locator, now) {
                    Some(c) => (c, false),
                    None => {
                        return Err(ValidationError::CertificateNotFound {
                            locator: locator.clone(),
                        });
                    }
                },
            };
            verify_parts(cert.public_key(), &current)?;
            let validity = cert.validity();
            if !validity.contains(now) {
                return Err(ValidationError::CertificateNotValid {
                    certificate: cert.name().clone(),
                    not_before: validity.not_before,
                    not_after: validity.not_after,
                    now,
                });
            }
            chain.push(cert.name().clone());
            if is_anchor {
                return Ok(chain);
            }
            if cert.is_self_signed() {
                return Err(ValidationError::NoTrustAnchor {
                    certificate: cert.name().clone(),
                });
            }
            current = Signed::data(cert.data())?;
        }
    }
}

fn verify_parts(key: &PublicKey, signed: &Signed<'_>) -> Result<(), ValidationError> {
    let bad = |reason| ValidationError::BadSignature {
        name: signed.name.clone(),
        reason,
    };
    let expected = key.signature_type();
    if signed.info.signature_type != expected {
        return Err(bad(VerifyError::WrongType {
            expected,
            found: signed.info.signature_type,
        }));
    }
    key.verify(&signed.parts, &signed.value).map_err(bad)
}

impl Validator for HierarchicalValidator {
    fn validate_data(&self, data: &Data, now_unix_secs: u64) -> Result<(), ValidationError> {
        self.chain_of_data(data, now_unix_secs).map(|_| ())
    }

    fn validate_interest(
        &self,
        interest: &Interest,
        now_unix_secs: u64,
    ) -> Result<(), ValidationError> {
        self.chain_of_interest(interest, now_unix_secs).map(|_| ())
    }
}

/// Accepts exactly the packets signed by one public key, whatever their names and KeyLocators.
#[derive(Debug, Clone)]
pub struct FixedKeyValidator {
    key: PublicKey,
}

impl FixedKeyValidator {
    /// Trust only `key`.
    pub fn new(key: PublicKey) -> Self {
        FixedKeyValidator { key }
    }
}

fn bad_signature(name: &Name, reason: VerifyError) -> ValidationError {
    match reason {
        VerifyError::Unsigned => ValidationError::Unsigned,
        reason => ValidationError::BadSignature {
            name: name.clone(),
            reason,
        },
    }
}

impl Validator for FixedKeyValidator {
    fn validate_data(&self, data: &Data, _now_unix_secs: u64) -> Result<(), ValidationError> {
        verify_data(data, &self.key).map_err(|e| bad_signature(data.name(), e))
    }

    fn validate_interest(
        &self,
        interest: &Interest,
        _now_unix_secs: u64,
    ) -> Result<(), ValidationError> {
        verify_interest(interest, &self.key).map_err(|e| bad_signature(interest.name(), e))
    }
}

/// Accepts any packet signed with a correct DigestSha256 (type 0): integrity, no authenticity.
#[derive(Debug, Clone, Copy, Default)]
pub struct DigestSha256Validator;

impl Validator for DigestSha256Validator {
    fn validate_data(&self, data: &Data, _now_unix_secs: u64) -> Result<(), ValidationError> {
        verify_data(data, &DigestSha256).map_err(|e| bad_signature(data.name(), e))
    }

    fn validate_interest(
        &self,
        interest: &Interest,
        _now_unix_secs: u64,
    ) -> Result<(), ValidationError> {
        verify_interest(interest, &DigestSha256).map_err(|e| bad_signature(interest.name(), e))
    }
}
