//! UDP multicast faces (NFD's `udp4://224.0.23.170:56363` and `udp6://[ff02::1234]:56363`): one
//! multi-access face per interface. A receive socket bound to the group port joins the group on
//! the interface; a send socket bound to the interface's address (an ephemeral port, so the
//! face recognises and drops its own looped-back datagrams; for IPv6 the link-local address)
//! sends to the group.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::Arc;

use ndn::face_uri::FaceUri;
use ndn_fw::{FaceInfo, FacePersistency, FaceScope, LinkType};
use tokio::net::UdpSocket;

use super::ForwarderLink;
use super::stream::FaceOptions;

/// NFD's IPv4 multicast group and port.
pub const DEFAULT_GROUP: &str = "224.0.23.170:56363";
/// NFD's IPv6 multicast group and port.
pub const DEFAULT_GROUP_V6: &str = "[ff02::1234]:56363";

/// A UDP socket of `domain` (IPv6 only, for IPv6), set up by `setup`, then handed to tokio.
fn udp_socket(
    domain: socket2::Domain,
    setup: impl FnOnce(&socket2::Socket) -> std::io::Result<()>,
) -> std::io::Result<UdpSocket> {
    let s = socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP))?;
    if domain == socket2::Domain::IPV6 {
        s.set_only_v6(true)?;
    }
    setup(&s)?;
    s.set_nonblocking(true)?;
    UdpSocket::from_std(s.into())
}

fn recv_socket(group: SocketAddrV4, iface: Ipv4Addr) -> std::io::Result<UdpSocket> {
    udp_socket(socket2::Domain::IPV4, |s| {
        s.set_reuse_address(true)?;
        s.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, group.port())).into())?;
        s.join_multicast_v4(group.ip(), &iface)?;
        // Linux delivers a multicast datagram to every socket bound to its port, whichever
        // interface joined the group, unless the socket asks for its own memberships only:
        // without this, the face of each interface would also hear the other links (and this
        // forwarder's own sends on them) and take them for its own link's packets.
        // (SO_REUSEPORT is not set: with it, some datagrams of one link still reached the
        // socket of another.)
        #[cfg(target_os = "linux")]
        s.set_multicast_all_v4(false)?;
        Ok(())
    })
}

fn send_socket(iface: Ipv4Addr) -> std::io::Result<UdpSocket> {
    udp_socket(socket2::Domain::IPV4, |s| {
        s.bind(&SocketAddr::V4(SocketAddrV4::new(iface, 0)).into())?;
        s.set_multicast_if_v4(&iface)?;
        s.set_multicast_loop_v4(true)?;
        s.set_multicast_ttl_v4(1)
    })
}

fn recv_socket_v6(group: SocketAddrV6, ifindex: u32) -> std::io::Result<UdpSocket> {
    udp_socket(socket2::Domain::IPV6, |s| {
        s.set_reuse_address(true)?;
        // bound to the group on this interface (the scope of a link-local group names it): the
        // socket hears this interface only. IPV6_MULTICAST_ALL alone is not enough here,
        // unlike for IPv4: a socket that joined the group on one interface still got the
        // group's datagrams of the others.
        s.bind(&SocketAddr::V6(SocketAddrV6::new(*group.ip(), group.port(), 0, ifindex)).into())?;
        s.join_multicast_v6(group.ip(), ifindex)?;
        #[cfg(target_os = "linux")]
        s.set_multicast_all_v6(false)?;
        Ok(())
    })
}

fn send_socket_v6(link_local: Ipv6Addr, ifindex: u32) -> std::io::Result<UdpSocket> {
    udp_socket(socket2::Domain::IPV6, |s| {
        s.bind(&SocketAddr::V6(SocketAddrV6::new(link_local, 0, 0, ifindex)).into())?;
        s.set_multicast_if_v6(ifindex)?;
        s.set_multicast_loop_v6(true)?;
        s.set_multicast_hops_v6(1)
    })
}

/// The sockets of one multicast face.
#[derive(Debug)]
pub struct MulticastSockets {
    group: SocketAddr,
    /// The interface's address with the group's port (the face's local end).
    local: SocketAddr,
    rx: UdpSocket,
    tx: UdpSocket,
    own: SocketAddr,
}

/// Join `group` on the interface with address `iface`.
pub fn open(group: SocketAddrV4, iface: Ipv4Addr) -> std::io::Result<MulticastSockets> {
    let rx = recv_socket(group, iface)?;
    let tx = send_socket(iface)?;
    let own = tx.local_addr()?;
    Ok(MulticastSockets {
        group: SocketAddr::V4(group),
        local: SocketAddr::V4(SocketAddrV4::new(iface, group.port())),
        rx,
        tx,
        own,
    })
}

/// Join the IPv6 `group` on interface `ifindex`, whose link-local address is `link_local`.
pub fn open_v6(
    group: SocketAddrV6,
    link_local: Ipv6Addr,
    ifindex: u32,
) -> std::io::Result<MulticastSockets> {
    let rx = recv_socket_v6(group, ifindex)?;
    let tx = send_socket_v6(link_local, ifindex)?;
    let own = tx.local_addr()?;
    Ok(MulticastSockets {
        group: SocketAddr::V6(group),
        local: SocketAddr::V6(SocketAddrV6::new(link_local, group.port(), 0, ifindex)),
        rx,
        tx,
        own,
    })
}

impl super::multi_access::MultiAccessLink for MulticastSockets {
    type Peer = SocketAddr;

    async fn send(&self, frame: &[u8]) -> std::io::Result<()> {
        self.tx.send_to(frame, self.group).await.map(|_| ())
    }

    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<Option<(usize, SocketAddr)>> {
        let (n, from) = self.rx.recv_from(buf).await?;
        Ok((from != self.own).then_some((n, from)))
    }
}

/// Run the multicast face until the forwarder goes away.
/// The face is `link_type`: multi-access, or ad hoc.
pub async fn run(
    sockets: MulticastSockets,
    mtu: usize,
    link_type: LinkType,
    fw: ForwarderLink,
    opts: FaceOptions,
) {
    let mut info = FaceInfo::new(
        FaceUri::from_socket_addr("udp", sockets.group).to_string(),
        FaceUri::from_socket_addr("udp", sockets.local).to_string(),
        FaceScope::NonLocal,
    )
    .with_link_type(link_type)
    .with_persistency(FacePersistency::Permanent);
    info.mtu = Some(mtu as u64);
    super::multi_access::run(Arc::new(sockets), info, mtu, fw, opts).await;
}
