//! UDP multicast faces (NFD's `udp4://224.0.23.170:56363`): one multi-access face per
//! interface. A receive socket bound to the group port joins the group on the interface; a send
//! socket bound to the interface address (an ephemeral port, so the face recognises and drops
//! its own looped-back datagrams) sends to the group.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::sync::Arc;

use ndn::face_uri::FaceUri;
use ndn_fw::{FaceInfo, FacePersistency, FaceScope, LinkType};
use tokio::net::UdpSocket;

use super::ForwarderLink;
use super::stream::FaceOptions;

/// NFD's IPv4 multicast group and port.
pub const DEFAULT_GROUP: &str = "224.0.23.170:56363";

fn recv_socket(group: SocketAddrV4, iface: Ipv4Addr) -> std::io::Result<UdpSocket> {
    let s = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )?;
    s.set_reuse_address(true)?;
    s.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, group.port())).into())?;
    s.join_multicast_v4(group.ip(), &iface)?;
    // Linux delivers a multicast datagram to every socket bound to its port, whichever
    // interface joined the group, unless the socket asks for its own memberships only: without
    // this, the face of each interface would also hear the other links (and this forwarder's
    // own sends on them) and take them for its own link's packets. (SO_REUSEPORT is not set:
    // with it, some datagrams of one link still reached the socket of another.)
    #[cfg(target_os = "linux")]
    s.set_multicast_all_v4(false)?;
    s.set_nonblocking(true)?;
    UdpSocket::from_std(s.into())
}

fn send_socket(iface: Ipv4Addr) -> std::io::Result<UdpSocket> {
    let s = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )?;
    s.bind(&SocketAddr::V4(SocketAddrV4::new(iface, 0)).into())?;
    s.set_multicast_if_v4(&iface)?;
    s.set_multicast_loop_v4(true)?;
    s.set_multicast_ttl_v4(1)?;
    s.set_nonblocking(true)?;
    UdpSocket::from_std(s.into())
}

/// The sockets of one multicast face.
#[derive(Debug)]
pub struct MulticastSockets {
    group: SocketAddrV4,
    iface: Ipv4Addr,
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
        group,
        iface,
        rx,
        tx,
        own,
    })
}

impl super::multi_access::MultiAccessLink for MulticastSockets {
    type Peer = SocketAddr;

    async fn send(&self, frame: &[u8]) -> std::io::Result<()> {
        self.tx
            .send_to(frame, SocketAddr::V4(self.group))
            .await
            .map(|_| ())
    }

    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<Option<(usize, SocketAddr)>> {
        let (n, from) = self.rx.recv_from(buf).await?;
        Ok((from != self.own).then_some((n, from)))
    }
}

/// Run the multicast face until the forwarder goes away.
pub async fn run(sockets: MulticastSockets, mtu: usize, fw: ForwarderLink, opts: FaceOptions) {
    let group = SocketAddr::V4(sockets.group);
    let local = SocketAddr::V4(SocketAddrV4::new(sockets.iface, sockets.group.port()));
    let mut info = FaceInfo::new(
        FaceUri::from_socket_addr("udp", group).to_string(),
        FaceUri::from_socket_addr("udp", local).to_string(),
        FaceScope::NonLocal,
    )
    .with_link_type(LinkType::MultiAccess)
    .with_persistency(FacePersistency::Permanent);
    info.mtu = Some(mtu as u64);
    super::multi_access::run(Arc::new(sockets), info, mtu, fw, opts).await;
}
