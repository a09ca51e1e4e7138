//! Congestion marking of a send queue, after NFD's GenericLinkService (a CoDel-style control
//! law): while the queue stays above a threshold, mark a packet (NDNLPv2 CongestionMark), then
//! the next one `interval / sqrt(n + 1)` later, `n` being the marks so far in this episode;
//! start over once the queue drains to the threshold. The daemon runs one per face, the
//! simulator one per link direction; the forwarder carries the marks on to the consumer.

use std::time::Duration;

/// NFD's base congestion marking interval.
pub const MARK_INTERVAL: Duration = Duration::from_millis(100);

/// The marking state of one queue.
#[derive(Debug, Clone, Default)]
pub struct CongestionMarker {
    next_mark: Option<Duration>,
    marked: u32,
}

impl CongestionMarker {
    /// Whether the packet sent at `now`, with `queued` packets (or bytes) in the queue, gets a
    /// mark when the queue should stay at or below `threshold`.
    pub fn should_mark(&mut self, now: Duration, queued: usize, threshold: usize) -> bool {
        if queued <= threshold {
            self.next_mark = None;
            self.marked = 0;
            return false;
        }
        let due = self.next_mark.is_none_or(|t| now >= t);
        if due {
            self.marked += 1;
            let step = MARK_INTERVAL.div_f64(f64::from(self.marked + 1).sqrt());
            self.next_mark =
                Some(self.next_mark.unwrap_or(now).max(now.saturating_sub(step)) + step);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_follow_the_control_law_and_reset_when_the_queue_drains() {
        let mut m = CongestionMarker::default();
        let ms = Duration::from_millis;
        assert!(!m.should_mark(ms(0), 10, 100), "below the threshold");
        assert!(m.should_mark(ms(0), 200, 100), "first mark at once");
        assert!(!m.should_mark(ms(50), 200, 100));
        // next after 100 / sqrt(2) = 70.7 ms
        assert!(!m.should_mark(ms(70), 200, 100));
        assert!(m.should_mark(ms(71), 200, 100));
        // then 100 / sqrt(3) = 57.7 ms later
        assert!(!m.should_mark(ms(128), 200, 100));
        assert!(m.should_mark(ms(129), 200, 100));
        // drained: reset, and the next episode marks at once
        assert!(!m.should_mark(ms(130), 5, 100));
        assert!(m.should_mark(ms(131), 200, 100));
    }
}
