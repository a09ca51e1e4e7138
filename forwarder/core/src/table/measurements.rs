//! Measurements: per-prefix, per-face round-trip statistics that adaptive strategies use.

use std::time::Duration;

use ndn::Name;

use super::name_index::NameIndex;
use crate::face::FaceId;

/// How long an entry lives after it was last used (NFD's default).
pub const ENTRY_LIFETIME: Duration = Duration::from_secs(4);

/// Round-trip statistics of one face under one prefix (RFC 6298 estimator).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceMeasurement {
    /// The face.
    pub face: FaceId,
    /// Smoothed RTT, once a sample arrived.
    pub srtt: Option<Duration>,
    /// RTT variation.
    pub rttvar: Duration,
    /// Consecutive timeouts or Nacks since the last Data.
    pub n_timeouts: u32,
    /// Last time a probe was sent to this face.
    pub last_probe: Option<Duration>,
}

impl FaceMeasurement {
    fn new(face: FaceId) -> Self {
        FaceMeasurement {
            face,
            srtt: None,
            rttvar: Duration::ZERO,
            n_timeouts: 0,
            last_probe: None,
        }
    }

    /// Add an RTT sample (alpha 1/8, beta 1/4).
    pub fn add_rtt(&mut self, rtt: Duration) {
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
        self.n_timeouts = 0;
    }
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
        if self.entries.get(prefix, hash).is_none() {
            self.entries
                .insert(prefix.clone(), hash, MeasurementsEntry::default());
        }
        let e = match self.entries.get_mut(prefix, hash) {
            Some(e) => e,
            None => unreachable!("inserted just above"),
        };
        e.expiry = now + ENTRY_LIFETIME;
        e
    }

    /// The entry for `prefix`.
    pub fn get(&self, prefix: &Name, hash: u64) -> Option<&MeasurementsEntry> {
        self.entries.get(prefix, hash)
    }

    /// Remove `face` from every entry.
    pub fn remove_face(&mut self, face: FaceId) {
        for (_, e) in self.entries.iter_mut() {
            e.faces.retain(|f| f.face != face);
        }
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
        m.add_rtt(Duration::from_millis(100));
        assert_eq!(m.srtt, Some(Duration::from_millis(100)));
        assert_eq!(m.rttvar, Duration::from_millis(50));
        m.add_rtt(Duration::from_millis(20));
        assert_eq!(m.srtt, Some(Duration::from_millis(90)));
        assert_eq!(m.rttvar, Duration::from_micros(57_500));
    }
}
