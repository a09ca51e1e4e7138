//! Signers for simulated producers, with keys derived from the scenario seed (no OS
//! randomness).

use ndn::Name;
use ndn::packet::KeyLocator;
use ndn::sign::{DigestSha256, Ed25519Signer, HmacSha256, Signer};

/// How a producer signs its Data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureKind {
    /// DigestSha256 (a SHA-256 of the signed portion).
    #[default]
    DigestSha256,
    /// HMAC-SHA256 with a key derived from the seed.
    HmacSha256,
    /// Ed25519 with a key derived from the seed.
    Ed25519,
}

/// A signer of one of the [`SignatureKind`]s.
pub(crate) enum KeyedSigner {
    Digest,
    Hmac(HmacSha256),
    Ed25519(Box<Ed25519Signer>),
}

impl std::fmt::Debug for KeyedSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyedSigner::Digest => "DigestSha256",
            KeyedSigner::Hmac(_) => "HmacSha256",
            KeyedSigner::Ed25519(_) => "Ed25519",
        })
    }
}

impl KeyedSigner {
    /// A signer of `kind` whose key (if any) comes from `seed` and is named under `prefix`.
    pub(crate) fn new(kind: SignatureKind, prefix: &Name, seed: u64) -> KeyedSigner {
        let key = ndn::sign::sha256(&[b"ndn-sim producer key", &seed.to_be_bytes()]);
        let key_name = prefix.append_keyword(b"KEY").append_generic(b"sim");
        match kind {
            SignatureKind::DigestSha256 => KeyedSigner::Digest,
            SignatureKind::HmacSha256 => {
                KeyedSigner::Hmac(HmacSha256::new(&key, Some(KeyLocator::Name(key_name))))
            }
            SignatureKind::Ed25519 => KeyedSigner::Ed25519(Box::new(
                Ed25519Signer::from_seed(&key).with_key_locator(Some(KeyLocator::Name(key_name))),
            )),
        }
    }

    /// As a `dyn Signer`.
    pub(crate) fn signer(&self) -> &dyn Signer {
        match self {
            KeyedSigner::Digest => &DigestSha256,
            KeyedSigner::Hmac(h) => h,
            KeyedSigner::Ed25519(e) => e.as_ref(),
        }
    }
}
