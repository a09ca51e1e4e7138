//! The fetcher against a simulated producer in virtual time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::result_large_err)]

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;

use super::*;
use crate::keychain::ValidationError;
use crate::packet::{DataBuilder, Interest};
use crate::publish::{PublishOptions, Publisher, Reply};
use crate::sign::DigestSha256;

const VERSION_MS: u64 = 1_700_000_000_000;
const ONE_WAY: Duration = Duration::from_millis(10);

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

/// What the producer does with an Interest.
enum Resp {
    Data(Bytes),
    Nack(NackReason),
    Drop,
}

type Producer = Box<dyn FnMut(&Interest) -> Resp>;

enum Event {
    AtProducer(OutgoingInterest),
    Data(Data, bool),
    Nack(Name, u32, NackReason),
}

/// A deterministic pseudo-random sequence for losses.
struct Lcg(u64);

impl Lcg {
    fn percent(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % 100
    }
}

/// One consumer, one producer, a link with a fixed one-way delay.
struct Sim {
    now: Duration,
    queue: BTreeMap<(Duration, u64), Event>,
    seq: u64,
    producer: Producer,
    /// Drop an Interest on the way to the producer.
    lose_interest: Box<dyn FnMut(&OutgoingInterest) -> bool>,
    /// Drop a Data on the way back.
    lose_data: Box<dyn FnMut(&Data) -> bool>,
    /// Put a congestion mark on a Data.
    mark: Box<dyn FnMut(&Data) -> bool>,
    /// Extra delay of a Data on the way back (reordering).
    delay_data: Box<dyn FnMut(&Data) -> Duration>,
    /// Largest distance from the oldest segment not yet handed out to a segment requested.
    max_ahead: u64,
    sent: Vec<(Duration, OutgoingInterest)>,
    cwnd_trace: Vec<(Duration, f64)>,
    out: Vec<u8>,
    segments: Vec<u64>,
    /// Told of every segment handed out, in order.
    on_segment: Box<dyn FnMut(u64)>,
    /// (from, to): the path carries nothing in between (a forwarder restarting).
    outage: Option<(Duration, Duration)>,
    /// (from, to): Interests get Nack NoRoute in between (the forwarder back, its route not).
    no_route: Option<(Duration, Duration)>,
    /// (time, segment) of every segment received.
    arrivals: Vec<(Duration, u64)>,
    /// Time a Data takes on a bottleneck link on the way back (zero: no bottleneck); Data
    /// leave it one after the other, so that they, and the Interests they clock out, are
    /// spread in time as on a real link.
    data_spacing: Duration,
    /// When the bottleneck is next free.
    link_free: Duration,
}

fn content(len: usize) -> Bytes {
    (0..len)
        .map(|i| (i * 7 % 256) as u8)
        .collect::<Vec<u8>>()
        .into()
}

fn publisher(len: usize, segment_size: usize) -> Publisher<Bytes> {
    let opts = PublishOptions {
        segment_size,
        ..PublishOptions::default()
    };
    Publisher::new(name("/p/obj"), content(len), opts, VERSION_MS).unwrap()
}

/// `producer`, except that the first Interest for segment `seg` gets a Nack with `reason`.
fn nack_once(mut producer: Producer, seg: u64, reason: NackReason) -> Producer {
    let mut nacked = false;
    Box::new(move |i| {
        if !nacked && i.name().last().and_then(|c| c.as_segment()) == Some(seg) {
            nacked = true;
            return Resp::Nack(reason);
        }
        producer(i)
    })
}

fn serve(mut p: Publisher<Bytes>) -> Producer {
    Box::new(
        move |i| match p.handle_interest(i, &DigestSha256, VERSION_MS + 1) {
            Ok(Reply::Data(w)) => Resp::Data(w),
            Ok(Reply::Nack(r)) => Resp::Nack(r),
            _ => Resp::Drop,
        },
    )
}

/// A producer that does not answer RDR metadata Interests.
fn without_metadata(mut inner: Producer) -> Producer {
    Box::new(move |i| {
        if i.name().last().is_some_and(|c| c.is_keyword()) {
            Resp::Drop
        } else {
            inner(i)
        }
    })
}

fn versioned() -> Name {
    name("/p/obj").append_version(VERSION_MS)
}

impl Sim {
    fn new(producer: Producer) -> Sim {
        Sim {
            now: Duration::ZERO,
            queue: BTreeMap::new(),
            seq: 0,
            producer,
            lose_interest: Box::new(|_| false),
            lose_data: Box::new(|_| false),
            mark: Box::new(|_| false),
            delay_data: Box::new(|_| Duration::ZERO),
            max_ahead: 0,
            sent: Vec::new(),
            cwnd_trace: Vec::new(),
            out: Vec::new(),
            segments: Vec::new(),
            on_segment: Box::new(|_| {}),
            outage: None,
            no_route: None,
            arrivals: Vec::new(),
            data_spacing: Duration::ZERO,
            link_free: Duration::ZERO,
        }
    }

    fn path_down(&self, at: Duration) -> bool {
        self.outage.is_some_and(|(from, to)| at >= from && at < to)
    }

    fn schedule(&mut self, at: Duration, e: Event) {
        self.seq += 1;
        self.queue.insert((at, self.seq), e);
    }

    fn at_producer(&mut self, i: OutgoingInterest) {
        let interest = Interest::decode(i.encode()).unwrap();
        let at = self.now + ONE_WAY;
        if self
            .no_route
            .is_some_and(|(from, to)| self.now >= from && self.now < to)
        {
            self.schedule(at, Event::Nack(i.name, i.nonce, NackReason::NoRoute));
            return;
        }
        match (self.producer)(&interest) {
            Resp::Data(wire) => {
                let d = Data::decode(wire).unwrap();
                if !(self.lose_data)(&d) {
                    let marked = (self.mark)(&d);
                    let mut at = at + (self.delay_data)(&d);
                    if !self.data_spacing.is_zero() {
                        at = at.max(self.link_free) + self.data_spacing;
                        self.link_free = at;
                    }
                    if !self.path_down(at) {
                        self.schedule(at, Event::Data(d, marked));
                    }
                }
            }
            Resp::Nack(r) => self.schedule(at, Event::Nack(i.name, i.nonce, r)),
            Resp::Drop => {}
        }
    }

    /// Drive `f` until it is done or fails; returns its error, if any.
    fn run(&mut self, f: &mut Fetcher) -> Option<FetchError> {
        for _ in 0..1_000_000 {
            self.drain(f);
            loop {
                let before = f.in_flight();
                let Some(i) = f.poll_interest(self.now) else {
                    break;
                };
                // a retransmission that keeps its place in the window (Duplicate Nack, fast
                // retransmit) may go out while the window is smaller than what is in flight
                assert!(
                    f.in_flight() <= f.cwnd().floor().max(1.0) as usize
                        || f.in_flight() <= 2
                        || f.in_flight() <= before,
                    "window overrun: {} in flight, cwnd {}",
                    f.in_flight(),
                    f.cwnd()
                );
                if let Some(seg) = i.segment {
                    self.max_ahead = self
                        .max_ahead
                        .max(seg.saturating_sub(self.segments.len() as u64));
                }
                self.sent.push((self.now, i.clone()));
                if !(self.lose_interest)(&i) && !self.path_down(self.now + ONE_WAY) {
                    self.schedule(self.now + ONE_WAY, Event::AtProducer(i));
                }
            }
            self.drain(f);
            if f.is_done() {
                return None;
            }
            if let Some(e) = f.error() {
                return Some(e.clone());
            }
            let event_at = self.queue.first_key_value().map(|((t, _), _)| *t);
            let timer_at = f.poll_timeout();
            let take_event = match (event_at, timer_at) {
                (Some(e), Some(t)) => e <= t,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => panic!("stalled: nothing to wait for at {:?}", self.now),
            };
            if take_event {
                let ((at, _), ev) = self.queue.pop_first().unwrap();
                self.now = at;
                match ev {
                    Event::AtProducer(i) => self.at_producer(i),
                    Event::Data(d, marked) => {
                        if let Some(seg) = d.name().last().and_then(|c| c.as_segment()) {
                            self.arrivals.push((self.now, seg));
                        }
                        let _ = f.handle_data(self.now, &d, marked);
                    }
                    Event::Nack(n, nonce, r) => f.handle_nack(self.now, &n, Some(nonce), r),
                }
            } else if let Some(t) = timer_at {
                self.now = self.now.max(t);
                f.handle_timeout(self.now);
            }
            self.cwnd_trace.push((self.now, f.cwnd()));
        }
        panic!("did not finish");
    }

    /// Take the segments ready in order.
    fn drain(&mut self, f: &mut Fetcher) {
        while let Some((seg, bytes)) = f.poll_segment() {
            assert_eq!(seg, self.segments.len() as u64, "segments in order");
            (self.on_segment)(seg);
            self.segments.push(seg);
            self.out.extend_from_slice(&bytes);
        }
    }

    /// Segment Interests sent for segment `seg`.
    fn sends_of(&self, seg: u64) -> Vec<&(Duration, OutgoingInterest)> {
        self.sent
            .iter()
            .filter(|(_, i)| i.segment == Some(seg))
            .collect()
    }
}

fn opts(pipeline: PipelineKind) -> FetchOptions {
    FetchOptions {
        pipeline,
        nonce_seed: 42,
        ..FetchOptions::default()
    }
}

fn all_pipelines() -> [PipelineKind; 4] {
    [
        PipelineKind::fixed(1),
        PipelineKind::fixed(8),
        PipelineKind::aimd(),
        PipelineKind::cubic(),
    ]
}

#[test]
fn lossless_fetch_delivers_all_segments_in_order() {
    for kind in all_pipelines() {
        let mut sim = Sim::new(serve(publisher(10_000, 100)));
        let mut f = Fetcher::new(name("/p/obj"), opts(kind));
        assert_eq!(sim.run(&mut f), None, "{kind:?}");
        assert_eq!(sim.out, &content(10_000)[..], "{kind:?}");
        assert_eq!(f.versioned_name(), Some(&versioned()));
        assert_eq!(f.final_segment(), Some(99));
        let s = f.stats();
        assert_eq!(
            (s.retransmissions, s.timeouts, s.nacks),
            (0, 0, 0),
            "{kind:?}"
        );
        assert_eq!(s.interests_sent, 101, "metadata + 100 segments ({kind:?})");
        assert_eq!((s.segments, s.bytes), (100, 10_000));
        assert_eq!(s.rtt_min, Some(ms(20)));
        assert_eq!(s.rtt_max, Some(ms(20)));
        assert!(f.poll_timeout().is_none());
    }
}

#[test]
fn segment_interests_follow_ndnget() {
    let mut sim = Sim::new(serve(publisher(300, 100)));
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    let (_, seg1) = sim.sends_of(1)[0];
    assert_eq!(seg1.name, versioned().append_segment(1));
    assert!(!seg1.can_be_prefix && !seg1.must_be_fresh);
    assert_eq!(seg1.lifetime, ms(4000));
    let nonces: std::collections::BTreeSet<u32> = sim.sent.iter().map(|(_, i)| i.nonce).collect();
    assert_eq!(nonces.len(), sim.sent.len(), "distinct nonces");
}

#[test]
fn five_percent_loss_completes_byte_identical() {
    for kind in all_pipelines() {
        let mut sim = Sim::new(serve(publisher(200_000, 1000)));
        let mut rng = Lcg(7);
        sim.lose_interest = Box::new(move |_| rng.percent() < 5);
        let mut rng = Lcg(11);
        sim.lose_data = Box::new(move |_| rng.percent() < 5);
        let mut f = Fetcher::new(name("/p/obj"), opts(kind));
        assert_eq!(sim.run(&mut f), None, "{kind:?}");
        assert!(sim.out == content(200_000), "{kind:?}");
        let s = f.stats();
        assert!(s.retransmissions >= 10, "{kind:?}: {s:?}");
        assert_eq!(
            s.retransmissions,
            s.timeouts + s.fast_retransmissions,
            "{kind:?}: every loss is a timeout or a fast retransmission"
        );
        if kind.is_adaptive() {
            assert!(s.fast_retransmissions > s.timeouts, "{kind:?}: {s:?}");
        } else {
            assert_eq!(s.fast_retransmissions, 0, "{kind:?}: no fast retransmit");
        }
        assert_eq!(s.segments, 200);
    }
}

#[test]
fn adaptive_windows_grow_without_loss() {
    for kind in [PipelineKind::aimd(), PipelineKind::cubic()] {
        let mut sim = Sim::new(serve(publisher(5_000, 100)));
        let mut f = Fetcher::new(name("/p/obj"), opts(kind));
        assert_eq!(sim.run(&mut f), None);
        // slow start with an infinite threshold: +1 per Data from 2
        assert_eq!(f.cwnd(), 52.0, "{kind:?}");
        let mut prev = 0.0;
        for (_, c) in &sim.cwnd_trace {
            assert!(*c >= prev, "{kind:?} never shrinks");
            prev = *c;
        }
    }
}

#[test]
fn aimd_congestion_avoidance_adds_one_per_window() {
    let mut o = opts(PipelineKind::aimd());
    o.init_ssthresh = 10.0;
    let mut sim = Sim::new(serve(publisher(5_000, 100)));
    let mut f = Fetcher::new(name("/p/obj"), o);
    assert_eq!(sim.run(&mut f), None);
    // 8 Data reach ssthresh 10, the other 42 add 1/floor(cwnd) each: about 3.9 more
    assert!(f.cwnd() > 13.5 && f.cwnd() < 14.5, "cwnd {}", f.cwnd());
}

/// Drop the first Interest for segment `seg`.
fn drop_first_of(seg: u64) -> Box<dyn FnMut(&OutgoingInterest) -> bool> {
    let mut done = false;
    Box::new(move |i| {
        if i.segment == Some(seg) && !done {
            done = true;
            return true;
        }
        false
    })
}

/// The window just before and just after the first decrease.
fn first_decrease(trace: &[(Duration, f64)]) -> (f64, f64) {
    trace
        .windows(2)
        .find(|w| w[1].1 < w[0].1)
        .map(|w| (w[0].1, w[1].1))
        .expect("a decrease")
}

#[test]
fn loss_halves_aimd_and_scales_cubic_by_beta_once() {
    for (kind, factor) in [(PipelineKind::aimd(), 0.5), (PipelineKind::cubic(), 0.7)] {
        let mut sim = Sim::new(serve(publisher(10_000, 100)));
        sim.lose_interest = drop_first_of(30);
        let mut f = Fetcher::new(name("/p/obj"), opts(kind));
        assert_eq!(sim.run(&mut f), None);
        let (before, after) = first_decrease(&sim.cwnd_trace);
        assert!(
            (after - before * factor).abs() < 1e-9,
            "{kind:?}: {before} -> {after}"
        );
        let s = f.stats();
        // repaired by fast retransmit, not by a timeout
        assert_eq!(
            (
                s.timeouts,
                s.retransmissions,
                s.fast_retransmissions,
                s.loss_decreases
            ),
            (0, 1, 1, 1)
        );
        assert_eq!(sim.sends_of(30).len(), 2);
        assert!(sim.out == content(10_000));
    }
}

/// Drop the first `n` Interests for segment `seg`.
fn drop_first_n_of(seg: u64, n: usize) -> Box<dyn FnMut(&OutgoingInterest) -> bool> {
    let mut dropped = 0;
    Box::new(move |i| {
        if i.segment == Some(seg) && dropped < n {
            dropped += 1;
            return true;
        }
        false
    })
}

/// Drop the first Interest of each of `segs`.
fn drop_first_of_each(segs: &'static [u64]) -> Box<dyn FnMut(&OutgoingInterest) -> bool> {
    let mut seen = std::collections::BTreeSet::new();
    Box::new(move |i| {
        i.segment
            .is_some_and(|s| segs.contains(&s) && seen.insert(s))
    })
}

/// Segments of every Interest `f` sends at `now`.
fn poll_all(f: &mut Fetcher, now: Duration) -> Vec<u64> {
    std::iter::from_fn(|| f.poll_interest(now))
        .map(|i| i.segment.unwrap())
        .collect()
}

/// A fetch of a versioned name with eight Interests out at time 0 (segments 0..=7).
fn eight_in_flight() -> Fetcher {
    let mut o = opts(PipelineKind::aimd());
    o.init_cwnd = 8.0;
    let mut f = Fetcher::new(versioned(), o);
    assert_eq!(poll_all(&mut f, Duration::ZERO), (0..8).collect::<Vec<_>>());
    f
}

#[test]
fn a_segment_is_lost_once_three_later_ones_arrived() {
    let mut f = eight_in_flight();
    f.handle_data(ms(20), &segment_data(0, 100), false).unwrap();
    assert_eq!(poll_all(&mut f, ms(20)), [8, 9], "slow start");
    for seg in [2, 3] {
        f.handle_data(ms(20), &segment_data(seg, 100), false)
            .unwrap();
    }
    assert!(!poll_all(&mut f, ms(20)).contains(&1), "two later arrivals");
    assert_eq!(f.stats().loss_decreases, 0);
    let cwnd = f.cwnd();
    f.handle_data(ms(21), &segment_data(4, 100), false).unwrap();
    // the third later arrival: segment 1 goes out again at once, ahead of new segments
    assert_eq!(poll_all(&mut f, ms(21)).first(), Some(&1));
    let s = f.stats();
    assert_eq!(
        (
            s.fast_retransmissions,
            s.retransmissions,
            s.timeouts,
            s.loss_decreases
        ),
        (1, 1, 0, 1)
    );
    assert_eq!(f.cwnd(), cwnd * 0.5, "AIMD halves, without growing first");
    assert_eq!(f.rto(), ms(200), "not backed off: nothing timed out");
}

#[test]
fn a_retransmission_is_lost_only_once_later_requested_segments_arrived() {
    let mut f = eight_in_flight();
    for seg in [0, 2, 3, 4] {
        f.handle_data(ms(20), &segment_data(seg, 100), false)
            .unwrap();
    }
    let sent = poll_all(&mut f, ms(20));
    assert_eq!(sent.first(), Some(&1), "fast retransmission: {sent:?}");
    let mut after: Vec<u64> = sent[1..].to_vec();
    // 5, 6 and 7 were requested before the retransmission: they say nothing about it
    for seg in [5, 6, 7] {
        f.handle_data(ms(30), &segment_data(seg, 100), false)
            .unwrap();
    }
    let sent = poll_all(&mut f, ms(30));
    assert!(!sent.contains(&1), "{sent:?}");
    assert_eq!(f.stats().fast_retransmissions, 1);
    after.extend(sent);
    assert!(after.len() >= 3, "{after:?}");
    // three segments requested after it: lost again, retransmitted once the suppression
    // interval, doubled to 20 ms, has passed since the retransmission
    for &seg in &after[..3] {
        f.handle_data(ms(35), &segment_data(seg, 100), false)
            .unwrap();
    }
    assert!(!poll_all(&mut f, ms(35)).contains(&1));
    assert_eq!(f.poll_timeout(), Some(ms(40)));
    f.handle_timeout(ms(40));
    assert_eq!(poll_all(&mut f, ms(40)).first(), Some(&1));
    let s = f.stats();
    assert_eq!((s.fast_retransmissions, s.timeouts), (2, 0));
}

#[test]
fn reordering_within_the_threshold_is_not_a_loss() {
    let mut f = eight_in_flight();
    for seg in [0, 2, 3, 1, 5, 6, 4, 7] {
        f.handle_data(ms(20), &segment_data(seg, 7), false).unwrap();
    }
    assert!(f.is_complete());
    let s = f.stats();
    assert_eq!((s.retransmissions, s.loss_decreases), (0, 0), "{s:?}");
}

#[test]
fn fast_retransmission_waits_for_the_suppression_interval() {
    let mut f = eight_in_flight();
    for seg in [0, 2, 3, 4] {
        f.handle_data(ms(4), &segment_data(seg, 100), false)
            .unwrap();
    }
    // while it waits, segment 1 is out of the window: the window, halved from 11 to 5.5,
    // takes 8 and 9 besides 5, 6 and 7
    assert_eq!(poll_all(&mut f, ms(4)), [8, 9]);
    assert_eq!(f.stats().loss_decreases, 1, "the loss counts at once");
    assert_eq!((f.cwnd(), f.in_flight()), (5.5, 5));
    // forwarders would suppress a retransmission within 10 ms of the first Interest
    assert_eq!(f.poll_timeout(), Some(ms(10)));
    f.handle_timeout(ms(10));
    assert_eq!(poll_all(&mut f, ms(10)), [1], "whatever the window");
    assert_eq!(f.in_flight(), 6);
    assert_eq!(f.stats().fast_retransmissions, 1);
}

#[test]
fn fast_retransmit_repairs_a_loss_without_an_rto() {
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    sim.lose_interest = drop_first_of(30);
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::cubic()));
    assert_eq!(sim.run(&mut f), None);
    let t: Vec<Duration> = sim.sends_of(30).iter().map(|(t, _)| *t).collect();
    assert_eq!(t.len(), 2);
    // the third later segment's Data comes back one RTT after it was sent
    let third_later = sim.sends_of(33)[0].0 + 2 * ONE_WAY;
    assert_eq!(t[1], third_later);
    assert!(
        t[1] - t[0] < ms(50),
        "{:?}, not the 200 ms minimum RTO",
        t[1] - t[0]
    );
    let s = f.stats();
    assert_eq!((s.timeouts, s.fast_retransmissions), (0, 1));
    assert!(sim.out == content(10_000));
}

#[test]
fn fast_retransmit_can_be_turned_off() {
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    sim.lose_interest = drop_first_of(30);
    let mut o = opts(PipelineKind::cubic());
    o.reorder_threshold = 0;
    let mut f = Fetcher::new(name("/p/obj"), o);
    assert_eq!(sim.run(&mut f), None);
    let s = f.stats();
    assert_eq!(
        (s.timeouts, s.fast_retransmissions, s.retransmissions),
        (1, 0, 1)
    );
    let t: Vec<Duration> = sim.sends_of(30).iter().map(|(t, _)| *t).collect();
    assert!(t[1] - t[0] >= ms(200), "waits for the RTO");
}

#[test]
fn a_lost_fast_retransmission_is_detected_by_later_segments_too() {
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    sim.lose_interest = drop_first_n_of(30, 2);
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    let t: Vec<Duration> = sim.sends_of(30).iter().map(|(t, _)| *t).collect();
    assert_eq!(t.len(), 3);
    assert!(t[1] - t[0] < ms(50), "fast retransmission");
    // three segments first requested after the retransmission arrive one RTT after it; the
    // forwarders' suppression interval has doubled to 20 ms by then
    let d = t[2] - t[1];
    assert!(ms(20) <= d && d < ms(50), "{d:?}, not the 200 ms RTO");
    let s = f.stats();
    assert_eq!(
        (
            s.fast_retransmissions,
            s.timeouts,
            s.retransmissions,
            s.loss_decreases
        ),
        (2, 0, 2, 1),
        "one loss event: segment 30 was sent before the reaction"
    );
    assert!(sim.out == content(10_000));
}

#[test]
fn the_rto_repairs_what_no_later_segment_reveals() {
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    // the last segment has no later one; its retransmission after the timeout is lost too,
    // and only a second timeout repairs it
    sim.lose_interest = drop_first_n_of(99, 2);
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::cubic()));
    assert_eq!(sim.run(&mut f), None);
    let t: Vec<Duration> = sim.sends_of(99).iter().map(|(t, _)| *t).collect();
    assert_eq!(t.len(), 3);
    assert_eq!(
        t[1] - t[0],
        ms(200),
        "the minimum RTO at a steady 20 ms RTT"
    );
    assert_eq!(t[2] - t[1], ms(400), "backed off by the timeout");
    let s = f.stats();
    assert_eq!((s.timeouts, s.fast_retransmissions), (2, 0));
    assert!(sim.out == content(10_000));
}

#[test]
fn no_rtt_sample_from_a_fast_retransmitted_segment() {
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    // the first Data of segment 30 comes 15 ms late: after its fast retransmission went out,
    // before that one's Data
    let late = ms(15);
    let mut delayed = false;
    sim.delay_data = Box::new(move |d| {
        if d.name().last().and_then(|c| c.as_segment()) == Some(30) && !delayed {
            delayed = true;
            return late;
        }
        Duration::ZERO
    });
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::cubic()));
    assert_eq!(sim.run(&mut f), None);
    let t: Vec<Duration> = sim.sends_of(30).iter().map(|(t, _)| *t).collect();
    let first_data = t[0] + 2 * ONE_WAY + late;
    assert!(
        t[1] < first_data && first_data < t[1] + 2 * ONE_WAY,
        "{t:?}"
    );
    let s = f.stats();
    assert_eq!((s.fast_retransmissions, s.timeouts), (1, 0));
    // Karn: the late first Data is not measured against the retransmission
    assert_eq!((s.rtt_min, s.rtt_max), (Some(ms(20)), Some(ms(20))));
    assert!(sim.out == content(10_000));
}

#[test]
fn the_window_reacts_to_fast_retransmits_once_per_rtt() {
    let mut sim = Sim::new(serve(publisher(30_000, 100)));
    // three losses within one window, then one much later
    sim.lose_interest = drop_first_of_each(&[30, 31, 33, 200]);
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    let s = f.stats();
    assert_eq!((s.fast_retransmissions, s.timeouts), (4, 0), "{s:?}");
    assert_eq!(s.loss_decreases, 2, "{s:?}");
    assert!(sim.out == content(30_000));

    // without conservative window adaptation, every loss shrinks the window
    let mut sim = Sim::new(serve(publisher(30_000, 100)));
    sim.lose_interest = drop_first_of_each(&[30, 31, 33, 200]);
    let mut o = opts(PipelineKind::aimd());
    o.disable_cwa = true;
    let mut f = Fetcher::new(name("/p/obj"), o);
    assert_eq!(sim.run(&mut f), None);
    assert_eq!(f.stats().loss_decreases, 4);
}

#[test]
fn the_reorder_buffer_stays_bounded() {
    let run = |max_reorder, reorder_threshold| {
        let mut sim = Sim::new(serve(publisher(20_000, 100)));
        // segment 10 is lost three times
        sim.lose_interest = drop_first_n_of(10, 3);
        let mut o = opts(PipelineKind::cubic());
        o.max_reorder = max_reorder;
        o.reorder_threshold = reorder_threshold;
        let mut f = Fetcher::new(name("/p/obj"), o);
        assert_eq!(sim.run(&mut f), None);
        assert!(sim.out == content(20_000));
        assert_eq!(sim.sends_of(10).len(), 4);
        sim.max_ahead
    };
    // repaired by timeouts only (1.4 s): the window runs far ahead unless bounded
    assert!(run(None, 0) > 100, "unbounded, the window runs ahead");
    assert_eq!(
        run(Some(20), 0),
        19,
        "at most 19 segments past the missing one"
    );
    assert_eq!(run(Some(20), 3), 19, "with fast retransmit too");
}

fn segment_data(seg: u64, last: u64) -> Data {
    Data::decode(
        DataBuilder::new(versioned().append_segment(seg))
            .final_segment(last)
            .content(vec![seg as u8; 10])
            .sign(&DigestSha256)
            .unwrap(),
    )
    .unwrap()
}

/// Losses of Interests sent before the last window decrease do not shrink it again.
#[test]
fn conservative_window_adaptation() {
    for disable_cwa in [false, true] {
        let mut o = opts(PipelineKind::aimd());
        o.init_cwnd = 4.0;
        o.disable_cwa = disable_cwa;
        let mut f = Fetcher::new(versioned(), o);
        let sent: Vec<u64> = std::iter::from_fn(|| f.poll_interest(Duration::ZERO))
            .map(|i| i.segment.unwrap())
            .collect();
        assert_eq!(sent, [0, 1, 2, 3]);
        f.handle_data(ms(10), &segment_data(0, 100), false).unwrap();
        let more: Vec<u64> = std::iter::from_fn(|| f.poll_interest(ms(10)))
            .map(|i| i.segment.unwrap())
            .collect();
        assert_eq!(more, [4, 5], "slow start: +1 per Data");
        assert_eq!(
            f.rto(),
            ms(200),
            "first sample: 10 + 4 * 5 ms, at least 200 ms"
        );
        // 4 and 5 time out first (200 ms RTO), then 1..3 (1 s initial RTO)
        assert_eq!(f.poll_timeout(), Some(ms(210)));
        f.handle_timeout(ms(210));
        assert_eq!(f.cwnd(), 2.5);
        assert_eq!(f.poll_timeout(), Some(ms(1000)));
        f.handle_timeout(ms(1000));
        let decreases = f.stats().loss_decreases;
        if disable_cwa {
            assert_eq!(decreases, 2);
            assert_eq!(f.cwnd(), 2.0);
        } else {
            assert_eq!(decreases, 1, "segments 1..3 were sent before the reaction");
            assert_eq!(f.cwnd(), 2.5);
        }
        assert_eq!(f.stats().timeouts, 5);
    }
}

#[test]
fn congestion_marks_shrink_the_window_without_retransmission() {
    for (kind, factor) in [(PipelineKind::aimd(), 0.5), (PipelineKind::cubic(), 0.7)] {
        let mut sim = Sim::new(serve(publisher(10_000, 100)));
        sim.mark = Box::new(|d| {
            let seg = d.name().last().and_then(|c| c.as_segment());
            seg.is_some_and(|s| (40..44).contains(&s))
        });
        let mut f = Fetcher::new(name("/p/obj"), opts(kind));
        assert_eq!(sim.run(&mut f), None);
        let (before, after) = first_decrease(&sim.cwnd_trace);
        assert!(
            (after - before * factor).abs() < 1e-9,
            "{kind:?}: {before} -> {after}"
        );
        let s = f.stats();
        assert_eq!(s.congestion_marks, 4);
        assert_eq!(s.mark_decreases, 1, "{kind:?}: once per RTT");
        assert_eq!(s.retransmissions, 0);
        assert!(sim.out == content(10_000));
    }
    // --ignore-marks
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    sim.mark = Box::new(|_| true);
    let mut o = opts(PipelineKind::aimd());
    o.ignore_congestion_marks = true;
    let mut f = Fetcher::new(name("/p/obj"), o);
    assert_eq!(sim.run(&mut f), None);
    assert_eq!(f.stats().mark_decreases, 0);
    assert_eq!(f.cwnd(), 102.0);
}

#[test]
fn silent_producer_backs_off_the_rto_then_fails() {
    let mut sim = Sim::new(Box::new(|_| Resp::Drop));
    let mut o = opts(PipelineKind::aimd());
    o.max_retries = Some(4);
    let mut f = Fetcher::new(versioned(), o);
    let err = sim.run(&mut f).unwrap();
    assert_eq!(
        err,
        FetchError::SegmentFailed {
            name: versioned(),
            segment: 0,
            retries: 4,
            last: Failure::Timeout
        }
    );
    let times: Vec<Duration> = sim.sends_of(0).iter().map(|(t, _)| *t).collect();
    // initial RTO 1 s, then doubled on each timeout: 2, 4, then capped by the 4 s lifetime
    assert_eq!(times, [0, 1, 3, 7, 11].map(Duration::from_secs));
    assert_eq!(f.stats().loss_decreases, 1, "the window shrinks once");
    assert!(
        f.poll_interest(sim.now).is_none(),
        "nothing after the failure"
    );

    // with a long lifetime the doubling shows: 2, 4, 8 s
    let mut sim = Sim::new(Box::new(|_| Resp::Drop));
    let mut o = opts(PipelineKind::aimd());
    o.max_retries = Some(4);
    o.interest_lifetime = Duration::from_secs(100);
    let mut f = Fetcher::new(versioned(), o);
    sim.run(&mut f).unwrap();
    let times: Vec<Duration> = sim.sends_of(0).iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0, 1, 3, 7, 15].map(Duration::from_secs));
}

/// A path that carries nothing for 2 s (a forwarder on it restarting), then Nacks NoRoute
/// for a moment (its route not yet back), stalls the fetch for about as long, not for a
/// minute. The RTO doubles when an Interest sent with the current RTO times out, so at most
/// once per RTO as with TCP's single timer, not once for every batch of per-segment timeouts:
/// when a bottleneck spreads the Interests in time, those batches come microseconds apart and
/// took the RTO to its 60 s maximum, which then held back every Nacked segment for a minute.
#[test]
fn a_short_outage_delays_the_fetch_about_as_long_as_it_lasts() {
    for kind in [PipelineKind::aimd(), PipelineKind::cubic()] {
        let mut sim = Sim::new(serve(publisher(60_000 * 100, 100)));
        let down = (ms(1000), ms(3000));
        sim.outage = Some(down);
        sim.no_route = Some((down.1, down.1 + ms(300)));
        sim.data_spacing = Duration::from_micros(50);
        let mut f = Fetcher::new(versioned(), opts(kind));
        assert_eq!(sim.run(&mut f), None, "{kind:?}");
        assert!(
            f.stats().timeouts > 1000,
            "{kind:?}: the outage cost no timeouts"
        );
        let after: Vec<Duration> = sim
            .arrivals
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| *t >= down.1)
            .collect();
        let resumed = after[0] - down.1;
        assert!(
            resumed < Duration::from_secs(4),
            "{kind:?}: first Data {resumed:?} after the path came back"
        );
        let gap = after.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        assert!(
            gap < Duration::from_secs(1),
            "{kind:?}: Data stopped for {gap:?}"
        );
        assert!(
            f.rto() < Duration::from_secs(1),
            "{kind:?}: RTO {:?}",
            f.rto()
        );
    }
}

#[test]
fn rto_backs_off_on_each_loss_without_cwa() {
    let mut sim = Sim::new(Box::new(|_| Resp::Drop));
    let mut o = opts(PipelineKind::cubic());
    o.max_retries = Some(2);
    o.disable_cwa = true;
    let mut f = Fetcher::new(versioned(), o);
    sim.run(&mut f).unwrap();
    let times: Vec<Duration> = sim.sends_of(0).iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0, 1, 3].map(Duration::from_secs));
}

#[test]
fn fixed_pipeline_retries_on_lifetime() {
    let mut sim = Sim::new(Box::new(|_| Resp::Drop));
    let mut o = opts(PipelineKind::fixed(1));
    o.max_retries = Some(2);
    o.interest_lifetime = ms(500);
    let mut f = Fetcher::new(versioned(), o);
    sim.run(&mut f).unwrap();
    let times: Vec<Duration> = sim.sends_of(0).iter().map(|(t, _)| *t).collect();
    assert_eq!(times, [0, 500, 1000].map(ms));
    assert_eq!(sim.sent.len(), 3, "window of one");
}

#[test]
fn nack_no_route_fails_after_retries() {
    let mut sim = Sim::new(Box::new(|_| Resp::Nack(NackReason::NoRoute)));
    let mut o = opts(PipelineKind::cubic());
    o.max_retries = Some(3);
    let mut f = Fetcher::new(versioned(), o);
    let err = sim.run(&mut f).unwrap();
    assert_eq!(
        err,
        FetchError::SegmentFailed {
            name: versioned(),
            segment: 0,
            retries: 3,
            last: Failure::Nack(NackReason::NoRoute)
        }
    );
    let sends = sim.sends_of(0);
    assert_eq!(sends.len(), 4);
    // each retry waits one RTO (1 s before any RTT sample)
    assert_eq!(sends[1].0 - sends[0].0, ms(1020));
    assert_eq!(f.stats().loss_decreases, 0, "NoRoute is not congestion");
}

#[test]
fn nack_duplicate_retransmits_at_once_with_a_new_nonce() {
    let mut sim = Sim::new(nack_once(
        serve(publisher(2_000, 100)),
        5,
        NackReason::Duplicate,
    ));
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    let sends = sim.sends_of(5);
    assert_eq!(sends.len(), 2);
    assert_eq!(
        sends[1].0 - sends[0].0,
        ms(20),
        "right when the Nack arrives"
    );
    assert_ne!(sends[0].1.nonce, sends[1].1.nonce);
    let s = f.stats();
    assert_eq!((s.nacks, s.loss_decreases, s.retransmissions), (1, 0, 1));
    assert!(sim.out == content(2_000));
}

#[test]
fn nack_congestion_is_a_loss_in_adaptive_pipelines() {
    let mut sim = Sim::new(nack_once(
        serve(publisher(5_000, 100)),
        20,
        NackReason::Congestion,
    ));
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    let (before, after) = first_decrease(&sim.cwnd_trace);
    assert_eq!(after, before * 0.5);
    assert_eq!(f.stats().loss_decreases, 1);
    assert!(sim.out == content(5_000));
}

#[test]
fn nack_congestion_backs_off_in_the_fixed_pipeline() {
    let mut p = serve(publisher(500, 100));
    let mut count = 0;
    let mut sim = Sim::new(Box::new(move |i| {
        let seg = i.name().last().and_then(|c| c.as_segment());
        if seg == Some(2) && count < 3 {
            count += 1;
            return Resp::Nack(NackReason::Congestion);
        }
        p(i)
    }));
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::fixed(1)));
    assert_eq!(sim.run(&mut f), None);
    let t: Vec<Duration> = sim.sends_of(2).iter().map(|(t, _)| *t).collect();
    // Nack after 20 ms, then hold-offs of 1, 2, 4 ms
    assert_eq!(t[1] - t[0], ms(21));
    assert_eq!(t[2] - t[1], ms(22));
    assert_eq!(t[3] - t[2], ms(24));
}

#[test]
fn stale_nack_is_ignored() {
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    let first = f.poll_interest(Duration::ZERO).unwrap();
    f.handle_nack(
        ms(5),
        &first.name,
        Some(first.nonce ^ 1),
        NackReason::NoRoute,
    );
    assert_eq!(f.stats().nacks, 0);
    f.handle_nack(ms(5), &first.name, Some(first.nonce), NackReason::Duplicate);
    assert_eq!(f.stats().nacks, 1);
    let again = f.poll_interest(ms(5)).unwrap();
    assert_eq!(again.segment, Some(0));
    f.handle_nack(ms(6), &first.name, Some(first.nonce), NackReason::NoRoute);
    assert_eq!(f.stats().nacks, 1, "Nack of the replaced Interest");
}

#[test]
fn discovery_by_metadata() {
    let mut sim = Sim::new(serve(publisher(1_000, 100)));
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::cubic()));
    assert_eq!(sim.run(&mut f), None);
    let (_, first) = &sim.sent[0];
    assert_eq!(first.name.to_string(), "/p/obj/32=metadata");
    assert!(first.can_be_prefix && first.must_be_fresh);
    assert_eq!(sim.sent[1].1.segment, Some(0));
    assert_eq!(f.versioned_name(), Some(&versioned()));
}

#[test]
fn every_interest_carries_the_forwarding_hint() {
    let mut sim = Sim::new(serve(publisher(1_000, 100)));
    let hint = vec![name("/region/a"), name("/region/b")];
    let mut o = opts(PipelineKind::cubic());
    o.forwarding_hint = hint.clone();
    let mut f = Fetcher::new(name("/p/obj"), o);
    assert_eq!(sim.run(&mut f), None);
    assert!(sim.out == content(1_000));
    // the metadata Interest and every segment Interest, encoded
    assert!(sim.sent.len() > 10);
    for (_, i) in &sim.sent {
        let wire = crate::packet::Interest::decode(i.encode()).unwrap();
        assert_eq!(wire.forwarding_hint(), &hint[..], "{}", i.name);
    }
    // none by default
    let mut sim = Sim::new(serve(publisher(300, 100)));
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::cubic()));
    assert_eq!(sim.run(&mut f), None);
    let first = crate::packet::Interest::decode(sim.sent[0].1.encode()).unwrap();
    assert!(first.forwarding_hint().is_empty());
}

#[test]
fn discovery_falls_back_to_can_be_prefix_after_metadata_timeouts() {
    let mut sim = Sim::new(without_metadata(serve(publisher(1_000, 100))));
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::cubic()));
    assert_eq!(sim.run(&mut f), None);
    let names: Vec<String> = sim
        .sent
        .iter()
        .take(4)
        .map(|(_, i)| i.name.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "/p/obj/32=metadata".to_owned(),
            "/p/obj/32=metadata".to_owned(),
            "/p/obj".to_owned(),
            versioned().append_segment(1).to_string(),
        ],
        "one metadata retry, then the prefix; its reply is segment 0"
    );
    assert_eq!(sim.sent[2].0, ms(8000), "two 4 s lifetimes");
    assert!(sim.sent[2].1.can_be_prefix && sim.sent[2].1.must_be_fresh);
    assert!(sim.sends_of(0).is_empty());
    assert!(sim.out == content(1_000));
    assert_eq!(f.stats().segments, 10);
}

#[test]
fn discovery_falls_back_at_once_on_metadata_nack() {
    let mut inner = serve(publisher(300, 100));
    let mut sim = Sim::new(Box::new(move |i| {
        if i.name().last().is_some_and(|c| c.is_keyword()) {
            Resp::Nack(NackReason::NoRoute)
        } else {
            inner(i)
        }
    }));
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    assert_eq!(sim.sent[1].0, ms(20));
    assert_eq!(sim.sent[1].1.name, name("/p/obj"));
    assert!(sim.out == content(300));
}

#[test]
fn discovery_fails_when_nothing_answers() {
    let mut sim = Sim::new(Box::new(|_| Resp::Nack(NackReason::NoRoute)));
    let mut f = Fetcher::new(name("/p/obj"), opts(PipelineKind::aimd()));
    let err = sim.run(&mut f).unwrap();
    assert!(
        matches!(&err, FetchError::NoVersion { name: n, reason } if *n == name("/p/obj") && reason.contains("NoRoute")),
        "{err}"
    );
    assert_eq!(sim.sent.len(), 2);
}

#[test]
fn versioned_name_skips_discovery() {
    let mut sim = Sim::new(serve(publisher(300, 100)));
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    assert_eq!(sim.sent[0].1.segment, Some(0));
    assert_eq!(f.stats().interests_sent, 3);
}

#[test]
fn validation_failure_ends_the_fetch() {
    let mut sim = Sim::new(serve(publisher(1_000, 100)));
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    f.set_data_check(|d| {
        if d.name().last().and_then(|c| c.as_segment()) == Some(3) {
            Err(ValidationError::Unsigned)
        } else {
            Ok(())
        }
    });
    let err = sim.run(&mut f).unwrap();
    assert_eq!(
        err,
        FetchError::Validation {
            name: versioned().append_segment(3),
            error: ValidationError::Unsigned
        }
    );
    assert!(sim.segments.len() <= 3, "nothing after the bad segment");
}

type Checked = std::sync::Arc<std::sync::Mutex<Vec<Vec<u64>>>>;

/// A batch check that records the segment numbers of every batch (None for metadata) and
/// rejects segment `bad`.
fn recording_check(
    checked: &Checked,
    bad: Option<u64>,
) -> impl FnMut(&[Data]) -> Result<(), (usize, ValidationError)> + Send + 'static {
    let checked = checked.clone();
    move |batch: &[Data]| {
        let segs: Vec<u64> = batch
            .iter()
            .map(|d| match d.name().iter().any(|c| c.is_keyword()) {
                true => u64::MAX,
                false => d.name().last().and_then(|c| c.as_segment()).unwrap_or(0),
            })
            .collect();
        checked.lock().unwrap().push(segs.clone());
        match segs.iter().position(|s| Some(*s) == bad) {
            Some(i) => Err((i, ValidationError::Unsigned)),
            None => Ok(()),
        }
    }
}

/// `on_segment` hook asserting that every segment handed out was checked before.
fn only_checked(checked: &Checked) -> Box<dyn FnMut(u64)> {
    let checked = checked.clone();
    Box::new(move |seg| {
        let c = checked.lock().unwrap();
        assert!(
            c.iter().flatten().any(|s| *s == seg),
            "segment {seg} handed out before it was checked"
        );
    })
}

/// Give `f` a recording batch check (see [`recording_check`]) with these limits; returns the
/// record of its batches.
fn check_batches(
    f: &mut Fetcher,
    max_segments: usize,
    max_delay: Duration,
    bad: Option<u64>,
) -> Checked {
    let checked = Checked::default();
    let limits = BatchLimits {
        max_segments,
        max_delay,
    };
    f.set_batch_data_check(recording_check(&checked, bad), limits);
    checked
}

#[test]
fn batch_checks_cover_every_segment_before_it_is_handed_out() {
    for (loss, pipeline) in [(0, PipelineKind::cubic()), (5, PipelineKind::aimd())] {
        let mut f = Fetcher::new(name("/p/obj"), opts(pipeline));
        let checked = check_batches(&mut f, 16, ms(5), None);
        let mut sim = Sim::new(serve(publisher(100_000, 100)));
        let mut rng = Lcg(7);
        sim.lose_data = Box::new(move |_| rng.percent() < loss);
        sim.on_segment = only_checked(&checked);
        assert_eq!(sim.run(&mut f), None);
        assert_eq!(&sim.out[..], &content(100_000)[..]);
        let batches = checked.lock().unwrap();
        // the metadata alone, then the 1000 segments, each once, in batches of at most 16
        assert_eq!(batches[0], vec![u64::MAX], "metadata first, alone");
        let mut segs: Vec<u64> = batches[1..].iter().flatten().copied().collect();
        assert!(batches[1..].iter().all(|b| !b.is_empty() && b.len() <= 16));
        segs.sort_unstable();
        assert_eq!(segs, (0..1000).collect::<Vec<_>>(), "loss {loss}%");
        // once the window is large, batches fill before the delay bound flushes them
        let full = batches.iter().filter(|b| b.len() == 16).count();
        assert!(loss > 0 || full * 16 >= 500, "{full} full batches");
    }
}

#[test]
fn a_rejected_segment_in_a_batch_fails_the_fetch_and_is_named() {
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::cubic()));
    let checked = check_batches(&mut f, 8, ms(50), Some(13));
    let mut sim = Sim::new(serve(publisher(10_000, 100)));
    sim.on_segment = only_checked(&checked);
    let err = sim.run(&mut f).unwrap();
    assert_eq!(
        err,
        FetchError::Validation {
            name: versioned().append_segment(13),
            error: ValidationError::Unsigned
        }
    );
    // segments arrive in order here: every one before the bad segment passed its check (in
    // earlier batches or before it in its own) and was handed out; nothing after it was
    assert_eq!(sim.segments, (0..13).collect::<Vec<_>>());
    assert_eq!(f.poll_segment(), None);
    let batches = checked.lock().unwrap();
    assert!(batches.last().unwrap().contains(&13));
    assert!(batches.iter().all(|b| b.len() <= 8));
    assert!(
        f.handle_data(sim.now, &segment_data(40, 99), false)
            .is_err()
    );
}

#[test]
fn a_rejection_in_the_last_batch_is_an_error_not_the_end() {
    // ten segments, a batch of 32: the only check runs once the last segment has arrived,
    // when every segment has been received and the pipeline has nothing left to do
    for bad in [0, 4, 9] {
        let mut f = Fetcher::new(versioned(), opts(PipelineKind::cubic()));
        let checked = check_batches(&mut f, 32, Duration::from_secs(10), Some(bad));
        let mut sim = Sim::new(serve(publisher(1_000, 100)));
        sim.on_segment = only_checked(&checked);
        let err = sim.run(&mut f);
        assert!(
            matches!(&err, Some(FetchError::Validation { name, .. })
                if *name == versioned().append_segment(bad)),
            "{err:?}"
        );
        assert!(!f.is_done() && !f.is_complete());
        assert_eq!(sim.segments, (0..bad).collect::<Vec<_>>());
        assert_eq!(checked.lock().unwrap().len(), 1);
    }
}

#[test]
fn a_lone_segment_waits_at_most_the_batch_delay() {
    let o = opts(PipelineKind::Fixed { window: 1 });
    let mut f = Fetcher::new(versioned(), o);
    let checked = check_batches(&mut f, 32, ms(20), None);
    assert_eq!(poll_all(&mut f, Duration::ZERO), vec![0]);
    f.handle_data(ms(3), &segment_data(0, 5), false).unwrap();
    assert_eq!(f.poll_segment(), None, "held for its check");
    assert!(f.poll_timeout().unwrap() <= ms(23));
    // a later arrival does not push the deadline back
    assert_eq!(poll_all(&mut f, ms(3)), vec![1]);
    f.handle_data(ms(10), &segment_data(1, 5), false).unwrap();
    assert_eq!(f.poll_timeout(), Some(ms(23)));
    f.handle_timeout(ms(22));
    assert_eq!(f.poll_segment(), None);
    f.handle_timeout(ms(23));
    assert_eq!(f.poll_segment().map(|(s, _)| s), Some(0));
    assert_eq!(f.poll_segment().map(|(s, _)| s), Some(1));
    assert_eq!(*checked.lock().unwrap(), vec![vec![0, 1]]);
    // the last segment's arrival checks what waits at once
    for seg in 2..=5 {
        assert_eq!(poll_all(&mut f, ms(30 + seg)), vec![seg]);
        f.handle_data(ms(31 + seg), &segment_data(seg, 5), false)
            .unwrap();
    }
    let out: Vec<u64> = std::iter::from_fn(|| f.poll_segment())
        .map(|(s, _)| s)
        .collect();
    assert_eq!(out, vec![2, 3, 4, 5]);
    assert!(f.is_done());
    assert_eq!(checked.lock().unwrap().len(), 2);
}

#[test]
fn unsolicited_and_late_data_are_rejected() {
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    let i = f.poll_interest(Duration::ZERO).unwrap();
    let other = Data::decode(
        DataBuilder::new(name("/x/seg=0"))
            .sign(&DigestSha256)
            .unwrap(),
    )
    .unwrap();
    assert!(matches!(
        f.handle_data(ms(1), &other, false),
        Err(DataRejected::Unsolicited(_))
    ));
    let d = Data::decode(
        DataBuilder::new(i.name.clone())
            .final_segment(0)
            .content(&b"x"[..])
            .sign(&DigestSha256)
            .unwrap(),
    )
    .unwrap();
    f.handle_data(ms(1), &d, false).unwrap();
    assert!(f.is_complete() && !f.is_done());
    assert_eq!(f.poll_segment(), Some((0, Bytes::from_static(b"x"))));
    assert!(f.is_done());
    assert_eq!(f.handle_data(ms(2), &d, false), Err(DataRejected::Finished));
}

#[test]
fn segments_without_final_block_id_end_in_an_error() {
    // serves seg 0..=4 without FinalBlockId and Nacks anything else
    let mut sim = Sim::new(Box::new(|i| {
        match i.name().last().and_then(|c| c.as_segment()) {
            Some(s) if s < 5 => Resp::Data(
                DataBuilder::new(i.name().clone())
                    .content(vec![s as u8; 10])
                    .sign(&DigestSha256)
                    .unwrap(),
            ),
            _ => Resp::Nack(NackReason::None),
        }
    }));
    let mut o = opts(PipelineKind::aimd());
    o.max_retries = Some(1);
    let mut f = Fetcher::new(versioned(), o);
    let err = sim.run(&mut f).unwrap();
    assert_eq!(err, FetchError::NoFinalBlock { name: versioned() });
    assert_eq!(sim.segments, [0, 1, 2, 3, 4]);
}

#[test]
fn final_block_id_cancels_segments_beyond_the_end() {
    let mut sim = Sim::new(serve(publisher(100, 100)));
    let mut f = Fetcher::new(versioned(), opts(PipelineKind::aimd()));
    assert_eq!(sim.run(&mut f), None);
    // cwnd 2: segments 0 and 1 go out together; segment 0 says it is the last
    assert_eq!(sim.sent.len(), 2);
    assert_eq!(f.final_segment(), Some(0));
    assert!(sim.out == content(100));
}

#[test]
fn same_seed_same_run() {
    let run = |seed| {
        let mut sim = Sim::new(serve(publisher(20_000, 100)));
        let mut rng = Lcg(3);
        sim.lose_interest = Box::new(move |_| rng.percent() < 10);
        let mut o = opts(PipelineKind::cubic());
        o.nonce_seed = seed;
        let mut f = Fetcher::new(name("/p/obj"), o);
        assert_eq!(sim.run(&mut f), None);
        sim.sent
            .iter()
            .map(|(t, i)| (*t, i.nonce, i.segment))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}
