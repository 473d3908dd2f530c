//! What every arena remembers about its lines: the statistics that prove a budget holds.

use core::cell::Cell;

/// Per-line statistics of an arena, from [`ScanArena::stats`](crate::ScanArena::stats) or
/// [`StaticArena::stats`](crate::StaticArena::stats).
///
/// A line's use is its high-water mark: the most bytes it had in use at once, padding and
/// scopes included. Lines are counted when they begin and measured when they end (when
/// the [`Line`](crate::Line) is dropped; a line leaked with `mem::forget` is counted but not
/// measured).
///
/// ```
/// use arena_core::ScanArena;
///
/// let mut arena = ScanArena::with_capacity(1024);
/// for width in [3usize, 40, 7] {
///     let line = arena.line();
///     line.alloc_slice_fill_copy(width, 0u8);
/// }
/// let stats = arena.stats();
/// assert_eq!(stats.lines, 3);
/// assert_eq!(stats.capacity, 1024);
/// assert_eq!(stats.last_line_bytes, 16);
/// assert_eq!((stats.peak_bytes, stats.peak_line), (48, Some(1)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ArenaStats {
    /// Lines begun (calls to `line()`).
    pub lines: u64,
    /// The line buffer's capacity in bytes.
    pub capacity: usize,
    /// The high-water mark of the most recently ended line, in bytes.
    pub last_line_bytes: usize,
    /// The largest high-water mark of any line so far, in bytes.
    pub peak_bytes: usize,
    /// The index of the first line that reached `peak_bytes` (`None` before a line ends).
    pub peak_line: Option<u64>,
}

impl ArenaStats {
    /// The peak as a fraction of the capacity (0.0 for a zero-capacity arena).
    pub fn peak_fraction(&self) -> f64 {
        if self.capacity == 0 {
            0.0
        } else {
            self.peak_bytes as f64 / self.capacity as f64
        }
    }
}

/// The counters an arena keeps and its lines update when they end.
///
/// Cells, because a line holds `&LineLog` while the arena is mutably borrowed by it. A line
/// reports the fewest free bytes it had (its low-water mark; its use is the capacity minus
/// that), computed once at its end from its cursor pointer (see `Line`). Nothing counts
/// ended lines on the fast path.
///
/// Invariants: `peak_line == NONE` exactly when no line has ended, and then `min_free` is
/// `usize::MAX`; `last` is the low-water mark of the last line that ended, or `UNMEASURED`
/// after the guard took it and before the next line reported (then `last_measured` holds
/// the value for the statistics). All free-byte counts are at most `cap`, the capacity of
/// every line.
#[derive(Debug)]
pub(crate) struct LineLog {
    cap: usize,
    begun: Cell<u64>,
    last: Cell<usize>,
    last_measured: Cell<usize>,
    min_free: Cell<usize>,
    peak_line: Cell<u64>,
}

const NONE: u64 = u64::MAX;
const UNMEASURED: usize = usize::MAX;

impl LineLog {
    /// A log for lines of `cap` bytes.
    pub(crate) const fn new(cap: usize) -> Self {
        LineLog {
            cap,
            begun: Cell::new(0),
            last: Cell::new(cap),
            last_measured: Cell::new(cap),
            min_free: Cell::new(usize::MAX),
            peak_line: Cell::new(NONE),
        }
    }

    /// The capacity of every line, in bytes.
    #[inline(always)]
    pub(crate) fn capacity(&self) -> usize {
        self.cap
    }

    /// Counts a new line.
    #[inline(always)]
    pub(crate) fn begin(&self) {
        self.begun.set(self.begun.get() + 1);
    }

    /// The index of the line that began last: while a line (or a scope of it) is alive, its
    /// own index, because no other line can begin until it ends.
    #[inline(always)]
    pub(crate) fn current_line(&self) -> u64 {
        self.begun.get().wrapping_sub(1)
    }

    /// Records the end of the line that began last, whose fewest free bytes were `free`.
    #[inline(always)]
    pub(crate) fn line_ended(&self, free: usize) {
        let index = self.current_line();
        self.last.set(free);
        // The first line to end always passes (`min_free` starts at `usize::MAX`); of lines
        // that tie, the first is kept.
        if free < self.min_free.get() {
            self.min_free.set(free);
            self.peak_line.set(index);
        }
    }

    /// How many bytes at the start of the buffer the line that began last may have touched:
    /// its high-water mark if it ended, all of `capacity` if it was leaked with `mem::forget`
    /// (a leaked line never reports its use), 0 before the first line.
    ///
    /// For the guard and the poisoner, which must call it before every `begin`: it marks the
    /// extent as taken, so a line that never reports is seen as a leak at the next call.
    pub(crate) fn take_released_extent(&self) -> usize {
        let capacity = self.cap;
        let taken = self.last.replace(UNMEASURED);
        if self.begun.get() == 0 {
            return 0;
        }
        match taken {
            UNMEASURED => capacity,
            free => {
                self.last_measured.set(free);
                capacity - free
            }
        }
    }

    pub(crate) fn stats(&self) -> ArenaStats {
        let capacity = self.cap;
        let peak_line = self.peak_line.get();
        let last_free = match self.last.get() {
            UNMEASURED => self.last_measured.get(),
            free => free,
        };
        ArenaStats {
            lines: self.begun.get(),
            capacity,
            last_line_bytes: capacity - last_free,
            peak_bytes: if peak_line == NONE {
                0
            } else {
                capacity - self.min_free.get()
            },
            peak_line: (peak_line != NONE).then_some(peak_line),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::StaticArena;

    #[test]
    fn peak_fraction_is_the_peak_over_the_capacity() {
        let mut arena = StaticArena::<1024>::new();
        assert_eq!(arena.stats().peak_fraction(), 0.0);
        arena.line().alloc([0u8; 200]);
        arena.line().alloc([0u8; 40]);
        // The first line's 208 bytes are the peak.
        assert_eq!(arena.stats().peak_fraction(), 208.0 / 1024.0);
        let mut empty = StaticArena::<0>::new();
        empty.line().alloc(());
        assert_eq!(empty.stats().peak_fraction(), 0.0);
    }
}
