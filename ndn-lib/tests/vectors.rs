//! The packet vectors in `tests/vectors/` (made with python-ndn, cross-checked with NDNts):
//! decode each and compare every field, then encode the same fields and compare the wire.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use ndn::Name;
use ndn::lp::{LpPacket, NackReason, Reassembler, ReassemblyLimits};
use ndn::packet::{Data, DataBuilder, Interest, InterestBuilder, KeyLocator, Packet};
use ndn::sign::{DigestSha256, HmacSha256, Verifier};
use serde_json::Value;
use std::time::Duration;

fn load(file: &str) -> Value {
    let path = format!("{}/tests/vectors/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex_bytes(v: &Value) -> Bytes {
    Bytes::from(hex::decode(v.as_str().unwrap()).unwrap())
}

fn opt_u64(v: &Value) -> Option<u64> {
    v.as_u64()
}

#[test]
fn names_decode_encode_and_print() {
    let v = load("names.json");
    for case in v["names"].as_array().unwrap() {
        let tlv = hex_bytes(&case["tlv"]);
        let from_uri = Name::from_uri(case["uri"].as_str().unwrap()).unwrap();
        let decoded = Name::decode(tlv.clone()).unwrap();
        assert_eq!(from_uri, decoded, "{}", case["uri"]);
        assert_eq!(decoded.to_tlv(), tlv);
        assert_eq!(decoded.to_string(), case["canonical_uri"].as_str().unwrap());
        let comps = case["components"].as_array().unwrap();
        assert_eq!(decoded.len(), comps.len());
        for (c, want) in decoded.iter().zip(comps) {
            assert_eq!(u64::from(c.typ()), want["type"].as_u64().unwrap());
            assert_eq!(c.value(), &hex_bytes(&want["value"])[..]);
        }
    }
}

#[test]
fn canonical_order_is_byte_order() {
    let v = load("names.json");
    let sorted: Vec<Name> = v["canonical_order_sorted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let n = Name::decode(hex_bytes(&c["tlv"])).unwrap();
            assert_eq!(n.to_string(), c["uri"].as_str().unwrap());
            n
        })
        .collect();
    for w in sorted.windows(2) {
        assert!(w[0] < w[1], "{} < {}", w[0], w[1]);
        let a: Vec<_> = w[0].iter().collect();
        let b: Vec<_> = w[1].iter().collect();
        assert!(a < b, "component-wise order of {} and {}", w[0], w[1]);
    }
}

#[test]
fn interests_decode_and_reencode() {
    let v = load("interests.json");
    for case in v["interests"].as_array().unwrap() {
        let desc = case["description"].as_str().unwrap();
        let wire = hex_bytes(&case["wire"]);
        let i = Interest::decode(wire.clone()).unwrap_or_else(|e| panic!("{desc}: {e}"));
        assert_eq!(
            i.name().to_string(),
            case["name_uri"].as_str().unwrap(),
            "{desc}"
        );
        assert_eq!(i.can_be_prefix(), case["can_be_prefix"].as_bool().unwrap());
        assert_eq!(i.must_be_fresh(), case["must_be_fresh"].as_bool().unwrap());
        assert_eq!(i.nonce().map(u64::from), opt_u64(&case["nonce"]));
        assert_eq!(i.lifetime_raw(), opt_u64(&case["lifetime_ms"]));
        assert_eq!(
            i.lifetime_ms(),
            opt_u64(&case["lifetime_ms"]).unwrap_or(4000)
        );
        assert_eq!(i.hop_limit().map(u64::from), opt_u64(&case["hop_limit"]));
        let hints: Vec<String> = i.forwarding_hint().iter().map(Name::to_string).collect();
        let want_hints: Vec<String> = case["forwarding_hint"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(hints, want_hints);
        let params = case["app_parameters"]
            .as_str()
            .map(|h| hex::decode(h).unwrap());
        assert_eq!(i.app_parameters().map(|b| b.to_vec()), params, "{desc}");

        // encode the same fields
        let base = if params.is_some() {
            i.name().parent(1)
        } else {
            i.name().clone()
        };
        let mut b = InterestBuilder::new(base)
            .can_be_prefix(i.can_be_prefix())
            .must_be_fresh(i.must_be_fresh())
            .forwarding_hint(i.forwarding_hint().to_vec());
        if let Some(n) = i.nonce() {
            b = b.nonce(n);
        }
        if let Some(l) = i.lifetime_raw() {
            b = b.lifetime_ms(l);
        }
        if let Some(h) = i.hop_limit() {
            b = b.hop_limit(h);
        }
        if let Some(p) = params {
            b = b.app_parameters(p);
        }
        assert_eq!(b.encode(), wire, "{desc}");
    }
}

#[test]
fn data_decode_verify_and_reencode() {
    let v = load("data.json");
    for case in v["data"].as_array().unwrap() {
        let desc = case["description"].as_str().unwrap();
        let wire = hex_bytes(&case["wire"]);
        let d = Data::decode(wire.clone()).unwrap_or_else(|e| panic!("{desc}: {e}"));
        assert_eq!(d.name().to_string(), case["name_uri"].as_str().unwrap());
        assert_eq!(d.content_type(), case["content_type"].as_u64().unwrap());
        assert_eq!(d.freshness_period(), opt_u64(&case["freshness_period_ms"]));
        assert_eq!(
            d.final_block_id().map(|b| b.to_vec()),
            case["final_block_id"]
                .as_str()
                .map(|h| hex::decode(h).unwrap())
        );
        assert_eq!(d.content(), hex_bytes(&case["content"]), "{desc}");
        assert_eq!(d.signature_type(), case["signature_type"].as_u64().unwrap());
        let info = d.signature_info().unwrap();
        let want_kl = case["key_locator_name"].as_str();
        assert_eq!(
            info.key_locator
                .as_ref()
                .and_then(KeyLocator::name)
                .map(Name::to_string)
                .as_deref(),
            want_kl
        );
        assert_eq!(d.signed_portion(), &hex_bytes(&case["signed_portion"])[..]);
        assert_eq!(d.signature_value(), hex_bytes(&case["signature_value"]));
        assert_eq!(
            d.implicit_digest().to_vec(),
            hex_bytes(&case["implicit_digest"]).to_vec()
        );
        assert!(d.full_name().implicit_digest().is_some());

        let mut builder = DataBuilder::new(d.name().clone())
            .content(d.content())
            .content_type(d.content_type());
        if let Some(f) = d.freshness_period() {
            builder = builder.freshness_period(f);
        }
        if let Some(fb) = d.final_block_id() {
            builder = builder.final_block_id(fb);
        }
        match d.signature_type() {
            0 => {
                DigestSha256
                    .verify(&[d.signed_portion()], &d.signature_value())
                    .unwrap();
                assert_eq!(builder.sign(&DigestSha256).unwrap(), wire, "{desc}");
            }
            4 => {
                let key = hex_bytes(&case["hmac_key"]);
                let hmac = HmacSha256::new(&key, info.key_locator.clone());
                hmac.verify(&[d.signed_portion()], &d.signature_value())
                    .unwrap();
                assert!(
                    HmacSha256::new(b"wrong", None)
                        .verify(&[d.signed_portion()], &d.signature_value())
                        .is_err()
                );
                assert_eq!(builder.sign(&hmac).unwrap(), wire, "{desc}");
            }
            // Ed25519 vectors are checked in tests/signatures.rs
            _ => {}
        }
    }
}

#[test]
fn invalid_packets_are_rejected_and_valid_ones_accepted() {
    let v = load("invalid.json");
    for case in v["packets"].as_array().unwrap() {
        let desc = case["description"].as_str().unwrap();
        let wire = hex_bytes(&case["wire"]);
        let result = Packet::decode(wire);
        if case["valid"].as_bool().unwrap() {
            let p = result.unwrap_or_else(|e| panic!("{desc}: {e}"));
            assert_eq!(p.name().to_string(), case["name_uri"].as_str().unwrap());
        } else {
            assert!(result.is_err(), "{desc} should be rejected");
        }
    }
}

#[test]
fn lp_packets_decode_and_reassemble() {
    let v = load("lp.json");
    let mut reassembler = Reassembler::new(ReassemblyLimits::default());
    let mut reassembled = None;
    for case in v["lp"].as_array().unwrap() {
        let desc = case["description"].as_str().unwrap();
        let wire = hex_bytes(&case["wire"]);
        let p = LpPacket::decode(wire.clone()).unwrap_or_else(|e| panic!("{desc}: {e}"));
        let frag = case["fragment"].as_str().map(|h| hex::decode(h).unwrap());
        assert_eq!(p.fragment.as_ref().map(|f| f.to_vec()), frag, "{desc}");
        if let Some(r) = case.get("nack_reason") {
            let want = r.as_u64().map_or(NackReason::None, NackReason::from_code);
            assert_eq!(p.nack, Some(want), "{desc}");
        }
        for (key, got) in [
            ("incoming_face_id", p.incoming_face_id),
            ("congestion_mark", p.congestion_mark),
            ("next_hop_face_id", p.next_hop_face_id),
            ("cache_policy", p.cache_policy),
            ("sequence", p.sequence),
            ("frag_index", p.frag_index),
            ("frag_count", p.frag_count),
        ] {
            if let Some(want) = case.get(key) {
                assert_eq!(got, want.as_u64(), "{desc}: {key}");
            }
        }
        if let Some(acks) = case.get("acks") {
            let want: Vec<u64> = acks
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_u64().unwrap())
                .collect();
            assert_eq!(p.acks, want);
        }
        // These vectors write header TLV-TYPEs 0x03xx as the number 0xFD03xx (a 5-byte
        // VAR-NUMBER); decoding accepts that, encoding writes the assigned 3-byte `FD 03 xx`.
        let encoded = p.to_link_wire();
        if case["wire"].as_str().unwrap().contains("FE00FD03") {
            assert_ne!(encoded, wire);
            assert_eq!(LpPacket::decode(encoded).unwrap(), p, "{desc}");
        } else {
            assert_eq!(encoded, wire, "{desc}");
        }
        if case.get("reassembled").is_some()
            && let Some(whole) = reassembler.receive(Duration::ZERO, p).unwrap()
        {
            reassembled = Some((whole, hex_bytes(&case["reassembled"])));
        }
    }
    let (whole, want) = reassembled.expect("the two fragments reassemble");
    assert_eq!(whole.fragment.unwrap(), want);
}
