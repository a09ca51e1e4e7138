//! TLV framing, names and the packet dispatcher on arbitrary bytes.
//!
//! Every element the reader accepts re-encodes to exactly the bytes it was read from (only the
//! shortest VAR-NUMBER forms are accepted), recursively; a decoded Name re-encodes to its input.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::tlv::{self, Reader};
use ndn::{Name, Packet};

/// Walk every element, re-encode it and compare; recurse into values that are TLV sequences.
fn walk(buf: &[u8], depth: usize) {
    let mut r = Reader::new(buf);
    while !r.is_empty() {
        let start = r.offset();
        let Ok(e) = r.read_element() else { return };
        let mut again = Vec::new();
        tlv::put_tlv(&mut again, e.tlv_type, e.value);
        assert_eq!(
            &again[..],
            &buf[start..e.end],
            "element at {start} re-encodes differently"
        );
        assert_eq!(again.len(), tlv::tlv_len(e.tlv_type, e.value.len()));
        if depth < 8 {
            walk(e.value, depth + 1);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    walk(data, 0);
    let wire = Bytes::copy_from_slice(data);
    if let Ok(name) = Name::decode(wire.clone()) {
        assert_eq!(name.to_tlv(), wire);
        assert_eq!(name.encoded_len(), wire.len());
        // the URI form parses back to the same name
        let uri = name.to_string();
        assert_eq!(Name::from_uri(&uri).unwrap(), name, "{uri}");
        // every prefix is a prefix, and its hash agrees with the one-pass hashes
        let mut hashes = Vec::new();
        name.prefix_hashes_into(7, &mut hashes);
        assert_eq!(hashes.len(), name.len() + 1);
        for (i, h) in hashes.iter().enumerate() {
            let p = name.prefix(i);
            assert!(p.is_prefix_of(&name));
            assert_eq!(p.hash_with_key(7), *h);
        }
    }
    if let Ok(p) = Packet::decode(wire.clone()) {
        assert_eq!(p.wire(), &wire);
    }
    if let Ok(name) = Name::from_value(wire) {
        let _ = name.to_string();
    }
    // URIs from arbitrary text never panic, and round-trip when accepted
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(name) = Name::from_uri(text)
    {
        assert_eq!(Name::from_uri(&name.to_string()).unwrap(), name);
    }
});
