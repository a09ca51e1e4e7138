//! The async client (feature `app`, on by default): a [`Face`] connected to a forwarder over
//! Unix, TCP, UDP or WebSocket, with Interest/Data exchange, prefix registration, and async
//! drivers for the sans-IO [`fetch`](crate::fetch) and [`publish`](crate::publish) state
//! machines. This is the one part of the crate that uses tokio, sockets, the clock and the
//! operating system's random number generator (for Nonces).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ndn::{app::{self, Face}, fetch::FetchOptions, Name};
//! let face = Face::connect().await?; // NDN_CLIENT_TRANSPORT or unix:///run/nfd/nfd.sock
//! let data = face.express(ndn::InterestBuilder::new(Name::from_uri("/example/x")?), None).await?;
//! let bytes = app::fetch(&face, Name::from_uri("/example/file")?, FetchOptions::default())
//!     .read_to_end()
//!     .await?;
//! # let _ = (data, bytes); Ok(()) }
//! ```

mod dispatch;
mod error;
mod face;
mod fetch;
pub mod framing;
mod pending;
mod registration;
mod serve;
mod transport;
pub mod udp_batch;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use error::{
    CLIENT_TRANSPORT_ENV, ConnectError, ControlError, DEFAULT_TRANSPORT, ExpressError, FaceClosed,
};
pub use face::{Face, OutInterest, Reply, client_transport};
pub use fetch::{FetchStreamError, SegmentStream, fetch, fetch_with};
pub use registration::{Registration, Responder};
pub use serve::{FileSource, ServeEnd, ServeError, ServeOptions, serve};

use crate::keychain::{FileKeychain, default_keychain_dir};
use crate::sign::{DigestSha256, Signer};

/// The signer for management commands: the default key of the default keychain
/// (`$NDN_KEYCHAIN_DIR` or `~/.ndn/ndn-rs-keychain`) when there is one, else DigestSha256
/// (NFD-compatible forwarders accept any signed command from a local face).
pub fn default_command_signer() -> Arc<dyn Signer + Send + Sync> {
    let key = default_keychain_dir()
        .and_then(|dir| FileKeychain::open(dir).ok())
        .and_then(|kc| kc.default_signer().ok());
    match key {
        Some(k) => Arc::new(k),
        None => Arc::new(DigestSha256),
    }
}
