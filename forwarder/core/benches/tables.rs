//! Micro-benchmarks of the forwarding tables at scale: FIB longest-prefix match at 1M prefixes,
//! content store hits at 1M entries, PIT insert + satisfy, and name hashing.
//!
//! Run: `cargo bench -p ndn-fw --bench tables`

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use ndn::{Data, Interest, InterestBuilder, Name};
use ndn_fw::FaceId;
use ndn_fw::table::{Cs, Fib, Pit};

use common::{SplitMix, data_wire, fib_prefixes, interest_wire, timed, under};

const KEY: u64 = 0x0123_4567_89ab_cdef;
const QUERIES: usize = 1 << 16;

fn hashes(name: &Name) -> Vec<u64> {
    let mut h = Vec::new();
    name.prefix_hashes_into(KEY, &mut h);
    h
}

fn fib(c: &mut Criterion) {
    let n = 1_000_000;
    let prefixes = fib_prefixes(n, 1);
    let mut fib = Fib::default();
    for (i, p) in prefixes.iter().enumerate() {
        fib.add_next_hop(p, p.hash_with_key(KEY), FaceId(256 + (i % 16) as u64), 10);
    }
    assert_eq!(fib.len(), n);
    // queries: Data-like names under random prefixes, visited in random order
    let mut rng = SplitMix(2);
    let queries: Vec<(Name, Vec<u64>)> = (0..QUERIES)
        .map(|i| {
            let p = &prefixes[rng.below(n as u64) as usize];
            let q = under(p, 1, i as u64);
            let h = hashes(&q);
            (q, h)
        })
        .collect();
    // the same kind of queries, under a hot set of 1024 prefixes (what a cache-friendly
    // workload looks like)
    let hot: Vec<usize> = (0..1024).map(|_| rng.below(n as u64) as usize).collect();
    let hot_queries: Vec<(Name, Vec<u64>)> = (0..QUERIES)
        .map(|i| {
            let p = &prefixes[hot[rng.below(hot.len() as u64) as usize]];
            let q = under(p, 1, i as u64);
            let h = hashes(&q);
            (q, h)
        })
        .collect();
    for (q, h) in queries.iter().chain(&hot_queries) {
        assert!(fib.longest_prefix_match(q, h).is_some());
    }
    let mut g = c.benchmark_group("fib_1M");
    let mut i = 0;
    g.bench_function("lpm_precomputed_hashes", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (q, h) = &queries[i];
                black_box(
                    fib.longest_prefix_match(q, h)
                        .map(|(_, e)| e.next_hops()[0]),
                );
            })
        })
    });
    let mut buf = Vec::with_capacity(16);
    g.bench_function("lpm_with_hashing", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let q = &queries[i].0;
                q.prefix_hashes_into(KEY, &mut buf);
                black_box(
                    fib.longest_prefix_match(q, &buf)
                        .map(|(_, e)| e.next_hops()[0]),
                );
            })
        })
    });
    g.bench_function("lpm_precomputed_hashes_hot_1024_prefixes", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (q, h) = &hot_queries[i];
                black_box(
                    fib.longest_prefix_match(q, h)
                        .map(|(_, e)| e.next_hops()[0]),
                );
            })
        })
    });
    // 1024 queries over and over: every line a lookup reads stays in the cache, so this is
    // the instructions' share of a lookup
    g.bench_function("lpm_precomputed_hashes_same_1024_queries", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (q, h) = &hot_queries[i % 1024];
                black_box(
                    fib.longest_prefix_match(q, h)
                        .map(|(_, e)| e.next_hops()[0]),
                );
            })
        })
    });
    g.finish();
}

fn cs(c: &mut Criterion) {
    let n = 1_000_000;
    let mut cs = Cs::new(n, usize::MAX);
    let prefixes = fib_prefixes(n / 4, 3);
    let mut names = Vec::with_capacity(n);
    let now = Duration::from_secs(1);
    for i in 0..n {
        let name = under(&prefixes[i / 4], 1, (i % 4) as u64);
        let data = Data::decode(data_wire(&name, 100)).unwrap();
        cs.insert(now, &data, name.hash_with_key(KEY));
        names.push(name);
    }
    assert_eq!(cs.len(), n);
    let mut rng = SplitMix(4);
    let exact: Vec<(Interest, Vec<u64>)> = (0..QUERIES)
        .map(|_| {
            let name = &names[rng.below(n as u64) as usize];
            let i = Interest::decode(interest_wire(name, 1)).unwrap();
            let h = hashes(name);
            (i, h)
        })
        .collect();
    // CanBePrefix: ask for the version prefix, which the four segments share
    let prefix: Vec<(Interest, Vec<u64>)> = (0..QUERIES)
        .map(|_| {
            let name = names[rng.below(n as u64) as usize].parent(1);
            let w = InterestBuilder::new(name.clone())
                .can_be_prefix(true)
                .nonce(1)
                .encode();
            let h = hashes(&name);
            (Interest::decode(w).unwrap(), h)
        })
        .collect();
    let hot: Vec<(Interest, Vec<u64>)> = (0..QUERIES).map(|i| exact[i % 1024].clone()).collect();
    let mut g = c.benchmark_group("cs_1M");
    let mut i = 0;
    g.bench_function("hit_exact", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (q, h) = &exact[i];
                black_box(cs.lookup(now, q, h).unwrap());
            })
        })
    });
    // what the forwarder sees: a packet it has just decoded, so the Interest and its name
    // hashes are in the CPU's cache and only the table is cold. Each batch of queries is decoded
    // from its wire outside the timing, then the lookups are timed.
    const BATCH: usize = 64;
    let wires: Vec<bytes::Bytes> = exact.iter().map(|(q, _)| q.wire().clone()).collect();
    let mut fresh: Vec<(Interest, Vec<u64>)> = Vec::with_capacity(BATCH);
    g.bench_function("hit_exact_packet_in_cache", |b| {
        b.iter_custom(|n| {
            let mut total = Duration::ZERO;
            let mut left = n;
            while left > 0 {
                let k = left.min(BATCH as u64);
                left -= k;
                fresh.clear();
                for _ in 0..k {
                    i = (i + 1) % QUERIES;
                    let q = Interest::decode(wires[i].clone()).unwrap();
                    let h = hashes(q.name());
                    fresh.push((q, h));
                }
                let mut next = fresh.iter();
                total += timed(k, || {
                    let (q, h) = next.next().unwrap();
                    black_box(cs.lookup(now, q, h).unwrap());
                });
            }
            total
        })
    });
    let mut buf = Vec::with_capacity(16);
    g.bench_function("hit_exact_with_hashing", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let q = &exact[i].0;
                q.name().prefix_hashes_into(KEY, &mut buf);
                black_box(cs.lookup(now, q, &buf).unwrap());
            })
        })
    });
    g.bench_function("hit_can_be_prefix", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (q, h) = &prefix[i];
                black_box(cs.lookup(now, q, h).unwrap());
            })
        })
    });
    g.bench_function("hit_exact_hot_1024_names", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (q, h) = &hot[i];
                black_box(cs.lookup(now, q, h).unwrap());
            })
        })
    });
    g.finish();
    // keep the names alive until here so the cache did not hold the only reference
    black_box(&names);
}

fn pit(c: &mut Criterion) {
    // background: 100k pending entries, so the PIT is not trivially small
    let mut pit = Pit::new(usize::MAX);
    let now = Duration::from_secs(1);
    let background = fib_prefixes(100_000, 5);
    for p in &background {
        let name = under(p, 1, 0);
        let i = Interest::decode(interest_wire(&name, 1)).unwrap();
        let (id, _) = pit.insert(&i, name.hash_with_key(KEY)).unwrap();
        pit.get_mut(id)
            .unwrap()
            .insert_or_update_in_record(FaceId(300), &i, None, false, now);
    }
    // the measured packets: a pool of distinct names; each entry is gone after its Data, so the
    // pool can be reused
    let prefix = Name::from_uri("/example/video/stream").unwrap();
    let pool: Vec<(Interest, Data, Vec<u64>)> = (0..QUERIES)
        .map(|i| {
            let name = prefix.append_sequence_num(i as u64);
            let interest = Interest::decode(interest_wire(&name, i as u32)).unwrap();
            let data = Data::decode(data_wire(&name, 100)).unwrap();
            let h = hashes(&name);
            (interest, data, h)
        })
        .collect();
    let face = FaceId(300);
    let mut i = 0;
    let mut matches = Vec::new();
    c.bench_function("pit/insert_satisfy_bg100k", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                i = (i + 1) % QUERIES;
                let (interest, data, h) = &pool[i];
                let (id, created) = pit.insert(interest, h[h.len() - 1]).unwrap();
                debug_assert!(created);
                pit.get_mut(id)
                    .unwrap()
                    .insert_or_update_in_record(face, interest, None, false, now);
                pit.data_matches_into(data, h, || unreachable!("no digest entries"), &mut matches);
                for &m in &matches {
                    black_box(pit.erase(m));
                }
            })
        })
    });
    assert_eq!(pit.len(), background.len());
}

fn name_hash(c: &mut Criterion) {
    let name = Name::from_uri("/example/video/stream")
        .unwrap()
        .append_version(1)
        .append_segment(42);
    let mut buf = Vec::with_capacity(16);
    c.bench_function("name/prefix_hashes_5_components", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                black_box(&name).prefix_hashes_into(KEY, &mut buf);
                black_box(buf[5]);
            })
        })
    });
}

/// The cost of one random read from memory on this machine: a pointer chase through a random
/// cycle over 256 MiB, each read depending on the previous one. Tables at 1M entries pay this
/// for every cache line they touch that is not cached. The same chase over smaller areas shows
/// how much of the cache a table can count on (on a shared host, less than the CPU has).
fn memory(c: &mut Criterion) {
    for mib in [1u32, 2, 4, 16, 256] {
        let n: u32 = mib << 18;
        // Sattolo's algorithm: a single cycle through every index
        let mut next: Vec<u32> = (0..n).collect();
        let mut rng = SplitMix(6);
        for i in (1..n as usize).rev() {
            let j = rng.below(i as u64) as usize;
            next.swap(i, j);
        }
        let mut at = 0u32;
        c.bench_function(&format!("memory/dependent_random_read_{mib}MiB"), |b| {
            b.iter_custom(|n| {
                timed(n, || {
                    at = next[at as usize];
                })
            })
        });
        black_box(at);
        if mib == 256 {
            // reads whose addresses do not depend on each other: the CPU overlaps them, so
            // this is how many random lines memory delivers per second, the floor under any
            // lookup that reads that many lines, however well its misses overlap
            let picks: Vec<u32> = (0..1u32 << 20)
                .map(|_| rng.below(u64::from(n)) as u32)
                .collect();
            let (mut k, mut sum) = (0usize, 0u32);
            // 16 reads per iteration, timed as one: the per-read time is a sixteenth
            c.bench_function("memory/independent_random_reads_256MiB_x16", |b| {
                b.iter_custom(|n| {
                    timed(n, || {
                        k = (k + 16) & (picks.len() - 1);
                        for &p in &picks[k..k + 16] {
                            sum = sum.wrapping_add(next[p as usize]);
                        }
                    })
                })
            });
            black_box(sum);
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(4));
    targets = name_hash, pit, fib, cs, memory
}
fn main() {
    common::bench_main(benches);
}
