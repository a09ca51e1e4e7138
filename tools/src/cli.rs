//! What every tool shares: the exit status and the one-line error, the async runtime, the
//! connection to the forwarder, names and the clock.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use ndn::Name;
use ndn::app::Face;

/// Exit status of a failed run when nothing more specific applies.
pub const EXIT_FAILURE: u8 = 1;
/// Exit status for a bad argument (as the argument parser's own errors).
pub const EXIT_USAGE: u8 = 2;
/// Exit status when no Data came back before the timeout (as ndnpeek does).
pub const EXIT_TIMEOUT: u8 = 3;
/// Exit status when a Nack came back (as ndnpeek does).
pub const EXIT_NACK: u8 = 4;

/// An error that asks for a particular exit status.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CodedError {
    /// The exit status.
    pub code: u8,
    /// The one-line message.
    pub message: String,
}

impl CodedError {
    /// An error with exit status `code`.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        CodedError {
            code,
            message: message.into(),
        }
    }
}

/// The exit status for `result`, printing an error as one line `TOOL: error: ...` on stderr.
pub fn finish(tool: &str, result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{tool}: error: {e:#}");
            let code = e
                .downcast_ref::<CodedError>()
                .map_or(EXIT_FAILURE, |c| c.code);
            ExitCode::from(code)
        }
    }
}

/// The tokio runtime the tools run on: one thread, so the face's tasks and the tool's loop
/// hand packets to each other without crossing threads (the forwarder and the other end of
/// a transfer get the remaining cores; a two-worker runtime measured slower for ndnput and
/// ndnget on the 2-core test machine).
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Connect to the forwarder named by `NDN_CLIENT_TRANSPORT` (or the default socket).
pub async fn connect() -> anyhow::Result<Face> {
    Ok(Face::connect().await?)
}

/// Parse an NDN name URI given as an argument, naming it in the error (a bad argument:
/// exit status [`EXIT_USAGE`]).
pub fn parse_name(text: &str) -> anyhow::Result<Name> {
    Name::from_uri(text).map_err(|e| {
        CodedError::new(EXIT_USAGE, format!("{text:?} is not an NDN name: {e}")).into()
    })
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Seconds since the Unix epoch.
pub fn unix_secs() -> u64 {
    unix_ms() / 1000
}

/// `ms` milliseconds.
pub fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A random 64-bit number from the operating system.
pub fn random_u64() -> anyhow::Result<u64> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("no randomness from the OS: {e}"))?;
    Ok(u64::from_le_bytes(b))
}

/// Parse hexadecimal text (whitespace ignored), naming `what` in the error.
pub fn parse_hex(text: &str, what: &str) -> anyhow::Result<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(&compact).map_err(|e| anyhow::anyhow!("{what}: not hexadecimal: {e}"))
}

/// Make sure every packet this face has queued reached the forwarder: a round trip through
/// it (an Interest for the forwarder's general status) comes back only after the forwarder
/// read everything queued before it, since the connection keeps order. A forwarder that does
/// not answer is waited for at most one second.
pub async fn flush(face: &Face) {
    let Ok(name) = Name::from_uri("/localhost/nfd/status/general") else {
        return;
    };
    let interest = ndn::InterestBuilder::new(name)
        .can_be_prefix(true)
        .must_be_fresh(true)
        .lifetime_ms(1000);
    let _ = face.express(interest, Some(Duration::from_secs(1))).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coded_errors_pick_the_exit_status() {
        let e: anyhow::Error = CodedError::new(EXIT_TIMEOUT, "timeout").into();
        assert_eq!(e.downcast_ref::<CodedError>().map(|c| c.code), Some(3));
        assert_eq!(finish("t", Ok(())), ExitCode::SUCCESS);
    }

    #[test]
    fn hex_and_names_are_checked() {
        assert_eq!(parse_hex("01 ab\nCD", "x").unwrap(), vec![1, 0xab, 0xcd]);
        assert!(parse_hex("0g", "x").unwrap_err().to_string().contains("x:"));
        assert_eq!(parse_name("/a/b").unwrap().len(), 2);
        let bad = parse_name("/a/%zz").unwrap_err();
        assert_eq!(
            bad.downcast_ref::<CodedError>().map(|c| c.code),
            Some(EXIT_USAGE)
        );
    }
}
