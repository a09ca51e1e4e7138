//! Scenario tests of the access strategy (NFD's `access`), in virtual time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use ndn::lp::NackReason;
use ndn_fw::{FaceId, StrategyKind};

/// A downstream and two upstreams for `/x` (up1 the cheaper), under the access strategy.
fn access_router() -> (Harness, FaceId, FaceId, FaceId) {
    let mut h = Harness::new();
    let (down, up1, up2) = (h.remote(), h.remote(), h.remote());
    h.route("/x", up1, 1);
    h.route("/x", up2, 2);
    h.fw.set_strategy(&name("/x"), StrategyKind::Access);
    (h, down, up1, up2)
}

/// A first Interest for `/x/obj` goes to both upstreams; up2 answers after `rtt`.
fn learn_up2(h: &mut Harness, down: FaceId, up1: FaceId, up2: FaceId, rtt: Duration) {
    h.send(down, interest("/x/obj/1", 1).encode());
    assert_eq!(
        summary(&h.transmits()),
        vec![(up1, "interest"), (up2, "interest")]
    );
    h.advance(rtt);
    h.send(up2, signed(data("/x/obj/1")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
}

#[test]
fn access_multicasts_until_an_upstream_brings_data_then_uses_that_one() {
    let (mut h, down, up1, up2) = access_router();
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    // the next segment of the same object: only the upstream that answered
    h.send(down, interest("/x/obj/2", 2).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    h.advance(Duration::from_millis(40));
    h.send(up2, signed(data("/x/obj/2")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    // another object under /x has no upstream yet: every next hop
    h.send(down, interest("/x/other/1", 3).encode());
    assert_eq!(
        summary(&h.transmits()),
        vec![(up1, "interest"), (up2, "interest")]
    );
}

#[test]
fn access_tries_the_other_upstreams_after_the_retransmission_timeout() {
    let (mut h, down, up1, up2) = access_router();
    // one sample of 50 ms: SRTT 50 ms + 4 x 25 ms = 150 ms, raised to the 200 ms minimum
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    h.send(down, interest("/x/obj/2", 22).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    h.advance(Duration::from_millis(199));
    assert!(h.transmits().is_empty());
    h.advance(Duration::from_millis(1));
    let ts = h.transmits();
    assert_eq!(summary(&ts), vec![(up1, "interest")]);
    // the downstream's own Interest
    assert_eq!(out_interest(&ts[0]).nonce(), Some(22));
    // up1 answers: it becomes the object's upstream
    h.send(up1, signed(data("/x/obj/2")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    h.send(down, interest("/x/obj/3", 23).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
}

#[test]
fn access_timer_does_nothing_once_the_data_came() {
    let (mut h, down, up1, up2) = access_router();
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    h.send(down, interest("/x/obj/2", 2).encode());
    h.transmits();
    h.send(up2, signed(data("/x/obj/2")));
    assert_eq!(summary(&h.transmits()), vec![(down, "data")]);
    // the timer is dropped, so the driver is not woken when it would have run out
    let rto = h.now + Duration::from_millis(200);
    assert!(h.fw.poll_timeout().is_some_and(|t| t > rto));
    h.advance(Duration::from_secs(2));
    assert!(h.transmits().is_empty());
}

#[test]
fn access_retransmission_goes_to_every_upstream_at_most_every_100_ms() {
    let (mut h, down, up1, up2) = access_router();
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    h.send(down, interest("/x/obj/2", 2).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    h.advance(Duration::from_millis(99));
    h.send(down, interest("/x/obj/2", 3).encode());
    assert!(h.transmits().is_empty(), "suppressed");
    h.advance(Duration::from_millis(1));
    h.send(down, interest("/x/obj/2", 4).encode());
    assert_eq!(
        summary(&h.transmits()),
        vec![(up1, "interest"), (up2, "interest")]
    );
}

#[test]
fn access_nack_waits_for_the_timeout() {
    let (mut h, down, up1, up2) = access_router();
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    h.send(down, interest("/x/obj/2", 2).encode());
    let ts = h.transmits();
    h.send_nack(up2, ts[0].packet.wire().clone(), NackReason::Congestion);
    assert!(h.transmits().is_empty());
    h.advance(Duration::from_millis(200));
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
}

#[test]
fn access_without_an_upstream_drops_the_interest_without_a_nack() {
    let (mut h, down, _, _) = access_router();
    h.route("/only-back", down, 0);
    h.fw.set_strategy(&name("/only-back"), StrategyKind::Access);
    h.send(down, interest("/only-back/1", 1).encode());
    assert!(h.transmits().is_empty());
    assert_eq!(h.fw.pit().len(), 0);
}

#[test]
fn access_forgets_an_upstream_that_is_removed() {
    let (mut h, down, up1, up2) = access_router();
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    let now = h.now;
    h.fw.remove_face(now, up2);
    h.send(down, interest("/x/obj/2", 2).encode());
    assert_eq!(summary(&h.transmits()), vec![(up1, "interest")]);
}

#[test]
fn access_forgets_an_upstream_eight_seconds_after_its_last_data() {
    let (mut h, down, up1, up2) = access_router();
    learn_up2(&mut h, down, up1, up2, Duration::from_millis(50));
    h.advance(Duration::from_secs(7));
    h.send(down, interest("/x/obj/2", 2).encode());
    assert_eq!(summary(&h.transmits()), vec![(up2, "interest")]);
    h.advance(Duration::from_secs(2));
    h.transmits();
    h.send(down, interest("/x/obj/3", 3).encode());
    assert_eq!(
        summary(&h.transmits()),
        vec![(up1, "interest"), (up2, "interest")]
    );
}
