//! Connecting to a forwarder: Unix stream, TCP, UDP or WebSocket. Each connection gets a reader
//! task that turns bytes into packets and a writer task that sends packets; the face talks to
//! them through channels.

use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use super::error::ConnectError;
use super::framing::FrameBuffer;
use crate::face_uri::{DEFAULT_PORT, DEFAULT_WS_PORT, FaceUri, Scheme};

/// Packets received and not yet taken by the face. Kept short so that a busy application
/// leaves the backlog in the forwarder's queue, where it is seen (and marked as congestion),
/// and so that a fetch can take everything that arrived before declaring a timeout.
const INCOMING_QUEUE: usize = 128;
/// Largest datagram read from UDP.
const MAX_DATAGRAM: usize = 65_536;
/// Kernel socket buffers asked for on a UDP link: 4 MB, about 500 Data of 8 KB.
const UDP_BUFFER_BYTES: usize = 4 << 20;

/// The two ends a face uses.
pub(crate) struct Link {
    /// Whole packets from the forwarder; closed when the connection ends.
    pub(crate) incoming: mpsc::Receiver<Bytes>,
    /// Packets to the forwarder.
    pub(crate) outgoing: mpsc::UnboundedSender<Bytes>,
    /// The forwarder gives this connection local scope, as NFD does for Unix sockets and for
    /// TCP or WebSocket connections from a loopback address, never for UDP.
    pub(crate) local_scope: bool,
}

/// Whether a forwarder sees a connection from `local` (this end's address) as local.
fn from_loopback(local: std::io::Result<std::net::SocketAddr>) -> bool {
    local.is_ok_and(|a| a.ip().is_loopback())
}

/// Connect to the forwarder at `uri`.
pub(crate) async fn connect(uri: &FaceUri) -> Result<Link, ConnectError> {
    let text = uri.to_string();
    match uri.scheme {
        #[cfg(unix)]
        Scheme::Unix => {
            let s = tokio::net::UnixStream::connect(&uri.path)
                .await
                .map_err(|e| ConnectError::from_io(text, e))?;
            Ok(stream_link(s))
        }
        Scheme::Tcp | Scheme::Tcp4 | Scheme::Tcp6 => {
            let port = uri.port.unwrap_or(DEFAULT_PORT);
            let s = TcpStream::connect((uri.host.as_str(), port))
                .await
                .map_err(|e| ConnectError::from_io(text, e))?;
            // packets are small and latency matters more than segment count
            let _ = s.set_nodelay(true);
            let local_scope = from_loopback(s.local_addr());
            Ok(Link {
                local_scope,
                ..stream_link(s)
            })
        }
        Scheme::Udp | Scheme::Udp4 | Scheme::Udp6 => {
            let port = uri.port.unwrap_or(DEFAULT_PORT);
            let addr = tokio::net::lookup_host((uri.host.as_str(), port))
                .await
                .map_err(|e| ConnectError::from_io(text.clone(), e))?
                .next()
                .ok_or_else(|| ConnectError::Io {
                    uri: text.clone(),
                    source: std::io::Error::new(std::io::ErrorKind::NotFound, "no address"),
                })?;
            let local = if addr.is_ipv6() {
                "[::]:0"
            } else {
                "0.0.0.0:0"
            };
            let s = UdpSocket::bind(local)
                .await
                .map_err(|e| ConnectError::from_io(text.clone(), e))?;
            s.connect(addr)
                .await
                .map_err(|e| ConnectError::from_io(text.clone(), e))?;
            probe_udp_forwarder(&s)
                .await
                .map_err(|e| ConnectError::from_io(text, e))?;
            // a window of large Data arrives at once; best effort, the defaults still work
            let _ = super::udp_batch::request_buffer_sizes(&s, UDP_BUFFER_BYTES);
            Ok(udp_link(s))
        }
        Scheme::Ws => {
            let port = uri.port.unwrap_or(DEFAULT_WS_PORT);
            let host = if uri.host.contains(':') {
                format!("[{}]", uri.host)
            } else {
                uri.host.clone()
            };
            let url = format!("ws://{host}:{port}/");
            match tokio_tungstenite::connect_async(url).await {
                Ok((ws, _)) => {
                    let local_scope = match ws.get_ref() {
                        tokio_tungstenite::MaybeTlsStream::Plain(s) => {
                            from_loopback(s.local_addr())
                        }
                        _ => false,
                    };
                    Ok(Link {
                        local_scope,
                        ..ws_link(ws)
                    })
                }
                Err(tokio_tungstenite::tungstenite::Error::Io(e)) => {
                    Err(ConnectError::from_io(text, e))
                }
                Err(e) => Err(ConnectError::WebSocket {
                    uri: text,
                    reason: e.to_string(),
                }),
            }
        }
        _ => Err(ConnectError::Unsupported { uri: text }),
    }
}

/// How long a UDP connection waits for the sign that nothing listens at the forwarder's port.
const UDP_PROBE_WAIT: Duration = Duration::from_millis(20);

/// Tell a UDP "connection" to a port where nothing listens, as Unix and TCP connections tell
/// it at once: send an NDNLPv2 IDLE packet (an LpPacket with no fragment, which forwarders
/// take and drop) and wait briefly for the ICMP port unreachable that comes back as
/// ConnectionRefused (at once on this host; a remote host's may come later, and is missed).
/// Nothing received is consumed.
async fn probe_udp_forwarder(socket: &UdpSocket) -> std::io::Result<()> {
    const IDLE: [u8; 2] = [0x64, 0x00];
    socket.send(&IDLE).await?;
    let mut byte = [0u8; 1];
    match tokio::time::timeout(UDP_PROBE_WAIT, socket.peek(&mut byte)).await {
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => Err(e),
        _ => Ok(()),
    }
}

/// Reader and writer tasks over a byte stream, framed by TLV elements.
pub(crate) fn stream_link<S>(stream: S) -> Link
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut r, mut w) = tokio::io::split(stream);
    let (in_tx, incoming) = mpsc::channel(INCOMING_QUEUE);
    let (outgoing, mut out_rx) = mpsc::unbounded_channel::<Bytes>();
    tokio::spawn(async move {
        let mut frames = FrameBuffer::new();
        loop {
            match r.read_buf(frames.buf_mut()).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            loop {
                match frames.next_frame() {
                    Ok(Some(f)) => {
                        if in_tx.send(f).await.is_err() {
                            return;
                        }
                    }
                    Ok(None) => break,
                    // a stream that cannot be framed cannot be resynchronized
                    Err(_) => return,
                }
            }
        }
    });
    tokio::spawn(async move {
        while let Some(p) = out_rx.recv().await {
            if w.write_all(&p).await.is_err() {
                return;
            }
        }
        let _ = w.shutdown().await;
    });
    Link {
        incoming,
        outgoing,
        local_scope: true,
    }
}

fn udp_link(socket: UdpSocket) -> Link {
    let socket = std::sync::Arc::new(socket);
    let (in_tx, incoming) = mpsc::channel(INCOMING_QUEUE);
    let (outgoing, mut out_rx) = mpsc::unbounded_channel::<Bytes>();
    let rs = socket.clone();
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        loop {
            match rs.recv(&mut buf).await {
                Ok(n) => {
                    let p = Bytes::copy_from_slice(buf.get(..n).unwrap_or_default());
                    if in_tx.send(p).await.is_err() {
                        return;
                    }
                }
                // ICMP port unreachable shows up as ConnectionRefused: keep listening
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
                Err(_) => return,
            }
        }
    });
    tokio::spawn(async move {
        while let Some(p) = out_rx.recv().await {
            match socket.send(&p).await {
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {}
                Err(_) => break,
            }
        }
        // the face is gone: stop reading too
        reader.abort();
    });
    Link {
        incoming,
        outgoing,
        local_scope: false,
    }
}

fn ws_link<S>(ws: tokio_tungstenite::WebSocketStream<S>) -> Link
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sink, mut stream) = ws.split();
    let (in_tx, incoming) = mpsc::channel(INCOMING_QUEUE);
    let (outgoing, mut out_rx) = mpsc::unbounded_channel::<Bytes>();
    tokio::spawn(async move {
        while let Some(Ok(msg)) = stream.next().await {
            let keep_going = match msg {
                Message::Binary(b) => in_tx.send(b).await.is_ok(),
                Message::Close(_) => false,
                _ => true,
            };
            if !keep_going {
                return;
            }
        }
    });
    tokio::spawn(async move {
        while let Some(p) = out_rx.recv().await {
            if sink.send(Message::Binary(p)).await.is_err() {
                return;
            }
        }
        let _ = sink.close().await;
    });
    Link {
        incoming,
        outgoing,
        local_scope: true,
    }
}
