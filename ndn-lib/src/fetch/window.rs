//! Interest windows of the segment fetcher, as ndnget's pipelines define them: a fixed window,
//! AIMD (additive increase, multiplicative decrease) and CUBIC. The adaptive windows start in
//! slow start (+1 segment per Data) below the slow-start threshold; a decrease is requested by
//! the pipeline at most once per RTT (conservative window adaptation).

use std::time::Duration;

/// The cubic scaling constant C of TCP CUBIC (RFC 9438 section 5.1), as ndnget uses it.
pub const CUBIC_C: f64 = 0.4;

/// The smallest slow-start threshold AIMD reduces to (RFC 5681 section 3.1).
pub const AIMD_MIN_SSTHRESH: f64 = 2.0;

/// Which window algorithm a fetch uses, with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PipelineKind {
    /// A fixed number of Interests in flight (ndnget `--pipeline-type fixed --pipeline-size N`).
    /// Each segment is retried on Interest lifetime expiry, like ndnget's `DataFetcher`.
    Fixed {
        /// Interests in flight (ndnget default 1).
        window: usize,
    },
    /// Additive increase, multiplicative decrease (ndnget `--pipeline-type aimd`).
    Aimd {
        /// Additive increase per window in congestion avoidance (ndnget `--aimd-step`, 1).
        ai_step: f64,
        /// Multiplicative decrease factor (ndnget `--aimd-beta`, 0.5).
        md_coef: f64,
        /// On a decrease, go back to the initial window instead of ssthresh
        /// (ndnget `--reset-cwnd-to-init`).
        reset_to_initial: bool,
    },
    /// TCP CUBIC window growth (ndnget `--pipeline-type cubic`, its default).
    Cubic {
        /// Multiplicative decrease factor (ndnget `--cubic-beta`, 0.7).
        beta: f64,
        /// Fast convergence: release bandwidth sooner when the window shrinks between two
        /// losses (ndnget `--fast-conv`, off by default).
        fast_convergence: bool,
    },
}

impl PipelineKind {
    /// A fixed window of `window` Interests.
    pub fn fixed(window: usize) -> Self {
        PipelineKind::Fixed { window }
    }

    /// AIMD with ndnget's defaults (step 1, decrease 0.5, reset to ssthresh).
    pub fn aimd() -> Self {
        PipelineKind::Aimd {
            ai_step: 1.0,
            md_coef: 0.5,
            reset_to_initial: false,
        }
    }

    /// CUBIC with ndnget's defaults (beta 0.7, no fast convergence).
    pub fn cubic() -> Self {
        PipelineKind::Cubic {
            beta: 0.7,
            fast_convergence: false,
        }
    }

    /// True for AIMD and CUBIC.
    pub fn is_adaptive(&self) -> bool {
        !matches!(self, PipelineKind::Fixed { .. })
    }
}

impl Default for PipelineKind {
    fn default() -> Self {
        PipelineKind::cubic()
    }
}

/// The congestion window of one fetch.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    kind: PipelineKind,
    init_cwnd: f64,
    cwnd: f64,
    ssthresh: f64,
    /// CUBIC: window before the last decrease (W_max).
    wmax: f64,
    /// CUBIC: W_max before the last decrease (for fast convergence).
    last_wmax: f64,
    /// CUBIC: time of the last decrease (or of the start).
    last_decrease: Duration,
    /// Upper bound of `cwnd` (AIMD, CUBIC).
    max_cwnd: f64,
}

impl Window {
    pub(crate) fn new(kind: PipelineKind, init_cwnd: f64, init_ssthresh: f64) -> Self {
        let cwnd = match kind {
            PipelineKind::Fixed { window } => window.max(1) as f64,
            _ => init_cwnd.max(1.0),
        };
        Window {
            kind,
            init_cwnd: init_cwnd.max(1.0),
            cwnd,
            ssthresh: init_ssthresh,
            wmax: 0.0,
            last_wmax: 0.0,
            last_decrease: Duration::ZERO,
            max_cwnd: f64::INFINITY,
        }
    }

    /// Never grow past `max` segments (at least the initial window).
    pub(crate) fn set_max(&mut self, max: f64) {
        self.max_cwnd = max.max(self.init_cwnd);
        self.cwnd = self.cwnd.min(self.max_cwnd);
    }

    /// Restart the CUBIC epoch clock (when the pipeline starts).
    pub(crate) fn start(&mut self, now: Duration) {
        self.last_decrease = now;
    }

    pub(crate) fn kind(&self) -> &PipelineKind {
        &self.kind
    }

    /// Whole Interests the window allows in flight.
    pub(crate) fn size(&self) -> usize {
        self.cwnd.floor().max(1.0) as usize
    }

    pub(crate) fn cwnd(&self) -> f64 {
        self.cwnd
    }

    pub(crate) fn ssthresh(&self) -> f64 {
        self.ssthresh
    }

    /// Grow after a Data without congestion mark.
    pub(crate) fn increase(&mut self, now: Duration, srtt: Option<Duration>) {
        self.grow(now, srtt);
        self.cwnd = self.cwnd.min(self.max_cwnd);
    }

    fn grow(&mut self, now: Duration, srtt: Option<Duration>) {
        match self.kind {
            PipelineKind::Fixed { .. } => {}
            PipelineKind::Aimd { ai_step, .. } => {
                if self.cwnd < self.ssthresh {
                    self.cwnd += ai_step;
                } else {
                    self.cwnd += ai_step / self.cwnd.floor().max(1.0);
                }
            }
            PipelineKind::Cubic { beta, .. } => {
                if self.cwnd < self.ssthresh {
                    self.cwnd += 1.0;
                    return;
                }
                if self.wmax < self.init_cwnd {
                    self.wmax = self.cwnd;
                }
                // time since the last decrease, in seconds
                let t = now.saturating_sub(self.last_decrease).as_secs_f64();
                // K: time to grow back to W_max (RFC 9438 eq. 2)
                let k = (self.wmax * (1.0 - beta) / CUBIC_C).cbrt();
                // W_cubic(t) = C (t - K)^3 + W_max (eq. 1)
                let w_cubic = CUBIC_C * (t - k).powi(3) + self.wmax;
                // Reno-friendly estimate (eq. 4)
                let w_est = match srtt.map(|r| r.as_secs_f64()).filter(|r| *r > 0.0) {
                    Some(rtt) => self.wmax * beta + (3.0 * (1.0 - beta) / (1.0 + beta)) * (t / rtt),
                    None => self.wmax * beta,
                };
                let increment = (w_cubic.max(w_est) - self.cwnd).max(0.0);
                self.cwnd += increment / self.cwnd;
            }
        }
    }

    /// Shrink after a loss or a congestion mark.
    pub(crate) fn decrease(&mut self, now: Duration) {
        match self.kind {
            PipelineKind::Fixed { .. } => {}
            PipelineKind::Aimd {
                md_coef,
                reset_to_initial,
                ..
            } => {
                self.ssthresh = (self.cwnd * md_coef).max(AIMD_MIN_SSTHRESH);
                self.cwnd = if reset_to_initial {
                    self.init_cwnd
                } else {
                    self.ssthresh
                };
            }
            PipelineKind::Cubic {
                beta,
                fast_convergence,
            } => {
                if fast_convergence && self.cwnd < self.last_wmax {
                    self.last_wmax = self.cwnd;
                    self.wmax = self.cwnd * (1.0 + beta) / 2.0;
                } else {
                    self.last_wmax = self.cwnd;
                    self.wmax = self.cwnd;
                }
                self.ssthresh = (self.cwnd * beta).max(self.init_cwnd);
                self.cwnd = self.ssthresh;
                self.last_decrease = now;
            }
        }
    }

    #[cfg(test)]
    pub(crate) fn wmax(&self) -> f64 {
        self.wmax
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Duration = Duration::from_secs(1);

    #[test]
    fn fixed_window_never_changes() {
        let mut w = Window::new(PipelineKind::fixed(4), 2.0, f64::INFINITY);
        w.increase(NOW, None);
        w.decrease(NOW);
        assert_eq!(w.size(), 4);
    }

    #[test]
    fn aimd_slow_start_then_congestion_avoidance() {
        let mut w = Window::new(PipelineKind::aimd(), 2.0, 4.0);
        w.increase(NOW, None);
        w.increase(NOW, None);
        assert_eq!(w.cwnd(), 4.0, "slow start adds one per Data");
        w.increase(NOW, None);
        assert_eq!(w.cwnd(), 4.25, "congestion avoidance adds step/floor(cwnd)");
    }

    #[test]
    fn aimd_halves_with_floor_of_two() {
        let mut w = Window::new(PipelineKind::aimd(), 2.0, f64::INFINITY);
        for _ in 0..8 {
            w.increase(NOW, None);
        }
        assert_eq!(w.cwnd(), 10.0);
        w.decrease(NOW);
        assert_eq!((w.cwnd(), w.ssthresh()), (5.0, 5.0));
        w.decrease(NOW);
        w.decrease(NOW);
        assert_eq!(w.cwnd(), 2.0, "ssthresh never below 2");
    }

    #[test]
    fn aimd_reset_to_initial() {
        let kind = PipelineKind::Aimd {
            ai_step: 1.0,
            md_coef: 0.5,
            reset_to_initial: true,
        };
        let mut w = Window::new(kind, 3.0, f64::INFINITY);
        for _ in 0..7 {
            w.increase(NOW, None);
        }
        w.decrease(NOW);
        assert_eq!((w.cwnd(), w.ssthresh()), (3.0, 5.0));
    }

    #[test]
    fn cubic_decrease_by_beta_and_regrow_to_wmax() {
        let mut w = Window::new(PipelineKind::cubic(), 2.0, f64::INFINITY);
        for _ in 0..18 {
            w.increase(NOW, None);
        }
        assert_eq!(w.cwnd(), 20.0);
        w.decrease(NOW);
        assert!((w.cwnd() - 14.0).abs() < 1e-9);
        assert_eq!(w.wmax(), 20.0);
        // K = cbrt(20 * 0.3 / 0.4) = cbrt(15) ~ 2.47 s: the window is back near W_max then
        // a long RTT keeps the Reno-friendly estimate below the cubic curve
        let rtt = Some(Duration::from_secs(1));
        let mut t = NOW;
        let step = Duration::from_millis(10);
        while t < NOW + Duration::from_millis(2466) {
            t += step;
            w.increase(t, rtt);
        }
        assert!(w.cwnd() > 17.0 && w.cwnd() <= 20.0, "cwnd {}", w.cwnd());
        // and it keeps growing beyond W_max afterwards
        for _ in 0..300 {
            t += step;
            w.increase(t, rtt);
        }
        assert!(w.cwnd() > 20.5, "cwnd {}", w.cwnd());
    }

    #[test]
    fn cubic_fast_convergence_lowers_wmax() {
        let kind = PipelineKind::Cubic {
            beta: 0.7,
            fast_convergence: true,
        };
        let mut w = Window::new(kind, 2.0, f64::INFINITY);
        for _ in 0..18 {
            w.increase(NOW, None);
        }
        w.decrease(NOW); // cwnd 14, wmax 20
        w.decrease(NOW); // 14 < last_wmax 20: wmax = 14 * 1.7 / 2
        assert!((w.wmax() - 11.9).abs() < 1e-9);
        let mut plain = Window::new(PipelineKind::cubic(), 2.0, f64::INFINITY);
        for _ in 0..18 {
            plain.increase(NOW, None);
        }
        plain.decrease(NOW);
        plain.decrease(NOW);
        assert!((plain.wmax() - 14.0).abs() < 1e-9);
    }

    #[test]
    fn the_window_stops_at_its_maximum() {
        for kind in [PipelineKind::cubic(), PipelineKind::aimd()] {
            let mut w = Window::new(kind, 2.0, f64::INFINITY);
            w.set_max(10.0);
            for _ in 0..100 {
                w.increase(NOW, None);
            }
            assert_eq!(w.cwnd(), 10.0, "{kind:?}");
            w.decrease(NOW);
            assert!(w.cwnd() < 10.0);
        }
        let mut w = Window::new(PipelineKind::cubic(), 4.0, f64::INFINITY);
        w.set_max(1.0);
        assert_eq!(w.cwnd(), 4.0, "never below the initial window");
    }

    #[test]
    fn cubic_floor_is_initial_window() {
        let mut w = Window::new(PipelineKind::cubic(), 2.0, f64::INFINITY);
        for _ in 0..10 {
            w.decrease(NOW);
        }
        assert_eq!(w.cwnd(), 2.0);
    }
}
