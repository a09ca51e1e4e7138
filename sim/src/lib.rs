//! `ndn-sim`: a deterministic discrete-event simulator of NDN networks that runs the real
//! forwarding core (`ndn-fw`), one instance per node.
//!
//! - [`engine`]: the event loop over virtual time (a binary heap of (time, sequence, event)).
//! - [`link`]: point-to-point and broadcast channels with delay, bandwidth, drop-tail queues,
//!   random loss, MTU with NDNLPv2 fragmentation, and up/down state.
//! - [`topology`]: ndnSIM's annotated topology files and generators (line, grid, tree, random).
//! - [`routing`]: shortest-path routes installed into every FIB, like ndnSIM's global routing
//!   helper.
//! - [`app`]: consumers (CBR, Zipf-Mandelbrot, window) and producers speaking real packets.
//! - [`scenario`]: TOML scenario files; [`trace`] and [`plot`]: CSV traces, SVG plots and the
//!   summary.
//!
//! Nothing here reads the wall clock or starts an async runtime; the same scenario and seed give
//! byte-identical traces.

pub mod app;
pub mod engine;
pub mod link;
pub mod routing;
pub mod topology;
pub mod units;

pub use engine::{Sim, SimState};
pub mod plot;
pub mod report;
pub mod run;
pub mod scenario;
pub mod trace;
