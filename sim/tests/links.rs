//! Links in a running network: a broadcast medium, and a link that fails and recovers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use ndn_sim::app::App;
use ndn_sim::link::LinkDrop;
use ndn_sim::scenario::Scenario;

const BROADCAST: &str = r#"
duration = "5s"
[topology]
file = "none.txt"
"#;

#[test]
fn a_broadcast_medium_carries_interests_and_data_to_every_member() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("none.txt"),
        "router\na NA 0 0\nb NA 0 1\nc NA 0 2\nlink\n",
    )
    .unwrap();
    let text = format!(
        "{BROADCAST}
[[topology.broadcast]]
nodes = [\"a\", \"b\", \"c\"]
bandwidth = \"10Mbps\"
delay = \"2ms\"

[[app]]
kind = \"consumer-cbr\"
nodes = \"a\"
prefix = \"/m\"
frequency = 10

[[app]]
kind = \"producer\"
nodes = \"c\"
prefix = \"/m\"
"
    );
    let s = Scenario::parse(&text, dir.path()).unwrap();
    let mut b = s.build(None).unwrap();
    b.sim.run_until(b.end, &mut |_| {});
    let App::Consumer(c) = &b.sim.state.apps[0].app else {
        panic!()
    };
    assert_eq!(c.stats().interests, 50);
    assert!(c.stats().data >= 49, "{:?}", c.stats());
    assert_eq!(c.stats().retransmissions, 0);
    // b overheard every Interest and every Data: the Data were unsolicited there
    let nb = &b.sim.state.nodes[1];
    assert!(nb.fw.counters().n_in_interests >= 49);
    assert!(nb.fw.counters().drops.unsolicited_data >= 49);
    // one shared channel
    assert_eq!(b.sim.state.channels.len(), 1);
}

#[test]
fn traffic_stops_while_the_only_link_is_down_and_resumes_after() {
    let text = r#"
duration = "10s"
[topology]
generator = { kind = "line", nodes = 2 }
links = { bandwidth = "10Mbps", delay = "5ms" }

[[app]]
kind = "consumer-cbr"
nodes = "n0"
prefix = "/p"
frequency = 20
lifetime = "500ms"

[[app]]
kind = "producer"
nodes = "n1"
prefix = "/p"

[[event]]
at = "2s"
link = ["n0", "n1"]
state = "down"

[[event]]
at = "6s"
link = ["n0", "n1"]
state = "up"

[trace]
interval = "1s"
"#;
    let dir = tempfile::tempdir().unwrap();
    let s = Scenario::parse(text, Path::new(".")).unwrap();
    let outcomes =
        ndn_sim::run::run_all(&s, dir.path(), &Default::default(), &mut |_, _, _| {}).unwrap();
    let series = &outcomes[0].series;
    // Data per one-second interval: full before, none while down (after the last in-flight
    // Data), back after
    assert_eq!(series[1].consumer_data, 20);
    assert_eq!(series[3].consumer_data, 0);
    assert_eq!(series[4].consumer_data, 0);
    assert!(series[8].consumer_data >= 20);
    let down: u64 = outcomes[0].summary.link_drops[LinkDrop::Down as usize];
    assert!(down > 0);
}

/// The example `congestion-marking.toml`: two window consumers share a 1 Mbit/s bottleneck.
/// With congestion marking on the links, the marks reach the consumers through the forwarders
/// (which carry a Data's mark on, as NFD does) and the windows shrink before the queue
/// overflows: far fewer queue drops and retransmissions, lower delay, same Data.
#[test]
fn congestion_marks_reach_window_consumers_and_spare_the_queue() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/congestion-marking.toml");
    let s = Scenario::load(&path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let outcomes =
        ndn_sim::run::run_all(&s, dir.path(), &Default::default(), &mut |_, _, _| {}).unwrap();
    let [off, on] = [&outcomes[0].summary, &outcomes[1].summary];
    assert!(off.label.ends_with("congestion_marking=off"));
    assert_eq!(off.link_marks, 0);
    assert!(on.link_marks > 0);
    let queue = |s: &ndn_sim::report::Summary| s.link_drops[LinkDrop::Queue as usize];
    assert!(queue(off) > 100, "{}", queue(off));
    assert!(
        queue(on) * 10 < queue(off),
        "{} vs {}",
        queue(on),
        queue(off)
    );
    assert!(on.retransmissions * 10 < off.retransmissions);
    assert_eq!(on.data, off.data);
    assert_eq!(on.fetches_done, 2);
    let p95 = |s: &ndn_sim::report::Summary| s.delay.unwrap()[2];
    assert!(p95(on) < p95(off));
}

/// ForwardingHint in the simulator, as NFD forwards it: on the line n0 - n1 - n2 - n3 with a
/// producer of /app at both ends, consumers on n1 reach the near one (n0) by name, and the far
/// one (n3) when their Interests carry the hint /far and n3 belongs to the region /far (which
/// routing then announces from it); there the hint is dropped and the name leads to n3's
/// producer.
#[test]
fn a_forwarding_hint_steers_interests_to_the_network_region_it_names() {
    let text = format!(
        "duration = \"2s\"\n{FAR_REGION_LINE}{}",
        r#"
[[app]]
kind = "producer"
nodes = "n0"
prefix = "/app"

[[app]]
kind = "producer"
nodes = "n3"
prefix = "/app"

[[app]]
kind = "consumer-cbr"
nodes = "n1"
prefix = "/app/near"
frequency = 10

[[app]]
kind = "consumer-cbr"
nodes = "n1"
prefix = "/app/far"
frequency = 10
forwarding_hint = ["/far"]
"#
    );
    let s = Scenario::parse(&text, Path::new(".")).unwrap();
    let mut b = s.build(None).unwrap();
    b.sim.run_until(b.end, &mut |_| {});
    let served = |i: usize| match &b.sim.state.apps[i].app {
        App::Producer(p) => p.stats().data,
        _ => panic!("app {i} is not a producer"),
    };
    let received = |i: usize| match &b.sim.state.apps[i].app {
        App::Consumer(c) => c.stats().data,
        _ => panic!("app {i} is not a consumer"),
    };
    assert_eq!(received(2), 20);
    assert_eq!(received(3), 20);
    // n0 served the near consumer only, n3 the hinted one only
    assert_eq!(served(0), 20);
    assert_eq!(served(1), 20);
    // n3 received the Interests without their hint, and forwarded none further
    let n3 = b.sim.state.nodes[3].fw.counters();
    assert_eq!(n3.n_out_interests, 20);
}

/// A line of four nodes, n0 to n3, with n3 in the network region /far.
const FAR_REGION_LINE: &str = r#"[topology]
generator = { kind = "line", nodes = 4 }
links = { bandwidth = "10Mbps", delay = "1ms" }

[[node]]
nodes = "n3"
network_regions = ["/far"]
"#;

/// The window consumer (ndnget's fetcher) carries the hint on every Interest, discovery
/// included: with the object published at both ends of a line, the hinted fetch is served by
/// the far publisher alone.
#[test]
fn a_window_consumer_fetches_through_its_forwarding_hint() {
    let text = format!(
        "duration = \"10s\"\n{FAR_REGION_LINE}{}",
        r#"
[[app]]
kind = "publisher"
nodes = "n0"
prefix = "/file"
size = 40000

[[app]]
kind = "publisher"
nodes = "n3"
prefix = "/file"
size = 40000

[[app]]
kind = "consumer-window"
nodes = "n1"
prefix = "/file"
forwarding_hint = ["/far"]
"#
    );
    let s = Scenario::parse(&text, Path::new(".")).unwrap();
    let mut b = s.build(None).unwrap();
    b.sim.run_until(b.end, &mut |_| {});
    let served = |i: usize| match &b.sim.state.apps[i].app {
        App::Publisher(p) => p.stats().data,
        _ => panic!("app {i} is not a publisher"),
    };
    let App::Window(w) = &b.sim.state.apps[2].app else {
        panic!("app 2 is not a window consumer");
    };
    let stats = w.stats();
    assert!(stats.finished_at.is_some() && !stats.failed, "{stats:?}");
    assert_eq!(stats.bytes, 40_000);
    assert_eq!(served(0), 0, "the near publisher saw nothing");
    // the metadata reply and the segments
    assert!(served(1) > 5, "{}", served(1));
}
