//! Backing a process's heap with transparent huge pages.
//!
//! A forwarder's tables at scale (a FIB of a million prefixes, a content store of a million
//! Data, a simulator's thousand forwarders) are read in no order the hardware can follow, so
//! with 4 KiB pages most of those reads miss the TLB as well as the caches, and each miss
//! costs a page walk on top of the memory read. glibc's allocator backs its heap with
//! transparent huge pages when the tunable `glibc.malloc.hugetlb=1` is set, but it reads
//! tunables only when a process starts. [`reexec_with_huge_pages`] therefore runs the
//! program again, in place (same pid, arguments and streams), with that tunable set.
//!
//! Only speed changes, never behaviour. On other platforms than Linux with glibc it does
//! nothing. It needs only the standard library, so it is there without the `app` feature
//! (the simulator uses it).

/// The tunable that makes glibc's allocator ask for transparent huge pages.
pub const HUGE_PAGES_TUNABLE: &str = "glibc.malloc.hugetlb=1";

/// Replace this process by the same program with the same arguments, its heap backed by
/// transparent huge pages, unless `GLIBC_TUNABLES` is already set (the user's choice, or
/// this process is the re-executed one) or the environment variable `opt_out` is `0`.
/// Returns when nothing was done or the re-execution failed; then the process goes on as
/// it is. Call it first thing in `main`, before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn reexec_with_huge_pages(opt_out: &str) {
    use std::os::unix::process::CommandExt;
    if std::env::var_os("GLIBC_TUNABLES").is_some()
        || std::env::var_os(opt_out).is_some_and(|v| v == "0")
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // `exec` returns only when it failed
    let _failed = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", HUGE_PAGES_TUNABLE)
        .exec();
}

/// Does nothing here: the tunable exists only in glibc on Linux.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn reexec_with_huge_pages(_opt_out: &str) {}
