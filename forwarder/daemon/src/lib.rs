//! `ndnd`: the NDN forwarding daemon. A tokio driver of the sans-IO `ndn-fw` core with NFD's
//! faces (Unix, UDP, TCP, WebSocket), the NDNLPv2 link service, NFD-compatible management,
//! a TOML configuration and a Prometheus endpoint.

pub mod busy_poll;
pub mod config;
pub mod create;
pub mod daemon;
pub mod face;
pub mod forwarding;
pub mod link;
pub mod metrics;
pub mod nfd_conf;
pub mod settings;

pub use config::Config;
pub use daemon::{Daemon, StartError};

use std::time::Duration;

/// The daemon's time origin: the core sees time as a duration since it.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: tokio::time::Instant,
}

impl Clock {
    /// A clock starting now.
    pub fn new() -> Self {
        Clock {
            start: tokio::time::Instant::now(),
        }
    }

    /// Time since the origin.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// The instant a core time corresponds to.
    pub fn instant_at(&self, t: Duration) -> tokio::time::Instant {
        self.start + t
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}
