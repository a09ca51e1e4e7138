//! `ndn-fw`: the NDN forwarding core, a deterministic sans-IO state machine.
//!
//! It holds NFD's tables (PIT, FIB, content store, Dead Nonce List, strategy choice,
//! measurements), runs NFD's forwarding pipelines and strategies, and is driven by inputs
//! (packets, time, face changes) while its outputs (packets to send, the next wake-up) are polled.
//! The tokio daemon `ndnd` and the discrete-event simulator `ndnsim` drive the very same code.
//! Nothing here reads a clock, draws OS randomness or does I/O.

pub mod congestion;
pub mod counters;
pub mod face;
pub mod forwarder;
pub mod hint;
pub mod mgmt;
pub mod rng;
pub mod strategy;
pub mod table;

pub use congestion::CongestionMarker;
pub use counters::{DropCounters, ForwarderCounters, NackCounters};
pub use face::{FaceCounters, FaceId, FaceInfo, FacePersistency, FaceScope, LinkType};
pub use forwarder::{
    Event, Forwarder, ForwarderConfig, LinkFields, OutPacket, Transmit, UnsolicitedDataPolicy,
};
pub use mgmt::authorization::{Authorization, AuthorizedKey};
pub use mgmt::rib::RibRoute;
pub use mgmt::{FaceCreateOutcome, FaceCreateRequest};
pub use rng::Rng;
pub use strategy::{Strategy, StrategyError, StrategyKind, StrategyParams};
