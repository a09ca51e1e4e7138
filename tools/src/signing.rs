//! How the producing tools (`ndnput`, `ndnpoke`) sign: the `--sign`, `--key` and
//! `--hmac-key` options and the keychain lookups behind them.

use std::path::Path;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use ndn::Name;
use ndn::keychain::FileKeychain;
use ndn::packet::KeyLocator;
use ndn::sign::{DigestSha256, HmacSha256, KeyType, Signer};

use crate::cli::{parse_hex, parse_name};
use crate::keychain::{self, DEFAULT_IDENTITY, generate_key, key_type_label, resolve_key};

/// A signature algorithm chosen on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignKind {
    /// DigestSha256: integrity only, no key.
    Digest,
    /// Ed25519 with a keychain key.
    Ed25519,
    /// ECDSA P-256 with a keychain key.
    Ecdsa,
    /// HMAC-SHA256 with the secret given by --hmac-key.
    Hmac,
}

impl SignKind {
    fn key_type(self) -> Option<KeyType> {
        match self {
            SignKind::Ed25519 => Some(KeyType::Ed25519),
            SignKind::Ecdsa => Some(KeyType::EcdsaP256),
            SignKind::Digest | SignKind::Hmac => None,
        }
    }
}

/// The signing options of a producing tool.
#[derive(Debug, Clone, Default, Args)]
pub struct SignArgs {
    /// Signature: digest, ed25519, ecdsa or hmac. Without it, the key's own algorithm is used
    /// (the default key is Ed25519).
    #[arg(long, value_enum, value_name = "ALG")]
    pub sign: Option<SignKind>,

    /// Key to sign with: an identity (its default key), a key name or a certificate name from
    /// the keychain. Default: the default identity; when the keychain has none, the identity
    /// /localhost/operator is created on first use. With --sign hmac, the KeyLocator name.
    #[arg(long, value_name = "NAME")]
    pub key: Option<String>,

    /// The HMAC secret in hexadecimal, for --sign hmac.
    #[arg(long, value_name = "HEX")]
    pub hmac_key: Option<String>,
}

/// A signer and a description of it for messages.
pub struct ChosenSigner {
    /// The signer.
    pub signer: Arc<dyn Signer + Send + Sync>,
    /// E.g. `Ed25519 key /localhost/operator/KEY/%12...`.
    pub description: String,
}

impl std::fmt::Debug for ChosenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// Build the signer `args` ask for. Keys come from the keychain in `keychain_dir` (or the
/// default one); `notice` receives a line when a default identity had to be created.
pub fn choose_signer(
    args: &SignArgs,
    keychain_dir: Option<&Path>,
    notice: &mut dyn FnMut(&str),
) -> anyhow::Result<ChosenSigner> {
    match args.sign {
        Some(SignKind::Digest) => {
            if args.key.is_some() {
                anyhow::bail!("--key has no use with --sign digest");
            }
            Ok(ChosenSigner {
                signer: Arc::new(DigestSha256),
                description: "DigestSha256".into(),
            })
        }
        Some(SignKind::Hmac) => {
            let Some(secret) = &args.hmac_key else {
                anyhow::bail!("--sign hmac needs the secret: --hmac-key HEX");
            };
            let secret = parse_hex(secret, "--hmac-key")?;
            if secret.is_empty() {
                anyhow::bail!("--hmac-key: the secret is empty");
            }
            let locator = args
                .key
                .as_deref()
                .map(parse_name)
                .transpose()?
                .map(KeyLocator::Name);
            Ok(ChosenSigner {
                signer: Arc::new(HmacSha256::new(&secret, locator)),
                description: "HMAC-SHA256".into(),
            })
        }
        kind => {
            if args.hmac_key.is_some() {
                anyhow::bail!("--hmac-key needs --sign hmac");
            }
            let kc = keychain::open(keychain_dir)?;
            let want = kind.and_then(SignKind::key_type);
            let key = match &args.key {
                Some(text) => resolve_key(&kc, &parse_name(text)?)?,
                None => default_key(&kc, want, notice)?,
            };
            let signer = kc.signer_for_key(&key)?;
            let have = signer.key_type();
            if let Some(want) = want
                && want != have
            {
                anyhow::bail!(
                    "key {key} is an {} key, not {}; pick another with --key or leave out --sign",
                    key_type_label(have),
                    key_type_label(want)
                );
            }
            Ok(ChosenSigner {
                signer: Arc::new(signer),
                description: format!("{} key {key}", key_type_label(have)),
            })
        }
    }
}

/// The default identity's default key; when the keychain has no default identity, a new
/// identity /localhost/operator with a key of `want` (Ed25519 when not given).
fn default_key(
    kc: &FileKeychain,
    want: Option<KeyType>,
    notice: &mut dyn FnMut(&str),
) -> anyhow::Result<Name> {
    if let Some(id) = kc.default_identity()?
        && let Some(key) = kc.default_key(&id)?
    {
        return Ok(key);
    }
    let id = parse_name(DEFAULT_IDENTITY)?;
    let key_type = want.unwrap_or(KeyType::Ed25519);
    let cert = generate_key(kc, &id, key_type)?;
    kc.set_default_identity(&id)?;
    notice(&format!(
        "the keychain {} had no default identity: created {id} with a new {} key; its certificate is {}",
        kc.dir().display(),
        key_type_label(key_type),
        cert.name()
    ));
    Ok(cert.key_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndn::DataBuilder;
    use ndn::packet::signature_type;

    fn sign_with(args: &SignArgs, dir: &Path) -> (ChosenSigner, Vec<String>) {
        let mut notes = Vec::new();
        let s = choose_signer(args, Some(dir), &mut |n| notes.push(n.to_owned())).unwrap();
        (s, notes)
    }

    #[test]
    fn default_creates_the_operator_identity_once() {
        let dir = tempfile::tempdir().unwrap();
        let (s, notes) = sign_with(&SignArgs::default(), dir.path());
        assert_eq!(s.signer.signature_type(), signature_type::ED25519);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("/localhost/operator"), "{}", notes[0]);
        let (again, notes) = sign_with(&SignArgs::default(), dir.path());
        assert!(notes.is_empty(), "created only once");
        assert_eq!(again.description, s.description);
        let wire = DataBuilder::new(Name::from_uri("/x").unwrap())
            .sign(s.signer.as_ref())
            .unwrap();
        assert!(ndn::Data::decode(wire).is_ok());
    }

    #[test]
    fn ecdsa_on_an_empty_keychain_makes_an_ecdsa_key_and_refuses_a_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let ecdsa = SignArgs {
            sign: Some(SignKind::Ecdsa),
            ..SignArgs::default()
        };
        let (s, _) = sign_with(&ecdsa, dir.path());
        assert_eq!(s.signer.signature_type(), signature_type::SHA256_WITH_ECDSA);
        let ed = SignArgs {
            sign: Some(SignKind::Ed25519),
            ..SignArgs::default()
        };
        let err = choose_signer(&ed, Some(dir.path()), &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("not Ed25519"), "{err}");
    }

    #[test]
    fn digest_and_hmac_need_no_keychain() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none");
        let digest = SignArgs {
            sign: Some(SignKind::Digest),
            ..SignArgs::default()
        };
        let (s, _) = sign_with(&digest, &missing);
        assert_eq!(s.signer.signature_type(), signature_type::DIGEST_SHA256);
        let hmac = SignArgs {
            sign: Some(SignKind::Hmac),
            hmac_key: Some("00ff".into()),
            ..SignArgs::default()
        };
        let (s, _) = sign_with(&hmac, &missing);
        assert_eq!(s.signer.signature_type(), signature_type::HMAC_WITH_SHA256);
        assert!(!missing.exists());
        let no_secret = SignArgs {
            sign: Some(SignKind::Hmac),
            ..SignArgs::default()
        };
        assert!(choose_signer(&no_secret, Some(&missing), &mut |_| {}).is_err());
    }
}
