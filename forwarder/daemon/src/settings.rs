//! The part of the configuration a running daemon takes again when told to reload (SIGHUP,
//! as NFD does): the forwarder's tables and policies. The rest (listeners, faces, metrics,
//! static routes, the log format) is read at start only; a reload says which of those changed.

use std::time::Duration;

use ndn::Name;
use ndn_fw::{Strategy, UnsolicitedDataPolicy};

use crate::config::Config;
use crate::daemon::{StartError, name, parse_policy, parse_strategy};

/// Forwarder settings that can change while the daemon runs.
#[derive(Debug, Clone)]
pub struct ForwarderSettings {
    /// Content store capacity, packets.
    pub cs_capacity: usize,
    /// Content store capacity, bytes.
    pub cs_capacity_bytes: usize,
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
}

impl ForwarderSettings {
    /// The settings `config` asks for; an error names the first bad one.
    pub fn from_config(config: &Config) -> Result<ForwarderSettings, StartError> {
        let f = &config.forwarder;
        Ok(ForwarderSettings {
            cs_capacity: f.cs_capacity,
            cs_capacity_bytes: f.cs_capacity_bytes,
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
        })
    }
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
