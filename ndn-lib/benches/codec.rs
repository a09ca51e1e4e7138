//! Micro-benchmarks of the packet codec (criterion). Figures and the machine they were taken on
//! are recorded in `docs/performance.md`; run with `cargo bench -p ndn --bench codec`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndn::sign::DigestSha256;
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name};

/// A typical consumer Interest: 4-component name, Nonce, InterestLifetime.
fn typical_interest() -> InterestBuilder {
    InterestBuilder::new(Name::from_uri("/example/video/v=1700000000000/seg=42").unwrap())
        .nonce(0x1234_5678)
        .lifetime_ms(4000)
}

fn data_1k() -> DataBuilder {
    DataBuilder::new(Name::from_uri("/example/video/v=1700000000000/seg=42").unwrap())
        .freshness_period(10_000)
        .content(vec![0x5A; 1024])
}

fn codec(c: &mut Criterion) {
    let interest_wire = typical_interest().encode();
    c.bench_function("decode Interest (4 components, Nonce, lifetime)", |b| {
        b.iter(|| Interest::decode(black_box(interest_wire.clone())).unwrap())
    });

    let data_wire = data_1k().sign(&DigestSha256).unwrap();
    c.bench_function("decode Data (1 KB content, no signature check)", |b| {
        b.iter(|| Data::decode(black_box(data_wire.clone())).unwrap())
    });

    let builder = typical_interest();
    c.bench_function("encode Interest (InterestBuilder::encode)", |b| {
        b.iter(|| black_box(&builder).encode())
    });

    let name6 = Name::from_uri("/ndn/edu/ucla/video/v=1700000000000/seg=42").unwrap();
    let mut hashes = Vec::with_capacity(8);
    c.bench_function("prefix hashes of a 6-component name", |b| {
        b.iter(|| {
            black_box(&name6).prefix_hashes_into(0x5EED, &mut hashes);
            black_box(hashes.last().copied())
        })
    });

    c.bench_function("Name::from_uri (6 components)", |b| {
        b.iter(|| Name::from_uri(black_box("/ndn/edu/ucla/video/v=1700000000000/seg=42")).unwrap())
    });

    let builder = data_1k();
    let mut group = c.benchmark_group("sign");
    group.throughput(Throughput::Bytes(1024));
    group.bench_function("Data sign DigestSha256 (1 KB content)", |b| {
        b.iter(|| black_box(&builder).sign(&DigestSha256).unwrap())
    });
    group.finish();
}

criterion_group!(benches, codec);
criterion_main!(benches);
