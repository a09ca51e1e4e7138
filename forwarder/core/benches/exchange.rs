//! A full Interest -> Data exchange through the forwarding core's public API, with a FIB of
//! 100k prefixes and the content store on: `handle_packet` of an Interest from a consumer face,
//! `poll_transmit` of the forwarded Interest, `handle_packet` of the Data from the producer
//! face, `poll_transmit` of the Data. Every exchange uses a new name, so the content store
//! never answers; packets are encoded before the timed loop.
//!
//! Run: `cargo bench -p ndn-fw --bench exchange`

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use ndn::{Data, Interest, Name};
use ndn_fw::{
    FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields, OutPacket, StrategyKind,
};

use common::{Stamp, data_wire, fib_prefixes, interest_wire, timed};

/// Virtual time between two exchanges (about the target rate of one core).
const STEP: Duration = Duration::from_nanos(1500);
/// Packets encoded ahead of each timed chunk.
const CHUNK: usize = 4096;

struct Exchange {
    fw: Forwarder,
    consumer: FaceId,
    producer: FaceId,
    prefix: Name,
    now: Duration,
    seq: u64,
}

impl Exchange {
    /// `strategy` for the exchanged prefix (best-route, the default, when `None`).
    fn new(fib_size: usize, strategy: Option<StrategyKind>) -> Self {
        let mut fw = Forwarder::new(ForwarderConfig::default());
        let now = Duration::from_secs(1);
        let consumer = fw.add_face(
            now,
            FaceInfo::new(
                "udp4://192.0.2.1:6363",
                "udp4://192.0.2.254:6363",
                FaceScope::NonLocal,
            ),
        );
        let producer = fw.add_face(
            now,
            FaceInfo::new(
                "udp4://192.0.2.2:6363",
                "udp4://192.0.2.254:6363",
                FaceScope::NonLocal,
            ),
        );
        // the background routes point to faces that never see traffic in this bench
        let other = fw.add_face(
            now,
            FaceInfo::new(
                "udp4://192.0.2.3:6363",
                "udp4://192.0.2.254:6363",
                FaceScope::NonLocal,
            ),
        );
        for p in fib_prefixes(fib_size, 7) {
            fw.add_next_hop(&p, other, 10);
        }
        let prefix = Name::from_uri("/example/video/stream").unwrap();
        fw.add_next_hop(&prefix, producer, 10);
        if let Some(kind) = strategy {
            fw.set_strategy(&prefix, kind);
        }
        while fw.poll_transmit().is_some() {}
        Exchange {
            fw,
            consumer,
            producer,
            prefix,
            now,
            seq: 0,
        }
    }

    /// Encode the next `n` exchanges (new names).
    fn encode(&mut self, n: usize) -> Vec<(Bytes, Bytes)> {
        (0..n)
            .map(|_| {
                self.seq += 1;
                let name = self.prefix.append_sequence_num(self.seq);
                (interest_wire(&name, self.seq as u32), data_wire(&name, 100))
            })
            .collect()
    }

    /// [`run`](Self::run) under its own name, so a profiler can count only the measured
    /// exchanges: `valgrind --tool=callgrind --toggle-collect='*Exchange*measured*'`.
    #[inline(never)]
    fn measured(&mut self, packets: Vec<(Bytes, Bytes)>) -> usize {
        self.run(packets)
    }

    /// Run the exchanges, driving timers the way a driver does; returns packets sent.
    fn run(&mut self, packets: Vec<(Bytes, Bytes)>) -> usize {
        let mut sent = 0;
        for (interest, data) in packets {
            self.now += STEP;
            if self.fw.poll_timeout().is_some_and(|t| t <= self.now) {
                self.fw.handle_timeout(self.now);
            }
            self.fw
                .handle_packet(self.now, self.consumer, interest, LinkFields::default());
            while let Some(t) = self.fw.poll_transmit() {
                debug_assert_eq!(t.face, self.producer);
                sent += black_box(t).face.0 as usize & 1;
            }
            self.fw
                .handle_packet(self.now, self.producer, data, LinkFields::default());
            while let Some(t) = self.fw.poll_transmit() {
                debug_assert!(matches!(t.packet, OutPacket::Data(_)));
                sent += black_box(t).face.0 as usize & 1;
            }
        }
        sent
    }
}

fn exchange(c: &mut Criterion) {
    exchange_with(c, "exchange/interest_data_fib100k_cs_on", None);
    // ASF measures each round trip and watches each Interest's upstream with a timer
    exchange_with(
        c,
        "exchange/interest_data_fib100k_cs_on_asf",
        Some(StrategyKind::Asf),
    );
}

fn exchange_with(c: &mut Criterion, id: &str, strategy: Option<StrategyKind>) {
    let mut x = Exchange::new(100_000, strategy);
    // check the setup once: each exchange forwards one Interest and returns one Data
    let warm = x.encode(16);
    x.run(warm);
    assert_eq!(x.fw.counters().n_out_data, 16);
    assert_eq!(x.fw.counters().n_out_interests, 16);
    assert_eq!(x.fw.pit().len(), 0);
    // fill the content store, so every measured insert also evicts (the steady state)
    let capacity = x.fw.cs().capacity_packets();
    while x.fw.cs().len() < capacity {
        let packets = x.encode(CHUNK);
        x.run(packets);
    }
    c.bench_function(id, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters as usize;
            while left > 0 {
                let n = left.min(CHUNK);
                let packets = x.encode(n);
                let t = Stamp::now();
                black_box(x.measured(packets));
                total += t.elapsed();
                left -= n;
            }
            total
        })
    });
    assert_eq!(x.fw.counters().n_out_data, x.fw.counters().n_out_interests);
}

fn codec(c: &mut Criterion) {
    let name = Name::from_uri("/example/video/stream")
        .unwrap()
        .append_sequence_num(123_456);
    c.bench_function("codec/encode_interest", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                black_box(interest_wire(black_box(&name), 7));
            })
        })
    });
    c.bench_function("codec/encode_sign_data_100B", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                black_box(data_wire(black_box(&name), 100));
            })
        })
    });
    let iw = interest_wire(&name, 7);
    let dw = data_wire(&name, 100);
    c.bench_function("codec/decode_interest", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                black_box(Interest::decode(black_box(iw.clone())).unwrap());
            })
        })
    });
    c.bench_function("codec/decode_data", |b| {
        b.iter_custom(|n| {
            timed(n, || {
                black_box(Data::decode(black_box(dw.clone())).unwrap());
            })
        })
    });
}

criterion_group!(benches, exchange, codec);
fn main() {
    common::bench_main(benches);
}
