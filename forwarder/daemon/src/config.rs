//! The TOML configuration of `ndnd`, with an embedded default (`ndnd --print-default-config`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The default configuration file, with a comment per field.
pub const DEFAULT_CONFIG: &str = include_str!("default-config.toml");

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Listener face URIs.
    pub listen: Vec<String>,
    /// Forwarder tables and policies.
    pub forwarder: ForwarderSection,
    /// Face settings.
    pub faces: FacesSection,
    /// Management settings.
    pub mgmt: MgmtSection,
    /// Prometheus endpoint.
    pub metrics: MetricsSection,
    /// Logging.
    pub log: LogSection,
    /// Static routes.
    #[serde(rename = "route")]
    pub routes: Vec<RouteConfig>,
    /// Strategy choices.
    #[serde(rename = "strategy")]
    pub strategies: Vec<StrategyConfig>,
}

/// `[forwarder]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ForwarderSection {
    /// Content store capacity in packets.
    pub cs_capacity: usize,
    /// Content store capacity in bytes.
    pub cs_capacity_bytes: usize,
    /// Content store replacement policy: `lru` or `priority_fifo` (NFD's names).
    pub cs_policy: String,
    /// Most PIT entries.
    pub pit_max_entries: usize,
    /// Unsolicited Data policy.
    pub unsolicited_data_policy: String,
    /// Default strategy.
    pub default_strategy: String,
    /// RNG seed (0: draw one).
    pub seed: u64,
    /// Longest busy-poll window, in microseconds (0: never poll).
    pub busy_poll_us: u64,
    /// Names of the network regions this forwarder belongs to (NFD's
    /// `tables.network_region`).
    pub network_regions: Vec<String>,
}

/// `[faces]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FacesSection {
    /// UDP unicast MTU.
    pub udp_mtu: usize,
    /// Idle timeout of on-demand UDP faces.
    #[serde(with = "humantime_serde")]
    pub udp_idle_timeout: Duration,
    /// Send queue length per face.
    pub send_queue: usize,
    /// Largest network-layer packet.
    pub max_packet_size: usize,
    /// Mark congestion when send queues fill.
    pub congestion_marking: bool,
    /// Enable UDP multicast faces.
    pub multicast: bool,
    /// Multicast group and port.
    pub multicast_group: String,
    /// Interfaces (IPv4 addresses or interface names) for multicast; empty for every
    /// interface that is up, multicast-capable and not loopback.
    pub multicast_interfaces: Vec<String>,
    /// Rules choosing the interfaces UDP multicast faces (IPv4 and IPv6) go on when none are
    /// named (NFD's whitelist): `*`, `ifname PATTERN`, `ether MAC`, `subnet ADDR/LEN`.
    pub multicast_whitelist: Vec<String>,
    /// Rules excluding interfaces (NFD's blacklist).
    pub multicast_blacklist: Vec<String>,
    /// UDP multicast faces (IPv4 and IPv6) are ad hoc (a wireless link where not every peer
    /// hears every other: a packet may go back out the face it came in) rather than
    /// multi-access.
    pub multicast_ad_hoc: bool,
    /// Enable UDP IPv6 multicast faces.
    pub multicast_v6: bool,
    /// IPv6 multicast group and port.
    pub multicast_v6_group: String,
    /// Interface names for IPv6 multicast; empty for every interface that is up,
    /// multicast-capable and not loopback, with a link-local address.
    pub multicast_v6_interfaces: Vec<String>,
    /// Enable Ethernet multicast faces (NDN over EtherType 0x8624; needs CAP_NET_RAW).
    pub ethernet_multicast: bool,
    /// Ethernet multicast address.
    pub ethernet_group: String,
    /// Interface names for Ethernet multicast; empty for every interface that is up,
    /// multicast-capable and not loopback.
    pub ethernet_interfaces: Vec<String>,
    /// Enable Ethernet unicast faces: on demand for peers whose frames come to this host, and
    /// by `faces/create ether://[MAC]` (needs CAP_NET_RAW).
    pub ethernet_unicast: bool,
    /// Ethernet multicast faces are ad hoc rather than multi-access.
    pub ethernet_ad_hoc: bool,
    /// Rules choosing the interfaces of Ethernet faces when none are named (see
    /// `multicast_whitelist`).
    pub ethernet_whitelist: Vec<String>,
    /// Rules excluding interfaces from Ethernet faces.
    pub ethernet_blacklist: Vec<String>,
}

/// `[mgmt]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MgmtSection {
    /// Accept `/localhop/nfd/rib/register` from non-local faces.
    pub localhop_rib_register: bool,
    /// Who may run `faces`, `fib`, `cs` and `strategy-choice` commands (NFD's
    /// `authorizations`); empty: every local application.
    pub authorize: Vec<AuthorizeConfig>,
}

/// `[[mgmt.authorize]]`: modules granted to a signer.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeConfig {
    /// A certificate file (base64, as `ndnsec cert-dump` writes it and NFD's `certfile` reads
    /// it) whose key must sign the commands, or `any` for any signer, unchecked.
    pub certificate: String,
    /// Modules granted: `faces`, `fib`, `cs`, `strategy-choice`.
    pub privileges: Vec<String>,
}

/// `[metrics]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSection {
    /// `ADDR:PORT` to serve `/metrics` on; empty for off.
    pub listen: String,
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogSection {
    /// Level filter.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
}

/// `[[route]]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Name prefix.
    pub prefix: String,
    /// Next-hop face URI.
    pub face: String,
    /// Route cost.
    #[serde(default)]
    pub cost: u64,
}

/// `[[strategy]]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StrategyConfig {
    /// Namespace.
    pub prefix: String,
    /// Strategy name (`best-route`, `multicast`, `asf`, `random`, `self-learning`, `access`, or
    /// a full `/localhost/nfd/strategy/...`), with parameters as NFD takes them.
    pub strategy: String,
}

impl Default for ForwarderSection {
    fn default() -> Self {
        ForwarderSection {
            cs_capacity: 65_536,
            cs_capacity_bytes: 512 << 20,
            cs_policy: "lru".into(),
            pit_max_entries: 1 << 20,
            unsolicited_data_policy: "drop-all".into(),
            default_strategy: "best-route".into(),
            seed: 0,
            busy_poll_us: 500,
            network_regions: Vec::new(),
        }
    }
}

impl Default for FacesSection {
    fn default() -> Self {
        FacesSection {
            udp_mtu: 8800,
            udp_idle_timeout: Duration::from_secs(600),
            send_queue: 1024,
            max_packet_size: 8800,
            congestion_marking: true,
            multicast: false,
            multicast_group: "224.0.23.170:56363".into(),
            multicast_interfaces: Vec::new(),
            multicast_whitelist: vec!["*".into()],
            multicast_blacklist: Vec::new(),
            multicast_ad_hoc: false,
            multicast_v6: false,
            multicast_v6_group: crate::face::multicast::DEFAULT_GROUP_V6.into(),
            multicast_v6_interfaces: Vec::new(),
            ethernet_multicast: false,
            ethernet_group: crate::face::ethernet::DEFAULT_GROUP.into(),
            ethernet_interfaces: Vec::new(),
            ethernet_unicast: false,
            ethernet_ad_hoc: false,
            ethernet_whitelist: vec!["*".into()],
            ethernet_blacklist: Vec::new(),
        }
    }
}

impl Default for LogSection {
    fn default() -> Self {
        LogSection {
            level: "info".into(),
            format: "text".into(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: [
                "unix:///run/nfd/nfd.sock",
                "udp4://0.0.0.0:6363",
                "udp6://[::]:6363",
                "tcp4://0.0.0.0:6363",
                "tcp6://[::]:6363",
                "ws://0.0.0.0:9696",
            ]
            .map(String::from)
            .to_vec(),
            forwarder: ForwarderSection::default(),
            faces: FacesSection::default(),
            mgmt: MgmtSection::default(),
            metrics: MetricsSection::default(),
            log: LogSection::default(),
            routes: Vec::new(),
            strategies: Vec::new(),
        }
    }
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The file.
    pub path: String,
    /// What is wrong, with the line number when known.
    pub message: String,
}

impl Config {
    /// Parse configuration text; `path` names it in errors, which carry the line number.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| {
                text.get(..s.start)
                    .unwrap_or_default()
                    .matches('\n')
                    .count()
                    + 1
            });
            let msg = e.message().trim().to_owned();
            ConfigError {
                path: path.to_owned(),
                message: match line {
                    Some(l) => format!("line {l}: {msg}"),
                    None => msg,
                },
            }
        })
    }

    /// The configuration as TOML, in the file format `parse` reads.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot print the configuration: {e}\n"))
    }

    /// Read and parse a configuration file.
    pub fn load(path: &std::path::Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(&text, &path.display().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_to_the_defaults() {
        let parsed = Config::parse(DEFAULT_CONFIG, "default").unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn a_printed_configuration_reads_back_the_same() {
        assert_eq!(
            Config::parse(&Config::default().to_toml(), "printed").unwrap(),
            Config::default()
        );
        let mut c = Config::parse(
            "[[route]]\nprefix = \"/a\"\nface = \"udp4://127.0.0.1:6363\"\ncost = 3\n\
             [[strategy]]\nprefix = \"/b\"\nstrategy = \"multicast\"\n\
             [faces]\nudp_idle_timeout = \"90s\"\nmulticast_blacklist = [\"ifname wlan*\"]\n\
             [[mgmt.authorize]]\ncertificate = \"any\"\nprivileges = [\"cs\"]\n",
            "x",
        )
        .unwrap();
        c.forwarder.network_regions = vec!["/ndn/region".into()];
        assert_eq!(Config::parse(&c.to_toml(), "printed").unwrap(), c);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err =
            Config::parse("[forwarder]\ncs_capacity = 5\ncs_capacty = 6\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
        assert!(err.to_string().contains("cs_capacty"), "{err}");
    }

    #[test]
    fn routes_and_strategies_parse() {
        let c = Config::parse(
            "[[route]]\nprefix = \"/a\"\nface = \"udp4://127.0.0.1:6363\"\ncost = 3\n\
             [[strategy]]\nprefix = \"/b\"\nstrategy = \"multicast\"\n\
             [faces]\nudp_idle_timeout = \"30s\"\n",
            "x",
        )
        .unwrap();
        assert_eq!(c.routes[0].cost, 3);
        assert_eq!(c.strategies[0].strategy, "multicast");
        assert_eq!(c.faces.udp_idle_timeout, Duration::from_secs(30));
    }
}
