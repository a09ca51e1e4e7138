//! Batched UDP I/O, for forwarders and load tools that move many datagrams: on Linux, one
//! `recvmmsg` system call takes up to [`RECV_SLOTS`] messages, and the kernel may coalesce a
//! peer's equal-sized datagrams into one message (UDP GRO); a run of equal-sized datagrams to
//! one destination leaves in one `sendmsg` that the kernel splits (UDP GSO), so the network
//! stack is traversed once per run instead of once per datagram. Elsewhere it degrades to one
//! datagram per call. The system calls are quinn-udp's.
//!
//! Every datagram is still a datagram on the wire: a receiver without GRO gets them one by
//! one. Received datagrams are copied into their own buffers, so a packet kept for long (a
//! cached Data) never pins the large receive buffers.

use std::io::{self, IoSliceMut};
use std::net::SocketAddr;

use bytes::Bytes;
use quinn_udp::{RecvMeta, Transmit, UdpSocketState};
use tokio::io::Interest;
use tokio::net::UdpSocket;

/// Messages read per `recvmmsg` call.
pub const RECV_SLOTS: usize = quinn_udp::BATCH_SIZE;

/// Bytes per receive slot: one message, which with GRO holds up to 64 coalesced datagrams of
/// at most 64 KiB in all (the kernel never builds a larger one).
const SLOT_BYTES: usize = 64 * 1024;

/// Largest run sent as one GSO write: the payload of one UDP datagram must stay under 64 KiB
/// (65,507 bytes over IPv4).
const MAX_GSO_BYTES: usize = 65_000;

/// Datagrams up to this size are sent with GSO to any destination: they fit the minimum IPv6
/// MTU (1280) with headers to spare, so no link on a sane path needs to fragment them. Larger
/// ones are batched only to loopback destinations (whose MTU is 64 KiB), because GSO cannot
/// use IP fragmentation, which `ndnd`'s 8800-byte UDP frames rely on over Ethernet.
const GSO_ANY_PATH: usize = 1200;

/// A UDP socket with batched receive and send.
#[derive(Debug)]
pub struct BatchSocket {
    socket: UdpSocket,
    state: UdpSocketState,
}

/// Receive buffers of a [`BatchSocket`], reused from call to call.
pub struct RecvBuffers {
    slots: Vec<u8>,
    meta: Vec<RecvMeta>,
}

impl std::fmt::Debug for RecvBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecvBuffers")
            .field("bytes", &self.slots.len())
            .finish()
    }
}

impl Default for RecvBuffers {
    fn default() -> Self {
        RecvBuffers {
            slots: vec![0; RECV_SLOTS * SLOT_BYTES],
            meta: vec![RecvMeta::default(); RECV_SLOTS],
        }
    }
}

impl BatchSocket {
    /// Set up `socket` for batched I/O (UDP GRO on Linux). The socket keeps the operating
    /// system's default path MTU discovery, so datagrams larger than a link's MTU are still
    /// fragmented by IP as without batching.
    pub fn new(socket: UdpSocket) -> io::Result<BatchSocket> {
        let state = UdpSocketState::new((&socket).into())?;
        // quinn-udp forbids IP fragmentation (QUIC sizes its own packets); NDN over UDP
        // relies on it for datagrams up to 8800 bytes, as NFD does
        let ipv6 = socket.local_addr()?.is_ipv6();
        restore_ip_fragmentation(&socket, ipv6)?;
        Ok(BatchSocket { socket, state })
    }

    /// Ask for kernel send and receive buffers of `bytes` each (the kernel may cap them at
    /// `net.core.wmem_max` / `rmem_max`).
    pub fn set_buffer_sizes(&self, bytes: usize) -> io::Result<()> {
        self.state
            .set_send_buffer_size((&self.socket).into(), bytes)?;
        self.state
            .set_recv_buffer_size((&self.socket).into(), bytes)
    }

    /// The socket.
    pub fn socket(&self) -> &UdpSocket {
        &self.socket
    }

    /// Wait until at least one datagram arrives, then append every datagram one system call
    /// returns (up to [`RECV_SLOTS`] messages, each maybe several coalesced datagrams) to
    /// `out`, each copied into its own buffer, with its source address. Returns how many were
    /// appended.
    pub async fn recv(
        &self,
        bufs: &mut RecvBuffers,
        out: &mut Vec<(Bytes, SocketAddr)>,
    ) -> io::Result<usize> {
        loop {
            self.socket.readable().await?;
            match self.try_recv(bufs, out) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                r => return r,
            }
        }
    }

    /// Like [`BatchSocket::recv`] without waiting: `WouldBlock` when nothing is queued.
    pub fn try_recv(
        &self,
        bufs: &mut RecvBuffers,
        out: &mut Vec<(Bytes, SocketAddr)>,
    ) -> io::Result<usize> {
        let RecvBuffers { slots, meta } = bufs;
        let n = self.socket.try_io(Interest::READABLE, || {
            let mut iovs: Vec<IoSliceMut<'_>> =
                slots.chunks_mut(SLOT_BYTES).map(IoSliceMut::new).collect();
            self.state.recv((&self.socket).into(), &mut iovs, meta)
        })?;
        let before = out.len();
        for (m, slot) in meta.iter().zip(slots.chunks(SLOT_BYTES)).take(n) {
            let data = slot.get(..m.len).unwrap_or(slot);
            for datagram in data.chunks(m.stride.max(1)) {
                out.push((Bytes::copy_from_slice(datagram), m.addr));
            }
        }
        Ok(out.len() - before)
    }

    /// Send each of `frames` as one datagram to `dest`, in order: runs of equal-sized frames
    /// go out in one system call where the platform allows (GSO), waiting while the socket
    /// buffer is full. A frame the operating system refuses (too large, unreachable) is
    /// dropped, as the network may drop any datagram. Returns the bytes sent; `scratch` is a
    /// reusable buffer.
    pub async fn send_to(
        &self,
        dest: SocketAddr,
        frames: &[Bytes],
        scratch: &mut Vec<u8>,
    ) -> usize {
        let mut sent = 0;
        let mut rest = frames;
        while let Some(first) = rest.first() {
            let run = self.gso_run(dest, rest);
            let (batch, tail) = rest.split_at(run);
            rest = tail;
            if run == 1 {
                if self.send_one(dest, first, None).await.is_ok() {
                    sent += first.len();
                }
                continue;
            }
            scratch.clear();
            for f in batch {
                scratch.extend_from_slice(f);
            }
            match self.send_one(dest, scratch, Some(first.len())).await {
                Ok(()) => sent += scratch.len(),
                // GSO refused (quinn-udp then turns it off for this socket): one by one
                Err(_) => {
                    for f in batch {
                        if self.send_one(dest, f, None).await.is_ok() {
                            sent += f.len();
                        }
                    }
                }
            }
        }
        sent
    }

    /// How many leading frames of `frames` (at least one) can leave in one GSO write: equal
    /// sizes, the last one possibly shorter, within the segment and byte limits.
    fn gso_run(&self, dest: SocketAddr, frames: &[Bytes]) -> usize {
        let Some(first) = frames.first() else {
            return 0;
        };
        let size = first.len();
        let max_segments = self.state.max_gso_segments();
        if max_segments <= 1 || size == 0 || !(size <= GSO_ANY_PATH || dest.ip().is_loopback()) {
            return 1;
        }
        let max_segments = max_segments.min(MAX_GSO_BYTES / size).max(1);
        let mut n = 1;
        for f in frames.iter().skip(1).take(max_segments - 1) {
            if f.len() > size || f.is_empty() {
                break;
            }
            n += 1;
            if f.len() < size {
                break;
            }
        }
        n
    }

    async fn send_one(
        &self,
        dest: SocketAddr,
        contents: &[u8],
        segment_size: Option<usize>,
    ) -> io::Result<()> {
        let transmit = Transmit {
            destination: dest,
            ecn: None,
            contents,
            segment_size,
            src_ip: None,
        };
        self.socket
            .async_io(Interest::WRITABLE, || {
                self.state.try_send((&self.socket).into(), &transmit)
            })
            .await
    }
}

/// Ask the kernel for send and receive buffers of `bytes` each on a plain UDP socket (the
/// kernel caps them at `net.core.wmem_max` / `rmem_max`), so that a burst of large Data (a
/// window of 8 KB segments) does not overflow the default receive buffer of about 200 KB.
#[cfg(unix)]
pub fn request_buffer_sizes(socket: &UdpSocket, bytes: usize) -> io::Result<()> {
    let value = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    set_int_option(socket, libc::SOL_SOCKET, libc::SO_SNDBUF, value)?;
    set_int_option(socket, libc::SOL_SOCKET, libc::SO_RCVBUF, value)
}

/// Other platforms: the operating system's defaults stay.
#[cfg(not(unix))]
pub fn request_buffer_sizes(_socket: &UdpSocket, _bytes: usize) -> io::Result<()> {
    Ok(())
}

/// `setsockopt` of an integer option.
#[cfg(unix)]
#[allow(unsafe_code)]
fn set_int_option(
    socket: &UdpSocket,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = socket.as_raw_fd();
    // SAFETY: `fd` is the open socket borrowed from `socket` for the whole call; the option
    // value points to a live `c_int` on this stack frame and its exact size is passed, so the
    // kernel reads only that integer.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&raw const value).cast(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Put the socket back to the kernel's default path MTU discovery ("want": fragment locally
/// when a datagram exceeds the path MTU) after quinn-udp chose "probe" (never fragment).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn restore_ip_fragmentation(socket: &UdpSocket, ipv6: bool) -> io::Result<()> {
    if ipv6 {
        set_int_option(
            socket,
            libc::IPPROTO_IPV6,
            libc::IPV6_MTU_DISCOVER,
            libc::IPV6_PMTUDISC_WANT,
        )?;
        set_int_option(socket, libc::IPPROTO_IPV6, libc::IPV6_DONTFRAG, 0)
    } else {
        set_int_option(
            socket,
            libc::IPPROTO_IP,
            libc::IP_MTU_DISCOVER,
            libc::IP_PMTUDISC_WANT,
        )
    }
}

/// Other platforms: quinn-udp's choice stays.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn restore_ip_fragmentation(_socket: &UdpSocket, _ipv6: bool) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pair() -> (BatchSocket, BatchSocket) {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        (BatchSocket::new(a).unwrap(), BatchSocket::new(b).unwrap())
    }

    fn frames(sizes: &[usize]) -> Vec<Bytes> {
        sizes
            .iter()
            .enumerate()
            .map(|(i, &n)| Bytes::from(vec![i as u8; n]))
            .collect()
    }

    async fn receive(b: &BatchSocket, count: usize) -> Vec<(Bytes, SocketAddr)> {
        let mut bufs = RecvBuffers::default();
        let mut out = Vec::new();
        while out.len() < count {
            b.recv(&mut bufs, &mut out).await.unwrap();
        }
        out
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn buffer_sizes_are_raised_up_to_the_kernel_limit() {
        let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let before = socket2::SockRef::from(&s).recv_buffer_size().unwrap();
        let rmem_max: usize = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        request_buffer_sizes(&s, 1 << 20).unwrap();
        let after = socket2::SockRef::from(&s).recv_buffer_size().unwrap();
        // Linux reports twice what was granted: the request capped at rmem_max
        assert_eq!(after, 2 * rmem_max.min(1 << 20), "before: {before}");
    }

    #[tokio::test]
    async fn datagrams_arrive_whole_and_in_order_whatever_the_runs() {
        let (a, b) = pair().await;
        let dest = b.socket().local_addr().unwrap();
        let from = a.socket().local_addr().unwrap();
        // equal runs (one GSO write each), a shorter tail, odd sizes, a large one
        let sizes = [100, 100, 100, 40, 7, 7, 1500, 1500, 1500, 9000, 9000, 1];
        let sent = frames(&sizes);
        let n = a.send_to(dest, &sent, &mut Vec::new()).await;
        assert_eq!(n, sizes.iter().sum::<usize>());
        let got = receive(&b, sent.len()).await;
        assert_eq!(got.len(), sent.len());
        for ((data, src), want) in got.iter().zip(&sent) {
            assert_eq!(data, want);
            assert_eq!(*src, from);
        }
    }

    #[tokio::test]
    async fn a_plain_receiver_gets_a_gso_run_as_separate_datagrams() {
        let a = BatchSocket::new(UdpSocket::bind("127.0.0.1:0").await.unwrap()).unwrap();
        let plain = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let dest = plain.local_addr().unwrap();
        let sent = frames(&[300; 40]);
        a.send_to(dest, &sent, &mut Vec::new()).await;
        let mut buf = vec![0u8; 65_536];
        for want in &sent {
            let (n, _) = plain.recv_from(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], &want[..]);
        }
    }

    #[test]
    fn runs_respect_sizes_and_limits() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (a, _) = pair().await;
            if a.state.max_gso_segments() <= 1 {
                return; // no GSO on this kernel: every run is one datagram
            }
            let lo: SocketAddr = "127.0.0.1:9".parse().unwrap();
            let remote: SocketAddr = "192.0.2.1:9".parse().unwrap();
            assert_eq!(a.gso_run(lo, &frames(&[100, 100, 50, 100])), 3);
            assert_eq!(a.gso_run(lo, &frames(&[100, 200])), 1);
            assert_eq!(a.gso_run(lo, &frames(&[8000; 20])), 8);
            // large frames to other hosts rely on IP fragmentation: never batched
            assert_eq!(a.gso_run(remote, &frames(&[8000; 20])), 1);
            assert_eq!(a.gso_run(remote, &frames(&[1000; 20])), 20);
            assert_eq!(
                a.gso_run(lo, &frames(&[10; 200])),
                a.state.max_gso_segments()
            );
        });
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[allow(unsafe_code)]
    fn ip_fragmentation_stays_allowed() {
        use std::os::fd::AsRawFd;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (a, _) = pair().await;
            let mut value: libc::c_int = -1;
            let mut len = size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: a live socket, and a c_int buffer whose size is passed in `len`.
            let rc = unsafe {
                libc::getsockopt(
                    a.socket().as_raw_fd(),
                    libc::IPPROTO_IP,
                    libc::IP_MTU_DISCOVER,
                    (&raw mut value).cast(),
                    &raw mut len,
                )
            };
            assert_eq!(rc, 0);
            assert_eq!(value, libc::IP_PMTUDISC_WANT);
        });
    }
}
