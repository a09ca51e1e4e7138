//! Errors of the async client. Each prints as one line a user can act on.

use crate::lp::NackReason;
use crate::tlv::DecodeError;

/// The environment variable that names the forwarder to connect to (as in ndn-cxx and
/// python-ndn).
pub const CLIENT_TRANSPORT_ENV: &str = "NDN_CLIENT_TRANSPORT";

/// The forwarder socket used when [`CLIENT_TRANSPORT_ENV`] is not set.
pub const DEFAULT_TRANSPORT: &str = "unix:///run/nfd/nfd.sock";

/// Why [`Face::connect`](super::Face::connect) failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError {
    /// Nothing accepts connections at the URI (refused, or no socket file).
    #[error(
        "no forwarder is listening on {uri}; start one with `ndnd`, or set NDN_CLIENT_TRANSPORT"
    )]
    NoForwarder {
        /// The URI tried.
        uri: String,
    },
    /// `NDN_CLIENT_TRANSPORT` (or the given text) is not a face URI.
    #[error(
        "{value:?} is not a forwarder URI ({reason}); use e.g. unix:///run/nfd/nfd.sock or tcp4://127.0.0.1:6363"
    )]
    BadUri {
        /// The text.
        value: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The scheme is not one a client connects with.
    #[error("cannot connect to {uri}: use a unix://, tcp://, udp:// or ws:// URI")]
    Unsupported {
        /// The URI.
        uri: String,
    },
    /// Another I/O error.
    #[error("cannot connect to {uri}: {source}")]
    Io {
        /// The URI tried.
        uri: String,
        /// The error.
        source: std::io::Error,
    },
    /// The WebSocket handshake failed.
    #[error("cannot connect to {uri}: WebSocket handshake failed: {reason}")]
    WebSocket {
        /// The URI tried.
        uri: String,
        /// The handshake error.
        reason: String,
    },
}

impl ConnectError {
    pub(crate) fn from_io(uri: String, source: std::io::Error) -> ConnectError {
        use std::io::ErrorKind;
        match source.kind() {
            ErrorKind::ConnectionRefused | ErrorKind::NotFound => ConnectError::NoForwarder { uri },
            _ => ConnectError::Io { uri, source },
        }
    }
}

/// Why an expressed Interest got no Data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExpressError {
    /// No Data before the timeout.
    #[error("timeout")]
    Timeout,
    /// The forwarder returned a Nack.
    #[error("Nack ({0})")]
    Nack(NackReason),
    /// The connection to the forwarder is closed.
    #[error("the connection to the forwarder is closed")]
    Closed,
    /// The Interest given does not decode.
    #[error("invalid Interest: {0}")]
    InvalidInterest(DecodeError),
}

/// The connection to the forwarder is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the connection to the forwarder is closed")]
pub struct FaceClosed;

/// Why a management command (e.g. `rib/register`) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    /// The command got no answer.
    #[error("{command}: {error}")]
    Express {
        /// The command, e.g. `rib/register /example`.
        command: String,
        /// What happened to the command Interest.
        error: ExpressError,
    },
    /// The forwarder refused.
    #[error("{command}: the forwarder answered {code} {text}")]
    Refused {
        /// The command.
        command: String,
        /// ControlResponse StatusCode.
        code: u32,
        /// ControlResponse StatusText.
        text: String,
        /// The ControlParameters the response carried, if any (a 409 to `faces/create` names
        /// the face that exists).
        body: Option<Box<crate::mgmt::ControlParameters>>,
    },
    /// The answer is not a ControlResponse.
    #[error("{command}: malformed ControlResponse: {error}")]
    BadResponse {
        /// The command.
        command: String,
        /// The decoding error.
        error: DecodeError,
    },
    /// Signing the command failed.
    #[error("{command}: signing the command failed: {reason}")]
    Sign {
        /// The command.
        command: String,
        /// The signer's error.
        reason: String,
    },
}
