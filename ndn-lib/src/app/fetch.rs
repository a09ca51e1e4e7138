//! The async driver of the sans-IO [`Fetcher`]: Interests go out through a [`Face`], replies
//! and timers come back in, segments come out in order.

use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::error::ExpressError;
use super::face::{Face, random_u32};
use crate::fetch::{FetchError, FetchOptions, FetchStats, Fetcher, OutgoingInterest};
use crate::lp::NackReason;
use crate::name::Name;
use crate::packet::{Data, Interest};

/// Why a [`SegmentStream`] ended early.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchStreamError {
    /// The fetch failed.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The connection to the forwarder closed.
    #[error("the connection to the forwarder is closed")]
    Closed,
}

enum Event {
    Data(Data, bool),
    Nack(Name, Option<u32>, NackReason),
    Closed,
}

/// Fetch `name` through `face` (version discovery, then all segments), with Nonces drawn from
/// the operating system's random number generator.
pub fn fetch(face: &Face, name: Name, mut opts: FetchOptions) -> SegmentStream {
    opts.nonce_seed = (u64::from(random_u32()) << 32) | u64::from(random_u32());
    fetch_with(face, Fetcher::new(name, opts))
}

/// Drive an already configured fetcher (e.g. one with a Data check) through `face`.
pub fn fetch_with(face: &Face, fetcher: Fetcher) -> SegmentStream {
    let (tx, rx) = mpsc::unbounded_channel();
    SegmentStream {
        face: face.clone(),
        fetcher,
        start: Instant::now(),
        tx,
        rx,
        finished: false,
    }
}

/// Segments of one object, in order. Call [`next`](Self::next) until it returns `None`.
#[derive(Debug)]
pub struct SegmentStream {
    face: Face,
    fetcher: Fetcher,
    start: Instant,
    tx: mpsc::UnboundedSender<Event>,
    rx: mpsc::UnboundedReceiver<Event>,
    finished: bool,
}

impl SegmentStream {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn send(&self, out: OutgoingInterest) {
        let Ok(interest) = Interest::decode(out.encode()) else {
            return;
        };
        let tx = self.tx.clone();
        let (name, nonce) = (out.name.clone(), Some(out.nonce));
        self.face.submit(
            interest,
            out.lifetime,
            Box::new(move |r| {
                let ev = match r {
                    Ok(reply) => Event::Data(reply.data, reply.congestion_mark > 0),
                    Err(ExpressError::Nack(reason)) => Event::Nack(name, nonce, reason),
                    Err(ExpressError::Closed) => Event::Closed,
                    // the fetcher runs its own retransmission timers
                    Err(_) => return,
                };
                let _ = tx.send(ev);
            }),
        );
    }

    /// The next segment: `(segment number, content)`; `None` when all have been returned or
    /// after an error was returned.
    pub async fn next(&mut self) -> Option<Result<(u64, Bytes), FetchStreamError>> {
        loop {
            if self.finished {
                return None;
            }
            let now = self.now();
            while let Some(out) = self.fetcher.poll_interest(now) {
                self.send(out);
            }
            if let Some(seg) = self.fetcher.poll_segment() {
                return Some(Ok(seg));
            }
            if self.fetcher.is_done() {
                self.finished = true;
                return None;
            }
            if let Some(e) = self.fetcher.error() {
                self.finished = true;
                return Some(Err(e.clone().into()));
            }
            let timer = self.fetcher.poll_timeout().map(|t| self.start + t);
            let wake = timer.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                // what has arrived is taken before timers fire
                biased;
                ev = self.rx.recv() => {
                    if !self.handle_event(ev) {
                        return Some(Err(FetchStreamError::Closed));
                    }
                }
                _ = tokio::time::sleep_until(wake), if timer.is_some() => {
                    // Data that arrived before the deadline may still wait in the face's
                    // queues (a busy consumer reads them late): let it through first, so a
                    // slow consumer is not mistaken for a lossy network
                    tokio::task::yield_now().await;
                    while let Ok(ev) = self.rx.try_recv() {
                        if !self.handle_event(Some(ev)) {
                            return Some(Err(FetchStreamError::Closed));
                        }
                    }
                    let now = self.now();
                    self.fetcher.handle_timeout(now);
                }
            }
        }
    }

    /// Feed one event to the fetcher; false when the connection closed.
    fn handle_event(&mut self, ev: Option<Event>) -> bool {
        let now = self.now();
        match ev {
            Some(Event::Data(d, marked)) => {
                // unsolicited or duplicate Data is simply not taken
                let _ = self.fetcher.handle_data(now, &d, marked);
            }
            Some(Event::Nack(n, nonce, reason)) => {
                self.fetcher.handle_nack(now, &n, nonce, reason);
            }
            Some(Event::Closed) | None => {
                self.finished = true;
                return false;
            }
        }
        true
    }

    /// Fetch everything into memory.
    pub async fn read_to_end(mut self) -> Result<Vec<u8>, FetchStreamError> {
        let mut out = Vec::new();
        while let Some(seg) = self.next().await {
            out.extend_from_slice(&seg?.1);
        }
        Ok(out)
    }

    /// The underlying fetcher (versioned name, window, RTO).
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// Counters so far.
    pub fn stats(&self) -> FetchStats {
        self.fetcher.stats()
    }
}
