//! Applications in a network: ndnget's segment fetcher against ndnput's segment publisher.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ndn::Name;
use ndn_sim::Sim;
use ndn_sim::app::{App, PublisherConfig, SegmentProducer, WindowConsumer, WindowConsumerConfig};
use ndn_sim::engine::NodeSettings;
use ndn_sim::topology::{LinkParams, generate};
use ndn_sim::units::NANOS_PER_SEC;

fn fetch(loss: f64, mtu: Option<usize>) -> (u64, ndn_sim::app::WindowStats) {
    let p = LinkParams {
        bandwidth_bps: 10_000_000,
        delay: 5_000_000,
        queue_packets: 100,
        loss,
        mtu,
        ..LinkParams::default()
    };
    let mut sim = Sim::new(generate::line(3, p), 2, |_| NodeSettings::default());
    let name = Name::from_uri("/obj").unwrap();
    let publisher = SegmentProducer::new(PublisherConfig::new(name.clone(), 200_000)).unwrap();
    let segments = publisher.segment_count();
    sim.add_app(2, App::Publisher(publisher));
    let mut cfg = WindowConsumerConfig::new(name);
    cfg.seed = 9;
    cfg.max_retries = None;
    sim.add_app(0, App::Window(WindowConsumer::new(cfg)));
    sim.install_routes(false);
    sim.run_until(30 * NANOS_PER_SEC, &mut |_| {});
    let App::Window(w) = &sim.state.apps[1].app else {
        panic!()
    };
    (segments, w.stats())
}

#[test]
fn the_fetcher_gets_the_whole_object_with_version_discovery() {
    let (segments, s) = fetch(0.0, None);
    assert_eq!(segments, 25);
    assert_eq!(s.data, segments);
    assert_eq!(s.bytes, 200_000);
    assert!(s.finished_at.is_some());
    assert!(!s.failed);
    assert_eq!(s.retransmissions, 0);
}

#[test]
fn the_fetcher_recovers_losses_over_fragmenting_links() {
    let (segments, s) = fetch(0.05, Some(1500));
    assert_eq!(s.data, segments);
    assert_eq!(s.bytes, 200_000);
    assert!(s.finished_at.is_some());
    assert!(s.retransmissions > 0);
}
