//! Version discovery, as ndnget does it, with a fallback for producers without metadata:
//!
//! 1. RDR (Realtime Data Retrieval, named-data wiki "RDR"): an Interest for
//!    `<prefix>/32=metadata` with CanBePrefix and MustBeFresh; the reply
//!    `<prefix>/32=metadata/v=<t>/seg=0` carries the versioned name as a Name TLV in its Content.
//! 2. If that times out or is Nacked: an Interest for `<prefix>` with CanBePrefix and
//!    MustBeFresh; the component after the prefix in the reply's name is the version (and the
//!    reply itself is usually segment 0 of that version).
//!
//! Timeouts and Nacks are retried like ndnget's `DataFetcher`: Duplicate at once with a new
//! Nonce, Congestion after 2^n ms (at most 10 s); other Nack reasons end the step.

use std::time::Duration;

use super::error::DataRejected;
use super::nonce::NonceGen;
use super::options::MAX_CONGESTION_BACKOFF;
use super::{FetchStats, OutgoingInterest};
use crate::lp::NackReason;
use crate::name::Name;
use crate::packet::Data;

/// The keyword component of RDR discovery Interests.
pub const METADATA_KEYWORD: &[u8] = b"metadata";

/// `<prefix>/32=metadata`, the RDR discovery name.
pub fn metadata_name(prefix: &Name) -> Name {
    prefix.append_keyword(METADATA_KEYWORD)
}

/// Decode the versioned name from the Content of an RDR metadata Data.
pub fn parse_metadata(data: &Data) -> Result<Name, &'static str> {
    let name = Name::decode(data.content()).map_err(|_| "content is not a Name TLV")?;
    match name.last() {
        Some(c) if c.as_version().is_some() => Ok(name),
        _ => Err("the name in the metadata does not end with a version"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Metadata,
    Prefix,
}

#[derive(Debug, Clone)]
struct Sent {
    name: Name,
    nonce: u32,
    deadline: Duration,
}

/// The end of discovery.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// The versioned name, and the reply itself when it is a segment of that version.
    Found {
        versioned: Name,
        segment: Option<Box<Data>>,
    },
    /// Both steps failed; the reason of the last one.
    Failed(String),
}

/// The discovery state machine.
#[derive(Debug, Clone)]
pub(crate) struct Discovery {
    prefix: Name,
    step: Step,
    metadata_retries: u32,
    prefix_retries: Option<u32>,
    retries: u32,
    congestion_backoffs: u32,
    sent: Option<Sent>,
    /// When to send the next Interest of the step (`None` while one is outstanding).
    send_at: Option<Duration>,
}

impl Discovery {
    pub(crate) fn new(prefix: Name, metadata_retries: u32, prefix_retries: Option<u32>) -> Self {
        Discovery {
            prefix,
            step: Step::Metadata,
            metadata_retries,
            prefix_retries,
            retries: 0,
            congestion_backoffs: 0,
            sent: None,
            send_at: Some(Duration::ZERO),
        }
    }

    fn interest_name(&self) -> Name {
        match self.step {
            Step::Metadata => metadata_name(&self.prefix),
            Step::Prefix => self.prefix.clone(),
        }
    }

    pub(crate) fn poll_interest(
        &mut self,
        now: Duration,
        lifetime: Duration,
        rng: &mut NonceGen,
        stats: &mut FetchStats,
    ) -> Option<OutgoingInterest> {
        if self.send_at.is_none_or(|t| now < t) {
            return None;
        }
        self.send_at = None;
        let name = self.interest_name();
        let nonce = rng.nonce();
        self.sent = Some(Sent {
            name: name.clone(),
            nonce,
            deadline: now + lifetime,
        });
        stats.interests_sent += 1;
        Some(OutgoingInterest::new(
            name, true, true, nonce, lifetime, None,
        ))
    }

    pub(crate) fn poll_timeout(&self) -> Option<Duration> {
        match (&self.sent, self.send_at) {
            (Some(s), _) => Some(s.deadline),
            (None, t) => t,
        }
    }

    fn limit(&self) -> Option<u32> {
        match self.step {
            Step::Metadata => Some(self.metadata_retries),
            Step::Prefix => self.prefix_retries,
        }
    }

    /// Retry the step at `at`, or give it up when the retry limit is reached.
    fn retry(&mut self, at: Duration, reason: String) -> Option<Outcome> {
        self.sent = None;
        self.retries += 1;
        if self.limit().is_some_and(|l| self.retries > l) {
            return self.step_failed(at, format!("{reason} after {} retries", self.retries - 1));
        }
        self.send_at = Some(at);
        None
    }

    fn step_failed(&mut self, now: Duration, reason: String) -> Option<Outcome> {
        self.sent = None;
        match self.step {
            Step::Metadata => {
                self.step = Step::Prefix;
                self.retries = 0;
                self.congestion_backoffs = 0;
                self.send_at = Some(now);
                None
            }
            Step::Prefix => {
                self.send_at = None;
                Some(Outcome::Failed(reason))
            }
        }
    }

    pub(crate) fn handle_timeout(
        &mut self,
        now: Duration,
        stats: &mut FetchStats,
    ) -> Option<Outcome> {
        let expired = self.sent.as_ref().is_some_and(|s| now >= s.deadline);
        if !expired {
            return None;
        }
        stats.timeouts += 1;
        self.retry(now, "timeout".to_owned())
    }

    pub(crate) fn handle_nack(
        &mut self,
        now: Duration,
        name: &Name,
        nonce: Option<u32>,
        reason: NackReason,
        stats: &mut FetchStats,
    ) -> Option<Outcome> {
        let ours = self
            .sent
            .as_ref()
            .is_some_and(|s| &s.name == name && nonce.is_none_or(|n| n == s.nonce));
        if !ours {
            return None;
        }
        stats.nacks += 1;
        match reason {
            NackReason::Duplicate => self.retry(now, format!("Nack ({reason})")),
            NackReason::Congestion => {
                let backoff = congestion_backoff(self.congestion_backoffs);
                self.congestion_backoffs += 1;
                self.retry(now + backoff, format!("Nack ({reason})"))
            }
            _ => self.step_failed(now, format!("Nack ({reason})")),
        }
    }

    /// True when `data` answers the outstanding Interest.
    pub(crate) fn expects(&self, data: &Data) -> bool {
        self.sent
            .as_ref()
            .is_some_and(|s| s.name.is_prefix_of(data.name()))
    }

    pub(crate) fn handle_data(
        &mut self,
        now: Duration,
        data: &Data,
    ) -> Result<Option<Outcome>, DataRejected> {
        if !self.expects(data) {
            return Err(DataRejected::Unsolicited(data.name().clone()));
        }
        match self.step {
            Step::Metadata => match parse_metadata(data) {
                Ok(versioned) => Ok(Some(Outcome::Found {
                    versioned,
                    segment: None,
                })),
                Err(reason) => {
                    self.step_failed(now, reason.to_owned());
                    Err(DataRejected::Malformed {
                        name: data.name().clone(),
                        reason,
                    })
                }
            },
            Step::Prefix => {
                let n = self.prefix.len();
                let has_version = data.name().get(n).is_some_and(|c| c.as_version().is_some());
                if !has_version {
                    return Ok(self.step_failed(
                        now,
                        format!("the reply {} has no version component", data.name()),
                    ));
                }
                let versioned = data.name().prefix(n + 1);
                let is_segment = data.name().len() == n + 2
                    && data.name().last().is_some_and(|c| c.as_segment().is_some());
                Ok(Some(Outcome::Found {
                    versioned,
                    segment: is_segment.then(|| Box::new(data.clone())),
                }))
            }
        }
    }
}

/// Hold-off after the `n`-th consecutive Congestion Nack: 2^n ms, at most 10 s.
pub(crate) fn congestion_backoff(n: u32) -> Duration {
    let ms = 1u64.checked_shl(n).unwrap_or(u64::MAX);
    Duration::from_millis(ms).min(MAX_CONGESTION_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn congestion_backoff_doubles_to_ten_seconds() {
        assert_eq!(congestion_backoff(0), Duration::from_millis(1));
        assert_eq!(congestion_backoff(3), Duration::from_millis(8));
        assert_eq!(congestion_backoff(14), MAX_CONGESTION_BACKOFF);
        assert_eq!(congestion_backoff(200), MAX_CONGESTION_BACKOFF);
    }

    #[test]
    fn metadata_name_has_keyword() {
        let n = Name::from_uri("/a/b").unwrap();
        assert_eq!(metadata_name(&n).to_string(), "/a/b/32=metadata");
    }
}
