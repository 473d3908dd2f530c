//! Tells memory checkers which arena bytes are live.
//!
//! In a normal build these are empty and vanish. Built with `--cfg arena_asan` (and
//! `-Zsanitizer=address`), the arena poisons what a line or scope released and unpoisons what
//! it hands out, so AddressSanitizer reports a stale arena pointer at the faulting access even
//! without the page-protection guard.

use core::ptr::NonNull;

#[cfg(arena_asan)]
unsafe extern "C" {
    fn __asan_poison_memory_region(addr: *const u8, size: usize);
    fn __asan_unpoison_memory_region(addr: *const u8, size: usize);
}

/// Marks `len` bytes at `ptr` as handed out.
#[inline(always)]
pub(crate) fn unpoison(ptr: NonNull<u8>, len: usize) {
    #[cfg(arena_asan)]
    // SAFETY: the ASan runtime only updates its shadow memory for the range; the caller passes
    // a range inside an arena buffer, which ASan knows as part of a live heap allocation.
    unsafe {
        __asan_unpoison_memory_region(ptr.as_ptr(), len);
    }
    #[cfg(not(arena_asan))]
    let _ = (ptr, len);
}

/// Marks `len` bytes at `ptr` as released by their line or scope.
#[inline(always)]
pub(crate) fn release(ptr: NonNull<u8>, len: usize) {
    #[cfg(arena_asan)]
    // SAFETY: as in `unpoison`: only shadow memory of a range inside an arena buffer changes.
    unsafe {
        __asan_poison_memory_region(ptr.as_ptr(), len);
    }
    #[cfg(not(arena_asan))]
    let _ = (ptr, len);
}
