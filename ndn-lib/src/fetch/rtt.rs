//! Round-trip time estimation and retransmission timeout (RFC 6298 "Computing TCP's
//! Retransmission Timer", with the per-window sample weighting of ndn-cxx `RttEstimator`).
//!
//! On the first sample R: SRTT = R, RTTVAR = R/2. On later samples, with `n` samples expected
//! per RTT (about half the Interests in flight), alpha' = alpha/n and beta' = beta/n:
//! RTTVAR = (1 - beta') RTTVAR + beta' |SRTT - R|, then SRTT = (1 - alpha') SRTT + alpha' R.
//! RTO = SRTT + k RTTVAR, clamped to [min RTO, max RTO]; a loss multiplies the RTO by the
//! backoff factor (clamped likewise) until the next sample recomputes it.

use std::time::Duration;

/// Parameters of the estimator. The defaults are ndn-cxx's: alpha 1/8, beta 1/4, k 4,
/// initial RTO 1 s, min RTO 200 ms, max RTO 60 s, backoff x2. (ndnget raises k to 8.)
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RttOptions {
    /// Gain of the smoothed RTT.
    pub alpha: f64,
    /// Gain of the RTT variation.
    pub beta: f64,
    /// Multiplier of the RTT variation in the RTO.
    pub k: f64,
    /// RTO before the first sample.
    pub initial_rto: Duration,
    /// Lower bound of the RTO.
    pub min_rto: Duration,
    /// Upper bound of the RTO.
    pub max_rto: Duration,
    /// Factor applied to the RTO on a loss.
    pub backoff_multiplier: f64,
}

impl Default for RttOptions {
    fn default() -> Self {
        RttOptions {
            alpha: 0.125,
            beta: 0.25,
            k: 4.0,
            initial_rto: Duration::from_secs(1),
            min_rto: Duration::from_millis(200),
            max_rto: Duration::from_secs(60),
            backoff_multiplier: 2.0,
        }
    }
}

/// RTT estimator with min/avg/max statistics.
#[derive(Debug, Clone)]
pub struct RttEstimator {
    opts: RttOptions,
    /// Smoothed RTT and RTT variation in seconds, once there is a sample.
    smoothed: Option<(f64, f64)>,
    rto: Duration,
    min: Option<Duration>,
    max: Option<Duration>,
    sum_secs: f64,
    samples: u64,
}

impl RttEstimator {
    /// An estimator with no samples; the RTO is `initial_rto`.
    pub fn new(opts: RttOptions) -> Self {
        RttEstimator {
            rto: opts.initial_rto,
            opts,
            smoothed: None,
            min: None,
            max: None,
            sum_secs: 0.0,
            samples: 0,
        }
    }

    /// Add a sample `rtt`, weighted as one of `expected_samples` samples per RTT (at least 1).
    pub fn add_measurement(&mut self, rtt: Duration, expected_samples: usize) {
        let r = rtt.as_secs_f64();
        let n = expected_samples.max(1) as f64;
        let (srtt, rttvar) = match self.smoothed {
            None => (r, r / 2.0),
            Some((srtt, rttvar)) => {
                let alpha = self.opts.alpha / n;
                let beta = self.opts.beta / n;
                let rttvar = (1.0 - beta) * rttvar + beta * (srtt - r).abs();
                ((1.0 - alpha) * srtt + alpha * r, rttvar)
            }
        };
        self.smoothed = Some((srtt, rttvar));
        self.rto = self.clamp(srtt + self.opts.k * rttvar);
        self.min = Some(self.min.map_or(rtt, |m| m.min(rtt)));
        self.max = Some(self.max.map_or(rtt, |m| m.max(rtt)));
        self.sum_secs += r;
        self.samples += 1;
    }

    /// Multiply the RTO by the backoff factor (after a loss).
    pub fn backoff_rto(&mut self) {
        self.rto = self.clamp(self.rto.as_secs_f64() * self.opts.backoff_multiplier);
    }

    fn clamp(&self, secs: f64) -> Duration {
        let lo = self.opts.min_rto.as_secs_f64();
        let hi = self.opts.max_rto.as_secs_f64().max(lo);
        Duration::from_secs_f64(secs.clamp(lo, hi))
    }

    /// The current retransmission timeout.
    pub fn rto(&self) -> Duration {
        self.rto
    }

    /// The smoothed RTT, once there is a sample.
    pub fn smoothed_rtt(&self) -> Option<Duration> {
        self.smoothed.map(|(s, _)| Duration::from_secs_f64(s))
    }

    /// The RTT variation, once there is a sample.
    pub fn rtt_variation(&self) -> Option<Duration> {
        self.smoothed.map(|(_, v)| Duration::from_secs_f64(v))
    }

    /// Smallest sample.
    pub fn min_rtt(&self) -> Option<Duration> {
        self.min
    }

    /// Largest sample.
    pub fn max_rtt(&self) -> Option<Duration> {
        self.max
    }

    /// Mean of all samples.
    pub fn avg_rtt(&self) -> Option<Duration> {
        (self.samples > 0).then(|| Duration::from_secs_f64(self.sum_secs / self.samples as f64))
    }

    /// Number of samples taken.
    pub fn samples(&self) -> u64 {
        self.samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn close(a: Duration, b: Duration) -> bool {
        a.abs_diff(b) < Duration::from_micros(1)
    }

    #[test]
    fn initial_rto_is_one_second() {
        let e = RttEstimator::new(RttOptions::default());
        assert_eq!(e.rto(), ms(1000));
        assert_eq!(e.smoothed_rtt(), None);
        assert_eq!(e.avg_rtt(), None);
    }

    #[test]
    fn first_sample_sets_srtt_and_half_variation() {
        let mut e = RttEstimator::new(RttOptions::default());
        e.add_measurement(ms(100), 1);
        assert!(close(e.smoothed_rtt().unwrap(), ms(100)));
        assert!(close(e.rtt_variation().unwrap(), ms(50)));
        // 100 + 4 * 50 = 300 ms
        assert!(close(e.rto(), ms(300)));
    }

    #[test]
    fn later_samples_follow_rfc6298() {
        let mut e = RttEstimator::new(RttOptions::default());
        e.add_measurement(ms(100), 1);
        e.add_measurement(ms(200), 1);
        // rttvar = 0.75*50 + 0.25*100 = 62.5; srtt = 0.875*100 + 0.125*200 = 112.5
        assert!(close(
            e.rtt_variation().unwrap(),
            Duration::from_micros(62_500)
        ));
        assert!(close(
            e.smoothed_rtt().unwrap(),
            Duration::from_micros(112_500)
        ));
        assert!(close(e.rto(), Duration::from_micros(362_500)));
    }

    #[test]
    fn expected_samples_divide_the_gains() {
        let mut e = RttEstimator::new(RttOptions::default());
        e.add_measurement(ms(100), 1);
        e.add_measurement(ms(200), 2);
        // beta' = 1/8: rttvar = 0.875*50 + 0.125*100 = 56.25; alpha' = 1/16: srtt = 106.25
        assert!(close(
            e.rtt_variation().unwrap(),
            Duration::from_micros(56_250)
        ));
        assert!(close(
            e.smoothed_rtt().unwrap(),
            Duration::from_micros(106_250)
        ));
    }

    #[test]
    fn rto_is_clamped_and_backs_off() {
        let mut e = RttEstimator::new(RttOptions::default());
        e.add_measurement(ms(10), 1);
        assert_eq!(e.rto(), ms(200), "min RTO");
        e.backoff_rto();
        assert_eq!(e.rto(), ms(400));
        for _ in 0..20 {
            e.backoff_rto();
        }
        assert_eq!(e.rto(), Duration::from_secs(60), "max RTO");
        e.add_measurement(ms(10), 1);
        assert!(e.rto() < ms(300), "a new sample recomputes the RTO");
    }

    #[test]
    fn statistics() {
        let mut e = RttEstimator::new(RttOptions::default());
        for r in [30, 10, 20] {
            e.add_measurement(ms(r), 1);
        }
        assert_eq!(e.min_rtt(), Some(ms(10)));
        assert_eq!(e.max_rtt(), Some(ms(30)));
        assert!(close(e.avg_rtt().unwrap(), ms(20)));
        assert_eq!(e.samples(), 3);
    }
}
