#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;

use super::*;
use crate::packet::{Data, InterestBuilder};
use crate::sign::DigestSha256;

const NOW: u64 = 1_700_000_000_000;

fn name(uri: &str) -> Name {
    Name::from_uri(uri).unwrap()
}

fn opts(segment_size: usize) -> PublishOptions {
    PublishOptions {
        segment_size,
        ..PublishOptions::default()
    }
}

fn interest(uri: &str, can_be_prefix: bool) -> Interest {
    Interest::decode(
        InterestBuilder::new(name(uri))
            .can_be_prefix(can_be_prefix)
            .nonce(1)
            .encode(),
    )
    .unwrap()
}

fn data(reply: Reply) -> Data {
    match reply {
        Reply::Data(wire) => Data::decode(wire).unwrap(),
        other => panic!("expected Data, got {other:?}"),
    }
}

fn publisher(len: usize, segment_size: usize) -> Publisher<Bytes> {
    let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    Publisher::new(
        name("/a/file"),
        Bytes::from(content),
        opts(segment_size),
        NOW,
    )
    .unwrap()
}

#[test]
fn version_from_clock_or_from_name() {
    let p = publisher(10, 4);
    assert_eq!(p.versioned_name().to_string(), format!("/a/file/v={NOW}"));
    assert_eq!(p.prefix().to_string(), "/a/file");
    assert_eq!(p.version(), NOW);
    let given = Publisher::new(name("/a/file/v=7"), Bytes::new(), opts(4), NOW).unwrap();
    assert_eq!(given.versioned_name().to_string(), "/a/file/v=7");
    assert_eq!(given.prefix().to_string(), "/a/file");
}

/// Segment count and the size of each segment at the boundaries.
#[test]
fn segment_sizes_at_boundaries() {
    let size = 100;
    for (len, expected) in [
        (0usize, vec![0usize]),
        (1, vec![1]),
        (size, vec![size]),
        (size + 1, vec![size, 1]),
        (3 * size, vec![size, size, size]),
    ] {
        let mut p = publisher(len, size);
        assert_eq!(p.segment_count(), expected.len() as u64, "len {len}");
        let mut all = Vec::new();
        for (i, want) in expected.iter().enumerate() {
            let d = Data::decode(p.segment(i as u64, &DigestSha256).unwrap()).unwrap();
            assert_eq!(d.content_len(), *want, "len {len} segment {i}");
            assert_eq!(d.final_segment(), Some(expected.len() as u64 - 1));
            assert_eq!(d.name(), &p.versioned_name().append_segment(i as u64));
            all.extend_from_slice(&d.content());
        }
        let original: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        assert_eq!(all, original);
        assert!(matches!(
            p.segment(expected.len() as u64, &DigestSha256),
            Err(PublishError::NoSuchSegment { .. })
        ));
    }
}

#[test]
fn segments_carry_freshness_and_final_block() {
    let mut p = publisher(250, 100);
    let d = data(
        p.handle_interest(
            &interest(&format!("/a/file/v={NOW}/seg=1"), false),
            &DigestSha256,
            NOW,
        )
        .unwrap(),
    );
    assert_eq!(d.freshness_period(), Some(10_000));
    assert_eq!(d.final_segment(), Some(2));
    let mut no_fresh = Publisher::new(
        name("/x"),
        Bytes::from_static(b"abc"),
        PublishOptions {
            freshness: None,
            ..PublishOptions::default()
        },
        NOW,
    )
    .unwrap();
    let d = Data::decode(no_fresh.segment(0, &DigestSha256).unwrap()).unwrap();
    assert_eq!(d.freshness_period(), None);
}

#[test]
fn metadata_reply() {
    let mut p = publisher(10, 4);
    let later = NOW + 5;
    let d = data(
        p.handle_interest(&interest("/a/file/32=metadata", true), &DigestSha256, later)
            .unwrap(),
    );
    assert_eq!(
        d.name().to_string(),
        format!("/a/file/32=metadata/v={later}/seg=0")
    );
    assert_eq!(Name::decode(d.content()).unwrap(), *p.versioned_name());
    assert_eq!(d.freshness_period(), Some(1000));
    assert_eq!(
        crate::fetch::discovery::parse_metadata(&d).unwrap(),
        *p.versioned_name()
    );
    // a discovery Interest must allow a longer name
    assert_eq!(
        p.handle_interest(
            &interest("/a/file/32=metadata", false),
            &DigestSha256,
            later
        )
        .unwrap(),
        Reply::Nack(NackReason::None)
    );
    assert_eq!(p.served_count(), 0, "metadata is not a segment");
}

#[test]
fn can_be_prefix_on_name_or_version_gets_segment_zero() {
    let mut p = publisher(250, 100);
    for uri in ["/a/file".to_owned(), format!("/a/file/v={NOW}")] {
        let d = data(
            p.handle_interest(&interest(&uri, true), &DigestSha256, NOW)
                .unwrap(),
        );
        assert_eq!(d.name(), &p.versioned_name().append_segment(0));
    }
    assert_eq!(
        p.handle_interest(&interest("/a/file", false), &DigestSha256, NOW)
            .unwrap(),
        Reply::Ignore,
        "exact /a/file names no Data"
    );
}

#[test]
fn nack_inside_the_publication_ignore_outside() {
    let mut p = publisher(250, 100);
    let v = p.versioned_name().to_string();
    for uri in [
        format!("{v}/seg=3"),
        format!("{v}/other"),
        format!("{v}/seg=0/extra"),
        v.clone(),
    ] {
        assert_eq!(
            p.handle_interest(&interest(&uri, false), &DigestSha256, NOW)
                .unwrap(),
            Reply::Nack(NackReason::None),
            "{uri}"
        );
    }
    for uri in ["/a/other", "/a/file/v=1/seg=0", "/b", "/a"] {
        assert_eq!(
            p.handle_interest(&interest(uri, true), &DigestSha256, NOW)
                .unwrap(),
            Reply::Ignore,
            "{uri}"
        );
    }
}

#[test]
fn tracks_served_segments() {
    let mut p = publisher(250, 100);
    assert!(!p.all_served());
    p.segment(1, &DigestSha256).unwrap();
    p.segment(1, &DigestSha256).unwrap();
    assert!(p.was_served(1) && !p.was_served(0));
    assert_eq!(p.served_count(), 1);
    p.segment(0, &DigestSha256).unwrap();
    p.segment(2, &DigestSha256).unwrap();
    assert!(p.all_served());
}

/// Counts reads, to show the cache spares them.
struct Counting {
    content: Vec<u8>,
    reads: Cell<u32>,
}

impl SegmentSource for Counting {
    fn len(&self) -> u64 {
        self.content.len() as u64
    }
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reads.set(self.reads.get() + 1);
        self.content.read_at(offset, buf)
    }
}

#[test]
fn cache_keeps_recent_signed_segments() {
    let src = Counting {
        content: vec![7; 1000],
        reads: Cell::new(0),
    };
    let o = PublishOptions {
        segment_size: 100,
        cache_capacity: 2,
        ..PublishOptions::default()
    };
    let mut p = Publisher::new(name("/c"), src, o, NOW).unwrap();
    let first = p.segment(0, &DigestSha256).unwrap();
    p.segment(1, &DigestSha256).unwrap();
    assert_eq!(p.segment(0, &DigestSha256).unwrap(), first);
    assert_eq!(p.source().reads.get(), 2, "segment 0 came from the cache");
    p.segment(2, &DigestSha256).unwrap(); // evicts 1 (0 was used more recently)
    p.segment(0, &DigestSha256).unwrap();
    assert_eq!(p.source().reads.get(), 3);
    p.segment(1, &DigestSha256).unwrap();
    assert_eq!(p.source().reads.get(), 4);
}

/// Claims more bytes than it has.
struct Liar;

impl SegmentSource for Liar {
    fn len(&self) -> u64 {
        10
    }
    fn read_at(&self, _: u64, _: &mut [u8]) -> std::io::Result<usize> {
        Ok(0)
    }
}

#[test]
fn errors() {
    assert!(matches!(
        Publisher::new(name("/z"), Bytes::new(), opts(0), NOW),
        Err(PublishError::ZeroSegmentSize)
    ));
    let mut p = Publisher::new(name("/z"), Liar, opts(4), NOW).unwrap();
    assert!(matches!(
        p.segment(0, &DigestSha256),
        Err(PublishError::ShortRead { segment: 0 })
    ));
}

/// Signs with Ed25519 and counts its signatures; `max` is the room it asks for.
struct CountingSigner {
    inner: crate::sign::Ed25519Signer,
    signed: Cell<u32>,
    max: usize,
}

impl CountingSigner {
    fn new(max: usize) -> Self {
        CountingSigner {
            inner: crate::sign::Ed25519Signer::from_seed(&[3; 32])
                .with_key_locator(Some(crate::packet::KeyLocator::Name(name("/a/KEY/k1")))),
            signed: Cell::new(0),
            max,
        }
    }
}

impl Signer for CountingSigner {
    fn signature_type(&self) -> u64 {
        self.inner.signature_type()
    }
    fn key_locator(&self) -> Option<crate::packet::KeyLocator> {
        self.inner.key_locator()
    }
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        self.signed.set(self.signed.get() + 1);
        self.inner.sign(parts)
    }
    fn max_signature_len(&self) -> usize {
        self.max
    }
}

#[test]
fn presigned_segments_are_the_same_data_without_signing_again() {
    // 10 segments, the last one short; the cache off so every request rebuilds its Data
    let o = PublishOptions {
        segment_size: 100,
        cache_capacity: 0,
        ..PublishOptions::default()
    };
    let content = Bytes::from((0..950u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    let mut on_demand = Publisher::new(name("/a/file"), content.clone(), o.clone(), NOW).unwrap();
    let mut presigned = Publisher::new(name("/a/file"), content, o, NOW).unwrap();
    let signer = CountingSigner::new(64);
    // in three pieces, as three threads would; the last range runs past the end
    for range in [0..3, 3..4, 4..100] {
        let table = presigned.sign_range(range, &signer).unwrap();
        assert!(presigned.add_signatures(table));
    }
    assert_eq!(signer.signed.get(), 10);
    assert_eq!(presigned.signatures().unwrap().segments(), 0..10);
    let verifier = signer.inner.verifier();
    for seg in 0..10 {
        let a = on_demand.segment(seg, &signer).unwrap();
        let b = presigned.segment(seg, &signer).unwrap();
        assert_eq!(a, b, "segment {seg}");
        crate::sign::verify_data(&Data::decode(b).unwrap(), &verifier).unwrap();
    }
    assert_eq!(
        signer.signed.get(),
        20,
        "only the on-demand publisher signed"
    );
    assert!(presigned.all_served());
    // the metadata is still signed when asked for
    presigned
        .metadata(&name("/a/file/32=metadata"), &signer, NOW)
        .unwrap();
    assert_eq!(signer.signed.get(), 21);
}

#[test]
fn signature_tables_must_follow_each_other() {
    let p = publisher(1000, 100);
    let signer = CountingSigner::new(64);
    let mut q = publisher(1000, 100);
    assert!(
        !q.add_signatures(p.sign_range(2..4, &signer).unwrap()),
        "gap at 0"
    );
    assert!(q.add_signatures(p.sign_range(0..2, &signer).unwrap()));
    assert!(
        !q.add_signatures(p.sign_range(3..5, &signer).unwrap()),
        "gap at 2"
    );
    assert!(
        !q.add_signatures(p.sign_range(2..4, &DigestSha256).unwrap()),
        "another signer"
    );
    assert!(q.add_signatures(p.sign_range(2..4, &signer).unwrap()));
    let t = q.signatures().unwrap();
    assert_eq!(t.segments(), 0..4);
    assert!(t.get(4).is_none());
    assert_eq!(t.get(3).map(<[u8]>::len), Some(64));
    // segments without a stored signature are signed on demand
    let before = signer.signed.get();
    q.segment(7, &signer).unwrap();
    assert_eq!(signer.signed.get(), before + 1);
}

/// A signer whose signatures grow by 8 bytes each time, past the 8 it announces.
struct Growing(Cell<usize>);

impl Signer for Growing {
    fn signature_type(&self) -> u64 {
        200
    }
    fn key_locator(&self) -> Option<crate::packet::KeyLocator> {
        None
    }
    fn sign(&self, parts: &[&[u8]]) -> Result<Vec<u8>, SignError> {
        let n = self.0.get() + 8;
        self.0.set(n);
        let first = parts.first().and_then(|p| p.last()).copied().unwrap_or(0);
        Ok((0..n).map(|i| first.wrapping_add(i as u8)).collect())
    }
    fn max_signature_len(&self) -> usize {
        8
    }
}

#[test]
fn a_signer_longer_than_announced_widens_the_table() {
    let p = publisher(500, 100);
    let signer = Growing(Cell::new(0));
    let mut table = p.sign_range(0..2, &signer).unwrap();
    assert!(table.append(&p.sign_range(2..5, &signer).unwrap()));
    let mut q = publisher(500, 100);
    assert!(q.add_signatures(table));
    for seg in 0..5u64 {
        let d = Data::decode(q.segment(seg, &DigestSha256).unwrap()).unwrap();
        assert_eq!(d.signature_type(), 200);
        let len = 8 * (seg as usize + 1);
        let value = d.signature_value();
        assert_eq!(value.len(), len, "segment {seg}");
        assert_eq!(q.signatures().unwrap().get(seg), Some(&value[..]));
        assert!(value.windows(2).all(|w| w[1] == w[0].wrapping_add(1)));
    }
}
