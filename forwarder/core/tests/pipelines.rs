//! Scenario tests of the forwarding pipelines, one rule each, in virtual time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use ndn::lp::NackReason;
use ndn_fw::{
    FaceId, FaceScope, ForwarderConfig, LinkFields, LinkType, OutPacket, Strategy, StrategyKind,
    Transmit, UnsolicitedDataPolicy,
};

#[test]
fn interest_goes_to_cheapest_next_hop_and_data_comes_back() {
    let mut h = Harness::new();
    let (app, up1, up2) = (h.local(), h.remote(), h.remote());
    h.route("/a", up1, 20);
    h.route("/a", up2, 10);
    h.send(app, interest("/a/b", 1).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    h.send(up2, signed(data("/a/b")));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "data")]);
    assert_eq!(ts[0].incoming_face, up2);
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_satisfied_interests, 1);
    assert_eq!(h.fw.cs().len(), 1);
}

#[test]
fn content_store_hit_answers_without_forwarding() {
    let mut h = Harness::new();
    let (app1, app2, up) = (h.local(), h.local(), h.remote());
    h.route("/", up, 0);
    h.send(app1, interest("/a/b", 1).encode());
    h.transmits();
    h.send(up, signed(data("/a/b")));
    h.transmits();
    h.send(app2, interest("/a/b", 2).encode());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app2, "data")]);
    assert_eq!(ts[0].incoming_face, ndn_fw::FaceId::CONTENT_STORE);
    assert_eq!(h.fw.cs().n_hits, 1);
    assert_eq!(h.fw.pit().len(), 0);
}

#[test]
fn aggregated_interests_all_receive_data() {
    let mut h = Harness::new();
    let (a, b, c, up) = (h.local(), h.remote(), h.remote(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.send(b, interest("/x/1", 2).encode());
    h.send(c, interest("/x/1", 3).encode());
    // one Interest goes up; the others are aggregated (suppressed retransmissions)
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
    assert_eq!(h.fw.pit().len(), 1);
    h.send(up, signed(data("/x/1")));
    let mut faces: Vec<_> = h.transmits().iter().map(|t| t.face).collect();
    faces.sort();
    assert_eq!(faces, vec![a, b, c]);
}

#[test]
fn data_goes_once_to_each_downstream_in_face_order() {
    let mut h = Harness::new();
    let (a, b, up) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up, 0);
    // b asks twice (a CanBePrefix entry and the exact one), a once
    h.send(b, interest("/x", 2).can_be_prefix(true).encode());
    h.send(a, interest("/x/1", 1).encode());
    h.send(b, interest("/x/1", 3).encode());
    h.transmits();
    assert_eq!(h.fw.pit().len(), 2);
    h.send(up, signed(data("/x/1")));
    assert_eq!(summary(&h.transmits()), vec![(a, "data"), (b, "data")]);
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_satisfied_interests, 2);
}

#[test]
fn an_ad_hoc_face_relays_back_out_the_face_a_packet_came_in_on() {
    // a wireless link where not every peer hears every other: the forwarder relays between
    // peers of the same face, which a multi-access face never does
    for (link, relays) in [(LinkType::AdHoc, true), (LinkType::MultiAccess, false)] {
        let mut h = Harness::new();
        let air = h.face(FaceScope::NonLocal, link);
        h.route("/x", air, 0);
        h.send(air, interest("/x/1", 1).encode());
        let ts = h.transmits();
        if relays {
            assert_eq!(summary(&ts), vec![(air, "interest")], "{link:?}");
            // the Data, heard on the same face, goes back out of it to the requester
            h.send(air, signed(data("/x/1")));
            assert_eq!(summary(&h.transmits()), vec![(air, "data")], "{link:?}");
        } else {
            // nowhere to go, and no Nack on a link that is not point-to-point
            assert!(ts.is_empty(), "{link:?}: {:?}", summary(&ts));
        }
    }
}

#[test]
fn duplicate_nonce_gets_nack_duplicate() {
    let mut h = Harness::new();
    let (a, b, up) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x", 7).encode());
    h.transmits();
    h.send(b, interest("/x", 7).encode());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(b, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::Duplicate));
    assert_eq!(h.fw.counters().drops.loop_detected, 1);
}

#[test]
fn duplicate_nonce_on_multi_access_face_is_dropped_silently() {
    let mut h = Harness::new();
    let a = h.remote();
    let m = h.face(FaceScope::NonLocal, LinkType::MultiAccess);
    let up = h.remote();
    h.route("/x", up, 0);
    h.send(a, interest("/x", 7).encode());
    h.transmits();
    h.send(m, interest("/x", 7).encode());
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.counters().drops.loop_detected, 1);
}

#[test]
fn same_downstream_retransmitting_same_nonce_is_not_a_loop() {
    let mut h = Harness::new();
    let (a, up1, up2) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    h.send(a, interest("/x", 7).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
    h.advance(Duration::from_millis(50));
    h.send(a, interest("/x", 7).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    assert_eq!(h.fw.counters().drops.loop_detected, 0);
}

#[test]
fn dead_nonce_list_detects_loop_after_entry_expired() {
    let mut h = Harness::new();
    let (a, b, up) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x", 9).lifetime_ms(100).encode());
    h.transmits();
    h.advance(Duration::from_millis(200));
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_unsatisfied_interests, 1);
    assert_eq!(h.fw.dead_nonce_list().len(), 1);
    h.send(b, interest("/x", 9).encode());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(b, "nack")]);
    // after the Dead Nonce List entry lifetime, the Nonce is accepted again
    h.advance(Duration::from_secs(7));
    h.send(b, interest("/x", 9).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
}

#[test]
fn localhost_interest_from_remote_face_is_dropped() {
    let mut h = Harness::new();
    let (remote, up) = (h.remote(), h.local());
    h.route("/localhost", up, 0);
    h.send(remote, interest("/localhost/x", 1).encode());
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.counters().drops.localhost_violation, 1);
}

#[test]
fn localhost_interest_never_leaves_on_non_local_face() {
    let mut h = Harness::new();
    let (app, remote) = (h.local(), h.remote());
    h.route("/", remote, 0);
    h.send(app, interest("/localhost/x", 1).encode());
    let ts = h.transmits();
    // the only next hop violates scope: NoRoute back to the app
    assert_eq!(summary(&ts), vec![(app, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::NoRoute));
}

#[test]
fn localhost_data_from_remote_face_is_dropped() {
    let mut h = Harness::new();
    let (app, remote) = (h.local(), h.remote());
    h.route("/localhost", remote, 0);
    h.send(remote, signed(data("/localhost/x")));
    assert_eq!(h.fw.counters().drops.localhost_violation, 1);
    let _ = app;
}

#[test]
fn hop_limit_zero_is_dropped_and_others_decremented() {
    let mut h = Harness::new();
    let (a, up) = (h.remote(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).hop_limit(0).encode());
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.counters().drops.hop_limit_zero, 1);
    h.send(a, interest("/x/2", 2).hop_limit(5).encode());
    let ts = h.transmits();
    assert_eq!(out_interest(&ts[0]).hop_limit(), Some(4));
    // HopLimit 1 becomes 0 here, and 0 does not leave on a non-local face
    h.send(a, interest("/x/3", 3).hop_limit(1).encode());
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.counters().drops.hop_limit_zero, 2);
}

#[test]
fn interest_without_nonce_gets_one() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, ndn::InterestBuilder::new(name("/x/1")).encode());
    let ts = h.transmits();
    assert!(out_interest(&ts[0]).nonce().is_some());
}

#[test]
fn no_route_gives_nack_no_route() {
    let mut h = Harness::new();
    let a = h.remote();
    let i = interest("/nowhere", 1).encode();
    h.send(a, i.clone());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(a, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::NoRoute));
    assert_eq!(ts[0].packet.wire(), &i);
    assert_eq!(h.fw.pit().len(), 0);
}

#[test]
fn best_route_retransmission_tries_next_hop() {
    let mut h = Harness::new();
    let (a, up1, up2) = (h.local(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    h.send(a, interest("/x", 1).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
    h.advance(Duration::from_millis(20));
    h.send(a, interest("/x", 2).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    h.advance(Duration::from_millis(30));
    // both tried: the one tried longest ago
    h.send(a, interest("/x", 3).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
}

#[test]
fn retransmission_within_suppression_interval_is_suppressed() {
    let mut h = Harness::new();
    let (a, up1, up2) = (h.local(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    h.send(a, interest("/x", 1).encode());
    h.transmits();
    h.advance(Duration::from_millis(5));
    h.send(a, interest("/x", 2).encode());
    assert!(h.transmits().is_empty());
}

#[test]
fn suppression_parameters_in_the_strategy_name_take_effect() {
    // best-route with a first suppression interval of 100 ms instead of 10
    let mut h = Harness::new();
    let (a, up1, up2) = (h.local(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    let tuned = Strategy::from_name(&name(
        "/localhost/nfd/strategy/best-route/v=5/retx-suppression-initial~100",
    ))
    .unwrap();
    h.fw.set_strategy(&name("/x"), tuned);
    h.send(a, interest("/x", 1).encode());
    h.transmits();
    // 50 ms later: forwarded with the default interval, suppressed with this one
    h.advance(Duration::from_millis(50));
    h.send(a, interest("/x", 2).encode());
    assert!(h.transmits().is_empty());
    h.advance(Duration::from_millis(60));
    h.send(a, interest("/x", 3).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
}

#[test]
fn random_spreads_interests_over_every_eligible_next_hop_without_suppression() {
    let mut h = Harness::new();
    let (a, up1, up2, up3) = (h.remote(), h.remote(), h.remote(), h.remote());
    for (i, up) in [up1, up2, up3, a].into_iter().enumerate() {
        h.route("/x", up, i as u64);
    }
    h.fw.set_strategy(&name("/x"), StrategyKind::Random);
    let mut count = std::collections::BTreeMap::new();
    for i in 0..300u32 {
        h.send(a, interest(&format!("/x/{i}"), i).encode());
        for t in h.transmits() {
            *count.entry(t.face).or_insert(0u32) += 1;
        }
    }
    // the ingress is never chosen; the others about equally (seeded, so always the same)
    assert_eq!(
        count.keys().copied().collect::<Vec<_>>(),
        vec![up1, up2, up3]
    );
    assert!(count.values().all(|&n| n > 70), "{count:?}");
    // a retransmission 1 ms later is forwarded again (no suppression)
    h.send(a, interest("/x/0", 1000).encode());
    assert_eq!(h.transmits().len(), 1);
    // no eligible next hop: Nack NoRoute
    h.route("/only-back", a, 0);
    h.fw.set_strategy(&name("/only-back"), StrategyKind::Random);
    h.send(a, interest("/only-back/1", 7).encode());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(a, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::NoRoute));
}

#[test]
fn nack_from_every_upstream_goes_downstream_with_least_severe_reason() {
    let mut h = Harness::new();
    let (a, up1, up2) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    h.send(a, interest("/x", 1).encode());
    let first = h.transmits();
    h.advance(Duration::from_millis(20));
    h.send(a, interest("/x", 2).encode());
    let second = h.transmits();
    h.send_nack(up1, first[0].packet.wire().clone(), NackReason::NoRoute);
    assert!(h.transmits().is_empty(), "up2 may still answer");
    h.send_nack(up2, second[0].packet.wire().clone(), NackReason::Congestion);
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(a, "nack")]);
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::Congestion));
    assert_eq!(h.fw.pit().len(), 0);
}

#[test]
fn nack_goes_to_each_downstream_with_its_own_interest() {
    let mut h = Harness::new();
    let (a, b, up) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up, 1);
    h.send(a, interest("/x", 1).encode());
    h.send(b, interest("/x", 2).encode());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(up, "interest")]);
    h.send_nack(up, ts[0].packet.wire().clone(), NackReason::NoRoute);
    let got: Vec<_> = h
        .transmits()
        .iter()
        .map(|t| (t.face, nack_reason(t), out_interest(t).nonce()))
        .collect();
    let no_route = Some(NackReason::NoRoute);
    assert_eq!(got, vec![(a, no_route, Some(1)), (b, no_route, Some(2))]);
}

#[test]
fn asf_retries_a_nacked_interest_on_an_untried_next_hop_with_the_downstream_nonce() {
    let mut h = Harness::new();
    let (a, u1, u2, u3) = (h.remote(), h.remote(), h.remote(), h.remote());
    for (f, c) in [(u1, 1), (u2, 2), (u3, 3)] {
        h.route("/p", f, c);
    }
    h.fw.set_strategy(&name("/p"), ndn_fw::StrategyKind::Asf);
    h.send(a, interest("/p/1", 7).hop_limit(9).encode());
    // the best next hop, and a probe to an unmeasured one
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(u1, "interest"), (u2, "interest")]);
    h.send_nack(u1, ts[0].packet.wire().clone(), NackReason::Congestion);
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(u3, "interest")]);
    let retried = out_interest(&ts[0]);
    assert_eq!(retried.nonce(), Some(7));
    assert_eq!(retried.hop_limit(), Some(8));
}

#[test]
fn nack_with_stale_nonce_is_ignored() {
    let mut h = Harness::new();
    let (a, up) = (h.remote(), h.remote());
    h.route("/x", up, 1);
    h.send(a, interest("/x", 1).encode());
    h.transmits();
    h.send_nack(up, interest("/x", 99).encode(), NackReason::NoRoute);
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.counters().drops.invalid_nack, 1);
    assert_eq!(h.fw.pit().len(), 1);
}

#[test]
fn cs_hit_respects_must_be_fresh() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.transmits();
    h.send(up, signed(data("/x/1").freshness_period(1000)));
    h.transmits();
    // fresh: served from the cache
    h.send(a, interest("/x/1", 2).must_be_fresh(true).encode());
    assert_eq!(summary(&h.transmits()), vec![(a, "data")]);
    // stale after its FreshnessPeriod: goes upstream
    h.advance(Duration::from_millis(1500));
    h.send(a, interest("/x/1", 3).must_be_fresh(true).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
    // without MustBeFresh a stale Data still answers
    h.send(a, interest("/x/1", 4).encode());
    assert_eq!(summary(&h.transmits()), vec![(a, "data")]);
}

#[test]
fn data_without_freshness_never_answers_must_be_fresh() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.transmits();
    h.send(up, signed(data("/x/1")));
    h.transmits();
    h.send(a, interest("/x/1", 2).must_be_fresh(true).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
}

#[test]
fn can_be_prefix_interest_is_satisfied_by_longer_name_in_pit_and_cs() {
    let mut h = Harness::new();
    let (a, b, up) = (h.local(), h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x", 1).can_be_prefix(true).encode());
    h.transmits();
    h.send(up, signed(data("/x/v=1/seg=0")));
    assert_eq!(summary(&h.transmits()), vec![(a, "data")]);
    h.send(b, interest("/x", 2).can_be_prefix(true).encode());
    assert_eq!(summary(&h.transmits()), vec![(b, "data")]);
    // without CanBePrefix the shorter name does not match
    h.send(b, interest("/x", 3).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
}

#[test]
fn implicit_digest_interest_matches_only_that_data() {
    let mut h = Harness::new();
    let (a, b, up) = (h.local(), h.local(), h.remote());
    h.route("/x", up, 0);
    let wire = signed(data("/x/1"));
    let full = ndn::Data::decode(wire.clone()).unwrap().full_name();
    h.send(a, ndn::InterestBuilder::new(full.clone()).nonce(1).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
    h.send(up, wire.clone());
    assert_eq!(summary(&h.transmits()), vec![(a, "data")]);
    // from the cache too
    h.send(b, ndn::InterestBuilder::new(full).nonce(2).encode());
    assert_eq!(summary(&h.transmits()), vec![(b, "data")]);
    // a different digest does not match
    let other = name("/x/1").append_implicit_digest(&[7; 32]);
    h.send(b, ndn::InterestBuilder::new(other).nonce(3).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
}

#[test]
fn unsolicited_data_is_dropped_and_counted_by_default() {
    let mut h = Harness::new();
    let up = h.remote();
    h.send(up, signed(data("/x/1")));
    assert_eq!(h.fw.counters().drops.unsolicited_data, 1);
    assert_eq!(h.fw.cs().len(), 0);
}

#[test]
fn packets_from_unknown_faces_or_the_internal_face_are_dropped_and_counted() {
    let mut h = Harness::new();
    let (app, up) = (h.local(), h.remote());
    h.route("/a", up, 0);
    h.send(app, interest("/a/1", 1).encode());
    assert_eq!(summary(&h.transmits()), vec![(up, "interest")]);
    // the internal face is the core's own: nothing arrives on it from a driver
    let internal = ndn_fw::FaceId::INTERNAL;
    h.send(internal, signed(data("/a/1")));
    h.send(internal, interest("/a/2", 2).encode());
    h.send(
        internal,
        interest("/localhost/nfd/status/general", 3).encode(),
    );
    // nor on a face the core never had
    h.send(ndn_fw::FaceId(9999), signed(data("/a/1")));
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.counters().drops.unknown_face, 4);
    assert_eq!(h.fw.pit().len(), 1);
    assert_eq!(h.fw.cs().len(), 0);
    // the pending Interest is still answered by its upstream
    h.send(up, signed(data("/a/1")));
    assert_eq!(summary(&h.transmits()), vec![(app, "data")]);
}

#[test]
fn unsolicited_data_policy_admit_all_caches() {
    let mut h = Harness::new();
    h.fw.set_unsolicited_data_policy(UnsolicitedDataPolicy::AdmitAll);
    let (a, up) = (h.local(), h.remote());
    h.send(up, signed(data("/x/1")));
    assert_eq!(h.fw.cs().len(), 1);
    h.send(a, interest("/x/1", 1).encode());
    assert_eq!(summary(&h.transmits()), vec![(a, "data")]);
}

#[test]
fn cache_policy_no_cache_is_honoured() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.transmits();
    let link = LinkFields {
        no_cache: true,
        ..Default::default()
    };
    h.send_with(up, signed(data("/x/1")), link);
    assert_eq!(summary(&h.transmits()), vec![(a, "data")]);
    assert_eq!(h.fw.cs().len(), 0);
}

#[test]
fn a_satisfied_entry_leaves_no_deadline_behind() {
    let mut h = Harness::new();
    let (a, up) = (h.remote(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.transmits();
    assert_eq!(h.fw.poll_timeout(), Some(h.now + Duration::from_secs(4)));
    h.send(up, signed(data("/x/1")));
    h.transmits();
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.poll_timeout(), None, "nothing left to wake up for");
}

#[test]
fn renewing_an_in_record_moves_the_entry_deadline_both_ways() {
    let mut h = Harness::new();
    let (a, b, up) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up, 0);
    let t0 = h.now;
    h.send(a, interest("/x/1", 1).lifetime_ms(1000).encode());
    h.advance(Duration::from_millis(500));
    // a second downstream keeps the entry until its own lifetime ends
    h.send(b, interest("/x/1", 2).lifetime_ms(1000).encode());
    assert_eq!(h.fw.poll_timeout(), Some(t0 + Duration::from_millis(1500)));
    h.advance(Duration::from_millis(900));
    assert_eq!(h.fw.pit().len(), 1);
    // b comes again with a short lifetime: the deadline moves earlier
    h.send(b, interest("/x/1", 3).lifetime_ms(50).encode());
    assert_eq!(h.fw.poll_timeout(), Some(t0 + Duration::from_millis(1450)));
    h.advance(Duration::from_millis(49));
    assert_eq!(h.fw.pit().len(), 1);
    h.advance(Duration::from_millis(2));
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_unsatisfied_interests, 1);
}

#[test]
fn unsatisfied_entry_expires_after_its_lifetime() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).lifetime_ms(500).encode());
    h.transmits();
    h.advance(Duration::from_millis(499));
    assert_eq!(h.fw.pit().len(), 1);
    h.advance(Duration::from_millis(2));
    assert_eq!(h.fw.pit().len(), 0);
    assert_eq!(h.fw.counters().n_unsatisfied_interests, 1);
    // Data after expiry is unsolicited
    h.send(up, signed(data("/x/1")));
    assert_eq!(h.fw.counters().drops.unsolicited_data, 1);
}

#[test]
fn data_is_not_returned_to_its_ingress_on_point_to_point_faces() {
    let mut h = Harness::new();
    let (a, b) = (h.remote(), h.remote());
    h.route("/x", b, 0);
    h.route("/x", a, 1);
    // an Interest from b: best-route must skip b itself and use a
    h.send(b, interest("/x/1", 1).encode());
    assert_eq!(summary(&h.transmits()), vec![(a, "interest")]);
    h.send(a, interest("/x/1", 2).encode());
    h.transmits();
    // Data from a goes to b only (a asked too, but a is the ingress)
    h.send(a, signed(data("/x/1")));
    assert_eq!(summary(&h.transmits()), vec![(b, "data")]);
}

#[test]
fn multicast_sends_to_every_next_hop() {
    let mut h = Harness::new();
    let (a, u1, u2, u3) = (h.local(), h.remote(), h.remote(), h.remote());
    for (f, c) in [(u1, 1), (u2, 2), (u3, 3)] {
        h.route("/m", f, c);
    }
    h.fw.set_strategy(&name("/m"), ndn_fw::StrategyKind::Multicast);
    h.send(a, interest("/m/1", 1).encode());
    let mut faces: Vec<_> = h.transmits().iter().map(|t| t.face).collect();
    faces.sort();
    assert_eq!(faces, vec![u1, u2, u3]);
    // a quick retransmission is suppressed on every upstream
    h.send(a, interest("/m/1", 2).encode());
    assert!(h.transmits().is_empty());
    h.advance(Duration::from_millis(15));
    h.send(a, interest("/m/1", 3).encode());
    assert_eq!(h.transmits().len(), 3);
}

/// The ForwardingHint delegations of each Interest sent.
fn sent_hints(ts: &[Transmit]) -> Vec<(FaceId, Vec<String>)> {
    ts.iter()
        .filter_map(|t| match &t.packet {
            OutPacket::Interest(w) => {
                let i = ndn::Interest::decode(w.clone()).unwrap();
                let hint = i.forwarding_hint().iter().map(|d| d.to_string()).collect();
                Some((t.face, hint))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn forwarding_hint_is_followed_before_the_name_outside_the_producer_region() {
    let mut h = Harness::new();
    let (a, app_route, isp) = (h.local(), h.remote(), h.remote());
    h.route("/app", app_route, 0);
    h.route("/ndn/isp", isp, 0);
    // the first delegation with a route wins, even though the name has one too
    let i = interest("/app/data", 1)
        .forwarding_hint(vec![name("/ndn/other"), name("/ndn/isp/region")])
        .encode();
    h.send(a, i);
    let hint = vec!["/ndn/other".to_string(), "/ndn/isp/region".to_string()];
    assert_eq!(sent_hints(&h.transmits()), vec![(isp, hint)]);
    // without a hint the name is looked up
    h.send(a, interest("/app/other", 2).encode());
    assert_eq!(sent_hints(&h.transmits()), vec![(app_route, vec![])]);
}

#[test]
fn in_the_consumer_region_a_hinted_interest_takes_the_default_route() {
    let mut h = Harness::new();
    let (a, gateway, app_route) = (h.local(), h.remote(), h.remote());
    h.route("/", gateway, 0);
    h.route("/app", app_route, 0);
    let i = interest("/app/data", 1)
        .forwarding_hint(vec![name("/ndn/isp")])
        .encode();
    h.send(a, i);
    assert_eq!(summary(&h.transmits()), vec![(gateway, "interest")]);
}

#[test]
fn a_hinted_interest_with_no_delegation_routed_gets_nack_no_route() {
    let mut h = Harness::new();
    let (a, app_route) = (h.remote(), h.remote());
    h.route("/app", app_route, 0);
    let i = interest("/app/data", 1)
        .forwarding_hint(vec![name("/ndn/isp")])
        .encode();
    h.send(a, i);
    assert_eq!(summary(&h.transmits()), vec![(a, "nack")]);
}

#[test]
fn forwarding_hint_is_stripped_in_the_producer_region() {
    let mut h = Harness::with_config(ForwarderConfig {
        network_regions: vec![name("/ndn/isp/region/site")],
        ..Default::default()
    });
    let (a, producer, isp) = (h.remote(), h.remote(), h.remote());
    h.route("/app", producer, 0);
    h.route("/ndn/isp", isp, 0);
    // a delegation that is a prefix of a region: the Interest has arrived, and is forwarded by
    // its name, without the hint
    let i = interest("/app/data", 1)
        .forwarding_hint(vec![name("/ndn/elsewhere"), name("/ndn/isp/region")])
        .encode();
    h.send(a, i);
    assert_eq!(sent_hints(&h.transmits()), vec![(producer, vec![])]);
    // a delegation below a region name is not in the region
    let i = interest("/app/more", 2)
        .forwarding_hint(vec![name("/ndn/isp/region/site/building")])
        .encode();
    h.send(a, i);
    let hint = vec!["/ndn/isp/region/site/building".to_string()];
    assert_eq!(sent_hints(&h.transmits()), vec![(isp, hint)]);
}

#[test]
fn pit_cap_drops_new_interests() {
    let mut h = Harness::with_config(ForwarderConfig {
        pit_max_entries: 2,
        ..Default::default()
    });
    let (a, up) = (h.local(), h.remote());
    h.route("/", up, 0);
    for i in 0..4 {
        h.send(a, interest(&format!("/x/{i}"), i).encode());
    }
    assert_eq!(h.transmits().len(), 2);
    assert_eq!(h.fw.pit().len(), 2);
    assert_eq!(h.fw.counters().drops.pit_full, 2);
}

#[test]
fn next_hop_face_id_from_a_local_app_overrides_the_strategy() {
    let mut h = Harness::new();
    let app = h.local();
    let (u1, u2) = (h.remote(), h.remote());
    h.route("/x", u1, 0);
    let link = LinkFields {
        next_hop_face_id: Some(u2.0),
        ..Default::default()
    };
    // ignored while local fields are off
    h.send_with(app, interest("/x/1", 1).encode(), link.clone());
    assert_eq!(summary(&h.transmits()), vec![(u1, "interest")]);
    h.fw.faces_mut()
        .get_mut(app)
        .unwrap()
        .info
        .local_fields_enabled = true;
    h.send_with(app, interest("/x/2", 2).encode(), link);
    assert_eq!(summary(&h.transmits()), vec![(u2, "interest")]);
}

#[test]
fn removing_a_face_cleans_fib_and_pit() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.transmits();
    h.fw.remove_face(h.now, a);
    assert_eq!(h.fw.pit().len(), 0);
    h.fw.remove_face(h.now, up);
    assert!(
        h.fw.fib()
            .get(&name("/x"), h.fw.name_hash(&name("/x")))
            .is_none()
    );
}

#[test]
fn malformed_packets_are_counted_not_fatal() {
    let mut h = Harness::new();
    let a = h.remote();
    for junk in [
        &b""[..],
        b"\x05\x01",
        b"\x06\x00",
        b"\xff\xff\xff",
        b"\x64\x00",
    ] {
        h.send(a, Bytes::copy_from_slice(junk));
    }
    assert_eq!(h.fw.counters().drops.malformed, 5);
    let f = h.fw.faces().get(a).unwrap();
    assert_eq!(f.counters.n_in_malformed, 5);
}

#[test]
fn same_seed_gives_same_behaviour() {
    let run = |seed| {
        let mut h = Harness::with_config(ForwarderConfig {
            seed,
            ..Default::default()
        });
        let (a, up) = (h.local(), h.remote());
        h.route("/", up, 0);
        let mut out = Vec::new();
        for i in 0..5 {
            h.send(
                a,
                ndn::InterestBuilder::new(name(&format!("/n/{i}"))).encode(),
            );
            out.extend(h.transmits().into_iter().map(|t| t.packet));
        }
        out
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    let nonces: Vec<_> = run(1)
        .iter()
        .map(|p| match p {
            OutPacket::Interest(w) => ndn::Interest::decode(w.clone()).unwrap().nonce(),
            _ => None,
        })
        .collect();
    assert!(nonces.iter().all(Option::is_some));
}

fn with_token(token: &'static [u8]) -> LinkFields {
    LinkFields {
        pit_token: Some(Bytes::from_static(token)),
        ..Default::default()
    }
}

fn token(t: &ndn_fw::Transmit) -> Option<&[u8]> {
    t.pit_token.as_deref()
}

#[test]
fn pit_token_is_echoed_to_each_downstream_and_never_forwarded() {
    let mut h = Harness::new();
    let (a, b, c, up) = (h.local(), h.local(), h.local(), h.remote());
    h.route("/x", up, 0);
    h.send_with(a, interest("/x/1", 1).encode(), with_token(b"tok-a"));
    h.send_with(b, interest("/x/1", 2).encode(), with_token(b"tok-b"));
    h.send(c, interest("/x/1", 3).encode());
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(up, "interest")]);
    // hop by hop: the upstream gets no token
    assert_eq!(token(&ts[0]), None);
    // the upstream's own token is not passed down either
    h.send_with(up, signed(data("/x/1")), with_token(b"tok-up"));
    let mut ts = h.transmits();
    ts.sort_by_key(|t| t.face);
    assert_eq!(summary(&ts), vec![(a, "data"), (b, "data"), (c, "data")]);
    assert_eq!(token(&ts[0]), Some(&b"tok-a"[..]));
    assert_eq!(token(&ts[1]), Some(&b"tok-b"[..]));
    assert_eq!(token(&ts[2]), None);
}

#[test]
fn pit_token_is_echoed_on_content_store_hits_and_nacks() {
    let mut h = Harness::new();
    let (app, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    h.send(app, interest("/x/1", 1).encode());
    h.transmits();
    h.send(up, signed(data("/x/1")));
    h.transmits();
    // content store hit
    h.send_with(app, interest("/x/1", 2).encode(), with_token(b"cs"));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "data")]);
    assert_eq!(token(&ts[0]), Some(&b"cs"[..]));
    // Nack NoRoute
    h.send_with(
        app,
        interest("/nowhere", 3).encode(),
        with_token(b"noroute"),
    );
    let ts = h.transmits();
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::NoRoute));
    assert_eq!(token(&ts[0]), Some(&b"noroute"[..]));
    // Nack Duplicate (a looping Interest) carries the token of the looping Interest
    h.send(app, interest("/x/2", 9).encode());
    h.transmits();
    let other = h.local();
    h.send_with(other, interest("/x/2", 9).encode(), with_token(b"dup"));
    let ts = h.transmits();
    assert_eq!(nack_reason(&ts[0]), Some(NackReason::Duplicate));
    assert_eq!(token(&ts[0]), Some(&b"dup"[..]));
    // Nack from the upstream, passed down with the downstream's token
    h.send_with(app, interest("/x/3", 4).encode(), with_token(b"up-nack"));
    let sent = h.transmits();
    assert_eq!(summary(&sent), vec![(up, "interest")]);
    h.send_nack(up, sent[0].packet.wire().clone(), NackReason::Congestion);
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "nack")]);
    assert_eq!(token(&ts[0]), Some(&b"up-nack"[..]));
}

#[test]
fn pit_token_is_echoed_on_management_responses() {
    let mut h = Harness::new();
    let app = h.local();
    let wire = ndn::mgmt::sign_command_interest(
        &ndn::InterestBuilder::new(ndn::mgmt::command_name(
            &ndn::mgmt::localhost_nfd(),
            "rib",
            "register",
            &ndn::mgmt::ControlParameters::with_name(name("/p")),
        ))
        .nonce(5),
        &ndn::sign::DigestSha256,
        1_700_000_000_000,
        &[1, 2, 3, 4, 5, 6, 7, 8],
    )
    .unwrap();
    h.send_with(app, wire, with_token(b"mgmt"));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(app, "data")]);
    assert_eq!(token(&ts[0]), Some(&b"mgmt"[..]));
}

#[test]
fn a_removed_face_is_not_sent_the_notification_of_its_own_removal() {
    use ndn::mgmt::Record;
    let mut h = Harness::new();
    let (app, watcher) = (h.local(), h.local());
    let events = ndn::mgmt::localhost_nfd()
        .append_generic("faces")
        .append_generic("events");
    // both wait for the next face event
    for (face, nonce) in [(app, 1), (watcher, 2)] {
        let i = ndn::InterestBuilder::new(events.clone())
            .can_be_prefix(true)
            .nonce(nonce);
        h.send(face, i.encode());
    }
    assert!(h.transmits().is_empty());
    h.fw.remove_face(h.now, app);
    // the Destroyed notification goes to the face that is still there, not to the removed one
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(watcher, "data")]);
    let d = ndn::Data::decode(ts[0].packet.wire().clone()).unwrap();
    let n = ndn::mgmt::FaceEventNotification::decode(d.content()).unwrap();
    assert_eq!(n.face_id, app.0);
    assert_eq!(n.kind, ndn::mgmt::FaceEventKind::Destroyed);
    assert_eq!(h.fw.pit().len(), 0);
}

/// The CongestionMark of each transmit, with its face and kind.
fn marks(ts: &[Transmit]) -> Vec<(FaceId, &'static str, u64)> {
    summary(ts)
        .into_iter()
        .zip(ts)
        .map(|((face, kind), t)| (face, kind, t.congestion_mark))
        .collect()
}

#[test]
fn a_congestion_mark_on_data_reaches_every_downstream_but_not_from_the_cache() {
    let mut h = Harness::new();
    let (a, b, up) = (h.local(), h.remote(), h.remote());
    h.route("/x", up, 0);
    h.send(a, interest("/x/1", 1).encode());
    h.send(b, interest("/x/1", 2).encode());
    h.transmits();
    let marked = LinkFields {
        congestion_mark: 1,
        ..Default::default()
    };
    h.send_with(up, signed(data("/x/1")), marked);
    assert_eq!(marks(&h.transmits()), vec![(a, "data", 1), (b, "data", 1)]);
    // the cached copy did not cross the congested link
    h.send(a, interest("/x/1", 3).encode());
    assert_eq!(marks(&h.transmits()), vec![(a, "data", 0)]);
}

#[test]
fn a_congestion_mark_on_an_interest_goes_upstream_with_it() {
    let mut h = Harness::new();
    let (a, up) = (h.local(), h.remote());
    h.route("/x", up, 0);
    let marked = LinkFields {
        congestion_mark: 3,
        ..Default::default()
    };
    h.send_with(a, interest("/x/1", 1).encode(), marked);
    assert_eq!(marks(&h.transmits()), vec![(up, "interest", 3)]);
    h.send(a, interest("/x/2", 2).encode());
    assert_eq!(marks(&h.transmits()), vec![(up, "interest", 0)]);
}
