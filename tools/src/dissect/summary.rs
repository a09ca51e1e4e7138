//! The JSON view of `ndn-dissect`: one object per top-level packet, decoded with the library's
//! packet decoders (`Interest::decode`, `Data::decode`, `LpPacket::decode`).
//!
//! Each object has `offset` (byte offset of the packet in the input), `kind` (`interest`, `data`,
//! `lp`, `nack` or `unknown`), `name` (the URI, or null) and `fields`.

use bytes::Bytes;
use ndn::lp::{LpPacket, NackReason};
use ndn::packet::{Data, Interest, KeyLocator, Packet, SignatureInfo};
use ndn::tlv::{Reader, types as tt};
use ndn::{DecodeError, Name};
use serde_json::{Map, Value, json};

use super::format::{content_type_name, signature_type_name};

/// Decode one packet (the whole of `wire`) into its JSON summary. `offset` is where it starts
/// in the input; error offsets count from the packet start.
pub fn summarize(wire: Bytes, offset: usize) -> Result<Value, DecodeError> {
    let tlv_type = Reader::new(&wire).peek_type();
    let (kind, name, fields) = match tlv_type {
        Some(tt::INTEREST) => {
            let i = Interest::decode(wire)?;
            ("interest", Some(i.name().clone()), interest_fields(&i)?)
        }
        Some(tt::DATA) => {
            let d = Data::decode(wire)?;
            ("data", Some(d.name().clone()), data_fields(&d)?)
        }
        Some(tt::LP_PACKET) => lp_summary(LpPacket::decode(wire)?)?,
        _ => {
            let mut r = Reader::new(&wire);
            let e = r.read_element()?;
            let fields = json!({
                "type": e.tlv_type,
                "type_name": tt::type_name(e.tlv_type),
                "length": e.value.len(),
            });
            ("unknown", None, fields)
        }
    };
    Ok(json!({
        "offset": offset,
        "kind": kind,
        "name": name.map(|n| n.to_string()),
        "fields": fields,
    }))
}

fn hex_of(b: &[u8]) -> Value {
    Value::String(hex::encode(b))
}

/// A PrefixAnnouncement field: what it announces, or its bytes when it is no announcement.
fn announcement(wire: Bytes) -> Value {
    match ndn::packet::PrefixAnnouncement::decode(wire.clone()) {
        Ok(pa) => json!({
            "announced_name": pa.announced_name().to_string(),
            "expiration_ms": pa.expiration_ms(),
            "validity": pa.validity().map(|v| json!({
                "not_before": v.not_before,
                "not_after": v.not_after,
            })),
            "data_name": pa.data().name().to_string(),
        }),
        Err(_) => hex_of(&wire),
    }
}

fn interest_fields(i: &Interest) -> Result<Value, DecodeError> {
    let mut f = Map::new();
    f.insert("can_be_prefix".into(), i.can_be_prefix().into());
    f.insert("must_be_fresh".into(), i.must_be_fresh().into());
    f.insert(
        "forwarding_hint".into(),
        i.forwarding_hint()
            .iter()
            .map(|n| Value::String(n.to_string()))
            .collect(),
    );
    f.insert("nonce".into(), i.nonce().map(|n| format!("{n:08x}")).into());
    f.insert("lifetime_ms".into(), i.lifetime_raw().into());
    f.insert("hop_limit".into(), i.hop_limit().into());
    f.insert(
        "app_parameters".into(),
        i.app_parameters().map(|p| hex_of(&p)).into(),
    );
    match i.signature_info() {
        None => {
            f.insert("signature".into(), Value::Null);
        }
        Some(info) => {
            let mut sig = signature_fields(&info?);
            if let Some(v) = i.signature_value() {
                sig.insert("value".into(), hex_of(&v));
            }
            f.insert("signature".into(), Value::Object(sig));
        }
    }
    Ok(Value::Object(f))
}

fn signature_fields(info: &SignatureInfo) -> Map<String, Value> {
    let mut s = Map::new();
    s.insert("type".into(), info.signature_type.into());
    s.insert(
        "type_name".into(),
        signature_type_name(info.signature_type).into(),
    );
    let locator = match &info.key_locator {
        None => Value::Null,
        Some(KeyLocator::Name(n)) => json!({ "name": n.to_string() }),
        Some(KeyLocator::KeyDigest(d)) => json!({ "key_digest": hex::encode(d) }),
    };
    s.insert("key_locator".into(), locator);
    if let Some(v) = &info.validity_period {
        s.insert(
            "validity_period".into(),
            json!({
                "not_before": ndn::packet::format_iso8601(v.not_before),
                "not_after": ndn::packet::format_iso8601(v.not_after),
            }),
        );
    }
    if let Some(n) = &info.nonce {
        s.insert("nonce".into(), hex_of(n));
    }
    if let Some(t) = info.time {
        s.insert("time_ms".into(), t.into());
    }
    if let Some(n) = info.seq_num {
        s.insert("seq_num".into(), n.into());
    }
    s
}

fn data_fields(d: &Data) -> Result<Value, DecodeError> {
    let final_block_id = match d.final_block_id() {
        None => Value::Null,
        // the FinalBlockId holds one component TLV: print it the way a name would
        Some(c) => Name::from_value(c)
            .ok()
            .and_then(|n| n.get(0).map(|c| Value::String(c.to_string())))
            .unwrap_or(Value::Null),
    };
    let content = d.content();
    let mut sig = signature_fields(&d.signature_info()?);
    sig.insert("value".into(), hex_of(&d.signature_value()));
    Ok(json!({
        "content_type": d.content_type(),
        "content_type_name": content_type_name(d.content_type()),
        "freshness_period_ms": d.freshness_period(),
        "final_block_id": final_block_id,
        "content_length": content.len(),
        "content": hex::encode(&content),
        "signature": Value::Object(sig),
        "implicit_digest": hex::encode(d.implicit_digest()),
    }))
}

fn lp_summary(p: LpPacket) -> Result<(&'static str, Option<Name>, Value), DecodeError> {
    let mut f = Map::new();
    let opt = |v: Option<u64>| Value::from(v);
    f.insert("sequence".into(), opt(p.sequence));
    f.insert("frag_index".into(), opt(p.frag_index));
    f.insert("frag_count".into(), opt(p.frag_count));
    f.insert(
        "pit_token".into(),
        p.pit_token.as_deref().map(hex_of).into(),
    );
    f.insert("incoming_face_id".into(), opt(p.incoming_face_id));
    f.insert("next_hop_face_id".into(), opt(p.next_hop_face_id));
    f.insert("cache_policy".into(), opt(p.cache_policy));
    f.insert("congestion_mark".into(), opt(p.congestion_mark));
    f.insert("acks".into(), p.acks.iter().copied().collect());
    f.insert("tx_sequence".into(), opt(p.tx_sequence));
    f.insert("non_discovery".into(), p.non_discovery.into());
    f.insert(
        "prefix_announcement".into(),
        p.prefix_announcement
            .clone()
            .map_or(Value::Null, announcement),
    );
    let whole = p.frag_count.unwrap_or(1) <= 1;
    let (fragment, inner) = match p.fragment.clone() {
        None => (Value::Null, None),
        Some(frag) if whole => {
            let packet = Packet::decode(frag)?;
            let (kind, fields) = match &packet {
                Packet::Interest(i) => ("interest", interest_fields(i)?),
                Packet::Data(d) => ("data", data_fields(d)?),
            };
            let name = packet.name().clone();
            (
                json!({ "kind": kind, "name": name.to_string(), "fields": fields }),
                Some(packet),
            )
        }
        Some(frag) => (json!({ "piece_length": frag.len() }), None),
    };
    f.insert("fragment".into(), fragment);
    let name = inner.as_ref().map(|pk| pk.name().clone());
    match (p.nack, inner) {
        (Some(reason), Some(Packet::Interest(_))) => {
            f.insert("nack_reason".into(), reason.code().into());
            f.insert("nack_reason_name".into(), nack_reason_name(reason).into());
            Ok(("nack", name, Value::Object(f)))
        }
        (nack, _) => {
            f.insert("nack_reason".into(), nack.map(NackReason::code).into());
            Ok(("lp", name, Value::Object(f)))
        }
    }
}

fn nack_reason_name(r: NackReason) -> Option<String> {
    match r {
        NackReason::Other(_) => None,
        r => Some(r.to_string()),
    }
}
