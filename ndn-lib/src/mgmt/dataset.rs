//! Status datasets (MGMT "StatusDataset"): the Content of a dataset, once its segments are
//! reassembled, is the concatenation of zero or more records of one type.

use bytes::{Bytes, BytesMut};

use super::Record;
use crate::tlv::{DecodeError, Reader};

/// Decode a reassembled dataset: every top-level element must be a record of type `T`
/// (an element of another type is [`DecodeError::UnexpectedType`], as in ndn-cxx). An empty
/// payload is an empty dataset.
pub fn decode_dataset<T: Record>(payload: Bytes) -> Result<Vec<T>, DecodeError> {
    let mut out = Vec::new();
    for e in Reader::new(&payload) {
        out.push(T::decode_element(&e?, &payload)?);
    }
    Ok(out)
}

/// Encode records as a dataset payload (their concatenation), ready to be segmented.
pub fn encode_dataset<T: Record>(records: &[T]) -> Bytes {
    let len = records.iter().map(Record::encoded_len).sum();
    let mut buf = BytesMut::with_capacity(len);
    for r in records {
        r.encode_to(&mut buf);
    }
    buf.freeze()
}
