//! `ScanArena`: the heap-backed line arena.

extern crate alloc;

use alloc::boxed::Box;
use core::alloc::Layout;
use core::fmt;
use core::ptr::NonNull;

use crate::bound::{Budget, round_to_granule};
use crate::guard::{Guard, Ring};
use crate::line::Line;
use crate::log::{ArenaStats, LineLog};
use crate::{ARENA_ALIGN, sanitizer};

/// A line arena that owns one heap buffer, allocated once.
///
/// Call [`line`](ScanArena::line) at the start of every scan-line; allocate from the
/// [`Line`] it returns; the next `line()` releases everything in O(1) (no per-object work, no
/// system call). The capacity is a hard limit: a request that does not fit is an
/// [`ArenaFull`](crate::ArenaFull) error, never growth.
///
/// `ScanArena` is `Send` (move one into each worker thread) and not `Sync`.
///
/// In debug builds the arena runs the stale-pointer [`Guard`]: a ring of line buffers, each
/// protected while not in use, so a raw pointer kept past its line faults with a message
/// naming the line. Release builds keep one buffer and make no system calls. Choose with
/// [`ArenaBuilder::guard`].
///
/// ```
/// use arena_core::{ScanArena, budget};
///
/// let mut arena = ScanArena::for_budget(budget!([f32; 2] * 64, u32 * 16));
/// for y in 0..480 {
///     let line = arena.line();
///     let crossings = line.alloc_slice_fill_with(64, |i| [i as f32, y as f32]);
///     assert_eq!(crossings.len(), 64);
/// }
/// assert!(arena.stats().peak_bytes <= arena.capacity());
/// ```
pub struct ScanArena {
    // Invariants: `base` is aligned to `ARENA_ALIGN` and valid for reads and writes of `cap`
    // bytes. With `ring == None` it is, when `cap > 0`, the start of a live allocation of
    // `cap` bytes with alignment `ARENA_ALIGN` from the global allocator, owned by this arena
    // and freed only in `drop`. With `ring == Some(..)` (guarded, `cap > 0`) it is the ring's
    // current buffer, owned and freed by the ring, and `line()` moves it round the ring.
    // `cap` (kept once, in `log`) is a multiple of 16 at most `isize::MAX`. `guard` is the
    // setting the arena was built with. Lines borrow the arena mutably, so at most one line
    // uses a buffer at a time.
    base: NonNull<u8>,
    log: LineLog,
    ring: Option<Box<Ring>>,
    guard: Guard,
}

// SAFETY: a `ScanArena` exclusively owns its buffer and counters; nothing in it refers to
// thread-local state, so moving it to another thread is sound. It is not `Sync` (its
// counters are `Cell`s), so `&ScanArena` cannot be shared across threads.
unsafe impl Send for ScanArena {}

/// The line buffer could not be created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferError {
    capacity: usize,
    kind: BufferErrorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BufferErrorKind {
    /// The capacity rounded up to 16 exceeds `isize::MAX`.
    TooLarge,
    /// The system had no memory for `buffers` buffers (1 without the guard).
    NoMemory { buffers: usize },
    /// `Guard::On { buffers }` outside `MIN_BUFFERS..=MAX_BUFFERS`.
    GuardBuffers(usize),
}

impl BufferError {
    /// The capacity that was asked for, in bytes.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            BufferErrorKind::TooLarge => write!(
                f,
                "a scan-line buffer of {} bytes is larger than isize::MAX; the budget is \
                 implausible, check the counts it was built from",
                self.capacity
            ),
            BufferErrorKind::NoMemory { buffers: 1 } => write!(
                f,
                "the system could not allocate a scan-line buffer of {} bytes; lower the \
                 budget or free memory",
                self.capacity
            ),
            BufferErrorKind::NoMemory { buffers } => write!(
                f,
                "the system could not allocate the guard's {buffers} scan-line buffers of {} \
                 bytes each; lower the budget, use fewer guard buffers, or turn the guard off \
                 (Guard::Off)",
                self.capacity
            ),
            BufferErrorKind::GuardBuffers(buffers) => write!(
                f,
                "the guard was asked for a ring of {buffers} line buffers; it takes {} to {} \
                 (Guard::On {{ buffers: {} }} catches pointers one line stale, each more \
                 buffer one line more), or Guard::Off for none",
                Guard::MIN_BUFFERS,
                Guard::MAX_BUFFERS,
                Guard::MIN_BUFFERS
            ),
        }
    }
}

impl core::error::Error for BufferError {}

/// Settings for a [`ScanArena`], from [`ScanArena::builder`].
///
/// ```
/// use arena_core::{Budget, ScanArena};
///
/// let arena = ScanArena::builder()
///     .budget(Budget::new().reserve::<u64>(100))
///     .try_build()?;
/// assert_eq!(arena.capacity(), 1600);
/// # Ok::<(), arena_core::BufferError>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build` or `try_build`"]
pub struct ArenaBuilder {
    capacity: usize,
    /// `None`: [`Guard::DEFAULT`].
    guard: Option<Guard>,
}

impl ArenaBuilder {
    /// The line buffer's capacity in bytes (rounded up to a multiple of 16).
    pub fn capacity(mut self, bytes: usize) -> Self {
        self.capacity = bytes;
        self
    }

    /// The line buffer's capacity from a [`Budget`].
    pub fn budget(self, budget: Budget) -> Self {
        self.capacity(budget.bytes())
    }

    /// Whether the arena guards against stale line pointers (see [`Guard`]); without this,
    /// [`Guard::DEFAULT`]: on in debug builds and with the `guard` feature, off otherwise.
    ///
    /// ```
    /// use arena_core::{Guard, ScanArena};
    ///
    /// let arena = ScanArena::builder().capacity(1024).guard(Guard::On { buffers: 3 }).build();
    /// assert_eq!(arena.guard(), Guard::On { buffers: 3 });
    /// ```
    pub fn guard(mut self, guard: Guard) -> Self {
        self.guard = Some(guard);
        self
    }

    /// Creates the arena, or says why its buffer could not be allocated (or, for
    /// [`Guard::On`] with fewer than 2 or more than 8 buffers, why the guard setting is
    /// wrong).
    pub fn try_build(self) -> Result<ScanArena, BufferError> {
        ScanArena::from_builder(self)
    }

    /// Creates the arena.
    ///
    /// # Panics
    ///
    /// If the buffer cannot be allocated (see [`try_build`](ArenaBuilder::try_build)).
    #[track_caller]
    pub fn build(self) -> ScanArena {
        match self.try_build() {
            Ok(arena) => arena,
            Err(e) => panic!("{e}"),
        }
    }
}

impl ScanArena {
    /// An arena whose lines hold `bytes` bytes (rounded up to a multiple of 16).
    ///
    /// # Panics
    ///
    /// If the buffer cannot be allocated; see [`ScanArena::try_with_capacity`].
    #[track_caller]
    pub fn with_capacity(bytes: usize) -> Self {
        Self::builder().capacity(bytes).build()
    }

    /// An arena whose lines hold `bytes` bytes, or an error if the buffer cannot be
    /// allocated.
    pub fn try_with_capacity(bytes: usize) -> Result<Self, BufferError> {
        Self::builder().capacity(bytes).try_build()
    }

    /// An arena sized for `budget`.
    ///
    /// # Panics
    ///
    /// If the buffer cannot be allocated; see [`ArenaBuilder::try_build`].
    #[track_caller]
    pub fn for_budget(budget: Budget) -> Self {
        Self::builder().budget(budget).build()
    }

    /// Settings beyond the capacity.
    pub fn builder() -> ArenaBuilder {
        ArenaBuilder::default()
    }

    fn from_builder(builder: ArenaBuilder) -> Result<Self, BufferError> {
        let requested = builder.capacity;
        let error = |kind| BufferError {
            capacity: requested,
            kind,
        };
        let too_large = error(BufferErrorKind::TooLarge);
        let cap = round_to_granule(requested).ok_or(too_large)?;
        let layout = Layout::from_size_align(cap, ARENA_ALIGN).map_err(|_| too_large)?;
        let guard = builder.guard.unwrap_or_default();
        let ring_size = guard.buffers();
        if let Some(buffers) = ring_size
            && !(Guard::MIN_BUFFERS..=Guard::MAX_BUFFERS).contains(&buffers)
        {
            return Err(error(BufferErrorKind::GuardBuffers(buffers)));
        }
        if let Some(buffers) = ring_size
            && cap > 0
        {
            let ring =
                Ring::new(cap, buffers).ok_or(error(BufferErrorKind::NoMemory { buffers }))?;
            return Ok(ScanArena {
                base: ring.base(),
                log: LineLog::new(cap),
                ring: Some(Box::new(ring)),
                guard,
            });
        }
        let base = if cap == 0 {
            // Nothing to allocate; an aligned dangling pointer serves zero-sized requests.
            NonNull::new(core::ptr::without_provenance_mut(ARENA_ALIGN)).ok_or(too_large)?
        } else {
            // SAFETY: `layout` has a non-zero size (`cap > 0`).
            let raw = unsafe { alloc::alloc::alloc(layout) };
            NonNull::new(raw).ok_or(error(BufferErrorKind::NoMemory { buffers: 1 }))?
        };
        sanitizer::release(base, cap);
        Ok(ScanArena {
            base,
            log: LineLog::new(cap),
            ring: None,
            guard,
        })
    }

    /// Begins the next scan-line. Everything the previous line allocated is released in
    /// O(1); the borrow checker guarantees none of it is still referenced.
    ///
    /// ```compile_fail
    /// # let mut arena = arena_core::ScanArena::with_capacity(64);
    /// let old = arena.line().alloc(1u32);
    /// let next = arena.line(); // error: `arena` is still borrowed by `old`
    /// assert_eq!(*old, 1);
    /// ```
    ///
    /// With the [`Guard`] on, this is where the previous line's buffer is poisoned and
    /// protected and the next buffer of the ring is opened.
    #[inline]
    pub fn line(&mut self) -> Line<'_> {
        if self.ring.is_some() {
            self.rotate();
            return self.begin_line(true);
        }
        // Two calls with constant flags: the unguarded path stores a constant, no test.
        self.begin_line(false)
    }

    /// Starts the line on the current buffer; `guarded` says whether the guard is on.
    #[inline(always)]
    fn begin_line(&mut self, guarded: bool) -> Line<'_> {
        self.log.begin();
        // SAFETY: `base` is aligned to 16 and valid for `cap` bytes while the arena lives,
        // at least as long as the line borrows it (struct invariant; a guarded arena's
        // current buffer is never protected). `&mut self` is borrowed for the line's
        // lifetime and the previous line, with every reference it handed out, has ended, so
        // nothing else touches the buffer. `cap` is a multiple of 16, at most `isize::MAX`.
        unsafe { Line::new(self.base, self.cap(), 0, &self.log, true, guarded) }
    }

    /// The guard's work at `line()`, out of line so the unguarded path stays short.
    #[cold]
    #[inline(never)]
    fn rotate(&mut self) {
        if let Some(ring) = self.ring.as_deref_mut() {
            // SAFETY: `&mut self` proves the previous line, and every reference it handed
            // out, has ended; no line is using the current buffer.
            self.base = unsafe { ring.rotate(&self.log) };
        }
    }

    /// The capacity of each line buffer; the line log holds it.
    #[inline(always)]
    fn cap(&self) -> usize {
        self.log.capacity()
    }

    /// The stale-pointer guard setting this arena was built with.
    pub fn guard(&self) -> Guard {
        self.guard
    }

    /// The capacity of each line in bytes.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.cap()
    }

    /// Statistics over the lines so far: how many, and how much of the budget they used.
    pub fn stats(&self) -> ArenaStats {
        self.log.stats()
    }
}

impl Drop for ScanArena {
    fn drop(&mut self) {
        // A guarded arena's buffers belong to its ring, which frees them itself.
        if self.cap() > 0 && self.ring.is_none() {
            sanitizer::unpoison(self.base, self.cap());
            // SAFETY: `from_builder` checked this layout with `Layout::from_size_align`: the
            // alignment is a power of two and `cap` rounded up to it is at most `isize::MAX`.
            let layout = unsafe { Layout::from_size_align_unchecked(self.cap(), ARENA_ALIGN) };
            // SAFETY: `base` was allocated in `from_builder` by the global allocator with
            // exactly this layout, and is freed only here, once.
            unsafe { alloc::alloc::dealloc(self.base.as_ptr(), layout) };
        }
    }
}

impl fmt::Debug for ScanArena {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScanArena")
            .field("capacity", &self.cap())
            .field("guard", &self.guard)
            .field("stats", &self.stats())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn capacity_rounds_up_to_granule() {
        assert_eq!(ScanArena::with_capacity(100).capacity(), 112);
        assert_eq!(ScanArena::with_capacity(0).capacity(), 0);
    }

    #[test]
    fn absurd_capacity_is_an_error() {
        let err = ScanArena::try_with_capacity(usize::MAX).unwrap_err();
        assert!(err.to_string().contains("larger than isize::MAX"), "{err}");
        let err = ScanArena::try_with_capacity(isize::MAX as usize + 1).unwrap_err();
        assert_eq!(err.capacity(), isize::MAX as usize + 1);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "Miri stops at an allocation it cannot hold instead of failing it"
    )]
    fn a_guard_ring_the_system_cannot_hold_is_an_error_that_suggests_turning_it_off() {
        // 2^62 bytes: no allocator or mapping can provide it, but it is below isize::MAX.
        let huge = 1usize << (usize::BITS - 2);
        let err = ScanArena::builder()
            .capacity(huge)
            .guard(Guard::On { buffers: 3 })
            .try_build()
            .unwrap_err();
        assert_eq!(err.capacity(), huge);
        let text = err.to_string();
        assert!(text.contains("the guard's 3 scan-line buffers"), "{text}");
        assert!(text.contains("Guard::Off"), "{text}");
        let err = ScanArena::builder()
            .capacity(huge)
            .guard(Guard::Off)
            .try_build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("could not allocate a scan-line buffer"),
            "{err}"
        );
    }

    #[test]
    fn the_default_guard_is_on_in_debug_builds_and_off_in_release() {
        let arena = ScanArena::with_capacity(64);
        let on = cfg!(any(debug_assertions, feature = "guard"));
        let two = Guard::On { buffers: 2 };
        assert_eq!(arena.guard(), if on { two } else { Guard::Off });
        // Off means one heap buffer and no ring: nothing for `line()` to do.
        assert_eq!(arena.ring.is_some(), on);
    }

    #[test]
    #[cfg(feature = "panicking")]
    fn a_guarded_zero_capacity_arena_has_nothing_to_protect() {
        let two = Guard::On { buffers: 2 };
        let mut arena = ScanArena::builder().capacity(0).guard(two).build();
        assert_eq!(arena.guard(), two);
        assert!(arena.ring.is_none());
        arena.line().alloc(());
        assert_eq!(arena.stats().lines, 1);
    }

    #[test]
    fn debug_shows_the_capacity_guard_and_statistics() {
        let mut arena = ScanArena::builder()
            .capacity(64)
            .guard(Guard::Off)
            .try_build()
            .unwrap();
        arena.line().try_alloc(7u32).unwrap();
        let text = std::format!("{arena:?}");
        let head = "ScanArena { capacity: 64, guard: Off, stats: ArenaStats { lines: 1,";
        assert!(text.starts_with(head), "{text}");
    }

    #[test]
    fn zero_capacity_serves_only_zero_sized_requests() {
        let mut arena = ScanArena::with_capacity(0);
        let line = arena.line();
        assert!(line.try_alloc(()).is_ok());
        assert_eq!(line.try_alloc(1u8).unwrap_err().capacity(), 0);
    }

    #[test]
    #[cfg(feature = "panicking")]
    fn forgotten_line_is_counted_not_measured() {
        let mut arena = ScanArena::with_capacity(64);
        arena.line().alloc(1u8);
        let line = arena.line();
        line.alloc([0u8; 40]);
        core::mem::forget(line);
        let stats = arena.stats();
        assert_eq!(stats.lines, 2);
        assert_eq!((stats.last_line_bytes, stats.peak_bytes), (16, 16));
    }
}
