//! Analytic checks: the simulator agrees with closed-form results.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use ndn::Name;
use ndn_fw::OutPacket;
use ndn_sim::Sim;
use ndn_sim::app::consumer::zipf_pmf;
use ndn_sim::app::{
    App, AppOutput, Consumer, ConsumerConfig, DelayRecord, Producer, ProducerConfig, RequestPattern,
};
use ndn_sim::engine::{NodeSettings, Observer, SimState};
use ndn_sim::link::LinkDrop;
use ndn_sim::topology::{LinkParams, generate};
use ndn_sim::units::{NANOS_PER_SEC, SimTime, serialization_time};

fn name(s: &str) -> Name {
    Name::from_uri(s).unwrap()
}

/// Collects delay records.
#[derive(Clone, Default)]
struct Delays(Rc<RefCell<Vec<DelayRecord>>>);

impl Observer for Delays {
    fn on_tick(&mut self, _now: SimTime, _sim: &SimState) {}
    fn on_delays(&mut self, _app: u32, _node: u32, records: &[DelayRecord]) {
        self.0.borrow_mut().extend_from_slice(records);
    }
}

#[test]
fn idle_path_delay_is_propagation_plus_serialization() {
    let hops = 3u64;
    let p = LinkParams {
        bandwidth_bps: 1_000_000,
        delay: 10_000_000,
        ..LinkParams::default()
    };
    let mut sim = Sim::new(generate::line(hops as usize + 1, p), 1, |_| {
        NodeSettings::default()
    });
    let mut cfg = ConsumerConfig::cbr(name("/p"), 1.0);
    cfg.max_seq = Some(0);
    sim.add_app(0, App::Consumer(Consumer::new(cfg.clone())));
    let producer_cfg = ProducerConfig::new(name("/p"));
    sim.add_app(3, App::Producer(Producer::new(producer_cfg.clone())));
    sim.install_routes(false);
    let delays = Delays::default();
    sim.observe(NANOS_PER_SEC, Box::new(delays.clone()));
    sim.run_until(5 * NANOS_PER_SEC, &mut |_| {});

    // the sizes of the packets on the wire, built the same way the applications build them
    let interest = ndn::InterestBuilder::new(name("/p").append_sequence_num(0))
        .nonce(7)
        .lifetime_ms(cfg.lifetime_ms)
        .encode();
    let mut out = AppOutput::default();
    Producer::new(producer_cfg).on_packet(0, &OutPacket::Interest(interest.clone()), &mut out);
    let data = &out.packets[0];
    let expected = hops
        * (2 * p.delay
            + serialization_time(interest.len(), p.bandwidth_bps)
            + serialization_time(data.len(), p.bandwidth_bps));
    let got = delays.0.borrow();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].full_delay, expected);
    assert_eq!(got[0].last_delay, expected);
    // 3 x (20 ms + 8 ms per kB of Data + a fraction of a ms for the Interest)
    assert!(expected > 84_000_000 && expected < 90_000_000, "{expected}");
}

/// Che's approximation of the hit ratio of an LRU cache of `c` entries under independent
/// requests with popularities `p`: find T with sum(1 - exp(-p_i T)) = c, then
/// h = sum p_i (1 - exp(-p_i T)).
fn che_hit_ratio(p: &[f64], c: f64) -> f64 {
    let occupancy = |t: f64| p.iter().map(|&pi| 1.0 - (-pi * t).exp()).sum::<f64>();
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while occupancy(hi) < c {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if occupancy(mid) < c {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = 0.5 * (lo + hi);
    p.iter().map(|&pi| pi * (1.0 - (-pi * t).exp())).sum()
}

#[test]
fn lru_hit_ratio_under_zipf_matches_the_che_approximation() {
    // consumer and producer on one node: every request reaches the cache with no delay, so
    // the cache sees exactly the independent Zipf request stream Che's model assumes
    let (catalogue, q, s, cache) = (1000u64, 0.0, 0.8, 100usize);
    let requests = 60_000u64;
    let mut sim = Sim::new(generate::line(1, LinkParams::default()), 3, |_| {
        NodeSettings {
            cs_capacity: cache,
            ..NodeSettings::default()
        }
    });
    let mut cfg = ConsumerConfig::cbr(name("/z"), 1000.0);
    cfg.pattern = RequestPattern::ZipfMandelbrot { catalogue, q, s };
    cfg.seed = sim.app_seed(0);
    sim.add_app(0, App::Consumer(Consumer::new(cfg)));
    sim.add_app(
        0,
        App::Producer(Producer::new(ProducerConfig::new(name("/z")))),
    );
    sim.run_until(requests * NANOS_PER_SEC / 1000 - 1, &mut |_| {});
    let cs = sim.state.nodes[0].fw.cs();
    assert_eq!(cs.n_hits + cs.n_misses, requests);
    let measured = cs.n_hits as f64 / requests as f64;
    let predicted = che_hit_ratio(&zipf_pmf(catalogue, q, s), cache as f64);
    eprintln!("LRU hit ratio: measured {measured:.4}, Che {predicted:.4}");
    // Che's approximation is within about half a percent for these parameters; sampling noise
    // of 60,000 requests is about 0.2 %: allow 1.5 % absolute
    assert!(
        (measured - predicted).abs() < 0.015,
        "measured {measured:.4}, Che {predicted:.4}"
    );
}

#[test]
fn a_lossy_link_loses_the_configured_fraction() {
    let loss = 0.1;
    let p = LinkParams {
        bandwidth_bps: 100_000_000,
        delay: 1_000_000,
        queue_packets: 1000,
        loss,
        ..LinkParams::default()
    };
    let mut sim = Sim::new(generate::line(2, p), 11, |_| NodeSettings::default());
    let mut cfg = ConsumerConfig::cbr(name("/l"), 1000.0);
    cfg.seed = sim.app_seed(0);
    cfg.stop = Some(19 * NANOS_PER_SEC);
    sim.add_app(0, App::Consumer(Consumer::new(cfg)));
    sim.add_app(
        1,
        App::Producer(Producer::new(ProducerConfig::new(name("/l")))),
    );
    sim.install_routes(false);
    sim.run_until(20 * NANOS_PER_SEC, &mut |_| {});
    for ch in &sim.state.channels {
        let c = ch.channel.counters;
        let n = c.sent_frames as f64;
        assert!(n > 10_000.0, "only {n} frames");
        let lost = c.drops(LinkDrop::Loss) as f64;
        let bound = 4.0 * (loss * (1.0 - loss) / n).sqrt();
        assert!(
            (lost / n - loss).abs() < bound,
            "lost {lost} of {n}: {:.4} not within {bound:.4} of {loss}",
            lost / n
        );
        assert_eq!(c.sent_frames, c.delivered_frames + c.drops(LinkDrop::Loss));
    }
    // lost Interests and Data are recovered by retransmission
    let App::Consumer(c) = &sim.state.apps[0].app else {
        panic!()
    };
    assert!(c.stats().retransmissions > 0);
}
