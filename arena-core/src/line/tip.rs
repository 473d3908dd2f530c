//! Values of unknown count written one after another at a line's tip: the engine behind
//! `alloc_iter` and `alloc_fmt`.
//!
//! Nothing is reserved up front. The run writes at the tip and claims whole granules as its
//! values need them, so the line's cursor always covers what was written and anything else
//! that allocates from the line meanwhile (the iterator being collected, a `Display` impl)
//! lands above the run and never on it. Each claim first checks that the cursor is where the
//! run left it; if not, something else allocated, and the run moves what it has written so
//! far above that (`relocate`), the one case where it copies.

use core::mem::{align_of, size_of};
use core::ptr::{self, NonNull};

use super::{Line, dangling, full, offset};
use crate::ARENA_ALIGN;
use crate::error::ArenaFull;
use crate::sanitizer;

/// A run of `T`s being written at the tip of `line`.
///
/// Invariants, true between calls:
/// - `size_of::<T>() > 0` (zero-sized runs are handled by the callers without a `TipRun`);
/// - `start` is aligned for `T`, and `start..ptr` holds initialised `T`s, all inside the
///   line's buffer below `claimed` (or none, with `start == ptr`);
/// - `claimed` is where this run last left the line's cursor: `from` until the first
///   claim, then the end of the granule holding the last value (`start..claimed` are the
///   run's bytes, `from..start` padding);
/// - `from` is the cursor before the run began (after a relocation: before the run moved),
///   where a failure rewinds to. `from <= start` unless `start` had no room for padding, in
///   which case nothing will ever be written (every claim fails).
pub(super) struct TipRun<'l, 'a, T> {
    line: &'l Line<'a>,
    from: NonNull<u8>,
    start: NonNull<T>,
    ptr: NonNull<T>,
    claimed: NonNull<u8>,
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

    /// Writes `value` after the run's last value, claiming a granule (or several) if it
    /// does not fit in what the run claimed already.
    #[inline(always)]
    pub(super) fn push(&mut self, value: T) -> Result<(), ArenaFull> {
        if self.ptr.as_ptr().addr() + size_of::<T>() > self.claimed.as_ptr().addr() {
            self.claim(1)?;
        }
        // SAFETY: `claim` (now or earlier) made `ptr..ptr + 1` part of the run's claimed
        // bytes: aligned for `T`, inside the buffer, below the cursor and reached by no other
        // allocation. Writing a value runs no code of the user's.
        unsafe { self.ptr.write(value) };
        // SAFETY: `ptr + 1` is at most `claimed`, inside the buffer or one past its end.
        self.ptr = unsafe { self.ptr.add(1) };
        Ok(())
    }

    /// Claims room for `additional` more values after `ptr`: moves the run first if
    /// something else allocated from the line since the run's last claim.
    #[inline(always)]
    fn claim(&mut self, additional: usize) -> Result<(), ArenaFull> {
        if self.line.next.get() != self.claimed {
            return self.relocate(additional);
        }
        let room = offset_or_zero(self.ptr.cast(), self.line.end);
        let wanted = additional.checked_mul(size_of::<T>());
        match wanted {
            Some(bytes) if bytes <= room => {
                // SAFETY: `ptr + bytes <= end`, inside the buffer or one past its end.
                let last = unsafe { self.ptr.cast::<u8>().add(bytes) };
                let claimed = round_up(last);
                sanitizer::unpoison(self.ptr.cast(), offset(self.ptr.cast(), claimed));
                self.line.next.set(claimed);
                self.claimed = claimed;
                Ok(())
            }
            _ => Err(self.full(additional)),
        }
    }

    /// The cursor moved since the run's last claim: something else allocated above the
    /// run. Copies the values written so far to the new tip, with room for `additional` more.
    /// The bytes the run had claimed stay used until the line ends (they are below the other
    /// allocation, so the cursor cannot give them back).
    #[cold]
    #[inline(never)]
    fn relocate(&mut self, additional: usize) -> Result<(), ArenaFull> {
        let tip = self.line.next.get();
        let len = self.len();
        // Nothing of the run's old bytes is given back, so a failure from here on rewinds to
        // the new tip at most, never below the other allocation.
        self.from = tip;
        self.claimed = tip;
        let old = self.start;
        self.start = aligned_start::<T>(tip, self.line.end);
        self.ptr = self.start;
        let room = offset_or_zero(self.start.cast(), self.line.end);
        let wanted = len
            .checked_add(additional)
            .and_then(|n| n.checked_mul(size_of::<T>()));
        match wanted {
            Some(bytes) if bytes <= room => {
                // SAFETY: `start + bytes <= end`: inside the buffer or one past its end.
                let claimed = round_up(unsafe { self.start.cast::<u8>().add(bytes) });
                sanitizer::unpoison(self.start.cast(), offset(self.start.cast(), claimed));
                self.line.next.set(claimed);
                self.claimed = claimed;
                // SAFETY:
                // - `old..old + len` are the `len` values written so far, initialised;
                // - `start..start + len` is inside the run's new claim, valid for writes;
                // - they do not overlap: the old values lie below the old claim, which is at
                //   or below `tip`, and the new claim starts at `tip` or above.
                unsafe { ptr::copy_nonoverlapping(old.as_ptr(), self.start.as_ptr(), len) };
                // SAFETY: `start + len` is inside the new claim (`len <= len + additional`).
                self.ptr = unsafe { self.start.add(len) };
                Ok(())
            }
            _ => Err(self.full_at(len, additional)),
        }
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

    /// The error for a claim of `additional` more values that does not fit, reported as one
    /// request for the whole run, against the line as a failure leaves it.
    #[cold]
    fn full(&self, additional: usize) -> ArenaFull {
        self.full_at(self.len(), additional)
    }

    #[cold]
    fn full_at(&self, len: usize, additional: usize) -> ArenaFull {
        let size = len
            .checked_add(additional)
            .and_then(|n| n.checked_mul(size_of::<T>()))
            .unwrap_or(usize::MAX);
        full(
            size,
            align_of::<T>(),
            self.line.log,
            self.from,
            self.line.end,
        )
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

    /// The values written, as a slice that lives as long as the line.
    #[inline(always)]
    pub(super) fn finish(self) -> &'a mut [T] {
        let len = self.len();
        let data = if len == 0 {
            dangling(align_of::<T>()).cast::<T>()
        } else {
            self.start
        };
        // SAFETY:
        // - `data..data + len` are the run's `len` initialised values (or none, at an aligned
        //   dangling pointer), aligned for `T`, at most `isize::MAX` bytes (they fit in the
        //   buffer);
        // - the bytes are the run's alone for `'a`: the cursor has moved past them and the
        //   run, which was the only one to reach them, ends here.
        unsafe { core::slice::from_raw_parts_mut(data.as_ptr(), len) }
    }
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

/// Bytes from `from` to `end`, or 0 when `from` is past it (never, for an aligned start).
#[inline(always)]
fn offset_or_zero(from: NonNull<u8>, end: NonNull<u8>) -> usize {
    end.as_ptr().addr().saturating_sub(from.as_ptr().addr())
}

/// `ptr` rounded up to the next granule boundary. The line's buffer starts on one and ends
/// on one, so the result stays inside it (or one past its end) for a `ptr` inside it.
#[inline(always)]
fn round_up(ptr: NonNull<u8>) -> NonNull<u8> {
    ptr.map_addr(|addr| {
        let rounded = (addr.get() + (ARENA_ALIGN - 1)) & !(ARENA_ALIGN - 1);
        // `addr` is at most the buffer's end, itself a multiple of 16, so no wrap and no zero.
        core::num::NonZeroUsize::new(rounded).unwrap_or(addr)
    })
}
