//! The forwarding task: owns the `ndn-fw` core, feeds it packets from every face, flushes its
//! transmits to per-face queues, and sleeps until its next timer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use ndn::Name;
use ndn::mgmt::route_flags;
use ndn_fw::{CongestionMarker, Event, FaceId, Forwarder, LinkFields, RibRoute};
use tokio::sync::{mpsc, oneshot};

use crate::Clock;
use crate::busy_poll::BusyPoll;
use crate::create::FaceCreator;
use crate::face::{FaceHandle, ToForwarder};
use crate::link::LinkSender;
use crate::metrics::{FaceSnapshot, Snapshot};
use crate::settings::ForwarderSettings;

/// Messages read from the queue per wake-up.
const BATCH: usize = 256;
struct FaceState {
    handle: FaceHandle,
    sender: LinkSender,
    marker: CongestionMarker,
    /// Packets this face marked for its own congestion.
    marks: u64,
}

/// The forwarding task.
pub struct Forwarding {
    fw: Forwarder,
    faces: BTreeMap<FaceId, FaceState>,
    rx: mpsc::Receiver<ToForwarder>,
    clock: Clock,
    creator: FaceCreator,
    congestion_marking: bool,
    /// How long to keep polling for packets after the last ones before sleeping.
    busy_poll: BusyPoll,
    /// Faces with NDNLPv2 reliability traffic to handle (Acks to send or received).
    control_faces: Vec<FaceId>,
    /// Faces with NDNLPv2 reliability on (their frames may need retransmitting).
    reliable_faces: BTreeSet<FaceId>,
    /// Namespaces whose strategy the configuration chose (unset when a reload drops them).
    config_strategies: Vec<Name>,
    /// Faces with received TxSequence numbers not acknowledged yet.
    ack_faces: BTreeSet<FaceId>,
}

impl Forwarding {
    /// A task around `fw` reading `rx`.
    pub fn new(
        fw: Forwarder,
        rx: mpsc::Receiver<ToForwarder>,
        clock: Clock,
        creator: FaceCreator,
        congestion_marking: bool,
        busy_poll: Duration,
    ) -> Self {
        Forwarding {
            fw,
            faces: BTreeMap::new(),
            rx,
            clock,
            creator,
            congestion_marking,
            busy_poll: BusyPoll::new(busy_poll),
            control_faces: Vec::new(),
            reliable_faces: BTreeSet::new(),
            config_strategies: Vec::new(),
            ack_faces: BTreeSet::new(),
        }
    }

    /// Run until `shutdown` fires or every sender is gone.
    pub async fn run(mut self, mut shutdown: oneshot::Receiver<()>) {
        let mut batch = Vec::with_capacity(BATCH);
        let mut sync = tokio::time::interval(Duration::from_secs(1));
        // packets were handled last time round: poll before sleeping
        let mut after_packets = false;
        loop {
            let deadline = [self.fw.poll_timeout(), self.link_deadline()]
                .into_iter()
                .flatten()
                .min()
                .map(|t| self.clock.instant_at(t));
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            let waiting = std::time::Instant::now();
            let window = self.busy_poll.window();
            if after_packets && !window.is_zero() {
                self.poll_for_packets(deadline, window).await;
            }
            after_packets = false;
            tokio::select! {
                biased;
                _ = &mut shutdown => break,
                n = self.rx.recv_many(&mut batch, BATCH) => {
                    after_packets = true;
                    self.busy_poll.after_wait(waiting.elapsed());
                    if n == 0 {
                        break;
                    }
                    let now = self.clock.now();
                    for m in batch.drain(..) {
                        self.handle(now, m);
                    }
                }
                _ = sleep => {
                    let now = self.clock.now();
                    self.fw.handle_timeout(now);
                    self.link_timeouts(now);
                }
                _ = sync.tick() => self.sync_faces(),
            }
            self.link_control();
            self.flush();
            self.send_acks(self.clock.now());
            self.events();
        }
        tracing::info!("forwarding stopped");
    }

    /// Wait for the next packets without letting the thread sleep, for at most `window` (see
    /// [`crate::busy_poll`]): each turn lets the runtime poll the sockets without blocking and
    /// run the face tasks, and lets other processes on this core run. Returns when packets
    /// are queued, the core's next timer is due, or the window has passed.
    async fn poll_for_packets(&mut self, deadline: Option<tokio::time::Instant>, window: Duration) {
        // one clock read per turn: the window's end and the timer's, whichever comes first
        let mut end = std::time::Instant::now() + window;
        if let Some(d) = deadline {
            end = end.min(d.into_std());
        }
        loop {
            if !self.rx.is_empty() || std::time::Instant::now() >= end {
                return;
            }
            tokio::task::yield_now().await;
            std::thread::yield_now();
        }
    }

    fn handle(&mut self, now: Duration, m: ToForwarder) {
        match m {
            ToForwarder::Packet { face, wire, link } => {
                self.note_control(face);
                self.handle_packet(now, face, wire, link);
            }
            ToForwarder::Packets { face, packets } => {
                self.note_control(face);
                for (wire, link) in packets {
                    self.handle_packet(now, face, wire, link);
                }
            }
            ToForwarder::Malformed(face) => self.fw.report_malformed(face),
            ToForwarder::LinkControl(face) => self.note_control(face),
            ToForwarder::AddFace {
                mut info,
                handle,
                reply,
            } => {
                info.congestion_marking_enabled = self.congestion_marking;
                let mtu = handle.mtu;
                let id = self.fw.add_face(now, info);
                let first_seq = id.0 << 40;
                self.faces.insert(
                    id,
                    FaceState {
                        handle,
                        sender: LinkSender::new(mtu, first_seq),
                        marker: CongestionMarker::default(),
                        marks: 0,
                    },
                );
                if reply.send(id).is_err() {
                    self.remove(now, id);
                }
            }
            ToForwarder::FaceClosed(face) => self.remove(now, face),
            ToForwarder::Metrics(reply) => {
                self.sync_faces();
                let _ = reply.send(self.snapshot());
            }
            ToForwarder::FaceCreated { request, result } => {
                let outcome = match result {
                    Ok((id, false)) => ndn_fw::FaceCreateOutcome::Created(id),
                    Ok((id, true)) => ndn_fw::FaceCreateOutcome::Exists(id),
                    Err((code, text)) => ndn_fw::FaceCreateOutcome::Failed { code, text },
                };
                self.fw.complete_face_create(now, request, outcome);
            }
            ToForwarder::StaticRoute { prefix, face, cost } => {
                self.add_static_route(now, &prefix, face, cost);
            }
            ToForwarder::Reconfigure { settings, reply } => {
                self.apply_settings(*settings);
                let _ = reply.send(());
            }
        }
    }

    /// Apply the forwarder settings of a configuration, at start or on reload. Strategy
    /// choices the previous configuration made and this one does not are unset, as NFD does;
    /// those made through management stay.
    pub fn apply_settings(&mut self, s: ForwarderSettings) {
        let fw = &mut self.fw;
        fw.cs_mut().set_capacity(s.cs_capacity, s.cs_capacity_bytes);
        fw.cs_mut().set_replacement(s.cs_replacement);
        fw.set_unsolicited_data_policy(s.unsolicited_data_policy);
        fw.set_strategy(&Name::new(), s.default_strategy);
        for prefix in &self.config_strategies {
            if !s.strategies.iter().any(|(p, _)| p == prefix) {
                fw.unset_strategy(prefix);
            }
        }
        self.config_strategies.clear();
        for (prefix, strategy) in s.strategies {
            fw.set_strategy(&prefix, strategy);
            self.config_strategies.push(prefix);
        }
        fw.set_network_regions(s.network_regions);
        fw.set_localhop_registration(s.localhop_rib_register);
        fw.set_authorizations(s.authorizations);
        self.busy_poll = BusyPoll::new(s.busy_poll);
    }

    fn add_static_route(&mut self, now: Duration, prefix: &Name, face: FaceId, cost: u64) {
        let route = RibRoute {
            face,
            origin: ndn::mgmt::route_origin::STATIC,
            cost,
            flags: route_flags::CHILD_INHERIT,
            expires: None,
        };
        self.fw.register_route(now, prefix, route);
    }

    fn remove(&mut self, now: Duration, face: FaceId) {
        self.reliable_faces.remove(&face);
        self.ack_faces.remove(&face);
        if let Some(state) = self.faces.remove(&face) {
            drop(state);
            self.fw.remove_face(now, face);
        }
    }

    /// Move the core's transmits into the faces' send queues.
    fn flush(&mut self) {
        let now = self.clock.now();
        while let Some(t) = self.fw.poll_transmit() {
            let Some(state) = self.faces.get_mut(&t.face) else {
                continue;
            };
            let (local_fields, marking, mtu, reliable) = self
                .fw
                .faces()
                .get(t.face)
                .map(|f| {
                    (
                        f.info.local_fields_enabled,
                        f.info.congestion_marking_enabled,
                        f.info.mtu,
                        f.info.lp_reliability_enabled,
                    )
                })
                .unwrap_or((false, false, None, false));
            follow_reliability(t.face, state, &mut self.reliable_faces, reliable);
            // the link's own MTU, or the smaller one management set (`faces/create` or
            // `faces/update` with Mtu), which the core keeps in the face's info
            let managed = mtu.and_then(|m| usize::try_from(m).ok());
            state.sender.mtu = match (state.handle.mtu, managed) {
                (Some(link), Some(m)) => Some(link.min(m)),
                (link, None) => link,
                (None, m) => m,
            };
            // mark congestion while the send queue stays over an eighth of its capacity
            let tx = &state.handle.tx;
            let queued = tx.max_capacity() - tx.capacity();
            let mark = marking && state.marker.should_mark(now, queued, tx.max_capacity() / 8);
            state.marks += u64::from(mark);
            let frames = match state.sender.encode(now, &t, local_fields, mark) {
                Ok(f) => f,
                Err(e) => {
                    tracing::debug!(face = t.face.0, error = %e, "cannot encode for this link");
                    continue;
                }
            };
            enqueue(&state.handle, frames);
        }
    }

    fn events(&mut self) {
        while let Some(e) = self.fw.poll_event() {
            match e {
                Event::DestroyFace(face) => {
                    // dropping the handle closes the face's tasks
                    self.faces.remove(&face);
                    self.reliable_faces.remove(&face);
                }
                Event::CreateFace(req) => {
                    let existing = self
                        .fw
                        .faces()
                        .iter()
                        .find(|f| f.info.remote_uri == req.uri)
                        .map(|f| f.id());
                    let creator = self.creator.clone();
                    tokio::spawn(async move {
                        let result = match existing {
                            Some(id) => Ok((id, true)),
                            None => {
                                creator
                                    .create(&req.uri, req.local_uri.as_deref(), req.persistency)
                                    .await
                            }
                        };
                        creator
                            .report(ToForwarder::FaceCreated {
                                request: req.request,
                                result,
                            })
                            .await;
                    });
                }
            }
        }
    }

    /// Remember that `face` has NDNLPv2 reliability traffic to handle.
    fn note_control(&mut self, face: FaceId) {
        if self
            .faces
            .get(&face)
            .is_some_and(|s| s.handle.stats.has_control())
            && !self.control_faces.contains(&face)
        {
            self.control_faces.push(face);
        }
    }

    /// Handle the reliability traffic that waits: the peer's Acks settle this side's frames
    /// (and may show some lost, to send again), and the TxSequence numbers received are to be
    /// acknowledged, on the face's next frames or, within `ACK_DELAY`, in IDLE LpPackets (a
    /// peer with link reliability retransmits a frame it has no Ack for).
    fn link_control(&mut self) {
        if self.control_faces.is_empty() {
            return;
        }
        let now = self.clock.now();
        for face in self.control_faces.drain(..) {
            let Some(state) = self.faces.get_mut(&face) else {
                continue;
            };
            let control = state.handle.stats.take_control();
            if state.sender.is_reliable() && !control.acknowledged.is_empty() {
                let again = state.sender.reliability.on_acks(now, &control.acknowledged);
                enqueue(&state.handle, again);
            }
            if !control.to_acknowledge.is_empty() {
                state.sender.acknowledge(now, &control.to_acknowledge);
                self.ack_faces.insert(face);
            }
        }
    }

    /// Send in IDLE LpPackets the Acks that did not find a frame to ride on in time.
    fn send_acks(&mut self, now: Duration) {
        let faces = &mut self.faces;
        self.ack_faces.retain(|id| {
            let Some(state) = faces.get_mut(id) else {
                return false;
            };
            enqueue(&state.handle, state.sender.idle_acks(now));
            state.sender.acks_due().is_some()
        });
    }

    /// The next retransmission deadline of a face with link reliability, or the next time
    /// Acks must leave.
    fn link_deadline(&self) -> Option<Duration> {
        let retransmit = self
            .reliable_faces
            .iter()
            .filter_map(|id| self.faces.get(id)?.sender.reliability.next_deadline());
        let acks = self
            .ack_faces
            .iter()
            .filter_map(|id| self.faces.get(id)?.sender.acks_due());
        retransmit.chain(acks).min()
    }

    /// Send again the frames whose retransmission timeout has passed, and the Acks due.
    fn link_timeouts(&mut self, now: Duration) {
        self.send_acks(now);
        for id in &self.reliable_faces {
            if let Some(state) = self.faces.get_mut(id) {
                let again = state.sender.reliability.on_timeout(now);
                enqueue(&state.handle, again);
            }
        }
    }

    /// Hand a packet to the core. Face management from a local application (`/localhost/nfd/
    /// faces`) is served with the link byte counts of this moment, and what it changes reaches
    /// the transports at once; both are otherwise copied once a second.
    fn handle_packet(&mut self, now: Duration, face: FaceId, wire: Bytes, link: LinkFields) {
        let local = self
            .fw
            .faces()
            .get(face)
            .is_some_and(|f| f.info.scope == ndn_fw::FaceScope::Local);
        let face_management = local && is_face_management(&wire);
        if face_management {
            self.sync_faces();
        }
        self.fw.handle_packet(now, face, wire, link);
        if face_management {
            self.sync_faces();
        }
    }

    /// Copy the transports' link byte counts into the core, and the core's persistency and link
    /// reliability of each face out to its transport (a `faces/update` may have changed them).
    fn sync_faces(&mut self) {
        for (id, state) in &mut self.faces {
            if let Some(f) = self.fw.faces_mut().get_mut(*id) {
                f.counters.n_in_bytes = state.handle.stats.in_bytes.load(Ordering::Relaxed);
                f.counters.n_out_bytes = state.handle.stats.out_bytes.load(Ordering::Relaxed);
                state.handle.stats.set_persistency(f.info.persistency);
                let on = f.info.lp_reliability_enabled;
                follow_reliability(*id, state, &mut self.reliable_faces, on);
            }
        }
    }

    fn snapshot(&self) -> Snapshot {
        let faces = self
            .fw
            .faces()
            .iter()
            .filter(|f| f.id().is_dynamic())
            .map(|f| FaceSnapshot {
                id: f.id().0,
                remote_uri: f.info.remote_uri.clone(),
                local_uri: f.info.local_uri.clone(),
                counters: f.counters,
                queue_drops: self
                    .faces
                    .get(&f.id())
                    .map_or(0, |s| s.handle.stats.queue_drops.load(Ordering::Relaxed)),
                congestion_marks: self.faces.get(&f.id()).map_or(0, |s| s.marks),
                reliability: self.faces.get(&f.id()).and_then(|s| {
                    let c = s.sender.reliability.counters;
                    (s.sender.is_reliable() || c != Default::default()).then_some(c)
                }),
            })
            .collect();
        let cs = self.fw.cs();
        Snapshot {
            counters: *self.fw.counters(),
            pit_entries: self.fw.pit().len() as u64,
            fib_entries: self.fw.fib().len() as u64,
            cs_entries: cs.len() as u64,
            cs_bytes: cs.bytes() as u64,
            cs_hits: cs.n_hits,
            cs_misses: cs.n_misses,
            faces,
        }
    }
}

/// Turn the link reliability of a face on or off as the core has it (management changes it).
fn follow_reliability(
    id: FaceId,
    state: &mut FaceState,
    reliable_faces: &mut BTreeSet<FaceId>,
    on: bool,
) {
    if on == state.sender.is_reliable() {
        return;
    }
    state.sender.set_reliable(on);
    if on {
        reliable_faces.insert(id);
    } else {
        reliable_faces.remove(&id);
    }
}

/// Put frames on a face's send queue; a full queue drops them, counted.
fn enqueue(handle: &FaceHandle, frames: Vec<Bytes>) {
    for f in frames {
        if let Err(mpsc::error::TrySendError::Full(_)) = handle.tx.try_send(f) {
            handle.stats.queue_drops.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// True when `wire` is an Interest under `/localhost/nfd/faces` (face datasets and commands),
/// read without decoding the whole packet.
fn is_face_management(wire: &[u8]) -> bool {
    // the name's first components: "localhost", "nfd", "faces"
    const PREFIX: &[u8] = b"\x08\x09localhost\x08\x03nfd\x08\x05faces";
    let mut r = ndn::tlv::Reader::new(wire);
    let Ok(interest) = r.expect_element(ndn::tlv::types::INTEREST, "Interest") else {
        return false;
    };
    interest
        .reader()
        .expect_element(ndn::tlv::types::NAME, "Name")
        .is_ok_and(|name| name.value.starts_with(PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_management_is_recognised_from_the_wire() {
        let wire = |uri: &str| {
            ndn::InterestBuilder::new(Name::from_uri(uri).unwrap())
                .can_be_prefix(true)
                .encode()
        };
        assert!(is_face_management(&wire("/localhost/nfd/faces/list")));
        assert!(is_face_management(&wire("/localhost/nfd/faces/query/x")));
        assert!(!is_face_management(&wire("/localhost/nfd/fib/list")));
        assert!(!is_face_management(&wire("/localhost/nfd/facesx")));
        assert!(!is_face_management(&wire("/localhost/nfd")));
        assert!(!is_face_management(&wire("/example/localhost/nfd/faces")));
        assert!(!is_face_management(b"\x06\x00"));
        assert!(!is_face_management(b""));
    }
}
