//! The event loop: one queue of (time, sequence, event) over virtual time (a timing wheel, see
//! [`queue`]), one `ndn-fw` core per node, channels between them and applications on local
//! faces.
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
//!   the queue;
//! - an application's timer is due;
//! - a scheduled link state change, or a trace tick.

use std::cmp::Ordering;
use std::time::Duration;

use bytes::Bytes;
use ndn_fw::hint::{prefetch_line, prefetch_object};
use ndn_fw::{FaceId, LinkFields};

use crate::app::AppOutput;
use crate::topology::Topology;
use crate::units::SimTime;

/// What an event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    /// Frame `frame` (low 32 bits of its id) reaches the end of channel `channel`.
    Arrival { channel: u32, frame: u32 },
    /// A core's timer.
    NodeTimer(u32),
    /// An application's timer.
    AppTimer(u32),
    /// A scheduled change (link up/down).
    Control(u32),
    /// Trace sampling.
    Tick,
}

impl What {
    /// Packed into one word (kind in the top 3 bits), so a queued event is 24 bytes.
    fn pack(self) -> u64 {
        match self {
            What::Arrival { channel, frame } => {
                (u64::from(channel & 0x1fff_ffff) << 32) | u64::from(frame)
            }
            What::NodeTimer(n) => (1 << 61) | u64::from(n),
            What::AppTimer(a) => (2 << 61) | u64::from(a),
            What::Control(c) => (3 << 61) | u64::from(c),
            What::Tick => 4 << 61,
        }
    }

    fn unpack(w: u64) -> What {
        let low = w as u32;
        match w >> 61 {
            0 => What::Arrival {
                channel: ((w >> 32) & 0x1fff_ffff) as u32,
                frame: low,
            },
            1 => What::NodeTimer(low),
            2 => What::AppTimer(low),
            3 => What::Control(low),
            _ => What::Tick,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Event {
    time: SimTime,
    seq: u64,
    what: u64,
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

/// The simulator.
pub struct Sim {
    /// Current virtual time.
    now: SimTime,
    queue: EventQueue,
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
    feed: Vec<(FaceId, Bytes, Option<ndn::lp::NackReason>)>,
    started: bool,
    timer_mode: TimerMode,
    /// The node each point-to-point channel delivers to (`u32::MAX` for broadcast channels),
    /// a compact copy read to prefetch the next event's node.
    channel_node: Vec<u32>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("now", &self.now)
            .field("nodes", &self.state.nodes.len())
            .field("pending_events", &self.queue.len())
            .finish()
    }
}

fn dur(t: SimTime) -> Duration {
    Duration::from_nanos(t)
}

fn nanos(d: Duration) -> SimTime {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

mod build;
mod packet_buf;
mod queue;
mod state;

use queue::EventQueue;

pub use state::{
    AppSlot, ChannelSlot, Control, Destination, EngineStats, Node, NodeSettings, Observer, Port,
    PortKind, SimState, TimerMode, stream, sub_seed,
};

impl Sim {
    fn push(&mut self, time: SimTime, what: What) {
        self.seq += 1;
        self.queue.push(Event {
            time,
            seq: self.seq,
            what: what.pack(),
        });
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
        while let Some(ev) = self.queue.pop_until(end) {
            self.prefetch_next_event();
            self.now = ev.time;
            self.state.stats.events += 1;
            match What::unpack(ev.what) {
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

    /// Start loading what the next few events (when already known) will use, so that their
    /// cache misses overlap the work on this event: with a thousand nodes, a packet's node has
    /// usually left the CPU caches since it last had a packet. Three events ahead: the channel
    /// and the receiving core; two ahead: the frame on the channel, the core's buffers (which
    /// the core's struct says where to find) and its ports; next: the packet bytes, what the
    /// core's buffers point to, and the channels the core may send on.
    fn prefetch_next_event(&mut self) {
        if self.channel_node.len() != self.state.channels.len() {
            self.channel_node = self
                .state
                .channels
                .iter()
                .map(|c| match c.dest {
                    Destination::PointToPoint { node, .. } => node,
                    Destination::Broadcast(_) => u32::MAX,
                })
                .collect();
        }
        let arrival_channel = |n: usize| match What::unpack(self.queue.peek_current(n)?.what) {
            What::Arrival { channel, .. } => self
                .state
                .channels
                .get(channel as usize)
                .map(|c| (channel, c)),
            _ => None,
        };
        let node_of = |channel: u32| {
            let n = self.channel_node.get(channel as usize).copied()?;
            self.state.nodes.get(n as usize)
        };
        if let Some((channel, c)) = arrival_channel(2) {
            prefetch_object(c);
            if let Some(n) = node_of(channel) {
                prefetch_object(n);
            }
        }
        if let Some((channel, c)) = arrival_channel(1) {
            if let Some(f) = c.channel.in_flight.front() {
                prefetch_line(f);
            }
            if let Some(n) = node_of(channel) {
                n.fw.prefetch_buffers();
                for p in n.ports.iter().take(8) {
                    prefetch_object(p);
                }
            }
        }
        if let Some((channel, c)) = arrival_channel(0) {
            if let Some(f) = c.channel.in_flight.front() {
                prefetch_line(&f.wire[..]);
            }
            // the channels the core may send on
            if let Some(n) = node_of(channel) {
                n.fw.prefetch_deep();
                for p in n.ports.iter().take(8) {
                    let out = match p.kind {
                        PortKind::Link { channel, .. } | PortKind::Broadcast { channel, .. } => {
                            self.state.channels.get(channel as usize)
                        }
                        PortKind::App { .. } => None,
                    };
                    if let Some(c) = out {
                        prefetch_object(c);
                    }
                }
            }
        }
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
        if n.next_timer.is_none_or(|t| t > now) {
            return;
        }
        let mut fired = false;
        n.next_timer = None;
        while let Some(t) = n.fw.poll_timeout() {
            if nanos(t) > now {
                n.next_timer = Some(nanos(t));
                break;
            }
            n.fw.handle_timeout(t);
            self.state.stats.fw_timeouts += 1;
            fired = true;
        }
        if fired {
            let mut late = 0;
            while let Some(t) = self.state.nodes[node].fw.poll_transmit() {
                late += 1;
                self.dispatch(node, t);
            }
            if late > 0 {
                self.state.stats.late_timer_transmits += late;
                // let applications' answers reach the core
                self.drain(node);
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

    fn on_arrival(&mut self, channel: u32, frame: u32) {
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
        let n = &mut self.state.nodes[node];
        let next = n.fw.poll_timeout().map(nanos);
        n.next_timer = next;
        if self.timer_mode == TimerMode::Lazy {
            return;
        }
        if let Some(t) = next {
            let t = t.max(self.now);
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
            self.feed.push((face, packet_buf::colocated(&w), None));
        }
        for (w, reason) in self.app_out.nacks.drain(..) {
            self.feed.push((face, w, Some(reason)));
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
                port.bytes_out += slot.channel.send(now, t, 0, &mut self.arrivals);
                self.push_arrivals(channel);
            }
            PortKind::Broadcast { channel, member } => {
                let slot = &mut self.state.channels[channel as usize];
                port.bytes_out += slot.channel.send(now, t, member, &mut self.arrivals);
                self.push_arrivals(channel);
            }
            PortKind::App { app } => {
                let slot = &mut self.state.apps[app as usize];
                slot.app
                    .on_packet(now, &t.packet, t.congestion_mark > 0, &mut self.app_out);
                self.flush_app_output(app);
                self.schedule_app(app);
            }
        }
    }

    fn push_arrivals(&mut self, channel: u32) {
        for i in 0..self.arrivals.len() {
            let (at, frame) = self.arrivals[i];
            self.push(
                at,
                What::Arrival {
                    channel,
                    frame: frame as u32,
                },
            );
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
                // the core may have armed a timer since it was last asked
                self.state.nodes[node].next_timer = Some(0);
                self.catch_up(node);
            }
            let mut feed = std::mem::take(&mut self.feed);
            for (face, wire, nack) in feed.drain(..) {
                let fields = LinkFields {
                    nack,
                    ..LinkFields::default()
                };
                self.state.nodes[node]
                    .fw
                    .handle_packet(dur(now), face, wire, fields);
                self.state.stats.fw_packets += 1;
            }
            self.feed = feed;
        }
        self.schedule_node(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_pack_into_one_word() {
        for w in [
            What::Arrival {
                channel: 0,
                frame: 0,
            },
            What::Arrival {
                channel: 0x1fff_ffff,
                frame: u32::MAX,
            },
            What::NodeTimer(7),
            What::AppTimer(u32::MAX),
            What::Control(3),
            What::Tick,
        ] {
            assert_eq!(What::unpack(w.pack()), w);
        }
        assert_eq!(std::mem::size_of::<Event>(), 24);
    }
}
