//! Runs one codec operation of `benches/codec.rs` N times in a plain loop, for instruction
//! counts that do not depend on how busy the machine is:
//!
//! ```sh
//! cargo build --release -p ndn --example codec_loop
//! valgrind --tool=callgrind target/release/examples/codec_loop decode-interest 20000
//! ```
//!
//! Subtract a run with N = 0 and divide by N. Operations: `decode-interest`, `decode-data`,
//! `encode-interest`, `prefix-hashes`, `from-uri`, `sign-data`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use ndn::sign::DigestSha256;
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name};

const NAME4: &str = "/example/video/v=1700000000000/seg=42";
const NAME6: &str = "/ndn/edu/ucla/video/v=1700000000000/seg=42";

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(op), Some(n)) = (args.next(), args.next()) else {
        eprintln!("usage: codec_loop OPERATION N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let interest = InterestBuilder::new(Name::from_uri(NAME4).unwrap())
        .nonce(0x1234_5678)
        .lifetime_ms(4000);
    let interest_wire = interest.encode();
    let data = DataBuilder::new(Name::from_uri(NAME4).unwrap())
        .freshness_period(10_000)
        .content(vec![0x5A; 1024]);
    let data_wire = data.sign(&DigestSha256).unwrap();
    let name6 = Name::from_uri(NAME6).unwrap();
    let mut hashes = Vec::with_capacity(8);
    for _ in 0..n {
        match op.as_str() {
            "decode-interest" => {
                black_box(Interest::decode(black_box(interest_wire.clone())).unwrap());
            }
            "decode-data" => {
                black_box(Data::decode(black_box(data_wire.clone())).unwrap());
            }
            "encode-interest" => {
                black_box(black_box(&interest).encode());
            }
            "prefix-hashes" => {
                black_box(&name6).prefix_hashes_into(0x5EED, &mut hashes);
                black_box(hashes.last());
            }
            "from-uri" => {
                black_box(Name::from_uri(black_box(NAME6)).unwrap());
            }
            "sign-data" => {
                black_box(black_box(&data).sign(&DigestSha256).unwrap());
            }
            other => {
                eprintln!("unknown operation {other}");
                std::process::exit(2);
            }
        }
    }
}
