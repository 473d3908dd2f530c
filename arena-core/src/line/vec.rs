//! `LineVec`: a vector in a line with a capacity fixed up front.

use core::fmt;
use core::marker::PhantomData;
use core::mem::{align_of, size_of};
use core::ops::{Deref, DerefMut};
use core::ptr::{self, NonNull};

#[cfg(feature = "panicking")]
use super::fail;
use super::{Line, NoDropGlue, dangling, full, offset};
use crate::ARENA_ALIGN;
use crate::error::ArenaFull;
use crate::sanitizer;

/// A vector in a line with a hard capacity: its room is taken from the line when it is
/// created, and it never grows (growing would copy). Pushing past the capacity is an error
/// that hands the value back.
///
/// Made by [`Line::vec_with_capacity`] / [`Line::try_vec_with_capacity`]. It derefs to a
/// slice, and [`into_slice`](LineVec::into_slice) turns it into one that lives as long as
/// the line, giving the unused capacity back when nothing was allocated after it. Like
/// everything in a line, its elements have no drop glue, so `LineVec` never needs dropping.
///
/// ```
/// # let mut arena = arena_core::ScanArena::with_capacity(256);
/// let line = arena.line();
/// let mut spans = line.try_vec_with_capacity::<(u16, u16)>(4)?;
/// spans.try_push((0, 7)).unwrap();
/// spans.try_extend([(9, 12), (20, 31)]).unwrap();
/// let full = spans.try_push((40, 41)).and_then(|()| spans.try_push((50, 51)));
/// assert_eq!(full.unwrap_err().into_rejected(), (50, 51));
/// assert_eq!(spans.len(), 4);
/// spans.truncate(2);
/// let spans: &mut [(u16, u16)] = spans.into_slice();
/// assert_eq!(spans, &[(0, 7), (9, 12)]);
/// assert_eq!(line.used(), 16); // the unused capacity went back to the line
/// # Ok::<(), arena_core::ArenaFull>(())
/// ```
pub struct LineVec<'l, T> {
    // Invariants, true between any two calls:
    // - `data` is aligned for `T` and on a granule boundary inside the line's buffer, and
    //   `data..reserved_end` is an allocation of `line` (made by `try_vec_with_capacity`,
    //   taking `round16(cap * size_of::<T>())` bytes, none for a zero-sized total) that only
    //   this vector reaches. Exception: a type aligned to more than a granule with a
    //   zero-sized total gets an aligned dangling `data` and reserves nothing;
    // - `len <= cap`, and `data..data + len` holds initialised values.
    line: &'l Line<'l>,
    data: NonNull<T>,
    len: usize,
    cap: usize,
    /// Where the allocation ends: the line's cursor right after it was made. `into_slice`
    /// compares the cursor with it (nothing allocated since?) without recomputing it.
    reserved_end: NonNull<u8>,
    /// The vector owns its `T`s (for auto traits and variance).
    _owns: PhantomData<T>,
}

impl<'a> Line<'a> {
    /// A [`LineVec`] with room for `capacity` values of `T`, taken from the line now.
    ///
    /// # Errors
    ///
    /// [`ArenaFull`] if the line has no room for `capacity` values; the line is unchanged.
    #[inline]
    pub fn try_vec_with_capacity<'l, T>(
        &'l self,
        capacity: usize,
    ) -> Result<LineVec<'l, T>, ArenaFull> {
        const { NoDropGlue::<T>::CHECK };
        let next = self.next.get();
        // At most `isize::MAX` bytes, in one compare (no multiplication that could overflow
        // first); it folds away for a zero-sized `T`.
        if size_of::<T>() != 0 && capacity > isize::MAX as usize / size_of::<T>() {
            return Err(full(usize::MAX, align_of::<T>(), self.log, next, self.end));
        }
        let bytes = capacity * size_of::<T>();
        let pad = if align_of::<T>() <= ARENA_ALIGN {
            // The cursor is on a granule boundary already.
            0
        } else if bytes == 0 {
            // Nothing to reserve, so no padding either (which might not fit): an empty
            // vector at an aligned dangling pointer, which `into_slice` leaves alone.
            return Ok(LineVec {
                line: narrow(self),
                data: dangling(align_of::<T>()).cast(),
                len: 0,
                cap: capacity,
                reserved_end: next,
                _owns: PhantomData,
            });
        } else {
            next.as_ptr().addr().wrapping_neg() & (align_of::<T>() - 1)
        };
        // `bytes <= isize::MAX`, so the rounding cannot wrap.
        let rounded = (bytes + (ARENA_ALIGN - 1)) & !(ARENA_ALIGN - 1);
        let remaining = offset(next, self.end);
        if pad > remaining || rounded > remaining - pad {
            return Err(full(bytes, align_of::<T>(), self.log, next, self.end));
        }
        // SAFETY: `pad <= remaining = end - next`: inside the line's buffer or one past its
        // end.
        let start = unsafe { next.add(pad) };
        // SAFETY: `rounded <= remaining - pad = end - start`: as above.
        let reserved_end = unsafe { start.add(rounded) };
        sanitizer::unpoison(start, bytes);
        self.next.set(reserved_end);
        Ok(LineVec {
            line: narrow(self),
            // Aligned for `T` (`pad`), on a granule boundary, with room for `capacity` values;
            // a real pointer into the buffer even for a zero-sized total.
            data: start.cast(),
            len: 0,
            cap: capacity,
            reserved_end,
            _owns: PhantomData,
        })
    }

    /// [`try_vec_with_capacity`](Line::try_vec_with_capacity) that panics when the line is
    /// full.
    #[cfg(feature = "panicking")]
    #[inline]
    #[track_caller]
    pub fn vec_with_capacity<T>(&self, capacity: usize) -> LineVec<'_, T> {
        self.try_vec_with_capacity(capacity)
            .unwrap_or_else(|e| fail(e))
    }
}

/// This line seen with the lifetime of the borrow: what the view hands out lives as long as
/// the borrow, not the line. A `LineVec` keeps such a view (a `&'l Line<'a>` cannot be
/// named with one lifetime, and `Line` is invariant), and so does a derived constructor of a
/// type with a `LineVec` field.
#[inline(always)]
pub fn narrow<'l>(line: &'l Line<'_>) -> &'l Line<'l> {
    let view = ptr::from_ref(line).cast::<Line<'l>>();
    // SAFETY: a `Line<'l>` view of a `Line<'a>`, with `'a: 'l` (the line outlives its
    // borrow `'l`):
    // - the two types differ only in a lifetime, so they have the same layout;
    // - the view is shared (`&'l`), so nothing can be stored into the line through it that
    //   would have to live for `'a`: a `Line` keeps only its buffer pointers, its cursor
    //   and its log, and `scope` (which takes `&mut`) is out of reach;
    // - everything the view hands out lives for `'l`, within the `'a` for which the buffer
    //   is valid.
    unsafe { &*view }
}

impl<'l, T> LineVec<'l, T> {
    /// How many values it holds.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no values.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many values it can hold: fixed when it was made.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Appends `value`, or hands it back in the error when the vector is at its capacity.
    ///
    /// # Errors
    ///
    /// [`CapacityFull`] holding `value` when `len() == capacity()`; the vector is unchanged.
    #[inline(always)]
    pub fn try_push(&mut self, value: T) -> Result<(), CapacityFull<T>> {
        if self.len == self.cap {
            return Err(CapacityFull::new(value, self.len, self.cap, 1));
        }
        // SAFETY: `len < cap`: slot `len` is inside the vector's allocation, aligned, not
        // initialised yet and reached by no one else.
        unsafe { self.data.as_ptr().wrapping_add(self.len).write(value) };
        self.len += 1;
        Ok(())
    }

    /// [`try_push`](LineVec::try_push) that panics when the vector is at its capacity.
    #[cfg(feature = "panicking")]
    #[inline(always)]
    #[track_caller]
    pub fn push(&mut self, value: T) {
        if let Err(e) = self.try_push(value) {
            full_panic(e.len, e.capacity, e.additional);
        }
    }

    /// Appends every item of `iter`, all or none.
    ///
    /// # Errors
    ///
    /// [`CapacityFull`] holding the first item that did not fit: the vector is then as it was
    /// before the call (the items taken from the iterator are dropped; the rest are not
    /// consumed).
    #[inline]
    pub fn try_extend<I: IntoIterator<Item = T>>(
        &mut self,
        iter: I,
    ) -> Result<(), CapacityFull<T>> {
        let before = self.len;
        for item in iter {
            if let Err(mut e) = self.try_push(item) {
                e.additional = self.len - before + 1;
                e.len = before;
                self.len = before;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Appends a copy of every value of `src`, all or none.
    ///
    /// # Errors
    ///
    /// [`CapacityFull`] when `src` does not fit in the capacity left; the vector is unchanged.
    #[inline]
    pub fn try_extend_from_slice(&mut self, src: &[T]) -> Result<(), CapacityFull>
    where
        T: Copy,
    {
        if src.len() > self.cap - self.len {
            return Err(CapacityFull::new((), self.len, self.cap, src.len()));
        }
        // SAFETY:
        // - `src` is valid for reads of `src.len()` values;
        // - `len + src.len() <= cap`: the slots are inside the vector's allocation, aligned,
        //   reached by no one else, so they do not overlap `src` (a shared borrow, which
        //   cannot point into this vector's spare capacity).
        unsafe {
            ptr::copy_nonoverlapping(
                src.as_ptr(),
                self.data.as_ptr().wrapping_add(self.len),
                src.len(),
            );
        };
        self.len += src.len();
        Ok(())
    }

    /// [`try_extend_from_slice`](LineVec::try_extend_from_slice) that panics when `src` does
    /// not fit.
    #[cfg(feature = "panicking")]
    #[inline]
    #[track_caller]
    pub fn extend_from_slice(&mut self, src: &[T])
    where
        T: Copy,
    {
        if let Err(e) = self.try_extend_from_slice(src) {
            full_panic(e.len, e.capacity, e.additional);
        }
    }

    /// Removes and returns the last value.
    #[inline]
    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        // SAFETY: slot `len` (the old last one) is initialised and no longer part of the
        // vector, so moving the value out leaves nothing that will be read again as a `T`.
        Some(unsafe { self.data.as_ptr().wrapping_add(self.len).read() })
    }

    /// Keeps the first `len` values (none of them needs dropping); does nothing if the
    /// vector holds fewer.
    #[inline]
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Removes every value; the capacity stays.
    #[inline]
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The values, as a slice that lives as long as the line. If nothing was allocated from
    /// the line after the vector, the capacity it does not use is given back to the line.
    #[inline]
    pub fn into_slice(self) -> &'l mut [T] {
        // An over-aligned vector of no bytes is dangling and reserved nothing (see
        // `try_vec_with_capacity`); the test folds away for every other type.
        let dangles = align_of::<T>() > ARENA_ALIGN && self.cap * size_of::<T>() == 0;
        if !dangles && self.line.next.get() == self.reserved_end {
            // `len * size <= cap * size`, whose rounding is the allocation's size.
            let kept = (self.len * size_of::<T>() + (ARENA_ALIGN - 1)) & !(ARENA_ALIGN - 1);
            // SAFETY: `kept` is at most the allocation's size, so this stays inside it.
            let kept_end = unsafe { self.data.cast::<u8>().add(kept) };
            self.line.rewind(kept_end);
            sanitizer::release(kept_end, offset(kept_end, self.reserved_end));
        }
        let data = self.data;
        // SAFETY: `data..data + len` are initialised values (or none, at an aligned non-null
        // pointer), inside the line's buffer for `'l`, reached by no one else: the vector,
        // their only way in so far, is consumed here, and the bytes given back start after
        // them.
        unsafe { core::slice::from_raw_parts_mut(data.as_ptr(), self.len) }
    }
}

#[cfg(feature = "panicking")]
impl<T> Extend<T> for LineVec<'_, T> {
    /// Appends every item of `iter`; panics (leaving the vector as it was) when they do not
    /// all fit. [`try_extend`](LineVec::try_extend) returns the error instead.
    #[track_caller]
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        if let Err(e) = self.try_extend(iter) {
            full_panic(e.len, e.capacity, e.additional);
        }
    }
}

impl<T> Deref for LineVec<'_, T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        // SAFETY: `data..data + len` are initialised values, aligned, reached only through
        // this vector (borrowed shared here).
        unsafe { core::slice::from_raw_parts(self.data.as_ptr(), self.len) }
    }
}

impl<T> DerefMut for LineVec<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        // SAFETY: as in `deref`, with the vector borrowed mutably, so the slice is unique.
        unsafe { core::slice::from_raw_parts_mut(self.data.as_ptr(), self.len) }
    }
}

impl<T: fmt::Debug> fmt::Debug for LineVec<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// A [`LineVec`] or [`LineString`](crate::LineString) was at its capacity: it never grows.
///
/// Holds the value that did not fit (`()` where nothing is handed back), so a caller can
/// keep it elsewhere. `Display` says what was full and what to do:
///
/// ```
/// # let mut arena = arena_core::ScanArena::with_capacity(64);
/// let line = arena.line();
/// let mut xs = line.try_vec_with_capacity::<u8>(1)?;
/// xs.try_push(1).unwrap();
/// let err = xs.try_push(2).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "bounded line collection full: it holds 1 of its capacity of 1 and cannot take 1 \
///      more; a LineVec or LineString never grows (that would copy): create it with a \
///      larger capacity (and reserve that in the line's Budget)"
/// );
/// assert_eq!(err.into_rejected(), 2);
/// # Ok::<(), arena_core::ArenaFull>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CapacityFull<T = ()> {
    rejected: T,
    len: usize,
    capacity: usize,
    additional: usize,
}

impl<T> CapacityFull<T> {
    #[inline]
    pub(crate) fn new(rejected: T, len: usize, capacity: usize, additional: usize) -> Self {
        CapacityFull {
            rejected,
            len,
            capacity,
            additional,
        }
    }

    /// The value that did not fit, handed back.
    #[inline]
    pub fn into_rejected(self) -> T {
        self.rejected
    }

    /// What the collection held (elements, or bytes for a `LineString`); it is unchanged.
    #[inline]
    pub fn held(&self) -> usize {
        self.len
    }

    /// Its capacity.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many more it was asked to take: at least this many did not fit.
    #[inline]
    pub fn additional(&self) -> usize {
        self.additional
    }
}

impl<T> fmt::Debug for CapacityFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CapacityFull")
            .field("len", &self.len)
            .field("capacity", &self.capacity)
            .field("additional", &self.additional)
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Display for CapacityFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_full(f, self.len, self.capacity, self.additional)
    }
}

impl<T> core::error::Error for CapacityFull<T> {}

fn write_full(
    f: &mut fmt::Formatter<'_>,
    len: usize,
    capacity: usize,
    additional: usize,
) -> fmt::Result {
    write!(
        f,
        "bounded line collection full: it holds {len} of its capacity of {capacity} and cannot \
         take {additional} more; a LineVec or LineString never grows (that would copy): \
         create it with a larger capacity (and reserve that in the line's Budget)"
    )
}

/// Panics with the [`CapacityFull`] message (without requiring `T: Debug`).
#[cfg(feature = "panicking")]
#[cold]
#[inline(never)]
#[track_caller]
pub(super) fn full_panic(len: usize, capacity: usize, additional: usize) -> ! {
    panic!("{}", CapacityFull::new((), len, capacity, additional))
}

// The tests use the panicking forms; the `try_` forms are what those call.
#[cfg(all(test, feature = "panicking"))]
mod tests {
    use crate::StaticArena;

    #[test]
    fn a_capacity_beyond_isize_max_bytes_is_full_without_overflow() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let limit = isize::MAX as usize / 8;
        for capacity in [limit, limit + 1, usize::MAX / 8 + 1, usize::MAX] {
            let err = line.try_vec_with_capacity::<u64>(capacity).unwrap_err();
            // Beyond `isize::MAX` bytes the request cannot even be stated: it is reported as
            // `usize::MAX`; at the limit it is the real size.
            let expected = if capacity > limit {
                usize::MAX
            } else {
                capacity * 8
            };
            assert_eq!(err.requested_size(), expected, "capacity {capacity}");
            assert_eq!(line.used(), 0);
        }
    }

    #[test]
    fn a_failed_extend_reports_how_many_it_needed_and_keeps_the_vector() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut v = line.vec_with_capacity::<u32>(4);
        assert!(v.is_empty());
        v.push(1);
        assert!(!v.is_empty());
        // Three of the five fit; the fourth fails: it needed 4 more than the one held.
        let err = v.try_extend([2, 3, 4, 5, 6]).unwrap_err();
        assert_eq!((err.held(), err.capacity(), err.additional()), (1, 4, 4));
        assert_eq!(&v[..], &[1], "the vector is as it was before the call");
        assert!(!v.is_empty());
    }

    #[test]
    fn extend_from_slice_appends_in_order() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut v = line.vec_with_capacity::<u16>(6);
        v.push(1);
        v.extend_from_slice(&[2, 3]);
        v.extend_from_slice(&[]);
        v.extend_from_slice(&[4, 5, 6]);
        assert_eq!(v.into_slice(), &[1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn push_pop_and_capacity_is_hard() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut v = line.vec_with_capacity::<u32>(3);
        assert_eq!(line.used(), 16);
        assert!(v.is_empty());
        v.push(1);
        v.push(2);
        v.push(3);
        let err = v.try_push(4).unwrap_err();
        assert_eq!((err.held(), err.capacity(), err.additional()), (3, 3, 1));
        assert_eq!(err.into_rejected(), 4);
        assert_eq!(&*v, &[1, 2, 3]);
        assert_eq!(v.pop(), Some(3));
        v[0] = 10;
        assert_eq!(&*v, &[10, 2]);
        v.clear();
        assert_eq!(v.pop(), None);
        assert_eq!(v.capacity(), 3);
        assert_eq!(line.used(), 16);
    }

    #[test]
    #[should_panic(expected = "it holds 2 of its capacity of 2 and cannot take 1 more")]
    fn push_past_capacity_panics_with_the_message() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let mut v = line.vec_with_capacity::<u8>(2);
        v.extend([1, 2]);
        v.push(3);
    }

    #[test]
    fn try_extend_is_all_or_nothing() {
        let mut arena = StaticArena::<128>::new();
        let line = arena.line();
        let mut v = line.vec_with_capacity::<u16>(4);
        v.try_extend([1, 2]).unwrap();
        let err = v.try_extend(10..20).unwrap_err();
        assert_eq!(err.into_rejected(), 12);
        assert_eq!(err.additional(), 3);
        assert_eq!(&*v, &[1, 2]);
        assert!(v.try_extend_from_slice(&[7, 8, 9]).is_err());
        v.try_extend_from_slice(&[7, 8]).unwrap();
        assert_eq!(&*v, &[1, 2, 7, 8]);
    }

    #[test]
    fn into_slice_gives_back_unused_capacity_at_the_tip_only() {
        let mut arena = StaticArena::<512>::new();
        let line = arena.line();
        let mut v = line.vec_with_capacity::<u64>(10);
        v.extend([1, 2, 3]);
        assert_eq!(line.used(), 80);
        let s = v.into_slice();
        assert_eq!(s, &[1, 2, 3]);
        assert_eq!(line.used(), 32);
        assert_eq!(line.high_water(), 80);

        // Not at the tip: the capacity stays used.
        let mut w = line.vec_with_capacity::<u64>(4);
        w.push(5);
        let after = line.alloc(9u8);
        assert_eq!(w.into_slice(), &[5]);
        assert_eq!(line.used(), 32 + 32 + 16);
        assert_eq!(*after, 9);
        assert_eq!(s, &[1, 2, 3]);
    }

    #[test]
    fn empty_and_zero_sized_vectors_take_nothing() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let v = line.vec_with_capacity::<u32>(0);
        assert!(v.into_slice().is_empty());
        let mut units = line.vec_with_capacity::<()>(1000);
        units.extend(core::iter::repeat_n((), 1000));
        assert_eq!(units.into_slice().len(), 1000);
        assert_eq!(line.used(), 0);
    }

    #[test]
    fn over_aligned_vectors_pad_and_an_empty_one_needs_no_room() {
        use core::mem::MaybeUninit;

        #[derive(Clone, Copy, PartialEq, Debug)]
        #[repr(align(64))]
        struct Wide(u8);
        #[repr(align(64))]
        struct Region([MaybeUninit<u8>; 320]);
        let mut region = Region([MaybeUninit::uninit(); 320]);
        // A line of 224 bytes from 16 past a 64-byte boundary: it ends 48 past one.
        let mut arena = crate::BorrowedArena::new(&mut region.0[16..240]);
        let line = arena.line();
        let base = line.base.as_ptr().addr();
        assert_eq!((base % 64, line.capacity()), (16, 224));

        let mut v = line.vec_with_capacity::<Wide>(2);
        assert_eq!(v.as_ptr().addr(), base + 48);
        v.push(Wide(1));
        assert_eq!(line.used(), 48 + 128);
        // The unused element goes back; the padding stays, as for any allocation.
        assert_eq!(v.into_slice(), &[Wide(1)]);
        assert_eq!((line.used(), line.high_water()), (48 + 64, 48 + 128));

        line.alloc_slice_fill_copy(line.remaining(), 0u8);
        // Reaching the next 64-byte boundary would take 16 bytes, and none are left: an empty
        // vector still needs none.
        let empty = line.try_vec_with_capacity::<Wide>(0).unwrap();
        assert_eq!(empty.as_ptr().addr() % 64, 0);
        assert!(empty.into_slice().is_empty());
        assert_eq!((line.used(), line.remaining()), (224, 0));
        assert!(line.try_vec_with_capacity::<Wide>(1).is_err());
    }

    #[test]
    fn too_large_a_capacity_is_arena_full() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let err = line.try_vec_with_capacity::<u32>(17).unwrap_err();
        assert_eq!(err.requested_size(), 68);
        assert_eq!(line.used(), 0);
    }
}
