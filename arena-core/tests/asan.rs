//! Proof that the AddressSanitizer step of CI checks something: planted bugs that only an
//! ASan build with `--cfg arena_asan` can see, each run in a child process that must die with
//! ASan's report.
//!
//! Compiled only into the sanitizer run (`.ci/safety`), never into the normal test run: the
//! planted bugs are undefined behaviour on purpose.
#![cfg(arena_asan)]

use std::process::Command;

use arena_core::ScanArena;

const CHILD: &str = "ARENA_ASAN_PLANTED_BUG";

/// Runs this test binary's test `name` in a child with `CHILD` set, and returns its stderr
/// after checking that it failed.
fn run_child(name: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "the planted bug went unnoticed:\n{stderr}"
    );
    stderr
}

fn in_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

#[test]
fn stale_pointer_into_a_released_line_is_reported() {
    if in_child() {
        let mut arena = ScanArena::with_capacity(256);
        let stale: *const u64 = arena.line().alloc(7u64);
        let _next = arena.line();
        // SAFETY: none; this is the planted bug: a read of memory of a line that ended.
        let value = unsafe { stale.read_volatile() };
        println!("read {value} without a report");
        return;
    }
    let stderr = run_child("stale_pointer_into_a_released_line_is_reported");
    assert!(
        stderr.contains("AddressSanitizer: use-after-poison"),
        "{stderr}"
    );
}

#[test]
fn write_past_the_end_of_an_allocation_is_reported() {
    if in_child() {
        let mut arena = ScanArena::with_capacity(256);
        let line = arena.line();
        let bytes = line.alloc_slice_fill_copy(20, 0u8);
        let end = bytes.as_mut_ptr().wrapping_add(bytes.len());
        // SAFETY: none; this is the planted bug: one byte past the 20 handed out, inside the
        // allocation's 16-byte padding, which no normal bounds check would catch.
        unsafe { end.write_volatile(1) };
        println!("wrote past the end without a report");
        return;
    }
    let stderr = run_child("write_past_the_end_of_an_allocation_is_reported");
    assert!(
        stderr.contains("AddressSanitizer: use-after-poison"),
        "{stderr}"
    );
    assert!(stderr.contains("WRITE of size 1"), "{stderr}");
}

#[test]
fn pointer_into_an_ended_scope_is_reported() {
    if in_child() {
        let mut arena = ScanArena::with_capacity(256);
        let mut line = arena.line();
        let stale: *const u32 = line.scope(|inner| core::ptr::from_ref(inner.alloc(5u32)));
        // SAFETY: none; this is the planted bug: the scope that owned the value has ended.
        let value = unsafe { stale.read_volatile() };
        println!("read {value} without a report");
        return;
    }
    let stderr = run_child("pointer_into_an_ended_scope_is_reported");
    assert!(
        stderr.contains("AddressSanitizer: use-after-poison"),
        "{stderr}"
    );
}

#[test]
fn live_allocations_are_not_reported() {
    // The other side of the proof: correct use under the same instrumentation is clean.
    let mut arena = ScanArena::with_capacity(4096);
    for y in 0..64u64 {
        let mut line = arena.line();
        let row = line.alloc_slice_fill_copy(100, y);
        let sum: u64 = line.scope(|inner| inner.alloc_slice_copy(row).iter().sum());
        assert_eq!(sum, 100 * y);
        assert_eq!(row[99], y);
    }
}
