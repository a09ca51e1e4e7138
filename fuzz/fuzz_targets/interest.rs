//! `Interest::decode` on arbitrary bytes; a decoded Interest rebuilt with `InterestBuilder`
//! decodes to the same fields, and the wire editors (`with_nonce`, `with_hop_limit`) keep every
//! other field.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::{Interest, InterestBuilder, Name};

/// The name without its ParametersSha256DigestComponent (the builder recomputes it and puts
/// it last).
fn base_name(i: &Interest) -> Name {
    let comps: Vec<_> = i
        .name()
        .iter()
        .filter(|c| !c.is_parameters_digest())
        .map(|c| (c.typ(), c.value()))
        .collect();
    Name::from_components(comps).unwrap()
}

/// Every field but Nonce and HopLimit (the ones the wire editors change).
fn same_fields(a: &Interest, b: &Interest) {
    assert_eq!(base_name(a), base_name(b));
    assert_eq!(a.can_be_prefix(), b.can_be_prefix());
    assert_eq!(a.must_be_fresh(), b.must_be_fresh());
    assert_eq!(a.forwarding_hint(), b.forwarding_hint());
    assert_eq!(a.lifetime_raw(), b.lifetime_raw());
    assert_eq!(a.app_parameters(), b.app_parameters());
}

fuzz_target!(|data: &[u8]| {
    let wire = Bytes::copy_from_slice(data);
    let Ok(i) = Interest::decode(wire.clone()) else {
        return;
    };
    assert_eq!(i.wire(), &wire);
    let _ = i.signature_info();
    let _ = i.signed_portion();
    let _ = i.to_owned().name().to_string();

    // wire editors
    let n = i.with_nonce(0xA5A5_5A5A);
    assert_eq!(n.nonce(), Some(0xA5A5_5A5A));
    assert_eq!(n.hop_limit(), i.hop_limit());
    same_fields(&i, &n);
    let h = Interest::decode(i.with_hop_limit(3).wire().clone()).unwrap();
    assert_eq!(h.hop_limit(), i.hop_limit().map(|_| 3));
    assert_eq!(h.nonce(), i.nonce());
    same_fields(&i, &h);

    // rebuild unsigned Interests from their fields
    if i.is_signed() {
        return;
    }
    let mut b = InterestBuilder::new(i.name().clone())
        .can_be_prefix(i.can_be_prefix())
        .must_be_fresh(i.must_be_fresh())
        .forwarding_hint(i.forwarding_hint().to_vec());
    if let Some(x) = i.nonce() {
        b = b.nonce(x);
    }
    if let Some(x) = i.lifetime_raw() {
        b = b.lifetime_ms(x);
    }
    if let Some(x) = i.hop_limit() {
        b = b.hop_limit(x);
    }
    if let Some(p) = i.app_parameters() {
        b = b.app_parameters(p);
    }
    let again = Interest::decode(b.encode()).expect("a rebuilt Interest decodes");
    same_fields(&i, &again);
    assert_eq!(i.nonce(), again.nonce());
    assert_eq!(i.hop_limit(), again.hop_limit());
    // and encoding is stable from there on
    assert_eq!(
        Interest::decode(again.wire().clone()).unwrap().wire(),
        again.wire()
    );
});
