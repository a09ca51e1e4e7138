//! `ndn-tools`: command-line tools for Named Data Networking.
//!
//! Each binary in `src/bin/` is a thin shell (argument parsing, I/O, exit code) over a module
//! here, so the logic is tested without spawning processes.
//!
//! - [`ctl`]: `ndnctl`, which controls a forwarder through the NFD management protocol.
//! - [`dissect`]: `ndn-dissect`, which prints the TLV structure of NDN packets.
//! - [`perf`]: `ndnperf`, a load generator for forwarders.
//! - [`put`], [`get`]: `ndnput` and `ndnget`, publishing and fetching segmented objects.
//! - [`ping`]: `ndnping` and `ndnpingserver` (ndn-tools' ndnping protocol).
//! - [`peek`]: `ndnpeek` and `ndnpoke`, one Interest and one Data.
//! - [`keytool`]: `ndnkey`, the keychain.
//! - [`signing`], [`trust`], [`keychain`], [`cli`]: what the tools share.

pub mod cli;
pub mod ctl;
pub mod dissect;
pub mod get;
pub mod keychain;
pub mod keytool;
pub mod peek;
pub mod perf;
pub mod ping;
pub mod put;
pub mod signing;
pub mod trust;
