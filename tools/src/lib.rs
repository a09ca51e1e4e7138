//! `ndn-tools`: command-line tools for Named Data Networking.
//!
//! Each binary in `src/bin/` is a thin shell (argument parsing, I/O, exit code) over a module
//! here, so the logic is tested without spawning processes.
//!
//! - [`dissect`]: `ndn-dissect`, which prints the TLV structure of NDN packets.

pub mod dissect;
