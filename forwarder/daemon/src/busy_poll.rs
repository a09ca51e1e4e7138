//! Adaptive busy polling: how long the forwarding task keeps looking for packets before it lets
//! its thread sleep.
//!
//! Waking a sleeping thread costs tens of microseconds on a virtual machine (the idle vCPU has
//! to be woken as well), and at a hundred thousand packets per second those wake-ups, not the
//! forwarding, bound the rate. So after handling packets the task polls for the next ones (the
//! runtime checks the sockets without blocking, and other processes on the core get their
//! turn) for a window, and sleeps only when that window passes empty. The window adapts to
//! the traffic the way Linux's KVM halt polling does: when packets come later than the window
//! but within the bound, it doubles (a longer window would have caught them); when they come
//! later than the bound, it halves, down to nothing. A daemon that sees a packet now and then
//! therefore does not poll at all; one under load polls between packets.

use std::time::Duration;

/// The first window after none.
const START: Duration = Duration::from_micros(10);

/// The current busy-poll window and its bound.
#[derive(Debug, Clone)]
pub struct BusyPoll {
    max: Duration,
    window: Duration,
}

impl BusyPoll {
    /// Windows of at most `max` (zero: never poll).
    pub fn new(max: Duration) -> BusyPoll {
        BusyPoll {
            max,
            window: Duration::ZERO,
        }
    }

    /// How long to poll before sleeping, now.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Packets came after a wait of `waited` (polling, then sleeping if the window passed):
    /// within the window, it stays; later but within the bound, a longer window would have
    /// caught them, so it doubles; beyond the bound, polling would only have burnt time, so
    /// it halves (and stops below the smallest window).
    pub fn after_wait(&mut self, waited: Duration) {
        if waited <= self.window {
            return;
        }
        if waited <= self.max {
            self.grow();
        } else {
            self.shrink();
        }
    }

    fn grow(&mut self) {
        self.window = (self.window * 2).max(START).min(self.max);
    }

    fn shrink(&mut self) {
        self.window /= 2;
        if self.window < START {
            self.window = Duration::ZERO;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: Duration = Duration::from_micros(500);

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn the_window_grows_under_load_up_to_the_bound() {
        let mut p = BusyPoll::new(MAX);
        assert_eq!(p.window(), Duration::ZERO);
        // packets 30 us apart, caught only after sleeping: the window grows until it covers them
        for expected in [10, 20, 40] {
            p.after_wait(us(30));
            assert_eq!(p.window(), us(expected));
        }
        // now polling catches them: the window stays
        p.after_wait(us(30));
        assert_eq!(p.window(), us(40));
        // longer gaps, still within the bound: it grows up to the bound and no further
        for _ in 0..10 {
            p.after_wait(us(450));
        }
        assert_eq!(p.window(), MAX);
    }

    #[test]
    fn sparse_traffic_turns_polling_off() {
        let mut p = BusyPoll::new(MAX);
        for _ in 0..10 {
            p.after_wait(us(400));
        }
        assert_eq!(p.window(), MAX);
        // a packet every few milliseconds: halve each time, then nothing
        p.after_wait(us(3000));
        assert_eq!(p.window(), MAX / 2);
        for _ in 0..10 {
            p.after_wait(us(3000));
        }
        assert_eq!(p.window(), Duration::ZERO);
    }

    #[test]
    fn a_zero_bound_never_polls() {
        let mut p = BusyPoll::new(Duration::ZERO);
        for w in [0, 5, 50] {
            p.after_wait(us(w));
            assert_eq!(p.window(), Duration::ZERO);
        }
    }
}
