//! The forwarder's tables.

mod critbit;
pub mod cs;
pub mod dead_nonce_list;
mod expiry_queue;
pub mod fib;
pub mod measurements;
pub mod name_index;
pub mod pit;
mod records;
mod slot_table;
pub mod strategy_choice;

pub use cs::{Cs, CsPolicy, Replacement};
pub use dead_nonce_list::DeadNonceList;
pub use fib::{Fib, FibEntry, NextHop};
pub use measurements::{LastNextHop, Measurements, MeasurementsEntry, RttEstimator};
pub use name_index::NameIndex;
pub use pit::{InRecord, OutRecord, Pit, PitEntry, PitEntryId};
pub use records::Records;
pub use strategy_choice::StrategyChoice;
