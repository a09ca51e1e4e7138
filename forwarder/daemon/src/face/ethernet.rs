//! Ethernet faces (NFD's ether faces): NDN packets straight in Ethernet frames of EtherType
//! 0x8624, on packet sockets (`AF_PACKET`, the kernel writing the Ethernet header) bound to an
//! interface. Opening one needs CAP_NET_RAW.
//!
//! - Multicast: one multi-access face per interface (`ether://[01:00:5e:00:17:aa]` on
//!   `dev://IFNAME`), whose socket joins the multicast address and sends to it; it takes the
//!   frames sent to a multicast or broadcast address.
//! - Unicast: a channel per interface takes the frames sent to this host's address, with a
//!   point-to-point face per peer (`ether://[PEER-MAC]` on `dev://IFNAME`): on demand when a
//!   peer's first frame comes (closed when idle), or persistent by `faces/create`.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Arc;

use bytes::Bytes;
use ndn::tlv::Reader;
use ndn_fw::{FaceInfo, FacePersistency, FaceScope, LinkType};
use tokio::io::unix::AsyncFd;
use tokio::sync::mpsc;

use super::stream::FaceOptions;
use super::{Connect, FaceStats, ForwarderLink, PeerFace, answer_connect, sweep_peers};

/// The EtherType of NDN.
pub const ETHERTYPE_NDN: u16 = 0x8624;
/// NFD's Ethernet multicast address.
pub const DEFAULT_GROUP: &str = "01:00:5e:00:17:aa";

/// A MAC address.
pub type Mac = [u8; 6];

pub use ndn::face_uri::{format_mac, parse_mac};

/// The first TLV element of a frame: shorter frames arrive padded to Ethernet's 46-byte minimum
/// payload, and the padding is not part of the packet. Frames that do not start with a whole
/// element are returned as they are (and refused by the decoder).
fn without_padding(frame: Bytes) -> Bytes {
    let mut r = Reader::new(&frame);
    match r.read_element() {
        Ok(_) => {
            let len = r.offset();
            frame.slice(..len)
        }
        Err(_) => frame,
    }
}

/// The packet socket of one Ethernet multicast face.
#[derive(Debug)]
pub struct EthernetSocket {
    fd: AsyncFd<OwnedFd>,
    ifindex: i32,
    ifname: String,
    group: Mac,
    mtu: usize,
}

/// The last system call's error, saying what failed.
fn os_error<T>(what: &str) -> io::Result<T> {
    let e = io::Error::last_os_error();
    Err(io::Error::new(e.kind(), format!("{what}: {e}")))
}

/// A `sockaddr_ll` for NDN frames on interface `ifindex`, to or from `mac`.
fn link_address(ifindex: i32, mac: &Mac) -> libc::sockaddr_ll {
    // SAFETY: sockaddr_ll is plain old data; all zeroes is a valid value.
    #[allow(unsafe_code)]
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = ETHERTYPE_NDN.to_be();
    sll.sll_ifindex = ifindex;
    sll.sll_halen = 6;
    sll.sll_addr[..6].copy_from_slice(mac);
    sll
}

/// Whether this process may open packet sockets (CAP_NET_RAW): opens one, bound to nothing,
/// and closes it.
pub fn permitted() -> io::Result<()> {
    // SAFETY: a plain system call; the descriptor it returns is owned and closed at once.
    #[allow(unsafe_code)]
    unsafe {
        let raw = libc::socket(libc::AF_PACKET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if raw < 0 {
            return os_error("cannot open a packet socket (needs CAP_NET_RAW)");
        }
        drop(OwnedFd::from_raw_fd(raw));
    }
    Ok(())
}

/// Open a packet socket on interface `ifname` that joins the multicast address `group`, if
/// given (a unicast channel's socket joins none).
pub fn open(ifname: &str, group: Option<Mac>) -> io::Result<EthernetSocket> {
    let cname = std::ffi::CString::new(ifname)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "interface name with NUL"))?;
    // SAFETY: `cname` is a NUL-terminated string.
    #[allow(unsafe_code)]
    let ifindex = unsafe { libc::if_nametoindex(cname.as_ptr()) };
    if ifindex == 0 {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no network interface named {ifname:?}"),
        ));
    }
    let ifindex = i32::try_from(ifindex)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "interface index too large"))?;
    // SAFETY: plain system calls on a socket this function owns; each pointer passed points to
    // a live value of the size given.
    #[allow(unsafe_code)]
    let fd = unsafe {
        let raw = libc::socket(
            libc::AF_PACKET,
            libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            i32::from(ETHERTYPE_NDN.to_be()),
        );
        if raw < 0 {
            return os_error("cannot open a packet socket (needs CAP_NET_RAW)");
        }
        let fd = OwnedFd::from_raw_fd(raw);
        let sll = link_address(ifindex, &[0; 6]);
        let rc = libc::bind(
            raw,
            std::ptr::from_ref(&sll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        );
        if rc < 0 {
            return os_error("cannot bind the packet socket to the interface");
        }
        if let Some(group) = group {
            let mut mreq: libc::packet_mreq = std::mem::zeroed();
            mreq.mr_ifindex = ifindex;
            mreq.mr_type = libc::PACKET_MR_MULTICAST as u16;
            mreq.mr_alen = 6;
            mreq.mr_address[..6].copy_from_slice(&group);
            let rc = libc::setsockopt(
                raw,
                libc::SOL_PACKET,
                libc::PACKET_ADD_MEMBERSHIP,
                std::ptr::from_ref(&mreq).cast(),
                std::mem::size_of::<libc::packet_mreq>() as libc::socklen_t,
            );
            if rc < 0 {
                return os_error("cannot join the Ethernet multicast address");
            }
        }
        fd
    };
    let mtu = interface_mtu(&fd, ifname).unwrap_or(1500);
    // SAFETY: an OwnedFd holds an open descriptor and always returns it, until dropped with
    // the AsyncFd.
    #[allow(unsafe_code)]
    let fd = unsafe { AsyncFd::register(fd) }.map_err(io::Error::from)?;
    Ok(EthernetSocket {
        fd,
        ifindex,
        ifname: ifname.to_owned(),
        group: group.unwrap_or([0xff; 6]),
        mtu,
    })
}

/// The MTU of `ifname`, asked of the kernel through `fd` (so in the socket's network namespace).
fn interface_mtu(fd: &OwnedFd, ifname: &str) -> Option<usize> {
    // SAFETY: ifreq is plain old data; the name is copied in NUL-terminated and the ioctl
    // writes the MTU into the union, which is read as the field SIOCGIFMTU sets.
    #[allow(unsafe_code)]
    unsafe {
        let mut req: libc::ifreq = std::mem::zeroed();
        let name = ifname.as_bytes();
        if name.len() >= req.ifr_name.len() {
            return None;
        }
        for (d, s) in req.ifr_name.iter_mut().zip(name) {
            *d = *s as libc::c_char;
        }
        if libc::ioctl(fd.as_raw_fd(), libc::SIOCGIFMTU, &mut req) < 0 {
            return None;
        }
        usize::try_from(req.ifr_ifru.ifru_mtu).ok()
    }
}

impl EthernetSocket {
    /// The interface's MTU: the largest frame payload.
    pub fn mtu(&self) -> usize {
        self.mtu
    }

    /// The interface's name.
    pub fn ifname(&self) -> &str {
        &self.ifname
    }

    /// Receive one frame: (length, source MAC, packet type: `PACKET_HOST` for a frame to this
    /// host, `PACKET_MULTICAST`, `PACKET_OUTGOING` for one this host sent, ...).
    async fn recv_frame(&self, buf: &mut [u8]) -> io::Result<(usize, Mac, u8)> {
        loop {
            let mut guard = self.fd.readable().await?;
            let got = guard.try_io(|fd| {
                // SAFETY: `buf` and `sll` are live and writable for the sizes given.
                #[allow(unsafe_code)]
                unsafe {
                    let mut sll: libc::sockaddr_ll = std::mem::zeroed();
                    let mut len = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
                    let n = libc::recvfrom(
                        fd.as_raw_fd(),
                        buf.as_mut_ptr().cast(),
                        buf.len(),
                        0,
                        std::ptr::from_mut(&mut sll).cast(),
                        &mut len,
                    );
                    if n < 0 {
                        return Err(io::Error::last_os_error());
                    }
                    let mut mac = [0u8; 6];
                    mac.copy_from_slice(&sll.sll_addr[..6]);
                    Ok((n as usize, mac, sll.sll_pkttype))
                }
            });
            match got {
                Ok(r) => return r,
                Err(_would_block) => continue,
            }
        }
    }

    /// Send one frame to `to`.
    async fn send_frame(&self, frame: &[u8], to: &Mac) -> io::Result<()> {
        let sll = link_address(self.ifindex, to);
        loop {
            let mut guard = self.fd.writable().await?;
            let sent = guard.try_io(|fd| {
                // SAFETY: `frame` and `sll` are live for the sizes given.
                #[allow(unsafe_code)]
                let n = unsafe {
                    libc::sendto(
                        fd.as_raw_fd(),
                        frame.as_ptr().cast(),
                        frame.len(),
                        0,
                        std::ptr::from_ref(&sll).cast(),
                        std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
                    )
                };
                if n < 0 {
                    Err(io::Error::last_os_error())
                } else {
                    Ok(())
                }
            });
            match sent {
                Ok(r) => return r,
                Err(_would_block) => continue,
            }
        }
    }
}

impl super::multi_access::MultiAccessLink for EthernetSocket {
    type Peer = Mac;

    async fn send(&self, frame: &[u8]) -> io::Result<()> {
        self.send_frame(frame, &self.group).await
    }

    async fn recv(&self, buf: &mut [u8]) -> io::Result<Option<(usize, Mac)>> {
        let (n, from, kind) = self.recv_frame(buf).await?;
        let to_all = matches!(kind, libc::PACKET_MULTICAST | libc::PACKET_BROADCAST);
        Ok(to_all.then_some((n, from)))
    }

    fn strip(frame: Bytes) -> Bytes {
        without_padding(frame)
    }
}

/// Run the Ethernet multicast face until the forwarder goes away.
/// The face is `link_type`: multi-access, or ad hoc.
pub async fn run(
    socket: EthernetSocket,
    link_type: LinkType,
    fw: ForwarderLink,
    opts: FaceOptions,
) {
    let mtu = socket.mtu;
    let mut info = FaceInfo::new(
        format!("ether://[{}]", format_mac(&socket.group)),
        format!("dev://{}", socket.ifname),
        FaceScope::NonLocal,
    )
    .with_link_type(link_type)
    .with_persistency(FacePersistency::Permanent);
    info.mtu = Some(mtu as u64);
    super::multi_access::run(Arc::new(socket), info, mtu, fw, opts).await;
}

/// Settings of an Ethernet unicast channel.
#[derive(Debug, Clone, Copy)]
pub struct UnicastOptions {
    /// Face settings.
    pub face: FaceOptions,
    /// On-demand faces close after this long without a frame.
    pub idle_timeout: std::time::Duration,
}

/// Register the face to `remote` and start its writer.
async fn create_peer(
    socket: &Arc<EthernetSocket>,
    remote: Mac,
    persistency: FacePersistency,
    fw: &ForwarderLink,
    opts: &UnicastOptions,
) -> Option<PeerFace> {
    let mut info = FaceInfo::new(
        format!("ether://[{}]", format_mac(&remote)),
        format!("dev://{}", socket.ifname),
        FaceScope::NonLocal,
    )
    .with_link_type(LinkType::PointToPoint)
    .with_persistency(persistency);
    info.mtu = Some(socket.mtu as u64);
    let (tx, mut rx) = mpsc::channel::<Bytes>(opts.face.queue_len);
    let stats = Arc::new(FaceStats::default());
    stats.set_persistency(persistency);
    let (id, close) = fw
        .add_face(info, tx, stats.clone(), Some(socket.mtu))
        .await?;
    tracing::info!(face = id.0, remote = %format_mac(&remote), interface = %socket.ifname,
        "Ethernet face created");
    let sender = socket.clone();
    let wstats = stats.clone();
    tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            if sender.send_frame(&frame, &remote).await.is_ok() {
                wstats.add_out(frame.len());
            }
        }
    });
    Some(PeerFace::new(id, close, stats, opts.face.clock.now()))
}

/// Run the Ethernet unicast channel of one interface until the forwarding task goes away.
pub async fn run_unicast(
    socket: EthernetSocket,
    fw: ForwarderLink,
    opts: UnicastOptions,
    mut commands: mpsc::Receiver<Connect<Mac>>,
) {
    let socket = Arc::new(socket);
    let mut peers: HashMap<Mac, PeerFace> = HashMap::new();
    let mut buf = vec![0u8; 65_536];
    let sweep_every = (opts.idle_timeout / 4).clamp(
        std::time::Duration::from_millis(100),
        std::time::Duration::from_secs(30),
    );
    let mut sweep = tokio::time::interval(sweep_every);
    loop {
        tokio::select! {
            r = socket.recv_frame(&mut buf) => {
                let (n, from, kind) = match r {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::debug!(error = %e, "Ethernet receive failed");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    }
                };
                if kind != libc::PACKET_HOST {
                    continue;
                }
                let now = opts.face.clock.now();
                if peers.get_mut(&from).is_some_and(PeerFace::is_closed) {
                    peers.remove(&from);
                }
                let peer = match peers.entry(from) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        match create_peer(&socket, from, FacePersistency::OnDemand, &fw, &opts).await {
                            Some(p) => e.insert(p),
                            None => return,
                        }
                    }
                };
                peer.last_seen = now;
                peer.stats.add_in(n);
                let frame = without_padding(Bytes::copy_from_slice(buf.get(..n).unwrap_or_default()));
                let received = peer.receiver.receive(now, frame);
                peer.stats.record_control(peer.receiver.take_control());
                fw.link_control(peer.id, &peer.stats, matches!(received, Ok(Some(_)))).await;
                match received {
                    Ok(Some((wire, fields))) => {
                        if !fw.packet(peer.id, wire, fields).await {
                            return;
                        }
                    }
                    Ok(None) => {}
                    Err(_) => fw.malformed(peer.id).await,
                }
            }
            Some(request) = commands.recv() => {
                let create = |remote, persistency| create_peer(&socket, remote, persistency, &fw, &opts);
                answer_connect(&mut peers, request, create).await;
            }
            _ = sweep.tick() => {
                sweep_peers(&mut peers, opts.face.clock.now(), opts.idle_timeout, &fw).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_addresses_parse_and_print_as_nfd_writes_them() {
        let mac = parse_mac(DEFAULT_GROUP).unwrap();
        assert_eq!(mac, [0x01, 0x00, 0x5e, 0x00, 0x17, 0xaa]);
        assert_eq!(format_mac(&mac), DEFAULT_GROUP);
        assert_eq!(parse_mac("01-00-5E-00-17-AA"), Some(mac));
        for bad in [
            "",
            "01:00:5e:00:17",
            "01:00:5e:00:17:aa:00",
            "1:0:5e:0:17:aa",
            "zz:00:5e:00:17:aa",
        ] {
            assert_eq!(parse_mac(bad), None, "{bad}");
        }
    }

    #[test]
    fn padding_after_a_short_packet_is_not_part_of_it() {
        let interest = ndn::InterestBuilder::new(ndn::Name::from_uri("/a").unwrap())
            .nonce(1)
            .encode();
        let mut padded = interest.to_vec();
        padded.resize(46, 0);
        assert_eq!(without_padding(Bytes::from(padded)), interest);
        let garbage = Bytes::from_static(&[0x05, 0x20, 0x07]);
        assert_eq!(without_padding(garbage.clone()), garbage);
    }
}
