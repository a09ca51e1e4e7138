//! The segment fetcher: a sans-IO state machine that retrieves `<versioned-name>/seg=0..=final`
//! the way ndnget does (ndn-tools `tools/get`), for the `ndnget` tool, the async client and the
//! simulator alike.
//!
//! It never reads a clock and never does I/O: every input carries `now`, a [`Duration`] since
//! any fixed origin, and Nonces come from a generator seeded by [`FetchOptions::nonce_seed`].
//! The driver loop, in the style of quinn-proto:
//!
//! 1. send every [`Fetcher::poll_interest`] result;
//! 2. feed what arrives to [`Fetcher::handle_data`] / [`Fetcher::handle_nack`], and call
//!    [`Fetcher::handle_timeout`] when the time of [`Fetcher::poll_timeout`] comes;
//! 3. write out [`Fetcher::poll_segment`] results (in segment order, so a large object can
//!    go to disk as it arrives), until [`Fetcher::is_done`] or [`Fetcher::error`].
//!
//! Stages: version discovery ([`discovery`]) unless the name ends with a version component,
//! then the segment pipeline with a fixed, AIMD or CUBIC window ([`PipelineKind`]) and an
//! RFC 6298 retransmission timer ([`RttEstimator`]).

pub mod discovery;
mod error;
mod nonce;
mod options;
mod pipeline;
mod rtt;
mod stats;
mod window;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

pub use error::{DataRejected, Failure, FetchError};
pub use options::{
    DEFAULT_MAX_REORDER, DEFAULT_MAX_RETRIES, DEFAULT_MIN_RETX_INTERVAL, DEFAULT_REORDER_THRESHOLD,
    FetchOptions, MAX_CONGESTION_BACKOFF,
};
pub use rtt::{RttEstimator, RttOptions};
pub use stats::FetchStats;
pub use window::{AIMD_MIN_SSTHRESH, CUBIC_C, PipelineKind};

use discovery::{Discovery, Outcome};
use nonce::NonceGen;
use pipeline::Pipeline;

use crate::keychain::ValidationError;
use crate::lp::NackReason;
use crate::name::Name;
use crate::packet::{Data, InterestBuilder};

/// An Interest the fetcher wants sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingInterest {
    /// The Interest name.
    pub name: Name,
    /// CanBePrefix (discovery Interests).
    pub can_be_prefix: bool,
    /// MustBeFresh.
    pub must_be_fresh: bool,
    /// The Nonce, from the fetcher's seeded generator.
    pub nonce: u32,
    /// InterestLifetime.
    pub lifetime: Duration,
    /// The segment number, for segment Interests.
    pub segment: Option<u64>,
    /// ForwardingHint delegations ([`FetchOptions::forwarding_hint`]), shared by every
    /// Interest of a fetch; `None` without a hint (nothing allocated per Interest).
    pub forwarding_hint: Option<Arc<[Name]>>,
}

impl OutgoingInterest {
    pub(crate) fn new(
        name: Name,
        can_be_prefix: bool,
        must_be_fresh: bool,
        nonce: u32,
        lifetime: Duration,
        segment: Option<u64>,
    ) -> Self {
        OutgoingInterest {
            name,
            can_be_prefix,
            must_be_fresh,
            nonce,
            lifetime,
            segment,
            forwarding_hint: None,
        }
    }

    /// A builder with every field set.
    pub fn builder(&self) -> InterestBuilder {
        let b = InterestBuilder::new(self.name.clone())
            .can_be_prefix(self.can_be_prefix)
            .must_be_fresh(self.must_be_fresh)
            .nonce(self.nonce)
            .lifetime_ms(u64::try_from(self.lifetime.as_millis()).unwrap_or(u64::MAX));
        match &self.forwarding_hint {
            Some(hint) => b.forwarding_hint(hint.to_vec()),
            None => b,
        }
    }

    /// The encoded Interest.
    pub fn encode(&self) -> Bytes {
        self.builder().encode()
    }
}

/// A check applied to every Data the fetcher takes (metadata and segments), e.g. a
/// [`Validator`](crate::keychain::Validator) with the caller's clock:
/// `move |d| validator.validate_data(d, unix_now())`.
pub type DataCheck = Box<dyn FnMut(&Data) -> Result<(), ValidationError> + Send>;

/// A check of several Data at once, e.g. a
/// [`Validator::validate_data_batch`](crate::keychain::Validator::validate_data_batch):
/// `Ok` when all pass, else the index of the first rejected Data and why.
pub type BatchDataCheck = Box<dyn FnMut(&[Data]) -> Result<(), (usize, ValidationError)> + Send>;

/// When the segments waiting for a batch check ([`Fetcher::set_batch_data_check`]) are
/// checked: once `max_segments` wait, once the oldest has waited `max_delay`, or once the
/// last segment has arrived, whichever comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Segments checked together at most (at least 1).
    pub max_segments: usize,
    /// How long a received segment waits for its check at most.
    pub max_delay: Duration,
}

/// Segments received and counted, whose content waits for a batch check.
struct Batch {
    check: BatchDataCheck,
    limits: BatchLimits,
    segments: Vec<u64>,
    data: Vec<Data>,
    /// When the oldest waiting segment arrived.
    since: Option<Duration>,
}

enum Stage {
    Discovering(Discovery),
    Fetching(Box<Pipeline>),
}

/// Retrieves all segments of one object. See the [module documentation](self).
pub struct Fetcher {
    name: Name,
    opts: FetchOptions,
    stage: Stage,
    rng: NonceGen,
    stats: FetchStats,
    check: Option<DataCheck>,
    batch: Option<Batch>,
    error: Option<FetchError>,
    /// [`FetchOptions::forwarding_hint`], shared with every Interest; `None` when empty.
    forwarding_hint: Option<Arc<[Name]>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("name", &self.name)
            .field("versioned", &self.versioned_name())
            .field("stats", &self.stats)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    /// A fetcher for `name`: discovery first unless `name` ends with a version component or
    /// [`FetchOptions::discover_version`] is off.
    pub fn new(name: Name, opts: FetchOptions) -> Self {
        let versioned = name.last().is_some_and(|c| c.as_version().is_some());
        let stage = if versioned || !opts.discover_version {
            Stage::Fetching(Box::new(Pipeline::new(name.clone(), &opts)))
        } else {
            Stage::Discovering(Discovery::new(
                name.clone(),
                opts.metadata_retries,
                opts.max_retries,
            ))
        };
        Fetcher {
            rng: NonceGen::new(opts.nonce_seed),
            forwarding_hint: (!opts.forwarding_hint.is_empty())
                .then(|| Arc::from(opts.forwarding_hint.as_slice())),
            name,
            opts,
            stage,
            stats: FetchStats::default(),
            check: None,
            batch: None,
            error: None,
        }
    }

    /// Check every Data with `check` before taking it; a rejection fails the fetch. Replaces
    /// a batch check.
    pub fn set_data_check(
        &mut self,
        check: impl FnMut(&Data) -> Result<(), ValidationError> + Send + 'static,
    ) {
        self.batch = None;
        self.check = Some(Box::new(check));
    }

    /// Check Data with `check`, segments in batches (metadata alone): a segment counts as
    /// received when it arrives (for the window and the RTT), but its content is held until
    /// its batch passes, within `limits`; [`poll_segment`](Self::poll_segment) never returns
    /// content that has not passed. A rejection fails the fetch, naming the first rejected
    /// Data; the segments of that batch before it are still delivered. Replaces a check set
    /// with [`set_data_check`](Self::set_data_check).
    pub fn set_batch_data_check(
        &mut self,
        check: impl FnMut(&[Data]) -> Result<(), (usize, ValidationError)> + Send + 'static,
        limits: BatchLimits,
    ) {
        self.check = None;
        let limits = BatchLimits {
            max_segments: limits.max_segments.max(1),
            ..limits
        };
        self.batch = Some(Batch {
            check: Box::new(check),
            limits,
            segments: Vec::with_capacity(limits.max_segments),
            data: Vec::with_capacity(limits.max_segments),
            since: None,
        });
    }

    // ----- outputs -----

    /// The next Interest to send at `now`, if the window has room.
    pub fn poll_interest(&mut self, now: Duration) -> Option<OutgoingInterest> {
        if self.error.is_some() {
            return None;
        }
        let out = match &mut self.stage {
            Stage::Discovering(d) => d.poll_interest(
                now,
                self.opts.interest_lifetime,
                &mut self.rng,
                &mut self.stats,
            ),
            Stage::Fetching(p) => p.poll_interest(now, &mut self.rng, &mut self.stats),
        };
        self.sync_error();
        out.map(|mut i| {
            i.forwarding_hint.clone_from(&self.forwarding_hint);
            i
        })
    }

    /// When [`handle_timeout`](Self::handle_timeout) should next be called.
    pub fn poll_timeout(&self) -> Option<Duration> {
        if self.error.is_some() {
            return None;
        }
        let stage = match &self.stage {
            Stage::Discovering(d) => d.poll_timeout(),
            Stage::Fetching(p) => p.poll_timeout(),
        };
        let check = self.check_due();
        match (stage, check) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The next segment in order: (segment number, content).
    pub fn poll_segment(&mut self) -> Option<(u64, Bytes)> {
        match &mut self.stage {
            Stage::Fetching(p) => p.poll_segment(),
            Stage::Discovering(_) => None,
        }
    }

    // ----- inputs -----

    /// Time has reached `now`: expire Interests and end hold-offs.
    pub fn handle_timeout(&mut self, now: Duration) {
        if self.error.is_some() {
            return;
        }
        match &mut self.stage {
            Stage::Discovering(d) => {
                if let Some(outcome) = d.handle_timeout(now, &mut self.stats) {
                    self.discovered(outcome);
                }
            }
            Stage::Fetching(p) => p.handle_timeout(now, &mut self.stats),
        }
        self.sync_error();
        if self.error.is_none() && self.check_due().is_some_and(|due| due <= now) {
            let _ = self.run_batch_check();
        }
    }

    /// A Data arrived, with or without an NDNLPv2 CongestionMark.
    pub fn handle_data(
        &mut self,
        now: Duration,
        data: &Data,
        congestion_mark: bool,
    ) -> Result<(), DataRejected> {
        if self.error.is_some() || self.is_complete() {
            return Err(DataRejected::Finished);
        }
        let (expected, seg) = match &self.stage {
            Stage::Discovering(d) => (d.expects(data), None),
            Stage::Fetching(p) => {
                let seg = p.segment_of(data.name()).filter(|s| p.expects(*s));
                (seg.is_some(), seg)
            }
        };
        if !expected {
            return Err(DataRejected::Unsolicited(data.name().clone()));
        }
        // segments wait for a batch check; the rest is checked now
        let deferred = seg.is_some() && self.batch.is_some();
        if !deferred {
            self.check(data)?;
        }
        let outcome = match (&mut self.stage, seg) {
            (Stage::Discovering(d), _) => d.handle_data(now, data),
            (Stage::Fetching(p), Some(seg)) => {
                let taken =
                    p.handle_data(now, seg, data, congestion_mark, !deferred, &mut self.stats);
                if taken && let Some(b) = self.batch.as_mut() {
                    b.segments.push(seg);
                    b.data.push(data.clone());
                    b.since.get_or_insert(now);
                }
                Ok(None)
            }
            (Stage::Fetching(_), None) => Ok(None),
        };
        let result = outcome.map(|o| {
            if let Some(o) = o {
                self.discovered(o);
            }
        });
        self.sync_error();
        if deferred && self.error.is_none() && self.batch_full() {
            self.run_batch_check()?;
        }
        result
    }

    /// A Nack for the Interest `name` (with its `nonce`, when known: a Nack for an Interest
    /// that has since been retransmitted is ignored).
    pub fn handle_nack(
        &mut self,
        now: Duration,
        name: &Name,
        nonce: Option<u32>,
        reason: NackReason,
    ) {
        if self.error.is_some() {
            return;
        }
        match &mut self.stage {
            Stage::Discovering(d) => {
                if let Some(outcome) = d.handle_nack(now, name, nonce, reason, &mut self.stats) {
                    self.discovered(outcome);
                }
            }
            Stage::Fetching(p) => {
                if let Some(seg) = p.segment_of(name) {
                    p.handle_nack(now, seg, nonce, reason, &mut self.stats);
                }
            }
        }
        self.sync_error();
    }

    // ----- state -----

    /// All segments received, checked and handed out by [`poll_segment`](Self::poll_segment).
    pub fn is_done(&self) -> bool {
        self.error.is_none()
            && matches!(&self.stage, Stage::Fetching(p) if p.is_done())
            && self.batch.as_ref().is_none_or(|b| b.data.is_empty())
    }

    /// All segments received (some may still wait in [`poll_segment`](Self::poll_segment)).
    pub fn is_complete(&self) -> bool {
        self.error.is_none() && matches!(&self.stage, Stage::Fetching(p) if p.is_complete())
    }

    /// Why the fetch failed, once it has.
    pub fn error(&self) -> Option<&FetchError> {
        self.error.as_ref()
    }

    /// The name given to [`new`](Self::new).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// The versioned name, once known.
    pub fn versioned_name(&self) -> Option<&Name> {
        match &self.stage {
            Stage::Fetching(p) => Some(p.name()),
            Stage::Discovering(_) => None,
        }
    }

    /// The last segment number, once a FinalBlockId has been seen.
    pub fn final_segment(&self) -> Option<u64> {
        match &self.stage {
            Stage::Fetching(p) => p.final_segment(),
            Stage::Discovering(_) => None,
        }
    }

    /// Counters and RTT statistics.
    pub fn stats(&self) -> FetchStats {
        let mut s = self.stats.clone();
        if let Stage::Fetching(p) = &self.stage {
            s.rtt_min = p.rtt().min_rtt();
            s.rtt_avg = p.rtt().avg_rtt();
            s.rtt_max = p.rtt().max_rtt();
        }
        s
    }

    /// The congestion window in segments (the fixed window for the fixed pipeline; the
    /// initial window during discovery).
    pub fn cwnd(&self) -> f64 {
        match &self.stage {
            Stage::Fetching(p) => p.window().cwnd(),
            Stage::Discovering(_) => self.opts.init_cwnd,
        }
    }

    /// The slow-start threshold.
    pub fn ssthresh(&self) -> f64 {
        match &self.stage {
            Stage::Fetching(p) => p.window().ssthresh(),
            Stage::Discovering(_) => self.opts.init_ssthresh,
        }
    }

    /// The current retransmission timeout.
    pub fn rto(&self) -> Duration {
        match &self.stage {
            Stage::Fetching(p) => p.rtt().rto(),
            Stage::Discovering(_) => self.opts.rtt.initial_rto,
        }
    }

    /// Segment Interests occupying the window.
    pub fn in_flight(&self) -> usize {
        match &self.stage {
            Stage::Fetching(p) => p.in_flight(),
            Stage::Discovering(_) => 0,
        }
    }

    // ----- internals -----

    fn check(&mut self, data: &Data) -> Result<(), DataRejected> {
        let result = match (self.check.as_mut(), self.batch.as_mut()) {
            (Some(check), _) => check(data),
            (None, Some(b)) => (b.check)(std::slice::from_ref(data)).map_err(|(_, e)| e),
            (None, None) => return Ok(()),
        };
        result.map_err(|error| {
            self.error = Some(FetchError::Validation {
                name: data.name().clone(),
                error,
            });
            DataRejected::Invalid {
                name: data.name().clone(),
            }
        })
    }

    /// When the oldest segment waiting for a batch check must be checked.
    fn check_due(&self) -> Option<Duration> {
        let b = self.batch.as_ref()?;
        b.since.map(|t| t + b.limits.max_delay)
    }

    /// The batch is to be checked now: it is full, or every segment has arrived.
    fn batch_full(&self) -> bool {
        self.batch.as_ref().is_some_and(|b| {
            !b.data.is_empty() && (b.data.len() >= b.limits.max_segments || self.is_complete())
        })
    }

    /// Check the segments waiting and deliver those that pass; a rejection fails the fetch.
    fn run_batch_check(&mut self) -> Result<(), DataRejected> {
        let Some(b) = self.batch.as_mut() else {
            return Ok(());
        };
        b.since = None;
        let verdict = (b.check)(&b.data);
        let passed = match &verdict {
            Ok(()) => b.data.len(),
            Err((i, _)) => *i,
        };
        if let Stage::Fetching(p) = &mut self.stage {
            for (seg, data) in b.segments.iter().zip(&b.data).take(passed) {
                p.deliver(*seg, data.content());
            }
        }
        let rejected = match verdict {
            Ok(()) => Ok(()),
            Err((i, error)) => {
                let name = b
                    .data
                    .get(i)
                    .or(b.data.last())
                    .map_or_else(|| self.name.clone(), |d| d.name().clone());
                self.error = Some(FetchError::Validation {
                    name: name.clone(),
                    error,
                });
                Err(DataRejected::Invalid { name })
            }
        };
        b.segments.clear();
        b.data.clear();
        rejected
    }

    fn discovered(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Found { versioned, segment } => {
                let mut p = Pipeline::new(versioned, &self.opts);
                if let Some(first) = segment.filter(|d| p.segment_of(d.name()) == Some(0)) {
                    p.inject_first(&first, &mut self.stats);
                }
                self.stage = Stage::Fetching(Box::new(p));
            }
            Outcome::Failed(reason) => {
                self.error = Some(FetchError::NoVersion {
                    name: self.name.clone(),
                    reason,
                });
            }
        }
    }

    fn sync_error(&mut self) {
        if self.error.is_none()
            && let Stage::Fetching(p) = &self.stage
        {
            self.error = p.error().cloned();
        }
    }
}
