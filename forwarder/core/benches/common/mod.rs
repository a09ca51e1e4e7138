//! Shared workload generators for the forwarding-core benches: seeded, so every run measures
//! the same names.

#![allow(dead_code, unreachable_pub)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use bytes::Bytes;
use ndn::sign::DigestSha256;
use ndn::{DataBuilder, InterestBuilder, Name};

/// Run the bench with its heap on transparent huge pages, as `ndnd` and `ndnsim` run (see
/// `ndn::huge_pages`); `NDN_BENCH_HUGE_PAGES=0` measures with 4 KiB pages instead. Then run
/// the criterion groups and print criterion's summary.
pub fn bench_main(groups: fn()) {
    ndn::huge_pages::reexec_with_huge_pages("NDN_BENCH_HUGE_PAGES");
    groups();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

/// SplitMix64: a tiny seeded generator for workload shapes.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A lowercase word of 3..=10 letters.
fn word(rng: &mut SplitMix) -> String {
    let len = 3 + rng.below(8) as usize;
    (0..len)
        .map(|_| char::from(b'a' + rng.below(26) as u8))
        .collect()
}

/// `n` distinct routable prefixes of 2..=4 generic components, like `/edu/ucla/cs`, plus the
/// index as the last component so they never collide.
pub fn fib_prefixes(n: usize, seed: u64) -> Vec<Name> {
    let mut rng = SplitMix(seed);
    (0..n)
        .map(|i| {
            let depth = 1 + rng.below(3) as usize;
            let mut name = Name::new();
            for _ in 0..depth {
                name = name.append_generic(word(&mut rng));
            }
            name.append_generic(format!("{i}"))
        })
        .collect()
}

/// A name under `prefix` the way applications name Data: a version and a segment.
pub fn under(prefix: &Name, version: u64, segment: u64) -> Name {
    prefix.append_version(version).append_segment(segment)
}

/// An Interest wire (Nonce, default lifetime, no HopLimit).
pub fn interest_wire(name: &Name, nonce: u32) -> Bytes {
    InterestBuilder::new(name.clone()).nonce(nonce).encode()
}

/// A Data wire with `content_len` bytes of content and a DigestSha256 signature.
pub fn data_wire(name: &Name, content_len: usize) -> Bytes {
    DataBuilder::new(name.clone())
        .freshness_period(10_000)
        .content(Bytes::from(vec![0x5a; content_len]))
        .sign(&DigestSha256)
        .expect("DigestSha256 cannot fail")
}

/// What the benches measure: wall time (the default), or, with `NDN_BENCH_CLOCK=thread-cpu`,
/// the CPU time of the benchmark thread. On a machine shared with other jobs, wall time also
/// counts the time the thread waited for a CPU; thread CPU time does not (cache and memory
/// bandwidth taken by the other jobs still show in both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    Wall,
    ThreadCpu,
}

pub fn clock() -> Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    *CLOCK.get_or_init(|| match std::env::var("NDN_BENCH_CLOCK").as_deref() {
        Ok("thread-cpu") => Clock::ThreadCpu,
        Ok("wall") | Err(_) => Clock::Wall,
        Ok(other) => panic!("NDN_BENCH_CLOCK must be wall or thread-cpu, not {other}"),
    })
}

/// A reading of the chosen clock.
pub struct Stamp(Instant, Duration);

impl Stamp {
    pub fn now() -> Stamp {
        match clock() {
            Clock::Wall => Stamp(Instant::now(), Duration::ZERO),
            Clock::ThreadCpu => Stamp(Instant::now(), thread_cpu_time()),
        }
    }

    pub fn elapsed(&self) -> Duration {
        match clock() {
            Clock::Wall => self.0.elapsed(),
            Clock::ThreadCpu => thread_cpu_time().saturating_sub(self.1),
        }
    }
}

/// Run `f` `iters` times and return the time taken on the chosen clock.
pub fn timed(iters: u64, mut f: impl FnMut()) -> Duration {
    let t = Stamp::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed()
}

/// CPU time used by this thread (`CLOCK_THREAD_CPUTIME_ID`).
#[allow(unsafe_code)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through the pointer, which points to `ts`.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}
