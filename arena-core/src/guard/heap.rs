//! Guard line buffers from the global allocator: poison only, no protection.
//!
//! Used where page protection is unavailable: targets other than Linux and macOS, builds
//! without `std`, and Miri (which can neither map `PROT_NONE` pages nor run signal handlers).

extern crate alloc;

use core::alloc::Layout;
use core::ptr::NonNull;

use crate::{ARENA_ALIGN, sanitizer};

/// This backend never protects pages.
pub(super) const PROTECTS: bool = false;

/// One line buffer of a guarded arena.
///
/// Invariant: `base` is the start of a live global-allocator allocation of `cap > 0` bytes
/// with alignment `ARENA_ALIGN` (`cap` a multiple of it, at most `isize::MAX`), owned by this
/// buffer and freed only in `drop`.
pub(super) struct Buffer {
    base: NonNull<u8>,
    cap: usize,
}

impl Buffer {
    /// A buffer of `cap` bytes (`cap > 0`, a multiple of 16), or `None` if the allocator
    /// has no memory for it.
    pub(super) fn new(cap: usize) -> Option<Buffer> {
        let layout = Layout::from_size_align(cap, ARENA_ALIGN).ok()?;
        debug_assert!(cap > 0);
        // SAFETY: `layout` has a non-zero size (`cap > 0`, the ring is built only then).
        let raw = unsafe { alloc::alloc::alloc(layout) };
        Some(Buffer {
            base: NonNull::new(raw)?,
            cap,
        })
    }

    /// The start of the buffer.
    pub(super) fn base(&self) -> NonNull<u8> {
        self.base
    }

    /// Would protect the pages the ended line `line` touched; this backend cannot, and the
    /// ring has already poisoned them.
    ///
    /// # Safety
    ///
    /// No reference into the first `used` bytes is used before [`reopen`](Buffer::reopen)
    /// (the contract of the protecting backend; nothing here relies on it).
    pub(super) unsafe fn retire(&mut self, used: usize, line: u64) {
        let _ = (used, line);
    }

    /// Would make the buffer accessible again; it always is.
    pub(super) fn reopen(&mut self) {}
}

impl Drop for Buffer {
    fn drop(&mut self) {
        sanitizer::unpoison(self.base, self.cap);
        // SAFETY: `new` checked this layout with `Layout::from_size_align`.
        let layout = unsafe { Layout::from_size_align_unchecked(self.cap, ARENA_ALIGN) };
        // SAFETY: `base` was allocated in `new` by the global allocator with exactly this
        // layout, and is freed only here, once.
        unsafe { alloc::alloc::dealloc(self.base.as_ptr(), layout) };
    }
}
