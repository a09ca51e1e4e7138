//! Every shipped scenario parses and builds; the shipped topology files read cleanly.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use ndn_sim::scenario::Scenario;
use ndn_sim::topology::{LinkParams, annotated};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

#[test]
fn every_example_scenario_builds() {
    let mut n = 0;
    for entry in std::fs::read_dir(examples()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for (label, v) in s.variants().unwrap() {
                let b = v
                    .build(None)
                    .unwrap_or_else(|e| panic!("{} {label}: {e}", path.display()));
                assert!(b.end > 0);
                assert!(!b.sim.state.apps.is_empty());
            }
            n += 1;
        }
    }
    assert!(n >= 6, "only {n} example scenarios");
}

#[test]
fn shipped_topologies_are_connected() {
    for name in ["topo-6-node.txt", "topo-two-paths.txt"] {
        let text = std::fs::read_to_string(examples().join(name)).unwrap();
        let (t, notes) = annotated::parse(&text, LinkParams::default()).unwrap();
        assert!(notes.skipped_duplicates.is_empty());
        assert_eq!(t.components().len(), 1, "{name}");
    }
}

#[test]
fn the_reference_grid_has_100_consumers_and_a_corner_producer() {
    let s = Scenario::load(&examples().join("grid-32x32.toml")).unwrap();
    let b = s.build(None).unwrap();
    assert_eq!(b.sim.state.nodes.len(), 1024);
    assert_eq!(b.sim.topology().links.len(), 2 * 32 * 31);
    let consumers = b
        .sim
        .state
        .apps
        .iter()
        .filter(|a| a.app.kind() == "consumer-cbr")
        .count();
    assert_eq!(consumers, 100);
    let producer = b
        .sim
        .state
        .apps
        .iter()
        .find(|a| a.app.kind() == "producer")
        .unwrap();
    assert_eq!(b.sim.state.nodes[producer.node as usize].name, "n31_31");
}
