//! Resizing the last allocation of a line in place: [`TipSlice`], and the `Allocator` impl's
//! grow and shrink, which share [`Line::resize_last`].

use core::fmt;
use core::marker::PhantomData;
use core::mem::{MaybeUninit, align_of, size_of};
use core::ops::{Deref, DerefMut};
use core::ptr::{self, NonNull};
use core::slice;

#[cfg(feature = "panicking")]
use super::fail;
use super::{Line, full};
use crate::bound::round_to_granule;
use crate::error::ArenaFull;
use crate::sanitizer;

/// Why [`Line::resize_last`] left a block as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResizeMiss {
    /// The block is not the line's last allocation (or is empty, so it has no place).
    NotLast,
    /// The block is last, but the line has no room for the new size.
    NoRoom,
}

impl<'a> Line<'a> {
    /// If `ptr..ptr + old_size` (rounded up to the 16-byte granule) is the last allocation
    /// of this line, resizes it in place to `new_size` bytes. Shrinking gives the tail back
    /// through [`Line::rewind`], so the high-water mark keeps the old size.
    ///
    /// The caller must own every byte of the block's granules: the block is an allocation
    /// made as a whole (an `Allocator` block, a [`TipSlice`]), never a piece of one, whose
    /// neighbour in the same granule could still be in use.
    pub(crate) fn resize_last(
        &self,
        ptr: NonNull<u8>,
        old_size: usize,
        new_size: usize,
    ) -> Result<(), ResizeMiss> {
        let Some(old_end) = round_to_granule(old_size) else {
            return Err(ResizeMiss::NotLast);
        };
        let pos = self.used();
        let start = ptr.as_ptr().addr().wrapping_sub(self.base.as_ptr().addr());
        if old_size == 0 || start > pos || start.wrapping_add(old_end) != pos {
            return Err(ResizeMiss::NotLast);
        }
        match round_to_granule(new_size) {
            Some(new_len) if new_len <= self.capacity() - start => {
                // SAFETY: `start + new_len <= cap`: the new cursor stays inside the buffer
                // (or one past its end), derived from the allocation's own pointer.
                let new_next = unsafe { ptr.add(new_len) };
                if new_len > old_end {
                    self.next.set(new_next);
                } else {
                    self.rewind(new_next);
                }
                // The block's first `new_size` bytes are handed out, growth inside its last
                // granule included; everything after them up to the farther of the old and
                // new ends is padding or given back.
                sanitizer::unpoison(ptr, new_size);
                // SAFETY: `new_size <= new_len <= cap - start`: in bounds of the buffer (or
                // one past its end), derived from the allocation's own pointer.
                let tail = unsafe { ptr.add(new_size) };
                sanitizer::release(tail, old_end.max(new_len) - new_size);
                Ok(())
            }
            _ => Err(ResizeMiss::NoRoom),
        }
    }

    /// Copies `src` into the line as a [`TipSlice`]: a slice that can grow and shrink in
    /// place for as long as nothing is allocated after it.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let mut samples = line.try_alloc_tip_slice(&[1u16, 2, 3])?;
    /// samples.try_grow(6, 0)?; // in place: nothing was allocated after it
    /// assert_eq!(&samples[..], &[1, 2, 3, 0, 0, 0]);
    /// samples.shrink(2); // gives the tail back to the line
    /// let kept: &mut [u16] = samples.into_slice();
    /// assert_eq!(kept, &[1, 2]);
    /// assert_eq!(line.used(), 16);
    /// # Ok::<(), arena_core::GrowError>(())
    /// ```
    #[inline]
    pub fn try_alloc_tip_slice<T: Copy>(
        &self,
        src: &[T],
    ) -> Result<TipSlice<'_, 'a, T>, ArenaFull> {
        // The raw pointer from the bump keeps the provenance of the whole line buffer, which
        // growth needs: a pointer taken from a `&mut [T]` of the first `src.len()` values
        // would not cover the bytes after them.
        let ptr = self.bump_for_slice::<T>(src.len())?;
        // SAFETY:
        // - `src` is valid for reads of `src.len()` values; `ptr` is aligned and valid for
        //   writes of as many (dangling with a zero total size, which `copy` allows);
        // - they do not overlap: `ptr` is fresh line memory that no reference reaches.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), ptr.as_ptr(), src.len()) };
        Ok(TipSlice {
            ptr,
            len: src.len(),
            line: self,
            _owns: PhantomData,
        })
    }

    /// [`try_alloc_tip_slice`](Line::try_alloc_tip_slice) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_tip_slice<T: Copy>(&self, src: &[T]) -> TipSlice<'_, 'a, T> {
        self.try_alloc_tip_slice(src).unwrap_or_else(|e| fail(e))
    }
}

/// A slice at the tip of its line, which grows and shrinks in place while nothing has been
/// allocated after it; from [`Line::try_alloc_tip_slice`].
///
/// Growth never copies: [`try_grow`](TipSlice::try_grow) extends the slice over the line's
/// free bytes, or fails with a [`GrowError`] that says why (something was allocated after
/// it, or the line is full) and leaves slice and line as they were. [`shrink`](TipSlice::shrink)
/// always shortens the slice, and gives the freed bytes back to the line when the slice is
/// still last. The line's high-water mark keeps the largest size reached.
///
/// Why a type and not a method on `&mut [T]`: a plain slice may be a piece of a larger
/// allocation (`split_at_mut`), and its neighbour in the same 16-byte granule would be
/// handed out again if the piece shrank. A `TipSlice` always owns its whole allocation.
///
/// It borrows its line (`'l`) so that only that line can resize it; `'a` is the line's own
/// lifetime, which [`into_slice`](TipSlice::into_slice) gives the finished slice.
///
/// ```
/// # let mut arena = arena_core::ScanArena::with_capacity(256);
/// let line = arena.line();
/// let mut fields = line.try_alloc_tip_slice::<u32>(&[])?;
/// for word in [7, 8, 9] {
///     let n = fields.len();
///     fields.try_grow(n + 1, word)?;
/// }
/// let other = line.try_alloc(0u8)?; // `fields` is no longer last...
/// let err = fields.try_grow(4, 0).unwrap_err();
/// assert!(err.to_string().contains("no longer the last allocation"), "{err}");
/// assert_eq!((&fields[..], *other), (&[7, 8, 9][..], 0));
/// # Ok::<(), arena_core::GrowError>(())
/// ```
pub struct TipSlice<'l, 'a, T> {
    // Invariants: `ptr` is aligned for `T` and points to `len` initialised values. When
    // `T` is not zero-sized and `len > 0`, `ptr..ptr + round16(len * size_of::<T>())` is
    // one allocation of `line`, owned by this value alone, padding included. An empty slice
    // owns nothing (`ptr` may dangle). `T` has no drop glue (checked by the allocation).
    ptr: NonNull<T>,
    len: usize,
    line: &'l Line<'a>,
    /// Owns the values for `'a`, like the `&'a mut [T]` it becomes.
    _owns: PhantomData<&'a mut [T]>,
}

impl<'a, T> TipSlice<'_, 'a, T> {
    /// The bytes the slice's values take (`len` times the size of `T`).
    fn bytes(&self) -> usize {
        // The values exist, so their size fits in `isize`.
        self.len * size_of::<T>()
    }

    /// Whether the slice is still its line's last allocation, so it can grow in place (an
    /// empty slice owns nothing and can always grow: it allocates at the tip).
    pub fn is_last(&self) -> bool {
        let bytes = self.bytes();
        if bytes == 0 {
            return true;
        }
        round_to_granule(bytes).is_some_and(|end| {
            self.ptr.as_ptr().addr().wrapping_add(end) == self.line.next.get().as_ptr().addr()
        })
    }

    /// Grows the slice to `new_len` values in place, the new ones copies of `value`.
    ///
    /// Does nothing when `new_len <= len()`. Fails, changing nothing, when something was
    /// allocated after the slice ([`GrowError::NotLast`]) or the line has no room
    /// ([`GrowError::Full`]).
    pub fn try_grow(&mut self, new_len: usize, value: T) -> Result<(), GrowError>
    where
        T: Copy,
    {
        if new_len <= self.len {
            return Ok(());
        }
        let line = self.line;
        let old_bytes = self.bytes();
        if size_of::<T>() != 0 {
            let Some(new_bytes) = size_of::<T>().checked_mul(new_len) else {
                return Err(GrowError::Full(full(
                    usize::MAX,
                    align_of::<T>(),
                    line.log,
                    line.next.get(),
                    line.end,
                )));
            };
            if old_bytes == 0 {
                // Nothing owned yet: a fresh allocation at the tip (a raw pointer, for the
                // provenance of the whole buffer, as in `try_alloc_tip_slice`).
                self.ptr = line.bump_for_slice::<T>(new_len)?;
            } else {
                match line.resize_last(self.ptr.cast(), old_bytes, new_bytes) {
                    Ok(()) => {}
                    Err(ResizeMiss::NotLast) => {
                        return Err(GrowError::NotLast {
                            len: self.len,
                            line: line.index(),
                        });
                    }
                    Err(ResizeMiss::NoRoom) => {
                        let grown = round_to_granule(new_bytes).unwrap_or(usize::MAX);
                        let extra = grown - round_to_granule(old_bytes).unwrap_or(grown);
                        return Err(GrowError::Full(full(
                            extra,
                            align_of::<T>(),
                            line.log,
                            line.next.get(),
                            line.end,
                        )));
                    }
                }
            }
        }
        let old_len = self.len;
        // SAFETY: the slice now owns room for `new_len` values at `ptr` (the resize or the
        // fresh allocation above; a zero-sized `T` needs no room), so the `new_len - old_len`
        // slots after the old values are inside it, aligned, ours alone.
        let tail = unsafe { self.ptr.add(old_len) }.cast::<MaybeUninit<T>>();
        // SAFETY: the `new_len - old_len` slots at `tail` are inside the slice's room (see
        // above), aligned for `T`, and no reference reaches them yet; `MaybeUninit<T>` needs
        // no initialisation and has the layout of `T`.
        let slots = unsafe { slice::from_raw_parts_mut(tail.as_ptr(), new_len - old_len) };
        slots.fill(MaybeUninit::new(value));
        self.len = new_len;
        Ok(())
    }

    /// Shortens the slice to `new_len` values (nothing happens when `new_len >= len()`).
    /// Returns the bytes given back to the line: the freed granules when the slice is still
    /// last, else 0 (they stay in use until the line ends).
    pub fn shrink(&mut self, new_len: usize) -> usize {
        if new_len >= self.len {
            return 0;
        }
        let old_bytes = self.bytes();
        let new_bytes = new_len * size_of::<T>();
        let before = self.line.used();
        let given_back = match self.line.resize_last(self.ptr.cast(), old_bytes, new_bytes) {
            Ok(()) => before - self.line.used(),
            Err(_) => 0,
        };
        self.len = new_len;
        given_back
    }

    /// The finished slice, for as long as the line lives.
    pub fn into_slice(self) -> &'a mut [T] {
        // SAFETY: `ptr` is aligned and points to `len` initialised values owned by this
        // `TipSlice` alone for `'a` (type invariant), which this call consumes.
        unsafe { &mut *ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> Deref for TipSlice<'_, '_, T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: `len` initialised, aligned values at `ptr`, owned by `self` (invariant).
        unsafe { &*ptr::slice_from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl<T> DerefMut for TipSlice<'_, '_, T> {
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, and `&mut self` makes the access exclusive.
        unsafe { &mut *ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl<T: fmt::Debug> fmt::Debug for TipSlice<'_, '_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TipSlice")
            .field("values", &&**self)
            .field("is_last", &self.is_last())
            .finish()
    }
}

/// Why [`TipSlice::try_grow`] could not grow a slice; the slice and its line are unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum GrowError {
    /// Something was allocated after the slice, so it cannot grow in place.
    NotLast {
        /// The slice's length.
        len: usize,
        /// The index of its scan-line.
        line: u64,
    },
    /// The line has no room for the larger slice.
    Full(ArenaFull),
}

impl From<ArenaFull> for GrowError {
    fn from(full: ArenaFull) -> Self {
        GrowError::Full(full)
    }
}

impl fmt::Display for GrowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GrowError::NotLast { len, line } => write!(
                f,
                "cannot grow a slice of {len} values in place: it is no longer the last \
                 allocation of scan-line {line} (something was allocated after it); grow it \
                 before allocating anything else, or reserve its largest size up front"
            ),
            GrowError::Full(full) => fmt::Display::fmt(full, f),
        }
    }
}

impl core::error::Error for GrowError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            GrowError::Full(full) => Some(full),
            GrowError::NotLast { .. } => None,
        }
    }
}

#[cfg(all(test, feature = "panicking"))]
mod tests {
    use crate::StaticArena;

    #[test]
    fn a_tip_slice_is_written_through_deref_mut() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut s = line.alloc_tip_slice(&[1u32, 2, 3]);
        s[1] = 20;
        s.iter_mut().for_each(|v| *v += 100);
        s.try_grow(4, 4).unwrap();
        s[3] *= 2;
        assert_eq!(s.into_slice(), &[101, 120, 103, 8]);
    }

    #[test]
    fn an_emptied_tip_slice_grows_again_at_the_tip() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        line.alloc(0u8);
        let mut s = line.alloc_tip_slice(&[1u64, 2, 3]);
        assert_eq!(s.shrink(0), 32, "all of its granules given back");
        assert_eq!(line.used(), 16);
        let other = line.alloc(7u64);
        assert!(s.is_last(), "an empty slice can always grow");
        s.try_grow(2, 9).unwrap();
        assert_eq!(*other, 7, "grown after the other allocation, not over it");
        assert_eq!(
            (line.used(), s.as_ptr().addr() - (other as *mut u64).addr()),
            (48, 16)
        );
        assert_eq!(s.into_slice(), &[9, 9]);
    }

    #[test]
    fn grows_in_place_and_shrinks_back_keeping_the_high_water() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut s = line.alloc_tip_slice(&[1u8, 2, 3]);
        let start = s.as_ptr();
        s.try_grow(40, 9).unwrap();
        assert_eq!(s.as_ptr(), start, "growth moved the slice");
        assert_eq!((s.len(), s[2], s[3], s[39]), (40, 3, 9, 9));
        assert_eq!(line.used(), 48);
        assert_eq!(s.shrink(17), 16);
        assert_eq!((s.len(), line.used(), line.high_water()), (17, 32, 48));
        assert_eq!(s.shrink(20), 0, "shrinking to a larger length does nothing");
        assert_eq!(s.len(), 17);
        let done = s.into_slice();
        assert_eq!(done[..3], [1, 2, 3]);
        drop(line);
        assert_eq!(arena.stats().peak_bytes, 48);
    }

    #[test]
    fn an_allocation_after_the_slice_stops_growth_but_not_shrinking() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut s = line.alloc_tip_slice(&[5u32; 4]);
        let after = line.alloc(7u64);
        let used = line.used();
        let err = s.try_grow(5, 0).unwrap_err();
        assert_eq!(err, super::GrowError::NotLast { len: 4, line: 0 });
        assert!(!s.is_last());
        assert_eq!((s.len(), line.used()), (4, used));
        assert_eq!(s.shrink(1), 0, "not last: nothing is given back");
        assert_eq!((&s[..], *after, line.used()), (&[5][..], 7, used));
    }

    #[test]
    fn a_full_line_fails_growth_and_changes_nothing() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let mut s = line.alloc_tip_slice(&[1u16; 8]);
        let err = s.try_grow(33, 0).unwrap_err();
        let super::GrowError::Full(full) = err else {
            panic!("expected Full, got {err:?}");
        };
        assert_eq!((full.remaining(), full.requested_size()), (48, 64));
        assert_eq!((s.len(), line.used()), (8, 16));
        s.try_grow(32, 4).unwrap();
        assert_eq!((s[31], line.remaining()), (4, 0));
        let err = s.try_grow(usize::MAX, 0).unwrap_err();
        assert!(matches!(err, super::GrowError::Full(f) if f.requested_size() == usize::MAX));
    }

    #[test]
    fn an_empty_slice_grows_from_the_tip_and_can_empty_again() {
        let mut arena = StaticArena::<128>::new();
        let line = arena.line();
        let mut s = line.alloc_tip_slice::<u32>(&[]);
        line.alloc(1u8);
        assert!(
            s.is_last(),
            "an empty slice owns nothing and can always grow"
        );
        s.try_grow(3, 8).unwrap();
        assert_eq!((&s[..], line.used()), (&[8, 8, 8][..], 32));
        assert_eq!(s.shrink(0), 16);
        assert_eq!(line.used(), 16);
        s.try_grow(1, 2).unwrap();
        assert_eq!((&s[..], line.used()), (&[2][..], 32));
    }

    #[test]
    fn over_aligned_and_zero_sized_values() {
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(align(64))]
        struct Tile(u8);
        let mut arena = StaticArena::<512>::new();
        let line = arena.line();
        line.alloc(0u8);
        let mut tiles = line.alloc_tip_slice(&[Tile(1)]);
        assert_eq!(tiles.as_ptr().addr() % 64, 0);
        tiles.try_grow(3, Tile(2)).unwrap();
        assert_eq!(&tiles[..], &[Tile(1), Tile(2), Tile(2)]);
        assert_eq!(tiles.as_ptr().addr() % 64, 0);
        let mut units = line.alloc_tip_slice(&[(); 2]);
        let used = line.used();
        units.try_grow(1000, ()).unwrap();
        assert_eq!((units.len(), units.shrink(1), line.used()), (1000, 0, used));
    }
}
