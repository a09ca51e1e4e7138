//! Prefetch hints: tell the CPU which memory a packet will need before the code that reads it
//! runs, so that cache misses overlap instead of queueing one behind the other. The tables use
//! them as soon as a packet's name hashes are known; a driver that knows which core gets the
//! next packet (the simulator) can use them too. Hints change nothing a program can observe.

/// Hint that the cache line holding `at` will be read soon. Only a hint: it changes no state a
/// program can observe; on x86-64 it is one `prefetcht0` instruction, elsewhere nothing.
#[inline]
fn prefetch_address(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: `_mm_prefetch` needs SSE, which every x86-64 CPU has; a prefetch neither reads
    // memory architecturally nor faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(at.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// Hint that the cache line holding `at` will be used soon.
#[inline]
pub fn prefetch_line<T: ?Sized>(at: &T) {
    prefetch_address(std::ptr::from_ref(at).cast::<u8>());
}

/// Hint that the start of `v`'s buffer will be used soon, even when `v` is empty (a scratch
/// vector cleared after each use keeps its buffer).
#[inline]
pub fn prefetch_buffer<T>(v: &Vec<T>) {
    if v.capacity() > 0 {
        prefetch_address(v.as_ptr().cast::<u8>());
    }
}

/// Hint that every cache line of `object` will be used soon.
#[inline]
pub fn prefetch_object<T>(object: &T) {
    let start = std::ptr::from_ref(object).cast::<u8>();
    let size = std::mem::size_of::<T>();
    for offset in (0..size).step_by(64) {
        prefetch_address(start.wrapping_add(offset));
    }
    // the last line, when the object does not start on a line boundary
    prefetch_address(start.wrapping_add(size.saturating_sub(1)));
}
