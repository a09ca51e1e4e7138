//! What `ndnget` trusts by default.
//!
//! - A Data signed (Ed25519, ECDSA or RSA) by the key of a trust anchor is accepted under any
//!   name: trusting a certificate means trusting what its key signs. The anchors are the
//!   certificates of the local keychain and those given with `--trust-anchor`.
//! - Otherwise the signing key's certificate chain must reach an anchor with the hierarchical
//!   rule (each key signs only names under its identity), through certificates the keychain
//!   holds ([`HierarchicalValidator`]).
//! - HMAC-SHA256 is accepted when the consumer has the secret (`--hmac-key`).
//! - DigestSha256 proves integrity, not origin: anyone can compute it. It is rejected; a user
//!   who wants such Data passes `--no-verify`.

// Validation errors name the packets and keys involved; they are returned once per fetch.
#![allow(clippy::result_large_err)]

use ndn::Data;
use ndn::keychain::{
    Certificate, CertificateStore, FileKeychain, HierarchicalValidator, ValidationError, Validator,
};
use ndn::packet::{KeyLocator, signature_type};
use ndn::sign::{Ed25519Verifier, HmacSha256, PublicKey, VerifyError, verify_data};

/// The default trust policy of `ndnget`. See the [module documentation](self).
#[derive(Clone, Default)]
pub struct TrustPolicy {
    anchors: CertificateStore,
    chains: HierarchicalValidator,
    hmac: Option<HmacSha256>,
}

impl std::fmt::Debug for TrustPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustPolicy")
            .field("anchors", &self.anchors.len())
            .field("hmac", &self.hmac.is_some())
            .finish()
    }
}

impl TrustPolicy {
    /// A policy that trusts nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Trust `cert`'s key.
    pub fn add_anchor(&mut self, cert: Certificate) {
        self.chains.add_trust_anchor(cert.clone());
        self.anchors.insert(cert);
    }

    /// Trust every certificate stored in `kc`.
    pub fn add_keychain(&mut self, kc: &FileKeychain) -> Result<(), ndn::keychain::KeychainError> {
        for cert in kc.certificates()? {
            self.add_anchor(cert);
        }
        Ok(())
    }

    /// Accept HMAC-SHA256 signatures made with `secret`.
    pub fn set_hmac_key(&mut self, secret: &[u8]) {
        self.hmac = Some(HmacSha256::new(secret, None));
    }

    /// The trust anchors.
    pub fn anchors(&self) -> &CertificateStore {
        &self.anchors
    }
}

impl TrustPolicy {
    /// The anchor whose Ed25519 key signed `data`, when the anchor is valid at `now`: such
    /// a Data passes exactly when its signature verifies.
    fn ed25519_anchor(&self, data: &Data, now_unix_secs: u64) -> Option<&Certificate> {
        let info = data.signature_info().ok()?;
        if info.signature_type != signature_type::ED25519 {
            return None;
        }
        let Some(KeyLocator::Name(locator)) = &info.key_locator else {
            return None;
        };
        let anchor = self.anchors.find(locator, now_unix_secs)?;
        let valid = anchor.validity().contains(now_unix_secs);
        (valid && matches!(anchor.public_key(), PublicKey::Ed25519(_))).then_some(anchor)
    }

    /// Verify the signatures of `data[i]` for each `i` of `batch` with `key` together; the
    /// first invalid one as `validate_data` reports it.
    fn verify_together(
        &self,
        key: &Ed25519Verifier,
        data: &[Data],
        batch: &[usize],
        now_unix_secs: u64,
    ) -> Result<(), (usize, ValidationError)> {
        let values: Vec<_> = batch
            .iter()
            .filter_map(|&i| data.get(i))
            .map(|d| d.signature_value())
            .collect();
        let items: Vec<(&[u8], &[u8])> = batch
            .iter()
            .filter_map(|&i| data.get(i))
            .zip(&values)
            .map(|(d, v)| (d.signed_portion(), &v[..]))
            .collect();
        key.verify_batch(&items).map_err(|(j, reason)| {
            let i = batch.get(j).copied().unwrap_or_default();
            let error = match data.get(i) {
                Some(d) => self
                    .validate_data(d, now_unix_secs)
                    .err()
                    .unwrap_or_else(|| bad(d, reason)),
                None => ValidationError::BadSignature {
                    name: ndn::Name::new(),
                    reason,
                },
            };
            (i, error)
        })
    }
}

fn bad(data: &Data, reason: VerifyError) -> ValidationError {
    ValidationError::BadSignature {
        name: data.name().clone(),
        reason,
    }
}

impl Validator for TrustPolicy {
    fn validate_data(&self, data: &Data, now_unix_secs: u64) -> Result<(), ValidationError> {
        let info = data
            .signature_info()
            .map_err(ValidationError::MalformedSignatureInfo)?;
        match info.signature_type {
            signature_type::HMAC_WITH_SHA256 => {
                let Some(key) = &self.hmac else {
                    return Err(ValidationError::UnsupportedSignatureType {
                        signature_type: info.signature_type,
                    });
                };
                return verify_data(data, key).map_err(|e| bad(data, e));
            }
            signature_type::SHA256_WITH_RSA
            | signature_type::SHA256_WITH_ECDSA
            | signature_type::ED25519 => {}
            other => {
                return Err(ValidationError::UnsupportedSignatureType {
                    signature_type: other,
                });
            }
        }
        if let Some(KeyLocator::Name(locator)) = &info.key_locator
            && let Some(anchor) = self.anchors.find(locator, now_unix_secs)
        {
            verify_data(data, anchor.public_key()).map_err(|e| bad(data, e))?;
            let v = anchor.validity();
            if !v.contains(now_unix_secs) {
                return Err(ValidationError::CertificateNotValid {
                    certificate: anchor.name().clone(),
                    not_before: v.not_before,
                    not_after: v.not_after,
                    now: now_unix_secs,
                });
            }
            return Ok(());
        }
        self.chains.validate_data(data, now_unix_secs)
    }

    /// Data signed with Ed25519 by one trust anchor's key (what `ndnput` with the keychain's
    /// key publishes) are verified together; the others one by one.
    fn validate_data_batch(
        &self,
        data: &[Data],
        now_unix_secs: u64,
    ) -> Result<(), (usize, ValidationError)> {
        let mut key: Option<(&Certificate, &Ed25519Verifier)> = None;
        let mut batch = Vec::with_capacity(data.len());
        for (i, d) in data.iter().enumerate() {
            let anchor = self.ed25519_anchor(d, now_unix_secs);
            if let Some(a) = anchor
                && let PublicKey::Ed25519(v) = a.public_key()
                && key.is_none_or(|(k, _)| std::ptr::eq(k, a))
            {
                key = Some((a, v));
                batch.push(i);
                continue;
            }
            if let Err(e) = self.validate_data(d, now_unix_secs) {
                // an earlier Data of the batch may be the first rejected
                if let Some((_, v)) = key {
                    self.verify_together(v, data, &batch, now_unix_secs)?;
                }
                return Err((i, e));
            }
        }
        match key {
            Some((_, v)) => self.verify_together(v, data, &batch, now_unix_secs),
            None => Ok(()),
        }
    }

    fn validate_interest(
        &self,
        interest: &ndn::Interest,
        now_unix_secs: u64,
    ) -> Result<(), ValidationError> {
        self.chains.validate_interest(interest, now_unix_secs)
    }
}

/// A hint to add to a validation error for the user, when one helps.
pub fn hint(error: &ValidationError) -> Option<&'static str> {
    match error {
        ValidationError::UnsupportedSignatureType {
            signature_type: signature_type::DIGEST_SHA256,
        } => Some(
            "the Data is signed with DigestSha256, which anyone can compute; pass --no-verify to accept it",
        ),
        ValidationError::UnsupportedSignatureType {
            signature_type: signature_type::HMAC_WITH_SHA256,
        } => Some("the Data is signed with HMAC-SHA256; give the secret with --hmac-key"),
        ValidationError::CertificateNotFound { .. }
        | ValidationError::NoTrustAnchor { .. }
        | ValidationError::WrongNamespace { .. } => Some(
            "trust the producer's certificate with --trust-anchor FILE (from `ndnkey export` on the producer) or `ndnkey import`",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndn::keychain::naming;
    use ndn::packet::ValidityPeriod;
    use ndn::sign::{DigestSha256, PrivateKey};
    use ndn::{DataBuilder, Name};

    const NOW: u64 = 1_700_000_000;

    fn n(s: &str) -> Name {
        Name::from_uri(s).unwrap()
    }

    fn key(seed: u8, id: &str) -> (PrivateKey, Certificate) {
        let k = PrivateKey::from_seed(ndn::sign::KeyType::Ed25519, &[seed; 32]).unwrap();
        let key_name = naming::key_name(&n(id), b"k");
        let validity = ValidityPeriod {
            not_before: NOW - 10,
            not_after: NOW + 10,
        };
        let cert = Certificate::self_signed(&k, &key_name, validity, 1).unwrap();
        let signer = k.with_key_locator(Some(KeyLocator::Name(key_name)));
        (signer, cert)
    }

    fn data(name: &str, signer: &dyn ndn::sign::Signer) -> Data {
        Data::decode(
            DataBuilder::new(n(name))
                .content(&b"hi"[..])
                .sign(signer)
                .unwrap(),
        )
        .unwrap()
    }

    fn tampered(d: &Data) -> Data {
        let mut wire = d.wire().to_vec();
        let i = wire.windows(2).position(|w| w == b"hi").unwrap();
        wire[i] ^= 1;
        Data::decode(wire.into()).unwrap()
    }

    #[test]
    fn a_batch_names_its_first_rejected_data_as_validate_data_would() {
        let (signer, cert) = key(1, "/a");
        let (other, other_cert) = key(4, "/o");
        let (stranger, _) = key(2, "/b");
        let mut p = TrustPolicy::new();
        p.add_anchor(cert);
        p.add_anchor(other_cert);
        let good: Vec<Data> = (0..20)
            .map(|i| data(&format!("/a/f/seg={i}"), &signer))
            .collect();
        p.validate_data_batch(&good, NOW).unwrap();
        p.validate_data_batch(&[], NOW).unwrap();

        // one tampered segment among valid ones, at either end or in the middle
        for bad in [0, 7, 19] {
            let mut batch = good.clone();
            batch[bad] = tampered(&batch[bad]);
            let (i, e) = p.validate_data_batch(&batch, NOW).unwrap_err();
            assert_eq!(i, bad);
            assert_eq!(e, p.validate_data(&batch[bad], NOW).unwrap_err());
            assert!(matches!(e, ValidationError::BadSignature { .. }), "{e}");
        }

        // mixed keys and a rejection outside the batched path: the lowest index wins
        let mut mixed = good.clone();
        mixed[3] = data("/o/x", &other);
        mixed[9] = data("/b/x", &stranger);
        let (i, e) = p.validate_data_batch(&mixed, NOW).unwrap_err();
        assert_eq!(i, 9);
        assert!(
            matches!(e, ValidationError::CertificateNotFound { .. }),
            "{e}"
        );
        mixed[5] = tampered(&mixed[5]);
        assert_eq!(p.validate_data_batch(&mixed, NOW).unwrap_err().0, 5);
        mixed[5] = good[5].clone();
        mixed[9] = good[9].clone();
        p.validate_data_batch(&mixed, NOW).unwrap();
        // a tampered Data signed by the second anchor, checked one by one
        mixed[3] = tampered(&mixed[3]);
        assert_eq!(p.validate_data_batch(&mixed, NOW).unwrap_err().0, 3);

        // outside the anchor's validity: the error validate_data gives
        let (i, e) = p.validate_data_batch(&good, NOW + 100).unwrap_err();
        assert_eq!(i, 0);
        assert!(
            matches!(e, ValidationError::CertificateNotValid { .. }),
            "{e}"
        );
    }

    #[test]
    fn an_anchor_key_is_trusted_under_any_name() {
        let (signer, cert) = key(1, "/localhost/operator");
        let mut p = TrustPolicy::new();
        p.add_anchor(cert);
        p.validate_data(&data("/example/file/seg=0", &signer), NOW)
            .unwrap();
        // outside the anchor's validity
        assert!(matches!(
            p.validate_data(&data("/example", &signer), NOW + 100),
            Err(ValidationError::CertificateNotValid { .. })
        ));
    }

    #[test]
    fn unknown_keys_tampered_data_and_digests_are_rejected() {
        let (signer, cert) = key(1, "/a");
        let (stranger, _) = key(2, "/b");
        let mut p = TrustPolicy::new();
        p.add_anchor(cert);
        let e = p.validate_data(&data("/b/x", &stranger), NOW).unwrap_err();
        assert!(
            matches!(e, ValidationError::CertificateNotFound { .. }),
            "{e}"
        );
        assert!(hint(&e).is_some());
        let e = p.validate_data(&data("/x", &stranger), NOW).unwrap_err();
        assert!(matches!(e, ValidationError::WrongNamespace { .. }), "{e}");

        // a stranger claiming the trusted key name: the signature does not verify
        let (impostor, _) = key(3, "/a");
        let e = p.validate_data(&data("/x", &impostor), NOW).unwrap_err();
        assert!(matches!(e, ValidationError::BadSignature { .. }), "{e}");

        // one flipped content byte
        let good = data("/x", &signer);
        let mut wire = good.wire().to_vec();
        let i = wire.windows(2).position(|w| w == b"hi").unwrap();
        wire[i] ^= 1;
        let tampered = Data::decode(wire.into()).unwrap();
        let e = p.validate_data(&tampered, NOW).unwrap_err();
        assert!(matches!(e, ValidationError::BadSignature { .. }), "{e}");

        let e = p
            .validate_data(&data("/x", &DigestSha256), NOW)
            .unwrap_err();
        assert!(hint(&e).unwrap().contains("--no-verify"));
    }

    #[test]
    fn hmac_needs_the_secret() {
        let signer = HmacSha256::new(b"secret", None);
        let d = data("/x", &signer);
        let mut p = TrustPolicy::new();
        assert!(p.validate_data(&d, NOW).is_err());
        p.set_hmac_key(b"secret");
        p.validate_data(&d, NOW).unwrap();
        p.set_hmac_key(b"other");
        assert!(matches!(
            p.validate_data(&d, NOW),
            Err(ValidationError::BadSignature { .. })
        ));
    }

    #[test]
    fn chains_follow_the_hierarchical_rule() {
        // root /a signs a certificate for /a/b; /a/b signs Data under /a/b only
        let (root_signer, root_cert) = key(1, "/a");
        let leaf = PrivateKey::from_seed(ndn::sign::KeyType::Ed25519, &[4; 32]).unwrap();
        let leaf_key = naming::key_name(&n("/a/b"), b"l");
        let leaf_cert = ndn::keychain::CertificateBuilder::new(
            leaf_key.clone(),
            leaf.public_key(),
            ValidityPeriod {
                not_before: NOW - 10,
                not_after: NOW + 10,
            },
            2,
        )
        .issuer_id(b"root")
        .sign(&root_signer)
        .unwrap();
        let leaf_signer = leaf.with_key_locator(Some(KeyLocator::Name(leaf_key)));
        let mut p = TrustPolicy::new();
        p.add_anchor(root_cert);
        p.chains.add_certificate(leaf_cert);
        p.validate_data(&data("/a/b/file", &leaf_signer), NOW)
            .unwrap();
        assert!(matches!(
            p.validate_data(&data("/elsewhere", &leaf_signer), NOW),
            Err(ValidationError::WrongNamespace { .. })
        ));
    }
}
