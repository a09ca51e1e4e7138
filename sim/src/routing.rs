//! Routes computed over the topology, in the manner of ndnSIM's global routing helper: for each
//! producer prefix, every node gets next hops toward the producers of that prefix, with the path
//! metric as the FIB cost.
//!
//! Two modes:
//! - [`shortest`]: one next hop per node, on a shortest path to the nearest producer (ties go to
//!   the lowest port, i.e. the face created first), cost = path metric.
//! - [`all_next_hops`]: every port of a node that leads to a producer without passing back
//!   through the node, cost = metric of that port plus the shortest distance from the neighbour
//!   with the node removed (ndnSIM's `CalculateAllPossibleRoutes`), for multipath strategies.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::topology::NodeIndex;

/// An edge of the routing graph: from a node, through one of its ports (a face), to a neighbour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// The neighbour.
    pub to: NodeIndex,
    /// Link metric.
    pub metric: u64,
    /// The node's port (the driver maps it to a face).
    pub port: usize,
}

/// Adjacency lists; edges are symmetric (each link appears at both ends).
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Edges leaving each node.
    pub adj: Vec<Vec<Edge>>,
}

/// A next hop: a port and its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NextHop {
    /// The port.
    pub port: usize,
    /// Cost (path metric).
    pub cost: u64,
}

const INF: u64 = u64::MAX;

/// Shortest distances from the nearest of `origins` to every node, never entering `skip`.
pub fn distances(graph: &Graph, origins: &[NodeIndex], skip: Option<NodeIndex>) -> Vec<u64> {
    let n = graph.adj.len();
    let mut dist = vec![INF; n];
    let mut heap = BinaryHeap::new();
    for &o in origins {
        if o < n && Some(o) != skip {
            dist[o] = 0;
            heap.push(Reverse((0u64, o)));
        }
    }
    while let Some(Reverse((d, x))) = heap.pop() {
        if d > dist[x] {
            continue;
        }
        for e in &graph.adj[x] {
            if Some(e.to) == skip {
                continue;
            }
            let nd = d.saturating_add(e.metric);
            if nd < dist[e.to] {
                dist[e.to] = nd;
                heap.push(Reverse((nd, e.to)));
            }
        }
    }
    dist
}

fn add_min(hops: &mut Vec<NextHop>, port: usize, cost: u64) {
    match hops.iter_mut().find(|h| h.port == port) {
        Some(h) => h.cost = h.cost.min(cost),
        None => hops.push(NextHop { port, cost }),
    }
}

/// One next hop per node toward the nearest origin (none for origins and unreachable nodes).
pub fn shortest(graph: &Graph, origins: &[NodeIndex]) -> Vec<Vec<NextHop>> {
    let dist = distances(graph, origins, None);
    (0..graph.adj.len())
        .map(|v| {
            if dist[v] == 0 || dist[v] == INF {
                return Vec::new();
            }
            let mut best: Option<NextHop> = None;
            for e in &graph.adj[v] {
                if dist[e.to] == INF {
                    continue;
                }
                let cost = e.metric.saturating_add(dist[e.to]);
                let better = match best {
                    None => true,
                    Some(b) => cost < b.cost || (cost == b.cost && e.port < b.port),
                };
                if better {
                    best = Some(NextHop { port: e.port, cost });
                }
            }
            best.into_iter().collect()
        })
        .collect()
}

/// Every port that reaches an origin without coming back through the node, cheapest first
/// (ties by port). One shortest-path computation per node: use on topologies of a few thousand
/// nodes at most.
pub fn all_next_hops(graph: &Graph, origins: &[NodeIndex]) -> Vec<Vec<NextHop>> {
    (0..graph.adj.len())
        .map(|v| {
            if origins.contains(&v) {
                return Vec::new();
            }
            let dist = distances(graph, origins, Some(v));
            let mut hops = Vec::new();
            for e in &graph.adj[v] {
                if dist[e.to] != INF {
                    add_min(&mut hops, e.port, e.metric.saturating_add(dist[e.to]));
                }
            }
            hops.sort_by_key(|h| (h.cost, h.port));
            hops
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undirected graph from (a, b, metric) triples; ports numbered per node in edge order.
    fn graph(n: usize, edges: &[(usize, usize, u64)]) -> Graph {
        let mut g = Graph {
            adj: vec![Vec::new(); n],
        };
        for &(a, b, m) in edges {
            let pa = g.adj[a].len();
            g.adj[a].push(Edge {
                to: b,
                metric: m,
                port: pa,
            });
            let pb = g.adj[b].len();
            g.adj[b].push(Edge {
                to: a,
                metric: m,
                port: pb,
            });
        }
        g
    }

    #[test]
    fn shortest_picks_the_cheaper_path() {
        // 0 -1- 1 -1- 3, 0 -5- 2 -1- 3 ; origin 3
        let g = graph(4, &[(0, 1, 1), (1, 3, 1), (0, 2, 5), (2, 3, 1)]);
        let r = shortest(&g, &[3]);
        assert_eq!(r[0], vec![NextHop { port: 0, cost: 2 }]);
        assert_eq!(r[2], vec![NextHop { port: 1, cost: 1 }]);
        assert!(r[3].is_empty());
    }

    #[test]
    fn nearest_of_several_origins() {
        // line 0-1-2-3-4, origins 0 and 4
        let g = graph(5, &[(0, 1, 1), (1, 2, 1), (2, 3, 1), (3, 4, 1)]);
        let r = shortest(&g, &[0, 4]);
        assert_eq!(r[1], vec![NextHop { port: 0, cost: 1 }]);
        assert_eq!(r[3], vec![NextHop { port: 1, cost: 1 }]);
        // a tie goes to the lower port
        assert_eq!(r[2], vec![NextHop { port: 0, cost: 2 }]);
    }

    #[test]
    fn all_next_hops_excludes_paths_back_through_the_node() {
        // 0 -1- 1 -1- 3, 0 -5- 2 -1- 3, and a dead end 0 -1- 4
        let g = graph(5, &[(0, 1, 1), (1, 3, 1), (0, 2, 5), (2, 3, 1), (0, 4, 1)]);
        let r = all_next_hops(&g, &[3]);
        assert_eq!(
            r[0],
            vec![NextHop { port: 0, cost: 2 }, NextHop { port: 1, cost: 6 }]
        );
        // node 1 may go back through 0 and 2: 1 + 5 + 1
        assert_eq!(
            r[1],
            vec![NextHop { port: 1, cost: 1 }, NextHop { port: 0, cost: 7 }]
        );
        // the dead end reaches only through 0
        assert_eq!(r[4], vec![NextHop { port: 0, cost: 3 }]);
    }
}
