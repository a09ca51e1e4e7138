//! SignatureInfo, the management records and control command names on arbitrary bytes; the
//! first byte picks the decoder, the rest is its input.
//!
//! - `SignatureInfo::from_wire` (Data SignatureInfo or InterestSignatureInfo): never panics; a
//!   decoded SignatureInfo encodes to `encoded_len` bytes that decode to the same value;
//! - every management `Record` (ControlParameters, ControlResponse, FaceStatus, ChannelStatus,
//!   FaceEventNotification, FaceQueryFilter, FibEntry, NextHopRecord, RibEntry, Route,
//!   StrategyChoice, CsInfo), `GeneralStatus` and datasets: a decoded value encodes to
//!   `encoded_len` bytes that decode to the same value, and that encoding is a fixed point;
//! - control commands: `parse_command_name`, `parse_legacy_command` on a decoded Name and
//!   `parse_command_interest` on a decoded Interest, under `/localhost/nfd`, never panic; a
//!   parsed command's ControlParameters are those of the name's third component after the prefix.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::mgmt::{
    ChannelStatus, ControlParameters, ControlResponse, CsInfo, FaceEventNotification,
    FaceQueryFilter, FaceStatus, FibEntry, GeneralStatus, NextHopRecord, Record, RibEntry, Route,
    StrategyChoice, decode_dataset, encode_dataset, localhost_nfd, parse_command_interest,
    parse_command_name, parse_legacy_command,
};
use ndn::packet::SignatureInfo;
use ndn::tlv::types as tt;
use ndn::{Interest, Name};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let wire = Bytes::copy_from_slice(input);
    match selector % 18 {
        0 => signature_info(&wire),
        1 => record::<ControlParameters>(wire),
        2 => record::<ControlResponse>(wire),
        3 => record::<FaceStatus>(wire),
        4 => record::<ChannelStatus>(wire),
        5 => record::<FaceEventNotification>(wire),
        6 => record::<FaceQueryFilter>(wire),
        7 => record::<FibEntry>(wire),
        8 => record::<NextHopRecord>(wire),
        9 => record::<RibEntry>(wire),
        10 => record::<Route>(wire),
        11 => record::<StrategyChoice>(wire),
        12 => record::<CsInfo>(wire),
        13 => general_status(wire),
        14 => dataset::<FaceStatus>(wire),
        15 => dataset::<RibEntry>(wire),
        16 => command_name(wire),
        _ => command_interest(wire),
    }
});

fn signature_info(wire: &Bytes) {
    let Ok(info) = SignatureInfo::from_wire(wire) else {
        return;
    };
    for outer in [tt::SIGNATURE_INFO, tt::INTEREST_SIGNATURE_INFO] {
        let again = info.to_wire(outer);
        assert_eq!(again.len(), info.encoded_len(outer), "{info:?}");
        let back = SignatureInfo::from_wire(&again)
            .unwrap_or_else(|e| panic!("{info:?} re-encodes to {again:02x?}: {e}"));
        assert_eq!(back, info);
        assert_eq!(back.to_wire(outer), again);
    }
}

fn record<T: Record + PartialEq + Debug>(wire: Bytes) {
    let Ok(r) = T::decode(wire) else { return };
    let again = r.encode();
    assert_eq!(again.len(), r.encoded_len(), "{r:?}");
    let back = T::decode(again.clone())
        .unwrap_or_else(|e| panic!("{r:?} re-encodes to {again:02x?}: {e}"));
    assert_eq!(back, r);
    assert_eq!(back.encode(), again);
}

fn general_status(wire: Bytes) {
    let Ok(g) = GeneralStatus::decode(wire) else {
        return;
    };
    let again = g.encode();
    assert_eq!(again.len(), g.encoded_len());
    let back = GeneralStatus::decode(again.clone()).expect("a GeneralStatus re-encoding decodes");
    assert_eq!(back, g);
    assert_eq!(back.encode(), again);
}

fn dataset<T: Record + PartialEq + Debug>(wire: Bytes) {
    let Ok(list) = decode_dataset::<T>(wire) else {
        return;
    };
    let again = encode_dataset(&list);
    assert_eq!(decode_dataset::<T>(again.clone()).unwrap(), list);
    assert_eq!(encode_dataset(&list), again);
}

fn command_name(wire: Bytes) {
    let Ok(name) = Name::decode(wire) else { return };
    let prefix = localhost_nfd();
    if let Ok(req) = parse_command_name(&name, &prefix) {
        let c = name.get(prefix.len() + 2).unwrap();
        assert_eq!(
            ControlParameters::decode(Bytes::copy_from_slice(c.value())).unwrap(),
            req.parameters
        );
    }
    if let Ok(cmd) = parse_legacy_command(&name, &prefix) {
        assert_eq!(name.len(), prefix.len() + 7);
        assert_eq!(cmd.request, parse_command_name(&name, &prefix).unwrap());
    }
}

fn command_interest(wire: Bytes) {
    let Ok(interest) = Interest::decode(wire) else {
        return;
    };
    let prefix = localhost_nfd();
    if let Ok(cmd) = parse_command_interest(&interest, &prefix) {
        let _ = cmd
            .signature
            .signed_portion
            .iter()
            .map(Bytes::len)
            .sum::<usize>();
        assert!(interest.name().starts_with(&prefix));
    }
}
