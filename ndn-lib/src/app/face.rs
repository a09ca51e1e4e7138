//! The client face: one connection to a forwarder, shared by clones of [`Face`].
//!
//! A dispatcher task owns the pending Interest table and the Interest filters; a reader and a
//! writer task own the socket ([`transport`](super::transport)). Incoming packets may be bare
//! Interest/Data or NDNLPv2 LpPackets (Nacks, congestion marks, PIT tokens, fragments).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::error::{
    CLIENT_TRANSPORT_ENV, ConnectError, ControlError, DEFAULT_TRANSPORT, ExpressError, FaceClosed,
};
use super::pending::{PendingTable, ReplySink};
use super::transport::{self, Link};
use crate::face_uri::FaceUri;
use crate::lp::{LpPacket, NackReason, Reassembler, ReassemblyLimits};
use crate::mgmt::{
    ControlParameters, ControlResponse, Record, command_name, localhost_nfd, route_flags,
    route_origin, sign_command_interest,
};
use crate::name::Name;
use crate::packet::{Data, Interest, InterestBuilder, Packet};
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

enum Command {
    Express {
        interest: Interest,
        deadline: Instant,
        sink: ReplySink,
    },
    AddFilter {
        id: u64,
        prefix: Name,
        tx: mpsc::Sender<(Interest, Responder)>,
    },
    RemoveFilter {
        id: u64,
    },
}

struct Shared {
    commands: mpsc::UnboundedSender<Command>,
    outgoing: mpsc::UnboundedSender<Bytes>,
    uri: String,
    signer: Mutex<Arc<dyn Signer + Send + Sync>>,
    next_filter: AtomicU64,
}

/// A connection to a forwarder. Cheap to clone; the connection closes when the last clone
/// (and the last [`Registration`]) is dropped.
#[derive(Clone)]
pub struct Face {
    shared: Arc<Shared>,
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
    /// elements. `label` names it in messages.
    pub fn from_stream<S>(stream: S, label: &str) -> Face
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + 'static,
    {
        Face::from_link(transport::stream_link(stream), label.to_owned())
    }

    fn from_link(link: Link, uri: String) -> Face {
        let (commands, rx) = mpsc::unbounded_channel();
        let outgoing = link.outgoing.clone();
        tokio::spawn(dispatch(rx, link));
        Face {
            shared: Arc::new(Shared {
                commands,
                outgoing,
                uri,
                signer: Mutex::new(Arc::new(DigestSha256)),
                next_filter: AtomicU64::new(0),
            }),
        }
    }

    /// The URI this face is connected to.
    pub fn uri(&self) -> &str {
        &self.shared.uri
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
        Registration {
            face: self.clone(),
            id,
            prefix,
            rx,
            routed: false,
        }
    }

    /// Register `prefix` with the forwarder (`rib/register`, signed with the command signer)
    /// and receive the Interests under it.
    pub async fn register(&self, prefix: Name) -> Result<Registration, ControlError> {
        let mut reg = self.listen(prefix.clone());
        let mut params = ControlParameters::with_name(prefix);
        params.origin = Some(route_origin::APP);
        params.cost = Some(0);
        params.flags = Some(route_flags::CHILD_INHERIT);
        self.command("rib", "register", &params).await?;
        reg.routed = true;
        Ok(reg)
    }

    /// Remove the route for `prefix` (`rib/unregister`).
    pub async fn unregister(&self, prefix: &Name) -> Result<(), ControlError> {
        let mut params = ControlParameters::with_name(prefix.clone());
        params.origin = Some(route_origin::APP);
        self.command("rib", "unregister", &params).await.map(|_| ())
    }

    /// Send a signed management command `/localhost/nfd/<module>/<verb>` and return the
    /// forwarder's successful answer.
    pub async fn command(
        &self,
        module: &str,
        verb: &str,
        params: &ControlParameters,
    ) -> Result<ControlResponse, ControlError> {
        let what = match &params.name {
            Some(n) => format!("{module}/{verb} {n}"),
            None => format!("{module}/{verb}"),
        };
        let builder = InterestBuilder::new(command_name(&localhost_nfd(), module, verb, params))
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
                command: what.clone(),
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
            });
        }
        Ok(resp)
    }
}

/// Interests under a prefix, from [`Face::register`] or [`Face::listen`]. Dropping it stops
/// the delivery (the route stays until [`unregister`](Self::unregister) or the connection
/// closes).
#[derive(Debug)]
pub struct Registration {
    face: Face,
    id: u64,
    prefix: Name,
    rx: mpsc::Receiver<(Interest, Responder)>,
    routed: bool,
}

impl Registration {
    /// The next Interest and a [`Responder`] for it; `None` once the connection is closed.
    pub async fn recv(&mut self) -> Option<(Interest, Responder)> {
        self.rx.recv().await
    }

    /// The prefix.
    pub fn prefix(&self) -> &Name {
        &self.prefix
    }

    /// The face it belongs to.
    pub fn face(&self) -> &Face {
        &self.face
    }

    /// Stop receiving and, if the prefix was registered, remove the route.
    pub async fn unregister(self) -> Result<(), ControlError> {
        if self.routed {
            self.face.unregister(&self.prefix).await?;
        }
        Ok(())
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let _ = self
            .face
            .shared
            .commands
            .send(Command::RemoveFilter { id: self.id });
    }
}

/// Answers one incoming Interest (echoing its NDNLPv2 PIT token, if it had one).
#[derive(Debug, Clone)]
pub struct Responder {
    outgoing: mpsc::UnboundedSender<Bytes>,
    pit_token: Option<Bytes>,
    interest: Interest,
}

impl Responder {
    fn wrap(&self, lp: LpPacket) -> Bytes {
        LpPacket {
            pit_token: self.pit_token.clone(),
            ..lp
        }
        .to_link_wire()
    }

    /// Send a Data wire in reply.
    pub fn respond(&self, data: Bytes) -> Result<(), FaceClosed> {
        let wire = self.wrap(LpPacket::from_fragment(data));
        self.outgoing.send(wire).map_err(|_| FaceClosed)
    }

    /// Reply with a Nack.
    pub fn nack(&self, reason: NackReason) -> Result<(), FaceClosed> {
        let wire = self.wrap(LpPacket {
            nack: Some(reason),
            ..LpPacket::from_fragment(self.interest.wire().clone())
        });
        self.outgoing.send(wire).map_err(|_| FaceClosed)
    }

    /// The Interest being answered.
    pub fn interest(&self) -> &Interest {
        &self.interest
    }
}

struct Filter {
    id: u64,
    prefix: Name,
    tx: mpsc::Sender<(Interest, Responder)>,
}

/// The dispatcher task: commands from face handles, packets from the reader, timeouts.
async fn dispatch(mut commands: mpsc::UnboundedReceiver<Command>, link: Link) {
    let Link {
        mut incoming,
        outgoing,
    } = link;
    let mut pending = PendingTable::default();
    let mut filters: Vec<Filter> = Vec::new();
    let mut reassembler = Reassembler::new(ReassemblyLimits::default());
    let start = Instant::now();
    let mut closed = false;
    loop {
        let next = pending.next_deadline();
        let wake = next.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            cmd = commands.recv() => match cmd {
                None => break,
                Some(Command::Express { interest, deadline, sink }) => {
                    if closed {
                        sink(Err(ExpressError::Closed));
                        continue;
                    }
                    let wire = interest.wire().clone();
                    pending.insert(&interest, deadline, sink);
                    if outgoing.send(wire).is_err() {
                        closed = true;
                        fail_all(&mut pending, &mut filters);
                    }
                }
                Some(Command::AddFilter { id, prefix, tx }) => {
                    if !closed {
                        filters.push(Filter { id, prefix, tx });
                    }
                }
                Some(Command::RemoveFilter { id }) => filters.retain(|f| f.id != id),
            },
            pkt = incoming.recv(), if !closed => match pkt {
                None => {
                    closed = true;
                    fail_all(&mut pending, &mut filters);
                }
                Some(p) => {
                    let now = start.elapsed();
                    on_packet(p, now, &mut pending, &mut filters, &mut reassembler, &outgoing);
                }
            },
            _ = tokio::time::sleep_until(wake), if next.is_some() => {
                for e in pending.expire(Instant::now()) {
                    e.finish(Err(ExpressError::Timeout));
                }
            }
        }
    }
}

fn fail_all(pending: &mut PendingTable, filters: &mut Vec<Filter>) {
    for e in pending.drain() {
        e.finish(Err(ExpressError::Closed));
    }
    filters.clear();
}

fn on_packet(
    wire: Bytes,
    now: Duration,
    pending: &mut PendingTable,
    filters: &mut Vec<Filter>,
    reassembler: &mut Reassembler,
    outgoing: &mpsc::UnboundedSender<Bytes>,
) {
    // undecodable packets are dropped, as a forwarder would
    let Ok(lp) = LpPacket::decode(wire) else {
        return;
    };
    let Ok(Some(lp)) = reassembler.receive(now, lp) else {
        return;
    };
    let Some(fragment) = lp.fragment.clone() else {
        return;
    };
    match Packet::decode(fragment) {
        Ok(Packet::Data(data)) => {
            let congestion_mark = lp.congestion_mark.unwrap_or(0);
            for e in pending.satisfy(&data) {
                e.finish(Ok(Reply {
                    data: data.clone(),
                    congestion_mark,
                }));
            }
        }
        Ok(Packet::Interest(interest)) => {
            if let Some(reason) = lp.nack {
                for e in pending.nack(interest.name(), interest.nonce()) {
                    e.finish(Err(ExpressError::Nack(reason)));
                }
                return;
            }
            filters.retain(|f| !f.tx.is_closed());
            for f in filters.iter() {
                if f.prefix.is_prefix_of(interest.name()) {
                    let responder = Responder {
                        outgoing: outgoing.clone(),
                        pit_token: lp.pit_token.clone(),
                        interest: interest.clone(),
                    };
                    // a full queue drops the Interest; the consumer will retransmit
                    let _ = f.tx.try_send((interest.clone(), responder));
                }
            }
        }
        Err(_) => {}
    }
}
