//! `ndnkey`: identities, keys and certificates in the file keychain (like ndn-cxx's
//! `ndnsec`). Each command is a function over a [`FileKeychain`] returning its output text.

use std::fmt::Write as _;

use ndn::Name;
use ndn::keychain::{Certificate, CertificateBuilder, FileKeychain, naming};
use ndn::packet::{ValidityPeriod, format_iso8601};
use ndn::sign::KeyType;

use crate::cli::unix_ms;
use crate::keychain::{generate_key, key_type_label, resolve_certificate, resolve_key};

/// Issuer id of certificates made by [`sign_certificate`] unless another is given (as
/// `ndnsec cert-gen` does).
pub const DEFAULT_ISSUER_ID: &str = "NA";

fn mark(default: bool) -> &'static str {
    if default { "*" } else { " " }
}

fn validity_text(v: ValidityPeriod) -> String {
    format!(
        "{} to {}",
        format_iso8601(v.not_before),
        format_iso8601(v.not_after)
    )
}

/// The keychain as a tree: identities (`*` marks the default), their keys with algorithm,
/// and certificates with issuer and validity; then stored certificates of keys the keychain
/// does not hold (imported ones).
pub fn list(kc: &FileKeychain) -> anyhow::Result<String> {
    let mut out = String::new();
    let default_id = kc.default_identity()?;
    let certs = kc.certificates()?;
    let mut shown = Vec::new();
    for id in kc.identities()? {
        writeln!(out, "{} {id}", mark(default_id.as_ref() == Some(&id)))?;
        let default_key = kc.default_key(&id)?;
        for key in kc.keys(&id)? {
            let of_key: Vec<&Certificate> = certs.iter().filter(|c| c.key_name() == key).collect();
            let alg = of_key
                .first()
                .map_or("?", |c| key_type_label(c.public_key().key_type()));
            writeln!(
                out,
                "  +->{} {key} ({alg})",
                mark(default_key.as_ref() == Some(&key))
            )?;
            let newest = of_key.iter().map(|c| c.version()).max().flatten();
            for c in of_key {
                writeln!(
                    out,
                    "       +->{} {}  valid {}",
                    mark(c.version() == newest),
                    c.name(),
                    validity_text(c.validity())
                )?;
                shown.push(c.name().clone());
            }
        }
    }
    let others: Vec<&Certificate> = certs.iter().filter(|c| !shown.contains(c.name())).collect();
    if !others.is_empty() {
        writeln!(out, "certificates of keys not in this keychain:")?;
        for c in others {
            writeln!(
                out,
                "    {}  valid {}",
                c.name(),
                validity_text(c.validity())
            )?;
        }
    }
    if out.is_empty() {
        writeln!(
            out,
            "the keychain {} is empty; create an identity with `ndnkey generate /my/identity`",
            kc.dir().display()
        )?;
    }
    Ok(out)
}

/// A new key for `identity` with a self-signed certificate. It becomes the identity's
/// default key, and the identity the default identity when `make_default` is set or there
/// is none. Returns the certificate.
pub fn generate(
    kc: &FileKeychain,
    identity: &Name,
    key_type: KeyType,
    make_default: bool,
) -> anyhow::Result<Certificate> {
    let cert = generate_key(kc, identity, key_type)?;
    kc.set_default_key(&cert.key_name())?;
    if make_default || kc.default_identity()?.is_none() {
        kc.set_default_identity(identity)?;
    }
    Ok(cert)
}

/// The certificate `name` designates (an identity, key or certificate name) in base64, as
/// `ndnsec cert-dump` prints it.
pub fn export(kc: &FileKeychain, name: &Name) -> anyhow::Result<String> {
    let mut text = resolve_certificate(kc, name)?.to_base64();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Store the certificate in `text` (base64). Its key becomes a trust anchor of `ndnget`.
pub fn import(kc: &FileKeychain, text: &str) -> anyhow::Result<Certificate> {
    Ok(kc.import_certificate(text)?)
}

/// Issue a certificate for the key in `request` (a self-signed certificate, base64, as
/// `ndnkey export` prints it), signed by the default key of `issuer` (the default identity
/// when `None`), valid from now for `validity_days`, with issuer id `issuer_id`.
pub fn sign_certificate(
    kc: &FileKeychain,
    request: &str,
    issuer: Option<&Name>,
    validity_days: u64,
    issuer_id: &str,
) -> anyhow::Result<Certificate> {
    let req = Certificate::from_base64(request)?;
    req.verify_self_signature().map_err(|e| {
        anyhow::anyhow!(
            "the request {} is not correctly self-signed: {e}",
            req.name()
        )
    })?;
    let issuer_id_name = match issuer {
        Some(n) => n.clone(),
        None => kc
            .default_identity()?
            .ok_or_else(|| anyhow::anyhow!("no issuer: pass --issuer or set a default identity"))?,
    };
    let key = resolve_key(kc, &issuer_id_name)?;
    let signer = kc.signer_for_key(&key)?;
    let now_ms = unix_ms();
    let now = now_ms / 1000;
    let validity = ValidityPeriod {
        not_before: now,
        not_after: now.saturating_add(validity_days.saturating_mul(86_400)),
    };
    Ok(
        CertificateBuilder::new(req.key_name(), req.public_key().clone(), validity, now_ms)
            .issuer_id(issuer_id.as_bytes())
            .sign(&signer)?,
    )
}

/// Make `name` the default: an identity becomes the default identity; a key becomes its
/// identity's default key.
pub fn set_default(kc: &FileKeychain, name: &Name) -> anyhow::Result<String> {
    if naming::is_key_name(name) && kc.has_key(name) {
        kc.set_default_key(name)?;
        return Ok(format!("default key of its identity: {name}"));
    }
    kc.set_default_identity(name)?;
    Ok(format!("default identity: {name}"))
}

/// Delete a certificate, a key (with its certificates) or an identity (with its keys and
/// certificates).
pub fn delete(kc: &FileKeychain, name: &Name) -> anyhow::Result<String> {
    if naming::is_certificate_name(name) && kc.certificate(name).is_ok() {
        kc.delete_certificate(name)?;
        return Ok(format!("deleted certificate {name}"));
    }
    if naming::is_key_name(name) && kc.has_key(name) {
        kc.delete_key(name)?;
        return Ok(format!("deleted key {name}"));
    }
    kc.delete_identity(name)?;
    Ok(format!("deleted identity {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Name {
        Name::from_uri(s).unwrap()
    }

    #[test]
    fn generate_list_export_import_and_delete() {
        let dir = tempfile::tempdir().unwrap();
        let kc = FileKeychain::open(dir.path()).unwrap();
        assert!(list(&kc).unwrap().contains("is empty"));
        let a = generate(&kc, &n("/alice"), KeyType::Ed25519, false).unwrap();
        let b = generate(&kc, &n("/bob"), KeyType::EcdsaP256, false).unwrap();
        let text = list(&kc).unwrap();
        assert!(text.contains("* /alice\n"), "{text}");
        assert!(text.contains("  /bob\n"), "{text}");
        assert!(text.contains("(ECDSA P-256)"), "{text}");
        assert!(text.contains(&a.name().to_string()), "{text}");

        set_default(&kc, &n("/bob")).unwrap();
        assert_eq!(kc.default_identity().unwrap(), Some(n("/bob")));

        // export from one keychain, import into another
        let exported = export(&kc, &n("/alice")).unwrap();
        assert_eq!(Certificate::from_base64(&exported).unwrap(), a);
        let other_dir = tempfile::tempdir().unwrap();
        let other = FileKeychain::open(other_dir.path()).unwrap();
        assert_eq!(import(&other, &exported).unwrap(), a);
        let text = list(&other).unwrap();
        assert!(
            text.contains("certificates of keys not in this keychain"),
            "{text}"
        );

        delete(&kc, &b.key_name()).unwrap();
        assert!(kc.keys(&n("/bob")).unwrap().is_empty());
        delete(&kc, &n("/alice")).unwrap();
        assert!(kc.identities().unwrap().is_empty());
        assert!(delete(&kc, &n("/nobody")).is_err());
    }

    #[test]
    fn sign_cert_issues_a_certificate_that_chains_to_the_issuer() {
        let dir = tempfile::tempdir().unwrap();
        let kc = FileKeychain::open(dir.path()).unwrap();
        let root = generate(&kc, &n("/org"), KeyType::Ed25519, true).unwrap();
        let req_dir = tempfile::tempdir().unwrap();
        let req_kc = FileKeychain::open(req_dir.path()).unwrap();
        let req = generate(&req_kc, &n("/org/alice"), KeyType::Ed25519, true).unwrap();
        let issued = sign_certificate(&kc, &req.to_base64(), None, 30, "org").unwrap();
        assert_eq!(issued.key_name(), req.key_name());
        assert_eq!(issued.issuer_id(), b"org");
        assert_eq!(issued.issuer_locator(), Some(&root.key_name()));
        let v = issued.validity();
        assert_eq!(v.not_after - v.not_before, 30 * 86_400);
        let mut chain = ndn::keychain::HierarchicalValidator::new();
        chain.add_trust_anchor(root);
        chain.add_certificate(issued.clone());
        chain
            .chain_of_data(issued.data(), v.not_before + 1)
            .unwrap();

        // a request whose signature does not verify is refused
        let mut wire = req.wire().to_vec();
        let last = wire.len() - 1;
        wire[last] ^= 1;
        let broken = ndn::keychain::Certificate::decode(wire.into()).unwrap();
        let err = sign_certificate(&kc, &broken.to_base64(), None, 30, "org").unwrap_err();
        assert!(
            err.to_string().contains("not correctly self-signed"),
            "{err}"
        );
    }
}
