//! Building a simulator: one core per node, faces and channels per link, applications,
//! routes, strategies and scheduled changes.

use std::collections::BTreeMap;
use std::time::Duration;

use ndn::Name;
use ndn_fw::{FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkType, Strategy};

use super::{
    AppSlot, ChannelSlot, Control, Destination, EngineStats, EventQueue, Node, NodeSettings,
    Observer, Port, PortKind, Sim, SimState, TimerMode, What, dur, stream, sub_seed,
};
use crate::app::{App, AppOutput};
use crate::link::Channel;
use crate::routing::{self, Edge, Graph};
use crate::topology::{LinkParams, NodeIndex, Topology};
use crate::units::SimTime;

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
                    network_regions: s.network_regions.clone(),
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
                    next_timer: Some(0),
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
            queue: EventQueue::default(),
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
            channel_node: Vec::new(),
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

    /// Events waiting in the queue.
    pub fn pending_events(&self) -> usize {
        self.queue.len()
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
        n.next_timer = Some(0);
        n.ports.push(Port {
            face,
            kind: PortKind::App { app: id },
            bytes_in: 0,
            bytes_out: 0,
        });
        if let Some(prefix) = app.served_prefix() {
            // registered as an application registers it (rib/register's defaults), so that the
            // RIB can announce it (self-learning)
            let route = ndn_fw::RibRoute {
                face,
                origin: ndn::mgmt::route_origin::APP,
                cost: 0,
                flags: ndn::mgmt::route_flags::CHILD_INHERIT,
                expires: None,
            };
            n.fw.register_route(dur(self.now), prefix, route);
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
    pub fn set_strategy(&mut self, node: NodeIndex, prefix: &Name, strategy: impl Into<Strategy>) {
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
        let mut add = |prefix: &Name, node: NodeIndex| {
            let v = o.entry(prefix.clone()).or_default();
            if !v.contains(&node) {
                v.push(node);
            }
        };
        for a in &self.state.apps {
            if let Some(prefix) = a.app.served_prefix() {
                add(prefix, a.node as usize);
            }
        }
        // a network region is announced by the nodes in it, so that hinted Interests reach it
        for (i, n) in self.state.nodes.iter().enumerate() {
            for region in &n.fw.config().network_regions {
                add(region, i);
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
}
