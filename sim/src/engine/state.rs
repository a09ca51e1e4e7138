//! The simulator's state: nodes with their ports, channels, applications, counters, and the
//! observer interface tracers implement.

use ndn_fw::{FaceId, Forwarder, Strategy, StrategyKind};

use crate::app::{App, DelayRecord};
use crate::link::Channel;
use crate::units::SimTime;

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
    pub(crate) wakeup: Option<SimTime>,
    /// The core's next timer as of the last interaction (`Some(0)`: unknown, ask the core).
    pub(crate) next_timer: Option<SimTime>,
}

impl Node {
    /// The port of a face.
    pub fn port(&self, face: FaceId) -> Option<&Port> {
        let i = face.0.checked_sub(FaceId::FIRST_DYNAMIC)?;
        self.ports.get(usize::try_from(i).ok()?)
    }

    pub(crate) fn port_index(face: FaceId) -> Option<usize> {
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
    pub(crate) wakeup: Option<SimTime>,
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
    /// Events taken off the queue.
    pub events: u64,
    /// Packets handed to cores (`handle_packet` calls).
    pub fw_packets: u64,
    /// Core timer wake-ups (`handle_timeout` calls).
    pub fw_timeouts: u64,
    /// Frames that arrived at a channel's end.
    pub frames: u64,
    /// Packets a core produced while catching up on timers in lazy mode, sent late (0 with the
    /// strategies a scenario may run lazily: expiring PIT entries send nothing, and scenarios
    /// with a strategy whose timers send run exact timers).
    pub late_timer_transmits: u64,
}

/// How core timers are run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimerMode {
    /// Each core's earliest wake-up is an event in the queue.
    Exact,
    /// A core's due timers are run, each at its own time and in order, just before the core
    /// next gets a packet, at every trace tick and at the end of the run. This gives the same
    /// results as `Exact` as long as timers make the core send nothing (true of PIT expiry,
    /// measurements and Dead Nonce List ageing), and saves one queued event per PIT entry;
    /// anything a timer does send is sent late and counted in
    /// [`EngineStats::late_timer_transmits`]. Scenarios whose strategies send from their timers
    /// (`StrategyKind::sends_from_timers`) are built with `Exact` instead.
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

/// Per-node settings of the cores.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSettings {
    /// Content store capacity in packets (0 disables caching).
    pub cs_capacity: usize,
    /// Strategy of the root namespace.
    pub strategy: Strategy,
    /// Network regions the node belongs to (NFD's `tables.network_region`): a hinted Interest
    /// that reaches it loses its ForwardingHint, and routing announces these names from it.
    pub network_regions: Vec<ndn::Name>,
}

impl Default for NodeSettings {
    fn default() -> Self {
        NodeSettings {
            cs_capacity: 65_536,
            strategy: StrategyKind::BestRoute.into(),
            network_regions: Vec::new(),
        }
    }
}
