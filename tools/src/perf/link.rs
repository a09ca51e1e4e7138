//! A lean connection to a forwarder for load generation: frames in batches, writes in batches.
//! Stream transports (Unix, TCP) and UDP, chosen by face URI as `NDN_CLIENT_TRANSPORT` names it.

use bytes::{Bytes, BytesMut};
use ndn::app::framing::FrameBuffer;
use ndn::app::udp_batch::{BatchSocket, RecvBuffers};
use ndn::face_uri::{FaceUri, Scheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket, UnixStream};

/// A connection that reads and writes whole packets.
pub enum Link {
    /// A Unix stream socket.
    Unix(UnixStream, FrameBuffer),
    /// A TCP connection.
    Tcp(TcpStream, FrameBuffer),
    /// A connected UDP socket (one packet per datagram), read and written in batches.
    Udp(Box<UdpLink>),
}

/// The UDP side of a [`Link`].
pub struct UdpLink {
    socket: BatchSocket,
    remote: std::net::SocketAddr,
    bufs: RecvBuffers,
    received: Vec<(Bytes, std::net::SocketAddr)>,
    scratch: Vec<u8>,
}

/// Why the forwarder could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Nothing listens at the URI.
    #[error("no forwarder is listening on {0}; start one with `ndnd`, or set NDN_CLIENT_TRANSPORT")]
    NoForwarder(String),
    /// The URI is not usable.
    #[error("{0}")]
    BadUri(String),
    /// Another I/O error.
    #[error("{uri}: {source}")]
    Io {
        /// The forwarder URI.
        uri: String,
        /// The error.
        source: std::io::Error,
    },
}

fn io_err(uri: &str, e: std::io::Error) -> LinkError {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::NotFound => {
            LinkError::NoForwarder(uri.to_owned())
        }
        _ => LinkError::Io {
            uri: uri.to_owned(),
            source: e,
        },
    }
}

impl Link {
    /// Connect to the forwarder at `uri` (`unix://`, `tcp4://`, `udp4://`, ...).
    pub async fn connect(uri: &str) -> Result<Link, LinkError> {
        let parsed = FaceUri::parse(uri).map_err(|e| LinkError::BadUri(e.to_string()))?;
        match parsed.scheme {
            Scheme::Unix => {
                let s = UnixStream::connect(&parsed.path)
                    .await
                    .map_err(|e| io_err(uri, e))?;
                Ok(Link::Unix(s, FrameBuffer::new()))
            }
            s if s.is_tcp() => {
                let addr = format!("{}:{}", bracket(&parsed.host), parsed.port.unwrap_or(6363));
                let s = TcpStream::connect(addr).await.map_err(|e| io_err(uri, e))?;
                let _ = s.set_nodelay(true);
                Ok(Link::Tcp(s, FrameBuffer::new()))
            }
            s if s.is_udp() => {
                let addr = format!("{}:{}", bracket(&parsed.host), parsed.port.unwrap_or(6363));
                let remote = tokio::net::lookup_host(&addr)
                    .await
                    .map_err(|e| io_err(uri, e))?
                    .next()
                    .ok_or_else(|| LinkError::BadUri(format!("cannot resolve {addr}")))?;
                let local = if remote.is_ipv6() {
                    "[::]:0"
                } else {
                    "0.0.0.0:0"
                };
                let s = UdpSocket::bind(local).await.map_err(|e| io_err(uri, e))?;
                s.connect(remote).await.map_err(|e| io_err(uri, e))?;
                let socket = BatchSocket::new(s).map_err(|e| io_err(uri, e))?;
                // room for a window of large Data arriving at once, as ndnd has
                let _ = socket.set_buffer_sizes(4 << 20);
                Ok(Link::Udp(Box::new(UdpLink {
                    socket,
                    remote,
                    bufs: RecvBuffers::default(),
                    received: Vec::new(),
                    scratch: Vec::new(),
                })))
            }
            _ => Err(LinkError::BadUri(format!(
                "{uri}: use unix://, tcp4://, tcp6://, udp4:// or udp6://"
            ))),
        }
    }

    /// Whether the forwarder gives this connection local scope: a Unix socket, or TCP from a
    /// loopback address; never UDP (the rule of NFD and `ndnd`).
    pub fn has_local_scope(&self) -> bool {
        match self {
            Link::Unix(..) => true,
            Link::Tcp(s, _) => s.local_addr().is_ok_and(|a| a.ip().is_loopback()),
            Link::Udp(..) => false,
        }
    }

    /// Send packets; on streams they go in one write.
    pub async fn send_all(
        &mut self,
        packets: &[Bytes],
        scratch: &mut BytesMut,
    ) -> std::io::Result<()> {
        match self {
            Link::Unix(s, _) => write_batch(s, packets, scratch).await,
            Link::Tcp(s, _) => write_batch(s, packets, scratch).await,
            Link::Udp(u) => {
                u.socket.send_to(u.remote, packets, &mut u.scratch).await;
                Ok(())
            }
        }
    }

    /// Wait for input and return every whole packet available (at least one, or an error at
    /// end of stream).
    pub async fn recv_some(&mut self, out: &mut Vec<Bytes>) -> std::io::Result<()> {
        match self {
            Link::Unix(s, fb) => read_frames(s, fb, out).await,
            Link::Tcp(s, fb) => read_frames(s, fb, out).await,
            Link::Udp(u) => {
                u.socket.recv(&mut u.bufs, &mut u.received).await?;
                // take what else is already queued without waiting
                while u
                    .socket
                    .try_recv(&mut u.bufs, &mut u.received)
                    .is_ok_and(|n| n > 0)
                {}
                out.extend(u.received.drain(..).map(|(p, _)| p));
                Ok(())
            }
        }
    }
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

async fn write_batch<W: AsyncWriteExt + Unpin>(
    w: &mut W,
    packets: &[Bytes],
    scratch: &mut BytesMut,
) -> std::io::Result<()> {
    match packets {
        [] => Ok(()),
        [one] => w.write_all(one).await,
        many => {
            scratch.clear();
            for p in many {
                scratch.extend_from_slice(p);
            }
            w.write_all(scratch).await
        }
    }
}

async fn read_frames<R: AsyncReadExt + Unpin>(
    r: &mut R,
    fb: &mut FrameBuffer,
    out: &mut Vec<Bytes>,
) -> std::io::Result<()> {
    loop {
        loop {
            match fb.next_frame() {
                Ok(Some(f)) => out.push(f),
                Ok(None) => break,
                Err(e) => return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            }
        }
        if !out.is_empty() {
            return Ok(());
        }
        let buf = fb.buf_mut();
        if buf.capacity() - buf.len() < 32 * 1024 {
            buf.reserve(128 * 1024);
        }
        if r.read_buf(buf).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
}
