//! NFD management protocol encodings (the NFD wiki's "Management Protocol" pages:
//! ControlCommand, FaceMgmt, FibMgmt, RibMgmt, StrategyChoice, CsMgmt, ForwarderStatus).
//!
//! - Commands: [`ControlParameters`] (0x68) and [`ControlResponse`] (0x65); command Interest
//!   names in both signed forms ([`command_name`], [`sign_command_interest`],
//!   [`sign_command_interest_legacy`], [`parse_command_interest`]).
//! - Status datasets: [`GeneralStatus`], [`FaceStatus`], [`ChannelStatus`], [`FibEntry`],
//!   [`RibEntry`], [`StrategyChoice`], [`CsInfo`]; a dataset is a concatenation of records
//!   ([`decode_dataset`], [`encode_dataset`]).
//! - Notifications and filters: [`FaceEventNotification`], [`FaceQueryFilter`].
//!
//! Every record is a struct of plain fields implementing [`Record`] (decode with typed errors,
//! encode in NFD's field order). Decoders follow the packet format's evolvability rule: an
//! unknown element is skipped unless its TLV-TYPE is critical (<= 31 or odd). Nothing here
//! reads a clock or draws randomness.

mod command;
mod consts;
mod control_parameters;
mod control_response;
mod cs;
mod dataset;
mod face_event;
mod face_query;
mod face_status;
mod fib;
mod fields;
mod forwarder_status;
mod record;
mod rib;
mod strategy_choice;

pub use command::{
    CommandError, CommandForm, CommandRequest, CommandSignature, SignedCommand, announce_command,
    command_name, command_prefix, localhop_nfd, localhost_nfd, parse_command_interest,
    parse_command_name, parse_legacy_command, sign_command_interest, sign_command_interest_legacy,
};
pub use consts::{
    FaceEventKind, FacePersistency, FaceScope, LinkType, cs_flags, face_flags, route_flags,
    route_origin, status_code,
};
pub use control_parameters::ControlParameters;
pub use control_response::ControlResponse;
pub use cs::CsInfo;
pub use dataset::{decode_dataset, encode_dataset};
pub use face_event::FaceEventNotification;
pub use face_query::FaceQueryFilter;
pub use face_status::{ChannelStatus, FaceStatus};
pub use fib::{FibEntry, NextHopRecord};
pub use forwarder_status::GeneralStatus;
pub use record::Record;
pub use rib::{RibEntry, Route};
pub use strategy_choice::StrategyChoice;
