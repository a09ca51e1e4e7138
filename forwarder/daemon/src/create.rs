//! Creating outgoing faces by URI: for `faces/create` commands and static routes.

use std::net::SocketAddr;
use std::time::Duration;

use ndn::face_uri::{FaceUri, Scheme};
use ndn::mgmt::status_code;
use ndn_fw::{FaceId, FacePersistency};
use tokio::sync::{mpsc, oneshot};

use crate::face::ethernet::{self, Mac};
use crate::face::stream::{self, FaceOptions};
use crate::face::udp::UdpCommand;
use crate::face::{Connect, ForwarderLink, ToForwarder};

/// How long a TCP connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A status code and explanation for a face that could not be created.
pub type CreateError = (u32, String);

/// Creates faces on request; cheap to clone.
#[derive(Debug, Clone)]
pub struct FaceCreator {
    fw: ForwarderLink,
    udp4: Option<mpsc::Sender<UdpCommand>>,
    udp6: Option<mpsc::Sender<UdpCommand>>,
    /// The Ethernet unicast channels, by interface name.
    ether: Vec<(String, mpsc::Sender<Connect<Mac>>)>,
    opts: FaceOptions,
}

/// Ask a channel for the face to `remote`.
async fn connect<A>(
    channel: &mpsc::Sender<Connect<A>>,
    remote: A,
    persistency: FacePersistency,
) -> Result<(FaceId, bool), CreateError> {
    let closed = || {
        (
            status_code::SERVICE_UNAVAILABLE,
            "the channel closed".to_owned(),
        )
    };
    let (reply, rx) = oneshot::channel();
    channel
        .send(Connect {
            remote,
            persistency,
            reply,
        })
        .await
        .map_err(|_| closed())?;
    rx.await
        .map_err(|_| closed())?
        .map_err(|e| (status_code::SERVICE_UNAVAILABLE, e))
}

impl FaceCreator {
    /// A creator using the given UDP channels (when listening) for UDP faces.
    pub fn new(
        fw: ForwarderLink,
        udp4: Option<mpsc::Sender<UdpCommand>>,
        udp6: Option<mpsc::Sender<UdpCommand>>,
        opts: FaceOptions,
    ) -> Self {
        FaceCreator {
            fw,
            udp4,
            udp6,
            ether: Vec::new(),
            opts,
        }
    }

    /// The same creator, with Ethernet unicast channels (interface name, channel).
    pub fn with_ethernet(mut self, ether: Vec<(String, mpsc::Sender<Connect<Mac>>)>) -> Self {
        self.ether = ether;
        self
    }

    /// The Ethernet face to `uri` through the interface `local` names (`dev://IFNAME`; may be
    /// left out when one interface has an Ethernet channel).
    async fn ethernet(
        &self,
        uri: &FaceUri,
        local: Option<&str>,
        persistency: FacePersistency,
    ) -> Result<(FaceId, bool), CreateError> {
        let remote = ethernet::parse_mac(&uri.host)
            .ok_or((status_code::BAD_REQUEST, "not a MAC address".to_owned()))?;
        let ifname = match local {
            Some(l) => {
                let l = FaceUri::parse(l).map_err(|e| (status_code::BAD_REQUEST, e.to_string()))?;
                if l.scheme != Scheme::Dev {
                    return Err((
                        status_code::BAD_REQUEST,
                        "the LocalUri of an Ethernet face is dev://IFNAME".into(),
                    ));
                }
                Some(l.host)
            }
            None => None,
        };
        let channel = match (&ifname, self.ether.as_slice()) {
            (Some(name), all) => all.iter().find(|(n, _)| n == name),
            (None, [only]) => Some(only),
            (None, _) => {
                return Err((
                    status_code::BAD_REQUEST,
                    "an Ethernet face needs a LocalUri dev://IFNAME naming its interface".into(),
                ));
            }
        };
        let Some((_, channel)) = channel else {
            return Err((
                status_code::NOT_ACCEPTABLE,
                "no Ethernet unicast channel on that interface (ethernet_unicast in [faces])"
                    .into(),
            ));
        };
        connect(channel, remote, persistency).await
    }

    /// Send a message to the forwarding task.
    pub async fn report(&self, m: ToForwarder) {
        let _ = self.fw.sender().send(m).await;
    }

    async fn resolve(uri: &FaceUri) -> Result<SocketAddr, CreateError> {
        if let Some(a) = uri.socket_addr() {
            return Ok(a);
        }
        let port = uri.port.unwrap_or(ndn::face_uri::DEFAULT_PORT);
        let want_v6 = matches!(uri.scheme, Scheme::Udp6 | Scheme::Tcp6);
        let want_v4 = matches!(uri.scheme, Scheme::Udp4 | Scheme::Tcp4);
        let mut addrs = tokio::net::lookup_host((uri.host.as_str(), port))
            .await
            .map_err(|e| {
                (
                    status_code::BAD_REQUEST,
                    format!("cannot resolve {}: {e}", uri.host),
                )
            })?;
        addrs
            .find(|a| (!want_v6 || a.is_ipv6()) && (!want_v4 || a.is_ipv4()))
            .ok_or((
                status_code::BAD_REQUEST,
                format!("no address for {}", uri.host),
            ))
    }

    /// Create (or find) the face to `uri` (through `local`, for an Ethernet face); returns its
    /// id and whether it existed.
    pub async fn create(
        &self,
        uri: &str,
        local: Option<&str>,
        persistency: FacePersistency,
    ) -> Result<(FaceId, bool), CreateError> {
        let parsed = FaceUri::parse(uri).map_err(|e| (status_code::BAD_REQUEST, e.to_string()))?;
        if persistency == FacePersistency::OnDemand {
            return Err((
                status_code::NOT_ACCEPTABLE,
                "faces created by command cannot be on-demand".into(),
            ));
        }
        if parsed.scheme.is_udp() {
            let remote = Self::resolve(&parsed).await?;
            let channel = if remote.is_ipv6() {
                &self.udp6
            } else {
                &self.udp4
            };
            let Some(channel) = channel else {
                return Err((
                    status_code::NOT_ACCEPTABLE,
                    "no UDP channel of that address family is listening".into(),
                ));
            };
            return connect(channel, remote, persistency).await;
        }
        if parsed.scheme == Scheme::Ether {
            return self.ethernet(&parsed, local, persistency).await;
        }
        if parsed.scheme.is_tcp() {
            let remote = Self::resolve(&parsed).await?;
            let stream =
                tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(remote))
                    .await
                    .map_err(|_| {
                        (
                            status_code::TIMEOUT,
                            format!("connecting to {remote} timed out"),
                        )
                    })?
                    .map_err(|e| {
                        (
                            status_code::TIMEOUT,
                            format!("cannot connect to {remote}: {e}"),
                        )
                    })?;
            let _ = stream.set_nodelay(true);
            let local = stream
                .local_addr()
                .map_err(|e| (status_code::INTERNAL_ERROR, e.to_string()))?;
            let info = stream::tcp_face_info(remote, local, persistency);
            let (ready, rx) = oneshot::channel();
            tokio::spawn(stream::run_client(
                stream,
                remote,
                info,
                self.fw.clone(),
                self.opts,
                ready,
            ));
            let id = rx.await.map_err(|_| {
                (
                    status_code::SERVICE_UNAVAILABLE,
                    "forwarder is stopping".to_owned(),
                )
            })?;
            return Ok((id, false));
        }
        Err((
            status_code::NOT_ACCEPTABLE,
            format!(
                "faces cannot be created for {} URIs",
                uri.split("://").next().unwrap_or(uri)
            ),
        ))
    }
}
