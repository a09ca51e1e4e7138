//! Who may run which management commands: NFD's `authorizations`. Each authorization grants
//! modules (`faces`, `fib`, `cs`, `strategy-choice`) either to the holder of one key, whose
//! signature on the command is verified and whose timestamps must increase (replay
//! protection, as ndn-cxx's command Interest validator), or to any signer (NFD's
//! `certfile any`: the signature is not checked). `rib` commands are not governed here, as in
//! NFD, whose RIB has its own trust rules.
//!
//! With no authorization configured every command is accepted (ndnd's default, for local
//! applications only); once some are, a command for a module nobody was granted is refused.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use ndn::Name;
use ndn::mgmt::CommandSignature;
use ndn::packet::KeyLocator;
use ndn::sign::PublicKey;

/// The modules authorizations govern.
pub const MODULES: [&str; 4] = ["faces", "fib", "cs", "strategy-choice"];

/// How far a command's timestamp may be from the forwarder's clock (ndn-cxx's default grace
/// period for command Interests).
pub const GRACE: Duration = Duration::from_secs(120);

/// Keys whose last timestamp is remembered, at most; the oldest is forgotten first.
const MAX_KEYS: usize = 1000;

/// A key allowed to sign commands.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorizedKey {
    /// The key's name (`/<identity>/KEY/<key-id>`); a command's KeyLocator names it or one of
    /// its certificates.
    pub name: Name,
    /// The key.
    pub key: PublicKey,
}

/// One grant of modules.
#[derive(Debug, Clone, PartialEq)]
pub struct Authorization {
    /// The key that must sign, or `None` for any signer, unchecked.
    pub signer: Option<AuthorizedKey>,
    /// Modules granted, from [`MODULES`].
    pub privileges: BTreeSet<String>,
}

/// Checks commands against the authorizations.
#[derive(Debug, Clone, Default)]
pub(crate) struct CommandAuthenticator {
    /// `None`: every command accepted.
    authorizations: Option<Vec<Authorization>>,
    /// Last accepted timestamp per key name, with the order keys were last used in.
    last_timestamp: BTreeMap<Name, (u64, u64)>,
    uses: u64,
}

impl CommandAuthenticator {
    pub(crate) fn set(&mut self, authorizations: Option<Vec<Authorization>>) {
        self.authorizations = authorizations;
        self.last_timestamp.clear();
    }

    /// Whether a command for `module` with signature `sig` may run, at Unix time `now_ms`;
    /// the error says why not.
    pub(crate) fn check(
        &mut self,
        module: &str,
        sig: &CommandSignature,
        now_ms: u64,
    ) -> Result<(), &'static str> {
        let Some(auths) = &self.authorizations else {
            return Ok(());
        };
        if !MODULES.contains(&module) {
            return Ok(());
        }
        let granted = || auths.iter().filter(|a| a.privileges.contains(module));
        if granted().any(|a| a.signer.is_none()) {
            return Ok(());
        }
        let Some(KeyLocator::Name(locator)) = &sig.info.key_locator else {
            return Err("the command's KeyLocator does not name a key");
        };
        let Some(signer) = granted()
            .filter_map(|a| a.signer.as_ref())
            .find(|k| k.name.is_prefix_of(locator))
        else {
            return Err("the signer is not authorized for this module");
        };
        if sig.verify(&signer.key).is_err() {
            return Err("the command's signature does not verify");
        }
        let Some(ts) = sig.timestamp_ms else {
            return Err("the command has no timestamp");
        };
        let grace = GRACE.as_millis() as u64;
        if ts.abs_diff(now_ms) > grace {
            return Err("the command's timestamp is too far from the forwarder's clock");
        }
        if self
            .last_timestamp
            .get(&signer.name)
            .is_some_and(|&(last, _)| ts <= last)
        {
            return Err("the command's timestamp is not newer than the signer's last one");
        }
        self.uses += 1;
        self.last_timestamp
            .insert(signer.name.clone(), (ts, self.uses));
        if self.last_timestamp.len() > MAX_KEYS
            && let Some(oldest) = self
                .last_timestamp
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            self.last_timestamp.remove(&oldest);
        }
        Ok(())
    }
}
