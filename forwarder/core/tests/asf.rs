//! Scenario tests of ASF's timeouts, in virtual time: a silent upstream counts as timed out
//! after its retransmission timeout, not only when the PIT entry expires.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use ndn_fw::{FaceId, StrategyKind};

/// A downstream and two upstreams for `/x` (up1 the cheaper), under ASF, with a content store
/// of `cs` packets: the first Interest for `/x/0` is out to up1 (the best by cost) and up2 (a
/// probe).
fn probing_router(cs: usize) -> (Harness, FaceId, FaceId, FaceId) {
    let mut h = Harness::with_config(ndn_fw::ForwarderConfig {
        cs_capacity_packets: cs,
        ..Default::default()
    });
    let (down, up1, up2) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    h.fw.set_strategy(&name("/x"), StrategyKind::Asf);
    h.send(down, interest("/x/0", 100).encode());
    assert_eq!(
        summary(&h.transmits()),
        vec![(up1, "interest"), (up2, "interest")]
    );
    (h, down, up1, up2)
}

/// [`probing_router`] once up1 answered after 50 ms, so that its retransmission timeout is
/// 200 ms (the minimum), and the probe's 50 ms of grace are over: up2 stays unmeasured.
fn measured_router() -> (Harness, FaceId, FaceId, FaceId) {
    let (mut h, down, up1, up2) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    h.advance(Duration::from_millis(50));
    (h, down, up1, up2)
}

/// What ASF measured of `face` under `/x`.
fn measured(h: &Harness, face: FaceId) -> Option<ndn_fw::table::measurements::FaceMeasurement> {
    let prefix = name("/x");
    h.fw.measurements()
        .get(&prefix, h.fw.name_hash(&prefix))
        .and_then(|m| m.face(face))
        .copied()
}

fn timeouts(h: &Harness, face: FaceId) -> u32 {
    measured(h, face).map_or(0, |m| m.n_timeouts)
}

fn srtt(h: &Harness, face: FaceId) -> Option<Duration> {
    measured(h, face).and_then(|m| m.rtt.srtt)
}

#[test]
fn asf_leaves_a_silent_upstream_after_max_timeouts_retransmission_timeouts() {
    let (mut h, down, up1, up2) = measured_router();
    // up1 goes silent: three Interests 10 ms apart, each with a 4 s lifetime
    for i in 1..=3 {
        h.send(down, interest(&format!("/x/{i}"), i).encode());
        assert_eq!(summary(&h.transmits()), vec![(up1, "interest")], "{i}");
        h.advance(Duration::from_millis(10));
    }
    // before the first one's timeout (200 ms after it left) up1 is still the best
    h.advance(Duration::from_millis(160));
    assert_eq!(timeouts(&h, up1), 0);
    h.send(down, interest("/x/4", 4).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
    // 200 ms after the third: three timeouts, long before the entries expire
    h.advance(Duration::from_millis(30));
    assert_eq!(timeouts(&h, up1), 3);
    h.send(down, interest("/x/5", 5).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    // the timeouts sent nothing: ASF does not retry on its own
    h.advance(Duration::from_millis(100));
    assert!(h.transmits().is_empty());
}

#[test]
fn asf_counts_an_upstreams_silence_once_though_the_entry_expires_later() {
    let (mut h, down, up1, _) = measured_router();
    h.send(down, interest("/x/1", 1).lifetime_ms(1000).encode());
    h.transmits();
    h.advance(Duration::from_millis(200));
    assert_eq!(timeouts(&h, up1), 1);
    // the entry expires 800 ms later: the silence was counted already
    h.advance(Duration::from_millis(900));
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(timeouts(&h, up1), 1);
}

#[test]
fn asf_counts_no_timeout_when_the_data_comes_in_time() {
    let (mut h, down, up1, _) = measured_router();
    h.send(down, interest("/x/1", 1).encode());
    h.transmits();
    h.advance(Duration::from_millis(199));
    h.send(up1, signed(data("/x/1")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    h.advance(Duration::from_secs(5));
    assert_eq!(timeouts(&h, up1), 0);
}

#[test]
fn asf_counts_at_expiry_an_upstream_whose_timeout_outlives_the_entry() {
    // unmeasured upstreams have a 1 s timeout; the Interest lives 300 ms
    let mut h = Harness::new();
    let (down, up1) = (h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.fw.set_strategy(&name("/x"), StrategyKind::Asf);
    h.send(down, interest("/x/1", 1).lifetime_ms(300).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
    h.advance(Duration::from_millis(299));
    assert_eq!(timeouts(&h, up1), 0);
    h.advance(Duration::from_millis(1));
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(timeouts(&h, up1), 1);
}

#[test]
fn asf_counts_a_nacked_upstream_once() {
    let (mut h, down, up1, up2) = measured_router();
    let wire = interest("/x/1", 1).encode();
    h.send(down, wire.clone());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
    h.send_nack(up1, wire, ndn::lp::NackReason::Congestion);
    // the Nack counts, and the Interest goes to the other upstream, now watched in turn
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    assert_eq!(timeouts(&h, up1), 1);
    // up2 has no sample: its timeout is 1 s
    h.advance(Duration::from_millis(999));
    assert_eq!(timeouts(&h, up2), 0);
    h.advance(Duration::from_millis(1));
    assert_eq!(timeouts(&h, up2), 1);
    h.advance(Duration::from_secs(4));
    assert_eq!((timeouts(&h, up1), timeouts(&h, up2)), (1, 1));
}

#[test]
fn asf_measures_a_probe_that_answers_within_50_ms_of_the_chosen_upstream() {
    let (mut h, down, up1, up2) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    // the entry stays 50 ms for the probe's answer, which the downstream does not get twice
    assert_eq!(h.fw.pit().len(), 1);
    h.advance(Duration::from_millis(30));
    h.send(up2, signed(data("/x/0")));
    assert!(h.transmits().is_empty());
    assert_eq!(srtt(&h, up1), Some(Duration::from_millis(50)));
    assert_eq!(srtt(&h, up2), Some(Duration::from_millis(80)));
    // both upstreams answered: nothing left to wait for
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_satisfied_interests, 1);
    assert_eq!(h.fw.counters().n_unsatisfied_interests, 0);
}

#[test]
fn asf_forgets_the_entry_50_ms_after_its_data() {
    let (mut h, down, up1, up2) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    h.advance(Duration::from_millis(50));
    assert_eq!(h.fw.pit().len(), 0);
    // the probe's Data is unsolicited now, and is not measured; the entry did not fail
    h.send(up2, signed(data("/x/0")));
    assert!(h.transmits().is_empty());
    assert_eq!(srtt(&h, up2), None);
    assert_eq!(h.fw.counters().n_unsatisfied_interests, 0);
    assert_eq!(timeouts(&h, up2), 0);
}

#[test]
fn a_downstream_joining_a_kept_entry_is_answered_from_the_cache_or_by_the_upstreams() {
    // with a cache, the Data just received answers
    let (mut h, down, up1, _) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    h.transmits();
    let other = h.remote();
    h.send(other, interest("/x/0", 200).encode());
    assert_eq!(summary(&h.transmits()), vec![(other, "data")]);
    assert_ne!(other, down);
    // without one, the Interest goes upstream again and waits for Data anew
    let (mut h, _, up1, up2) = probing_router(0);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    h.transmits();
    h.advance(Duration::from_millis(20));
    let other = h.remote();
    h.send(other, interest("/x/0", 200).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
    h.advance(Duration::from_millis(10));
    h.send(up2, signed(data("/x/0")));
    assert_eq!(summary(&h.transmits()), vec![(other, "data")]);
    assert_eq!(h.fw.counters().n_satisfied_interests, 2);
}

#[test]
fn a_nack_for_a_kept_entry_counts_against_its_upstream_and_goes_nowhere() {
    let (mut h, down, up1, up2) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    // the probe went with a Nonce of its own; a Nack must carry that one
    let pit = h.fw.pit();
    let probe_nonce = pit
        .ids()
        .into_iter()
        .find_map(|id| pit.get(id)?.out_record(up2).map(|r| r.nonce))
        .unwrap();
    h.send_nack(
        up2,
        interest("/x/0", probe_nonce).encode(),
        ndn::lp::NackReason::NoRoute,
    );
    // the downstream had its Data, and the Interest is not tried elsewhere
    assert!(h.transmits().is_empty());
    assert_eq!(timeouts(&h, up2), 1);
    // no upstream left to answer: the entry goes at once, satisfied
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_unsatisfied_interests, 0);
}

#[test]
fn a_kept_entry_stays_when_another_face_goes_and_goes_with_its_last_upstream() {
    let (mut h, down, up1, up2) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    h.transmits();
    // the downstream goes: the probe may still answer
    h.fw.remove_face(h.now, down);
    assert_eq!(h.fw.pit().len(), 1);
    h.advance(Duration::from_millis(10));
    h.send(up2, signed(data("/x/0")));
    assert_eq!(srtt(&h, up2), Some(Duration::from_millis(60)));
    // again, and this time the probe's upstream goes
    let (mut h, _, up1, up2) = probing_router(100);
    h.advance(Duration::from_millis(50));
    h.send(up1, signed(data("/x/0")));
    h.transmits();
    h.fw.remove_face(h.now, up2);
    assert_eq!(h.fw.pit().len(), 0);
}
