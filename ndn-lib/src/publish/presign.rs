//! Signatures computed ahead of serving ("sign once, serve many").
//!
//! A segment's Data is a function of the content and the publication's settings, so once its
//! signature is known the identical Data can be rebuilt from the source whenever it is asked
//! for, without signing again. A [`SignatureTable`] keeps only the SignatureValues and their
//! lengths (72 bytes per Ed25519 segment, 0.9% of 8000-byte segments), never the content: a
//! file larger than memory is still served by reading it.
//!
//! The table also remembers the SignatureType and KeyLocator it was made with, since they are
//! part of the signed portion; Data rebuilt from it carries those.

use std::cell::RefCell;
use std::ops::Range;

use crate::packet::KeyLocator;
use crate::sign::{SignError, Signer};

/// SignatureValues of a run of consecutive segments, as made by
/// [`Publisher::sign_range`](super::Publisher::sign_range).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureTable {
    pub(super) first: u64,
    pub(super) signature_type: u64,
    pub(super) key_locator: Option<KeyLocator>,
    /// Room per signature: the signer's `max_signature_len`, or more when one was longer.
    stride: usize,
    bytes: Vec<u8>,
    lens: Vec<usize>,
}

impl SignatureTable {
    pub(super) fn new(first: u64, signer: &dyn Signer, capacity: usize) -> Self {
        let stride = signer.max_signature_len();
        SignatureTable {
            first,
            signature_type: signer.signature_type(),
            key_locator: signer.key_locator(),
            stride,
            bytes: Vec::with_capacity(stride.saturating_mul(capacity)),
            lens: Vec::with_capacity(capacity),
        }
    }

    /// The segments covered.
    pub fn segments(&self) -> Range<u64> {
        self.first..self.first + self.lens.len() as u64
    }

    /// Bytes held (the SignatureValues and their lengths).
    pub fn memory(&self) -> usize {
        self.bytes.capacity() + self.lens.capacity() * std::mem::size_of::<usize>()
    }

    /// Append the signature of the next segment.
    pub(super) fn push(&mut self, signature: &[u8]) {
        if signature.len() > self.stride {
            // a signer that underestimated its longest signature: widen every slot
            let wider = signature.len();
            let mut bytes = Vec::with_capacity(wider * self.lens.capacity());
            for chunk in self.bytes.chunks(self.stride) {
                bytes.extend_from_slice(chunk);
                bytes.resize(bytes.len() + wider - self.stride, 0);
            }
            self.bytes = bytes;
            self.stride = wider;
        }
        self.bytes.extend_from_slice(signature);
        self.bytes
            .resize(self.bytes.len() + self.stride - signature.len(), 0);
        self.lens.push(signature.len());
    }

    /// Append another table that starts where this one ends and was made by the same signer.
    pub(super) fn append(&mut self, other: &SignatureTable) -> bool {
        if other.first != self.segments().end
            || other.signature_type != self.signature_type
            || other.key_locator != self.key_locator
        {
            return false;
        }
        for seg in other.segments() {
            if let Some(sig) = other.get(seg) {
                self.push(sig);
            }
        }
        true
    }

    /// The SignatureValue of segment `seg`, if covered.
    pub fn get(&self, seg: u64) -> Option<&[u8]> {
        let i = usize::try_from(seg.checked_sub(self.first)?).ok()?;
        let len = *self.lens.get(i)?;
        let start = i.checked_mul(self.stride)?;
        self.bytes.get(start..start + len)
    }
}

/// A [`Signer`] that "signs" with a SignatureValue computed earlier, so that
/// [`DataBuilder::sign`](crate::packet::DataBuilder::sign) rebuilds the Data it was computed
/// for.
pub(super) struct Replay<'a> {
    pub(super) table: &'a SignatureTable,
    pub(super) signature: &'a [u8],
}

impl Signer for Replay<'_> {
    fn signature_type(&self) -> u64 {
        self.table.signature_type
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        self.table.key_locator.clone()
    }

    fn sign(&self, _parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        Ok(self.signature.to_vec())
    }

    fn max_signature_len(&self) -> usize {
        self.signature.len()
    }
}

/// A [`Signer`] that passes through to another and keeps a copy of the signature it made.
pub(super) struct Capture<'a> {
    inner: &'a dyn Signer,
    signature: RefCell<Vec<u8>>,
}

impl<'a> Capture<'a> {
    pub(super) fn new(inner: &'a dyn Signer) -> Self {
        Capture {
            inner,
            signature: RefCell::new(Vec::new()),
        }
    }

    pub(super) fn into_signature(self) -> Vec<u8> {
        self.signature.into_inner()
    }
}

impl Signer for Capture<'_> {
    fn signature_type(&self) -> u64 {
        self.inner.signature_type()
    }

    fn key_locator(&self) -> Option<KeyLocator> {
        self.inner.key_locator()
    }

    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        let signature = self.inner.sign(parts)?;
        self.signature.replace(signature.clone());
        Ok(signature)
    }

    fn max_signature_len(&self) -> usize {
        self.inner.max_signature_len()
    }
}
