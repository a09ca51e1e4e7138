//! Applications attached to nodes through local faces: consumers that send Interests and
//! producers that answer with Data. They speak real encoded packets, are driven by the engine
//! like the forwarder core (inputs in, outputs and the next wake-up polled) and draw randomness
//! from their own seeded RNG.

pub mod consumer;
pub mod producer;
pub mod publisher;
mod signer;
pub mod window;

use bytes::Bytes;
use ndn::lp::NackReason;
use ndn_fw::OutPacket;

use crate::units::SimTime;

pub use consumer::{Consumer, ConsumerConfig, ConsumerStats, Randomize, RequestPattern};
pub use producer::{Producer, ProducerConfig, ProducerStats};
pub use publisher::{PublisherConfig, PublisherStats, SegmentProducer};
pub use signer::SignatureKind;
pub use window::{WindowConsumer, WindowConsumerConfig, WindowStats};

/// One satisfied request, as ndnSIM's AppDelayTracer reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayRecord {
    /// When the Data arrived.
    pub time: SimTime,
    /// Sequence number (or content index) of the request.
    pub seq: u64,
    /// Time since the last transmission of the Interest.
    pub last_delay: SimTime,
    /// Time since the first transmission of the Interest.
    pub full_delay: SimTime,
    /// Retransmissions before the Data came.
    pub retx: u32,
}

/// What an application hands back to the engine while handling an input.
#[derive(Debug, Default)]
pub struct AppOutput {
    /// Packets (Interest or Data wires) to give the forwarder on the application's face.
    pub packets: Vec<Bytes>,
    /// Nacks (the Interest wire and a reason) to give the forwarder.
    pub nacks: Vec<(Bytes, NackReason)>,
    /// Satisfied requests.
    pub delays: Vec<DelayRecord>,
}

/// An application of any kind. Consumers, the most common kind and the busiest, are kept
/// inline rather than boxed: the event loop reaches them without another pointer.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum App {
    /// Consumer at a constant (or randomised) rate, sequential or Zipf-Mandelbrot names.
    Consumer(Consumer),
    /// Producer.
    Producer(Producer),
    /// Window consumer: the segment fetcher of ndnget.
    Window(WindowConsumer),
    /// Segmented producer: the segment publisher of ndnput.
    Publisher(SegmentProducer),
}

impl App {
    /// Called once at the start of the run.
    pub fn start(&mut self, now: SimTime, out: &mut AppOutput) {
        match self {
            App::Consumer(c) => c.start(now, out),
            App::Producer(_) | App::Publisher(_) => {}
            App::Window(w) => w.start(now, out),
        }
    }

    /// The forwarder sent a packet to the application, congestion-marked or not (only a
    /// window consumer reacts to marks, as ndnget does).
    pub fn on_packet(
        &mut self,
        now: SimTime,
        packet: &OutPacket,
        marked: bool,
        out: &mut AppOutput,
    ) {
        match self {
            App::Consumer(c) => c.on_packet(now, packet, out),
            App::Producer(p) => p.on_packet(now, packet, out),
            App::Window(w) => w.on_packet(now, packet, marked, out),
            App::Publisher(p) => p.on_packet(now, packet, out),
        }
    }

    /// Time has come (see [`App::poll_timeout`]).
    pub fn on_timeout(&mut self, now: SimTime, out: &mut AppOutput) {
        match self {
            App::Consumer(c) => c.on_timeout(now, out),
            App::Producer(_) | App::Publisher(_) => {}
            App::Window(w) => w.on_timeout(now, out),
        }
    }

    /// When the application next wants [`App::on_timeout`].
    pub fn poll_timeout(&self) -> Option<SimTime> {
        match self {
            App::Consumer(c) => c.poll_timeout(),
            App::Producer(_) | App::Publisher(_) => None,
            App::Window(w) => w.poll_timeout(),
        }
    }

    /// Short kind name for reports.
    pub fn kind(&self) -> &'static str {
        match self {
            App::Consumer(c) => c.kind(),
            App::Producer(_) => "producer",
            App::Window(_) => "consumer-window",
            App::Publisher(_) => "publisher",
        }
    }

    /// The name prefix the application works under.
    pub fn prefix(&self) -> &ndn::Name {
        match self {
            App::Consumer(c) => &c.config().prefix,
            App::Producer(p) => &p.config().prefix,
            App::Window(w) => &w.config().prefix,
            App::Publisher(p) => &p.config().prefix,
        }
    }

    /// The prefix a producing application serves (registered on its face and used as a
    /// routing origin).
    pub fn served_prefix(&self) -> Option<&ndn::Name> {
        match self {
            App::Producer(p) => Some(&p.config().prefix),
            App::Publisher(p) => Some(&p.config().prefix),
            App::Consumer(_) | App::Window(_) => None,
        }
    }

    /// True for applications that answer Interests.
    pub fn is_producer(&self) -> bool {
        self.served_prefix().is_some()
    }
}

/// An RTT estimator after RFC 6298 (the role ns-3's RttEstimator plays in ndnSIM's consumers):
/// initial RTO 1 s, minimum 200 ms, exponential back-off up to 64 times on timeouts.
#[derive(Debug, Clone, Copy)]
pub struct RttEstimator {
    srtt: Option<f64>,
    rttvar: f64,
    multiplier: u32,
}

impl Default for RttEstimator {
    fn default() -> Self {
        RttEstimator {
            srtt: None,
            rttvar: 0.0,
            multiplier: 1,
        }
    }
}

impl RttEstimator {
    const INITIAL_RTO: f64 = 1e9;
    const MIN_RTO: f64 = 200e6;
    const MAX_MULTIPLIER: u32 = 64;

    /// A measured round trip (of an Interest that was not retransmitted).
    pub fn sample(&mut self, rtt: SimTime) {
        let r = rtt as f64;
        match self.srtt {
            None => {
                self.srtt = Some(r);
                self.rttvar = r / 2.0;
            }
            Some(s) => {
                self.rttvar = 0.75 * self.rttvar + 0.25 * (s - r).abs();
                self.srtt = Some(0.875 * s + 0.125 * r);
            }
        }
        self.multiplier = 1;
    }

    /// A timeout: back off.
    pub fn back_off(&mut self) {
        self.multiplier = (self.multiplier * 2).min(Self::MAX_MULTIPLIER);
    }

    /// Current retransmission timeout.
    pub fn rto(&self) -> SimTime {
        let base = match self.srtt {
            None => Self::INITIAL_RTO,
            Some(s) => (s + 4.0 * self.rttvar).max(Self::MIN_RTO),
        };
        (base * f64::from(self.multiplier)) as SimTime
    }

    /// Smoothed RTT, once measured.
    pub fn srtt(&self) -> Option<SimTime> {
        self.srtt.map(|s| s as SimTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rto_follows_rfc6298() {
        let mut r = RttEstimator::default();
        assert_eq!(r.rto(), 1_000_000_000);
        r.sample(100_000_000);
        // srtt 100 ms, rttvar 50 ms: 300 ms
        assert_eq!(r.rto(), 300_000_000);
        r.back_off();
        assert_eq!(r.rto(), 600_000_000);
        r.sample(100_000_000);
        // rttvar 37.5 ms: 250 ms
        assert_eq!(r.rto(), 250_000_000);
        let mut fast = RttEstimator::default();
        fast.sample(1_000_000);
        assert_eq!(fast.rto(), 200_000_000);
    }
}
