//! `Data::decode` on arbitrary bytes; a decoded Data rebuilt with `DataBuilder` (replaying its
//! signature type, SignatureInfo and SignatureValue) decodes to the same fields.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::packet::{KeyLocator, SignatureInfo};
use ndn::sign::{SignError, Signer};
use ndn::{Data, DataBuilder};

/// A signer that returns a given signature, to re-encode a received Data exactly.
struct Replay {
    info: SignatureInfo,
    value: Vec<u8>,
}

impl Signer for Replay {
    fn signature_type(&self) -> u64 {
        self.info.signature_type
    }
    fn key_locator(&self) -> Option<KeyLocator> {
        self.info.key_locator.clone()
    }
    fn sign(&self, _parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        Ok(self.value.clone())
    }
}

fuzz_target!(|data: &[u8]| {
    let wire = Bytes::copy_from_slice(data);
    let Ok(d) = Data::decode(wire.clone()) else {
        return;
    };
    assert_eq!(d.wire(), &wire);
    assert!(d.signed_portion().len() <= wire.len());
    let _ = d.final_segment();
    let _ = d.full_name();
    let _ = d.name().to_string();
    let Ok(info) = d.signature_info() else { return };
    assert_eq!(info.signature_type, d.signature_type());

    let signer = Replay {
        info: info.clone(),
        value: d.signature_value().to_vec(),
    };
    let rebuilt = rebuild(&d, &info).sign(&signer).unwrap();
    let again = Data::decode(rebuilt).expect("a rebuilt Data decodes");
    assert_eq!(again.name(), d.name());
    assert_eq!(again.content(), d.content());
    assert_eq!(again.content_type(), d.content_type());
    assert_eq!(again.freshness_period(), d.freshness_period());
    assert_eq!(again.final_block_id(), d.final_block_id());
    assert_eq!(again.signature_type(), d.signature_type());
    assert_eq!(again.signature_info().unwrap(), info);
    assert_eq!(again.signature_value(), d.signature_value());
    // and the rebuilt wire is a fixed point
    assert_eq!(&rebuild(&again, &info).sign(&signer).unwrap(), again.wire());
});

fn rebuild(d: &Data, info: &SignatureInfo) -> DataBuilder {
    let mut b = DataBuilder::new(d.name().clone())
        .content(d.content())
        .content_type(d.content_type())
        .signature_info(info.clone());
    if let Some(f) = d.freshness_period() {
        b = b.freshness_period(f);
    }
    if let Some(c) = d.final_block_id() {
        b = b.final_block_id(c);
    }
    b
}
