//! The multi-access faces the configuration asks for (`[faces]`: `multicast`, `multicast_v6`,
//! `ethernet_multicast`), opened on the interfaces it names or, when it names none, on every
//! interface that is up, multicast-capable and not loopback, as NFD does.

use std::net::{Ipv4Addr, SocketAddrV4, SocketAddrV6};

use super::interface_filter::InterfaceFilter;
use super::{ethernet, interfaces, multicast};
use crate::config::FacesSection;
use crate::daemon::{StartError, explain};

fn listing_failed(e: std::io::Error) -> StartError {
    StartError(format!("cannot list the network interfaces: {e}"))
}

/// The error for a host where `setting = true` finds no interface to use.
fn none_found(setting: &str, with: &str, list: &str) -> StartError {
    StartError(format!(
        "{setting} = true found no interface that is up, multicast-capable and not loopback{with}; \
         name them in {list}"
    ))
}

/// Names of the interfaces found that the rules `white` and `black` let faces go on (NFD's
/// whitelist and blacklist; `what` names the settings in errors).
fn allowed(what: &str, white: &[String], black: &[String]) -> Result<Vec<String>, StartError> {
    let filter =
        InterfaceFilter::parse(white, black).map_err(|e| StartError(format!("{what}: {e}")))?;
    Ok(interfaces::multicast_interface_info()
        .map_err(listing_failed)?
        .into_iter()
        .filter(|i| filter.allows(i))
        .map(|i| i.name)
        .collect())
}

/// The interfaces UDP multicast faces (both families) may go on.
fn multicast_allowed(faces: &FacesSection) -> Result<Vec<String>, StartError> {
    allowed(
        "multicast_whitelist/blacklist",
        &faces.multicast_whitelist,
        &faces.multicast_blacklist,
    )
}

/// The sockets of the UDP IPv4 multicast faces.
pub fn multicast_v4(faces: &FacesSection) -> Result<Vec<multicast::MulticastSockets>, StartError> {
    let group: SocketAddrV4 = faces.multicast_group.parse().map_err(|_| {
        StartError(format!(
            "multicast_group {:?} is not an IPv4 ADDR:PORT",
            faces.multicast_group
        ))
    })?;
    let addresses: Vec<Ipv4Addr> = if faces.multicast_interfaces.is_empty() {
        let names = multicast_allowed(faces)?;
        let mut found = interfaces::ipv4_multicast_interfaces().map_err(listing_failed)?;
        found.retain(|(name, _)| names.contains(name));
        if found.is_empty() {
            return Err(none_found(
                "multicast",
                " with an IPv4 address",
                "multicast_interfaces",
            ));
        }
        for (name, address) in &found {
            tracing::info!(interface = %name, %address, "multicast on interface");
        }
        found.into_iter().map(|(_, a)| a).collect()
    } else {
        // IPv4 addresses, or names of interfaces that have one
        let mut found = None;
        faces
            .multicast_interfaces
            .iter()
            .map(|text| {
                if let Ok(address) = text.parse() {
                    return Ok(address);
                }
                let listed = match &found {
                    Some(l) => l,
                    None => found
                        .insert(interfaces::ipv4_multicast_interfaces().map_err(listing_failed)?),
                };
                listed
                    .iter()
                    .find(|(name, _)| name == text)
                    .map(|&(_, address)| address)
                    .ok_or_else(|| {
                        StartError(format!(
                            "multicast interface {text:?} is neither an IPv4 address nor an \
                             interface that is up and multicast-capable with one"
                        ))
                    })
            })
            .collect::<Result<_, _>>()?
    };
    addresses
        .into_iter()
        .map(|iface| {
            let uri = format!("udp4://{group} on {iface}");
            multicast::open(group, iface).map_err(|e| explain(&uri, &e))
        })
        .collect()
}

/// The sockets of the UDP IPv6 multicast faces.
pub fn multicast_v6(faces: &FacesSection) -> Result<Vec<multicast::MulticastSockets>, StartError> {
    let group: SocketAddrV6 = faces.multicast_v6_group.parse().map_err(|_| {
        StartError(format!(
            "multicast_v6_group {:?} is not an IPv6 [ADDR]:PORT",
            faces.multicast_v6_group
        ))
    })?;
    let mut found = interfaces::ipv6_multicast_interfaces().map_err(listing_failed)?;
    let chosen: Vec<_> =
        if faces.multicast_v6_interfaces.is_empty() {
            let names = multicast_allowed(faces)?;
            found.retain(|(name, _, _)| names.contains(name));
            if found.is_empty() {
                return Err(none_found(
                    "multicast_v6",
                    " with a link-local IPv6 address",
                    "multicast_v6_interfaces",
                ));
            }
            found
        } else {
            faces
                .multicast_v6_interfaces
                .iter()
                .map(|want| {
                    found.iter().find(|(n, _, _)| n == want).cloned().ok_or_else(|| {
                    StartError(format!(
                        "multicast_v6_interfaces: {want:?} is not an interface that is up and \
                         multicast-capable with a link-local IPv6 address"
                    ))
                })
                })
                .collect::<Result<_, _>>()?
        };
    chosen
        .into_iter()
        .map(|(name, link_local, ifindex)| {
            tracing::info!(interface = %name, %link_local, "IPv6 multicast on interface");
            let uri = format!("udp6://{group} on {name}");
            multicast::open_v6(group, link_local, ifindex).map_err(|e| explain(&uri, &e))
        })
        .collect()
}

/// The packet sockets of the Ethernet faces: multicast faces (with `ethernet_multicast`), and
/// unicast channels (with `ethernet_unicast`), on the same interfaces.
#[derive(Debug, Default)]
pub struct EthernetSockets {
    /// One per multicast face.
    pub multicast: Vec<ethernet::EthernetSocket>,
    /// One per unicast channel.
    pub unicast: Vec<ethernet::EthernetSocket>,
}

/// Open the packet sockets of the configured Ethernet faces.
pub fn ethernet(faces: &FacesSection) -> Result<EthernetSockets, StartError> {
    let mut sockets = EthernetSockets::default();
    if !faces.ethernet_multicast && !faces.ethernet_unicast {
        return Ok(sockets);
    }
    let group = ethernet::parse_mac(&faces.ethernet_group).ok_or_else(|| {
        StartError(format!(
            "ethernet_group {:?} is not a MAC address (aa:bb:cc:dd:ee:ff)",
            faces.ethernet_group
        ))
    })?;
    let names = if faces.ethernet_interfaces.is_empty() {
        let names = allowed(
            "ethernet_whitelist/blacklist",
            &faces.ethernet_whitelist,
            &faces.ethernet_blacklist,
        )?;
        let mut found = interfaces::ethernet_multicast_interfaces().map_err(listing_failed)?;
        found.retain(|name| names.contains(name));
        if found.is_empty() {
            let setting = if faces.ethernet_multicast {
                "ethernet_multicast"
            } else {
                "ethernet_unicast"
            };
            return Err(none_found(setting, "", "ethernet_interfaces"));
        }
        found
    } else {
        faces.ethernet_interfaces.clone()
    };
    let open = |ifname: &str, group: Option<ethernet::Mac>| {
        ethernet::open(ifname, group).map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
                " (run as root, or give ndnd CAP_NET_RAW)"
            } else {
                ""
            };
            StartError(format!(
                "cannot open an Ethernet face on {ifname}: {e}{hint}"
            ))
        })
    };
    for ifname in &names {
        if faces.ethernet_multicast {
            sockets.multicast.push(open(ifname, Some(group))?);
        }
        if faces.ethernet_unicast {
            sockets.unicast.push(open(ifname, None)?);
        }
    }
    Ok(sockets)
}
