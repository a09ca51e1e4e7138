//! The self-learning strategy in the simulator: without any routing, consumers find their
//! producers by flooding the first Interest and follow the routes learned from the prefix
//! announcements that come back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use ndn_sim::report::Summary;
use ndn_sim::scenario::Scenario;

fn run(s: &Scenario) -> Vec<Summary> {
    let dir = tempfile::tempdir().unwrap();
    ndn_sim::run::run_all(s, dir.path(), &Default::default(), &mut |_, _, _| {})
        .unwrap()
        .into_iter()
        .map(|o| o.summary)
        .collect()
}

/// A 4 x 4 grid with no routes: best-route has nowhere to send anything, self-learning floods
/// the first Interest, learns the way back from the producer's announcement, and then delivers
/// every Data the computed routes deliver.
#[test]
fn without_routes_only_self_learning_finds_the_producer() {
    let text = r#"
duration = "5s"
[topology]
generator = { kind = "grid", rows = 4, cols = 4 }
links = { bandwidth = "10Mbps", delay = "2ms" }

[routing]
mode = "none"

[[app]]
kind = "producer"
nodes = "n3_3"
prefix = "/p"

[[app]]
kind = "consumer-cbr"
nodes = "n0_0"
prefix = "/p"
frequency = 20
stop = "4s"

[sweep]
parameter = "strategy"
values = ["best-route", "self-learning"]
"#;
    let s = Scenario::parse(text, Path::new(".")).unwrap();
    let [best_route, self_learning] = &run(&s)[..] else {
        panic!("two variants")
    };
    assert_eq!(best_route.data, 0);
    // each Interest and each retransmission is Nacked NoRoute by the first forwarder
    assert_eq!(
        best_route.nacks,
        best_route.interests + best_route.retransmissions
    );
    assert_eq!(self_learning.nacks, 0);
    assert_eq!(self_learning.retransmissions, 0);
    assert_eq!(self_learning.data, self_learning.interests);
    assert_eq!(self_learning.producer_interests, self_learning.interests);
    // only the first Interest was flooded: its copies that found no producer expired
    // unsatisfied in the other 14 forwarders' PITs, at most one per forwarder and face
    assert!(
        (1..=40).contains(&self_learning.unsatisfied),
        "{}",
        self_learning.unsatisfied
    );
}

/// The shipped example: self-learning with computed routes and with none delivers the same
/// Data with the same delay; discovery costs a few PIT entries and link bytes.
#[test]
fn the_example_delivers_as_much_with_routes_learned_as_with_routes_computed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/self-learning.toml");
    let s = Scenario::load(&path).unwrap();
    let [computed, learned] = &run(&s)[..] else {
        panic!("two variants")
    };
    assert!(learned.label.ends_with("routing=none"));
    assert_eq!(learned.data, computed.data);
    assert_eq!(learned.nacks, 0);
    assert_eq!(computed.unsatisfied, 0);
    assert!(learned.unsatisfied > 0);
    assert!(learned.link_bytes > computed.link_bytes);
    assert!(learned.link_bytes < computed.link_bytes + computed.link_bytes / 100);
}
