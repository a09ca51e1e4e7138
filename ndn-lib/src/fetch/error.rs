//! Why a fetch failed, and why a Data packet was not taken.

use crate::keychain::ValidationError;
use crate::lp::NackReason;
use crate::name::Name;

/// What happened to the last Interest of a step that gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No Data within the retransmission timeout or Interest lifetime.
    Timeout,
    /// A Nack came back.
    Nack(NackReason),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Timeout => f.write_str("timeout"),
            Failure::Nack(r) => write!(f, "Nack ({r})"),
        }
    }
}

/// A fetch that cannot complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Version discovery found no version: neither the RDR metadata Interest nor the
    /// CanBePrefix Interest on the name got a usable answer.
    #[error("cannot discover the version of {name}: {reason}")]
    NoVersion {
        /// The name given to the fetcher.
        name: Name,
        /// What went wrong in the last step.
        reason: String,
    },
    /// A segment of the content could not be retrieved within the retry limit.
    #[error("segment {segment} of {name}: {last} after {retries} retries")]
    SegmentFailed {
        /// The versioned name.
        name: Name,
        /// The segment number.
        segment: u64,
        /// Retransmissions made.
        retries: u32,
        /// What happened to the last attempt.
        last: Failure,
    },
    /// Every outstanding segment failed before any Data told where the content ends.
    #[error("fetching {name} stopped, but no FinalBlockId was found")]
    NoFinalBlock {
        /// The versioned name.
        name: Name,
    },
    /// The validator rejected a Data packet.
    #[error("{name} failed validation: {error}")]
    Validation {
        /// The rejected Data name.
        name: Name,
        /// The validator's reason.
        error: ValidationError,
    },
}

/// Why [`Fetcher::handle_data`](super::Fetcher::handle_data) did not take a Data packet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DataRejected {
    /// The Data answers no Interest the fetcher has outstanding (late, duplicate, or foreign).
    #[error("unsolicited Data {0}")]
    Unsolicited(Name),
    /// The Data does not have the shape the protocol requires (e.g. bad metadata content).
    #[error("malformed Data {name}: {reason}")]
    Malformed {
        /// The Data name.
        name: Name,
        /// What is wrong.
        reason: &'static str,
    },
    /// The validator rejected it; the fetch has failed ([`Fetcher::error`](super::Fetcher::error)
    /// has the validator's reason).
    #[error("Data {name} failed validation")]
    Invalid {
        /// The Data name.
        name: Name,
    },
    /// The fetch has already finished or failed.
    #[error("the fetch is finished")]
    Finished,
}
