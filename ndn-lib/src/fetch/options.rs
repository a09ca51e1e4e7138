//! Fetch parameters, with ndnget's defaults.

use std::time::Duration;

use super::rtt::RttOptions;
use super::window::PipelineKind;
use crate::name::Name;
use crate::packet::DEFAULT_LIFETIME_MS;

/// ndnget's default retry limit (`--retries`).
pub const DEFAULT_MAX_RETRIES: u32 = 15;

/// Later segments that must arrive before a missing one is taken as lost (fast retransmit),
/// like TCP's duplicate-ACK threshold (RFC 5681 section 3.2).
pub const DEFAULT_REORDER_THRESHOLD: u32 = 3;

/// How far past the oldest missing segment new segments may be requested, by default: 2048
/// segments (16 MB at ndnput's 8000-byte segments), twice the default `ndnget --max-window`.
pub const DEFAULT_MAX_REORDER: u64 = 2048;

/// The earliest a first fast retransmission follows the segment's Interest, by default: the
/// retransmission suppression of NFD and ndnd (RetxSuppressionExponential) does not forward a
/// retransmitted Interest that comes within 10 ms of the last forwarding of its PIT entry, an
/// interval that doubles with every retransmission forwarded (up to 250 ms).
pub const DEFAULT_MIN_RETX_INTERVAL: Duration = Duration::from_millis(10);

/// The longest hold-off before retrying after a Congestion Nack in the fixed pipeline
/// (ndnget `DataFetcher::MAX_CONGESTION_BACKOFF_TIME`).
pub const MAX_CONGESTION_BACKOFF: Duration = Duration::from_secs(10);

/// How a [`Fetcher`](super::Fetcher) works. `Default` gives ndnget's behaviour: CUBIC, initial
/// window 2, infinite initial ssthresh, 4 s Interest lifetime, 15 retries, version discovery on;
/// and, beyond ndnget, fast retransmit after 3 later arrivals and at most 2048 segments
/// between the oldest missing one and the newest requested.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOptions {
    /// Window algorithm (ndnget `--pipeline-type`, default CUBIC).
    pub pipeline: PipelineKind,
    /// InterestLifetime of every Interest (ndnget `--lifetime`, 4 s).
    pub interest_lifetime: Duration,
    /// Set MustBeFresh on segment Interests (ndnget `--fresh`).
    pub must_be_fresh: bool,
    /// Retransmissions allowed per segment (after timeouts, Nacks or fast-retransmit
    /// detections); `None` for no limit
    /// (ndnget `--retries`, 15; -1 there means no limit).
    pub max_retries: Option<u32>,
    /// Retransmissions of the RDR metadata Interest before falling back to a CanBePrefix
    /// Interest on the name.
    pub metadata_retries: u32,
    /// Discover the version when the name does not end with one (ndnget `-D` turns it off;
    /// then the name is fetched as given).
    pub discover_version: bool,
    /// Initial congestion window of AIMD and CUBIC (ndnget `--init-cwnd`, 2).
    pub init_cwnd: f64,
    /// Initial slow-start threshold (ndnget `--init-ssthresh`, infinity).
    pub init_ssthresh: f64,
    /// Largest congestion window of AIMD and CUBIC in segments; `None` for no limit (the
    /// default). Bounds the Interests in flight, and so the segments held out of order.
    pub max_cwnd: Option<f64>,
    /// Do not shrink the window on congestion marks (ndnget `--ignore-marks`).
    pub ignore_congestion_marks: bool,
    /// Shrink the window on every loss or mark instead of at most once per RTT
    /// (ndnget `--disable-cwa`).
    pub disable_cwa: bool,
    /// Fast retransmit (AIMD, CUBIC): a segment whose Interest has not been answered while this
    /// many segments first requested after that Interest have arrived is taken as lost,
    /// retransmitted without waiting for the RTO and counted as a loss event for the window;
    /// 0 turns it off. This applies to retransmissions too; what no later segment reveals
    /// (the last segments) waits for the RTO.
    pub reorder_threshold: u32,
    /// A fast retransmission waits until this long after the segment's first Interest (twice
    /// as long after a first retransmission, and so on), so that forwarders' retransmission
    /// suppression does not drop it.
    pub min_retx_interval: Duration,
    /// New segments are requested at most this many segments past the oldest segment not yet
    /// received; `None` for no limit. Bounds the segments held out of order behind a lost one
    /// (at most this many minus one), whatever the window.
    pub max_reorder: Option<u64>,
    /// RTT estimator parameters.
    pub rtt: RttOptions,
    /// Seed of the Interest Nonce generator.
    pub nonce_seed: u64,
    /// ForwardingHint delegations put in every Interest, most preferred first (ndnget
    /// `--fwhint`); none when empty.
    pub forwarding_hint: Vec<Name>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            pipeline: PipelineKind::default(),
            interest_lifetime: Duration::from_millis(DEFAULT_LIFETIME_MS),
            must_be_fresh: false,
            max_retries: Some(DEFAULT_MAX_RETRIES),
            metadata_retries: 1,
            discover_version: true,
            init_cwnd: 2.0,
            init_ssthresh: f64::INFINITY,
            max_cwnd: None,
            ignore_congestion_marks: false,
            disable_cwa: false,
            reorder_threshold: DEFAULT_REORDER_THRESHOLD,
            min_retx_interval: DEFAULT_MIN_RETX_INTERVAL,
            max_reorder: Some(DEFAULT_MAX_REORDER),
            rtt: RttOptions::default(),
            nonce_seed: 0,
            forwarding_hint: Vec::new(),
        }
    }
}
