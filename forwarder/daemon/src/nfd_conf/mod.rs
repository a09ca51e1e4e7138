//! NFD's configuration file (`nfd.conf`, INFO format), read as an `ndnd` configuration, so that
//! a host moving from NFD keeps its settings: `ndnd --nfd-config /etc/ndn/nfd.conf`.
//!
//! Every setting NFD documents is either carried over or reported:
//! - settings with an equivalent become it (listeners from `face_system`, content store and
//!   strategies from `tables`, the log level, command authorizations, remote prefix
//!   registration from `rib.localhop_security`);
//! - settings that would make ndnd accept more than NFD does (trust rules for rib commands)
//!   are errors that say what to write instead;
//! - the rest (privilege dropping, per-module log levels, prefix propagation) are notes that
//!   the daemon logs at start.
//!
//! As in NFD, a `face_system` section left out means no channel of that kind, and unknown
//! sections or keys are errors.

pub mod info;

use std::time::Duration;

use info::Node;

use crate::config::{AuthorizeConfig, Config, ConfigError, StrategyConfig};
use crate::face::interface_filter::InterfaceFilter;

/// An NFD configuration carried over: the equivalent `ndnd` configuration, and what could
/// not be carried over but does not stop the daemon.
#[derive(Debug, Clone, PartialEq)]
pub struct Translated {
    /// The configuration to run with.
    pub config: Config,
    /// Settings ignored or changed, one sentence each, to be logged at start.
    pub notes: Vec<String>,
}

/// Something wrong at a line of the file.
struct At {
    line: usize,
    message: String,
}

type Result<T> = std::result::Result<T, At>;

fn at(node: &Node, message: impl Into<String>) -> At {
    At {
        line: node.line,
        message: message.into(),
    }
}

fn unknown(section: &str, node: &Node) -> At {
    at(node, format!("unknown setting {section}.{}", node.key))
}

fn yes_no(section: &str, node: &Node) -> Result<bool> {
    match node.value.as_str() {
        "yes" | "true" | "on" => Ok(true),
        "no" | "false" | "off" => Ok(false),
        v => Err(at(
            node,
            format!("{section}.{} must be yes or no, not {v:?}", node.key),
        )),
    }
}

fn number<T: std::str::FromStr>(section: &str, node: &Node) -> Result<T> {
    node.value.parse().map_err(|_| {
        at(
            node,
            format!(
                "{section}.{} is not a valid number: {:?}",
                node.key, node.value
            ),
        )
    })
}

/// Read an NFD configuration file's text; `path` names it in errors.
pub fn translate(text: &str, path: &str) -> std::result::Result<Translated, ConfigError> {
    let fail = |line: usize, message: String| ConfigError {
        path: path.to_owned(),
        message: format!("line {line}: {message}"),
    };
    let tree = info::parse(text).map_err(|e| fail(e.line, e.message))?;
    let mut t = Translation {
        base: std::path::Path::new(path)
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default(),
        ..Translation::default()
    };
    t.sections(&tree).map_err(|e| fail(e.line, e.message))?;
    Ok(Translated {
        config: t.config,
        notes: t.notes,
    })
}

/// Read an NFD configuration file.
pub fn load(path: &std::path::Path) -> std::result::Result<Translated, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.display().to_string(),
        message: format!("cannot read: {e}"),
    })?;
    translate(&text, &path.display().to_string())
}

/// NFD opens the multicast and Ethernet faces it can and logs the others, where ndnd refuses to
/// start when a face it is configured with cannot be opened. For a configuration carried over
/// from NFD, turn off those that cannot work on this host (no interface to open them on, or,
/// for Ethernet, no permission), with a note for each.
pub fn adapt_to_host(config: &mut Config) -> Vec<String> {
    use crate::face::{ethernet, interfaces};
    let mut notes = Vec::new();
    let info = interfaces::multicast_interface_info().unwrap_or_default();
    // whether no interface among `found` passes the rules (rules that do not parse are left
    // for the daemon to report)
    let none_for = |found: Vec<String>, white: &[String], black: &[String]| {
        InterfaceFilter::parse(white, black)
            .is_ok_and(|f| !info.iter().any(|i| found.contains(&i.name) && f.allows(i)))
    };
    let faces = &mut config.faces;
    let names = |l: Vec<(String, std::net::Ipv4Addr)>| l.into_iter().map(|(n, _)| n).collect();
    if faces.multicast
        && faces.multicast_interfaces.is_empty()
        && none_for(
            interfaces::ipv4_multicast_interfaces().map_or_else(|_| Vec::new(), names),
            &faces.multicast_whitelist,
            &faces.multicast_blacklist,
        )
    {
        faces.multicast = false;
        notes.push("no interface for UDP multicast (up, multicast-capable, not loopback, with an IPv4 address, whitelisted and not blacklisted): none opened, as NFD would".into());
    }
    if faces.multicast_v6
        && faces.multicast_v6_interfaces.is_empty()
        && none_for(
            interfaces::ipv6_multicast_interfaces()
                .map(|l| l.into_iter().map(|(n, _, _)| n).collect())
                .unwrap_or_default(),
            &faces.multicast_whitelist,
            &faces.multicast_blacklist,
        )
    {
        faces.multicast_v6 = false;
        notes.push("no interface for UDP IPv6 multicast (up, multicast-capable, not loopback, with a link-local address, whitelisted and not blacklisted): none opened, as NFD would".into());
    }
    if faces.ethernet_multicast || faces.ethernet_unicast {
        let skip = if faces.ethernet_interfaces.is_empty()
            && none_for(
                interfaces::ethernet_multicast_interfaces().unwrap_or_default(),
                &faces.ethernet_whitelist,
                &faces.ethernet_blacklist,
            ) {
            Some(
                "no interface for Ethernet faces (up, multicast-capable, not loopback, \
                 whitelisted and not blacklisted)"
                    .to_owned(),
            )
        } else {
            ethernet::permitted()
                .err()
                .map(|e| format!("Ethernet faces skipped: {e}"))
        };
        if let Some(why) = skip {
            faces.ethernet_multicast = false;
            faces.ethernet_unicast = false;
            notes.push(format!("{why}; NFD too runs without them"));
        }
    }
    notes
}

struct Translation {
    config: Config,
    notes: Vec<String>,
    /// The directory of the file, for relative paths in it.
    base: std::path::PathBuf,
}

impl Default for Translation {
    fn default() -> Self {
        let mut config = Config::default();
        // listeners come from face_system's sections only, and multicast is whatever
        // face_system says, as in NFD
        config.listen.clear();
        // NFD's content store policy unless the file names one
        config.forwarder.cs_policy = "priority_fifo".into();
        Translation {
            config,
            notes: Vec::new(),
            base: std::path::PathBuf::new(),
        }
    }
}

impl Translation {
    fn note(&mut self, node: &Node, text: impl Into<String>) {
        self.notes
            .push(format!("line {}: {}", node.line, text.into()));
    }

    fn sections(&mut self, tree: &[Node]) -> Result<()> {
        let mut authorizations_seen = false;
        for s in tree {
            match s.key.as_str() {
                "general" => self.general(s)?,
                "log" => self.log(s)?,
                "tables" => self.tables(s)?,
                "face_system" => self.face_system(s)?,
                "authorizations" => {
                    authorizations_seen = true;
                    self.authorizations(s)?;
                }
                "rib" => self.rib(s)?,
                _ => return Err(at(s, format!("unknown section {}", s.key))),
            }
        }
        if !authorizations_seen {
            self.notes.push(
                "there is no authorizations section, with which NFD refuses every management \
                 command; ndnd accepts them from local applications"
                    .into(),
            );
        }
        Ok(())
    }

    fn general(&mut self, s: &Node) -> Result<()> {
        for n in &s.children {
            match n.key.as_str() {
                "user" | "group" => self.note(
                    n,
                    format!(
                        "general.{} {} is ignored: ndnd does not change user; start it as that \
                         user, with CAP_NET_RAW for Ethernet faces",
                        n.key, n.value
                    ),
                ),
                _ => return Err(unknown("general", n)),
            }
        }
        Ok(())
    }

    fn log(&mut self, s: &Node) -> Result<()> {
        for n in &s.children {
            if n.key == "default_level" {
                let level = match n.value.to_ascii_uppercase().as_str() {
                    "NONE" => "off",
                    "ERROR" => "error",
                    "WARN" => "warn",
                    "INFO" => "info",
                    "DEBUG" => "debug",
                    "TRACE" | "ALL" => "trace",
                    v => {
                        return Err(at(
                            n,
                            format!(
                                "log.default_level must be NONE, ERROR, WARN, INFO, DEBUG, TRACE \
                                 or ALL, not {v:?}"
                            ),
                        ));
                    }
                };
                self.config.log.level = level.into();
            } else {
                self.note(
                    n,
                    format!(
                        "the level of NFD module {} is ignored; RUST_LOG sets levels per ndnd \
                         module",
                        n.key
                    ),
                );
            }
        }
        Ok(())
    }

    fn tables(&mut self, s: &Node) -> Result<()> {
        for n in &s.children {
            match n.key.as_str() {
                "cs_max_packets" => self.config.forwarder.cs_capacity = number("tables", n)?,
                "cs_policy" => match n.value.as_str() {
                    "lru" | "priority_fifo" => self.config.forwarder.cs_policy = n.value.clone(),
                    v => {
                        return Err(at(
                            n,
                            format!("tables.cs_policy must be lru or priority_fifo, not {v:?}"),
                        ));
                    }
                },
                "cs_unsolicited_policy" => match n.value.as_str() {
                    "drop-all" | "admit-local" | "admit-network" | "admit-all" => {
                        self.config.forwarder.unsolicited_data_policy = n.value.clone();
                    }
                    v => {
                        return Err(at(
                            n,
                            format!(
                                "tables.cs_unsolicited_policy must be drop-all, admit-local, \
                                 admit-network or admit-all, not {v:?}"
                            ),
                        ));
                    }
                },
                "strategy_choice" => {
                    for c in &n.children {
                        if c.value.is_empty() {
                            return Err(at(
                                c,
                                format!("strategy_choice: {} has no strategy", c.key),
                            ));
                        }
                        // checked here, so that an error names the line (and
                        // --print-config refuses what ndnd would refuse)
                        crate::daemon::name(&c.key)
                            .and_then(|_| crate::daemon::parse_strategy(&c.value))
                            .map_err(|e| at(c, format!("strategy_choice: {}", e.0)))?;
                        if c.key == "/" || c.key == "ndn:/" {
                            self.config.forwarder.default_strategy = c.value.clone();
                        } else {
                            self.config.strategies.push(StrategyConfig {
                                prefix: c.key.clone(),
                                strategy: c.value.clone(),
                            });
                        }
                    }
                }
                "network_region" => {
                    for c in &n.children {
                        crate::daemon::name(&c.key)
                            .map_err(|e| at(c, format!("network_region: {}", e.0)))?;
                        self.config.forwarder.network_regions.push(c.key.clone());
                    }
                }
                _ => return Err(unknown("tables", n)),
            }
        }
        Ok(())
    }

    fn face_system(&mut self, s: &Node) -> Result<()> {
        let (mut udp_idle, mut ether_idle) = (None, None);
        for n in &s.children {
            match n.key.as_str() {
                "general" => {
                    for c in &n.children {
                        match c.key.as_str() {
                            "enable_congestion_marking" => {
                                self.config.faces.congestion_marking =
                                    yes_no("face_system.general", c)?;
                            }
                            _ => return Err(unknown("face_system.general", c)),
                        }
                    }
                }
                "unix" => self.unix(n)?,
                "tcp" => self.tcp(n)?,
                "udp" => udp_idle = self.udp(n)?,
                "ether" => ether_idle = self.ether(n)?,
                "websocket" => self.websocket(n)?,
                _ => return Err(unknown("face_system", n)),
            }
        }
        // one idle timeout serves UDP and Ethernet unicast faces
        match (udp_idle, ether_idle) {
            (None, Some((secs, _))) => {
                self.config.faces.udp_idle_timeout = Duration::from_secs(secs);
            }
            (Some((udp, _)), Some((ether, line))) if udp != ether => self.notes.push(format!(
                "line {line}: face_system.ether.idle_timeout {ether} is ignored: ndnd closes idle \
                 Ethernet and UDP faces alike, after face_system.udp.idle_timeout ({udp} s)"
            )),
            _ => {}
        }
        Ok(())
    }

    fn unix(&mut self, s: &Node) -> Result<()> {
        let mut path = "/run/nfd/nfd.sock".to_owned();
        for n in &s.children {
            match n.key.as_str() {
                "path" => path = n.value.clone(),
                _ => return Err(unknown("face_system.unix", n)),
            }
        }
        self.config.listen.push(format!("unix://{path}"));
        Ok(())
    }

    /// The listeners of `enable_v4` and `enable_v6` on `port`: `SCHEME4://` and `SCHEME6://`
    /// (`ws://` for both with WebSocket).
    fn ip_listeners(&mut self, scheme: &str, port: u16, v4: bool, v6: bool) {
        let (s4, s6) = match scheme {
            "ws" => ("ws".to_owned(), "ws".to_owned()),
            s => (format!("{s}4"), format!("{s}6")),
        };
        if v4 {
            self.config.listen.push(format!("{s4}://0.0.0.0:{port}"));
        }
        if v6 {
            self.config.listen.push(format!("{s6}://[::]:{port}"));
        }
    }

    fn tcp(&mut self, s: &Node) -> Result<()> {
        let (mut listen, mut port, mut v4, mut v6) = (true, 6363u16, true, true);
        for n in &s.children {
            match n.key.as_str() {
                "listen" => listen = yes_no("face_system.tcp", n)?,
                "port" => port = number("face_system.tcp", n)?,
                "enable_v4" => v4 = yes_no("face_system.tcp", n)?,
                "enable_v6" => v6 = yes_no("face_system.tcp", n)?,
                "local" => self.note(
                    n,
                    "face_system.tcp.local is ignored: ndnd makes TCP faces from loopback \
                     addresses local and every other one non-local",
                ),
                _ => return Err(unknown("face_system.tcp", n)),
            }
        }
        if listen {
            self.ip_listeners("tcp", port, v4, v6);
        }
        Ok(())
    }

    /// Returns the idle timeout it set, in seconds, with its line.
    fn udp(&mut self, s: &Node) -> Result<Option<(u64, usize)>> {
        const SECTION: &str = "face_system.udp";
        let (mut port, mut v4, mut v6, mut mcast) = (6363u16, true, true, true);
        let (mut group, mut group_port) = ("224.0.23.170".to_owned(), 56363u16);
        let (mut group_v6, mut group_port_v6) = ("ff02::1234".to_owned(), 56363u16);
        let mut idle = None;
        let mut lists = (None, None);
        for n in &s.children {
            match n.key.as_str() {
                "port" => port = number(SECTION, n)?,
                "enable_v4" => v4 = yes_no(SECTION, n)?,
                "enable_v6" => v6 = yes_no(SECTION, n)?,
                "idle_timeout" => {
                    let secs: u64 = number(SECTION, n)?;
                    self.config.faces.udp_idle_timeout = Duration::from_secs(secs);
                    idle = Some((secs, n.line));
                }
                "keep_alive_interval" => self.note(
                    n,
                    "face_system.udp.keep_alive_interval is ignored: ndnd sends no keep-alive \
                     packets; idle_timeout closes idle on-demand faces",
                ),
                "unicast_mtu" => self.config.faces.udp_mtu = number(SECTION, n)?,
                "mcast" => mcast = yes_no(SECTION, n)?,
                "mcast_group" => group = n.value.clone(),
                "mcast_port" => group_port = number(SECTION, n)?,
                "mcast_group_v6" => group_v6 = n.value.clone(),
                "mcast_port_v6" => group_port_v6 = number(SECTION, n)?,
                "mcast_ad_hoc" => self.config.faces.multicast_ad_hoc = yes_no(SECTION, n)?,
                "whitelist" => lists.0 = Some(n),
                "blacklist" => lists.1 = Some(n),
                _ => return Err(unknown(SECTION, n)),
            }
        }
        if v4 {
            self.config.listen.push(format!("udp4://0.0.0.0:{port}"));
        }
        if v6 {
            self.config.listen.push(format!("udp6://[::]:{port}"));
        }
        let faces = &mut self.config.faces;
        faces.multicast = mcast && v4;
        faces.multicast_v6 = mcast && v6;
        faces.multicast_group = format!("{group}:{group_port}");
        faces.multicast_v6_group = format!("[{group_v6}]:{group_port_v6}");
        (faces.multicast_whitelist, faces.multicast_blacklist) = interface_rules(SECTION, lists)?;
        Ok(idle)
    }

    /// Returns the idle timeout it asks for, in seconds, with its line.
    fn ether(&mut self, s: &Node) -> Result<Option<(u64, usize)>> {
        const SECTION: &str = "face_system.ether";
        let (mut listen, mut mcast) = (true, true);
        let mut idle = None;
        let mut lists = (None, None);
        for n in &s.children {
            match n.key.as_str() {
                "listen" => listen = yes_no(SECTION, n)?,
                "idle_timeout" => idle = Some((number(SECTION, n)?, n.line)),
                "mcast" => mcast = yes_no(SECTION, n)?,
                "mcast_group" => {
                    if ndn::face_uri::parse_mac(&n.value).is_none() {
                        return Err(at(
                            n,
                            format!("{SECTION}.mcast_group {:?} is not a MAC address", n.value),
                        ));
                    }
                    self.config.faces.ethernet_group = n.value.to_ascii_lowercase();
                }
                "mcast_ad_hoc" => self.config.faces.ethernet_ad_hoc = yes_no(SECTION, n)?,
                "whitelist" => lists.0 = Some(n),
                "blacklist" => lists.1 = Some(n),
                _ => return Err(unknown(SECTION, n)),
            }
        }
        self.config.faces.ethernet_unicast = listen;
        self.config.faces.ethernet_multicast = mcast;
        (
            self.config.faces.ethernet_whitelist,
            self.config.faces.ethernet_blacklist,
        ) = interface_rules(SECTION, lists)?;
        Ok(idle)
    }

    fn websocket(&mut self, s: &Node) -> Result<()> {
        let (mut listen, mut port, mut v4, mut v6) = (true, 9696u16, true, true);
        for n in &s.children {
            match n.key.as_str() {
                "listen" => listen = yes_no("face_system.websocket", n)?,
                "port" => port = number("face_system.websocket", n)?,
                "enable_v4" => v4 = yes_no("face_system.websocket", n)?,
                "enable_v6" => v6 = yes_no("face_system.websocket", n)?,
                _ => return Err(unknown("face_system.websocket", n)),
            }
        }
        if listen {
            self.ip_listeners("ws", port, v4, v6);
        }
        Ok(())
    }

    fn authorizations(&mut self, s: &Node) -> Result<()> {
        for a in &s.children {
            if a.key != "authorize" {
                return Err(unknown("authorizations", a));
            }
            let (mut certificate, mut privileges) = (None, Vec::new());
            for n in &a.children {
                match n.key.as_str() {
                    "certfile" if n.value == "any" => certificate = Some(n.value.clone()),
                    // a relative path is relative to the configuration file, as in NFD
                    "certfile" => {
                        certificate = Some(self.base.join(&n.value).display().to_string());
                    }
                    "privileges" => {
                        for p in &n.children {
                            if !ndn_fw::mgmt::authorization::MODULES.contains(&p.key.as_str()) {
                                return Err(at(
                                    p,
                                    format!(
                                        "authorizations: unknown privilege {} (faces, fib, cs or \
                                         strategy-choice)",
                                        p.key
                                    ),
                                ));
                            }
                            privileges.push(p.key.clone());
                        }
                    }
                    _ => return Err(unknown("authorizations.authorize", n)),
                }
            }
            let Some(certificate) = certificate else {
                return Err(at(
                    a,
                    "authorizations: an authorize section needs a certfile",
                ));
            };
            self.config.mgmt.authorize.push(AuthorizeConfig {
                certificate,
                privileges,
            });
        }
        if s.children.is_empty() {
            self.note(
                s,
                "authorizations grants nothing, with which NFD refuses every management command; \
                 ndnd accepts them from local applications",
            );
        }
        Ok(())
    }

    fn rib(&mut self, s: &Node) -> Result<()> {
        for n in &s.children {
            match n.key.as_str() {
                "localhost_security" => accepts_anyone(n)?,
                "localhop_security" => {
                    accepts_anyone(n)?;
                    self.config.mgmt.localhop_rib_register = true;
                }
                "auto_prefix_propagate" => self.note(
                    n,
                    "rib.auto_prefix_propagate is ignored: ndnd does not propagate local prefixes \
                     to the router it connects to",
                ),
                "readvertise_nlsr" => {
                    if yes_no("rib", n)? {
                        self.note(n, "rib.readvertise_nlsr yes is ignored: ndnd does not readvertise routes to NLSR");
                    }
                }
                "prefix_announcement_validation" => self.note(
                    n,
                    "rib.prefix_announcement_validation is ignored: ndnd learns routes from \
                     the prefix announcements of self-learning without checking their \
                     signatures (as trust anchor `any`, NFD's default)",
                ),
                _ => return Err(unknown("rib", n)),
            }
        }
        Ok(())
    }
}

/// A `*_security` section that trusts anyone: `trust-anchor { type any }` and nothing else.
fn accepts_anyone(s: &Node) -> Result<()> {
    let trusts_any = |n: &Node| {
        n.key == "trust-anchor"
            && n.children.len() == 1
            && n.children
                .iter()
                .all(|c| c.key == "type" && c.value == "any")
    };
    if !s.children.is_empty() && s.children.iter().all(trusts_any) {
        return Ok(());
    }
    Err(at(
        s,
        format!(
            "rib.{} checks rib commands against rules or trust anchors, which ndnd does not do; \
             write `trust-anchor {{ type any }}` alone to accept every command (or leave \
             localhop_security out to refuse remote registrations)",
            s.key
        ),
    ))
}

/// The whitelist and blacklist rules of a face section, as ndnd writes them (`*`,
/// `ifname PATTERN`, `ether MAC`, `subnet ADDR/LEN`); NFD's default, when a list is left out,
/// is every interface whitelisted and none blacklisted.
fn interface_rules(
    section: &str,
    (white, black): (Option<&Node>, Option<&Node>),
) -> Result<(Vec<String>, Vec<String>)> {
    let rules = |list: &Node| -> Result<Vec<String>> {
        list.children
            .iter()
            .map(|c| {
                let text = format!("{} {}", c.key, c.value).trim().to_owned();
                InterfaceFilter::parse(std::slice::from_ref(&text), &[])
                    .map(|_| text)
                    .map_err(|e| at(c, format!("{section}.{}: {e}", list.key)))
            })
            .collect()
    };
    let white = match white {
        Some(w) => rules(w)?,
        None => vec!["*".to_owned()],
    };
    let black = match black {
        Some(b) => rules(b)?,
        None => Vec::new(),
    };
    Ok((white, black))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration laid out as NFD installs it, every face kind on.
    const TYPICAL: &str = include_str!("typical.conf");

    #[test]
    fn a_typical_nfd_conf_carries_over() {
        let t = translate(TYPICAL, "nfd.conf").unwrap();
        let mut want = Config {
            listen: [
                "unix:///run/nfd/nfd.sock",
                "tcp4://0.0.0.0:6364",
                "tcp6://[::]:6364",
                "udp4://0.0.0.0:6363",
                "ws://0.0.0.0:9696",
            ]
            .map(String::from)
            .to_vec(),
            ..Config::default()
        };
        want.log.level = "warn".into();
        let f = &mut want.forwarder;
        f.cs_capacity = 1000;
        f.cs_policy = "priority_fifo".into();
        f.unsolicited_data_policy = "admit-local".into();
        f.default_strategy = "/localhost/nfd/strategy/best-route".into();
        f.network_regions = vec!["/ndn/edu/example".into()];
        want.strategies = [
            ("/localhost", "/localhost/nfd/strategy/multicast"),
            ("/ndn/broadcast", "/localhost/nfd/strategy/multicast"),
            (
                "/video",
                "/localhost/nfd/strategy/asf/v=5/probing-interval~30000",
            ),
        ]
        .map(|(p, s)| StrategyConfig {
            prefix: p.into(),
            strategy: s.into(),
        })
        .to_vec();
        let faces = &mut want.faces;
        faces.congestion_marking = false;
        faces.udp_idle_timeout = Duration::from_secs(300);
        faces.udp_mtu = 1400;
        faces.multicast = true;
        faces.multicast_v6 = false;
        faces.ethernet_unicast = true;
        faces.ethernet_multicast = true;
        faces.ethernet_ad_hoc = true;
        want.mgmt.authorize = vec![AuthorizeConfig {
            certificate: "any".into(),
            privileges: ["faces", "fib", "cs", "strategy-choice"]
                .map(String::from)
                .to_vec(),
        }];
        assert_eq!(t.config, want);
        // what does not carry over is said, with its line
        let notes = t.notes.join("\n");
        for expected in [
            "line 4: general.user ndn is ignored",
            "line 10: the level of NFD module Forwarder",
            "line 54: face_system.udp.keep_alive_interval is ignored",
            "line 109: rib.auto_prefix_propagate is ignored",
        ] {
            assert!(notes.contains(expected), "{expected:?} in\n{notes}");
        }
        assert_eq!(t.notes.len(), 4, "{notes}");
    }

    #[test]
    fn sections_left_out_mean_no_channels_as_in_nfd() {
        let t = translate("face_system\n{\n  udp\n  {\n    mcast no\n  }\n}\n", "x").unwrap();
        assert_eq!(t.config.listen, ["udp4://0.0.0.0:6363", "udp6://[::]:6363"]);
        assert!(!t.config.faces.multicast && !t.config.faces.multicast_v6);
        assert!(!t.config.faces.ethernet_multicast && !t.config.faces.ethernet_unicast);
        // no authorizations section: NFD refuses every command, which ndnd does not
        assert!(t.notes.iter().any(|n| n.contains("authorizations")));
        let empty = translate("", "x").unwrap();
        assert!(empty.config.listen.is_empty());
    }

    #[test]
    fn remote_registration_follows_localhop_security() {
        let open = "rib\n{\n  localhop_security\n  {\n    trust-anchor\n    {\n      type any\n    }\n  }\n}\n";
        let t = translate(open, "x").unwrap();
        assert!(t.config.mgmt.localhop_rib_register);
        let t = translate("rib\n{\n}\n", "x").unwrap();
        assert!(!t.config.mgmt.localhop_rib_register);
    }

    #[test]
    fn whitelists_and_blacklists_carry_over_as_rules() {
        let text = "face_system\n{\n  udp\n  {\n    whitelist\n    {\n      ifname eth*\n      subnet 192.0.2.0/24\n    }\n    blacklist\n    {\n      ether 02:00:00:00:00:09\n    }\n  }\n  ether\n  {\n    whitelist\n    {\n      *\n    }\n    blacklist\n    {\n      ifname wlp?s0\n    }\n    idle_timeout 60\n  }\n}\n";
        let t = translate(text, "x").unwrap();
        let f = &t.config.faces;
        assert_eq!(
            f.multicast_whitelist,
            ["ifname eth*", "subnet 192.0.2.0/24"]
        );
        assert_eq!(f.multicast_blacklist, ["ether 02:00:00:00:00:09"]);
        assert_eq!(f.ethernet_whitelist, ["*"]);
        assert_eq!(f.ethernet_blacklist, ["ifname wlp?s0"]);
        assert!(f.multicast_interfaces.is_empty() && f.ethernet_interfaces.is_empty());
        // UDP's idle timeout (NFD's default, 600 s) was not set: Ethernet's serves both
        assert_eq!(f.udp_idle_timeout, Duration::from_secs(60));
        // an empty whitelist selects nothing
        let none = "face_system\n{\n  udp\n  {\n    whitelist\n    {\n    }\n  }\n}\n";
        let t = translate(none, "x").unwrap();
        assert!(t.config.faces.multicast_whitelist.is_empty());
    }

    #[test]
    fn a_certfile_is_found_next_to_the_configuration_file() {
        let text = "authorizations\n{\n  authorize\n  {\n    certfile keys/admin.ndncert\n    privileges\n    {\n      faces\n      fib\n    }\n  }\n  authorize\n  {\n    certfile /abs/other.ndncert\n  }\n}\n";
        let t = translate(text, "/etc/ndn/nfd.conf").unwrap();
        assert_eq!(
            t.config.mgmt.authorize,
            vec![
                AuthorizeConfig {
                    certificate: "/etc/ndn/keys/admin.ndncert".into(),
                    privileges: vec!["faces".into(), "fib".into()],
                },
                AuthorizeConfig {
                    certificate: "/abs/other.ndncert".into(),
                    privileges: vec![],
                },
            ]
        );
    }

    #[test]
    fn what_ndnd_cannot_honour_is_refused_with_its_line() {
        let cases = [
            ("tabels\n{\n}\n", 1, "unknown section tabels"),
            (
                "face_system\n{\n  udp\n  {\n    prot 6363\n  }\n}\n",
                5,
                "face_system.udp.prot",
            ),
            (
                "face_system\n{\n  tcp\n  {\n    port 70000\n  }\n}\n",
                5,
                "not a valid number",
            ),
            (
                "face_system\n{\n  udp\n  {\n    mcast maybe\n  }\n}\n",
                5,
                "yes or no",
            ),
            (
                "authorizations\n{\n  authorize\n  {\n    certfile any\n    privileges\n    {\n      rib\n    }\n  }\n}\n",
                8,
                "unknown privilege rib",
            ),
            (
                "authorizations\n{\n  authorize\n  {\n    privileges\n    {\n    }\n  }\n}\n",
                3,
                "needs a certfile",
            ),
            (
                "rib\n{\n  localhop_security\n  {\n    rule\n    {\n      id x\n    }\n  }\n}\n",
                3,
                "trust-anchor { type any }",
            ),
            (
                "face_system\n{\n  udp\n  {\n    whitelist\n    {\n      subnet 192.0.2.0\n    }\n  }\n}\n",
                7,
                "face_system.udp.whitelist: subnet",
            ),
            (
                "face_system\n{\n  ether\n  {\n    blacklist\n    {\n      ether 02:00\n    }\n  }\n}\n",
                7,
                "not a MAC address",
            ),
            ("log\n{\n  default_level LOUD\n}\n", 3, "default_level"),
            (
                "tables\n{\n  strategy_choice\n  {\n    /a\n  }\n}\n",
                5,
                "no strategy",
            ),
            (
                "tables\n{\n  strategy_choice\n  {\n    /a /localhost/nfd/strategy/nope\n  }\n}\n",
                5,
                "unknown strategy",
            ),
            (
                "tables\n{\n  strategy_choice\n  {\n    a /localhost/nfd/strategy/multicast\n  }\n}\n",
                5,
                "bad name \"a\"",
            ),
            (
                "tables\n{\n  strategy_choice\n  {\n    /a /localhost/nfd/strategy/asf/v=5/probing-interval~5\n  }\n}\n",
                5,
                "at least 1000",
            ),
            (
                "tables\n{\n  network_region\n  {\n    a/b\n  }\n}\n",
                5,
                "network_region: bad name",
            ),
            ("a {\n", 1, "never closed"),
        ];
        for (text, line, what) in cases {
            let e = translate(text, "nfd.conf").unwrap_err();
            assert!(
                e.message.starts_with(&format!("line {line}: ")),
                "{text:?}: {e}"
            );
            assert!(e.message.contains(what), "{text:?}: {e}");
            assert_eq!(e.path, "nfd.conf");
        }
    }
}
