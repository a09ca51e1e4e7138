//! A keychain kept in a directory: private keys as PKCS#8 PEM files (mode 0600), certificates
//! as base64 files, and the default identity and keys as small text files.
//!
//! Layout (`<h>` is the hex SHA-256 of a name's TLV-VALUE, so any name maps to a short file
//! name):
//!
//! ```text
//! <dir>/keys/<h(key)>/key-name          canonical URI of the key name
//! <dir>/keys/<h(key)>/private-key.pem   PKCS#8 PEM, mode 0600
//! <dir>/certs/<h(cert)>.ndncert         base64 of the certificate Data, 64-char lines
//! <dir>/default-identity                canonical URI of the default identity
//! <dir>/default-keys/<h(identity)>      canonical URI of that identity's default key
//! ```
//!
//! An identity exists while it has a private key. Certificates can be stored for any key
//! (imported ones included). Time and randomness are arguments; the only I/O is on `<dir>`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rand_core::CryptoRng;

use super::naming;
use super::{Certificate, CertificateError};
use crate::name::Name;
use crate::packet::{KeyLocator, ValidityPeriod};
use crate::sign::{KeyError, KeyType, PrivateKey, sha256};

/// Validity of self-signed certificates made by the keychain: 20 years.
pub const DEFAULT_VALIDITY_SECS: u64 = 20 * 365 * 86_400;

const KEYS_DIR: &str = "keys";
const CERTS_DIR: &str = "certs";
const DEFAULT_KEYS_DIR: &str = "default-keys";
const DEFAULT_IDENTITY_FILE: &str = "default-identity";
const KEY_NAME_FILE: &str = "key-name";
const PRIVATE_KEY_FILE: &str = "private-key.pem";
const CERT_EXTENSION: &str = "ndncert";

/// Why a keychain operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeychainError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
    /// A file of the keychain has unexpected contents.
    #[error("{path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A key could not be read, written or generated.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A certificate could not be read or built.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// The name is not a key name `/<identity>/KEY/<key-id>`.
    #[error("{0} is not a key name (/<identity>/KEY/<key-id>)")]
    NotAKeyName(Name),
    /// No identity of that name has a key here.
    #[error("no identity {0} in the keychain")]
    NoSuchIdentity(Name),
    /// No private key of that name.
    #[error("no key {0} in the keychain")]
    NoSuchKey(Name),
    /// No certificate of that name.
    #[error("no certificate {0} in the keychain")]
    NoSuchCertificate(Name),
    /// There is no default identity (the keychain is empty or it was deleted).
    #[error("the keychain has no default identity; create one first")]
    NoDefaultIdentity,
    /// A private key of that name already exists.
    #[error("key {0} already exists")]
    KeyExists(Name),
    /// The operating system's random number generator failed.
    #[error("no randomness from the operating system: {0}")]
    Random(String),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> KeychainError + '_ {
    move |source| KeychainError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Hex SHA-256 of a name's TLV-VALUE: the file name for that name.
fn file_id(name: &Name) -> String {
    sha256(&[name.value()])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Create `dir` and its parents, owner-only on Unix.
fn create_private_dir(dir: &Path) -> Result<(), KeychainError> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(io_err(dir))
}

/// Write `bytes` to `path` through a temporary file and a rename; `private` files get mode 0600
/// on Unix from the moment they exist.
fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> Result<(), KeychainError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = opts.open(&tmp).map_err(io_err(&tmp))?;
    f.write_all(bytes).map_err(io_err(&tmp))?;
    f.sync_all().map_err(io_err(&tmp))?;
    drop(f);
    fs::rename(&tmp, path).map_err(io_err(path))
}

/// Read a file, `None` when it does not exist.
fn read_optional(path: &Path) -> Result<Option<String>, KeychainError> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

fn remove_optional(path: &Path) -> Result<(), KeychainError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(path)(e)),
        _ => Ok(()),
    }
}

fn parse_name(path: &Path, text: &str) -> Result<Name, KeychainError> {
    Name::from_uri(text.trim()).map_err(|e| KeychainError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Entries of a directory, empty when it does not exist.
fn entries(dir: &Path) -> Result<Vec<PathBuf>, KeychainError> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(dir)(e)),
    };
    let mut out = Vec::new();
    for e in rd {
        out.push(e.map_err(io_err(dir))?.path());
    }
    out.sort();
    Ok(out)
}

/// A keychain stored in one directory.
#[derive(Debug, Clone)]
pub struct FileKeychain {
    dir: PathBuf,
}

impl FileKeychain {
    /// Open the keychain in `dir`, creating the directory (mode 0700) when missing.
    pub fn open(dir: impl Into<PathBuf>) -> Result<FileKeychain, KeychainError> {
        let dir = dir.into();
        create_private_dir(&dir)?;
        Ok(FileKeychain { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn key_dir(&self, key_name: &Name) -> PathBuf {
        self.dir.join(KEYS_DIR).join(file_id(key_name))
    }

    fn cert_path(&self, cert_name: &Name) -> PathBuf {
        self.dir
            .join(CERTS_DIR)
            .join(format!("{}.{CERT_EXTENSION}", file_id(cert_name)))
    }

    fn default_key_path(&self, identity: &Name) -> PathBuf {
        self.dir.join(DEFAULT_KEYS_DIR).join(file_id(identity))
    }

    /// Create a new key of `key_type` for `identity` with a random 8-byte key id and a
    /// self-signed certificate valid for [`DEFAULT_VALIDITY_SECS`] from `now_unix_ms`, with
    /// version `now_unix_ms`. The key becomes the identity's default when it has none, and the
    /// identity becomes the default identity when there is none. Returns the certificate.
    pub fn create_identity<R: CryptoRng + ?Sized>(
        &self,
        identity: &Name,
        key_type: KeyType,
        now_unix_ms: u64,
        rng: &mut R,
    ) -> Result<Certificate, KeychainError> {
        let key = PrivateKey::generate(key_type, rng)?;
        let key_name = naming::random_key_name(identity, rng);
        self.add_key(&key_name, &key, now_unix_ms)
    }

    /// Store `key` as `key_name` (`/<identity>/KEY/<key-id>`) with a self-signed certificate
    /// made as in [`create_identity`](Self::create_identity). Fails if the key name exists.
    pub fn add_key(
        &self,
        key_name: &Name,
        key: &PrivateKey,
        now_unix_ms: u64,
    ) -> Result<Certificate, KeychainError> {
        let identity = naming::identity_of_key(key_name)
            .ok_or_else(|| KeychainError::NotAKeyName(key_name.clone()))?;
        let now = now_unix_ms / 1000;
        let validity = ValidityPeriod {
            not_before: now,
            not_after: now.saturating_add(DEFAULT_VALIDITY_SECS),
        };
        let cert = Certificate::self_signed(key, key_name, validity, now_unix_ms)?;
        let dir = self.key_dir(key_name);
        if dir.exists() {
            return Err(KeychainError::KeyExists(key_name.clone()));
        }
        create_private_dir(&dir)?;
        let pem = key.to_pkcs8_pem()?;
        write_atomic(&dir.join(PRIVATE_KEY_FILE), pem.as_bytes(), true)?;
        write_atomic(
            &dir.join(KEY_NAME_FILE),
            format!("{key_name}\n").as_bytes(),
            false,
        )?;
        self.add_certificate(&cert)?;
        if self.default_key(&identity)?.is_none() {
            self.set_default_key(key_name)?;
        }
        if self.default_identity()?.is_none() {
            self.set_default_identity(&identity)?;
        }
        Ok(cert)
    }

    /// Names of all private keys, in canonical order.
    pub fn all_keys(&self) -> Result<Vec<Name>, KeychainError> {
        let mut keys = Vec::new();
        for dir in entries(&self.dir.join(KEYS_DIR))? {
            let path = dir.join(KEY_NAME_FILE);
            if let Some(text) = read_optional(&path)? {
                keys.push(parse_name(&path, &text)?);
            }
        }
        keys.sort();
        Ok(keys)
    }

    /// Identities that have at least one private key, in canonical order.
    pub fn identities(&self) -> Result<Vec<Name>, KeychainError> {
        let mut ids: Vec<Name> = self
            .all_keys()?
            .iter()
            .filter_map(naming::identity_of_key)
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The private keys of `identity`, in canonical order.
    pub fn keys(&self, identity: &Name) -> Result<Vec<Name>, KeychainError> {
        Ok(self
            .all_keys()?
            .into_iter()
            .filter(|k| naming::identity_of_key(k).as_ref() == Some(identity))
            .collect())
    }

    /// True when the private key `key_name` is stored.
    pub fn has_key(&self, key_name: &Name) -> bool {
        self.key_dir(key_name).join(PRIVATE_KEY_FILE).exists()
    }

    /// The private key `key_name`, without a KeyLocator.
    pub fn private_key(&self, key_name: &Name) -> Result<PrivateKey, KeychainError> {
        let path = self.key_dir(key_name).join(PRIVATE_KEY_FILE);
        let pem =
            read_optional(&path)?.ok_or_else(|| KeychainError::NoSuchKey(key_name.clone()))?;
        Ok(PrivateKey::from_pkcs8_pem(&pem)?)
    }

    /// A signer for key `key_name` whose KeyLocator is the key name.
    pub fn signer_for_key(&self, key_name: &Name) -> Result<PrivateKey, KeychainError> {
        Ok(self
            .private_key(key_name)?
            .with_key_locator(Some(KeyLocator::Name(key_name.clone()))))
    }

    /// A signer for the default key of `identity`.
    pub fn signer(&self, identity: &Name) -> Result<PrivateKey, KeychainError> {
        let key = self
            .default_key(identity)?
            .ok_or_else(|| KeychainError::NoSuchIdentity(identity.clone()))?;
        self.signer_for_key(&key)
    }

    /// A signer for the default key of the default identity.
    pub fn default_signer(&self) -> Result<PrivateKey, KeychainError> {
        let id = self
            .default_identity()?
            .ok_or(KeychainError::NoDefaultIdentity)?;
        self.signer(&id)
    }

    /// Store a certificate (replacing one of the same name).
    pub fn add_certificate(&self, cert: &Certificate) -> Result<(), KeychainError> {
        let path = self.cert_path(cert.name());
        if let Some(parent) = path.parent() {
            create_private_dir(parent)?;
        }
        write_atomic(&path, cert.to_base64().as_bytes(), false)
    }

    /// Read a certificate from base64 text (with or without line breaks, as `ndnsec
    /// cert-dump` prints it) and store it.
    pub fn import_certificate(&self, text: &str) -> Result<Certificate, KeychainError> {
        let cert = Certificate::from_base64(text)?;
        self.add_certificate(&cert)?;
        Ok(cert)
    }

    /// The certificate `cert_name` as base64 text with 64-character lines.
    pub fn export_certificate(&self, cert_name: &Name) -> Result<String, KeychainError> {
        Ok(self.certificate(cert_name)?.to_base64())
    }

    /// The certificate `cert_name`.
    pub fn certificate(&self, cert_name: &Name) -> Result<Certificate, KeychainError> {
        let path = self.cert_path(cert_name);
        let text = read_optional(&path)?
            .ok_or_else(|| KeychainError::NoSuchCertificate(cert_name.clone()))?;
        Self::parse_cert(&path, &text)
    }

    fn parse_cert(path: &Path, text: &str) -> Result<Certificate, KeychainError> {
        Certificate::from_base64(text).map_err(|e| KeychainError::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    /// All stored certificates, in canonical name order.
    pub fn certificates(&self) -> Result<Vec<Certificate>, KeychainError> {
        let mut certs = Vec::new();
        for path in entries(&self.dir.join(CERTS_DIR))? {
            if path.extension().is_some_and(|e| e == CERT_EXTENSION) {
                let text = fs::read_to_string(&path).map_err(io_err(&path))?;
                certs.push(Self::parse_cert(&path, &text)?);
            }
        }
        certs.sort_by(|a, b| a.name().cmp(b.name()));
        Ok(certs)
    }

    /// The stored certificates of key `key_name`, in canonical name order.
    pub fn certificates_of_key(&self, key_name: &Name) -> Result<Vec<Certificate>, KeychainError> {
        Ok(self
            .certificates()?
            .into_iter()
            .filter(|c| &c.key_name() == key_name)
            .collect())
    }

    /// The certificate of `key_name` with the highest version, if any.
    pub fn default_certificate(
        &self,
        key_name: &Name,
    ) -> Result<Option<Certificate>, KeychainError> {
        Ok(self
            .certificates_of_key(key_name)?
            .into_iter()
            .max_by_key(Certificate::version))
    }

    /// The default identity, if set.
    pub fn default_identity(&self) -> Result<Option<Name>, KeychainError> {
        let path = self.dir.join(DEFAULT_IDENTITY_FILE);
        read_optional(&path)?
            .map(|t| parse_name(&path, &t))
            .transpose()
    }

    /// Make `identity` (which must have a key) the default identity.
    pub fn set_default_identity(&self, identity: &Name) -> Result<(), KeychainError> {
        if self.keys(identity)?.is_empty() {
            return Err(KeychainError::NoSuchIdentity(identity.clone()));
        }
        write_atomic(
            &self.dir.join(DEFAULT_IDENTITY_FILE),
            format!("{identity}\n").as_bytes(),
            false,
        )
    }

    /// The default key of `identity`, if set.
    pub fn default_key(&self, identity: &Name) -> Result<Option<Name>, KeychainError> {
        let path = self.default_key_path(identity);
        read_optional(&path)?
            .map(|t| parse_name(&path, &t))
            .transpose()
    }

    /// Make the stored key `key_name` its identity's default key.
    pub fn set_default_key(&self, key_name: &Name) -> Result<(), KeychainError> {
        let identity = naming::identity_of_key(key_name)
            .ok_or_else(|| KeychainError::NotAKeyName(key_name.clone()))?;
        if !self.has_key(key_name) {
            return Err(KeychainError::NoSuchKey(key_name.clone()));
        }
        let path = self.default_key_path(&identity);
        if let Some(parent) = path.parent() {
            create_private_dir(parent)?;
        }
        write_atomic(&path, format!("{key_name}\n").as_bytes(), false)
    }

    /// Delete a certificate.
    pub fn delete_certificate(&self, cert_name: &Name) -> Result<(), KeychainError> {
        let path = self.cert_path(cert_name);
        if !path.exists() {
            return Err(KeychainError::NoSuchCertificate(cert_name.clone()));
        }
        remove_optional(&path)
    }

    /// Delete a private key and its certificates; clear it as its identity's default.
    pub fn delete_key(&self, key_name: &Name) -> Result<(), KeychainError> {
        let dir = self.key_dir(key_name);
        if !dir.exists() {
            return Err(KeychainError::NoSuchKey(key_name.clone()));
        }
        for cert in self.certificates_of_key(key_name)? {
            remove_optional(&self.cert_path(cert.name()))?;
        }
        fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
        if let Some(identity) = naming::identity_of_key(key_name)
            && self.default_key(&identity)?.as_ref() == Some(key_name)
        {
            remove_optional(&self.default_key_path(&identity))?;
        }
        Ok(())
    }

    /// Delete an identity: its keys, all certificates of its keys (stored or imported) and its
    /// defaults.
    pub fn delete_identity(&self, identity: &Name) -> Result<(), KeychainError> {
        let keys = self.keys(identity)?;
        if keys.is_empty() {
            return Err(KeychainError::NoSuchIdentity(identity.clone()));
        }
        for k in &keys {
            self.delete_key(k)?;
        }
        for cert in self.certificates()? {
            if &cert.identity() == identity {
                remove_optional(&self.cert_path(cert.name()))?;
            }
        }
        remove_optional(&self.default_key_path(identity))?;
        if self.default_identity()?.as_ref() == Some(identity) {
            remove_optional(&self.dir.join(DEFAULT_IDENTITY_FILE))?;
        }
        Ok(())
    }
}
