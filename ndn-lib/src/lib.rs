//! `ndn`: the Named Data Networking packet library.
//!
//! Wire formats (NDN Packet Format v0.3 and NDNLPv2), names, signatures, keys and NFD management
//! encodings. Everything here is sans-IO: nothing reads the clock, draws operating-system
//! randomness or touches a socket; time and randomness are arguments. The exceptions are
//! [`keychain`], whose [`FileKeychain`](keychain::FileKeychain) keeps keys in a directory and
//! whose `os` helpers read the environment and the OS random number generator for binaries,
//! and `app` (feature `app`, on by default), the async tokio client that drives the sans-IO
//! [`fetch`] and [`publish`] state machines over a connection to a forwarder. Crates that must
//! stay free of tokio (the forwarding core) depend on `ndn` with `default-features = false`.

#[cfg(feature = "app")]
pub mod app;
pub mod face_uri;
pub mod fetch;
pub mod huge_pages;
pub mod keychain;
pub mod lp;
pub mod mgmt;
pub mod name;
pub mod packet;
pub mod publish;
pub mod sign;
pub mod tlv;

pub use name::{Component, Name};
pub use packet::{Data, DataBuilder, Interest, InterestBuilder, Packet};
pub use tlv::DecodeError;
