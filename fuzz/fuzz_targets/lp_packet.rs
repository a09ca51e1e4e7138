//! `LpPacket::decode` on arbitrary bytes; a decoded packet encodes and decodes to itself, and
//! its link wire decodes to the same packet.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::lp::LpPacket;
use ndn::{Interest, Packet};

fuzz_target!(|data: &[u8]| {
    let wire = Bytes::copy_from_slice(data);
    let Ok(p) = LpPacket::decode(wire) else {
        return;
    };
    let encoded = p.encode();
    assert_eq!(encoded.len(), p.encoded_len());
    let again = LpPacket::decode(encoded.clone()).expect("an encoded LpPacket decodes");
    assert_eq!(again, p);
    assert_eq!(again.encode(), encoded, "encoding is a fixed point");
    // the link wire (bare packet when there are no headers) means the same
    if let Ok(link) = LpPacket::decode(p.to_link_wire()) {
        assert_eq!(link, p);
    } else {
        // only a bare fragment that is not one TLV element cannot go bare
        assert!(p.is_bare());
    }
    if let Some(f) = &p.fragment {
        if p.nack.is_some() {
            let _ = Interest::decode(f.clone());
        } else {
            let _ = Packet::decode(f.clone());
        }
    }
});
