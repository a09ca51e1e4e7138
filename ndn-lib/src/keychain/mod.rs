//! Identities, keys and certificates (NDN certificate format v2), and trust policies.
//!
//! - [`naming`]: key and certificate names.
//! - [`Certificate`], [`CertificateBuilder`]: build, parse and check certificates (no I/O).
//! - [`validator`]: hierarchical trust with anchors, fixed-key and digest policies (no I/O).
//! - [`FileKeychain`]: identities, keys and certificates kept in a directory (file I/O only).
//! - [`default_keychain_dir`], [`os_random_seed`]: the environment and OS randomness, for
//!   binaries to call and pass on.

mod base64;
mod certificate;
pub mod naming;
mod os;
mod store;
pub mod validator;

pub use certificate::{Certificate, CertificateBuilder, CertificateError, DEFAULT_FRESHNESS_MS};
pub use os::{HOME_KEYCHAIN_SUBDIR, KEYCHAIN_DIR_ENV, default_keychain_dir, os_random_seed};
pub use store::{DEFAULT_VALIDITY_SECS, FileKeychain, KeychainError};
pub use validator::{
    CertificateStore, DigestSha256Validator, FixedKeyValidator, HierarchicalValidator,
    ValidationError, Validator,
};
