//! Topology generators: line, grid, tree and seeded random graphs, with one set of link
//! properties for every link.

use std::collections::BTreeSet;

use ndn_fw::Rng;

use super::{LinkParams, Shape, Topology};

/// A line of `n` nodes `n0 - n1 - ... - n{n-1}`.
pub fn line(n: usize, params: LinkParams) -> Topology {
    let mut t = Topology::new();
    for i in 0..n {
        let _ = t.add_node(format!("n{i}"), i as f64, 0.0);
    }
    for i in 1..n {
        let _ = t.add_link(i - 1, i, params);
    }
    t
}

/// A grid of `rows` x `cols` nodes named `n{row}_{col}`, each linked to its right and lower
/// neighbours. Node index is `row * cols + col`.
pub fn grid(rows: usize, cols: usize, params: LinkParams) -> Topology {
    let mut t = Topology::new();
    for r in 0..rows {
        for c in 0..cols {
            let _ = t.add_node(format!("n{r}_{c}"), c as f64, r as f64);
        }
    }
    for r in 0..rows {
        for c in 0..cols {
            let i = r * cols + c;
            if c + 1 < cols {
                let _ = t.add_link(i, i + 1, params);
            }
            if r + 1 < rows {
                let _ = t.add_link(i, i + cols, params);
            }
        }
    }
    t.shape = Shape::Grid { rows, cols };
    t
}

/// A complete tree: a root `t0` and `depth` levels below it, each node with `fanout` children,
/// numbered breadth first (`t1`..`t{fanout}` are the root's children).
pub fn tree(depth: usize, fanout: usize, params: LinkParams) -> Topology {
    let mut t = Topology::new();
    let _ = t.add_node("t0", 0.0, 0.0);
    if fanout == 0 {
        // no level below the root has a node, however deep
        return t;
    }
    let mut level = vec![0usize];
    for d in 1..=depth {
        let mut next = Vec::with_capacity(level.len() * fanout);
        let width = fanout.pow(d as u32) as f64;
        for &parent in &level {
            for _ in 0..fanout {
                let i = t.nodes.len();
                let pos = next.len() as f64 - (width - 1.0) / 2.0;
                let _ = t.add_node(format!("t{i}"), pos, d as f64);
                let _ = t.add_link(parent, i, params);
                next.push(i);
            }
        }
        level = next;
    }
    t
}

/// A connected random graph of `n` nodes `n0`..: a random spanning tree (each node joins a
/// uniformly chosen earlier node) plus extra random links until there are `links` links (at
/// least `n - 1`, at most all pairs). The same seed gives the same graph.
pub fn random(n: usize, links: usize, seed: u64, params: LinkParams) -> Topology {
    let mut rng = Rng::from_seed(seed ^ 0x7261_6e64_6f6d);
    let mut t = Topology::new();
    for i in 0..n {
        let angle = i as f64 / n.max(1) as f64 * std::f64::consts::TAU;
        let _ = t.add_node(format!("n{i}"), angle.cos() * 10.0, angle.sin() * 10.0);
    }
    if n < 2 {
        return t;
    }
    let max_links = n * (n - 1) / 2;
    let target = links.clamp(n - 1, max_links);
    let mut present = BTreeSet::new();
    for i in 1..n {
        let j = rng.below(i as u64) as usize;
        present.insert((j, i));
        let _ = t.add_link(j, i, params);
    }
    while present.len() < target {
        let a = rng.below(n as u64) as usize;
        let b = rng.below(n as u64) as usize;
        if a == b {
            continue;
        }
        let key = (a.min(b), a.max(b));
        if present.insert(key) {
            let _ = t.add_link(key.0, key.1, params);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_the_expected_counts() {
        let p = LinkParams::default();
        let l = line(5, p);
        assert_eq!((l.nodes.len(), l.links.len(), l.hop_diameter()), (5, 4, 4));
        let g = grid(3, 4, p);
        assert_eq!(g.nodes.len(), 12);
        assert_eq!(g.links.len(), 3 * 3 + 2 * 4);
        assert_eq!(g.hop_diameter(), 2 + 3);
        assert_eq!(g.node("n2_3"), Ok(11));
        let tr = tree(2, 3, p);
        assert_eq!((tr.nodes.len(), tr.links.len()), (1 + 3 + 9, 12));
        assert_eq!(tr.degrees().iter().filter(|&&d| d == 1).count(), 9);
    }

    #[test]
    fn random_graphs_are_connected_and_seeded() {
        let p = LinkParams::default();
        let a = random(50, 80, 1, p);
        let b = random(50, 80, 1, p);
        let c = random(50, 80, 2, p);
        assert_eq!(a.links.len(), 80);
        assert_eq!(a.components().len(), 1);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(random(4, 100, 1, p).links.len(), 6);
    }
}
