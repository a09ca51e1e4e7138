//! The simulator's text inputs on arbitrary UTF-8; the first byte picks the parser, the rest is
//! its input.
//!
//! - ns-3 units (`units::parse_rate`, `units::parse_time`): never panic; an accepted rate is at
//!   least 1 bit/s, and the `Rate` / `Time` printing of an accepted value reads back to it;
//! - ndnSIM annotated topologies (`topology::annotated::parse`): never panic; the text `write`
//!   makes of an accepted topology reads back to the same topology; `describe` never panics;
//! - scenario files (`Scenario::parse`): never panic; every sweep variant builds its topology
//!   and its simulator, or fails with an error, when the generated topology has at most 64 nodes,
//!   publishers at most 1 MiB and Zipf catalogues at most 100,000 entries (larger values are
//!   the user's to ask for); scenarios naming a topology file are parsed only.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use ndn_sim::scenario::Scenario;
use ndn_sim::scenario::config::{AppConfig, GeneratorConfig, ScenarioConfig};
use ndn_sim::topology::{LinkParams, Topology, annotated};
use ndn_sim::units::{Rate, Time, parse_rate, parse_time};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    match selector % 4 {
        0 => {
            if let Ok(bps) = parse_rate(text) {
                assert!(bps >= 1, "{text:?}");
                let printed = Rate(bps).to_string();
                assert_eq!(parse_rate(&printed), Ok(bps), "{text:?} -> {printed:?}");
            }
        }
        1 => {
            if let Ok(ns) = parse_time(text) {
                let printed = Time(ns).to_string();
                assert_eq!(parse_time(&printed), Ok(ns), "{text:?} -> {printed:?}");
            }
        }
        2 => topology(text),
        _ => scenario(text),
    }
});

/// Equal, counting NaN positions as equal (a position is only drawn).
fn same_topology(a: &Topology, b: &Topology) -> bool {
    let pos = |x: f64, y: f64| x == y || (x.is_nan() && y.is_nan());
    a.nodes.len() == b.nodes.len()
        && a.nodes
            .iter()
            .zip(&b.nodes)
            .all(|(m, n)| m.name == n.name && pos(m.x, n.x) && pos(m.y, n.y))
        && a.links == b.links
        && a.broadcasts == b.broadcasts
        && a.shape == b.shape
}

fn topology(text: &str) {
    let Ok((topo, _notes)) = annotated::parse(text, LinkParams::default()) else {
        return;
    };
    let written = annotated::write(&topo);
    let (back, _) = annotated::parse(&written, LinkParams::default())
        .unwrap_or_else(|e| panic!("written topology does not read back: {e}\n{written}"));
    assert!(
        same_topology(&back, &topo),
        "{text:?}\nwritten as\n{written}\nread back as {back:?}"
    );
    let _ = topo.describe();
    let _ = topo.components();
}

/// Node count of a generated topology, `None` when too large to build here.
fn generated_nodes(g: &GeneratorConfig) -> Option<usize> {
    const MAX: usize = 64;
    let n = match *g {
        GeneratorConfig::Line { nodes } => nodes,
        GeneratorConfig::Grid { rows, cols } => {
            if rows > MAX || cols > MAX {
                return None;
            }
            rows * cols
        }
        GeneratorConfig::Tree { depth, fanout } => {
            if depth > MAX {
                return None;
            }
            let mut total = 1usize;
            let mut level = 1usize;
            for _ in 0..depth {
                level = level.checked_mul(fanout)?;
                total = total.checked_add(level)?;
                if total > MAX {
                    return None;
                }
            }
            total
        }
        GeneratorConfig::Random { nodes, .. } => nodes,
    };
    (n <= MAX).then_some(n)
}

fn buildable(c: &ScenarioConfig) -> bool {
    c.topology.file.is_none()
        && c.topology
            .generator
            .as_ref()
            .is_some_and(|g| generated_nodes(g).is_some())
        && c.apps.iter().all(|a| match a {
            AppConfig::Publisher(p) => p.size <= 1 << 20,
            AppConfig::ConsumerZipf(z) => z.catalogue <= 100_000,
            _ => true,
        })
}

fn scenario(text: &str) {
    let Ok(s) = Scenario::parse(text, Path::new("/nonexistent-fuzz-dir")) else {
        return;
    };
    let Ok(variants) = s.variants() else { return };
    for (_label, v) in variants {
        if !buildable(&v.config) {
            continue;
        }
        if let Ok((topo, _notes)) = v.topology(v.config.seed) {
            let _ = topo.describe();
        }
        let _ = v.build(None);
    }
}
