//! Certificates (NDN certificate format v2) and validators: building, parsing, a certificate
//! made by ndn-cxx, and every rule of the hierarchical, fixed-key and digest policies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bytes::Bytes;
use common::{flip_bit, name, test_file};
use ndn::Name;
use ndn::keychain::naming::{self, SELF_ISSUER_ID};
use ndn::keychain::{
    Certificate, CertificateBuilder, CertificateError, DEFAULT_FRESHNESS_MS, DigestSha256Validator,
    FixedKeyValidator, HierarchicalValidator, ValidationError, Validator,
};
use ndn::packet::{
    Data, DataBuilder, Interest, InterestBuilder, KeyLocator, SignatureInfo, ValidityPeriod,
    content_type, parse_iso8601,
};
use ndn::sign::{DigestSha256, KeyError, KeyType, PrivateKey, Signer, VerifyError, verify_data};

/// 2023-11-14T22:13:20Z
const T0: u64 = 1_700_000_000;
const YEAR: u64 = 365 * 86_400;

fn validity(from: u64, to: u64) -> ValidityPeriod {
    ValidityPeriod {
        not_before: from,
        not_after: to,
    }
}

fn key(seed: u8, ty: KeyType) -> PrivateKey {
    PrivateKey::from_seed(ty, &[seed; 32]).unwrap()
}

fn signer(k: &PrivateKey, locator: &Name) -> PrivateKey {
    k.clone()
        .with_key_locator(Some(KeyLocator::Name(locator.clone())))
}

#[test]
fn self_signed_certificate_has_the_v2_structure() {
    for ty in [KeyType::Ed25519, KeyType::EcdsaP256] {
        let k = key(1, ty);
        let key_name = naming::key_name(&name("/alice"), b"k1");
        let cert = Certificate::self_signed(&k, &key_name, validity(T0, T0 + YEAR), 1234).unwrap();
        assert_eq!(cert.name().to_string(), "/alice/KEY/k1/self/v=1234");
        assert_eq!(cert.identity(), name("/alice"));
        assert_eq!(cert.key_name(), key_name);
        assert_eq!(cert.key_id(), b"k1");
        assert_eq!(cert.issuer_id(), SELF_ISSUER_ID);
        assert_eq!(cert.version(), Some(1234));
        assert_eq!(cert.validity(), validity(T0, T0 + YEAR));
        assert!(cert.is_valid_at(T0) && cert.is_valid_at(T0 + YEAR));
        assert!(!cert.is_valid_at(T0 - 1) && !cert.is_valid_at(T0 + YEAR + 1));
        assert_eq!(cert.public_key(), &k.public_key());
        assert!(cert.is_self_signed());
        assert_eq!(cert.issuer_locator(), Some(&key_name));
        cert.verify_self_signature().unwrap();

        // the Data fields the format requires
        let d = cert.data();
        assert_eq!(d.content_type(), content_type::KEY);
        assert_eq!(d.freshness_period(), Some(DEFAULT_FRESHNESS_MS));
        assert_eq!(d.content().to_vec(), k.public_key().to_spki_der());
        assert_eq!(d.signature_type(), ty.signature_type());
        let info = d.signature_info().unwrap();
        assert_eq!(info.validity_period, Some(validity(T0, T0 + YEAR)));
        assert_eq!(info.key_locator, Some(KeyLocator::Name(key_name.clone())));

        // wire and base64 round trips
        let again = Certificate::decode(cert.wire().clone()).unwrap();
        assert_eq!(again, cert);
        let text = cert.to_base64();
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(Certificate::from_base64(&text).unwrap(), cert);
        assert_eq!(
            Certificate::from_base64(&text.replace('\n', "")).unwrap(),
            cert
        );
    }
}

#[test]
fn certificate_issued_by_another_key() {
    let ca = key(2, KeyType::EcdsaP256);
    let ca_key = naming::key_name(&name("/org"), b"ca");
    let alice = key(3, KeyType::Ed25519);
    let alice_key = naming::key_name(&name("/org/alice"), b"a1");
    let builder = CertificateBuilder::new(
        alice_key.clone(),
        alice.public_key(),
        validity(T0, T0 + YEAR),
        T0 * 1000,
    )
    .issuer_id("org-ca")
    .freshness_period(10_000);
    let cert = builder.sign(&signer(&ca, &ca_key)).unwrap();
    assert_eq!(cert.name(), &builder.name());
    assert_eq!(cert.issuer_id(), b"org-ca");
    assert_eq!(cert.data().freshness_period(), Some(10_000));
    assert!(!cert.is_self_signed());
    assert_eq!(cert.issuer_locator(), Some(&ca_key));
    // signed by the CA (ECDSA), not by the certified key
    verify_data(cert.data(), &ca.public_key()).unwrap();
    assert!(matches!(
        cert.verify_self_signature(),
        Err(VerifyError::WrongType { .. })
    ));
    // the builder refuses a name that is not a key name
    let bad = CertificateBuilder::new(name("/org/alice"), alice.public_key(), validity(0, 1), 1);
    assert!(matches!(
        bad.sign(&ca),
        Err(CertificateError::BadKeyName { .. })
    ));
}

#[test]
fn non_certificates_are_rejected_with_the_rule_they_break() {
    let k = key(4, KeyType::Ed25519);
    let spki = k.public_key().to_spki_der();
    let vp = SignatureInfo {
        validity_period: Some(validity(T0, T0 + YEAR)),
        ..SignatureInfo::default()
    };
    let build = |n: &str, ct: u64, content: Vec<u8>, info: SignatureInfo| {
        let wire = DataBuilder::new(name(n))
            .content_type(ct)
            .content(content)
            .signature_info(info)
            .sign(&k)
            .unwrap();
        Certificate::decode(wire)
    };
    let good = "/a/KEY/k/self/v=1";
    assert!(build(good, content_type::KEY, spki.clone(), vp.clone()).is_ok());
    assert!(matches!(
        build("/a/KEY/k", content_type::KEY, spki.clone(), vp.clone()),
        Err(CertificateError::BadName { .. })
    ));
    assert!(matches!(
        build(
            "/a/KEY/k/self/notversion",
            content_type::KEY,
            spki.clone(),
            vp.clone()
        ),
        Err(CertificateError::BadName { .. })
    ));
    assert_eq!(
        build(good, content_type::BLOB, spki.clone(), vp.clone()).unwrap_err(),
        CertificateError::WrongContentType { found: 0 }
    );
    assert_eq!(
        build(
            good,
            content_type::KEY,
            spki.clone(),
            SignatureInfo::default()
        )
        .unwrap_err(),
        CertificateError::MissingValidityPeriod
    );
    assert!(matches!(
        build(good, content_type::KEY, b"not a key".to_vec(), vp),
        Err(CertificateError::PublicKey(KeyError::PublicKey(_)))
    ));
    assert!(matches!(
        Certificate::decode(Bytes::from_static(&[0x06, 0x01])),
        Err(CertificateError::Decode(_))
    ));
    assert!(matches!(
        Certificate::from_base64("@@@"),
        Err(CertificateError::Base64(_))
    ));
}

fn testbed_root() -> Certificate {
    Certificate::from_base64(&test_file("keys/ndn-testbed-root-x3.ndncert.base64")).unwrap()
}

#[test]
fn ndn_cxx_certificate_parses_and_verifies() {
    let cert = testbed_root();
    assert_eq!(
        cert.name().to_string(),
        "/ndn/KEY/%EC%F1L%8EQ%23%15%E0/ndn/%FD%00%00%01u%E6%7F2%10"
    );
    assert_eq!(cert.identity(), name("/ndn"));
    assert_eq!(cert.issuer_id(), b"ndn");
    // marker-based version (naming conventions rev. 1)
    assert_eq!(cert.version(), Some(0x0000_0175_E67F_3210));
    assert_eq!(cert.public_key().key_type(), KeyType::EcdsaP256);
    assert_eq!(
        cert.validity(),
        validity(
            parse_iso8601(b"20201120T163137").unwrap(),
            parse_iso8601(b"20241231T235959").unwrap()
        )
    );
    assert!(cert.is_self_signed());
    cert.verify_self_signature().unwrap();
    // re-encoding as ndnsec prints it gives the same text
    assert_eq!(
        cert.to_base64(),
        test_file("keys/ndn-testbed-root-x3.ndncert.base64")
    );
    // as a trust anchor it validates itself within its validity period only
    let mut v = HierarchicalValidator::new();
    v.add_trust_anchor(cert.clone());
    let in_2023 = parse_iso8601(b"20230601T000000").unwrap();
    assert_eq!(
        v.chain_of_data(cert.data(), in_2023).unwrap(),
        vec![cert.name().clone()]
    );
    assert!(matches!(
        v.validate_data(cert.data(), parse_iso8601(b"20250101T000000").unwrap()),
        Err(ValidationError::CertificateNotValid { .. })
    ));
}

/// A root anchor `/root/KEY/r1`, an intermediate `/root/alice/KEY/a1` it issued, and
/// alice's key.
struct Pki {
    root: PrivateKey,
    root_key: Name,
    root_cert: Certificate,
    alice: PrivateKey,
    alice_key: Name,
    alice_cert: Certificate,
}

fn pki() -> Pki {
    let root = key(10, KeyType::Ed25519);
    let root_key = naming::key_name(&name("/root"), b"r1");
    let root_cert =
        Certificate::self_signed(&root, &root_key, validity(T0, T0 + 10 * YEAR), 1).unwrap();
    let alice = key(11, KeyType::EcdsaP256);
    let alice_key = naming::key_name(&name("/root/alice"), b"a1");
    let alice_cert = CertificateBuilder::new(
        alice_key.clone(),
        alice.public_key(),
        validity(T0, T0 + YEAR),
        2,
    )
    .issuer_id("root")
    .sign(&signer(&root, &root_key))
    .unwrap();
    Pki {
        root,
        root_key,
        root_cert,
        alice,
        alice_key,
        alice_cert,
    }
}

impl Pki {
    fn validator(&self) -> HierarchicalValidator {
        let mut v = HierarchicalValidator::new();
        v.add_trust_anchor(self.root_cert.clone());
        v.add_certificate(self.alice_cert.clone());
        v
    }

    fn alice_data(&self, n: &str) -> Data {
        let wire = DataBuilder::new(name(n))
            .content(&b"photo"[..])
            .sign(&signer(&self.alice, &self.alice_key))
            .unwrap();
        Data::decode(wire).unwrap()
    }
}

#[test]
fn hierarchical_validator_accepts_a_chain_to_the_anchor() {
    let p = pki();
    let v = p.validator();
    let d = p.alice_data("/root/alice/photo/1");
    assert_eq!(
        v.chain_of_data(&d, T0 + 100).unwrap(),
        vec![p.alice_cert.name().clone(), p.root_cert.name().clone()]
    );
    v.validate_data(&d, T0 + 100).unwrap();
    // the key name itself (identity prefix, any depth) is in the namespace
    v.validate_data(&p.alice_data("/root/alice"), T0).unwrap();
    // a KeyLocator naming the certificate (not the key) works too
    let wire = DataBuilder::new(name("/root/alice/x"))
        .sign(&signer(&p.alice, p.alice_cert.name()))
        .unwrap();
    v.validate_data(&Data::decode(wire).unwrap(), T0).unwrap();
    // the root signs directly under its own namespace
    let wire = DataBuilder::new(name("/root/news"))
        .sign(&signer(&p.root, &p.root_key))
        .unwrap();
    assert_eq!(
        v.chain_of_data(&Data::decode(wire).unwrap(), T0).unwrap(),
        vec![p.root_cert.name().clone()]
    );
}

#[test]
fn hierarchical_validator_accepts_and_rejects_signed_interests() {
    let p = pki();
    let v = p.validator();
    let sign = |n: &str| {
        let wire = InterestBuilder::new(name(n))
            .app_parameters(&b"cmd"[..])
            .sign(
                &signer(&p.alice, &p.alice_key),
                SignatureInfo {
                    time: Some(T0 * 1000),
                    ..SignatureInfo::default()
                },
            )
            .unwrap();
        Interest::decode(wire).unwrap()
    };
    v.validate_interest(&sign("/root/alice/cmd"), T0).unwrap();
    assert!(matches!(
        v.validate_interest(&sign("/root/bob/cmd"), T0),
        Err(ValidationError::WrongNamespace { .. })
    ));
    let unsigned = Interest::decode(InterestBuilder::new(name("/root/alice")).encode()).unwrap();
    assert_eq!(
        v.validate_interest(&unsigned, T0),
        Err(ValidationError::Unsigned)
    );
}

#[test]
fn rejects_data_outside_the_signers_namespace() {
    let p = pki();
    let d = p.alice_data("/root/bob/photo");
    assert_eq!(
        p.validator().validate_data(&d, T0),
        Err(ValidationError::WrongNamespace {
            name: name("/root/bob/photo"),
            signer: p.alice_key.clone(),
        })
    );
    // a sibling whose name merely starts with the same bytes is outside too
    assert!(matches!(
        p.validator()
            .validate_data(&p.alice_data("/root/alicex/photo"), T0),
        Err(ValidationError::WrongNamespace { .. })
    ));
}

#[test]
fn rejects_a_certificate_outside_its_issuers_namespace() {
    let p = pki();
    // the root issues a certificate for /elsewhere, outside /root
    let mallory = key(12, KeyType::Ed25519);
    let mallory_key = naming::key_name(&name("/elsewhere"), b"m");
    let cert = CertificateBuilder::new(
        mallory_key.clone(),
        mallory.public_key(),
        validity(T0, T0 + YEAR),
        1,
    )
    .issuer_id("root")
    .sign(&signer(&p.root, &p.root_key))
    .unwrap();
    let mut v = p.validator();
    v.add_certificate(cert.clone());
    let wire = DataBuilder::new(name("/elsewhere/x"))
        .sign(&signer(&mallory, &mallory_key))
        .unwrap();
    assert_eq!(
        v.validate_data(&Data::decode(wire).unwrap(), T0),
        Err(ValidationError::WrongNamespace {
            name: cert.name().clone(),
            signer: p.root_key.clone(),
        })
    );
}

#[test]
fn rejects_expired_and_not_yet_valid_certificates() {
    let p = pki();
    let v = p.validator();
    let d = p.alice_data("/root/alice/photo");
    // alice's certificate expires after one year; the root's is still valid
    assert_eq!(
        v.validate_data(&d, T0 + YEAR + 1),
        Err(ValidationError::CertificateNotValid {
            certificate: p.alice_cert.name().clone(),
            not_before: T0,
            not_after: T0 + YEAR,
            now: T0 + YEAR + 1,
        })
    );
    assert!(matches!(
        v.validate_data(&d, T0 - 1),
        Err(ValidationError::CertificateNotValid { .. })
    ));
    // an expired anchor is rejected as well
    let root_only = p.root_cert.clone();
    let mut v2 = HierarchicalValidator::new();
    v2.add_trust_anchor(root_only);
    let wire = DataBuilder::new(name("/root/x"))
        .sign(&signer(&p.root, &p.root_key))
        .unwrap();
    let err = v2
        .validate_data(&Data::decode(wire).unwrap(), T0 + 11 * YEAR)
        .unwrap_err();
    assert!(matches!(
        err,
        ValidationError::CertificateNotValid { certificate, .. } if &certificate == p.root_cert.name()
    ));
}

#[test]
fn rejects_chains_that_do_not_reach_a_trust_anchor() {
    let p = pki();
    let d = p.alice_data("/root/alice/photo");
    // the root certificate is known but not trusted
    let mut v = HierarchicalValidator::new();
    v.add_certificate(p.root_cert.clone());
    v.add_certificate(p.alice_cert.clone());
    assert_eq!(
        v.validate_data(&d, T0),
        Err(ValidationError::NoTrustAnchor {
            certificate: p.root_cert.name().clone()
        })
    );
    // another anchor does not help
    let other = key(13, KeyType::Ed25519);
    let other_key = naming::key_name(&name("/other"), b"o");
    let mut v = HierarchicalValidator::new();
    v.add_trust_anchor(
        Certificate::self_signed(&other, &other_key, validity(T0, T0 + YEAR), 1).unwrap(),
    );
    v.add_certificate(p.alice_cert.clone());
    assert_eq!(
        v.validate_data(&d, T0),
        Err(ValidationError::CertificateNotFound {
            locator: p.root_key.clone()
        })
    );
    // nothing known about alice's key
    assert_eq!(
        HierarchicalValidator::new().validate_data(&d, T0),
        Err(ValidationError::CertificateNotFound {
            locator: p.alice_key.clone()
        })
    );
    // a chain limit
    let mut v = p.validator();
    v.set_max_chain(1);
    assert_eq!(
        v.validate_data(&d, T0),
        Err(ValidationError::ChainTooLong { max: 1 })
    );
}

#[test]
fn rejects_bad_signatures_on_the_packet_and_in_the_chain() {
    let p = pki();
    let v = p.validator();
    let d = p.alice_data("/root/alice/photo");
    let tampered = Data::decode(flip_bit(d.wire(), d.wire().len() - 1)).unwrap();
    assert!(matches!(
        v.validate_data(&tampered, T0),
        Err(ValidationError::BadSignature { name: n, reason: VerifyError::Invalid }) if n == name("/root/alice/photo")
    ));
    // a packet signed by another key that names alice's key
    let mallory = key(14, KeyType::EcdsaP256);
    let wire = DataBuilder::new(name("/root/alice/fake"))
        .sign(&signer(&mallory, &p.alice_key))
        .unwrap();
    assert!(matches!(
        v.validate_data(&Data::decode(wire).unwrap(), T0),
        Err(ValidationError::BadSignature { .. })
    ));
    // a certificate for alice's key forged by mallory, claiming the root as issuer
    let forged = CertificateBuilder::new(
        p.alice_key.clone(),
        p.alice.public_key(),
        validity(T0, T0 + YEAR),
        3,
    )
    .issuer_id("root")
    .sign(&signer(&key(15, KeyType::Ed25519), &p.root_key))
    .unwrap();
    let mut v = HierarchicalValidator::new();
    v.add_trust_anchor(p.root_cert.clone());
    v.add_certificate(forged.clone());
    assert!(matches!(
        v.validate_data(&d, T0),
        Err(ValidationError::BadSignature { name: n, .. }) if &n == forged.name()
    ));
}

#[test]
fn rejects_packets_without_a_usable_key_locator() {
    let p = pki();
    let v = p.validator();
    let no_locator = DataBuilder::new(name("/root/alice/x"))
        .sign(&p.alice)
        .unwrap();
    assert_eq!(
        v.validate_data(&Data::decode(no_locator).unwrap(), T0),
        Err(ValidationError::MissingKeyLocator {
            name: name("/root/alice/x")
        })
    );
    let not_a_key = DataBuilder::new(name("/root/alice/x"))
        .sign(&signer(&p.alice, &name("/root/alice")))
        .unwrap();
    assert_eq!(
        v.validate_data(&Data::decode(not_a_key).unwrap(), T0),
        Err(ValidationError::BadKeyLocator {
            locator: name("/root/alice")
        })
    );
    let digest = DataBuilder::new(name("/root/alice/x"))
        .sign(&DigestSha256)
        .unwrap();
    assert_eq!(
        v.validate_data(&Data::decode(digest).unwrap(), T0),
        Err(ValidationError::UnsupportedSignatureType { signature_type: 0 })
    );
}

#[test]
fn fixed_key_validator_accepts_only_its_key() {
    let p = pki();
    let v = FixedKeyValidator::new(p.alice.public_key());
    // any name, no certificate needed, time ignored
    v.validate_data(&p.alice_data("/anywhere/at/all"), 0)
        .unwrap();
    let other = DataBuilder::new(name("/anywhere"))
        .sign(&key(16, KeyType::EcdsaP256))
        .unwrap();
    assert!(matches!(
        v.validate_data(&Data::decode(other).unwrap(), 0),
        Err(ValidationError::BadSignature {
            reason: VerifyError::Invalid,
            ..
        })
    ));
    let other_type = DataBuilder::new(name("/anywhere")).sign(&p.root).unwrap();
    assert!(matches!(
        v.validate_data(&Data::decode(other_type).unwrap(), 0),
        Err(ValidationError::BadSignature {
            reason: VerifyError::WrongType { .. },
            ..
        })
    ));
    let i = InterestBuilder::new(name("/cmd"))
        .sign(&p.alice, SignatureInfo::default())
        .unwrap();
    v.validate_interest(&Interest::decode(i).unwrap(), 0)
        .unwrap();
    let unsigned = Interest::decode(InterestBuilder::new(name("/cmd")).encode()).unwrap();
    assert_eq!(
        v.validate_interest(&unsigned, 0),
        Err(ValidationError::Unsigned)
    );
}

#[test]
fn digest_validator_checks_integrity_only() {
    let wire = DataBuilder::new(name("/d"))
        .content(&b"x"[..])
        .sign(&DigestSha256)
        .unwrap();
    let v = DigestSha256Validator;
    v.validate_data(&Data::decode(wire.clone()).unwrap(), 0)
        .unwrap();
    let tampered = Data::decode(flip_bit(&wire, wire.len() - 1)).unwrap();
    assert!(matches!(
        v.validate_data(&tampered, 0),
        Err(ValidationError::BadSignature { .. })
    ));
    let signed = DataBuilder::new(name("/d"))
        .sign(&key(17, KeyType::Ed25519))
        .unwrap();
    assert!(v.validate_data(&Data::decode(signed).unwrap(), 0).is_err());
    // policies are usable as trait objects
    let policies: Vec<Box<dyn Validator>> = vec![
        Box::new(DigestSha256Validator),
        Box::new(HierarchicalValidator::new()),
    ];
    assert!(
        policies[0]
            .validate_data(&Data::decode(wire).unwrap(), 0)
            .is_ok()
    );
    assert_eq!(
        KeyType::Ed25519.signature_type(),
        key(1, KeyType::Ed25519).signature_type()
    );
}

mod properties {
    use super::*;
    use ndn::sign::{PublicKey, Verifier};
    use proptest::prelude::*;

    proptest! {
        // fixed seed: the same cases on every run
        #![proptest_config(ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x6e646e),
            ..ProptestConfig::default()
        })]

        #[test]
        fn untrusted_key_and_certificate_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Certificate::decode(Bytes::from(bytes.clone()));
            let _ = PublicKey::from_spki_der(&bytes);
            let _ = PrivateKey::from_pkcs8_der(&bytes);
            let _ = Certificate::from_base64(&String::from_utf8_lossy(&bytes));
            for k in [key(1, KeyType::Ed25519), key(2, KeyType::EcdsaP256)] {
                prop_assert!(k.public_key().verify(&[b"m"], &bytes).is_err());
            }
        }

        #[test]
        fn mutated_certificates_never_panic_the_validator(at in 0usize..400, value in any::<u8>()) {
            let p = pki();
            let mut wire = p.alice_cert.wire().to_vec();
            let i = at % wire.len();
            let changed = wire[i] != value;
            wire[i] = value;
            let mut v = HierarchicalValidator::new();
            v.add_trust_anchor(p.root_cert.clone());
            if let Ok(cert) = Certificate::decode(Bytes::from(wire)) {
                v.add_certificate(cert);
            }
            let result = v.validate_data(&p.alice_data("/root/alice/x"), T0);
            // any change to the certificate's bytes breaks the chain
            prop_assert_eq!(result.is_ok(), !changed);
        }

        #[test]
        fn certificates_round_trip_through_base64(seed in any::<[u8; 32]>(), version in any::<u64>(), ecdsa in any::<bool>()) {
            let ty = if ecdsa { KeyType::EcdsaP256 } else { KeyType::Ed25519 };
            let k = PrivateKey::from_seed(ty, &seed).unwrap();
            let key_name = naming::key_name(&name("/p"), &seed[..8]);
            let cert = Certificate::self_signed(&k, &key_name, validity(T0, T0 + YEAR), version).unwrap();
            let back = Certificate::from_base64(&cert.to_base64()).unwrap();
            prop_assert_eq!(back.version(), Some(version));
            prop_assert_eq!(back.public_key(), &k.public_key());
            prop_assert!(back.verify_self_signature().is_ok());
            prop_assert_eq!(back, cert);
        }
    }
}
