//! The event loop: one binary heap of (time, sequence, event) over virtual time, one `ndn-fw`
//! core per node, channels between them and applications on local faces.
//!
//! Everything is single-threaded and deterministic: the order of events at the same instant is
//! the order they were scheduled in, every random draw comes from an RNG seeded from the run's
//! seed, and no table is iterated in hash order. Nothing reads the wall clock.
//!
//! Per event the loop does one of:
//! - a frame arrives at the end of a channel: it is handed to the receiving core
//!   (`handle_packet`), and everything the core then wants to send is moved onto channels or
//!   into applications at once (applications answer synchronously, as ndnSIM's do);
//! - a core's timer is due (`handle_timeout`): only the earliest wake-up of each core is in
//!   the heap;
//! - an application's timer is due;
//! - a scheduled link state change, or a trace tick.

use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Duration;

use bytes::Bytes;
use ndn::Name;
use ndn_fw::{
    FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields, LinkType, StrategyKind,
};

use crate::app::{App, AppOutput, DelayRecord};
use crate::link::Channel;
use crate::routing::{self, Edge, Graph};
use crate::topology::{LinkParams, NodeIndex, Topology};
use crate::units::SimTime;

/// What an event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    /// Frame `frame` reaches the end of channel `channel`.
    Arrival { channel: u32, frame: u64 },
    /// A core's timer.
    NodeTimer(u32),
    /// An application's timer.
    AppTimer(u32),
    /// A scheduled change (link up/down).
    Control(u32),
    /// Trace sampling.
    Tick,
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time: SimTime,
    seq: u64,
    what: What,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// What a port (a face of a node) leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortKind {
    /// A point-to-point link; frames leave on `channel`.
    Link {
        /// Outgoing channel.
        channel: u32,
        /// Index of the link in the topology.
        link: u32,
        /// Node at the other end.
        peer: u32,
    },
    /// A broadcast medium.
    Broadcast {
        /// The shared channel.
        channel: u32,
        /// This node's member index on it.
        member: u32,
    },
    /// An application.
    App {
        /// Application index.
        app: u32,
    },
}

/// A face of a node, as the simulator sees it.
#[derive(Debug, Clone)]
pub struct Port {
    /// The core's face id.
    pub face: FaceId,
    /// Where it leads.
    pub kind: PortKind,
    /// Link-layer bytes received.
    pub bytes_in: u64,
    /// Link-layer bytes sent.
    pub bytes_out: u64,
}

/// A node: a forwarding core and its ports.
#[derive(Debug)]
pub struct Node {
    /// Name from the topology.
    pub name: String,
    /// The forwarding core.
    pub fw: Forwarder,
    /// Ports, indexed by `face id - 256` (faces are created in order).
    pub ports: Vec<Port>,
    wakeup: Option<SimTime>,
}

impl Node {
    /// The port of a face.
    pub fn port(&self, face: FaceId) -> Option<&Port> {
        let i = face.0.checked_sub(FaceId::FIRST_DYNAMIC)?;
        self.ports.get(usize::try_from(i).ok()?)
    }

    fn port_index(face: FaceId) -> Option<usize> {
        usize::try_from(face.0.checked_sub(FaceId::FIRST_DYNAMIC)?).ok()
    }
}

/// Where a channel delivers.
#[derive(Debug, Clone)]
pub enum Destination {
    /// One node's port.
    PointToPoint {
        /// Node.
        node: u32,
        /// Port index.
        port: u32,
    },
    /// Every member but the sender: (node, port) per member.
    Broadcast(Vec<(u32, u32)>),
}

/// A channel and where it delivers.
#[derive(Debug)]
pub struct ChannelSlot {
    /// The channel.
    pub channel: Channel,
    /// Its far end(s).
    pub dest: Destination,
    /// The node that sends on it (point-to-point only; `u32::MAX` for broadcast).
    pub from: u32,
}

/// An application and where it lives.
#[derive(Debug)]
pub struct AppSlot {
    /// The application.
    pub app: App,
    /// Its node.
    pub node: u32,
    /// Its face on the node.
    pub face: FaceId,
    wakeup: Option<SimTime>,
}

/// A scheduled change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Bring a point-to-point link (both directions) up or down.
    SetLink {
        /// Topology link index.
        link: u32,
        /// New state.
        up: bool,
    },
}

/// Counters of the engine itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EngineStats {
    /// Events taken off the heap.
    pub events: u64,
    /// Packets handed to cores (`handle_packet` calls).
    pub fw_packets: u64,
    /// Core timer wake-ups (`handle_timeout` calls).
    pub fw_timeouts: u64,
    /// Frames that arrived at a channel's end.
    pub frames: u64,
    /// Packets a core produced while catching up on timers in lazy mode, sent late (0 with the
    /// current strategies: expiring PIT entries send nothing).
    pub late_timer_transmits: u64,
}

/// How core timers are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimerMode {
    /// Each core's earliest wake-up is an event in the heap.
    Exact,
    /// A core's due timers are run, each at its own time and in order, just before the core
    /// next gets a packet, at every trace tick and at the end of the run. This gives the same
    /// results as `Exact` as long as timers make the core send nothing (true of PIT expiry,
    /// measurements and Dead Nonce List ageing), and saves one heap event per PIT entry;
    /// anything a timer does send is sent late and counted in
    /// [`EngineStats::late_timer_transmits`].
    #[default]
    Lazy,
}

/// Called at every trace tick with the simulator state.
pub trait Observer {
    /// A tick at `now`.
    fn on_tick(&mut self, now: SimTime, sim: &SimState);
    /// Requests satisfied at application `app` since the last call.
    fn on_delays(&mut self, app: u32, node: u32, records: &[DelayRecord]);
}

/// The part of the simulator observers may look at.
#[derive(Debug)]
pub struct SimState {
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Channels (for point-to-point link `k`: `2k` is a->b, `2k+1` is b->a; broadcast
    /// channels follow).
    pub channels: Vec<ChannelSlot>,
    /// Applications.
    pub apps: Vec<AppSlot>,
    /// Engine counters.
    pub stats: EngineStats,
}

/// The simulator.
pub struct Sim {
    /// Current virtual time.
    now: SimTime,
    heap: BinaryHeap<Reverse<Event>>,
    seq: u64,
    seed: u64,
    /// State visible to observers.
    pub state: SimState,
    controls: Vec<Control>,
    topology: Topology,
    tick: Option<SimTime>,
    observer: Option<Box<dyn Observer>>,
    // scratch space reused per event
    arrivals: Vec<(SimTime, u64)>,
    app_out: AppOutput,
    feed: Vec<(FaceId, Bytes)>,
    started: bool,
    timer_mode: TimerMode,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("now", &self.now)
            .field("nodes", &self.state.nodes.len())
            .field("pending_events", &self.heap.len())
            .finish()
    }
}

/// Mix a run seed with a stream number into an independent seed (SplitMix64 finaliser).
pub fn sub_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Streams of [`sub_seed`], so that each component's randomness is independent of the others.
pub mod stream {
    /// Forwarder of node `i`: `NODE + i`.
    pub const NODE: u64 = 1 << 32;
    /// Channel `i`: `CHANNEL + i`.
    pub const CHANNEL: u64 = 2 << 32;
    /// Application `i`: `APP + i`.
    pub const APP: u64 = 3 << 32;
}

fn dur(t: SimTime) -> Duration {
    Duration::from_nanos(t)
}

fn nanos(d: Duration) -> SimTime {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Per-node settings of the cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeSettings {
    /// Content store capacity in packets (0 disables caching).
    pub cs_capacity: usize,
    /// Strategy of the root namespace.
    pub strategy: StrategyKind,
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            cs_capacity: 65_536,
            strategy: StrategyKind::BestRoute,
        }
    }
}

impl Sim {
    /// A simulator over `topology`: one core per node (with `settings(node)`), one face per link
    /// end, channels seeded from `seed`.
    pub fn new(topology: Topology, seed: u64, settings: impl Fn(NodeIndex) -> NodeSettings) -> Sim {
        let t0 = Duration::ZERO;
        let mut nodes: Vec<Node> = topology
            .nodes
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                let s = settings(i);
                let mut fw = Forwarder::new(ForwarderConfig {
                    seed: sub_seed(seed, stream::NODE + i as u64),
                    cs_capacity_packets: s.cs_capacity,
                    default_strategy: s.strategy,
                    ..ForwarderConfig::default()
                });
                if s.cs_capacity == 0 {
                    fw.cs_mut().policy.admit = false;
                    fw.cs_mut().policy.serve = false;
                }
                Node {
                    name: spec.name.clone(),
                    fw,
                    ports: Vec::new(),
                    wakeup: None,
                }
            })
            .collect();
        let mut channels = Vec::new();
        let face_info = |me: &str, peer: &str, p: &LinkParams, lt: LinkType| {
            let mut info = FaceInfo::new(
                format!("sim://{peer}"),
                format!("sim://{me}"),
                FaceScope::NonLocal,
            )
            .with_link_type(lt);
            info.mtu = p.mtu.map(|m| m as u64);
            info
        };
        for (k, l) in topology.links.iter().enumerate() {
            let (a, b) = (l.a, l.b);
            let fa = nodes[a].fw.add_face(
                t0,
                face_info(
                    &topology.nodes[a].name,
                    &topology.nodes[b].name,
                    &l.params,
                    LinkType::PointToPoint,
                ),
            );
            let fb = nodes[b].fw.add_face(
                t0,
                face_info(
                    &topology.nodes[b].name,
                    &topology.nodes[a].name,
                    &l.params,
                    LinkType::PointToPoint,
                ),
            );
            let (pa, pb) = (nodes[a].ports.len() as u32, nodes[b].ports.len() as u32);
            let (ca, cb) = (2 * k as u32, 2 * k as u32 + 1);
            nodes[a].ports.push(Port {
                face: fa,
                kind: PortKind::Link {
                    channel: ca,
                    link: k as u32,
                    peer: b as u32,
                },
                bytes_in: 0,
                bytes_out: 0,
            });
            nodes[b].ports.push(Port {
                face: fb,
                kind: PortKind::Link {
                    channel: cb,
                    link: k as u32,
                    peer: a as u32,
                },
                bytes_in: 0,
                bytes_out: 0,
            });
            channels.push(ChannelSlot {
                channel: Channel::new(l.params, sub_seed(seed, stream::CHANNEL + u64::from(ca))),
                dest: Destination::PointToPoint {
                    node: b as u32,
                    port: pb,
                },
                from: a as u32,
            });
            channels.push(ChannelSlot {
                channel: Channel::new(l.params, sub_seed(seed, stream::CHANNEL + u64::from(cb))),
                dest: Destination::PointToPoint {
                    node: a as u32,
                    port: pa,
                },
                from: b as u32,
            });
        }
        for bc in &topology.broadcasts {
            let c = channels.len() as u32;
            let mut members = Vec::new();
            for (m, &n) in bc.members.iter().enumerate() {
                let f = nodes[n].fw.add_face(
                    t0,
                    face_info(
                        &topology.nodes[n].name,
                        "broadcast",
                        &bc.params,
                        LinkType::MultiAccess,
                    ),
                );
                let p = nodes[n].ports.len() as u32;
                nodes[n].ports.push(Port {
                    face: f,
                    kind: PortKind::Broadcast {
                        channel: c,
                        member: m as u32,
                    },
                    bytes_in: 0,
                    bytes_out: 0,
                });
                members.push((n as u32, p));
            }
            channels.push(ChannelSlot {
                channel: Channel::new(bc.params, sub_seed(seed, stream::CHANNEL + u64::from(c))),
                dest: Destination::Broadcast(members),
                from: u32::MAX,
            });
        }
        Sim {
            now: 0,
            heap: BinaryHeap::new(),
            seq: 0,
            seed,
            state: SimState {
                nodes,
                channels,
                apps: Vec::new(),
                stats: EngineStats::default(),
            },
            controls: Vec::new(),
            topology,
            tick: None,
            observer: None,
            arrivals: Vec::new(),
            app_out: AppOutput::default(),
            feed: Vec::new(),
            started: false,
            timer_mode: TimerMode::default(),
        }
    }

    /// Choose how core timers run (before the run starts).
    pub fn set_timer_mode(&mut self, mode: TimerMode) {
        self.timer_mode = mode;
    }

    /// Current virtual time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The topology.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// Events waiting in the heap.
    pub fn pending_events(&self) -> usize {
        self.heap.len()
    }

    fn push(&mut self, time: SimTime, what: What) {
        self.seq += 1;
        self.heap.push(Reverse(Event {
            time,
            seq: self.seq,
            what,
        }));
    }

    /// Attach an application to `node` on a new local face; returns its index. A producer's
    /// prefix is registered on its face with cost 0.
    pub fn add_app(&mut self, node: NodeIndex, app: App) -> u32 {
        let id = self.state.apps.len() as u32;
        let n = &mut self.state.nodes[node];
        let uri = format!("app://{}/{}", app.kind(), id);
        let face = n.fw.add_face(
            dur(self.now),
            FaceInfo::new(uri.clone(), uri, FaceScope::Local),
        );
        n.ports.push(Port {
            face,
            kind: PortKind::App { app: id },
            bytes_in: 0,
            bytes_out: 0,
        });
        if let App::Producer(p) = &app {
            let prefix = p.config().prefix.clone();
            n.fw.add_next_hop(&prefix, face, 0);
        }
        self.state.apps.push(AppSlot {
            app,
            node: node as u32,
            face,
            wakeup: None,
        });
        if self.started {
            self.start_app(id);
        }
        id
    }

    /// Seed for application `index` (for building apps before adding them).
    pub fn app_seed(&self, index: u32) -> u64 {
        sub_seed(self.seed, stream::APP + u64::from(index))
    }

    /// Choose a strategy for `prefix` on `node`.
    pub fn set_strategy(&mut self, node: NodeIndex, prefix: &Name, strategy: StrategyKind) {
        self.state.nodes[node].fw.set_strategy(prefix, strategy);
    }

    /// Add a static route on `node` toward `neighbor` (over the first link between them).
    pub fn add_route(
        &mut self,
        node: NodeIndex,
        prefix: &Name,
        neighbor: NodeIndex,
        cost: u64,
    ) -> Result<(), String> {
        let port = self.state.nodes[node]
            .ports
            .iter()
            .find(|p| match p.kind {
                PortKind::Link { peer, .. } => peer as usize == neighbor,
                PortKind::Broadcast { channel, .. } => {
                    match &self.state.channels[channel as usize].dest {
                        Destination::Broadcast(m) => m.iter().any(|&(n, _)| n as usize == neighbor),
                        Destination::PointToPoint { .. } => false,
                    }
                }
                PortKind::App { .. } => false,
            })
            .map(|p| p.face)
            .ok_or_else(|| {
                format!(
                    "no link between {} and {}",
                    self.state.nodes[node].name, self.state.nodes[neighbor].name
                )
            })?;
        self.state.nodes[node].fw.add_next_hop(prefix, port, cost);
        Ok(())
    }

    /// The routing graph: one edge per (node, port, neighbour) over links that are up.
    pub fn routing_graph(&self) -> Graph {
        let mut g = Graph {
            adj: vec![Vec::new(); self.state.nodes.len()],
        };
        for (i, n) in self.state.nodes.iter().enumerate() {
            for (p, port) in n.ports.iter().enumerate() {
                match port.kind {
                    PortKind::Link { channel, peer, .. } => {
                        let ch = &self.state.channels[channel as usize].channel;
                        g.adj[i].push(Edge {
                            to: peer as usize,
                            metric: ch.params().metric,
                            port: p,
                        });
                    }
                    PortKind::Broadcast { channel, .. } => {
                        let slot = &self.state.channels[channel as usize];
                        if let Destination::Broadcast(members) = &slot.dest {
                            for &(m, _) in members {
                                if m as usize != i {
                                    g.adj[i].push(Edge {
                                        to: m as usize,
                                        metric: slot.channel.params().metric,
                                        port: p,
                                    });
                                }
                            }
                        }
                    }
                    PortKind::App { .. } => {}
                }
            }
        }
        g
    }

    /// Producer prefixes and the nodes that serve them.
    pub fn origins(&self) -> BTreeMap<Name, Vec<NodeIndex>> {
        let mut o: BTreeMap<Name, Vec<NodeIndex>> = BTreeMap::new();
        for a in &self.state.apps {
            if let App::Producer(p) = &a.app {
                let v = o.entry(p.config().prefix.clone()).or_default();
                if !v.contains(&(a.node as usize)) {
                    v.push(a.node as usize);
                }
            }
        }
        o
    }

    /// Install routes for every producer prefix: `all = false` gives one shortest-path next
    /// hop per node, `all = true` every usable next hop with its cost. Returns the number of
    /// FIB next hops added.
    pub fn install_routes(&mut self, all: bool) -> usize {
        let g = self.routing_graph();
        let mut added = 0;
        for (prefix, origins) in self.origins() {
            let hops = if all {
                routing::all_next_hops(&g, &origins)
            } else {
                routing::shortest(&g, &origins)
            };
            for (v, hs) in hops.into_iter().enumerate() {
                for h in hs {
                    let face = self.state.nodes[v].ports[h.port].face;
                    self.state.nodes[v].fw.add_next_hop(&prefix, face, h.cost);
                    added += 1;
                }
            }
        }
        added
    }

    /// Schedule a change at `at`.
    pub fn schedule(&mut self, at: SimTime, control: Control) {
        let i = self.controls.len() as u32;
        self.controls.push(control);
        self.push(at, What::Control(i));
    }

    /// Call `observer` every `interval` (first at `interval`) and with every delay record.
    pub fn observe(&mut self, interval: SimTime, observer: Box<dyn Observer>) {
        self.observer = Some(observer);
        self.tick = Some(interval.max(1));
        self.push(self.now + interval.max(1), What::Tick);
    }

    /// Take the observer back (to write its files).
    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.observer.take()
    }

    fn start_app(&mut self, id: u32) {
        let now = self.now;
        let slot = &mut self.state.apps[id as usize];
        slot.app.start(now, &mut self.app_out);
        let node = slot.node;
        self.flush_app_output(id);
        self.schedule_app(id);
        self.drain(node as usize);
    }

    fn start(&mut self) {
        if self.started {
            return;
        }
        self.started = true;
        for id in 0..self.state.apps.len() as u32 {
            self.start_app(id);
        }
    }

    /// Run until virtual time `end` (events at `end` included). `progress` is called now and
    /// then with the current time.
    pub fn run_until(&mut self, end: SimTime, progress: &mut dyn FnMut(SimTime)) {
        self.start();
        let mut count: u32 = 0;
        while let Some(Reverse(ev)) = self.heap.peek().copied() {
            if ev.time > end {
                break;
            }
            self.heap.pop();
            self.now = ev.time;
            self.state.stats.events += 1;
            match ev.what {
                What::Arrival { channel, frame } => self.on_arrival(channel, frame),
                What::NodeTimer(n) => self.on_node_timer(n as usize, ev.time),
                What::AppTimer(a) => self.on_app_timer(a, ev.time),
                What::Control(c) => self.on_control(c),
                What::Tick => self.on_tick(),
            }
            count = count.wrapping_add(1);
            if count & 0xffff == 0 {
                progress(self.now);
            }
        }
        self.now = self.now.max(end);
        self.catch_up_all();
        progress(self.now);
    }

    /// Run every core's timers due by now (lazy timer mode).
    fn catch_up_all(&mut self) {
        if self.timer_mode == TimerMode::Lazy {
            for n in 0..self.state.nodes.len() {
                self.catch_up(n);
            }
        }
    }

    /// Run the due timers of `node`'s core, each at its own time (lazy timer mode).
    fn catch_up(&mut self, node: usize) {
        let now = self.now;
        let n = &mut self.state.nodes[node];
        let mut fired = false;
        while let Some(t) = n.fw.poll_timeout() {
            if nanos(t) > now {
                break;
            }
            n.fw.handle_timeout(t);
            self.state.stats.fw_timeouts += 1;
            fired = true;
        }
        if fired {
            while let Some(t) = self.state.nodes[node].fw.poll_transmit() {
                self.state.stats.late_timer_transmits += 1;
                self.dispatch(node, t);
            }
        }
    }

    fn on_tick(&mut self) {
        self.catch_up_all();
        if let Some(obs) = self.observer.as_mut() {
            obs.on_tick(self.now, &self.state);
        }
        if let Some(i) = self.tick {
            self.push(self.now + i, What::Tick);
        }
    }

    fn on_control(&mut self, c: u32) {
        match self.controls[c as usize] {
            Control::SetLink { link, up } => {
                let now = self.now;
                for ch in [2 * link, 2 * link + 1] {
                    if let Some(slot) = self.state.channels.get_mut(ch as usize) {
                        slot.channel.set_up(now, up);
                    }
                }
            }
        }
    }

    fn on_arrival(&mut self, channel: u32, frame: u64) {
        let now = self.now;
        let slot = &mut self.state.channels[channel as usize];
        let Some(f) = slot.channel.take_arrival(frame) else {
            return;
        };
        self.state.stats.frames += 1;
        match &slot.dest {
            Destination::PointToPoint { node, port } => {
                let (node, port) = (*node as usize, *port as usize);
                let len = f.wire.len() as u64;
                if let Some(r) = slot.channel.receive(now, f, 0) {
                    let p = &mut self.state.nodes[node].ports[port];
                    p.bytes_in += len;
                    let face = p.face;
                    self.deliver(node, face, r.wire, r.fields);
                } else {
                    self.state.nodes[node].ports[port].bytes_in += len;
                }
            }
            Destination::Broadcast(members) => {
                let members = members.clone();
                for (m, &(node, port)) in members.iter().enumerate() {
                    if m as u32 == f.from {
                        continue;
                    }
                    let len = f.wire.len() as u64;
                    let slot = &mut self.state.channels[channel as usize];
                    let r = slot.channel.receive(now, f.clone(), m as u32);
                    let p = &mut self.state.nodes[node as usize].ports[port as usize];
                    p.bytes_in += len;
                    let face = p.face;
                    if let Some(r) = r {
                        self.deliver(node as usize, face, r.wire, r.fields);
                    }
                }
            }
        }
    }

    fn on_node_timer(&mut self, node: usize, at: SimTime) {
        let n = &mut self.state.nodes[node];
        if n.wakeup != Some(at) {
            return; // superseded by an earlier wake-up that already ran
        }
        n.wakeup = None;
        n.fw.handle_timeout(dur(self.now));
        self.state.stats.fw_timeouts += 1;
        self.drain(node);
    }

    fn on_app_timer(&mut self, id: u32, at: SimTime) {
        let now = self.now;
        let slot = &mut self.state.apps[id as usize];
        if slot.wakeup != Some(at) {
            return;
        }
        slot.wakeup = None;
        slot.app.on_timeout(now, &mut self.app_out);
        let node = slot.node as usize;
        self.flush_app_output(id);
        self.schedule_app(id);
        self.drain(node);
    }

    fn schedule_app(&mut self, id: u32) {
        let slot = &mut self.state.apps[id as usize];
        if let Some(t) = slot.app.poll_timeout() {
            let t = t.max(self.now);
            if slot.wakeup.is_none_or(|w| t < w) {
                slot.wakeup = Some(t);
                self.push(t, What::AppTimer(id));
            }
        }
    }

    fn schedule_node(&mut self, node: usize) {
        if self.timer_mode == TimerMode::Lazy {
            return;
        }
        let n = &mut self.state.nodes[node];
        if let Some(t) = n.fw.poll_timeout() {
            let t = nanos(t).max(self.now);
            if n.wakeup.is_none_or(|w| t < w) {
                n.wakeup = Some(t);
                self.push(t, What::NodeTimer(node as u32));
            }
        }
    }

    /// Move what an application produced into the feed for its node's core.
    fn flush_app_output(&mut self, id: u32) {
        let slot = &self.state.apps[id as usize];
        let face = slot.face;
        let node = slot.node;
        for w in self.app_out.packets.drain(..) {
            self.feed.push((face, w));
        }
        if !self.app_out.delays.is_empty() {
            if let Some(obs) = self.observer.as_mut() {
                obs.on_delays(id, node, &self.app_out.delays);
            }
            self.app_out.delays.clear();
        }
    }

    fn deliver(&mut self, node: usize, face: FaceId, wire: Bytes, fields: LinkFields) {
        if self.timer_mode == TimerMode::Lazy {
            self.catch_up(node);
        }
        self.state.nodes[node]
            .fw
            .handle_packet(dur(self.now), face, wire, fields);
        self.state.stats.fw_packets += 1;
        self.drain(node);
    }

    /// Put one transmit of `node`'s core on its channel or into its application.
    fn dispatch(&mut self, node: usize, t: ndn_fw::Transmit) {
        let now = self.now;
        let Some(pi) = Node::port_index(t.face) else {
            return;
        };
        let Some(port) = self.state.nodes[node].ports.get_mut(pi) else {
            return;
        };
        match port.kind {
            PortKind::Link { channel, .. } => {
                let slot = &mut self.state.channels[channel as usize];
                port.bytes_out += slot.channel.send(now, &t.packet, 0, &mut self.arrivals);
                self.push_arrivals(channel);
            }
            PortKind::Broadcast { channel, member } => {
                let slot = &mut self.state.channels[channel as usize];
                port.bytes_out += slot
                    .channel
                    .send(now, &t.packet, member, &mut self.arrivals);
                self.push_arrivals(channel);
            }
            PortKind::App { app } => {
                let slot = &mut self.state.apps[app as usize];
                slot.app.on_packet(now, &t.packet, &mut self.app_out);
                self.flush_app_output(app);
                self.schedule_app(app);
            }
        }
    }

    fn push_arrivals(&mut self, channel: u32) {
        for i in 0..self.arrivals.len() {
            let (at, frame) = self.arrivals[i];
            self.push(at, What::Arrival { channel, frame });
        }
        self.arrivals.clear();
    }

    /// Send everything the core of `node` wants to send, let applications answer, feed their
    /// packets back to the core, until nothing is left; then re-arm the core's timer.
    fn drain(&mut self, node: usize) {
        let now = self.now;
        loop {
            while let Some(t) = self.state.nodes[node].fw.poll_transmit() {
                self.dispatch(node, t);
            }
            if self.feed.is_empty() {
                break;
            }
            if self.timer_mode == TimerMode::Lazy {
                self.catch_up(node);
            }
            let mut feed = std::mem::take(&mut self.feed);
            for (face, wire) in feed.drain(..) {
                self.state.nodes[node].fw.handle_packet(
                    dur(now),
                    face,
                    wire,
                    LinkFields::default(),
                );
                self.state.stats.fw_packets += 1;
            }
            self.feed = feed;
        }
        self.schedule_node(node);
    }
}
