//! The only places where the library asks the operating system for something: the default
//! keychain directory (environment) and a random seed. Binaries call these and pass the results
//! on; everything else takes them as arguments.

use std::ffi::OsString;
use std::path::PathBuf;

use super::KeychainError;

/// Environment variable that overrides the keychain directory.
pub const KEYCHAIN_DIR_ENV: &str = "NDN_KEYCHAIN_DIR";

/// The keychain directory under `$HOME`.
pub const HOME_KEYCHAIN_SUBDIR: &str = ".ndn/ndn-rs-keychain";

/// `$NDN_KEYCHAIN_DIR` when set and not empty, else `$HOME/.ndn/ndn-rs-keychain`; `None` when
/// neither variable is set.
pub fn default_keychain_dir() -> Option<PathBuf> {
    keychain_dir_from(std::env::var_os(KEYCHAIN_DIR_ENV), std::env::var_os("HOME"))
}

/// [`default_keychain_dir`] from given variable values.
fn keychain_dir_from(override_dir: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    match override_dir {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => home
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(HOME_KEYCHAIN_SUBDIR)),
    }
}

/// 32 bytes from the operating system's random number generator, to seed key generation
/// ([`PrivateKey::from_seed`](crate::sign::PrivateKey::from_seed)) in binaries.
pub fn os_random_seed() -> Result<[u8; 32], KeychainError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeychainError::Random(e.to_string()))?;
    Ok(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_then_home() {
        let p = |s: &str| Some(OsString::from(s));
        assert_eq!(
            keychain_dir_from(p("/k"), p("/home/u")),
            Some(PathBuf::from("/k"))
        );
        assert_eq!(
            keychain_dir_from(p(""), p("/home/u")),
            Some(PathBuf::from("/home/u/.ndn/ndn-rs-keychain"))
        );
        assert_eq!(
            keychain_dir_from(None, p("/home/u")),
            Some(PathBuf::from("/home/u/.ndn/ndn-rs-keychain"))
        );
        assert_eq!(keychain_dir_from(None, None), None);
    }

    #[test]
    fn os_seeds_differ() {
        assert_ne!(os_random_seed().unwrap(), os_random_seed().unwrap());
    }
}
