//! The segment pipeline: which segment Interests are in flight, when they time out, what is
//! retransmitted, and the in-order hand-over of received segments.
//!
//! It follows ndnget's pipelines (ndn-tools `tools/get/pipeline-interests-*.cpp`):
//! - adaptive (AIMD, CUBIC): a segment times out after the RTO (or the Interest lifetime, if
//!   shorter) and joins the retransmission queue, which is served before new segments as the
//!   window allows. A timeout or a Congestion Nack is a loss event: the window shrinks and
//!   the RTO backs off, at most once per RTT (conservative window adaptation: only losses of
//!   segments sent after the previous reaction count). A congestion mark shrinks the window
//!   the same way, without a retransmission. RTT is sampled only from segments never
//!   retransmitted, weighted by half the Interests in flight (Karn's rule).
//! - fast retransmit (AIMD, CUBIC; beyond ndnget): an Interest still unanswered once
//!   [`FetchOptions::reorder_threshold`] segments first requested after it have arrived
//!   (answers to their first Interest) is taken as lost (RFC 5681 section 3.2, with arrivals
//!   in place of duplicate ACKs; like RACK, RFC 8985, this also finds lost retransmissions).
//!   Its segment is retransmitted at once, or when the forwarders' retransmission suppression
//!   lets it through ([`FetchOptions::min_retx_interval`] after the first Interest, doubling
//!   with each retransmission) if that is later; while it waits it leaves the window, like a
//!   segment presumed lost in TCP's pipe (RFC 6675), and its retransmission goes out
//!   whatever the window. The loss is a loss event for the window under the same
//!   once-per-RTT rule, but does not back the RTO off (nothing timed out). What no later
//!   arrival reveals (the last segments) is left to the RTO, the backstop for every segment.
//!   First Interests go out in segment order, so an Interest sent just before segment `m`
//!   was first requested is lost once `reorder_threshold` segments numbered `m` or more have
//!   arrived: keeping the `reorder_threshold` highest arrivals is enough.
//! - fixed: each of N slots retries its segment on Interest lifetime expiry; a Congestion
//!   Nack holds it off for 2^n ms (at most 10 s).
//!
//! In both, no new segment is requested [`FetchOptions::max_reorder`] or more segments past the
//! oldest segment not yet received, which bounds what waits out of order behind a lost
//! segment (and the window, while it is lost).
//!
//! Unlike ndnget, a timed-out retransmission always backs the RTO off (RFC 6298 5.5), so a
//! silent producer is probed at 1, 3, 7, 15, ... s rather than at a fixed interval.
//!
//! In both, a Duplicate Nack is retransmitted at once with a new Nonce, and any other Nack
//! (NoRoute, ...) is retried after one RTO; each retransmission counts against the retry
//! limit. (ndnget ends the fetch at the first NoRoute; here it is retried like a timeout.)
//! A segment that exhausts its retries fails the fetch if it lies within the content; while
//! the final segment is unknown, segments after it are abandoned and the fetch fails only if
//! no earlier Data reveals that the content ends before it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use bytes::Bytes;

use super::discovery::congestion_backoff;
use super::error::{Failure, FetchError};
use super::nonce::NonceGen;
use super::rtt::RttEstimator;
use super::window::Window;
use super::{FetchOptions, FetchStats, OutgoingInterest};
use crate::lp::NackReason;
use crate::name::Name;
use crate::packet::Data;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// An Interest is out; it times out at `deadline`.
    InFlight { deadline: Duration },
    /// Timed out; waits in the retransmission queue for room in the window.
    Queued,
    /// Nacked; retransmitted at `until` (keeps its place in the window).
    HoldOff { until: Duration },
    /// Taken as lost by fast retransmit; retransmitted at `until`, out of the window until
    /// then.
    Lost { until: Duration },
    /// To be retransmitted now (keeps its place in the window).
    Resend,
}

impl State {
    /// True when the segment occupies a place in the window.
    fn counted(self) -> bool {
        !matches!(self, State::Queued | State::Lost { .. })
    }

    fn timer(self) -> Option<Duration> {
        match self {
            State::InFlight { deadline } => Some(deadline),
            State::HoldOff { until } | State::Lost { until } => Some(until),
            State::Queued | State::Resend => None,
        }
    }
}

#[derive(Debug, Clone)]
struct Segment {
    state: State,
    /// Retransmissions so far.
    retx: u32,
    congestion_backoffs: u32,
    nonce: u32,
    sent_at: Duration,
    last: Failure,
    /// Taken as lost by fast retransmit; its next retransmission is a fast one.
    fast: bool,
    /// The first segment requested after the current Interest (fast retransmit).
    mark: u64,
}

/// Fetches `<versioned>/seg=0..=final`.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    name: Name,
    window: Window,
    rtt: RttEstimator,
    lifetime: Duration,
    must_be_fresh: bool,
    max_retries: Option<u32>,
    ignore_marks: bool,
    disable_cwa: bool,
    /// Later arrivals that make a segment lost (0: no fast retransmit).
    reorder_threshold: usize,
    min_retx_interval: Duration,
    max_reorder: Option<u64>,
    /// The `reorder_threshold` highest segments answered on their first Interest.
    top_arrivals: BTreeSet<u64>,
    /// Segments below this have been checked for fast retransmit.
    loss_checked: u64,
    /// (mark, segment) of retransmitted segments, for fast retransmit (entries of segments
    /// received or retransmitted since are skipped).
    retx_marks: BTreeSet<(u64, u64)>,
    started: bool,
    /// Segments requested and not yet received.
    segs: BTreeMap<u64, Segment>,
    /// (time, segment) of every InFlight deadline and HoldOff end.
    timers: BTreeSet<(Duration, u64)>,
    retx_queue: VecDeque<u64>,
    resend: VecDeque<u64>,
    in_flight: usize,
    next_new: u64,
    final_seg: Option<u64>,
    /// Received segments not yet handed out.
    ready: BTreeMap<u64, Bytes>,
    next_deliver: u64,
    high_data: u64,
    high_interest: u64,
    /// `high_interest` at the last window decrease (conservative window adaptation).
    rec_point: Option<u64>,
    /// When the RTO was last backed off: only an Interest sent since, with that RTO, can show
    /// it too short again.
    backed_off_at: Option<Duration>,
    /// A segment that failed while the final segment was unknown: (segment, retries, last).
    failed: Option<(u64, u32, Failure)>,
    error: Option<FetchError>,
}

impl Pipeline {
    pub(crate) fn new(name: Name, opts: &FetchOptions) -> Self {
        let mut window = Window::new(opts.pipeline, opts.init_cwnd, opts.init_ssthresh);
        if let (Some(max), true) = (opts.max_cwnd, opts.pipeline.is_adaptive()) {
            window.set_max(max);
        }
        Pipeline {
            name,
            window,
            rtt: RttEstimator::new(opts.rtt),
            lifetime: opts.interest_lifetime,
            must_be_fresh: opts.must_be_fresh,
            max_retries: opts.max_retries,
            ignore_marks: opts.ignore_congestion_marks,
            disable_cwa: opts.disable_cwa,
            reorder_threshold: if opts.pipeline.is_adaptive() {
                usize::try_from(opts.reorder_threshold).unwrap_or(usize::MAX)
            } else {
                0
            },
            min_retx_interval: opts.min_retx_interval,
            max_reorder: opts.max_reorder.map(|n| n.max(1)),
            top_arrivals: BTreeSet::new(),
            loss_checked: 0,
            retx_marks: BTreeSet::new(),
            started: false,
            segs: BTreeMap::new(),
            timers: BTreeSet::new(),
            retx_queue: VecDeque::new(),
            resend: VecDeque::new(),
            in_flight: 0,
            next_new: 0,
            final_seg: None,
            ready: BTreeMap::new(),
            next_deliver: 0,
            high_data: 0,
            high_interest: 0,
            rec_point: None,
            backed_off_at: None,
            failed: None,
            error: None,
        }
    }

    pub(crate) fn name(&self) -> &Name {
        &self.name
    }

    pub(crate) fn window(&self) -> &Window {
        &self.window
    }

    pub(crate) fn rtt(&self) -> &RttEstimator {
        &self.rtt
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight
    }

    pub(crate) fn final_segment(&self) -> Option<u64> {
        self.final_seg
    }

    pub(crate) fn error(&self) -> Option<&FetchError> {
        self.error.as_ref()
    }

    /// Every segment of the content has been received.
    pub(crate) fn is_complete(&self) -> bool {
        self.error.is_none()
            && self.failed.is_none()
            && self.segs.is_empty()
            && self.final_seg.is_some_and(|f| self.next_new > f)
    }

    /// All received and all handed out.
    pub(crate) fn is_done(&self) -> bool {
        self.is_complete() && self.ready.is_empty()
    }

    fn is_finished(&self) -> bool {
        self.error.is_some() || self.is_complete()
    }

    fn adaptive(&self) -> bool {
        self.window.kind().is_adaptive()
    }

    /// The segment number of a Data (or Nack) name of this fetch.
    pub(crate) fn segment_of(&self, name: &Name) -> Option<u64> {
        if name.len() != self.name.len() + 1 || !self.name.is_prefix_of(name) {
            return None;
        }
        name.last().and_then(|c| c.as_segment())
    }

    /// True when a Data for `seg` would be taken.
    pub(crate) fn expects(&self, seg: u64) -> bool {
        !self.is_finished() && self.segs.contains_key(&seg)
    }

    fn set_state(&mut self, seg: u64, state: State) {
        let Some(s) = self.segs.get_mut(&seg) else {
            return;
        };
        if let Some(t) = s.state.timer() {
            self.timers.remove(&(t, seg));
        }
        match (s.state.counted(), state.counted()) {
            (true, false) => self.in_flight -= 1,
            (false, true) => self.in_flight += 1,
            _ => {}
        }
        s.state = state;
        if let Some(t) = state.timer() {
            self.timers.insert((t, seg));
        }
        match state {
            State::Queued => self.retx_queue.push_back(seg),
            State::Resend => self.resend.push_back(seg),
            _ => {}
        }
    }

    fn remove(&mut self, seg: u64) -> Option<Segment> {
        let s = self.segs.remove(&seg)?;
        if let Some(t) = s.state.timer() {
            self.timers.remove(&(t, seg));
        }
        if s.state.counted() {
            self.in_flight -= 1;
        }
        Some(s)
    }

    fn cancel_after(&mut self, seg: u64) {
        let beyond: Vec<u64> = self
            .segs
            .range(seg.saturating_add(1)..)
            .map(|(k, _)| *k)
            .collect();
        for k in beyond {
            self.remove(k);
        }
    }

    fn timeout_len(&self) -> Duration {
        if self.adaptive() {
            self.rtt.rto().min(self.lifetime)
        } else {
            self.lifetime
        }
    }

    /// Segment 0 already obtained during discovery.
    pub(crate) fn inject_first(&mut self, data: &Data, stats: &mut FetchStats) {
        if self.next_new != 0 {
            return;
        }
        if let Some(f) = data.final_segment() {
            self.final_seg = Some(f);
        }
        self.next_new = 1;
        self.accept(0, data, true, stats);
    }

    /// Count a received segment; its content is ready for output unless `deliver` is false
    /// (it waits for a deferred check, and [`deliver`](Self::deliver) makes it ready).
    fn accept(&mut self, seg: u64, data: &Data, deliver: bool, stats: &mut FetchStats) {
        let content = data.content();
        stats.segments += 1;
        stats.bytes += content.len() as u64;
        if deliver {
            self.deliver(seg, content);
        }
        if self.is_complete() {
            self.retx_queue.clear();
            self.resend.clear();
        }
    }

    pub(crate) fn poll_interest(
        &mut self,
        now: Duration,
        rng: &mut NonceGen,
        stats: &mut FetchStats,
    ) -> Option<OutgoingInterest> {
        if !self.started {
            self.started = true;
            self.window.start(now);
        }
        while !self.is_finished() {
            // a held-off or Duplicate-Nacked segment keeps its place in the window
            if let Some(seg) = self.resend.pop_front() {
                let due = self
                    .segs
                    .get(&seg)
                    .is_some_and(|s| s.state == State::Resend);
                if due && let Some(i) = self.retransmit(now, seg, rng, stats) {
                    return Some(i);
                }
                continue;
            }
            if self.in_flight >= self.window.size() {
                return None;
            }
            if let Some(seg) = self.retx_queue.pop_front() {
                match self.segs.get(&seg) {
                    Some(s) if s.state == State::Queued => {
                        self.set_state(seg, State::Resend);
                        // set_state queued it for resend; take it right away
                        self.resend.pop_back();
                        if let Some(i) = self.retransmit(now, seg, rng, stats) {
                            return Some(i);
                        }
                    }
                    Some(_) => {}
                    None => stats.skipped_retransmissions += 1,
                }
                continue;
            }
            let may_request = self.failed.is_none()
                && self.final_seg.is_none_or(|f| self.next_new <= f)
                && self.within_reorder_limit();
            if !may_request {
                return None;
            }
            let seg = self.next_new;
            self.next_new += 1;
            self.high_interest = seg;
            self.segs.insert(
                seg,
                Segment {
                    state: State::Resend,
                    retx: 0,
                    congestion_backoffs: 0,
                    nonce: 0,
                    sent_at: now,
                    last: Failure::Timeout,
                    fast: false,
                    mark: seg + 1,
                },
            );
            self.in_flight += 1;
            return Some(self.send(now, seg, rng, stats));
        }
        None
    }

    fn retransmit(
        &mut self,
        now: Duration,
        seg: u64,
        rng: &mut NonceGen,
        stats: &mut FetchStats,
    ) -> Option<OutgoingInterest> {
        let s = self.segs.get_mut(&seg)?;
        s.retx += 1;
        if self.max_retries.is_some_and(|m| s.retx > m) {
            let (retries, last) = (s.retx - 1, s.last);
            self.fail_segment(seg, retries, last);
            return None;
        }
        stats.retransmissions += 1;
        if s.fast {
            s.fast = false;
            stats.fast_retransmissions += 1;
        }
        Some(self.send(now, seg, rng, stats))
    }

    fn send(
        &mut self,
        now: Duration,
        seg: u64,
        rng: &mut NonceGen,
        stats: &mut FetchStats,
    ) -> OutgoingInterest {
        let nonce = rng.nonce();
        let deadline = now + self.timeout_len();
        if let Some(s) = self.segs.get_mut(&seg) {
            s.nonce = nonce;
            s.sent_at = now;
            s.mark = self.next_new;
            if s.retx > 0 && self.reorder_threshold > 0 {
                self.retx_marks.insert((s.mark, seg));
            }
        }
        self.set_state(seg, State::InFlight { deadline });
        stats.interests_sent += 1;
        OutgoingInterest::new(
            self.name.append_segment(seg),
            false,
            self.must_be_fresh,
            nonce,
            self.lifetime,
            Some(seg),
        )
    }

    fn fail_segment(&mut self, seg: u64, retries: u32, last: Failure) {
        self.remove(seg);
        match self.final_seg {
            Some(f) if seg <= f => {
                self.error = Some(FetchError::SegmentFailed {
                    name: self.name.clone(),
                    segment: seg,
                    retries,
                    last,
                });
            }
            Some(_) => {}
            None => {
                self.cancel_after(seg);
                if self.failed.is_none_or(|(s, _, _)| seg < s) {
                    self.failed = Some((seg, retries, last));
                }
                self.check_stalled();
            }
        }
    }

    /// With a failed segment, no final segment known and nothing left in flight, nothing can
    /// tell where the content ends: give up.
    fn check_stalled(&mut self) {
        let Some((seg, retries, last)) = self.failed else {
            return;
        };
        if self.final_seg.is_none() && self.segs.is_empty() {
            self.error = Some(if seg == 0 {
                FetchError::SegmentFailed {
                    name: self.name.clone(),
                    segment: seg,
                    retries,
                    last,
                }
            } else {
                FetchError::NoFinalBlock {
                    name: self.name.clone(),
                }
            });
        }
    }

    fn set_final(&mut self, f: u64) {
        self.final_seg = Some(f);
        self.cancel_after(f);
        if let Some((seg, retries, last)) = self.failed {
            if seg <= f {
                self.error = Some(FetchError::SegmentFailed {
                    name: self.name.clone(),
                    segment: seg,
                    retries,
                    last,
                });
            } else {
                self.failed = None;
            }
        }
    }

    /// A loss of `seg` (a timeout, a Congestion Nack or a fast-retransmit detection): shrink
    /// the window, once per RTT unless conservative window adaptation is off. True when it
    /// did.
    fn record_loss(&mut self, now: Duration, seg: u64, stats: &mut FetchStats) -> bool {
        if self.disable_cwa || self.rec_point.is_none_or(|r| seg > r) {
            self.rec_point = Some(self.high_interest);
            self.window.decrease(now);
            stats.loss_decreases += 1;
            return true;
        }
        false
    }

    pub(crate) fn poll_timeout(&self) -> Option<Duration> {
        if self.is_finished() {
            return None;
        }
        self.timers.first().map(|(t, _)| *t)
    }

    /// Back the RTO off (a loss), unless every Interest behind the loss left before the last
    /// back-off: those ran on a shorter timer and say nothing about the current one. With a
    /// timer per segment, the losses of one outage arrive in many small batches; backing off
    /// for each would take the RTO to its maximum within a few milliseconds (TCP, with one
    /// timer, backs off once per RTO at most).
    fn backoff_rto(&mut self, now: Duration, sent_since_last_backoff: bool) {
        if sent_since_last_backoff {
            self.rtt.backoff_rto();
            self.backed_off_at = Some(now);
        }
    }

    /// True when an Interest sent at `sent_at` left with the current RTO.
    fn sent_with_current_rto(&self, sent_at: Duration) -> bool {
        self.backed_off_at.is_none_or(|b| sent_at >= b)
    }

    pub(crate) fn handle_timeout(&mut self, now: Duration, stats: &mut FetchStats) {
        let mut lost: Option<u64> = None;
        let mut retransmission_lost = false;
        let mut current_timer_expired = false;
        while let Some(&(t, seg)) = self.timers.first() {
            if t > now || self.is_finished() {
                break;
            }
            let Some(state) = self.segs.get(&seg).map(|s| s.state) else {
                self.timers.pop_first();
                continue;
            };
            match state {
                State::InFlight { .. } => {
                    stats.timeouts += 1;
                    let current = self
                        .segs
                        .get(&seg)
                        .is_some_and(|s| self.sent_with_current_rto(s.sent_at));
                    current_timer_expired |= current;
                    if let Some(s) = self.segs.get_mut(&seg) {
                        s.last = Failure::Timeout;
                        retransmission_lost |= s.retx > 0;
                    }
                    if self.adaptive() {
                        self.set_state(seg, State::Queued);
                        lost = Some(lost.map_or(seg, |l| l.max(seg)));
                    } else {
                        self.set_state(seg, State::Resend);
                    }
                }
                State::HoldOff { .. } | State::Lost { .. } => self.set_state(seg, State::Resend),
                State::Queued | State::Resend => {
                    self.timers.pop_first();
                }
            }
        }
        if let Some(seg) = lost {
            let reacted = self.record_loss(now, seg, stats);
            // RFC 6298 5.5: a timeout backs the timer off; a retransmission that times out
            // backs it off again, even when conservative window adaptation holds the window
            if reacted || retransmission_lost {
                self.backoff_rto(now, current_timer_expired);
            }
        }
    }

    pub(crate) fn handle_nack(
        &mut self,
        now: Duration,
        seg: u64,
        nonce: Option<u32>,
        reason: NackReason,
        stats: &mut FetchStats,
    ) {
        if self.is_finished() {
            return;
        }
        let Some(s) = self.segs.get_mut(&seg) else {
            return;
        };
        let current =
            matches!(s.state, State::InFlight { .. }) && nonce.is_none_or(|n| n == s.nonce);
        if !current {
            return;
        }
        stats.nacks += 1;
        s.last = Failure::Nack(reason);
        let congestion_backoffs = s.congestion_backoffs;
        let sent_at = s.sent_at;
        if reason == NackReason::Congestion {
            s.congestion_backoffs += 1;
        }
        match reason {
            NackReason::Duplicate => self.set_state(seg, State::Resend),
            NackReason::Congestion if self.adaptive() => {
                let current = self.sent_with_current_rto(sent_at);
                self.set_state(seg, State::Queued);
                if self.record_loss(now, seg, stats) {
                    self.backoff_rto(now, current);
                }
            }
            NackReason::Congestion => {
                let backoff = congestion_backoff(congestion_backoffs);
                self.set_state(
                    seg,
                    State::HoldOff {
                        until: now + backoff,
                    },
                );
            }
            _ => {
                let until = now + self.rtt.rto();
                self.set_state(seg, State::HoldOff { until });
            }
        }
    }

    /// Take a Data for segment `seg` (the caller checked [`expects`](Self::expects)); with
    /// `deliver` false its content waits for [`deliver`](Self::deliver). False when it was
    /// not taken.
    pub(crate) fn handle_data(
        &mut self,
        now: Duration,
        seg: u64,
        data: &Data,
        congestion_mark: bool,
        deliver: bool,
        stats: &mut FetchStats,
    ) -> bool {
        if self.final_seg.is_none()
            && let Some(f) = data.final_segment()
        {
            self.set_final(f);
            if self.error.is_some() {
                return false;
            }
        }
        let Some(s) = self.remove(seg) else {
            return false;
        };
        self.high_data = self.high_data.max(seg);
        if congestion_mark {
            stats.congestion_marks += 1;
        }
        // answers to first Interests reveal losses before them; a Data that does so does not
        // grow the window it just shrank
        let reduced = s.retx == 0 && self.detect_losses(now, seg, stats);
        if self.adaptive() {
            if congestion_mark && !self.ignore_marks {
                if self.disable_cwa || self.rec_point.is_none_or(|r| self.high_data > r) {
                    self.rec_point = Some(self.high_interest);
                    stats.mark_decreases += 1;
                    self.window.decrease(now);
                }
            } else if !reduced {
                self.window.increase(now, self.rtt.smoothed_rtt());
            }
        }
        // Karn: no sample from a segment whose Interest was retransmitted
        if s.retx == 0 {
            let expected = ((self.in_flight + 1) >> 1).max(1);
            self.rtt
                .add_measurement(now.saturating_sub(s.sent_at), expected);
        }
        self.accept(seg, data, deliver, stats);
        self.check_stalled();
        true
    }

    /// A new segment may be requested: it lies less than `max_reorder` segments past the
    /// oldest segment not yet received.
    fn within_reorder_limit(&self) -> bool {
        let Some(limit) = self.max_reorder else {
            return true;
        };
        let oldest = self
            .segs
            .first_key_value()
            .map_or(self.next_new, |(k, _)| *k);
        self.next_new < oldest.saturating_add(limit)
    }

    /// `seg` was answered on its first Interest: every Interest sent before it was requested
    /// and still unanswered now has one more later arrival; those that reach the threshold
    /// are lost. True when that shrank the window.
    fn detect_losses(&mut self, now: Duration, seg: u64, stats: &mut FetchStats) -> bool {
        let k = self.reorder_threshold;
        if k == 0 {
            return false;
        }
        self.top_arrivals.insert(seg);
        if self.top_arrivals.len() > k {
            self.top_arrivals.pop_first();
        }
        // an Interest sent before segment `bound` was first requested has k later arrivals
        let bound = match self.top_arrivals.first() {
            Some(&b) if self.top_arrivals.len() == k => b,
            _ => return false,
        };
        let in_flight = |s: &Segment| matches!(s.state, State::InFlight { .. });
        let mut lost = Vec::new();
        // first Interests (sent in segment order)
        if bound > self.loss_checked {
            lost.extend(
                self.segs
                    .range(self.loss_checked..bound)
                    .filter(|(_, s)| s.retx == 0 && in_flight(s))
                    .map(|(k, _)| *k),
            );
            self.loss_checked = bound;
        }
        // retransmissions
        while let Some(&(mark, l)) = self.retx_marks.first()
            && mark <= bound
        {
            self.retx_marks.pop_first();
            if self
                .segs
                .get(&l)
                .is_some_and(|s| s.retx > 0 && s.mark == mark && in_flight(s))
            {
                lost.push(l);
            }
        }
        let mut reduced = false;
        for l in lost {
            reduced |= self.fast_retransmit(now, l, stats);
        }
        reduced
    }

    /// `seg` is lost: retransmit it at once, or once the forwarders' retransmission
    /// suppression lets it through (out of the window meanwhile), and react to the loss (true
    /// when the window shrank).
    fn fast_retransmit(&mut self, now: Duration, seg: u64, stats: &mut FetchStats) -> bool {
        let Some(s) = self.segs.get_mut(&seg) else {
            return false;
        };
        s.fast = true;
        // the suppression interval starts at min_retx_interval and doubles with every
        // retransmission forwarded
        let until = s.sent_at + self.min_retx_interval * 2u32.saturating_pow(s.retx.min(16));
        let state = if until > now {
            State::Lost { until }
        } else {
            State::Resend
        };
        self.set_state(seg, state);
        self.record_loss(now, seg, stats)
    }

    /// Segment `seg`, received earlier, passed its check: its content is ready for output.
    pub(crate) fn deliver(&mut self, seg: u64, content: Bytes) {
        if seg >= self.next_deliver {
            self.ready.insert(seg, content);
        }
    }

    pub(crate) fn poll_segment(&mut self) -> Option<(u64, Bytes)> {
        let content = self.ready.remove(&self.next_deliver)?;
        let seg = self.next_deliver;
        self.next_deliver += 1;
        Some((seg, content))
    }
}
