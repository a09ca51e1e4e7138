//! A `Reassembler` with small limits fed a sequence of LpPackets taken from the input.
//!
//! The input is a list of records. Each starts with a control byte: its low bit chooses how
//! the rest is read: 0: one LpPacket TLV element (decoded with `LpPacket::decode`); 1: a
//! compact fragment (`seq`, `index`, `count`, `len` bytes, then `len` payload bytes) so the
//! fuzzer reaches multi-fragment states quickly. Bits 1..=3 advance virtual time (in 100 ms
//! steps, expiring partial packets). Checked throughout: the count and byte limits hold, expiry
//! leaves no partial packet whose time is up, and a completed packet carries no fragmentation
//! fields. (Exact reassembly of fragmented packets is a property test in
//! `ndn-lib/tests/properties.rs`.)

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::lp::{LpPacket, Reassembler, ReassemblyLimits};
use ndn::tlv::Reader;

const LIMITS: ReassemblyLimits = ReassemblyLimits {
    max_partial_packets: 4,
    max_bytes: 256,
    max_fragments: 8,
    timeout: Duration::from_millis(500),
};

fn next_packet(input: &mut &[u8]) -> Option<LpPacket> {
    let (&control, rest) = input.split_first()?;
    *input = rest;
    if control & 1 == 0 {
        let mut r = Reader::new(input);
        let e = r.read_element().ok()?;
        let wire = Bytes::copy_from_slice(&input[..e.end]);
        *input = &input[e.end..];
        LpPacket::decode(wire).ok()
    } else {
        let (head, rest) = input.split_at_checked(4)?;
        let len = usize::from(head[3] & 0x3F);
        let (payload, rest) = rest.split_at_checked(len.min(rest.len()))?;
        *input = rest;
        Some(LpPacket {
            sequence: Some(u64::from(head[0])),
            frag_index: Some(u64::from(head[1] & 0x0F)),
            frag_count: Some(u64::from(head[2] & 0x0F)),
            fragment: Some(Bytes::copy_from_slice(payload)),
            ..LpPacket::default()
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let mut r = Reassembler::new(LIMITS);
    let mut now = Duration::ZERO;
    while !input.is_empty() {
        let step = input[0] >> 1 & 0b111;
        let Some(lp) = next_packet(&mut input) else {
            continue;
        };
        if step > 0 {
            now += Duration::from_millis(100 * u64::from(step));
            r.expire(now);
            if let Some(t) = r.next_expiry() {
                assert!(t > now, "expire left a partial packet whose time is up");
            }
        }
        let piece_len = lp.fragment.as_ref().map_or(0, Bytes::len);
        let count = lp.frag_count.unwrap_or(1);
        if let Ok(Some(whole)) = r.receive(now, lp) {
            assert!(whole.fragment.is_some());
            assert!(whole.frag_index.is_none() && whole.frag_count.is_none());
            if count > 1 {
                assert!(whole.fragment.as_ref().unwrap().len() >= piece_len);
            }
        }
        assert!(r.partial_count() <= LIMITS.max_partial_packets);
        assert!(
            r.held_bytes() <= LIMITS.max_bytes,
            "held {} bytes, limit {}",
            r.held_bytes(),
            LIMITS.max_bytes
        );
    }
});
