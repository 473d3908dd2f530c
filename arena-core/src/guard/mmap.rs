//! Guard line buffers as their own mappings, protected with `mprotect` while not in use.

use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicUsize, Ordering};

use super::signal;
use super::table::Slot;
use crate::sanitizer;

/// This backend protects pages.
pub(super) const PROTECTS: bool = true;

/// One line buffer of a guarded arena.
///
/// Invariants:
/// - `base` is the start of a private anonymous mapping of `len` bytes (a whole number of
///   pages, `len > 0`), owned by this buffer and unmapped only in `drop`;
/// - the first `protected` bytes (a whole number of pages, at most `len`) are `PROT_NONE`,
///   the rest readable and writable;
/// - `slot` is `None` when the buffer could not be registered with the fault handler (the
///   table was full, or the handler could not be installed); such a buffer is never
///   protected. When `protected > 0`, `slot` publishes exactly `base..base + protected`.
pub(super) struct Buffer {
    base: NonNull<u8>,
    len: usize,
    protected: usize,
    slot: Option<Slot>,
}

impl Buffer {
    /// A buffer of at least `cap` bytes (`cap > 0`), or `None` if the system has no memory
    /// for it.
    pub(super) fn new(cap: usize) -> Option<Buffer> {
        let len = round_to_pages(cap)?;
        debug_assert!(len > 0);
        // SAFETY: a fresh private anonymous mapping chosen by the kernel (null hint, no
        // MAP_FIXED) replaces nothing; `len > 0`; fd -1 and offset 0 as MAP_ANON requires.
        let raw = unsafe {
            libc::mmap(
                ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANON,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return None;
        }
        let base = NonNull::new(raw.cast::<u8>())?;
        // Protect only buffers the fault handler can explain; the rest are poisoned only.
        let slot = if signal::install() {
            Slot::claim()
        } else {
            None
        };
        Some(Buffer {
            base,
            len,
            protected: 0,
            slot,
        })
    }

    /// The start of the buffer (page-aligned, so aligned to `ARENA_ALIGN`).
    pub(super) fn base(&self) -> NonNull<u8> {
        self.base
    }

    /// Makes the pages holding the first `used` bytes inaccessible, as the memory of
    /// scan-line `line`, until [`reopen`](Buffer::reopen).
    ///
    /// # Safety
    ///
    /// No reference into those bytes is used before `reopen`: they become inaccessible.
    pub(super) unsafe fn retire(&mut self, used: usize, line: u64) {
        debug_assert_eq!(self.protected, 0, "a buffer is retired once per use");
        let Some(slot) = &self.slot else { return };
        let Some(len) = round_to_pages(used) else {
            return;
        };
        let len = len.min(self.len);
        if len == 0 {
            return;
        }
        let start = self.base.as_ptr().addr();
        slot.publish(start, start + len, line);
        // SAFETY:
        // - `base..base + len` lies inside our own mapping (`len <= self.len`) and `base` is
        //   page-aligned, as `mprotect` requires;
        // - no reference into those pages is used until `reopen` (caller), so removing
        //   access breaks no live Rust reference; a raw-pointer use faults, which is the
        //   point.
        let done = unsafe { libc::mprotect(self.base.as_ptr().cast(), len, libc::PROT_NONE) };
        if done == 0 {
            self.protected = len;
        } else {
            // Out of kernel memory for the split mapping: this line goes unprotected, with
            // poison only. `reopen` has nothing to undo.
            slot.clear();
        }
    }

    /// Makes the whole buffer readable and writable again.
    ///
    /// # Panics
    ///
    /// If the system refuses: the buffer cannot be used, and the arena cannot go on.
    pub(super) fn reopen(&mut self) {
        if self.protected == 0 {
            return;
        }
        // SAFETY: `base..base + protected` lies inside our own mapping, page-aligned; making
        // our own pages accessible again affects nothing else.
        let done = unsafe {
            libc::mprotect(
                self.base.as_ptr().cast(),
                self.protected,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if done != 0 {
            reopen_failed(self.protected);
        }
        self.protected = 0;
        if let Some(slot) = &self.slot {
            slot.clear();
        }
    }
}

#[cold]
#[inline(never)]
fn reopen_failed(len: usize) -> ! {
    panic!(
        "arena-core guard: mprotect could not make {len} bytes of a line buffer writable again \
         ({}); the arena cannot continue. Turn the guard off (Guard::Off) to run without it",
        std::io::Error::last_os_error()
    )
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // Withdraw the range before unmapping, so a later mapping at the same address is
        // never reported as arena memory.
        drop(self.slot.take());
        sanitizer::unpoison(self.base, self.len);
        // SAFETY: `base..base + len` is exactly our mapping, unmapped only here, once; no
        // line borrows the buffer any more (the arena owning it is being dropped).
        let done = unsafe { libc::munmap(self.base.as_ptr().cast(), self.len) };
        debug_assert_eq!(done, 0, "munmap of a guard buffer failed");
    }
}

/// `bytes` rounded up to whole pages (`None` on overflow).
fn round_to_pages(bytes: usize) -> Option<usize> {
    let page = page_size();
    Some(bytes.checked_add(page - 1)? & !(page - 1))
}

/// The system page size, asked once.
fn page_size() -> usize {
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: `sysconf` only reads a system setting.
            let asked = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            // A page size that is not a power of two would break the rounding above; fall
            // back to the largest common page (a multiple of every smaller one).
            let page = usize::try_from(asked)
                .ok()
                .filter(|p| p.is_power_of_two())
                .unwrap_or(1 << 16);
            PAGE.store(page, Ordering::Relaxed);
            page
        }
        page => page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the process can read `len` bytes at `addr`, asked of the kernel: `write(2)`
    /// from an inaccessible address fails with EFAULT instead of raising a signal.
    fn readable(addr: *const u8, len: usize) -> bool {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors `pipe` writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: `write` reads `len` bytes at `addr` in the kernel, which checks access and
        // reports EFAULT rather than faulting; `fds[1]` is the pipe's write end.
        let written = unsafe { libc::write(fds[1], addr.cast(), len) };
        for fd in fds {
            // SAFETY: closes the descriptors `pipe` opened above, once each.
            unsafe { libc::close(fd) };
        }
        written == len as isize
    }

    #[test]
    fn only_the_pages_a_line_touched_are_protected_and_reopen_restores_them() {
        let page = page_size();
        let mut buffer = Buffer::new(4 * page).unwrap();
        if buffer.slot.is_none() {
            std::eprintln!("skipped: the guard table is full in this process");
            return;
        }
        let base = buffer.base().as_ptr();
        // SAFETY: the page is accessible (nothing protected yet) and inside the mapping.
        let second_page = unsafe { base.add(page) };
        // SAFETY: nothing references the buffer.
        unsafe { buffer.retire(page + 16, 9) };
        assert!(!readable(base, 1));
        assert!(!readable(second_page, 1));
        // SAFETY: two pages in: still inside the 4-page mapping.
        assert!(readable(unsafe { base.add(2 * page) }, 2 * page));
        assert_eq!(super::super::table::lookup(second_page.addr()), Some(9));
        buffer.reopen();
        assert!(readable(base, 4 * page));
        assert_eq!(super::super::table::lookup(base.addr()), None);
    }

    #[test]
    fn a_line_that_touched_nothing_costs_no_protection() {
        let mut buffer = Buffer::new(64).unwrap();
        // SAFETY: nothing references the buffer.
        unsafe { buffer.retire(0, 0) };
        assert_eq!(buffer.protected, 0);
        assert!(readable(buffer.base().as_ptr(), 64));
    }
}
