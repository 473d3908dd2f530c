//! `BorrowedArena`: the line API over memory the caller owns (a DMA region, scratch memory
//! a host hands a plugin, a linker section), with no heap and no `alloc`.

use core::fmt;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use crate::ARENA_ALIGN;
use crate::line::Line;
use crate::log::{ArenaStats, LineLog};

/// A line arena over a buffer the caller lends it for `'b`: no heap, available without any
/// feature (`no_std`, no `alloc`).
///
/// Lines start at the buffer's first 16-byte boundary: the bytes skipped to reach it are
/// [`skipped`](BorrowedArena::skipped), and the capacity is what follows, rounded down to a
/// multiple of 16. Everything else is as for [`StaticArena`](crate::StaticArena): lines,
/// scopes, checkpoints, statistics, and in debug builds poisoning of released memory.
///
/// ```
/// use core::mem::MaybeUninit;
/// use arena_core::{BorrowedArena, ArenaFull};
///
/// // Memory someone else owns, e.g. a region a driver mapped for us.
/// let mut region = [MaybeUninit::<u8>::uninit(); 300];
/// let mut arena = BorrowedArena::new(&mut region);
/// assert_eq!(arena.skipped() + arena.capacity() + arena.unused_tail(), 300);
/// assert!(arena.capacity() >= 272);
/// for seq in 0..3u32 {
///     let line = arena.line();
///     let header = line.try_alloc([seq; 4])?;
///     let payload = line.try_alloc_slice_copy(b"payload")?;
///     assert_eq!((header[3], payload.len()), (seq, 7));
/// }
/// assert_eq!(arena.stats().lines, 3);
/// assert_eq!(arena.stats().peak_bytes, 32);
/// # Ok::<(), ArenaFull>(())
/// ```
pub struct BorrowedArena<'b> {
    // Invariants: `base` is aligned to `ARENA_ALIGN` and valid for reads and writes of `cap`
    // bytes (kept in `log`) for `'b`: it lies `skipped` bytes into the lent buffer, which
    // this arena borrows mutably for `'b`, so only the line that mutably borrows the arena
    // touches those bytes. `cap` is a multiple of 16. With `cap == 0`, `base` may be a
    // dangling aligned pointer.
    base: NonNull<u8>,
    skipped: usize,
    len: usize,
    log: LineLog,
    _buffer: PhantomData<&'b mut [MaybeUninit<u8>]>,
}

// SAFETY: the arena holds the only access to its lent buffer (a `&'b mut`, which is `Send`
// for bytes) and its own counters; moving it to another thread moves all of that. Not `Sync`
// (its counters are `Cell`s).
unsafe impl Send for BorrowedArena<'_> {}

impl<'b> BorrowedArena<'b> {
    /// An arena over `buffer`. Its lines start at the buffer's first 16-byte boundary and
    /// hold the whole 16-byte granules after it (none, for a buffer too short to reach one).
    pub fn new(buffer: &'b mut [MaybeUninit<u8>]) -> Self {
        let len = buffer.len();
        let start = buffer.as_mut_ptr().cast::<u8>();
        let skipped = start.addr().wrapping_neg() & (ARENA_ALIGN - 1);
        let cap = len.saturating_sub(skipped) & !(ARENA_ALIGN - 1);
        let base = if cap == 0 {
            // Nothing to lend out; an aligned dangling pointer serves zero-sized requests.
            NonNull::new(core::ptr::without_provenance_mut(ARENA_ALIGN))
                .unwrap_or(NonNull::dangling())
        } else {
            // `skipped < len` here (`cap > 0`), so the pointer stays inside the buffer, and it
            // is derived from the buffer's own non-null pointer.
            NonNull::new(start.wrapping_add(skipped)).unwrap_or(NonNull::dangling())
        };
        BorrowedArena {
            base,
            skipped,
            len,
            log: LineLog::new(cap),
            _buffer: PhantomData,
        }
    }

    /// Begins the next scan-line, releasing everything the previous one allocated.
    ///
    /// In debug builds (and with the `guard` feature) the released bytes are filled with
    /// [`GUARD_POISON`](crate::GUARD_POISON) first, as a [`StaticArena`](crate::StaticArena)
    /// does.
    #[inline]
    pub fn line(&mut self) -> Line<'_> {
        if crate::guard::POISON_BY_DEFAULT {
            let used = self.log.take_released_extent();
            // SAFETY: `base` is valid for writes of `cap >= used` bytes (a zero `used` for a
            // zero capacity writes nothing), and `&mut self` proves the previous line and
            // every reference it handed out have ended.
            unsafe { crate::guard::poison(self.base, used) };
        }
        self.log.begin();
        // SAFETY:
        // - `base` is 16-aligned and valid for `cap` bytes for `'b`, which outlives the
        //   borrow of `self` (struct invariant);
        // - `self` is mutably borrowed for the line's lifetime and the previous line has
        //   ended, so only this line touches the buffer;
        // - `cap` is a multiple of 16 and at most `isize::MAX` (it fits in a slice).
        unsafe {
            Line::new(
                self.base,
                self.log.capacity(),
                0,
                &self.log,
                true,
                crate::guard::POISON_BY_DEFAULT,
            )
        }
    }

    /// The capacity of each line in bytes.
    pub fn capacity(&self) -> usize {
        self.log.capacity()
    }

    /// Bytes at the start of the lent buffer skipped to reach a 16-byte boundary (all of
    /// it, for a buffer shorter than that).
    pub fn skipped(&self) -> usize {
        self.skipped.min(self.len)
    }

    /// Bytes at the end of the lent buffer that do not fill a whole 16-byte granule, and so
    /// are not used.
    pub fn unused_tail(&self) -> usize {
        self.len - self.skipped() - self.capacity()
    }

    /// Statistics over the lines so far.
    pub fn stats(&self) -> ArenaStats {
        self.log.stats()
    }
}

impl fmt::Debug for BorrowedArena<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BorrowedArena")
            .field("capacity", &self.capacity())
            .field("skipped", &self.skipped())
            .field("stats", &self.stats())
            .finish()
    }
}

#[cfg(all(test, feature = "panicking"))]
mod tests {
    use core::mem::MaybeUninit;

    use super::BorrowedArena;

    #[repr(C, align(16))]
    struct Aligned([MaybeUninit<u8>; 256]);

    #[test]
    fn every_start_offset_skips_to_the_next_boundary_and_counts_it() {
        let mut buf = Aligned([MaybeUninit::uninit(); 256]);
        for offset in 0..16 {
            for len in [0, 1, 15, 16, 17, 40, 200] {
                let region = &mut buf.0[offset..offset + len];
                let start = region.as_ptr().addr();
                let mut arena = BorrowedArena::new(region);
                let skipped = (16 - offset) % 16;
                assert_eq!(arena.skipped(), skipped.min(len));
                assert_eq!(arena.capacity(), len.saturating_sub(skipped) / 16 * 16);
                assert_eq!(
                    arena.skipped() + arena.capacity() + arena.unused_tail(),
                    len
                );
                let cap = arena.capacity();
                let line = arena.line();
                if cap > 0 {
                    let first = line.alloc(1u8);
                    assert_eq!(core::ptr::from_mut(first).addr(), start + skipped);
                    let rest = line.alloc_slice_fill_copy(cap - 16, 2u8);
                    assert!(rest.iter().all(|&b| b == 2));
                }
                assert_eq!(line.remaining(), 0);
                assert!(line.try_alloc(0u8).is_err());
                assert!(line.try_alloc(()).is_ok());
            }
        }
    }

    #[test]
    fn lines_scopes_and_stats_work_as_for_a_static_arena() {
        let mut buf = Aligned([MaybeUninit::uninit(); 256]);
        let mut arena = BorrowedArena::new(&mut buf.0);
        assert_eq!((arena.skipped(), arena.capacity()), (0, 256));
        for width in [3usize, 100, 20] {
            let mut line = arena.line();
            line.alloc_slice_fill_copy(width, 1u8);
            line.scope(|s| {
                s.alloc([0u8; 64]);
            });
        }
        let stats = arena.stats();
        assert_eq!((stats.lines, stats.capacity), (3, 256));
        assert_eq!((stats.peak_bytes, stats.peak_line), (112 + 64, Some(1)));
        assert_eq!(stats.last_line_bytes, 32 + 64);
    }

    #[test]
    fn the_arena_moves_to_another_thread_with_its_buffer() {
        let mut buf = Aligned([MaybeUninit::uninit(); 256]);
        let mut arena = BorrowedArena::new(&mut buf.0);
        let sum = std::thread::scope(|s| {
            s.spawn(move || {
                let line = arena.line();
                line.alloc_slice_fill_with(10, |i| i as u32)
                    .iter()
                    .sum::<u32>()
            })
            .join()
            .unwrap()
        });
        assert_eq!(sum, 45);
    }
}
