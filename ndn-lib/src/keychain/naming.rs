//! Key and certificate names (certificate format v2 "Name"):
//! a key is `/<identity>/KEY/<key-id>`, a certificate `/<identity>/KEY/<key-id>/<issuer-id>/<version>`.

use rand_core::CryptoRng;

use crate::name::{Component, Name};

/// The literal GenericNameComponent `KEY` between the identity and the key id.
pub const KEY_COMPONENT: &[u8] = b"KEY";

/// The issuer id of a self-signed certificate.
pub const SELF_ISSUER_ID: &[u8] = b"self";

/// Length of a random key id, as the certificate format suggests (an 8-byte random number).
pub const KEY_ID_LEN: usize = 8;

fn is_key_marker(c: Option<Component<'_>>) -> bool {
    c.is_some_and(|c| c.is_generic() && c.value() == KEY_COMPONENT)
}

/// True for a version component: a VersionNameComponent (naming conventions rev. 3) or a
/// GenericNameComponent starting with the rev. 1 marker 0xFD.
fn is_version_component(c: Option<Component<'_>>) -> bool {
    c.is_some_and(|c| {
        c.as_version().is_some() || (c.is_generic() && c.value().first() == Some(&0xFD))
    })
}

/// The version number of a version component, in either convention.
pub(crate) fn version_of(c: Component<'_>) -> Option<u64> {
    c.as_version().or_else(|| {
        let v = c.value();
        if c.is_generic() && v.first() == Some(&0xFD) {
            crate::tlv::decode_nonneg(v.get(1..)?)
        } else {
            None
        }
    })
}

fn from_end(name: &Name, back: usize) -> Option<Component<'_>> {
    name.len().checked_sub(back).and_then(|i| name.get(i))
}

/// `/<identity>/KEY/<key-id>` with `key_id` as a GenericNameComponent.
pub fn key_name(identity: &Name, key_id: &[u8]) -> Name {
    identity
        .append_generic(KEY_COMPONENT)
        .append_generic(key_id)
}

/// `/<identity>/KEY/<key-id>` with an 8-byte key id drawn from `rng`.
pub fn random_key_name<R: CryptoRng + ?Sized>(identity: &Name, rng: &mut R) -> Name {
    let mut id = [0u8; KEY_ID_LEN];
    rng.fill_bytes(&mut id);
    key_name(identity, &id)
}

/// `/<key-name>/<issuer-id>/<version>`: `issuer_id` as a GenericNameComponent and `version` as a
/// VersionNameComponent. NDN software uses the creation time in milliseconds since the Unix
/// epoch as the version.
pub fn certificate_name(key_name: &Name, issuer_id: &[u8], version: u64) -> Name {
    key_name.append_generic(issuer_id).append_version(version)
}

/// True when `name` has the form `/<identity>/KEY/<key-id>`.
pub fn is_key_name(name: &Name) -> bool {
    is_key_marker(from_end(name, 2))
}

/// True when `name` has the form `/<identity>/KEY/<key-id>/<issuer-id>/<version>` with a
/// version component last.
pub fn is_certificate_name(name: &Name) -> bool {
    is_key_marker(from_end(name, 4)) && is_version_component(from_end(name, 1))
}

/// The identity of a key name, `None` when `key_name` is not one.
pub fn identity_of_key(key_name: &Name) -> Option<Name> {
    is_key_name(key_name).then(|| key_name.parent(2))
}

/// The key name of a certificate name, `None` when `cert_name` is not one.
pub fn key_of_certificate(cert_name: &Name) -> Option<Name> {
    is_certificate_name(cert_name).then(|| cert_name.parent(2))
}

/// The key name a KeyLocator name designates: the name itself for a key name, the key part of
/// a certificate name, `None` otherwise. A name of both forms is read as a certificate name.
pub fn key_of_locator(locator: &Name) -> Option<Name> {
    key_of_certificate(locator).or_else(|| is_key_name(locator).then(|| locator.clone()))
}

/// The identity a KeyLocator name belongs to (see [`key_of_locator`]).
pub fn identity_of_locator(locator: &Name) -> Option<Name> {
    key_of_locator(locator).map(|k| k.parent(2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(uri: &str) -> Name {
        Name::from_uri(uri).unwrap()
    }

    #[test]
    fn builds_and_recognizes_names() {
        let k = key_name(&n("/a/b"), &[1, 2]);
        assert_eq!(k.to_string(), "/a/b/KEY/%01%02");
        assert!(is_key_name(&k));
        assert!(!is_certificate_name(&k));
        let c = certificate_name(&k, SELF_ISSUER_ID, 7);
        assert_eq!(c.to_string(), "/a/b/KEY/%01%02/self/v=7");
        assert!(is_certificate_name(&c));
        assert_eq!(identity_of_key(&k), Some(n("/a/b")));
        assert_eq!(key_of_certificate(&c), Some(k.clone()));
        assert_eq!(key_of_locator(&c), Some(k.clone()));
        assert_eq!(key_of_locator(&k), Some(k.clone()));
        assert_eq!(identity_of_locator(&c), Some(n("/a/b")));
        assert_eq!(identity_of_locator(&n("/a/b/c")), None);
        assert_eq!(identity_of_key(&n("/KEY")), None);
        // root identity
        assert_eq!(identity_of_key(&n("/KEY/x")), Some(Name::new()));
        // certificate name without a version component is not one
        assert!(!is_certificate_name(&n("/a/KEY/k/self/x")));
        // rev. 1 marker-based version
        let old = n("/a/KEY/k/self/%FD%01%02");
        assert!(is_certificate_name(&old));
        assert_eq!(version_of(old.last().unwrap()), Some(0x0102));
    }

    #[test]
    fn key_ids_come_from_the_rng() {
        struct Counter(u8);
        impl rand_core::TryRng for Counter {
            type Error = std::convert::Infallible;
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok(0)
            }
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(0)
            }
            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
                for b in dst {
                    self.0 += 1;
                    *b = self.0;
                }
                Ok(())
            }
        }
        impl rand_core::TryCryptoRng for Counter {}
        let k = random_key_name(&n("/x"), &mut Counter(0));
        assert_eq!(k.to_string(), "/x/KEY/%01%02%03%04%05%06%07%08");
    }
}
