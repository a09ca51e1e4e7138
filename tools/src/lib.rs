//! `ndn-tools`: command-line tools for Named Data Networking.
//!
//! Each binary in `src/bin/` is a thin shell (argument parsing, I/O, exit code) over a module
//! here, so the logic is tested without spawning processes.
//!
//! - [`ctl`]: `ndnctl`, which controls a forwarder through the NFD management protocol.
//! - [`dissect`]: `ndn-dissect`, which prints the TLV structure of NDN packets.
//! - [`perf`]: `ndnperf`, a load generator for forwarders.

pub mod ctl;
pub mod dissect;
pub mod perf;
