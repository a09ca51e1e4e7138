//! Names (PF 2 "Name"): a sequence of typed components, compared in canonical order.
//!
//! A [`Name`] keeps the TLV-VALUE of the Name element as shared [`Bytes`] plus the end offset of
//! each component, so cloning a name or taking a prefix never copies component bytes. Decoding
//! accepts only the shortest VAR-NUMBER forms, so two names are equal exactly when their TLV-VALUE
//! bytes are equal, and canonical order (PF 2.1) is the byte order of the TLV-VALUE.

mod component;
mod hash;
mod uri;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};

use crate::tlv::{self, DecodeError, Reader, types as tt};

pub use component::Component;
pub use uri::UriError;

/// Names with at most this many components, and a TLV-VALUE under 64 KiB, keep their component
/// offsets inline (no allocation); longer ones share an `Arc<[u32]>`.
const INLINE_ENDS: usize = 11;

/// End offset (within the TLV-VALUE) of each component; may be longer than the name for a
/// prefix.
#[derive(Clone)]
enum Ends {
    /// Offsets of a short name, stored in the `Name` itself.
    Inline([u16; INLINE_ENDS]),
    /// Offsets of a long name, shared by its clones and prefixes.
    Shared(Arc<[u32]>),
}

/// An NDN name. Cheap to clone; prefixes share storage with the name they come from.
#[derive(Clone)]
pub struct Name {
    /// Concatenated component TLVs (the Name's TLV-VALUE).
    value: Bytes,
    /// Where each component ends.
    ends: Ends,
    /// Number of components in this name.
    len: u32,
}

impl Name {
    /// The empty name `/` (zero components).
    pub fn new() -> Name {
        Name {
            value: Bytes::new(),
            ends: Ends::Inline([0; INLINE_ENDS]),
            len: 0,
        }
    }

    /// Decode a Name TLV-VALUE (the concatenated components) held in `value`.
    pub fn from_value(value: Bytes) -> Result<Name, DecodeError> {
        Self::decode_value(value, 0)
    }

    /// Decode a Name TLV-VALUE; `base` is its offset in the enclosing packet, for errors.
    pub(crate) fn decode_value(value: Bytes, base: usize) -> Result<Name, DecodeError> {
        let mut r = Reader::new(&value);
        let mut inline = [0u16; INLINE_ENDS];
        let mut n = 0usize;
        // short names (the common case): offsets fit 16 bits and the array
        if value.len() <= usize::from(u16::MAX) {
            for slot in inline.iter_mut() {
                if r.is_empty() {
                    break;
                }
                let e = r.read_element()?;
                check_component(e.tlv_type, e.value.len(), base + e.offset)?;
                *slot = e.end as u16;
                n += 1;
            }
            if r.is_empty() {
                return Ok(Name {
                    value,
                    ends: Ends::Inline(inline),
                    len: n as u32,
                });
            }
        }
        let mut spill: Vec<u32> = Vec::with_capacity(n + 8);
        spill.extend(inline.iter().take(n).map(|&e| u32::from(e)));
        while !r.is_empty() {
            let e = r.read_element()?;
            check_component(e.tlv_type, e.value.len(), base + e.offset)?;
            let end = u32::try_from(e.end).map_err(|_| DecodeError::InvalidValue {
                element: "Name",
                offset: base,
                reason: "name longer than 4 GiB",
            })?;
            spill.push(end);
        }
        let len = spill.len() as u32;
        Ok(Name {
            value,
            ends: Ends::Shared(Arc::from(spill)),
            len,
        })
    }

    /// End offset of component `i` (which may lie past `len()` in a prefix's shared offsets).
    #[inline]
    fn end(&self, i: usize) -> Option<usize> {
        match &self.ends {
            Ends::Inline(e) => e.get(i).map(|&x| usize::from(x)),
            Ends::Shared(e) => e.get(i).map(|&x| x as usize),
        }
    }

    /// Decode a whole Name element (type 7) that must fill `wire` exactly.
    pub fn decode(wire: Bytes) -> Result<Name, DecodeError> {
        let mut r = Reader::new(&wire);
        let e = r.expect_element(tt::NAME, "Name")?;
        if !r.is_empty() {
            return Err(DecodeError::TrailingBytes {
                offset: e.end,
                count: wire.len() - e.end,
            });
        }
        let value = wire.slice(e.value_offset..e.end);
        Self::decode_value(value, e.value_offset)
    }

    /// Build a name from (type, value) pairs. Panics never; rejects invalid components.
    pub fn from_components<'a>(
        components: impl IntoIterator<Item = (u16, &'a [u8])>,
    ) -> Result<Name, DecodeError> {
        let mut buf = BytesMut::new();
        for (typ, value) in components {
            check_component(u64::from(typ), value.len(), buf.len())?;
            tlv::put_tlv(&mut buf, u64::from(typ), value);
        }
        Self::decode_value(buf.freeze(), 0)
    }

    /// Parse the NDN URI form, e.g. `/example/testApp/seg=3`.
    pub fn from_uri(uri: &str) -> Result<Name, UriError> {
        let mut buf = BytesMut::new();
        for text in uri::split_uri(uri)? {
            let (typ, value) = uri::parse_component(text)?;
            if let Err(e) = check_component(u64::from(typ), value.len(), 0) {
                return Err(UriError::BadTypedValue {
                    component: text.to_owned(),
                    reason: match e {
                        DecodeError::InvalidValue { reason, .. } => reason,
                        _ => "invalid component",
                    },
                });
            }
            tlv::put_tlv(&mut buf, u64::from(typ), &value);
        }
        Self::decode_value(buf.freeze(), 0).map_err(|_| UriError::BadTypedValue {
            component: uri.to_owned(),
            reason: "invalid name",
        })
    }

    /// Number of components.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True for the empty name `/`.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The TLV-VALUE of the Name element: the concatenated component TLVs.
    pub fn value(&self) -> &Bytes {
        &self.value
    }

    /// Component `i`, or `None` past the end.
    pub fn get(&self, i: usize) -> Option<Component<'_>> {
        if i >= self.len() {
            return None;
        }
        let start = if i == 0 { 0 } else { self.end(i - 1)? };
        let end = self.end(i)?;
        let tlv = self.value.get(start..end)?;
        // the usual component: one-byte TLV-TYPE and TLV-LENGTH (values under 253)
        if let [typ @ 0..0xFD, len @ 0..0xFD, value @ ..] = tlv
            && value.len() == usize::from(*len)
        {
            return Some(Component {
                typ: u16::from(*typ),
                value,
                tlv,
            });
        }
        let mut r = Reader::new(tlv);
        let e = r.read_element().ok()?;
        Some(Component {
            typ: e.tlv_type as u16,
            value: e.value,
            tlv,
        })
    }

    /// The last component.
    pub fn last(&self) -> Option<Component<'_>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Iterate over the components.
    pub fn iter(&self) -> Components<'_> {
        Components {
            name: self,
            front: 0,
            back: self.len(),
        }
    }

    /// The first `n` components (the whole name when `n >= len()`), sharing storage.
    pub fn prefix(&self, n: usize) -> Name {
        if n >= self.len() {
            return self.clone();
        }
        let end = if n == 0 {
            0
        } else {
            self.end(n - 1).unwrap_or(0)
        };
        Name {
            value: self.value.slice(..end),
            ends: self.ends.clone(),
            len: n as u32,
        }
    }

    /// The TLV-VALUE bytes of the first `n` components (all of them when `n >= len()`), without
    /// creating a new name: what a table compares against a stored prefix.
    pub fn prefix_bytes(&self, n: usize) -> &[u8] {
        if n >= self.len() {
            return &self.value;
        }
        let end = match n.checked_sub(1) {
            None => 0,
            Some(i) => self.end(i).unwrap_or(0),
        };
        self.value.get(..end).unwrap_or_default()
    }

    /// The name without its last `n` components.
    pub fn parent(&self, n: usize) -> Name {
        self.prefix(self.len().saturating_sub(n))
    }

    /// True when every component of `self` starts `other` (a name is a prefix of itself).
    pub fn is_prefix_of(&self, other: &Name) -> bool {
        self.len <= other.len && other.value.starts_with(&self.value)
    }

    /// True when `prefix` is a prefix of `self`.
    pub fn starts_with(&self, prefix: &Name) -> bool {
        prefix.is_prefix_of(self)
    }

    /// A new name with one more component.
    pub fn append(&self, typ: u16, value: &[u8]) -> Result<Name, DecodeError> {
        check_component(u64::from(typ), value.len(), self.value.len())?;
        let mut buf =
            BytesMut::with_capacity(self.value.len() + tlv::tlv_len(u64::from(typ), value.len()));
        buf.put_slice(&self.value);
        tlv::put_tlv(&mut buf, u64::from(typ), value);
        Self::decode_value(buf.freeze(), 0)
    }

    /// A new name with all components of `suffix` appended.
    pub fn join(&self, suffix: &Name) -> Name {
        let mut buf = BytesMut::with_capacity(self.value.len() + suffix.value.len());
        buf.put_slice(&self.value);
        buf.put_slice(&suffix.value);
        // both parts are valid, so the concatenation is too
        Self::decode_value(buf.freeze(), 0).unwrap_or_default()
    }

    fn append_infallible(&self, typ: u64, value: &[u8]) -> Name {
        let mut buf = BytesMut::with_capacity(self.value.len() + tlv::tlv_len(typ, value.len()));
        buf.put_slice(&self.value);
        tlv::put_tlv(&mut buf, typ, value);
        Self::decode_value(buf.freeze(), 0).unwrap_or_default()
    }

    fn append_number(&self, typ: u64, n: u64) -> Name {
        let mut v = Vec::with_capacity(8);
        tlv::put_nonneg(&mut v, n);
        self.append_infallible(typ, &v)
    }

    /// Append a GenericNameComponent.
    pub fn append_generic(&self, value: impl AsRef<[u8]>) -> Name {
        self.append_infallible(tt::GENERIC_NAME_COMPONENT, value.as_ref())
    }

    /// Append a SegmentNameComponent (`seg=n`).
    pub fn append_segment(&self, n: u64) -> Name {
        self.append_number(tt::SEGMENT_NAME_COMPONENT, n)
    }

    /// Append a VersionNameComponent (`v=n`).
    pub fn append_version(&self, n: u64) -> Name {
        self.append_number(tt::VERSION_NAME_COMPONENT, n)
    }

    /// Append a ByteOffsetNameComponent (`off=n`).
    pub fn append_byte_offset(&self, n: u64) -> Name {
        self.append_number(tt::BYTE_OFFSET_NAME_COMPONENT, n)
    }

    /// Append a TimestampNameComponent (`t=n`, microseconds since the Unix epoch).
    pub fn append_timestamp(&self, n: u64) -> Name {
        self.append_number(tt::TIMESTAMP_NAME_COMPONENT, n)
    }

    /// Append a SequenceNumNameComponent (`seq=n`).
    pub fn append_sequence_num(&self, n: u64) -> Name {
        self.append_number(tt::SEQUENCE_NUM_NAME_COMPONENT, n)
    }

    /// Append a KeywordNameComponent (e.g. `32=metadata`).
    pub fn append_keyword(&self, value: impl AsRef<[u8]>) -> Name {
        self.append_infallible(tt::KEYWORD_NAME_COMPONENT, value.as_ref())
    }

    /// Append an ImplicitSha256DigestComponent.
    pub fn append_implicit_digest(&self, digest: &[u8; 32]) -> Name {
        self.append_infallible(tt::IMPLICIT_SHA256_DIGEST_COMPONENT, digest)
    }

    /// Append a ParametersSha256DigestComponent.
    pub fn append_parameters_digest(&self, digest: &[u8; 32]) -> Name {
        self.append_infallible(tt::PARAMETERS_SHA256_DIGEST_COMPONENT, digest)
    }

    /// The value of the last component when it is an ImplicitSha256DigestComponent.
    pub fn implicit_digest(&self) -> Option<&[u8]> {
        self.last()
            .filter(|c| c.is_implicit_digest())
            .map(|c| c.value())
    }

    /// Index of the ParametersSha256DigestComponent, if the name has one.
    pub fn parameters_digest_index(&self) -> Option<usize> {
        self.iter().position(|c| c.is_parameters_digest())
    }

    /// How many ParametersSha256DigestComponents the name has, found from the first byte of
    /// each component (type 2 is the single byte 0x02) without decoding the components.
    pub(crate) fn parameters_digest_count(&self) -> usize {
        let is_digest = |start: usize| {
            self.value.get(start).map(|&b| u64::from(b))
                == Some(tt::PARAMETERS_SHA256_DIGEST_COMPONENT)
        };
        let first = usize::from(self.len > 0 && is_digest(0));
        let others = (0..self.len().saturating_sub(1))
            .filter(|&i| self.end(i).is_some_and(is_digest))
            .count();
        first + others
    }

    /// Encoded size of the whole Name element.
    pub fn encoded_len(&self) -> usize {
        tlv::tlv_len(tt::NAME, self.value.len())
    }

    /// Write the whole Name element.
    pub fn encode_to(&self, buf: &mut impl BufMut) {
        tlv::put_tlv(buf, tt::NAME, &self.value);
    }

    /// The whole Name element as bytes.
    pub fn to_tlv(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.encoded_len());
        self.encode_to(&mut buf);
        buf.freeze()
    }

    /// Hashes of every prefix under `key`: `out[i]` is the hash of the first `i` components, for
    /// `i` in `0..=len()`. `out` is cleared first, so a caller can reuse one buffer per packet.
    pub fn prefix_hashes_into(&self, key: u64, out: &mut Vec<u64>) {
        out.clear();
        let value = &self.value[..];
        match &self.ends {
            Ends::Inline(e) => {
                let ends = e.get(..self.len()).unwrap_or_default();
                hash::prefix_hashes(value, ends, key, out);
            }
            Ends::Shared(e) => {
                let ends = e.get(..self.len()).unwrap_or_default();
                hash::prefix_hashes(value, ends, key, out);
            }
        }
    }

    /// The hash of the whole name under `key`; equals the last value of
    /// [`prefix_hashes_into`](Self::prefix_hashes_into).
    pub fn hash_with_key(&self, key: u64) -> u64 {
        let value = &self.value[..];
        match &self.ends {
            Ends::Inline(e) => hash::full_hash(value, e.get(..self.len()).unwrap_or_default(), key),
            Ends::Shared(e) => hash::full_hash(value, e.get(..self.len()).unwrap_or_default(), key),
        }
    }
}

/// Iterator over the components of a [`Name`].
#[derive(Debug, Clone)]
pub struct Components<'a> {
    name: &'a Name,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Components<'a> {
    type Item = Component<'a>;

    fn next(&mut self) -> Option<Component<'a>> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.name.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Components<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.name.get(self.back)
    }
}

impl ExactSizeIterator for Components<'_> {}

/// Check the component rules of PF 2.1: type in 1..=65535, digests exactly 32 bytes.
fn check_component(typ: u64, len: usize, offset: usize) -> Result<(), DecodeError> {
    if typ == 0 || typ > 0xFFFF {
        return Err(DecodeError::InvalidValue {
            element: "NameComponent",
            offset,
            reason: "component type must be 1..=65535",
        });
    }
    if (typ == tt::IMPLICIT_SHA256_DIGEST_COMPONENT
        || typ == tt::PARAMETERS_SHA256_DIGEST_COMPONENT)
        && len != 32
    {
        return Err(DecodeError::InvalidValue {
            element: "NameComponent",
            offset,
            reason: "a SHA-256 digest component must be 32 bytes",
        });
    }
    Ok(())
}

impl Default for Name {
    fn default() -> Self {
        Name::new()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl Eq for Name {}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    /// Canonical order (PF 2.1), which for shortest-form encodings is TLV-VALUE byte order.
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl fmt::Display for Name {
    /// The canonical NDN URI, e.g. `/example/seg=3`; the empty name is `/`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("/");
        }
        for c in self.iter() {
            f.write_str("/")?;
            uri::write_component(f, c.typ(), c.value())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

impl FromStr for Name {
    type Err = UriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Name::from_uri(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(uri: &str) -> Name {
        Name::from_uri(uri).unwrap()
    }

    #[test]
    fn uri_round_trip_of_special_components() {
        for uri in [
            "/",
            "/a/b",
            "/.../..../.....",
            "/a/seg=0/v=1700000000000/off=65536/t=1/seq=9",
            "/a/32=metadata",
            "/a/255=x/65535=%00",
            "/hello%20world/x%2Fy",
        ] {
            assert_eq!(n(uri).to_string(), uri);
        }
        assert_eq!(n("/a/8=generic").to_string(), "/a/generic");
        assert_eq!(n("ndn:/a").to_string(), "/a");
        assert_eq!(n("/a/").to_string(), "/a");
        assert_eq!(n("/...").get(0).unwrap().value(), b"");
    }

    #[test]
    fn non_minimal_typed_number_prints_losslessly() {
        // found by the `tlv` fuzz target: SequenceNum 0x0027 printed as `seq=39`, which parses
        // back to the one-byte 0x27, a different name
        let name = Name::from_components([(58u16, &[0x00, 0x27][..]), (50, &[0x05][..])]).unwrap();
        assert_eq!(name.to_string(), "/58=%00%27/seg=5");
        assert_eq!(n(&name.to_string()), name);
    }

    #[test]
    fn bad_uris_are_rejected() {
        for uri in [
            "a/b",
            "/a/%zz",
            "/a/..",
            "/a/.",
            "/0=x",
            "/65536=x",
            "/sha256digest=00",
        ] {
            assert!(Name::from_uri(uri).is_err(), "{uri}");
        }
    }

    #[test]
    fn prefix_shares_and_compares() {
        let name = n("/a/b/c");
        let p = name.prefix(2);
        assert_eq!(p, n("/a/b"));
        assert_eq!(p.len(), 2);
        assert!(p.is_prefix_of(&name));
        assert!(!name.is_prefix_of(&p));
        assert_eq!(name.prefix(0), Name::new());
        assert_eq!(name.parent(1), p);
        assert_eq!(p.get(1).unwrap().value(), b"b");
        assert!(p.get(2).is_none());
        assert_eq!(p.append_generic("c"), name);
        assert_eq!(name.prefix_bytes(2), &p.value()[..]);
        assert_eq!(name.prefix_bytes(0), b"");
        assert_eq!(name.prefix_bytes(9), &name.value()[..]);
    }

    #[test]
    fn prefix_hashes_agree_with_prefixes() {
        let name = n("/a/bbbbbbbbbbbbbbbbbbbbb/c/seg=7");
        let mut hs = Vec::new();
        name.prefix_hashes_into(42, &mut hs);
        assert_eq!(hs.len(), 5);
        for (i, h) in hs.iter().enumerate() {
            assert_eq!(name.prefix(i).hash_with_key(42), *h, "prefix {i}");
        }
        let mut distinct = hs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 5);
        assert_ne!(name.hash_with_key(1), name.hash_with_key(2));
    }

    #[test]
    fn typed_accessors() {
        let name = n("/a/v=5/seg=3");
        assert_eq!(name.get(1).unwrap().as_version(), Some(5));
        assert_eq!(name.get(2).unwrap().as_segment(), Some(3));
        assert_eq!(name.get(2).unwrap().as_version(), None);
    }

    #[test]
    fn components_read_back_whatever_the_header_sizes() {
        // one-byte type and length (the fast path), then three-byte lengths and types
        let long = vec![b'y'; 300];
        let name = Name::new()
            .append_generic("a")
            .append_generic([b'z'; 252])
            .append_generic([b'z'; 253])
            .append_generic(&long)
            .append(300, b"t")
            .unwrap()
            .append(300, &long)
            .unwrap();
        let got: Vec<(u16, usize)> = (0..name.len())
            .map(|i| {
                let c = name.get(i).unwrap();
                (c.typ(), c.value().len())
            })
            .collect();
        assert_eq!(
            got,
            vec![(8, 1), (8, 252), (8, 253), (8, 300), (300, 1), (300, 300)]
        );
        assert_eq!(name.get(3).unwrap().value(), &long[..]);
        assert_eq!(name.last().unwrap().tlv().len(), 3 + 3 + 300);
        assert!(name.get(name.len()).is_none());
    }

    #[test]
    fn inline_and_shared_offsets_agree() {
        // 11 components stay inline, 12 spill; a value over 64 KiB always spills
        let big = vec![b'x'; 70_000];
        for name in [
            (0..11).fold(Name::new(), |n, i| n.append_segment(i)),
            (0..12).fold(Name::new(), |n, i| n.append_segment(i)),
            Name::new()
                .append_generic("a")
                .append_generic(&big)
                .append_generic("b"),
        ] {
            let parts: Vec<Vec<u8>> = name.iter().map(|c| c.tlv().to_vec()).collect();
            let mut hashes = Vec::new();
            name.prefix_hashes_into(9, &mut hashes);
            for i in 0..=name.len() {
                let p = name.prefix(i);
                assert_eq!(p.len(), i);
                let want: Vec<u8> = parts[..i].concat();
                assert_eq!(&p.value()[..], &want[..]);
                assert_eq!(p.hash_with_key(9), hashes[i]);
                // a prefix rebuilt from its bytes hashes the same
                let again = Name::from_value(p.value().clone()).unwrap();
                assert_eq!(again.hash_with_key(9), hashes[i]);
            }
            assert_eq!(Name::decode(name.to_tlv()).unwrap(), name);
        }
    }

    #[test]
    fn hash_tells_apart_short_tails() {
        // component TLVs of 2..=9 bytes exercise every tail length of the word-at-a-time hash
        let mut seen = std::collections::HashSet::new();
        for len in 0..8usize {
            for pos in 0..len.max(1) {
                for b in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    if let Some(x) = v.get_mut(pos) {
                        *x = b;
                    }
                    seen.insert(v);
                }
            }
        }
        let hashes: std::collections::HashSet<u64> = seen
            .iter()
            .map(|v| Name::new().append_generic(v).hash_with_key(1))
            .collect();
        assert_eq!(hashes.len(), seen.len());
    }

    #[test]
    fn many_components_spill() {
        let uri: String = (0..40).map(|i| format!("/c{i}")).collect();
        let name = n(&uri);
        assert_eq!(name.len(), 40);
        assert_eq!(name.to_string(), uri);
        assert_eq!(name.get(39).unwrap().value(), b"c39");
    }
}
