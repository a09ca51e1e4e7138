//! The tools' access to the file keychain: where it is, making keys, and reading the names
//! users type (an identity, a key name or a certificate name).

use std::path::{Path, PathBuf};

use anyhow::Context;
use ndn::Name;
use ndn::keychain::{Certificate, FileKeychain, default_keychain_dir, naming, os_random_seed};
use ndn::sign::{KeyType, PrivateKey};

use crate::cli::unix_ms;

/// The identity `ndnput`, `ndnpoke` and `ndnkey` create when the keychain has none and a key
/// is needed.
pub const DEFAULT_IDENTITY: &str = "/localhost/operator";

/// The keychain directory: `dir` when given, else `$NDN_KEYCHAIN_DIR`, else
/// `$HOME/.ndn/ndn-rs-keychain`.
pub fn keychain_dir(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    match dir {
        Some(d) => Ok(d.to_path_buf()),
        None => default_keychain_dir().ok_or_else(|| {
            anyhow::anyhow!(
                "no keychain directory: set NDN_KEYCHAIN_DIR or HOME, or pass --keychain"
            )
        }),
    }
}

/// Open (creating when missing) the keychain in `dir` or the default directory.
pub fn open(dir: Option<&Path>) -> anyhow::Result<FileKeychain> {
    let dir = keychain_dir(dir)?;
    FileKeychain::open(&dir).with_context(|| format!("cannot open the keychain {}", dir.display()))
}

/// Open the keychain only when its directory exists (a consumer that merely reads trust
/// anchors should not create one).
pub fn open_existing(dir: Option<&Path>) -> anyhow::Result<Option<FileKeychain>> {
    let dir = keychain_dir(dir)?;
    if !dir.is_dir() {
        return Ok(None);
    }
    FileKeychain::open(&dir)
        .map(Some)
        .with_context(|| format!("cannot open the keychain {}", dir.display()))
}

/// A new key of `key_type` for `identity` with a random key id and a self-signed
/// certificate; it becomes the identity's default key (and the identity the default one)
/// when there is none yet.
pub fn generate_key(
    kc: &FileKeychain,
    identity: &Name,
    key_type: KeyType,
) -> anyhow::Result<Certificate> {
    let seed = os_random_seed()?;
    let key = PrivateKey::from_seed(key_type, &seed)?;
    let id = os_random_seed()?;
    let key_id = id.get(..naming::KEY_ID_LEN).unwrap_or(&id);
    let key_name = naming::key_name(identity, key_id);
    Ok(kc.add_key(&key_name, &key, unix_ms())?)
}

/// The human name of a key type.
pub fn key_type_label(t: KeyType) -> &'static str {
    match t {
        KeyType::Ed25519 => "Ed25519",
        KeyType::EcdsaP256 => "ECDSA P-256",
        KeyType::Rsa => "RSA",
        _ => "unknown",
    }
}

/// The private key a name designates: a key name as is, the key of a certificate name, or
/// the default key of an identity.
pub fn resolve_key(kc: &FileKeychain, name: &Name) -> anyhow::Result<Name> {
    if naming::is_certificate_name(name)
        && let Some(key) = naming::key_of_certificate(name)
        && kc.has_key(&key)
    {
        return Ok(key);
    }
    if naming::is_key_name(name) && kc.has_key(name) {
        return Ok(name.clone());
    }
    match kc.default_key(name)? {
        Some(key) => Ok(key),
        None => anyhow::bail!(
            "{name} is neither an identity, a key nor a certificate in the keychain {} (see `ndnkey list`)",
            kc.dir().display()
        ),
    }
}

/// The certificate a name designates: that certificate, the newest certificate of a key, or
/// that of an identity's default key.
pub fn resolve_certificate(kc: &FileKeychain, name: &Name) -> anyhow::Result<Certificate> {
    if naming::is_certificate_name(name)
        && let Ok(c) = kc.certificate(name)
    {
        return Ok(c);
    }
    let key = if naming::is_key_name(name) && !kc.certificates_of_key(name)?.is_empty() {
        name.clone()
    } else {
        resolve_key(kc, name)?
    };
    kc.default_certificate(&key)?
        .ok_or_else(|| anyhow::anyhow!("key {key} has no certificate in the keychain"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_resolve_from_every_kind_of_name() {
        let dir = tempfile::tempdir().unwrap();
        let kc = open(Some(dir.path())).unwrap();
        let id = Name::from_uri("/a/b").unwrap();
        let cert = generate_key(&kc, &id, KeyType::Ed25519).unwrap();
        let key = cert.key_name();
        assert_eq!(resolve_key(&kc, &id).unwrap(), key);
        assert_eq!(resolve_key(&kc, &key).unwrap(), key);
        assert_eq!(resolve_key(&kc, cert.name()).unwrap(), key);
        assert_eq!(resolve_certificate(&kc, &id).unwrap(), cert);
        assert_eq!(resolve_certificate(&kc, &key).unwrap(), cert);
        assert_eq!(kc.default_identity().unwrap(), Some(id));
        let err = resolve_key(&kc, &Name::from_uri("/nobody").unwrap()).unwrap_err();
        assert!(err.to_string().contains("ndnkey list"), "{err}");
    }

    #[test]
    fn existing_only_does_not_create() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("kc");
        assert!(open_existing(Some(&missing)).unwrap().is_none());
        assert!(!missing.exists());
    }
}
