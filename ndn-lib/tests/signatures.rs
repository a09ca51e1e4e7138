//! Signature types 1 (RSA), 3 (ECDSA P-256) and 5 (Ed25519): the Ed25519 vectors of
//! `tests/vectors/data.json`, signatures made by OpenSSL (`tests/keys/`), sign/verify round
//! trips of Data and signed Interests, and key encodings.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use bytes::Bytes;
use common::{TestRng, flip_bit, hex_bytes, name, offset_in, test_file};
use ndn::packet::{Data, DataBuilder, Interest, InterestBuilder, KeyLocator, SignatureInfo};
use ndn::sign::{
    DigestSha256, EcdsaP256Signer, Ed25519Signer, Ed25519Verifier, KeyError, KeyType, PrivateKey,
    PublicKey, RsaSigner, Signer, Verifier, VerifyError, verify_data, verify_interest,
};
use serde_json::Value;

fn load_json(path: &str) -> Value {
    serde_json::from_str(&test_file(path)).unwrap()
}

/// The OpenSSL-made RSA key (RSA generation in tests is avoided).
fn rsa_key() -> PrivateKey {
    PrivateKey::from_pkcs8_pem(&test_file("keys/rsa-2048.pem")).unwrap()
}

fn all_keys() -> Vec<PrivateKey> {
    vec![
        PrivateKey::from_seed(KeyType::Ed25519, &[1; 32]).unwrap(),
        PrivateKey::from_seed(KeyType::EcdsaP256, &[2; 32]).unwrap(),
        rsa_key(),
    ]
}

#[test]
fn ed25519_vectors_reproduce_wire_and_verify() {
    let v = load_json("vectors/data.json");
    let mut seen = 0;
    for case in v["data"].as_array().unwrap() {
        let Some(seed) = case["ed25519_seed"].as_str() else {
            continue;
        };
        seen += 1;
        let desc = case["description"].as_str().unwrap();
        let wire = hex_bytes(case["wire"].as_str().unwrap());
        let seed: [u8; 32] = hex::decode(seed).unwrap().try_into().unwrap();
        let public: [u8; 32] = hex::decode(case["ed25519_public_key"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();

        // the seed gives the vector's public key
        let locator = KeyLocator::Name(name(case["key_locator_name"].as_str().unwrap()));
        let signer = Ed25519Signer::from_seed(&seed).with_key_locator(Some(locator.clone()));
        assert_eq!(signer.verifier().to_bytes(), public, "{desc}");

        // signing the same fields reproduces the exact wire (Ed25519 is deterministic)
        let d = Data::decode(wire.clone()).unwrap();
        let mut builder = DataBuilder::new(d.name().clone())
            .content(d.content())
            .content_type(d.content_type());
        if let Some(f) = d.freshness_period() {
            builder = builder.freshness_period(f);
        }
        if let Some(fb) = d.final_block_id() {
            builder = builder.final_block_id(fb);
        }
        assert_eq!(builder.sign(&signer).unwrap(), wire, "{desc}");
        let via_enum = PrivateKey::from_seed(KeyType::Ed25519, &seed)
            .unwrap()
            .with_key_locator(Some(locator));
        assert_eq!(builder.sign(&via_enum).unwrap(), wire, "{desc}");

        // the signature verifies with the public key, through both entry points
        let verifier = Ed25519Verifier::from_bytes(&public).unwrap();
        verify_data(&d, &verifier).unwrap();
        verify_data(&d, &PublicKey::from(verifier)).unwrap();

        // a flipped bit in the signature value fails
        let bad_sig = Data::decode(flip_bit(&wire, wire.len() - 1)).unwrap();
        assert_eq!(verify_data(&bad_sig, &verifier), Err(VerifyError::Invalid));
        // a flipped bit in the signed content fails
        let content_at = offset_in(&wire, &d.content()) + d.content_len() / 2;
        let bad_content = Data::decode(flip_bit(&wire, content_at)).unwrap();
        assert_eq!(
            verify_data(&bad_content, &verifier),
            Err(VerifyError::Invalid)
        );
        // another key fails
        let other = Ed25519Signer::from_seed(&[0xEE; 32]).verifier();
        assert_eq!(verify_data(&d, &other), Err(VerifyError::Invalid));
        // a key of another type is rejected by type, before any cryptography
        let ec = EcdsaP256Signer::from_scalar_bytes(&[2; 32])
            .unwrap()
            .verifier();
        assert_eq!(
            verify_data(&d, &ec),
            Err(VerifyError::WrongType {
                expected: 3,
                found: 5
            })
        );
    }
    assert!(seen >= 2, "data.json has Ed25519 vectors");
}

#[test]
fn openssl_keys_and_signatures_interoperate() {
    let v = load_json("keys/openssl.json");
    let message = hex_bytes(v["message"].as_str().unwrap());
    for case in v["keys"].as_array().unwrap() {
        let ty: KeyType = case["type"].as_str().unwrap().parse().unwrap();
        let spki = hex_bytes(case["spki"].as_str().unwrap());
        let openssl_sig = hex_bytes(case["signature"].as_str().unwrap());
        let key = PrivateKey::from_pkcs8_pem(&test_file(&format!(
            "keys/{}",
            case["private_key_file"].as_str().unwrap()
        )))
        .unwrap();
        assert_eq!(key.key_type(), ty);
        assert_eq!(
            key.signature_type(),
            case["signature_type"].as_u64().unwrap()
        );

        // OpenSSL's SubjectPublicKeyInfo reads as the same key, and ours encodes identically
        let public = PublicKey::from_spki_der(&spki).unwrap();
        assert_eq!(public.key_type(), ty);
        assert_eq!(public.to_spki_der(), spki.to_vec(), "{ty}");
        assert_eq!(key.public_key(), public, "{ty}");

        // OpenSSL's signature verifies; so does ours, over the message split into parts
        public.verify(&[&message], &openssl_sig).unwrap();
        let (a, b) = message.split_at(10);
        let ours = key.sign(&[a, b]).unwrap();
        public.verify(&[&message], &ours).unwrap();
        assert_eq!(
            public.verify(&[&message[1..]], &openssl_sig),
            Err(VerifyError::Invalid)
        );
        match ty {
            // Ed25519 and PKCS#1 v1.5 are deterministic: byte-identical signatures
            KeyType::Ed25519 | KeyType::Rsa => assert_eq!(ours, openssl_sig.to_vec(), "{ty}"),
            // ECDSA nonces differ (RFC 6979 here, random in OpenSSL); both are DER
            _ => assert_eq!(ours[0], 0x30),
        }

        // PKCS#8 DER and PEM round trips keep the key
        let der = key.to_pkcs8_der().unwrap();
        assert_eq!(
            PrivateKey::from_pkcs8_der(&der).unwrap().public_key(),
            public
        );
        let pem = key.to_pkcs8_pem().unwrap();
        assert_eq!(
            PrivateKey::from_pkcs8_pem(&pem).unwrap().public_key(),
            public
        );
    }
}

#[test]
fn data_round_trip_with_each_algorithm() {
    for key in all_keys() {
        let ty = key.key_type();
        let locator = KeyLocator::Name(name("/alice/KEY/k1"));
        let signer = key.clone().with_key_locator(Some(locator.clone()));
        let wire = DataBuilder::new(name("/alice/file/v=1/seg=0"))
            .content(&b"some content"[..])
            .freshness_period(1000)
            .sign(&signer)
            .unwrap();
        let d = Data::decode(wire.clone()).unwrap();
        assert_eq!(d.signature_type(), ty.signature_type());
        assert_eq!(d.signature_info().unwrap().key_locator, Some(locator));
        let public = key.public_key();
        verify_data(&d, &public).unwrap();
        let bad = Data::decode(flip_bit(&wire, wire.len() - 1)).unwrap();
        assert!(verify_data(&bad, &public).is_err(), "{ty}");
        let content_at = offset_in(&wire, &d.content());
        let bad = Data::decode(flip_bit(&wire, content_at)).unwrap();
        assert_eq!(
            verify_data(&bad, &public),
            Err(VerifyError::Invalid),
            "{ty}"
        );
        // a DigestSha256 verifier refuses by type
        assert!(matches!(
            verify_data(&d, &DigestSha256),
            Err(VerifyError::WrongType { expected: 0, .. })
        ));
    }
}

#[test]
fn signature_lengths_follow_the_algorithm() {
    let [ed, ec, rsa] = all_keys().try_into().unwrap();
    assert_eq!(ed.sign(&[b"m"]).unwrap().len(), 64);
    // DER of two 256-bit integers: 8 to 72 bytes
    let ec_sig = ec.sign(&[b"m"]).unwrap();
    assert!((8..=72).contains(&ec_sig.len()));
    assert_eq!(rsa.sign(&[b"m"]).unwrap().len(), 256);
    // malformed signatures are reported as such, never as a panic
    assert!(matches!(
        ec.public_key().verify(&[b"m"], &[0x30, 0x02, 0x02, 0x00]),
        Err(VerifyError::Malformed(_))
    ));
    assert!(rsa.public_key().verify(&[b"m"], &[0u8; 10]).is_err());
    assert!(rsa.public_key().verify(&[b"m"], &[]).is_err());
    assert!(ed.public_key().verify(&[b"m"], &[]).is_err());
    // the RSA signature is deterministic (blinding does not change it)
    assert_eq!(rsa.sign(&[b"m"]).unwrap(), rsa.sign(&[b"m"]).unwrap());
}

#[test]
fn signed_interest_round_trip_with_each_algorithm() {
    for (i, key) in all_keys().into_iter().enumerate() {
        let ty = key.key_type();
        let signer = key
            .clone()
            .with_key_locator(Some(KeyLocator::Name(name("/alice/KEY/k1"))));
        let info = SignatureInfo {
            nonce: Some(Bytes::from_static(&[1, 2, 3, 4, 5, 6, 7, 8])),
            time: Some(1_700_000_000_000 + i as u64),
            seq_num: Some(i as u64),
            ..SignatureInfo::default()
        };
        let wire = InterestBuilder::new(name("/alice/cmd/do"))
            .nonce(0x0102_0304)
            .app_parameters(&b"params"[..])
            .sign(&signer, info.clone())
            .unwrap();
        let interest = Interest::decode(wire).unwrap();
        let got = interest.signature_info().unwrap().unwrap();
        assert_eq!(got.signature_type, ty.signature_type());
        assert_eq!(got.nonce, info.nonce);
        assert_eq!(got.time, info.time);
        assert_eq!(got.seq_num, info.seq_num);
        verify_interest(&interest, &key.public_key()).unwrap();
        // a changed signed portion fails
        let mut parts = interest.signed_portion().unwrap();
        parts.push(b"x");
        let value = interest.signature_value().unwrap();
        assert_eq!(
            key.public_key().verify(&parts, &value),
            Err(VerifyError::Invalid)
        );
        // a different key of the same type fails (RSA: no second key, generation is slow)
        if ty != KeyType::Rsa {
            let other = PrivateKey::from_seed(ty, &[9; 32]).unwrap();
            assert_eq!(
                verify_interest(&interest, &other.public_key()),
                Err(VerifyError::Invalid),
                "{ty}"
            );
        }
    }
    // an unsigned Interest
    let plain = Interest::decode(InterestBuilder::new(name("/a")).encode()).unwrap();
    let ed = PrivateKey::from_seed(KeyType::Ed25519, &[1; 32]).unwrap();
    assert_eq!(
        verify_interest(&plain, &ed.public_key()),
        Err(VerifyError::Unsigned)
    );
}

#[test]
fn signed_interest_signature_covers_name_and_parameters() {
    // the Interest signed portion (PF 5.4) leaves out the parameters digest component, so the
    // signature equals one over the name components, then parameters and signature info
    let key = PrivateKey::from_seed(KeyType::Ed25519, &[3; 32]).unwrap();
    let wire = InterestBuilder::new(name("/a/b"))
        .app_parameters(&b"p"[..])
        .sign(&key, SignatureInfo::default())
        .unwrap();
    let interest = Interest::decode(wire).unwrap();
    let parts = interest.signed_portion().unwrap();
    let joined: Vec<u8> = parts.concat();
    assert_eq!(
        key.sign(&[&joined]).unwrap(),
        interest.signature_value().unwrap().to_vec()
    );
    assert!(joined.starts_with(name("/a/b").value()));
}

#[test]
fn generated_keys_come_from_the_callers_rng() {
    for ty in [KeyType::Ed25519, KeyType::EcdsaP256] {
        let a = PrivateKey::generate(ty, &mut TestRng::new(1)).unwrap();
        let b = PrivateKey::generate(ty, &mut TestRng::new(1)).unwrap();
        let c = PrivateKey::generate(ty, &mut TestRng::new(2)).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        assert_ne!(a.public_key(), c.public_key());
        let sig = a.sign(&[b"x"]).unwrap();
        b.public_key().verify(&[b"x"], &sig).unwrap();
    }
    // one RSA key per test binary: generation is slow in debug builds
    let rsa = RsaSigner::generate(&mut TestRng::new(3), 1024).unwrap();
    let sig = rsa.sign(&[b"x"]).unwrap();
    assert_eq!(sig.len(), 128);
    rsa.verifier().verify(&[b"x"], &sig).unwrap();
    assert!(matches!(
        RsaSigner::generate(&mut TestRng::new(3), 256),
        Err(KeyError::Generation(_))
    ));
}

#[test]
fn bad_key_encodings_are_typed_errors() {
    assert!(matches!(
        PublicKey::from_spki_der(b"garbage"),
        Err(KeyError::PublicKey(_))
    ));
    assert!(matches!(
        PrivateKey::from_pkcs8_der(b"garbage"),
        Err(KeyError::PrivateKey(_))
    ));
    assert!(matches!(
        PrivateKey::from_pkcs8_pem("not pem"),
        Err(KeyError::Pem(_))
    ));
    // an Ed25519 key read as ECDSA and the other way round
    let ed = PrivateKey::from_seed(KeyType::Ed25519, &[1; 32]).unwrap();
    assert!(EcdsaP256Signer::from_pkcs8_der(&ed.to_pkcs8_der().unwrap()).is_err());
    let ec = PrivateKey::from_seed(KeyType::EcdsaP256, &[1; 32]).unwrap();
    assert!(Ed25519Signer::from_pkcs8_der(&ec.to_pkcs8_der().unwrap()).is_err());
}

/// A signer whose signatures are longer than it announces, so the encoder's buffer must grow.
struct Understated;

impl Signer for Understated {
    fn signature_type(&self) -> u64 {
        200
    }
    fn key_locator(&self) -> Option<KeyLocator> {
        None
    }
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, ndn::sign::SignError> {
        let mut sig = ndn::sign::sha256(parts).to_vec();
        sig.resize(300, 0xAB);
        Ok(sig)
    }
    fn max_signature_len(&self) -> usize {
        0
    }
}

#[test]
fn data_is_built_right_whatever_the_length_forms_and_signature_lengths() {
    // content sizes around the 1-, 3- and 5-byte TLV-LENGTH boundaries of Content and Data
    let keys = all_keys();
    let mut signers: Vec<&dyn Signer> = vec![&DigestSha256, &Understated];
    signers.extend(keys.iter().map(|k| k as &dyn Signer));
    for size in [0, 100, 180, 252, 253, 300, 65_400, 65_535, 65_536, 70_000] {
        let content = Bytes::from(vec![0x5A; size]);
        for signer in &signers {
            let wire = DataBuilder::new(name("/a/b"))
                .freshness_period(1000)
                .content(content.clone())
                .sign(*signer)
                .unwrap();
            let d = Data::decode(wire.clone()).unwrap();
            assert_eq!(d.content(), content, "size {size}");
            assert_eq!(d.name(), &name("/a/b"));
            // the wire is exactly one Data element, with the shortest TLV-LENGTH
            let value_len = wire.len() - 1 - ndn::tlv::var_number_len(wire.len() as u64 - 1);
            let expect = ndn::tlv::tlv_len(6, value_len);
            assert_eq!(wire.len(), expect, "size {size}");
            let sig = d.signature_value();
            let parts: &[&[u8]] = &[d.signed_portion()];
            assert_eq!(
                signer.signature_type(),
                d.signature_info().map_or(0, |i| i.signature_type)
            );
            match signer.signature_type() {
                200 => assert_eq!(sig.len(), 300),
                0 => DigestSha256.verify(parts, &sig).unwrap(),
                _ => {}
            }
        }
        for k in &keys {
            let wire = DataBuilder::new(name("/a/b"))
                .content(content.clone())
                .sign(k)
                .unwrap();
            let d = Data::decode(wire).unwrap();
            verify_data(&d, &k.public_key()).unwrap();
        }
    }
}

#[test]
fn stripping_the_forwarding_hint_keeps_the_signature_and_everything_else() {
    let key = PrivateKey::from_seed(KeyType::Ed25519, &[4; 32]).unwrap();
    let wire = InterestBuilder::new(name("/ucla/cs/alice/file"))
        .can_be_prefix(true)
        .must_be_fresh(true)
        .forwarding_hint(vec![name("/telia/terabits"), name("/ucla/cs")])
        .nonce(0x0a0b_0c0d)
        .lifetime_ms(1500)
        .hop_limit(9)
        .app_parameters(&b"p"[..])
        .sign(&key, SignatureInfo::default())
        .unwrap();
    let hinted = Interest::decode(wire).unwrap();
    assert_eq!(hinted.forwarding_hint().len(), 2);
    let plain = hinted.without_forwarding_hint();
    assert!(plain.forwarding_hint().is_empty());
    assert_eq!(plain.name(), hinted.name());
    assert!(plain.can_be_prefix() && plain.must_be_fresh());
    assert_eq!(plain.nonce(), Some(0x0a0b_0c0d));
    assert_eq!(plain.lifetime_ms(), 1500);
    assert_eq!(plain.hop_limit(), Some(9));
    assert_eq!(plain.app_parameters(), hinted.app_parameters());
    // decoding checked the parameters digest; the signature still verifies
    verify_interest(&plain, &key.public_key()).unwrap();
    // exactly the hint's bytes are gone
    let hint_len: usize = 2 + [name("/telia/terabits"), name("/ucla/cs")]
        .iter()
        .map(|n| n.encoded_len())
        .sum::<usize>();
    assert_eq!(plain.wire().len(), hinted.wire().len() - hint_len);
    // nothing to strip: the same packet
    assert_eq!(plain.without_forwarding_hint().wire(), plain.wire());
}
