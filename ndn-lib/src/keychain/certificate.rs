//! NDN certificates (certificate format v2): a Data packet named
//! `/<identity>/KEY/<key-id>/<issuer-id>/<version>` with ContentType KEY, a DER
//! SubjectPublicKeyInfo as Content, and a ValidityPeriod in its SignatureInfo.

use bytes::Bytes;

use super::base64;
use super::naming::{self, SELF_ISSUER_ID};
use crate::name::Name;
use crate::packet::{Data, DataBuilder, KeyLocator, SignatureInfo, ValidityPeriod, content_type};
use crate::sign::{KeyError, PrivateKey, PublicKey, SignError, Signer, VerifyError, verify_data};
use crate::tlv::DecodeError;

/// FreshnessPeriod of built certificates: one hour, as the certificate format recommends.
pub const DEFAULT_FRESHNESS_MS: u64 = 3_600_000;

/// Why a Data packet is not a usable certificate, or a certificate could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// The packet does not decode.
    #[error("malformed certificate packet: {0}")]
    Decode(#[from] DecodeError),
    /// The name is not `/<identity>/KEY/<key-id>/<issuer-id>/<version>`.
    #[error("{name} is not a certificate name (/<identity>/KEY/<key-id>/<issuer-id>/<version>)")]
    BadName {
        /// The offending name.
        name: Name,
    },
    /// A key name passed to the builder is not `/<identity>/KEY/<key-id>`.
    #[error("{name} is not a key name (/<identity>/KEY/<key-id>)")]
    BadKeyName {
        /// The offending name.
        name: Name,
    },
    /// ContentType is not KEY (2).
    #[error("certificate ContentType is {found}, expected KEY (2)")]
    WrongContentType {
        /// The ContentType found.
        found: u64,
    },
    /// SignatureInfo has no ValidityPeriod.
    #[error("certificate has no ValidityPeriod")]
    MissingValidityPeriod,
    /// The Content is not a supported public key.
    #[error("certificate public key: {0}")]
    PublicKey(#[from] KeyError),
    /// Signing the certificate failed.
    #[error("signing the certificate failed: {0}")]
    Sign(#[from] SignError),
    /// The base64 text does not decode.
    #[error("bad base64 certificate text: {0}")]
    Base64(String),
}

/// A decoded and structurally checked certificate. It keeps its Data (and so its wire).
#[derive(Debug, Clone)]
pub struct Certificate {
    data: Data,
    public_key: PublicKey,
    validity: ValidityPeriod,
    signature_info: SignatureInfo,
}

impl Certificate {
    /// Check that `data` is a certificate: its name has the certificate form, ContentType is
    /// KEY, SignatureInfo carries a ValidityPeriod and the Content is a DER SubjectPublicKeyInfo
    /// of a supported algorithm. The signature is not checked here (see
    /// [`verify_self_signature`](Self::verify_self_signature) and the validators).
    pub fn from_data(data: Data) -> Result<Certificate, CertificateError> {
        if !naming::is_certificate_name(data.name()) {
            return Err(CertificateError::BadName {
                name: data.name().clone(),
            });
        }
        if data.content_type() != content_type::KEY {
            return Err(CertificateError::WrongContentType {
                found: data.content_type(),
            });
        }
        let signature_info = data.signature_info()?;
        let validity = signature_info
            .validity_period
            .ok_or(CertificateError::MissingValidityPeriod)?;
        let public_key = PublicKey::from_spki_der(&data.content())?;
        Ok(Certificate {
            data,
            public_key,
            validity,
            signature_info,
        })
    }

    /// Decode a certificate from its Data wire.
    pub fn decode(wire: Bytes) -> Result<Certificate, CertificateError> {
        Self::from_data(Data::decode(wire)?)
    }

    /// Read the base64 text `ndnsec cert-dump` prints (line breaks and other whitespace are
    /// ignored).
    pub fn from_base64(text: &str) -> Result<Certificate, CertificateError> {
        let wire = base64::decode(text).map_err(CertificateError::Base64)?;
        Self::decode(Bytes::from(wire))
    }

    /// The Data wire in base64 with a line break every 64 characters, as `ndnsec cert-dump`
    /// prints it.
    pub fn to_base64(&self) -> String {
        base64::encode_lines(self.wire())
    }

    /// The certificate as a Data packet.
    pub fn data(&self) -> &Data {
        &self.data
    }

    /// The Data wire.
    pub fn wire(&self) -> &Bytes {
        self.data.wire()
    }

    /// The certificate name.
    pub fn name(&self) -> &Name {
        self.data.name()
    }

    /// `/<identity>/KEY/<key-id>`.
    pub fn key_name(&self) -> Name {
        self.name().parent(2)
    }

    /// `/<identity>`.
    pub fn identity(&self) -> Name {
        self.name().parent(4)
    }

    /// The value of the key id component.
    pub fn key_id(&self) -> &[u8] {
        self.component_value(3)
    }

    /// The value of the issuer id component.
    pub fn issuer_id(&self) -> &[u8] {
        self.component_value(2)
    }

    fn component_value(&self, back: usize) -> &[u8] {
        let name = self.name();
        name.len()
            .checked_sub(back)
            .and_then(|i| name.get(i))
            .map(|c| c.value())
            .unwrap_or_default()
    }

    /// The version (typed or marker-based version component).
    pub fn version(&self) -> Option<u64> {
        self.name().last().and_then(naming::version_of)
    }

    /// The ValidityPeriod.
    pub fn validity(&self) -> ValidityPeriod {
        self.validity
    }

    /// True when `now_unix_secs` lies within the ValidityPeriod.
    pub fn is_valid_at(&self, now_unix_secs: u64) -> bool {
        self.validity.contains(now_unix_secs)
    }

    /// The certified public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The whole SignatureInfo.
    pub fn signature_info(&self) -> &SignatureInfo {
        &self.signature_info
    }

    /// The KeyLocator name of the issuer's key or certificate, when it is a name.
    pub fn issuer_locator(&self) -> Option<&Name> {
        self.signature_info
            .key_locator
            .as_ref()
            .and_then(KeyLocator::name)
    }

    /// True when the KeyLocator designates this certificate's own key.
    pub fn is_self_signed(&self) -> bool {
        self.issuer_locator()
            .and_then(naming::key_of_locator)
            .is_some_and(|k| k == self.key_name())
    }

    /// Check the signature with the certificate's own public key.
    pub fn verify_self_signature(&self) -> Result<(), VerifyError> {
        verify_data(&self.data, &self.public_key)
    }

    /// A self-signed certificate for `key`, named `key_name` (`/<identity>/KEY/<key-id>`),
    /// issuer id `self`, signed with KeyLocator `key_name`.
    pub fn self_signed(
        key: &PrivateKey,
        key_name: &Name,
        validity: ValidityPeriod,
        version: u64,
    ) -> Result<Certificate, CertificateError> {
        let signer = key
            .clone()
            .with_key_locator(Some(KeyLocator::Name(key_name.clone())));
        CertificateBuilder::new(key_name.clone(), key.public_key(), validity, version)
            .issuer_id(SELF_ISSUER_ID)
            .sign(&signer)
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.wire() == other.wire()
    }
}

impl Eq for Certificate {}

/// Builds and signs a certificate.
#[derive(Debug, Clone)]
pub struct CertificateBuilder {
    key_name: Name,
    public_key: PublicKey,
    validity: ValidityPeriod,
    version: u64,
    issuer_id: Bytes,
    freshness_ms: u64,
}

impl CertificateBuilder {
    /// A certificate for `public_key` named `key_name` (`/<identity>/KEY/<key-id>`), valid
    /// over `validity`, with version `version` (NDN software uses the creation time in
    /// milliseconds since the epoch). Issuer id `self` unless set, FreshnessPeriod one hour.
    pub fn new(
        key_name: Name,
        public_key: PublicKey,
        validity: ValidityPeriod,
        version: u64,
    ) -> Self {
        CertificateBuilder {
            key_name,
            public_key,
            validity,
            version,
            issuer_id: Bytes::from_static(SELF_ISSUER_ID),
            freshness_ms: DEFAULT_FRESHNESS_MS,
        }
    }

    /// Set the issuer id component.
    pub fn issuer_id(mut self, issuer_id: impl AsRef<[u8]>) -> Self {
        self.issuer_id = Bytes::copy_from_slice(issuer_id.as_ref());
        self
    }

    /// Set the FreshnessPeriod in milliseconds.
    pub fn freshness_period(mut self, ms: u64) -> Self {
        self.freshness_ms = ms;
        self
    }

    /// The certificate name this builder produces.
    pub fn name(&self) -> Name {
        naming::certificate_name(&self.key_name, &self.issuer_id, self.version)
    }

    /// Sign with `signer` (its KeyLocator names the issuer's key or certificate).
    pub fn sign(&self, signer: &dyn Signer) -> Result<Certificate, CertificateError> {
        if !naming::is_key_name(&self.key_name) {
            return Err(CertificateError::BadKeyName {
                name: self.key_name.clone(),
            });
        }
        let info = SignatureInfo {
            validity_period: Some(self.validity),
            ..SignatureInfo::default()
        };
        let wire = DataBuilder::new(self.name())
            .content_type(content_type::KEY)
            .freshness_period(self.freshness_ms)
            .content(self.public_key.to_spki_der())
            .signature_info(info)
            .sign(signer)?;
        Certificate::decode(wire)
    }
}
