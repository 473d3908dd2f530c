//! The guard setting and the ring of line buffers a guarded `ScanArena` runs.

extern crate alloc;

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ptr::NonNull;

use super::backend::{self, Buffer};
use super::poison;
use crate::log::LineLog;
use crate::sanitizer;

/// Whether a [`ScanArena`](crate::ScanArena) turns stale line pointers into clear crashes;
/// set with [`ArenaBuilder::guard`](crate::ArenaBuilder::guard).
///
/// Safe code never holds a reference past its line: the borrow checker ties every allocation
/// to the line's borrow of the arena. The guard is for what the borrow checker cannot see:
/// raw pointers, `unsafe` code, memory handed to C, kept past the next `line()`. Without the
/// guard such a pointer silently reads, or overwrites, the next line's data.
///
/// # What it does
///
/// With `Guard::On { buffers: K }` the arena keeps a ring of K line buffers, each its own
/// page-aligned mapping, and line *n* uses buffer *n* mod K. When line *n* + 1 begins:
///
/// - the bytes line *n* used are filled with [`GUARD_POISON`](crate::GUARD_POISON) and its
///   pages become inaccessible (`mprotect(PROT_NONE)`): only the pages it touched, so the
///   cost follows the line's use, not the capacity;
/// - the buffer of line *n* + 1 − K becomes readable and writable again; it holds poison.
///
/// A pointer 1 to K − 1 lines stale therefore faults at the exact instruction that uses it,
/// and the process dies by that signal (SIGSEGV; SIGBUS on some systems) after one line on
/// stderr:
///
/// ```text
/// arena-core: stale scan-line pointer: read of 0x7f3a12c04010, memory of scan-line 41 (released when scan-line 42 began); arena memory lives for one scan-line
/// ```
///
/// "read" or "write" is known on x86-64 Linux; elsewhere the message says "access". A pointer
/// K or more lines stale lands in a buffer a later line has used: while the current line
/// uses it, it reads poison (NaN for floats, all ones for integers) wherever that line has
/// not allocated yet; once it is protected again, it faults, and the message names the later
/// line. A larger K costs one buffer more per step and catches staler pointers for certain:
/// a previous-row cache keeps a pointer one line, but a pipeline or a deferred callback may
/// keep it several.
///
/// Inside a line, the memory a [`Line::scope`](crate::Line::scope) released is filled with
/// poison when the scope ends (no protection: pages are shared with the line's live data).
///
/// The fault handler, for SIGSEGV and SIGBUS, is installed once per process when the first
/// protected buffer is created. It explains only faults inside protected arena buffers and
/// passes every other fault on to the handler installed before it, so Rust's "has overflowed
/// its stack" report and other libraries' handlers keep working. It finds the buffers of all
/// arenas, on all threads, in a fixed table: up to
/// [`MAX_PROTECTED_BUFFERS`](Guard::MAX_PROTECTED_BUFFERS) buffers alive at once are
/// protected; buffers created past that are poisoned but not protected.
///
/// # Where
///
/// Page protection needs the `std` feature on Linux or macOS
/// ([`PAGE_PROTECTION`](Guard::PAGE_PROTECTION)). Elsewhere, and under Miri (which can neither
/// protect pages nor run signal handlers), the ring comes from the global allocator and the
/// guard poisons only: stale pointers read poison instead of faulting.
/// [`StaticArena`](crate::StaticArena) has one inline buffer and no guard setting: in debug
/// builds (or with the `guard` feature) it poisons what each line and scope released, when
/// the next line begins or the scope ends.
///
/// # Cost
///
/// - Memory: K buffers instead of one, each rounded up to whole pages.
/// - Per line: filling the used bytes with poison and, when the line touched any memory,
///   two `mprotect` system calls (each also flushes the TLB), plus one minor page fault per
///   page the next use of a reopened buffer writes (the kernel grants write access back
///   lazily). That is microseconds per line, not nanoseconds, growing with the pages
///   touched: the `guard` benchmark measures `line()` with the guard on and off.
/// - Off: one buffer, no system calls, no poison; `line()` pays one predictable branch.
///
/// # Turning it on and off
///
/// [`Guard::DEFAULT`] is `On { buffers: 2 }` in debug builds (`debug_assertions`) and with
/// the `guard` cargo feature, `Off` otherwise. Choose per arena with the builder:
///
/// ```
/// use arena_core::{Guard, ScanArena};
///
/// // Catch pointers up to three lines stale, in every build.
/// let mut arena = ScanArena::builder().capacity(4096).guard(Guard::On { buffers: 4 }).build();
/// assert_eq!(arena.guard(), Guard::On { buffers: 4 });
/// let line = arena.line();
/// line.alloc(1u32);
///
/// // No guard, even in a debug build (for example in a timing test).
/// let fast = ScanArena::builder().capacity(4096).guard(Guard::Off).build();
/// assert_eq!(fast.guard(), Guard::Off);
///
/// // The ring holds 2 to 8 buffers; anything else is a clear error.
/// let err = ScanArena::builder().capacity(64).guard(Guard::On { buffers: 1 }).try_build();
/// assert!(err.unwrap_err().to_string().contains("2 to 8"));
/// ```
///
/// # What it cannot catch
///
/// - A pointer K or more lines stale, once the current line has allocated over its bytes: it
///   reads live data, as without the guard.
/// - Overruns inside a line (past one allocation into the next), and stale pointers into a
///   released scope once the line allocates there again: both hit accessible memory.
/// - Anything where page protection is unavailable (see above): poison only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Guard {
    /// One line buffer reused by every line: no system calls, no poison.
    Off,
    /// A ring of line buffers, each protected while it is not in use.
    On {
        /// How many line buffers the ring holds, from
        /// [`MIN_BUFFERS`](Guard::MIN_BUFFERS) to [`MAX_BUFFERS`](Guard::MAX_BUFFERS): a
        /// pointer up to `buffers - 1` lines stale faults.
        buffers: usize,
    },
}

impl Guard {
    /// The fewest buffers a ring can have: the line in use and the one before it.
    pub const MIN_BUFFERS: usize = 2;

    /// The most buffers a ring can have.
    pub const MAX_BUFFERS: usize = 8;

    /// The setting an [`ArenaBuilder`](crate::ArenaBuilder) uses unless told otherwise: in
    /// debug builds and with the `guard` feature, [`Guard::On`] with the fewest buffers (two:
    /// catches pointers one line stale); [`Guard::Off`] otherwise.
    pub const DEFAULT: Guard = if cfg!(any(debug_assertions, feature = "guard")) {
        Guard::On {
            buffers: Guard::MIN_BUFFERS,
        }
    } else {
        Guard::Off
    };

    /// Whether this build protects guarded buffers with page protection (`std` on Linux and
    /// macOS, not under Miri). When false the guard only poisons.
    pub const PAGE_PROTECTION: bool = backend::PROTECTS;

    /// How many buffers, over all arenas of the process, can be protected at once; a buffer
    /// created when that many are alive is poisoned but not protected.
    pub const MAX_PROTECTED_BUFFERS: usize = 1024;

    /// How many buffers this setting asks for, or `None` for [`Guard::Off`].
    pub(crate) fn buffers(self) -> Option<usize> {
        match self {
            Guard::Off => None,
            Guard::On { buffers } => Some(buffers),
        }
    }
}

impl Default for Guard {
    /// [`Guard::DEFAULT`].
    fn default() -> Self {
        Guard::DEFAULT
    }
}

/// The line buffers of a guarded arena.
///
/// Invariants: `buffers.len()` is in `Guard::MIN_BUFFERS..=Guard::MAX_BUFFERS`; every buffer
/// is valid for reads and writes of at least `cap > 0` bytes, aligned to `ARENA_ALIGN`, except
/// for the pages it has protected; `current < buffers.len()` is the buffer the arena's lines
/// use now, and it is never protected.
pub(crate) struct Ring {
    buffers: Box<[Buffer]>,
    current: usize,
    cap: usize,
}

impl Ring {
    /// A ring of `buffers` buffers of `cap` bytes each, or `None` if the system has no memory
    /// for one of them.
    pub(crate) fn new(cap: usize, buffers: usize) -> Option<Ring> {
        debug_assert!(cap > 0);
        debug_assert!((Guard::MIN_BUFFERS..=Guard::MAX_BUFFERS).contains(&buffers));
        let mut ring = Vec::with_capacity(buffers);
        for _ in 0..buffers {
            let buffer = Buffer::new(cap)?;
            sanitizer::release(buffer.base(), cap);
            ring.push(buffer);
        }
        Some(Ring {
            buffers: ring.into_boxed_slice(),
            current: 0,
            cap,
        })
    }

    /// The buffer the current line uses.
    pub(crate) fn base(&self) -> NonNull<u8> {
        self.buffers[self.current].base()
    }

    /// Retires the buffer of the line that just ended (poisons what it touched and protects
    /// those pages) and returns the buffer for the line about to begin, writable again.
    ///
    /// Call it at every `line()`, before `log.begin()`.
    ///
    /// # Safety
    ///
    /// No reference into the current buffer is live or used again: the line that used it has
    /// ended (or was leaked) and the arena is mutably borrowed, so the borrow checker has
    /// ended every reference that line handed out.
    pub(crate) unsafe fn rotate(&mut self, log: &LineLog) -> NonNull<u8> {
        // Always take the extent, so the log's record of ended lines stays in step.
        let used = log.take_released_extent();
        let lines = log.stats().lines;
        if lines == 0 {
            // The first line: nothing to retire.
            return self.base();
        }
        debug_assert!(used <= self.cap);
        let buffer = &mut self.buffers[self.current];
        if used > 0 {
            // SAFETY:
            // - the current buffer is valid for writes of `cap >= used` bytes and not
            //   protected (type invariant);
            // - no reference into it is live or used again (caller).
            unsafe { poison(buffer.base(), used) };
            sanitizer::release(buffer.base(), used);
            // SAFETY: as above, no reference into the buffer is used again before `reopen`.
            unsafe { buffer.retire(used, lines - 1) };
        }
        self.current = (self.current + 1) % self.buffers.len();
        self.buffers[self.current].reopen();
        self.base()
    }
}

// Every test allocates with the panicking forms.
#[cfg(all(test, feature = "panicking"))]
mod tests {
    use super::*;
    use crate::{GUARD_POISON, ScanArena};

    fn guarded(cap: usize, buffers: usize) -> ScanArena {
        ScanArena::builder()
            .capacity(cap)
            .guard(Guard::On { buffers })
            .build()
    }

    #[test]
    fn lines_cycle_through_distinct_buffers() {
        let mut arena = guarded(256, 3);
        let bases: Vec<usize> = (0..7)
            .map(|_| arena.line().alloc(0u8) as *mut u8 as usize)
            .collect();
        assert_ne!(bases[0], bases[1]);
        assert_ne!(bases[1], bases[2]);
        assert_ne!(bases[0], bases[2]);
        assert_eq!(&bases[3..6], &bases[0..3]);
        assert_eq!(bases[6], bases[0]);
    }

    #[test]
    fn a_ring_buffer_comes_back_holding_poison_where_its_line_wrote() {
        let mut arena = guarded(1024, 2);
        let first = arena.line();
        first.alloc_slice_fill_copy(40, 7u8);
        drop(first);
        arena.line().alloc([1u8; 16]);
        let again = arena.line();
        let seen = again.alloc_slice_uninit::<u8>(64);
        // SAFETY: line 0 used the first 48 bytes (40 rounded up to 16s) and the guard filled
        // them with poison when line 1 began; nothing wrote them since. Only those are read.
        let seen: Vec<u8> = seen[..48]
            .iter()
            .map(|b| unsafe { b.assume_init() })
            .collect();
        assert_eq!(seen, [GUARD_POISON; 48]);
    }

    #[test]
    fn a_leaked_line_poisons_its_whole_buffer() {
        let mut arena = guarded(256, 2);
        let leaked = arena.line();
        leaked.alloc([3u8; 100]);
        core::mem::forget(leaked);
        arena.line().alloc(0u8);
        let again = arena.line();
        let seen = again.alloc_slice_uninit::<u8>(256);
        // SAFETY: a leaked line never reports its use, so when line 1 began the guard filled
        // all 256 bytes of the buffer with poison; nothing wrote them since.
        let seen: Vec<u8> = seen.iter().map(|b| unsafe { b.assume_init() }).collect();
        assert_eq!(seen, [GUARD_POISON; 256]);
    }

    #[test]
    fn stats_are_the_same_with_and_without_the_guard() {
        let run = |guard| {
            let mut arena = ScanArena::builder().capacity(4096).guard(guard).build();
            for width in [3usize, 400, 7, 0, 1000] {
                let mut line = arena.line();
                line.alloc_slice_fill_copy(width, 1u8);
                line.scope(|tmp| tmp.alloc_slice_fill_copy(width / 2, 2u16).len());
            }
            arena.stats()
        };
        assert_eq!(run(Guard::Off), run(Guard::On { buffers: 3 }));
    }

    #[test]
    fn ring_size_outside_two_to_eight_is_an_error() {
        for buffers in [0, 1, 9, usize::MAX] {
            let err = ScanArena::builder()
                .capacity(64)
                .guard(Guard::On { buffers })
                .try_build()
                .unwrap_err();
            let text = alloc::string::ToString::to_string(&err);
            assert!(text.contains("2 to 8"), "{text}");
            assert!(
                text.contains(&alloc::format!("{buffers} line buffers")),
                "{text}"
            );
        }
        for buffers in 2..=8 {
            let arena = guarded(64, buffers);
            assert_eq!(arena.guard(), Guard::On { buffers });
        }
    }
}
