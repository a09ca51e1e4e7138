//! Topologies: nodes and the links between them, read from ndnSIM's annotated topology format
//! or made by a generator ([`generate`]).

pub mod annotated;
pub mod generate;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::units::{Rate, SimTime, Time};

/// Index of a node in a [`Topology`].
pub type NodeIndex = usize;

/// A node: a name and a position (for drawings only).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpec {
    /// Name, unique in the topology.
    pub name: String,
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

/// Properties of a link (both directions alike).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkParams {
    /// Bits per second.
    pub bandwidth_bps: u64,
    /// Routing metric (cost).
    pub metric: u64,
    /// One-way propagation delay.
    pub delay: SimTime,
    /// Packets that may wait in each direction's drop-tail queue (besides the one being sent).
    pub queue_packets: usize,
    /// Probability that a frame is lost.
    pub loss: f64,
    /// Link MTU in bytes; larger packets are split into NDNLPv2 fragments. `None`: no limit.
    pub mtu: Option<usize>,
    /// Mark congestion (NDNLPv2 CongestionMark, NFD's control law) on frames sent while more
    /// than a quarter of the queue is occupied.
    pub congestion_marking: bool,
}

impl Default for LinkParams {
    /// 10 Mbit/s, metric 1, 10 ms, 20 packets, no loss, no MTU (the values of ndnSIM's
    /// `topo-6-node.txt` edge links).
    fn default() -> Self {
        LinkParams {
            bandwidth_bps: 10_000_000,
            metric: 1,
            delay: 10_000_000,
            queue_packets: 20,
            loss: 0.0,
            mtu: None,
            congestion_marking: false,
        }
    }
}

/// A point-to-point link between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    /// One end.
    pub a: NodeIndex,
    /// The other end.
    pub b: NodeIndex,
    /// Properties.
    pub params: LinkParams,
}

/// A multi-access link: every frame one member sends reaches all the others.
#[derive(Debug, Clone, PartialEq)]
pub struct BroadcastSpec {
    /// Members.
    pub members: Vec<NodeIndex>,
    /// Properties (the medium is shared: one frame at a time).
    pub params: LinkParams,
}

/// How the topology was made, when a generator made it (used by node selectors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Read from a file or built by hand.
    Other,
    /// A grid of `rows` x `cols`, node index `row * cols + col`.
    Grid {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
}

/// Nodes and links.
#[derive(Debug, Clone, PartialEq)]
pub struct Topology {
    /// Nodes, in file or generation order.
    pub nodes: Vec<NodeSpec>,
    /// Point-to-point links.
    pub links: Vec<LinkSpec>,
    /// Multi-access links.
    pub broadcasts: Vec<BroadcastSpec>,
    /// How it was made.
    pub shape: Shape,
    by_name: BTreeMap<String, NodeIndex>,
}

/// A topology is inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TopologyError {
    /// Two nodes have the same name.
    #[error("node `{0}` is defined twice")]
    DuplicateNode(String),
    /// A link names a node that does not exist.
    #[error("unknown node `{0}`")]
    UnknownNode(String),
    /// A link connects a node to itself.
    #[error("link from `{0}` to itself")]
    SelfLink(String),
}

impl Default for Topology {
    fn default() -> Self {
        Topology::new()
    }
}

impl Topology {
    /// An empty topology.
    pub fn new() -> Topology {
        Topology {
            nodes: Vec::new(),
            links: Vec::new(),
            broadcasts: Vec::new(),
            shape: Shape::Other,
            by_name: BTreeMap::new(),
        }
    }

    /// Add a node; its index is returned.
    pub fn add_node(
        &mut self,
        name: impl Into<String>,
        x: f64,
        y: f64,
    ) -> Result<NodeIndex, TopologyError> {
        let name = name.into();
        if self.by_name.contains_key(&name) {
            return Err(TopologyError::DuplicateNode(name));
        }
        let i = self.nodes.len();
        self.by_name.insert(name.clone(), i);
        self.nodes.push(NodeSpec { name, x, y });
        Ok(i)
    }

    /// Add a point-to-point link.
    pub fn add_link(
        &mut self,
        a: NodeIndex,
        b: NodeIndex,
        params: LinkParams,
    ) -> Result<usize, TopologyError> {
        if a == b {
            return Err(TopologyError::SelfLink(self.nodes[a].name.clone()));
        }
        self.links.push(LinkSpec { a, b, params });
        Ok(self.links.len() - 1)
    }

    /// The node named `name`.
    pub fn node(&self, name: &str) -> Result<NodeIndex, TopologyError> {
        self.by_name
            .get(name)
            .copied()
            .ok_or_else(|| TopologyError::UnknownNode(name.to_string()))
    }

    /// The point-to-point link between `a` and `b`, if any (the first one).
    pub fn link_between(&self, a: NodeIndex, b: NodeIndex) -> Option<usize> {
        self.links
            .iter()
            .position(|l| (l.a == a && l.b == b) || (l.a == b && l.b == a))
    }

    /// Number of point-to-point links at each node.
    pub fn degrees(&self) -> Vec<usize> {
        let mut d = vec![0; self.nodes.len()];
        for l in &self.links {
            d[l.a] += 1;
            d[l.b] += 1;
        }
        d
    }

    /// Connected components (counting broadcast links), as lists of node indexes.
    pub fn components(&self) -> Vec<Vec<NodeIndex>> {
        let n = self.nodes.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        let union = |p: &mut Vec<usize>, a: usize, b: usize| {
            let (ra, rb) = (find(p, a), find(p, b));
            if ra != rb {
                p[ra.max(rb)] = ra.min(rb);
            }
        };
        for l in &self.links {
            union(&mut parent, l.a, l.b);
        }
        for b in &self.broadcasts {
            for w in b.members.windows(2) {
                union(&mut parent, w[0], w[1]);
            }
        }
        let mut groups: BTreeMap<usize, Vec<NodeIndex>> = BTreeMap::new();
        for i in 0..n {
            let r = find(&mut parent, i);
            groups.entry(r).or_default().push(i);
        }
        groups.into_values().collect()
    }

    /// A human-readable description: counts, degrees, connectivity, link classes and the
    /// longest shortest path in hops.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let n = self.nodes.len();
        let _ = writeln!(
            out,
            "{} nodes, {} point-to-point links, {} broadcast links",
            n,
            self.links.len(),
            self.broadcasts.len()
        );
        if n == 0 {
            return out;
        }
        let deg = self.degrees();
        let (min, max) = (
            deg.iter().copied().min().unwrap_or(0),
            deg.iter().copied().max().unwrap_or(0),
        );
        let mean = deg.iter().sum::<usize>() as f64 / n as f64;
        let _ = writeln!(out, "degree: min {min}, mean {mean:.2}, max {max}");
        let comps = self.components();
        if comps.len() == 1 {
            let _ = writeln!(out, "connected");
        } else {
            let _ = writeln!(
                out,
                "NOT connected: {} components (sizes {})",
                comps.len(),
                comps
                    .iter()
                    .map(|c| c.len().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let isolated: Vec<&str> = (0..n)
            .filter(|&i| deg[i] == 0 && !self.broadcasts.iter().any(|b| b.members.contains(&i)))
            .map(|i| self.nodes[i].name.as_str())
            .collect();
        if !isolated.is_empty() {
            let _ = writeln!(out, "isolated nodes: {}", isolated.join(", "));
        }
        let mut classes: BTreeMap<String, usize> = BTreeMap::new();
        for l in &self.links {
            let p = &l.params;
            let key = format!(
                "{} {} metric {} queue {}{}{}",
                Rate(p.bandwidth_bps),
                Time(p.delay),
                p.metric,
                p.queue_packets,
                if p.loss > 0.0 {
                    format!(" loss {}", p.loss)
                } else {
                    String::new()
                },
                p.mtu.map(|m| format!(" mtu {m}")).unwrap_or_default(),
            );
            *classes.entry(key).or_default() += 1;
        }
        for (k, c) in classes {
            let _ = writeln!(out, "  {c} x {k}");
        }
        let mut seen = std::collections::BTreeSet::new();
        for l in &self.links {
            let key = (l.a.min(l.b), l.a.max(l.b));
            if !seen.insert(key) {
                let _ = writeln!(
                    out,
                    "note: more than one link between {} and {}",
                    self.nodes[key.0].name, self.nodes[key.1].name
                );
            }
        }
        if n <= 20_000 && comps.len() == 1 {
            let _ = writeln!(out, "diameter: {} hops", self.hop_diameter());
        }
        out
    }

    /// Neighbours of every node over point-to-point links.
    pub fn adjacency(&self) -> Vec<Vec<NodeIndex>> {
        let mut adj = vec![Vec::new(); self.nodes.len()];
        for l in &self.links {
            adj[l.a].push(l.b);
            adj[l.b].push(l.a);
        }
        for b in &self.broadcasts {
            for &x in &b.members {
                for &y in &b.members {
                    if x != y {
                        adj[x].push(y);
                    }
                }
            }
        }
        adj
    }

    /// Longest shortest path in hops (breadth-first search from every node; for large
    /// topologies a double sweep from node 0 gives a lower bound quickly, used above 2000 nodes).
    pub fn hop_diameter(&self) -> usize {
        let adj = self.adjacency();
        let bfs = |s: usize| -> (usize, usize) {
            let mut dist = vec![usize::MAX; adj.len()];
            let mut q = std::collections::VecDeque::new();
            dist[s] = 0;
            q.push_back(s);
            let mut far = (0, s);
            while let Some(x) = q.pop_front() {
                if dist[x] > far.0 {
                    far = (dist[x], x);
                }
                for &y in &adj[x] {
                    if dist[y] == usize::MAX {
                        dist[y] = dist[x] + 1;
                        q.push_back(y);
                    }
                }
            }
            far
        };
        if adj.len() > 2000 {
            let (_, far) = bfs(0);
            return bfs(far).0;
        }
        (0..adj.len()).map(|s| bfs(s).0).max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_found() {
        let mut t = Topology::new();
        let a = t.add_node("a", 0.0, 0.0).unwrap();
        let b = t.add_node("b", 1.0, 0.0).unwrap();
        assert_eq!(
            t.add_node("a", 0.0, 0.0),
            Err(TopologyError::DuplicateNode("a".into()))
        );
        t.add_link(a, b, LinkParams::default()).unwrap();
        assert!(t.add_link(a, a, LinkParams::default()).is_err());
        assert_eq!(t.node("b"), Ok(b));
        assert!(t.node("c").is_err());
        assert_eq!(t.link_between(b, a), Some(0));
        assert_eq!(t.components().len(), 1);
        assert_eq!(t.hop_diameter(), 1);
    }

    #[test]
    fn description_reports_disconnection() {
        let mut t = Topology::new();
        t.add_node("a", 0.0, 0.0).unwrap();
        t.add_node("b", 0.0, 0.0).unwrap();
        let d = t.describe();
        assert!(d.contains("NOT connected: 2 components"), "{d}");
        assert!(d.contains("isolated nodes: a, b"), "{d}");
    }
}
