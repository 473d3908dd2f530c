//! Values of unknown count written one after another at a line's tip: the engine behind
//! `alloc_iter` and `alloc_fmt`.
//!
//! The run writes at the tip and claims whole granules as its values need them (or, for
//! values an iterator promises, all of their room at once: `reserve`), so the line's cursor
//! always covers what was written and anything else
//! that allocates from the line meanwhile (the iterator being collected, a `Display` impl)
//! lands above the run and never on it. Each claim first checks that the cursor is where the
//! run left it; if not, something else allocated, and the run moves what it has written so
//! far above that (`relocate`), the one case where it copies.

use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};

use super::{Line, dangling, full, offset};
use crate::ARENA_ALIGN;
use crate::error::ArenaFull;
use crate::log::LineLog;
use crate::sanitizer;

/// A run of `T`s being written at the tip of `line`.
///
/// Invariants, true between calls:
/// - `size_of::<T>() > 0` (zero-sized runs are handled by the callers without a `TipRun`);
/// - `start <= ptr <= end` (the line's); `start..ptr` holds initialised `T`s below
///   `claimed` (or none, with `start == ptr`); `start` is aligned for `T` unless the
///   padding did not fit, in which case `start == end`;
/// - `claimed` is where this run last left the line's cursor: `from` until the first
///   claim, then the end of the granule holding the last value (`start..claimed` are the
///   run's bytes, `from..start` padding);
/// - `from` is the cursor before the run began (after a relocation: before the run moved),
///   where a failure rewinds to; `from <= start`. With `start == end` nothing will ever be
///   written (every claim fails).
pub(super) struct TipRun<'l, 'a, T> {
    line: &'l Line<'a>,
    from: NonNull<u8>,
    start: NonNull<T>,
    ptr: NonNull<T>,
    claimed: NonNull<u8>,
}

/// Why [`TipRun::push`] did not write its value.
pub(super) enum Stop<T> {
    /// Something else allocated from the line since the run's last claim: the value, not
    /// written yet, for [`TipRun::push_moved`].
    Moved(T),
    /// The line has no room for the value.
    Full(ArenaFull),
}

impl<'l, 'a, T> TipRun<'l, 'a, T> {
    /// Starts a run at the line's tip; claims nothing yet.
    #[inline(always)]
    pub(super) fn new(line: &'l Line<'a>) -> Self {
        debug_assert!(size_of::<T>() > 0);
        let from = line.next.get();
        let start = aligned_start::<T>(from, line.end);
        TipRun {
            line,
            from,
            start,
            ptr: start,
            claimed: from,
        }
    }

    /// Writes `value` after the run's last value, claiming a granule (or several) at the tip
    /// if it does not fit in what the run claimed already.
    ///
    /// Stops without writing when something else allocated from the line since the run's
    /// last claim ([`Stop::Moved`]: the caller hands the value to
    /// [`push_moved`](TipRun::push_moved), outside its loop) or when the line is full. The
    /// relocation is not done here so that the loop this is inlined into carries only the
    /// write pointer and the claim: with the relocation's results merged into them inside
    /// the loop, LLVM copied the cursor through a scratch register on every value.
    #[inline(always)]
    pub(super) fn push(&mut self, value: T) -> Result<(), Stop<T>> {
        let needs_claim = if Self::TILES {
            // Values tile granules, so the run reaches its claim exactly before it needs more.
            self.ptr.cast::<u8>() == self.claimed
        } else {
            self.ptr.as_ptr().addr() + size_of::<T>() > self.claimed.as_ptr().addr()
        };
        if needs_claim {
            if self.line.next.get() != self.claimed {
                return Err(Stop::Moved(value));
            }
            if let Err(full) = self.claim_at_tip() {
                return Err(Stop::Full(full));
            }
        }
        // SAFETY: the claim (now or earlier) made `ptr..ptr + 1` part of the run's claimed
        // bytes: aligned for `T`, inside the buffer, below the cursor and reached by no other
        // allocation. Writing a value runs no code of the user's.
        unsafe { self.ptr.write(value) };
        // SAFETY: `ptr + 1` is at most `claimed`, inside the buffer or one past its end.
        self.ptr = unsafe { self.ptr.add(1) };
        Ok(())
    }

    /// Writes `value`, which [`push`](TipRun::push) stopped on with [`Stop::Moved`]: moves
    /// the run above what else was allocated first.
    #[inline(always)]
    pub(super) fn push_moved(&mut self, value: T) -> Result<(), ArenaFull> {
        self.move_to_tip(1)?;
        // SAFETY: `move_to_tip` made `ptr..ptr + 1` part of the run's claimed bytes (as in
        // `push`).
        unsafe { self.ptr.write(value) };
        // SAFETY: `ptr + 1` is at most `claimed`, inside the buffer or one past its end.
        self.ptr = unsafe { self.ptr.add(1) };
        Ok(())
    }

    /// Whether values of `T` tile granules: aligned to at most 16, with a size that divides
    /// 16 or is a multiple of it. Pushing them one by one from a granule boundary, every
    /// claim then starts exactly at the old claim's end (`ptr == claimed`: the values written
    /// so far fill whole granules, or the run has just begun or moved), so it takes
    /// `max(size, 16)` bytes with no rounding.
    const TILES: bool = align_of::<T>() <= ARENA_ALIGN
        && (ARENA_ALIGN.is_multiple_of(size_of::<T>())
            || size_of::<T>().is_multiple_of(ARENA_ALIGN));

    /// Claims what the next value needs after `ptr`, the cursor being where the run left it
    /// (`claimed`): for a type that [tiles](TipRun::TILES) granules, `max(size, 16)` bytes
    /// from `ptr == claimed`; otherwise up to the granule boundary after the value.
    #[inline(always)]
    fn claim_at_tip(&mut self) -> Result<(), ArenaFull> {
        let line = self.line;
        debug_assert_eq!(line.next.get(), self.claimed);
        let at = self.ptr.cast::<u8>();
        let claimed = if Self::TILES {
            debug_assert_eq!(at, self.claimed);
            let step = if size_of::<T>() < ARENA_ALIGN {
                ARENA_ALIGN
            } else {
                size_of::<T>()
            };
            // `at + step <= end`. For one granule, `at` and `end` both on granule
            // boundaries, that is `at < end`: a compare with the end itself, which the run
            // keeps anyway. Otherwise a compare of `at` with a bound that does not change
            // during the run, so that LLVM computes the bound once.
            let full = if step == ARENA_ALIGN {
                debug_assert!(at.as_ptr().addr().is_multiple_of(ARENA_ALIGN));
                at >= line.end
            } else {
                at.as_ptr().addr() > line.end.as_ptr().addr().saturating_sub(step)
            };
            if full {
                return Err(run_full::<T>(self.len(), 1, line.log, self.from, line.end));
            }
            // SAFETY: `at + step <= end`: inside the buffer or one past its end.
            unsafe { at.add(step) }
        } else {
            if size_of::<T>() > offset(at, line.end) {
                return Err(run_full::<T>(self.len(), 1, line.log, self.from, line.end));
            }
            // SAFETY: `at + size <= end`, inside the buffer or one past its end.
            round_up(unsafe { at.add(size_of::<T>()) })
        };
        sanitizer::unpoison(at, offset(at, claimed));
        line.next.set(claimed);
        self.claimed = claimed;
        Ok(())
    }

    /// Claims room for `additional` more values after `ptr`: moves the run first if
    /// something else allocated from the line since the run's last claim.
    ///
    /// The out-of-line paths (`relocate`, the error) take values, never `&self` or the line:
    /// a run whose address escapes is kept in memory, and then every value written stores and
    /// reloads the run's write pointer (measured: 1.5x the instructions of a hand-written
    /// push loop; see BENCHMARKS.md).
    #[inline(always)]
    fn claim(&mut self, additional: usize) -> Result<(), ArenaFull> {
        let line = self.line;
        if line.next.get() != self.claimed {
            return self.move_to_tip(additional);
        }
        let room = offset(self.ptr.cast(), line.end);
        match additional.checked_mul(size_of::<T>()) {
            Some(bytes) if bytes <= room => {
                // SAFETY: `ptr + bytes <= end`, inside the buffer or one past its end.
                let last = unsafe { self.ptr.cast::<u8>().add(bytes) };
                let claimed = round_up(last);
                sanitizer::unpoison(self.ptr.cast(), offset(self.ptr.cast(), claimed));
                line.next.set(claimed);
                self.claimed = claimed;
                Ok(())
            }
            _ => Err(run_full::<T>(
                self.len(),
                additional,
                line.log,
                self.from,
                line.end,
            )),
        }
    }

    /// Something else allocated from the line since the run's last claim: moves the run to
    /// the tip, with room for `additional` more values after it.
    #[inline(always)]
    fn move_to_tip(&mut self, additional: usize) -> Result<(), ArenaFull> {
        let line = self.line;
        let tip = line.next.get();
        debug_assert_ne!(tip, self.claimed);
        // Nothing of the run's old bytes can be given back (they are below the other
        // allocation), so from here on a failure rewinds to the new tip at most.
        self.from = tip;
        self.claimed = tip;
        let moved = relocate(tip, line.end, line.log, self.start, self.len(), additional)?;
        self.start = moved.start;
        self.ptr = moved.ptr;
        self.claimed = moved.claimed;
        line.next.set(moved.claimed);
        Ok(())
    }

    /// Writes the values of `src` after the run's last value (all or, on error, none).
    #[inline(always)]
    pub(super) fn push_slice(&mut self, src: &[T]) -> Result<(), ArenaFull>
    where
        T: Copy,
    {
        let bytes = size_of_val(src);
        if self.ptr.as_ptr().addr() + bytes > self.claimed.as_ptr().addr() {
            self.claim(src.len())?;
        }
        // SAFETY:
        // - `src` is valid for reads of `src.len()` values;
        // - `ptr..ptr + src.len()` is inside the run's claim (just made, or earlier): aligned,
        //   valid for writes, reached by nothing else, so the two do not overlap.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.as_ptr(), src.len()) };
        // SAFETY: `ptr + src.len()` is at most `claimed`: inside the buffer or one past it.
        self.ptr = unsafe { self.ptr.add(src.len()) };
        Ok(())
    }

    /// How many values the run holds.
    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        offset(self.start.cast(), self.ptr.cast()) / size_of::<T>()
    }

    /// Gives the run's bytes back to the line (after an error): the cursor returns to
    /// `from`. The high-water mark keeps what the run reached.
    #[cold]
    pub(super) fn abandon(self) {
        let next = self.line.next.get();
        if next == self.claimed && self.claimed != self.from {
            self.line.rewind(self.from);
            sanitizer::release(self.from, offset(self.from, self.claimed));
        }
    }

    /// Claims room for `n` values before the first is written, if it fits: for an iterator
    /// whose lower size bound promises them, so that they are written without a claim per
    /// granule. Returns whether it claimed; when the room is not there nothing happens, the
    /// values are claimed granule by granule, and an error (if any) comes where it would
    /// have come anyway.
    #[inline(always)]
    pub(super) fn reserve(&mut self, n: usize) -> bool {
        let line = self.line;
        debug_assert!(self.ptr == self.start && line.next.get() == self.claimed);
        let at = self.ptr.cast::<u8>();
        match n.checked_mul(size_of::<T>()) {
            Some(bytes) if bytes > 0 && bytes <= offset(at, line.end) => {
                // SAFETY: `at + bytes <= end`: inside the buffer or one past its end.
                let claimed = round_up(unsafe { at.add(bytes) });
                sanitizer::unpoison(at, offset(at, claimed));
                line.next.set(claimed);
                self.claimed = claimed;
                true
            }
            _ => false,
        }
    }

    /// [`finish`](TipRun::finish) for a run that [reserved](TipRun::reserve) room up front:
    /// gives back what the values did not take (an iterator whose lower size bound promised
    /// more than it yielded), through `Line::rewind`, so the high-water mark keeps the
    /// reservation. When something else was allocated after the run, the room stays used.
    #[inline(always)]
    pub(super) fn finish_reserved(self) -> &'a mut [T] {
        // The claim always ends at the granule boundary after the last value, unless the
        // reservation was larger.
        let taken = round_up(self.ptr.cast());
        if self.line.next.get() == self.claimed && taken != self.claimed {
            self.line.rewind(taken);
            sanitizer::release(taken, offset(taken, self.claimed));
        }
        self.finish()
    }

    /// The values written, as a slice that lives as long as the line.
    #[inline(always)]
    pub(super) fn finish(self) -> &'a mut [T] {
        let len = self.len();
        // `start` is aligned for `T` unless the padding did not fit, which only a type aligned
        // to more than a granule needs: only then can an empty run's `start` be unaligned.
        let data = if align_of::<T>() > ARENA_ALIGN && len == 0 {
            dangling(align_of::<T>()).cast::<T>()
        } else {
            self.start
        };
        // SAFETY:
        // - `data..data + len` are the run's `len` initialised values (or none, at an aligned
        //   non-null pointer), aligned for `T`, at most `isize::MAX` bytes (they fit in the
        //   buffer);
        // - the bytes are the run's alone for `'a`: the cursor has moved past them and the
        //   run, which was the only one to reach them, ends here.
        unsafe { core::slice::from_raw_parts_mut(data.as_ptr(), len) }
    }
}

/// Where a run moved to: its new start, write pointer and claim.
struct Moved<T> {
    start: NonNull<T>,
    ptr: NonNull<T>,
    claimed: NonNull<u8>,
}

/// The cursor moved (to `tip`) since the run's last claim: something else allocated above
/// the run. Copies the `len` values written so far from `old` to the tip, with room for
/// `additional` more, and returns the run's new state; the caller moves the cursor. The bytes
/// the run had claimed stay used until the line ends: they are below the other allocation.
#[cold]
#[inline(never)]
fn relocate<T>(
    tip: NonNull<u8>,
    end: NonNull<u8>,
    log: &LineLog,
    old: NonNull<T>,
    len: usize,
    additional: usize,
) -> Result<Moved<T>, ArenaFull> {
    let start = aligned_start::<T>(tip, end);
    let room = offset(start.cast(), end);
    let wanted = len
        .checked_add(additional)
        .and_then(|n| n.checked_mul(size_of::<T>()));
    match wanted {
        Some(bytes) if bytes <= room => {
            // SAFETY: `start + bytes <= end`: inside the buffer or one past its end.
            let claimed = round_up(unsafe { start.cast::<u8>().add(bytes) });
            sanitizer::unpoison(start.cast(), offset(start.cast(), claimed));
            // SAFETY:
            // - `old..old + len` are the `len` values written so far, initialised;
            // - `start..start + len` is inside the new claim, valid for writes;
            // - they do not overlap: the old values lie below the old claim, which is at or
            //   below `tip`, and the new claim starts at `tip` or above.
            unsafe { ptr::copy_nonoverlapping(old.as_ptr(), start.as_ptr(), len) };
            Ok(Moved {
                start,
                // SAFETY: `start + len` is inside the new claim (`len <= len + additional`).
                ptr: unsafe { start.add(len) },
                claimed,
            })
        }
        _ => Err(run_full::<T>(len, additional, log, tip, end)),
    }
}

/// The error for a run of `len` values that could not take `additional` more, reported as
/// one request for the whole run, against the line as the failure leaves it (cursor at
/// `from`).
#[cold]
#[inline(never)]
fn run_full<T>(
    len: usize,
    additional: usize,
    log: &LineLog,
    from: NonNull<u8>,
    end: NonNull<u8>,
) -> ArenaFull {
    let size = len
        .checked_add(additional)
        .and_then(|n| n.checked_mul(size_of::<T>()))
        .unwrap_or(usize::MAX);
    full(size, align_of::<T>(), log, from, end)
}

/// The first address at or after `from` aligned for `T`, or `end` if the padding does not
/// fit (then nothing can be written: every claim fails).
#[inline(always)]
fn aligned_start<T>(from: NonNull<u8>, end: NonNull<u8>) -> NonNull<T> {
    let pad = if align_of::<T>() <= ARENA_ALIGN {
        // The cursor is on a 16-byte boundary already.
        0
    } else {
        from.as_ptr().addr().wrapping_neg() & (align_of::<T>() - 1)
    };
    if pad <= offset(from, end) {
        // SAFETY: `from + pad <= end`: inside the buffer or one past its end.
        unsafe { from.add(pad) }.cast()
    } else {
        end.cast()
    }
}

/// `ptr` rounded up to the next granule boundary. The line's buffer starts on one and ends
/// on one, so for a `ptr` inside it (or one past its end) the result is too.
#[inline(always)]
fn round_up(ptr: NonNull<u8>) -> NonNull<u8> {
    let pad = ptr.as_ptr().addr().wrapping_neg() & (ARENA_ALIGN - 1);
    // SAFETY: the buffer's end is a multiple of 16 at or after `ptr`, so `ptr + pad` is at
    // most that end: inside the buffer or one past it.
    unsafe { ptr.add(pad) }
}
