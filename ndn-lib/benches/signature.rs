//! Micro-benchmarks of the signatures on an `ndnput` segment (8000 bytes of content): what a
//! producer pays per segment to sign it and a consumer to check it, alone and in batches.
//! Figures and the machine are in `docs/performance.md`; run with
//! `cargo bench -p ndn --bench signature`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ndn::sign::{DigestSha256, Ed25519Signer, verify_data};
use ndn::{Data, DataBuilder, Name};
use sha2::{Digest, Sha256, Sha512};

const SEGMENT: usize = 8000;

fn segment(seg: u64) -> DataBuilder {
    DataBuilder::new(
        Name::from_uri("/example/file/v=1700000000000")
            .unwrap()
            .append_segment(seg),
    )
    .freshness_period(10_000)
    .final_segment(12_499)
    .content(vec![0x5A; SEGMENT])
}

fn signatures(c: &mut Criterion) {
    let signer = Ed25519Signer::from_seed(&[7; 32]);
    let verifier = signer.verifier();
    let mut group = c.benchmark_group("segment");
    group.throughput(Throughput::Bytes(SEGMENT as u64));
    let builder = segment(42);
    let content = vec![0x5A; SEGMENT];
    // Ed25519 hashes the message with SHA-512 twice to sign and once to verify
    group.bench_function("SHA-512", |b| {
        b.iter(|| Sha512::digest(black_box(&content)))
    });
    group.bench_function("SHA-256", |b| {
        b.iter(|| Sha256::digest(black_box(&content)))
    });
    group.bench_function("sign DigestSha256", |b| {
        b.iter(|| black_box(&builder).sign(&DigestSha256).unwrap())
    });
    group.bench_function("sign Ed25519", |b| {
        b.iter(|| black_box(&builder).sign(&signer).unwrap())
    });
    let data = Data::decode(builder.sign(&signer).unwrap()).unwrap();
    group.bench_function("verify Ed25519", |b| {
        b.iter(|| verify_data(black_box(&data), &verifier).unwrap())
    });
    for n in [16u64, 64] {
        let batch: Vec<Data> = (0..n)
            .map(|i| Data::decode(segment(i).sign(&signer).unwrap()).unwrap())
            .collect();
        let values: Vec<_> = batch.iter().map(|d| d.signature_value()).collect();
        group.throughput(Throughput::Bytes(SEGMENT as u64 * n));
        group.bench_function(format!("verify Ed25519, batch of {n}"), |b| {
            b.iter(|| {
                let items: Vec<(&[u8], &[u8])> = batch
                    .iter()
                    .zip(&values)
                    .map(|(d, v)| (d.signed_portion(), &v[..]))
                    .collect();
                verifier.verify_batch(black_box(&items)).unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, signatures);
criterion_main!(benches);
