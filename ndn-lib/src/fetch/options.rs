//! Fetch parameters, with ndnget's defaults.

use std::time::Duration;

use super::rtt::RttOptions;
use super::window::PipelineKind;
use crate::packet::DEFAULT_LIFETIME_MS;

/// ndnget's default retry limit (`--retries`).
pub const DEFAULT_MAX_RETRIES: u32 = 15;

/// The longest hold-off before retrying after a Congestion Nack in the fixed pipeline
/// (ndnget `DataFetcher::MAX_CONGESTION_BACKOFF_TIME`).
pub const MAX_CONGESTION_BACKOFF: Duration = Duration::from_secs(10);

/// How a [`Fetcher`](super::Fetcher) works. `Default` gives ndnget's behaviour: CUBIC, initial
/// window 2, infinite initial ssthresh, 4 s Interest lifetime, 15 retries, version discovery on.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchOptions {
    /// Window algorithm (ndnget `--pipeline-type`, default CUBIC).
    pub pipeline: PipelineKind,
    /// InterestLifetime of every Interest (ndnget `--lifetime`, 4 s).
    pub interest_lifetime: Duration,
    /// Set MustBeFresh on segment Interests (ndnget `--fresh`).
    pub must_be_fresh: bool,
    /// Retransmissions allowed per segment after timeouts or Nacks; `None` for no limit
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
    /// RTT estimator parameters.
    pub rtt: RttOptions,
    /// Seed of the Interest Nonce generator.
    pub nonce_seed: u64,
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
            rtt: RttOptions::default(),
            nonce_seed: 0,
        }
    }
}
