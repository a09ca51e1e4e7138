//! Counters of a fetch (what ndnget prints in its summary).

use std::time::Duration;

/// Counters and RTT statistics of a fetch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FetchStats {
    /// Interests sent, including discovery and retransmissions.
    pub interests_sent: u64,
    /// Segment Interests sent again after a timeout, a Nack or a fast-retransmit detection.
    pub retransmissions: u64,
    /// Retransmissions of segments taken as lost because later segments arrived (fast
    /// retransmit), included in `retransmissions`.
    pub fast_retransmissions: u64,
    /// Interests that timed out (retransmission timeout or lifetime).
    pub timeouts: u64,
    /// Nacks received.
    pub nacks: u64,
    /// Data packets that carried a congestion mark.
    pub congestion_marks: u64,
    /// Window decreases caused by losses (timeouts, fast-retransmit detections, congestion
    /// Nacks).
    pub loss_decreases: u64,
    /// Window decreases caused by congestion marks.
    pub mark_decreases: u64,
    /// Retransmissions skipped because the Data arrived while they were queued.
    pub skipped_retransmissions: u64,
    /// Distinct segments received.
    pub segments: u64,
    /// Content bytes of the distinct segments received.
    pub bytes: u64,
    /// Smallest RTT sample.
    pub rtt_min: Option<Duration>,
    /// Mean RTT sample.
    pub rtt_avg: Option<Duration>,
    /// Largest RTT sample.
    pub rtt_max: Option<Duration>,
}
