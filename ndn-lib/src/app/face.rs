//! The client face: one connection to a forwarder, shared by clones of [`Face`].
//!
//! A dispatcher task ([`dispatch`](super::dispatch)) owns the pending Interest table and the
//! Interest filters; a reader and a writer task own the socket
//! ([`transport`](super::transport)).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::dispatch::{self, Command};
use super::error::{
    CLIENT_TRANSPORT_ENV, ConnectError, ControlError, DEFAULT_TRANSPORT, ExpressError, FaceClosed,
};
use super::pending::ReplySink;
use super::registration::Registration;
use super::transport::{self, Link};
use crate::face_uri::FaceUri;
use crate::mgmt::{
    ControlParameters, ControlResponse, Record, command_name, command_prefix, localhost_nfd,
    route_flags, route_origin, sign_command_interest,
};
use crate::name::Name;
use crate::packet::{Data, Interest, InterestBuilder};
use crate::sign::{DigestSha256, Signer};

/// Incoming Interests queued per filter before new ones are dropped.
const FILTER_QUEUE: usize = 4096;

/// Lifetime of management command Interests.
const COMMAND_LIFETIME: Duration = Duration::from_secs(4);

/// A Data and the NDNLPv2 fields it arrived with.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The Data.
    pub data: Data,
    /// NDNLPv2 CongestionMark (0 when absent).
    pub congestion_mark: u64,
}

/// An Interest to express: a wire, a decoded Interest or a builder. A missing Nonce is filled
/// in from the operating system's random number generator.
#[derive(Debug, Clone)]
pub enum OutInterest {
    /// An encoded Interest.
    Wire(Bytes),
    /// A decoded Interest.
    Decoded(Interest),
    /// A builder, encoded when expressed.
    Builder(InterestBuilder),
}

impl From<Bytes> for OutInterest {
    fn from(b: Bytes) -> Self {
        OutInterest::Wire(b)
    }
}

impl From<Interest> for OutInterest {
    fn from(i: Interest) -> Self {
        OutInterest::Decoded(i)
    }
}

impl From<InterestBuilder> for OutInterest {
    fn from(b: InterestBuilder) -> Self {
        OutInterest::Builder(b)
    }
}

impl OutInterest {
    fn into_interest(self) -> Result<Interest, ExpressError> {
        let i = match self {
            OutInterest::Wire(w) => Interest::decode(w).map_err(ExpressError::InvalidInterest)?,
            OutInterest::Decoded(i) => i,
            OutInterest::Builder(b) => {
                Interest::decode(b.encode()).map_err(ExpressError::InvalidInterest)?
            }
        };
        Ok(match i.nonce() {
            Some(_) => i,
            None => i.with_nonce(random_u32()),
        })
    }
}

pub(crate) fn random_u32() -> u32 {
    let mut b = [0u8; 4];
    // a failing OS RNG leaves zeros; a Nonce needs no secrecy
    let _ = getrandom::fill(&mut b);
    u32::from_ne_bytes(b)
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The forwarder URI for a value of `NDN_CLIENT_TRANSPORT` (unset or empty: the default).
pub fn client_transport(value: Option<String>) -> String {
    value
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_TRANSPORT.to_owned())
}

pub(crate) struct Shared {
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    outgoing: mpsc::UnboundedSender<Bytes>,
    uri: String,
    /// The forwarder gives this face local scope (see [`Face::has_local_scope`]).
    local_scope: bool,
    signer: Mutex<Arc<dyn Signer + Send + Sync>>,
    next_filter: AtomicU64,
}

/// A connection to a forwarder. Cheap to clone; the connection closes when the last clone
/// (and the last [`Registration`]) is dropped.
#[derive(Clone)]
pub struct Face {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("uri", &self.shared.uri)
            .finish_non_exhaustive()
    }
}

impl Face {
    /// Connect to the forwarder named by `NDN_CLIENT_TRANSPORT`, or to
    /// `unix:///run/nfd/nfd.sock` when it is not set.
    pub async fn connect() -> Result<Face, ConnectError> {
        Face::connect_to(&client_transport(std::env::var(CLIENT_TRANSPORT_ENV).ok())).await
    }

    /// Connect to the forwarder at a face URI such as `unix:///run/nfd/nfd.sock`,
    /// `tcp4://127.0.0.1:6363`, `udp4://127.0.0.1:6363` or `ws://127.0.0.1:9696`.
    pub async fn connect_to(uri: &str) -> Result<Face, ConnectError> {
        let parsed = FaceUri::parse(uri).map_err(|e| ConnectError::BadUri {
            value: uri.to_owned(),
            reason: e.reason,
        })?;
        let link = transport::connect(&parsed).await?;
        Ok(Face::from_link(link, parsed.to_string()))
    }

    /// A face over an already connected byte stream (e.g. an in-process pipe), framed by TLV
    /// elements. `label` names it in messages. Must be called within a tokio runtime (it
    /// spawns the face's tasks).
    pub fn from_stream<S>(stream: S, label: &str) -> Face
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
    {
        Face::from_link(transport::stream_link(stream), label.to_owned())
    }

    fn from_link(link: Link, uri: String) -> Face {
        let (commands, rx) = mpsc::unbounded_channel();
        let outgoing = link.outgoing.clone();
        let local_scope = link.local_scope;
        tokio::spawn(dispatch::run(rx, link));
        Face {
            shared: Arc::new(Shared {
                commands,
                outgoing,
                uri,
                local_scope,
                signer: Mutex::new(Arc::new(DigestSha256)),
                next_filter: AtomicU64::new(0),
            }),
        }
    }

    /// The URI this face is connected to.
    pub fn uri(&self) -> &str {
        &self.shared.uri
    }

    /// Whether the forwarder gives this face local scope, as NFD and `ndnd` do for a Unix
    /// socket and for TCP or WebSocket from a loopback address (never for UDP). Management
    /// commands under `/localhost/nfd` are honoured only on such a face; from any other,
    /// [`register`](Self::register) goes to `/localhop/nfd`.
    pub fn has_local_scope(&self) -> bool {
        self.shared.local_scope
    }

    /// Sign management commands with `signer` (DigestSha256 until set; see
    /// [`default_command_signer`](super::default_command_signer)).
    pub fn set_command_signer(&self, signer: Arc<dyn Signer + Send + Sync>) {
        if let Ok(mut s) = self.shared.signer.lock() {
            *s = signer;
        }
    }

    fn command_signer(&self) -> Arc<dyn Signer + Send + Sync> {
        match self.shared.signer.lock() {
            Ok(s) => s.clone(),
            Err(_) => Arc::new(DigestSha256),
        }
    }

    /// Express an Interest and wait for its Data. `timeout` defaults to the InterestLifetime.
    pub async fn express(
        &self,
        interest: impl Into<OutInterest>,
        timeout: Option<Duration>,
    ) -> Result<Data, ExpressError> {
        self.request(interest, timeout).await.map(|r| r.data)
    }

    /// Like [`express`](Self::express), with the NDNLPv2 fields of the reply.
    pub async fn request(
        &self,
        interest: impl Into<OutInterest>,
        timeout: Option<Duration>,
    ) -> Result<Reply, ExpressError> {
        let interest = interest.into().into_interest()?;
        let timeout = timeout.unwrap_or(Duration::from_millis(interest.lifetime_ms()));
        let (tx, rx) = oneshot::channel();
        self.submit(
            interest,
            timeout,
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        rx.await.unwrap_or(Err(ExpressError::Closed))
    }

    /// Express `interest`; `sink` gets the outcome (Data, Nack, timeout or closed).
    pub(crate) fn submit(&self, interest: Interest, timeout: Duration, sink: ReplySink) {
        let cmd = Command::Express {
            interest,
            deadline: Instant::now() + timeout,
            sink,
        };
        if let Err(mpsc::error::SendError(Command::Express { sink, .. })) =
            self.shared.commands.send(cmd)
        {
            sink(Err(ExpressError::Closed));
        }
    }

    /// Send a Data (or any packet) to the forwarder.
    pub fn put(&self, wire: Bytes) -> Result<(), FaceClosed> {
        self.shared.outgoing.send(wire).map_err(|_| FaceClosed)
    }

    /// Receive Interests under `prefix` without registering a route (for a prefix the
    /// forwarder already routes here).
    pub fn listen(&self, prefix: Name) -> Registration {
        let id = self.shared.next_filter.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(FILTER_QUEUE);
        let _ = self.shared.commands.send(Command::AddFilter {
            id,
            prefix: prefix.clone(),
            tx,
        });
        Registration::new(self.clone(), id, prefix, rx)
    }

    /// Register `prefix` with the forwarder (`rib/register`, signed with the command signer)
    /// and receive the Interests under it. On a face without local scope (UDP, or a remote
    /// TCP or WebSocket connection) the command goes to `/localhop/nfd`, which the forwarder
    /// must be configured to accept (`ndnd`'s `localhop_rib_register`, NFD's
    /// `localhop_security`).
    pub async fn register(&self, prefix: Name) -> Result<Registration, ControlError> {
        let mut reg = self.listen(prefix.clone());
        let mut params = ControlParameters::with_name(prefix);
        params.origin = Some(route_origin::APP);
        params.cost = Some(0);
        params.flags = Some(route_flags::CHILD_INHERIT);
        self.command("rib", "register", &params).await?;
        reg.set_routed();
        Ok(reg)
    }

    /// Remove the route for `prefix` (`rib/unregister`).
    pub async fn unregister(&self, prefix: &Name) -> Result<(), ControlError> {
        let mut params = ControlParameters::with_name(prefix.clone());
        params.origin = Some(route_origin::APP);
        self.command("rib", "unregister", &params).await.map(|_| ())
    }

    /// Send a signed management command `/localhost/nfd/<module>/<verb>` (`rib` commands on
    /// a face without local scope: `/localhop/nfd/rib/<verb>`, see [`command_prefix`]) and
    /// return the forwarder's successful answer.
    pub async fn command(
        &self,
        module: &str,
        verb: &str,
        params: &ControlParameters,
    ) -> Result<ControlResponse, ControlError> {
        let local = self.has_local_scope();
        let prefix = command_prefix(module, local);
        let what = match &params.name {
            Some(n) => format!("{module}/{verb} {n}"),
            None => format!("{module}/{verb}"),
        };
        // why a command on a face without local scope may get no answer
        let unanswered = match (local, prefix == localhost_nfd()) {
            (true, _) => String::new(),
            (false, true) => format!(
                " (sent over {}, a face without local scope, from which forwarders take no \
                 /localhost command: use a Unix socket or TCP to a loopback address)",
                self.uri()
            ),
            (false, false) => format!(
                " (sent to {prefix} over {}, a face without local scope: the forwarder must \
                 accept remote registration, as ndnd does with localhop_rib_register = true)",
                self.uri()
            ),
        };
        let builder = InterestBuilder::new(command_name(&prefix, module, verb, params))
            .nonce(random_u32())
            .lifetime_ms(COMMAND_LIFETIME.as_millis() as u64);
        let mut sig_nonce = [0u8; 8];
        let _ = getrandom::fill(&mut sig_nonce);
        let signer = self.command_signer();
        let wire = sign_command_interest(&builder, signer.as_ref(), unix_ms(), &sig_nonce)
            .map_err(|e| ControlError::Sign {
                command: what.clone(),
                reason: e.to_string(),
            })?;
        let data = self
            .express(wire, Some(COMMAND_LIFETIME))
            .await
            .map_err(|error| ControlError::Express {
                command: format!("{what}{unanswered}"),
                error,
            })?;
        let resp =
            ControlResponse::decode(data.content()).map_err(|error| ControlError::BadResponse {
                command: what.clone(),
                error,
            })?;
        if !resp.is_success() {
            return Err(ControlError::Refused {
                command: what,
                code: resp.status_code,
                text: resp.status_text,
                body: resp.body.map(Box::new),
            });
        }
        Ok(resp)
    }
}
