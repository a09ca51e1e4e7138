//! The part of the configuration a running daemon takes again when told to reload (SIGHUP,
//! as NFD does): the forwarder's tables and policies. The rest (listeners, faces, metrics,
//! static routes, the log format) is read at start only; a reload says which of those changed.

use std::time::Duration;

use ndn::Name;
use ndn::keychain::Certificate;
use ndn_fw::mgmt::authorization::MODULES;
use ndn_fw::table::Replacement;
use ndn_fw::{Authorization, AuthorizedKey, Strategy, UnsolicitedDataPolicy};

use crate::config::{AuthorizeConfig, Config};
use crate::daemon::{StartError, name, parse_policy, parse_strategy};

/// Forwarder settings that can change while the daemon runs.
#[derive(Debug, Clone)]
pub struct ForwarderSettings {
    /// Content store capacity, packets.
    pub cs_capacity: usize,
    /// Content store capacity, bytes.
    pub cs_capacity_bytes: usize,
    /// Content store replacement policy.
    pub cs_replacement: Replacement,
    /// What to do with unsolicited Data.
    pub unsolicited_data_policy: UnsolicitedDataPolicy,
    /// The strategy of `/`.
    pub default_strategy: Strategy,
    /// Strategy choices below `/`, in the configuration's order.
    pub strategies: Vec<(Name, Strategy)>,
    /// Network regions of this forwarder.
    pub network_regions: Vec<Name>,
    /// Accept `/localhop/nfd/rib/register` from non-local faces.
    pub localhop_rib_register: bool,
    /// Longest busy-poll window.
    pub busy_poll: Duration,
    /// Who may run which management commands (`None`: every local application).
    pub authorizations: Option<Vec<Authorization>>,
}

impl ForwarderSettings {
    /// The settings `config` asks for; an error names the first bad one.
    pub fn from_config(config: &Config) -> Result<ForwarderSettings, StartError> {
        let f = &config.forwarder;
        Ok(ForwarderSettings {
            cs_capacity: f.cs_capacity,
            cs_capacity_bytes: f.cs_capacity_bytes,
            cs_replacement: Replacement::from_name(&f.cs_policy).ok_or_else(|| {
                StartError(format!(
                    "cs_policy {:?} is not lru or priority_fifo",
                    f.cs_policy
                ))
            })?,
            unsolicited_data_policy: parse_policy(&f.unsolicited_data_policy)?,
            default_strategy: parse_strategy(&f.default_strategy)?,
            strategies: config
                .strategies
                .iter()
                .map(|s| Ok((name(&s.prefix)?, parse_strategy(&s.strategy)?)))
                .collect::<Result<_, StartError>>()?,
            network_regions: f
                .network_regions
                .iter()
                .map(|r| name(r))
                .collect::<Result<_, _>>()?,
            localhop_rib_register: config.mgmt.localhop_rib_register,
            busy_poll: Duration::from_micros(f.busy_poll_us),
            authorizations: authorizations(&config.mgmt.authorize)?,
        })
    }
}

/// The text of a file of at most 1 MiB (a certificate is a few hundred bytes; a device file
/// named by mistake must not hang the start).
fn read_small(path: &str) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(1 << 20)
        .read_to_string(&mut text)?;
    Ok(text)
}

/// The authorizations `[[mgmt.authorize]]` asks for, certificates read; `None` when empty.
fn authorizations(list: &[AuthorizeConfig]) -> Result<Option<Vec<Authorization>>, StartError> {
    if list.is_empty() {
        return Ok(None);
    }
    list.iter()
        .map(|a| {
            let privileges = a
                .privileges
                .iter()
                .map(|p| match MODULES.contains(&p.as_str()) {
                    true => Ok(p.clone()),
                    false => Err(StartError(format!(
                        "mgmt.authorize: unknown privilege {p:?} (faces, fib, cs or strategy-choice)"
                    ))),
                })
                .collect::<Result<_, _>>()?;
            let signer = match a.certificate.as_str() {
                "any" => None,
                path => {
                    let text = read_small(path).map_err(|e| {
                        StartError(format!("mgmt.authorize: cannot read certificate {path}: {e}"))
                    })?;
                    let cert = Certificate::from_base64(&text).map_err(|e| {
                        StartError(format!(
                            "mgmt.authorize: {path} is not an NDN certificate in base64: {e}"
                        ))
                    })?;
                    Some(AuthorizedKey {
                        name: cert.key_name(),
                        key: cert.public_key().clone(),
                    })
                }
            };
            Ok(Authorization { signer, privileges })
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// The settings that differ between `running` and `wanted` and that only a restart applies.
pub fn needing_restart(running: &Config, wanted: &Config) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if running.listen != wanted.listen {
        changed.push("listen");
    }
    if running.faces != wanted.faces {
        changed.push("[faces]");
    }
    if running.metrics != wanted.metrics {
        changed.push("[metrics]");
    }
    if running.routes != wanted.routes {
        changed.push("[[route]]");
    }
    if running.log.format != wanted.log.format {
        changed.push("log format");
    }
    let (r, w) = (&running.forwarder, &wanted.forwarder);
    if r.pit_max_entries != w.pit_max_entries {
        changed.push("pit_max_entries");
    }
    if r.seed != w.seed {
        changed.push("seed");
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_settings_a_reload_cannot_apply_are_named() {
        let running = Config::default();
        let mut wanted = running.clone();
        wanted.forwarder.cs_capacity = 10;
        wanted.forwarder.default_strategy = "multicast".into();
        wanted.mgmt.localhop_rib_register = true;
        wanted.log.level = "debug".into();
        assert!(needing_restart(&running, &wanted).is_empty());
        wanted.listen.pop();
        wanted.faces.udp_mtu = 1400;
        wanted.forwarder.pit_max_entries = 5;
        assert_eq!(
            needing_restart(&running, &wanted),
            ["listen", "[faces]", "pit_max_entries"]
        );
    }

    #[test]
    fn an_authorized_certificate_is_read_from_its_file() {
        use ndn::packet::ValidityPeriod;
        use ndn::sign::{KeyType, PrivateKey};
        let dir = tempfile::tempdir().unwrap();
        let key = PrivateKey::from_seed(KeyType::Ed25519, &[8; 32]).unwrap();
        let key_name = Name::from_uri("/ops/KEY/k1").unwrap();
        let validity = ValidityPeriod {
            not_before: 0,
            not_after: 4_000_000_000,
        };
        let cert = Certificate::self_signed(&key, &key_name, validity, 1).unwrap();
        let path = dir.path().join("ops.ndncert");
        std::fs::write(&path, cert.to_base64()).unwrap();
        let grant = |certificate: &str, privileges: &[&str]| AuthorizeConfig {
            certificate: certificate.into(),
            privileges: privileges.iter().map(|p| (*p).to_owned()).collect(),
        };
        let path = path.display().to_string();
        let got = authorizations(&[grant(&path, &["fib"]), grant("any", &["cs"])])
            .unwrap()
            .unwrap();
        let signer = got[0].signer.as_ref().unwrap();
        assert_eq!(signer.name, key_name);
        assert_eq!(signer.key, key.public_key());
        assert!(got[0].privileges.contains("fib") && !got[0].privileges.contains("cs"));
        assert!(got[1].signer.is_none());
        assert!(authorizations(&[]).unwrap().is_none());
        // a missing file, a file that is not a certificate, a privilege NFD does not have
        let missing = dir.path().join("none.ndncert").display().to_string();
        let e = authorizations(&[grant(&missing, &[])])
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read certificate"), "{e}");
        let junk = dir.path().join("junk.ndncert");
        std::fs::write(&junk, "not base64 !").unwrap();
        let junk = junk.display().to_string();
        let e = authorizations(&[grant(&junk, &[])])
            .unwrap_err()
            .to_string();
        assert!(e.contains("not an NDN certificate"), "{e}");
        let e = authorizations(&[grant("any", &["rib"])])
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown privilege \"rib\""), "{e}");
    }

    #[test]
    fn bad_settings_are_refused_whole() {
        let mut c = Config::default();
        c.strategies.push(crate::config::StrategyConfig {
            prefix: "/a".into(),
            strategy: "fastest".into(),
        });
        let e = ForwarderSettings::from_config(&c).unwrap_err().to_string();
        assert!(e.contains("fastest"), "{e}");
    }
}
