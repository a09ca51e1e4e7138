//! Memory per PIT entry, per content store entry and per FIB entry, measured with a counting global allocator
//! (here only, never in the library). Prints a table; not a criterion bench.
//!
//! Run: `cargo bench -p ndn-fw --bench table_memory`
//!
//! Overhead is what stays allocated per entry beyond the packet bytes themselves: live bytes
//! after filling the table, minus live bytes before, minus the sum of the packet wire lengths,
//! divided by the number of entries. Packet wires are allocated exactly sized, so allocator
//! slack of the wire buffers is not counted; everything the tables add (slots, indexes, shared
//! buffer headers, names, records, timers) is.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// A global allocator needs `unsafe impl GlobalAlloc`; it only forwards to the system allocator.
#![allow(unsafe_code)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use ndn::{Data, Interest, Name};
use ndn_fw::table::{Cs, Fib, Pit};
use ndn_fw::{FaceId, FaceInfo, FaceScope, Forwarder, ForwarderConfig, LinkFields};

use common::{data_wire, fib_prefixes, interest_wire, under};

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);
static LIVE_BLOCKS: AtomicIsize = AtomicIsize::new(0);
static CALLS: AtomicIsize = AtomicIsize::new(0);

struct Counting;

// SAFETY: every call forwards to `System` with the caller's arguments unchanged; the counters
// are plain atomics and never affect the returned pointers.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
            LIVE_BLOCKS.fetch_add(1, Ordering::Relaxed);
            CALLS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        LIVE_BLOCKS.fetch_sub(1, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE_BYTES.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> (isize, isize) {
    (
        LIVE_BYTES.load(Ordering::Relaxed),
        LIVE_BLOCKS.load(Ordering::Relaxed),
    )
}

/// A wire in an exactly sized buffer.
fn exact(wire: Bytes) -> Bytes {
    Bytes::from(wire.to_vec())
}

const KEY: u64 = 0x0123_4567_89ab_cdef;

struct Row {
    what: &'static str,
    entries: usize,
    wire_bytes: usize,
    /// Live bytes added by the table (the wires were live before).
    bytes: isize,
    /// Live allocations added by the table.
    blocks: isize,
}

impl Row {
    fn print(&self) {
        let n = self.entries as f64;
        println!(
            "| {} | {} | {:.0} | {:.1} | {:.2} |",
            self.what,
            self.entries,
            self.wire_bytes as f64 / n,
            self.bytes as f64 / n,
            self.blocks as f64 / n
        );
    }
}

/// Live bytes and blocks of a vector's own buffer (freed when the vector goes, while the wires or
/// names it pointed to stay with the table).
fn vec_buffer<T>(v: &Vec<T>) -> (isize, isize) {
    ((v.capacity() * std::mem::size_of::<T>()) as isize, 1)
}

/// Names like applications use: `/<2..4 words>/<i>/v=1/seg=k`.
fn names(n: usize, seed: u64) -> Vec<Name> {
    fib_prefixes(n.div_ceil(4), seed)
        .iter()
        .flat_map(|p| (0..4).map(move |s| under(p, 1, s)))
        .take(n)
        .collect()
}

fn cs_row(n: usize) -> Row {
    let names = names(n, 11);
    let wires: Vec<Bytes> = names.iter().map(|n| exact(data_wire(n, 100))).collect();
    let wire_bytes = wires.iter().map(Bytes::len).sum();
    drop(names);
    let (b0, k0) = live();
    let mut cs = Cs::new(n, usize::MAX);
    let now = Duration::from_secs(1);
    for w in &wires {
        let d = Data::decode(w.clone()).unwrap();
        cs.insert(now, &d, d.name().hash_with_key(KEY));
    }
    assert_eq!(cs.len(), n);
    // the wires are now held by the cache alone
    let (vb, vk) = vec_buffer(&wires);
    drop(wires);
    let (b1, k1) = live();
    let row = Row {
        what: "CS entry (Cs::insert of a 100-byte-content Data)",
        entries: n,
        wire_bytes,
        bytes: b1 - b0 + vb,
        blocks: k1 - k0 + vk,
    };
    drop(cs);
    row
}

fn fib_row(n: usize) -> Row {
    // prefixes in exactly sized buffers, as a FIB gets them from decoded commands
    let prefixes: Vec<Name> = fib_prefixes(n, 13)
        .iter()
        .map(|p| Name::from_value(exact(p.value().clone())).unwrap())
        .collect();
    let wire_bytes = prefixes.iter().map(|p| p.value().len()).sum();
    let (b0, k0) = live();
    let mut fib = Fib::default();
    for (i, p) in prefixes.iter().enumerate() {
        fib.add_next_hop(p, p.hash_with_key(KEY), FaceId(256 + (i % 16) as u64), 10);
    }
    assert_eq!(fib.len(), n);
    // the names are now held by the FIB alone
    let (vb, vk) = vec_buffer(&prefixes);
    drop(prefixes);
    let (b1, k1) = live();
    let row = Row {
        what: "FIB entry (one next hop; name bytes in the wire column)",
        entries: n,
        wire_bytes,
        bytes: b1 - b0 + vb,
        blocks: k1 - k0 + vk,
    };
    drop(fib);
    row
}

fn pit_row(n: usize) -> Row {
    let names = names(n, 12);
    let wires: Vec<Bytes> = names
        .iter()
        .enumerate()
        .map(|(i, n)| exact(interest_wire(n, i as u32)))
        .collect();
    let wire_bytes = wires.iter().map(Bytes::len).sum();
    drop(names);
    let (b0, k0) = live();
    let mut pit = Pit::new(usize::MAX);
    let now = Duration::from_secs(1);
    for w in &wires {
        let i = Interest::decode(w.clone()).unwrap();
        let (id, _) = pit.insert(&i, i.name().hash_with_key(KEY)).unwrap();
        pit.get_mut(id)
            .unwrap()
            .insert_or_update_in_record(FaceId(300), &i, None, false, now);
    }
    let (vb, vk) = vec_buffer(&wires);
    drop(wires);
    let (b1, k1) = live();
    let row = Row {
        what: "PIT entry (Pit::insert + one in-record)",
        entries: n,
        wire_bytes,
        bytes: b1 - b0 + vb,
        blocks: k1 - k0 + vk,
    };
    drop(pit);
    row
}

/// Pending Interests through the whole forwarder (PIT entry, in-record, out-record, timer).
fn forwarder_pit_row(n: usize) -> Row {
    let names = names(n, 13);
    let wires: Vec<Bytes> = names
        .iter()
        .enumerate()
        .map(|(i, n)| exact(interest_wire(n, i as u32)))
        .collect();
    let wire_bytes = wires.iter().map(Bytes::len).sum();
    drop(names);
    let now = Duration::from_secs(1);
    let mut fw = Forwarder::new(ForwarderConfig::default());
    let info = |r: &str| FaceInfo::new(r, "udp4://192.0.2.254:6363", FaceScope::NonLocal);
    let consumer = fw.add_face(now, info("udp4://192.0.2.1:6363"));
    let producer = fw.add_face(now, info("udp4://192.0.2.2:6363"));
    fw.add_next_hop(&Name::new(), producer, 10);
    while fw.poll_transmit().is_some() {}
    let (b0, k0) = live();
    for w in &wires {
        fw.handle_packet(now, consumer, w.clone(), LinkFields::default());
        while fw.poll_transmit().is_some() {}
    }
    assert_eq!(fw.pit().len(), n);
    let (vb, vk) = vec_buffer(&wires);
    drop(wires);
    let (b1, k1) = live();
    Row {
        what: "pending Interest in the Forwarder (PIT entry, in- and out-record, timer)",
        entries: n,
        wire_bytes,
        bytes: b1 - b0 + vb,
        blocks: k1 - k0 + vk,
    }
}

/// Allocator calls per Interest -> Data exchange through the forwarder, in the steady state
/// (content store full, so each exchange also evicts).
fn exchange_allocations() {
    let now = Duration::from_secs(1);
    let mut fw = Forwarder::new(ForwarderConfig::default());
    let info = |r: &str| FaceInfo::new(r, "udp4://192.0.2.254:6363", FaceScope::NonLocal);
    let consumer = fw.add_face(now, info("udp4://192.0.2.1:6363"));
    let producer = fw.add_face(now, info("udp4://192.0.2.2:6363"));
    let prefix = Name::from_uri("/example/video/stream").unwrap();
    fw.add_next_hop(&prefix, producer, 10);
    let mut seq = 0u64;
    let mut batch = |n: usize| -> Vec<(Bytes, Bytes)> {
        (0..n)
            .map(|_| {
                seq += 1;
                let name = prefix.append_sequence_num(seq);
                (
                    exact(interest_wire(&name, seq as u32)),
                    exact(data_wire(&name, 100)),
                )
            })
            .collect()
    };
    let run = |fw: &mut Forwarder, packets: Vec<(Bytes, Bytes)>| {
        for (i, d) in packets {
            fw.handle_packet(now, consumer, i, LinkFields::default());
            while fw.poll_transmit().is_some() {}
            fw.handle_packet(now, producer, d, LinkFields::default());
            while fw.poll_transmit().is_some() {}
        }
    };
    let capacity = fw.cs().capacity_packets();
    run(&mut fw, batch(capacity + 1000));
    let n = 10_000;
    let packets = batch(n);
    let c0 = CALLS.load(Ordering::Relaxed);
    run(&mut fw, packets);
    let calls = CALLS.load(Ordering::Relaxed) - c0;
    assert_eq!(fw.counters().n_out_data as usize, capacity + 1000 + n);
    println!();
    println!(
        "Interest -> Data exchange through the Forwarder, CS full (steady state): {:.2} allocator calls per exchange ({n} exchanges)",
        calls as f64 / n as f64
    );
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument is ignored
    println!("| table | entries | wire bytes/entry | overhead bytes/entry | allocations/entry |");
    println!("|---|---|---|---|---|");
    for n in [100_000, 1_000_000] {
        cs_row(n).print();
    }
    for n in [100_000, 1_000_000] {
        pit_row(n).print();
    }
    for n in [100_000, 1_000_000] {
        fib_row(n).print();
    }
    forwarder_pit_row(100_000).print();
    exchange_allocations();
}
