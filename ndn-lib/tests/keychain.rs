//! The file keychain in a temporary directory: create, list, defaults, export and import,
//! signers, delete, and file permissions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestRng, name, temp_dir, test_file};
use ndn::keychain::{
    Certificate, DEFAULT_VALIDITY_SECS, FileKeychain, HierarchicalValidator, KeychainError,
    Validator, naming,
};
use ndn::packet::{Data, DataBuilder, KeyLocator};
use ndn::sign::{KeyType, PrivateKey, Signer, verify_data};

const NOW_MS: u64 = 1_700_000_000_123;
const NOW: u64 = 1_700_000_000;

/// Removes the directory when the test ends, even when it fails.
struct Cleanup(std::path::PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn create_list_sign_and_defaults() {
    let dir = temp_dir("keychain-create");
    let _cleanup = Cleanup(dir.clone());
    let kc = FileKeychain::open(dir.join("kc")).unwrap();
    let mut rng = TestRng::new(7);
    assert_eq!(kc.identities().unwrap(), Vec::<ndn::Name>::new());
    assert_eq!(kc.default_identity().unwrap(), None);
    assert!(matches!(
        kc.default_signer(),
        Err(KeychainError::NoDefaultIdentity)
    ));

    let alice = name("/example/alice");
    let cert = kc
        .create_identity(&alice, KeyType::Ed25519, NOW_MS, &mut rng)
        .unwrap();
    assert_eq!(cert.identity(), alice);
    assert!(cert.is_self_signed());
    assert_eq!(cert.issuer_id(), b"self");
    assert_eq!(cert.version(), Some(NOW_MS));
    assert_eq!(cert.validity().not_before, NOW);
    assert_eq!(cert.validity().not_after, NOW + DEFAULT_VALIDITY_SECS);
    assert_eq!(cert.key_id().len(), 8);
    cert.verify_self_signature().unwrap();

    // the first identity and key become the defaults
    assert_eq!(kc.default_identity().unwrap(), Some(alice.clone()));
    assert_eq!(kc.default_key(&alice).unwrap(), Some(cert.key_name()));

    // a second key (ECDSA) for the same identity, and a second identity
    let cert2 = kc
        .create_identity(&alice, KeyType::EcdsaP256, NOW_MS + 1, &mut rng)
        .unwrap();
    assert_eq!(cert2.public_key().key_type(), KeyType::EcdsaP256);
    let bob = name("/example/bob");
    let bob_cert = kc
        .create_identity(&bob, KeyType::Ed25519, NOW_MS, &mut rng)
        .unwrap();
    // canonical order: the shorter component first
    assert_eq!(kc.identities().unwrap(), vec![bob.clone(), alice.clone()]);
    let mut alice_keys = vec![cert.key_name(), cert2.key_name()];
    alice_keys.sort();
    assert_eq!(kc.keys(&alice).unwrap(), alice_keys);
    assert_eq!(kc.certificates().unwrap().len(), 3);
    assert_eq!(
        kc.certificates_of_key(&cert2.key_name()).unwrap(),
        vec![cert2.clone()]
    );
    // defaults do not move
    assert_eq!(kc.default_identity().unwrap(), Some(alice.clone()));
    assert_eq!(kc.default_key(&alice).unwrap(), Some(cert.key_name()));
    kc.set_default_key(&cert2.key_name()).unwrap();
    assert_eq!(kc.default_key(&alice).unwrap(), Some(cert2.key_name()));
    kc.set_default_identity(&bob).unwrap();
    assert_eq!(kc.default_identity().unwrap(), Some(bob.clone()));
    assert!(matches!(
        kc.set_default_identity(&name("/nobody")),
        Err(KeychainError::NoSuchIdentity(_))
    ));

    // signers carry the key name as KeyLocator and match the certificate's key
    let s = kc.signer(&alice).unwrap();
    assert_eq!(s.key_type(), KeyType::EcdsaP256);
    assert_eq!(s.key_locator(), Some(KeyLocator::Name(cert2.key_name())));
    let wire = DataBuilder::new(name("/example/alice/doc"))
        .sign(&s)
        .unwrap();
    let d = Data::decode(wire).unwrap();
    verify_data(&d, cert2.public_key()).unwrap();
    let ds = kc.default_signer().unwrap();
    assert_eq!(ds.public_key(), bob_cert.public_key().clone());

    // the keychain's certificates drive a validator
    let mut v = HierarchicalValidator::new();
    v.add_trust_anchor(kc.default_certificate(&cert2.key_name()).unwrap().unwrap());
    v.validate_data(&d, NOW).unwrap();

    // reopening the directory sees the same state
    let again = FileKeychain::open(kc.dir()).unwrap();
    assert_eq!(again.identities().unwrap(), kc.identities().unwrap());
    assert_eq!(again.default_identity().unwrap(), Some(bob));
}

#[test]
fn export_and_import_certificates() {
    let dir = temp_dir("keychain-export");
    let _cleanup = Cleanup(dir.clone());
    let a = FileKeychain::open(dir.join("a")).unwrap();
    let b = FileKeychain::open(dir.join("b")).unwrap();
    let cert = a
        .create_identity(
            &name("/org/ca"),
            KeyType::Ed25519,
            NOW_MS,
            &mut TestRng::new(1),
        )
        .unwrap();
    let text = a.export_certificate(cert.name()).unwrap();
    // ndnsec cert-dump layout: 64-character lines ending with a line break
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 1);
    assert!(lines[..lines.len() - 1].iter().all(|l| l.len() == 64));
    assert!(lines.last().unwrap().len() <= 64);

    // import with and without line breaks
    let imported = b.import_certificate(&text).unwrap();
    assert_eq!(imported, cert);
    let imported = b.import_certificate(&text.replace('\n', "")).unwrap();
    assert_eq!(imported, cert);
    assert_eq!(b.certificates().unwrap(), vec![cert.clone()]);
    assert_eq!(b.certificate(cert.name()).unwrap(), cert);
    // an imported certificate does not make an identity (no private key)
    assert!(b.identities().unwrap().is_empty());
    assert!(matches!(
        b.signer(&name("/org/ca")),
        Err(KeychainError::NoSuchIdentity(_))
    ));

    // a certificate made by ndn-cxx imports too
    let testbed = b
        .import_certificate(&test_file("keys/ndn-testbed-root-x3.ndncert.base64"))
        .unwrap();
    assert_eq!(
        b.export_certificate(testbed.name()).unwrap(),
        test_file("keys/ndn-testbed-root-x3.ndncert.base64")
    );

    // garbage is refused and nothing is stored
    assert!(matches!(
        b.import_certificate("AAAA"),
        Err(KeychainError::Certificate(_))
    ));
    assert_eq!(b.certificates().unwrap().len(), 2);
    assert!(matches!(
        b.export_certificate(&name("/no/KEY/k/self/v=1")),
        Err(KeychainError::NoSuchCertificate(_))
    ));
}

#[test]
fn newer_certificate_becomes_the_default_and_keys_can_be_added() {
    let dir = temp_dir("keychain-add");
    let _cleanup = Cleanup(dir.clone());
    let kc = FileKeychain::open(&dir).unwrap();
    let key = PrivateKey::from_seed(KeyType::Ed25519, &[4; 32]).unwrap();
    let key_name = naming::key_name(&name("/svc"), b"k");
    let first = kc.add_key(&key_name, &key, NOW_MS).unwrap();
    assert!(matches!(
        kc.add_key(&key_name, &key, NOW_MS),
        Err(KeychainError::KeyExists(_))
    ));
    assert!(matches!(
        kc.add_key(&name("/svc/k"), &key, NOW_MS),
        Err(KeychainError::NotAKeyName(_))
    ));
    assert_eq!(
        kc.private_key(&key_name).unwrap().public_key(),
        key.public_key()
    );
    // a newer self-signed certificate for the same key
    let newer = Certificate::self_signed(&key, &key_name, first.validity(), NOW_MS + 5).unwrap();
    kc.add_certificate(&newer).unwrap();
    assert_eq!(kc.default_certificate(&key_name).unwrap(), Some(newer));
    assert_eq!(kc.certificates_of_key(&key_name).unwrap().len(), 2);
}

#[test]
fn delete_certificate_key_and_identity() {
    let dir = temp_dir("keychain-delete");
    let _cleanup = Cleanup(dir.clone());
    let kc = FileKeychain::open(&dir).unwrap();
    let mut rng = TestRng::new(9);
    let x = name("/x");
    let c1 = kc
        .create_identity(&x, KeyType::Ed25519, NOW_MS, &mut rng)
        .unwrap();
    let c2 = kc
        .create_identity(&x, KeyType::Ed25519, NOW_MS, &mut rng)
        .unwrap();
    let y = name("/y");
    kc.create_identity(&y, KeyType::Ed25519, NOW_MS, &mut rng)
        .unwrap();

    kc.delete_certificate(c2.name()).unwrap();
    assert!(matches!(
        kc.delete_certificate(c2.name()),
        Err(KeychainError::NoSuchCertificate(_))
    ));
    assert!(kc.has_key(&c2.key_name()));

    // deleting the default key clears the identity's default
    kc.delete_key(&c1.key_name()).unwrap();
    assert!(!kc.has_key(&c1.key_name()));
    assert_eq!(kc.default_key(&x).unwrap(), None);
    assert!(kc.certificates_of_key(&c1.key_name()).unwrap().is_empty());
    assert!(matches!(
        kc.delete_key(&c1.key_name()),
        Err(KeychainError::NoSuchKey(_))
    ));

    kc.delete_identity(&x).unwrap();
    assert_eq!(kc.identities().unwrap(), vec![y.clone()]);
    assert_eq!(kc.default_identity().unwrap(), None);
    assert_eq!(kc.certificates().unwrap().len(), 1);
    assert!(matches!(
        kc.delete_identity(&x),
        Err(KeychainError::NoSuchIdentity(_))
    ));
}

#[cfg(unix)]
#[test]
fn private_keys_are_owner_only_pem_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("keychain-perm");
    let _cleanup = Cleanup(dir.clone());
    let kc = FileKeychain::open(dir.join("kc")).unwrap();
    kc.create_identity(
        &name("/p"),
        KeyType::EcdsaP256,
        NOW_MS,
        &mut TestRng::new(3),
    )
    .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(kc.dir()), 0o700);
    let mut pems = Vec::new();
    for entry in walk(kc.dir()) {
        if entry.extension().is_some_and(|e| e == "pem") {
            pems.push(entry);
        }
    }
    assert_eq!(pems.len(), 1);
    assert_eq!(mode(&pems[0]), 0o600);
    let text = std::fs::read_to_string(&pems[0]).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"));
    PrivateKey::from_pkcs8_pem(&text).unwrap();
    // no temporary files are left behind
    assert!(
        walk(kc.dir())
            .iter()
            .all(|p| p.extension().is_none_or(|e| e != "tmp"))
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn odd_names_survive_the_files() {
    let dir = temp_dir("keychain-names");
    let _cleanup = Cleanup(dir.clone());
    let kc = FileKeychain::open(&dir).unwrap();
    let odd = name("/a%2Fb/.../v=3/%00%FF/32=x");
    let cert = kc
        .create_identity(&odd, KeyType::Ed25519, NOW_MS, &mut TestRng::new(5))
        .unwrap();
    assert_eq!(kc.identities().unwrap(), vec![odd.clone()]);
    assert_eq!(kc.keys(&odd).unwrap(), vec![cert.key_name()]);
    assert_eq!(kc.default_identity().unwrap(), Some(odd));
    let v = ndn::keychain::FixedKeyValidator::new(cert.public_key().clone());
    v.validate_data(cert.data(), 0).unwrap();
}

#[test]
fn identities_are_listed_once_in_canonical_order() {
    let dir = temp_dir("keychain-order");
    let _cleanup = Cleanup(dir.clone());
    let kc = FileKeychain::open(&dir).unwrap();
    let key = PrivateKey::from_seed(KeyType::Ed25519, &[6; 32]).unwrap();
    // the key names sort as /a/KEY/k1 < /a/KEY/k1x/KEY/z < /a/KEY/k22, interleaving identities
    for k in ["/a/KEY/k1", "/a/KEY/k22", "/a/KEY/k1x/KEY/z", "/a/b/KEY/k"] {
        kc.add_key(&name(k), &key, NOW_MS).unwrap();
    }
    assert_eq!(
        kc.identities().unwrap(),
        vec![name("/a"), name("/a/b"), name("/a/KEY/k1x")]
    );
    assert_eq!(
        kc.keys(&name("/a")).unwrap(),
        vec![name("/a/KEY/k1"), name("/a/KEY/k22")]
    );
}
