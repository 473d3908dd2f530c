//! Dropping an arena gives its line buffers back to the global allocator: a program that
//! builds an arena per frame or per file must not grow.
#![cfg(feature = "alloc")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use arena_core::{Guard, ScanArena};

/// The system allocator, counting per thread the bytes allocated minus the bytes freed, so
/// the test harness's threads do not disturb the test's count.
struct Counting;

thread_local! {
    // Const-initialised with no destructor: reading it never allocates.
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn add(bytes: isize) {
    LIVE.with(|live| live.set(live.get() + bytes));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees are ours; the counter has no effect on the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we forward.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            add(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        add(-(layout.size() as isize));
        // SAFETY: the caller upholds `GlobalAlloc::dealloc`'s contract, which we forward.
        unsafe { System.dealloc(ptr, layout) };
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The bytes `f` leaves allocated on this thread when it returns.
fn leaked(f: impl FnOnce()) -> isize {
    let before = LIVE.with(Cell::get);
    f();
    LIVE.with(Cell::get) - before
}

#[test]
fn a_dropped_arena_leaves_nothing_allocated() {
    let unguarded = leaked(|| {
        let mut arena = ScanArena::builder()
            .capacity(1 << 16)
            .guard(Guard::Off)
            .build();
        arena.line().alloc_slice_fill_copy(1000, 7u8);
        drop(arena);
    });
    assert_eq!(unguarded, 0, "an unguarded arena leaked");
    let guarded = leaked(|| {
        let mut arena = ScanArena::builder()
            .capacity(1 << 16)
            .guard(Guard::On { buffers: 2 })
            .build();
        arena.line().alloc(1u64);
        drop(arena);
    });
    assert_eq!(guarded, 0, "a guarded arena leaked");
}
