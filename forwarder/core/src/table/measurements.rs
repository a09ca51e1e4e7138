//! Measurements: per-prefix, per-face round-trip statistics that adaptive strategies use.

use std::collections::HashMap;
use std::time::Duration;

use ndn::Name;

use super::name_index::NameIndex;
use crate::face::FaceId;

/// How long an entry lives after it was last used (NFD's default).
pub const ENTRY_LIFETIME: Duration = Duration::from_secs(4);

/// A smoothed round-trip time and its variation (RFC 6298: alpha 1/8, beta 1/4), with the
/// retransmission timeout NFD's estimator derives from them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RttEstimator {
    /// Smoothed RTT, once a sample arrived.
    pub srtt: Option<Duration>,
    /// RTT variation.
    pub rttvar: Duration,
}

impl RttEstimator {
    /// The timeout before any sample.
    pub const INITIAL_RTO: Duration = Duration::from_secs(1);
    /// The smallest timeout.
    pub const MIN_RTO: Duration = Duration::from_millis(200);
    /// The largest timeout.
    pub const MAX_RTO: Duration = Duration::from_secs(60);

    /// Add an RTT sample.
    pub fn add(&mut self, rtt: Duration) {
        match self.srtt {
            None => {
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(s) => {
                let delta = s.abs_diff(rtt);
                self.rttvar = (self.rttvar * 3 + delta) / 4;
                self.srtt = Some((s * 7 + rtt) / 8);
            }
        }
    }

    /// The retransmission timeout: SRTT + 4 RTTVAR, within [`Self::MIN_RTO`] and
    /// [`Self::MAX_RTO`]; [`Self::INITIAL_RTO`] before the first sample.
    pub fn rto(&self) -> Duration {
        match self.srtt {
            None => Self::INITIAL_RTO,
            Some(s) => (s + self.rttvar * 4).clamp(Self::MIN_RTO, Self::MAX_RTO),
        }
    }
}

/// Round-trip statistics of one face under one prefix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceMeasurement {
    /// The face.
    pub face: FaceId,
    /// Its round-trip time.
    pub rtt: RttEstimator,
    /// Consecutive timeouts or Nacks since the last Data.
    pub n_timeouts: u32,
    /// Last time a probe was sent to this face.
    pub last_probe: Option<Duration>,
}

impl FaceMeasurement {
    fn new(face: FaceId) -> Self {
        FaceMeasurement {
            face,
            rtt: RttEstimator::default(),
            n_timeouts: 0,
            last_probe: None,
        }
    }

    /// Add an RTT sample: the face answers again.
    pub fn add_rtt(&mut self, rtt: Duration) {
        self.rtt.add(rtt);
        self.n_timeouts = 0;
    }
}

/// What the access strategy learned under a prefix: the upstream that last brought Data, and
/// the round-trip time through it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LastNextHop {
    /// The upstream.
    pub face: FaceId,
    /// Its round-trip time under this prefix.
    pub rtt: RttEstimator,
}

/// Measurements kept for one prefix.
#[derive(Debug, Clone, Default)]
pub struct MeasurementsEntry {
    /// Per-face statistics, in the order faces were first seen.
    pub faces: Vec<FaceMeasurement>,
    /// When the entry may be removed.
    pub expiry: Duration,
    /// Last time the strategy sent a probe under this prefix.
    pub last_probe: Option<Duration>,
    /// Access strategy: the upstream that last brought Data under this prefix.
    pub last_next_hop: Option<LastNextHop>,
}

impl MeasurementsEntry {
    /// The statistics of `face`, created when absent.
    pub fn face_mut(&mut self, face: FaceId) -> &mut FaceMeasurement {
        let pos = match self.faces.iter().position(|f| f.face == face) {
            Some(p) => p,
            None => {
                self.faces.push(FaceMeasurement::new(face));
                self.faces.len() - 1
            }
        };
        &mut self.faces[pos]
    }

    /// The statistics of `face`.
    pub fn face(&self, face: FaceId) -> Option<&FaceMeasurement> {
        self.faces.iter().find(|f| f.face == face)
    }
}

/// The measurements table.
#[derive(Debug, Clone, Default)]
pub struct Measurements {
    entries: NameIndex<MeasurementsEntry>,
    /// Access strategy: the round-trip time of each upstream, whatever the prefix.
    face_rtt: HashMap<FaceId, RttEstimator>,
}

impl Measurements {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for `prefix`, created when absent, with its lifetime extended from `now`.
    pub fn entry_mut(&mut self, prefix: &Name, hash: u64, now: Duration) -> &mut MeasurementsEntry {
        self.entry_for(prefix, hash, now, ENTRY_LIFETIME)
    }

    /// The entry for `prefix`, created when absent, to live at least `lifetime` from `now`.
    pub fn entry_for(
        &mut self,
        prefix: &Name,
        hash: u64,
        now: Duration,
        lifetime: Duration,
    ) -> &mut MeasurementsEntry {
        if self.entries.get(prefix, hash).is_none() {
            self.entries
                .insert(prefix.clone(), hash, MeasurementsEntry::default());
        }
        let e = match self.entries.get_mut(prefix, hash) {
            Some(e) => e,
            None => unreachable!("inserted just above"),
        };
        e.expiry = e.expiry.max(now + lifetime);
        e
    }

    /// The entry of the longest prefix of `name` for which `pred` holds; `hashes[k]` is the
    /// hash of the first `k` components.
    pub fn longest_prefix_where(
        &self,
        name: &Name,
        hashes: &[u64],
        mut pred: impl FnMut(&MeasurementsEntry) -> bool,
    ) -> Option<(&Name, &MeasurementsEntry)> {
        self.entries
            .prefix_matches(name, hashes)
            .find(|(_, e)| pred(e))
    }

    /// Access strategy: the round-trip time of `face` over every prefix, after adding `rtt`.
    pub fn add_face_rtt(&mut self, face: FaceId, rtt: Duration) -> RttEstimator {
        let e = self.face_rtt.entry(face).or_default();
        e.add(rtt);
        *e
    }

    /// The entry for `prefix`.
    pub fn get(&self, prefix: &Name, hash: u64) -> Option<&MeasurementsEntry> {
        self.entries.get(prefix, hash)
    }

    /// Remove `face` from every entry.
    pub fn remove_face(&mut self, face: FaceId) {
        for (_, e) in self.entries.iter_mut() {
            e.faces.retain(|f| f.face != face);
            if e.last_next_hop.is_some_and(|l| l.face == face) {
                e.last_next_hop = None;
            }
        }
        self.face_rtt.remove(&face);
    }

    /// Remove entries whose lifetime ended.
    pub fn cleanup(&mut self, now: Duration) {
        for (name, hash) in self.entries.keys_where(|_, e| e.expiry <= now) {
            self.entries.remove(&name, hash);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtt_estimator_smooths() {
        let mut m = FaceMeasurement::new(FaceId(300));
        m.n_timeouts = 2;
        assert_eq!(m.rtt.rto(), RttEstimator::INITIAL_RTO);
        m.add_rtt(Duration::from_millis(100));
        assert_eq!(m.n_timeouts, 0);
        assert_eq!(m.rtt.srtt, Some(Duration::from_millis(100)));
        assert_eq!(m.rtt.rttvar, Duration::from_millis(50));
        assert_eq!(m.rtt.rto(), Duration::from_millis(300));
        m.add_rtt(Duration::from_millis(20));
        assert_eq!(m.rtt.srtt, Some(Duration::from_millis(90)));
        assert_eq!(m.rtt.rttvar, Duration::from_micros(57_500));
        // the timeout stays within its bounds
        let mut fast = RttEstimator::default();
        fast.add(Duration::from_millis(1));
        assert_eq!(fast.rto(), RttEstimator::MIN_RTO);
        let mut slow = RttEstimator::default();
        slow.add(Duration::from_secs(30));
        assert_eq!(slow.rto(), RttEstimator::MAX_RTO);
    }
}
