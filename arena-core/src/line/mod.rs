//! One scan-line's view of an arena buffer: the bump allocator itself.

use core::alloc::Layout;
use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit, align_of, size_of};
use core::ptr::{self, NonNull};

use crate::ARENA_ALIGN;
use crate::error::ArenaFull;
use crate::log::LineLog;
use crate::sanitizer;

mod checkpoint;
mod fallible;
mod iter;
mod resize;
mod string;
mod tip;
mod vec;

pub use checkpoint::Checkpoint;
pub use fallible::InitError;
pub use resize::{GrowError, TipSlice};
pub use string::LineString;
pub use vec::{CapacityFull, LineVec, narrow};

/// Fails compilation when `T` has drop glue: the arena never runs destructors.
struct NoDropGlue<T>(PhantomData<T>);

impl<T> NoDropGlue<T> {
    const CHECK: () = assert!(
        !mem::needs_drop::<T>(),
        "arena-core never runs destructors, and this type needs dropping (it implements Drop \
         or owns a String, Vec, Box or similar): allocate plain data in the line (slices and \
         &str copied with alloc_slice_copy / alloc_str), or keep owning values outside it"
    );
}

/// One scan-line: the allocator every per-line temporary comes from.
///
/// A `Line<'a>` is handed out by [`ScanArena::line`](crate::ScanArena::line) or
/// [`StaticArena::line`](crate::StaticArena::line), which borrow the arena mutably for `'a`.
/// Everything allocated through it lives for `'a`, so the borrow checker rejects any use
/// after the next `line()`. Allocation takes `&self`, so any number of values can be live at
/// once.
///
/// Every allocation starts on a 16-byte boundary ([`ARENA_ALIGN`]) and takes whole 16-byte
/// granules; larger alignments are honoured; zero-sized values take no space. Each
/// allocating method has a `try_` form that returns [`ArenaFull`] and leaves the line
/// unchanged; the plain forms panic with the same message.
///
/// Types with drop glue are rejected at compile time: the arena never runs destructors.
///
/// ```
/// use arena_core::ScanArena;
///
/// let mut arena = ScanArena::with_capacity(4096);
/// for y in 0..3 {
///     let line = arena.line();
///     assert_eq!(line.index(), y);
///     let xs = line.alloc_slice_fill_with(8, |i| i as f32 + 0.5);
///     let count = line.alloc(0u32);
///     *count += xs.len() as u32;
///     assert_eq!(line.used(), 32 + 16);
/// } // the next `line()` releases it all in O(1)
/// assert_eq!(arena.stats().peak_bytes, 48);
/// ```
pub struct Line<'a> {
    // Invariants, true between any two calls:
    // - `base` is aligned to `ARENA_ALIGN` and valid for reads and writes of `cap` bytes for
    //   `'a`; nothing but this line (and outer lines of a `scope`, which are mutably
    //   borrowed while this one exists and only use bytes below this line's start) touches
    //   those bytes during `'a`.
    // - `end = base + cap`; `cap` is a multiple of `ARENA_ALIGN`.
    // - `next` is the first free byte: `base <= next <= end`, and `next - base` (the bytes
    //   used) is a multiple of `ARENA_ALIGN`. Bytes `next..end` are not part of any
    //   allocation handed out and still live.
    // - `high` is the highest `next` reached by the scopes that ended inside this line
    //   (`base <= high <= end`); the line's high-water mark is `max(next, high) - base`.
    //
    // The cursor is a pointer, not a count of free bytes, so that an allocation loop carries
    // only that pointer past its end (for the line's end to read) and LLVM derives from it
    // a free-bytes counter whose capacity check is a single subtract-and-branch. Plain-data
    // allocations move the cursor after writing (`Reserved::commit`), so the write needs no
    // register copy of the cursor. BENCHMARKS.md ("The fast path") shows the assembly and
    // the alternatives that cost more.
    base: NonNull<u8>,
    end: NonNull<u8>,
    next: Cell<NonNull<u8>>,
    high: Cell<NonNull<u8>>,
    /// The arena's counters: where the line reports how far its cursor reached when it ends,
    /// and where its index and capacity are read for an error. One pointer for all three, so
    /// an allocation loop keeps one value alive for them, not two (fewer spills around a
    /// `memcpy`).
    log: &'a LineLog,
    /// Whether the line reports to `log` when it ends: false for a scope.
    reports: bool,
    /// Whether the guard is on: a scope's memory is poisoned when the scope ends.
    poison: bool,
    /// Invariant in `'a`: a line can never pass for one with a different lifetime.
    _invariant: PhantomData<fn(&'a ()) -> &'a ()>,
}

impl<'a> Line<'a> {
    /// Starts a line over `cap` bytes at `base`, with `start` bytes already in use: the line
    /// that began last in `log`, or a scope of it (`reports == false`).
    ///
    /// # Safety
    ///
    /// - `base` is aligned to `ARENA_ALIGN` and valid for reads and writes of `cap` bytes
    ///   for all of `'a`;
    /// - for `'a`, no one accesses bytes `start..cap` except through this line;
    /// - `cap` and `start` are multiples of `ARENA_ALIGN`, `start <= cap <= isize::MAX`.
    ///
    /// `poison`: the guard is on, so fill what a scope releases with `GUARD_POISON`.
    #[inline(always)]
    pub(crate) unsafe fn new(
        base: NonNull<u8>,
        cap: usize,
        start: usize,
        log: &'a LineLog,
        reports: bool,
        poison: bool,
    ) -> Self {
        debug_assert!(base.as_ptr().addr().is_multiple_of(ARENA_ALIGN));
        debug_assert!(cap.is_multiple_of(ARENA_ALIGN) && start.is_multiple_of(ARENA_ALIGN));
        debug_assert!(start <= cap && cap <= isize::MAX as usize);
        // SAFETY: `start <= cap` and `base` is valid for `cap` bytes (caller), so the offset
        // stays inside the buffer or one past its end.
        let next = unsafe { base.add(start) };
        // SAFETY: as above, with `cap` itself.
        let end = unsafe { base.add(cap) };
        Line {
            base,
            end,
            next: Cell::new(next),
            high: Cell::new(next),
            log,
            reports,
            poison,
            _invariant: PhantomData,
        }
    }

    /// The index of this scan-line: 0 for the first `line()` of an arena, then 1, 2, ...
    #[inline]
    pub fn index(&self) -> u64 {
        self.log.current_line()
    }

    /// Bytes in use in this line now, padding included (inside a scope: the line's bytes
    /// plus the scope's).
    #[inline]
    pub fn used(&self) -> usize {
        offset(self.base, self.next.get())
    }

    /// Bytes still free in this line. A request of `n` bytes aligned to at most 16
    /// succeeds exactly when `n <= remaining()`.
    #[inline]
    pub fn remaining(&self) -> usize {
        offset(self.next.get(), self.end)
    }

    /// The capacity of the line buffer in bytes.
    #[inline]
    pub fn capacity(&self) -> usize {
        offset(self.base, self.end)
    }

    /// The most bytes this line has had in use at once so far, counting scopes that have
    /// already released their memory.
    #[inline]
    pub fn high_water(&self) -> usize {
        offset(self.base, self.top())
    }

    /// The highest the cursor has been so far, counting ended scopes.
    #[inline(always)]
    fn top(&self) -> NonNull<u8> {
        let next = self.next.get();
        let high = self.high.get();
        if next > high { next } else { high }
    }

    /// Finds room for `size` bytes aligned to `align` (a power of two) and returns where
    /// they start, without moving the cursor: [`Reserved::commit`] moves it. A caller that
    /// writes only plain data (no code of the user's that could allocate) commits after
    /// writing, which spares LLVM a register copy per allocation. Zero-sized requests get a
    /// dangling, aligned pointer and take no space.
    #[inline(always)]
    fn reserve(&self, size: usize, align: usize) -> Result<Reserved, ArenaFull> {
        debug_assert!(align.is_power_of_two());
        let next = self.next.get();
        if size == 0 {
            return Ok(Reserved {
                start: dangling(align),
                from: next,
                len: 0,
            });
        }
        let remaining = offset(next, self.end);
        let pad = if align <= ARENA_ALIGN {
            // `next` is on a 16-byte boundary already.
            0
        } else {
            next.as_ptr().addr().wrapping_neg() & (align - 1)
        };
        // Every caller's `size` is that of a value, a `Layout` or a real slice, so at most
        // `isize::MAX` and the rounding cannot wrap; the check on it folds away for them. It
        // stays for a computed slice size, which may be anything up to `usize::MAX`.
        let rounded = size.wrapping_add(ARENA_ALIGN - 1) & !(ARENA_ALIGN - 1);
        // The error path gets the pointers, not `remaining`: a use of the free-bytes count
        // outside the check would make LLVM keep it as a second counter.
        if pad > remaining || rounded > remaining - pad || size > isize::MAX as usize {
            return Err(full(size, align, self.log, next, self.end));
        }
        // SAFETY: `pad <= remaining = end - next`, and `base..end` is one allocation valid
        // for the line (type invariant), so `start` stays inside it or one past its end; it
        // is non-null because it is derived in bounds from `next`.
        let start = unsafe { next.add(pad) };
        sanitizer::unpoison(start, size);
        Ok(Reserved {
            start,
            from: start,
            len: rounded,
        })
    }

    /// Moves the cursor back to `to`, giving the bytes above it back to the line. Every
    /// backwards move of the cursor goes through here, so the high-water mark (and the
    /// arena's statistics, which read it when the line ends) never under-reports: the
    /// cursor's old position is recorded before it moves.
    #[inline]
    pub(crate) fn rewind(&self, to: NonNull<u8>) {
        let next = self.next.get();
        debug_assert!(self.base <= to && to <= next);
        if next > self.high.get() {
            self.high.set(next);
        }
        self.next.set(to);
    }

    /// [`reserve`](Line::reserve) that moves the cursor at once.
    #[inline(always)]
    fn bump(&self, size: usize, align: usize) -> Result<NonNull<u8>, ArenaFull> {
        let reserved = self.reserve(size, align)?;
        reserved.commit(self);
        Ok(reserved.start)
    }

    /// Reserves room for one `T` and returns it uninitialised.
    #[inline(always)]
    fn bump_for<T>(&self) -> Result<NonNull<T>, ArenaFull> {
        self.bump(size_of::<T>(), align_of::<T>())
            .map(NonNull::cast)
    }

    /// Reserves room for `len` values of `T`.
    #[inline(always)]
    fn bump_for_slice<T>(&self, len: usize) -> Result<NonNull<T>, ArenaFull> {
        let reserved = self.reserve_slice::<T>(len)?;
        reserved.commit(self);
        Ok(reserved.start.cast())
    }

    /// Finds room for `len` values of `T` without moving the cursor (see `reserve`).
    #[inline(always)]
    fn reserve_slice<T>(&self, len: usize) -> Result<Reserved, ArenaFull> {
        match size_of::<T>().checked_mul(len) {
            Some(bytes) => self.reserve(bytes, align_of::<T>()),
            None => Err(full(
                usize::MAX,
                align_of::<T>(),
                self.log,
                self.next.get(),
                self.end,
            )),
        }
    }

    /// Moves `value` into the line.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(64);
    /// let line = arena.line();
    /// let span = line.try_alloc((3u16, 9u16))?;
    /// span.1 += 1;
    /// assert_eq!(*span, (3, 10));
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline(always)]
    pub fn try_alloc<T>(&self, value: T) -> Result<&'a mut T, ArenaFull> {
        const { NoDropGlue::<T>::CHECK };
        let reserved = self.reserve(size_of::<T>(), align_of::<T>())?;
        let ptr = reserved.start.cast::<T>();
        // SAFETY: `ptr` is valid for writes of a `T` and aligned for it (`reserve` honours
        // the layout; a zero-sized `T` gets a dangling aligned pointer, valid for zero-sized
        // writes). Writing a value runs no code that could allocate from this line.
        unsafe { ptr.write(value) };
        reserved.commit(self);
        // SAFETY:
        // - `ptr` is aligned and points to an initialised `T` (written just above);
        // - the bytes are exclusively ours for `'a`: the cursor has moved past them and no
        //   other allocation of this line or its scopes overlaps them.
        Ok(unsafe { &mut *ptr.as_ptr() })
    }

    /// Moves `value` into the line; panics with the [`ArenaFull`] message if it is full.
    #[inline(always)]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc<T>(&self, value: T) -> &'a mut T {
        self.try_alloc(value).unwrap_or_else(|e| fail(e))
    }

    /// Reserves room for a `T`, then builds it in place with `f` (large values are written
    /// straight into the line instead of being moved through the stack).
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(8192);
    /// let line = arena.line();
    /// let row = line.try_alloc_with(|| [0.25f32; 1024])?;
    /// assert_eq!(row[1023], 0.25);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline(always)]
    pub fn try_alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> Result<&'a mut T, ArenaFull> {
        const { NoDropGlue::<T>::CHECK };
        let ptr = self.bump_for::<T>()?;
        let value = f();
        // SAFETY: `ptr` is aligned and valid for writes of a `T` (as in `try_alloc`). If `f`
        // panicked we never get here, and the reserved bytes simply stay unused.
        unsafe { ptr.write(value) };
        // SAFETY: `ptr` points to the `T` written above, aligned, ours alone for `'a`.
        Ok(unsafe { &mut *ptr.as_ptr() })
    }

    /// [`try_alloc_with`](Line::try_alloc_with) that panics when the line is full.
    #[inline(always)]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_with<T, F: FnOnce() -> T>(&self, f: F) -> &'a mut T {
        self.try_alloc_with(f).unwrap_or_else(|e| fail(e))
    }

    /// Reserves room for a `T` and returns it uninitialised.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(64);
    /// let line = arena.line();
    /// let slot = line.try_alloc_uninit::<u64>()?;
    /// let value: &mut u64 = slot.write(42);
    /// assert_eq!(*value, 42);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline(always)]
    pub fn try_alloc_uninit<T>(&self) -> Result<&'a mut MaybeUninit<T>, ArenaFull> {
        const { NoDropGlue::<T>::CHECK };
        let ptr = self.bump_for::<T>()?.cast::<MaybeUninit<T>>();
        // SAFETY: `ptr` is aligned and valid for a `MaybeUninit<T>` (same layout as `T`),
        // ours alone for `'a`; `MaybeUninit` needs no initialisation.
        Ok(unsafe { &mut *ptr.as_ptr() })
    }

    /// [`try_alloc_uninit`](Line::try_alloc_uninit) that panics when the line is full.
    #[inline(always)]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_uninit<T>(&self) -> &'a mut MaybeUninit<T> {
        self.try_alloc_uninit().unwrap_or_else(|e| fail(e))
    }

    /// Reserves room for `len` values of `T` and returns them uninitialised.
    #[inline]
    pub fn try_alloc_slice_uninit<T>(
        &self,
        len: usize,
    ) -> Result<&'a mut [MaybeUninit<T>], ArenaFull> {
        const { NoDropGlue::<T>::CHECK };
        let ptr = self.bump_for_slice::<T>(len)?.cast::<MaybeUninit<T>>();
        // SAFETY:
        // - `ptr` is aligned for `T` and valid for `len * size_of::<T>()` bytes (or dangling
        //   with a zero total size), which is at most `isize::MAX` because it fit in the
        //   buffer;
        // - the memory is ours alone for `'a`; `MaybeUninit` needs no initialisation.
        Ok(unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), len) })
    }

    /// [`try_alloc_slice_uninit`](Line::try_alloc_slice_uninit) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_slice_uninit<T>(&self, len: usize) -> &'a mut [MaybeUninit<T>] {
        self.try_alloc_slice_uninit(len).unwrap_or_else(|e| fail(e))
    }

    /// Copies `src` into the line.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let xs = line.try_alloc_slice_copy(&[1u32, 2, 3])?;
    /// xs[0] = 7;
    /// assert_eq!(xs, &[7, 2, 3]);
    /// assert_eq!(line.used(), 16);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline(always)]
    pub fn try_alloc_slice_copy<T: Copy>(&self, src: &[T]) -> Result<&'a mut [T], ArenaFull> {
        let reserved = self.reserve_slice::<T>(src.len())?;
        let ptr = reserved.start.cast::<T>();
        // SAFETY:
        // - `src` is valid for reads of `src.len()` values; `ptr` is aligned and valid for
        //   writes of as many (dangling with a zero total size, which `copy` allows);
        // - they do not overlap: `ptr` is fresh line memory that no reference reaches yet.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), ptr.as_ptr(), src.len()) };
        reserved.commit(self);
        // SAFETY: all `src.len()` values at `ptr` were initialised just above; the memory is
        // aligned, at most `isize::MAX` bytes (it fit in the buffer) and ours alone for `'a`.
        Ok(unsafe { core::slice::from_raw_parts_mut(ptr.as_ptr(), src.len()) })
    }

    /// [`try_alloc_slice_copy`](Line::try_alloc_slice_copy) that panics when full.
    #[inline(always)]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        self.try_alloc_slice_copy(src).unwrap_or_else(|e| fail(e))
    }

    /// A slice of `len` copies of `value`.
    #[inline]
    pub fn try_alloc_slice_fill_copy<T: Copy>(
        &self,
        len: usize,
        value: T,
    ) -> Result<&'a mut [T], ArenaFull> {
        let slots = self.try_alloc_slice_uninit::<T>(len)?;
        // `fill` on a `Copy` element is the standard library's specialised loop, which LLVM
        // turns into `memset` or wide stores (an element-by-element closure did not vectorise).
        slots.fill(MaybeUninit::new(value));
        // SAFETY: `fill` initialised all `len` elements; `MaybeUninit<T>` and `T` have the same
        // layout.
        Ok(unsafe { &mut *(ptr::from_mut(slots) as *mut [T]) })
    }

    /// [`try_alloc_slice_fill_copy`](Line::try_alloc_slice_fill_copy) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_slice_fill_copy<T: Copy>(&self, len: usize, value: T) -> &'a mut [T] {
        self.try_alloc_slice_fill_copy(len, value)
            .unwrap_or_else(|e| fail(e))
    }

    /// A slice of `len` values, element `i` built by `f(i)`.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let squares = line.try_alloc_slice_fill_with(4, |i| (i * i) as u16)?;
    /// assert_eq!(squares, &[0, 1, 4, 9]);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline]
    pub fn try_alloc_slice_fill_with<T, F: FnMut(usize) -> T>(
        &self,
        len: usize,
        mut f: F,
    ) -> Result<&'a mut [T], ArenaFull> {
        let slots = self.try_alloc_slice_uninit::<T>(len)?;
        for (i, slot) in slots.iter_mut().enumerate() {
            slot.write(f(i));
        }
        // SAFETY: the loop initialised every one of the `len` elements (if `f` panicked we
        // never get here, and `T` has no drop glue, so nothing leaks); `MaybeUninit<T>` and
        // `T` have the same layout.
        Ok(unsafe { &mut *(ptr::from_mut(slots) as *mut [T]) })
    }

    /// [`try_alloc_slice_fill_with`](Line::try_alloc_slice_fill_with) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_slice_fill_with<T, F: FnMut(usize) -> T>(&self, len: usize, f: F) -> &'a mut [T] {
        self.try_alloc_slice_fill_with(len, f)
            .unwrap_or_else(|e| fail(e))
    }

    /// A slice of the items of an exact-size iterator.
    ///
    /// # Panics
    ///
    /// If the iterator yields fewer items than its `len()` promised (a broken
    /// `ExactSizeIterator`); extra items are not consumed.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let xs = line.try_alloc_slice_fill_iter((1..4).map(|x| x * 10))?;
    /// assert_eq!(xs, &[10, 20, 30]);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_alloc_slice_fill_iter<T, I>(&self, iter: I) -> Result<&'a mut [T], ArenaFull>
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut iter = iter.into_iter();
        let len = iter.len();
        self.try_alloc_slice_fill_with(len, |i| match iter.next() {
            Some(item) => item,
            None => panic!(
                "alloc_slice_fill_iter: the ExactSizeIterator promised {len} items but ended \
                 after {i}"
            ),
        })
    }

    /// [`try_alloc_slice_fill_iter`](Line::try_alloc_slice_fill_iter) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_slice_fill_iter<T, I>(&self, iter: I) -> &'a mut [T]
    where
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        self.try_alloc_slice_fill_iter(iter)
            .unwrap_or_else(|e| fail(e))
    }

    /// Copies `src` into the line.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(64);
    /// let line = arena.line();
    /// let name = line.try_alloc_str("edge")?;
    /// name.make_ascii_uppercase();
    /// assert_eq!(name, "EDGE");
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline]
    pub fn try_alloc_str(&self, src: &str) -> Result<&'a mut str, ArenaFull> {
        let bytes = self.try_alloc_slice_copy(src.as_bytes())?;
        // SAFETY: `bytes` is a byte-for-byte copy of a `str`, so it is valid UTF-8.
        Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
    }

    /// [`try_alloc_str`](Line::try_alloc_str) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_str(&self, src: &str) -> &'a mut str {
        self.try_alloc_str(src).unwrap_or_else(|e| fail(e))
    }

    /// Raw memory for `layout`: aligned, valid for `layout.size()` bytes until the line
    /// ends, uninitialised. A zero-sized layout gets a dangling aligned pointer.
    ///
    /// ```
    /// # use core::alloc::Layout;
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let p = line.try_alloc_layout(Layout::from_size_align(100, 64).unwrap())?;
    /// assert_eq!(p.as_ptr() as usize % 64, 0);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    #[inline]
    pub fn try_alloc_layout(&self, layout: Layout) -> Result<NonNull<u8>, ArenaFull> {
        self.bump(layout.size(), layout.align())
    }

    /// [`try_alloc_layout`](Line::try_alloc_layout) that panics when full.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_layout(&self, layout: Layout) -> NonNull<u8> {
        self.try_alloc_layout(layout).unwrap_or_else(|e| fail(e))
    }

    /// Runs `f` with a nested checkpoint: everything `f` allocates through the inner line is
    /// released when it returns, and this line goes on from where it was.
    ///
    /// The inner line's allocations cannot escape `f` (its lifetime is local to the call),
    /// and this line cannot allocate while the scope runs (it is borrowed mutably), so the
    /// release is O(1) and sound. Scopes nest. The line's high-water mark, and the arena's
    /// statistics, count what the scope used at its peak.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(1024);
    /// let mut line = arena.line();
    /// let kept = line.alloc(1u64);
    /// let sum: u32 = line.scope(|tmp| {
    ///     let scratch = tmp.alloc_slice_fill_copy(100, 2u32);
    ///     scratch.iter().sum()
    /// });
    /// assert_eq!((sum, *kept), (200, 1));
    /// assert_eq!(line.used(), 16);
    /// assert_eq!(line.high_water(), 16 + 400);
    /// ```
    pub fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut Line<'s>) -> R) -> R {
        let start = self.used();
        let cap = self.capacity();
        // SAFETY: `base` is aligned and valid for `cap` bytes for `'a`, which outlives the
        // scope. Bytes `start..cap` are unused by this line (type invariant), which cannot
        // allocate while `self` is mutably borrowed here, so only the inner line touches
        // them, and none of its allocations outlive `f` (its lifetime is local to the call).
        // `cap` and `start` keep their multiple-of-16 and ordering invariants.
        let mut inner = unsafe { Line::new(self.base, cap, start, self.log, false, self.poison) };
        let result = f(&mut inner);
        let inner_top = inner.top();
        if inner_top > self.high.get() {
            self.high.set(inner_top);
        }
        // The scope's memory, `next..inner_top`, is free again: tell the sanitizer and the
        // guard's poisoner.
        let released = self.next.get();
        let len = offset(released, inner_top);
        if self.poison {
            // SAFETY:
            // - `released..inner_top` lies inside the buffer (the inner line's invariant),
            //   valid for writes for `'a`;
            // - the inner line and every reference it handed out are gone (their lifetime
            //   was local to `f`), and this line's own allocations end before `released`.
            unsafe { crate::guard::poison(released, len) };
        }
        sanitizer::release(released, len);
        result
    }
}

impl Drop for Line<'_> {
    #[inline]
    fn drop(&mut self) {
        if self.reports {
            self.log.line_ended(offset(self.top(), self.end));
        }
    }
}

impl fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Line")
            .field("index", &self.index())
            .field("used", &self.used())
            .field("capacity", &self.capacity())
            .field("high_water", &self.high_water())
            .finish()
    }
}

/// Room found by `Line::reserve`: the allocation starts at `start`, and committing moves the
/// cursor to `from + len`. `from` is `start` itself, except for a zero-sized request, whose
/// `start` is dangling: then it is the cursor, and `len` is 0. It holds `from` and `len`
/// rather than the new cursor so that `commit` computes the new cursor after the caller's
/// writes, where it needs no register copy kept alive across them.
#[derive(Clone, Copy)]
struct Reserved {
    start: NonNull<u8>,
    from: NonNull<u8>,
    len: usize,
}

impl Reserved {
    /// Moves `line`'s cursor past the reserved bytes.
    #[inline(always)]
    fn commit(self, line: &Line<'_>) {
        // SAFETY: `reserve` checked that `from + len` stays inside the line's buffer (or one
        // past its end); the pointer is derived in bounds from `from`.
        line.next.set(unsafe { self.from.add(self.len) });
    }
}

/// Bytes from `from` to `to` in the same buffer (`from <= to`).
#[inline(always)]
fn offset(from: NonNull<u8>, to: NonNull<u8>) -> usize {
    debug_assert!(from <= to);
    to.as_ptr().addr() - from.as_ptr().addr()
}

/// The error for a request that does not fit, for the line of `log` that ends at `end`, with
/// its cursor at `next`.
///
/// It takes the line's state by value on purpose: passing `&Line` to an out-of-line function
/// lets the line's address escape, and then the compiler keeps the line in memory and
/// stores its cursor on every allocation of the fast path.
#[cold]
#[inline(never)]
fn full(
    size: usize,
    align: usize,
    log: &LineLog,
    next: NonNull<u8>,
    end: NonNull<u8>,
) -> ArenaFull {
    ArenaFull {
        size,
        align,
        remaining: offset(next, end),
        capacity: log.capacity(),
        line: log.current_line(),
    }
}

/// A dangling pointer aligned to `align`, for zero-sized allocations.
#[inline(always)]
fn dangling(align: usize) -> NonNull<u8> {
    // `align` is a power of two, so it is non-zero.
    NonNull::new(ptr::without_provenance_mut(align)).unwrap_or(NonNull::dangling())
}

/// The panic of every panicking form: the [`ArenaFull`] message.
#[cfg(feature = "panicking")]
#[cold]
#[inline(never)]
#[track_caller]
fn fail(full: ArenaFull) -> ! {
    panic!("{full}")
}

// Every test allocates with the panicking forms.
#[cfg(all(test, feature = "panicking"))]
mod tests {
    use super::*;
    use crate::StaticArena;

    #[test]
    fn zero_sized_values_take_no_space_and_are_aligned() {
        #[repr(align(64))]
        struct Zst;
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let a = line.alloc(());
        let z = line.alloc(Zst);
        assert_eq!(ptr::from_mut(z).addr() % 64, 0);
        let empty = line.alloc_slice_copy::<u64>(&[]);
        assert!(empty.is_empty());
        assert_eq!(*a, ());
        assert_eq!(line.used(), 0);
    }

    #[test]
    fn overflowing_slice_request_is_an_error_not_a_wrap() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let err = line
            .try_alloc_slice_uninit::<u64>(usize::MAX / 4)
            .unwrap_err();
        assert_eq!(err.requested_size(), usize::MAX);
        assert_eq!(line.used(), 0);
    }

    #[test]
    #[should_panic(expected = "promised 3 items but ended after 2")]
    fn lying_exact_size_iterator_panics() {
        struct Liar(u8);
        impl Iterator for Liar {
            type Item = u8;
            fn next(&mut self) -> Option<u8> {
                self.0 += 1;
                (self.0 <= 2).then_some(self.0)
            }
        }
        impl ExactSizeIterator for Liar {
            fn len(&self) -> usize {
                3
            }
        }
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        line.alloc_slice_fill_iter(Liar(0));
    }

    #[test]
    #[should_panic(expected = "scan-line arena full on scan-line 0")]
    fn plain_forms_panic_with_the_arena_full_message() {
        let mut arena = StaticArena::<32>::new();
        let line = arena.line();
        line.alloc([0u8; 33]);
    }

    #[test]
    fn large_alignment_pads_and_counts_the_padding() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        line.alloc(1u8);
        let p = line.alloc_layout(Layout::from_size_align(8, 64).unwrap());
        assert_eq!(p.as_ptr().addr() % 64, 0);
        let offset = p.as_ptr().addr() - line.base.as_ptr().addr();
        assert_eq!(line.used(), offset + 16);
        assert!(line.used() <= 16 + crate::slot_bound::<u8>() + 48);
    }

    #[test]
    fn plain_forms_hand_back_what_they_were_given() {
        let mut arena = StaticArena::<512>::new();
        let line = arena.line();
        assert_eq!(line.alloc_slice_copy(&[3u16, 1, 4]), &[3, 1, 4]);
        assert_eq!(line.alloc_str("scan"), "scan");
        assert_eq!(line.alloc_slice_fill_copy(3, 9u8), &[9, 9, 9]);
        assert_eq!(line.alloc_slice_fill_with(3, |i| i * 2), &[0, 2, 4]);
        assert_eq!(line.alloc_slice_fill_iter(5u32..8), &[5, 6, 7]);
        assert_eq!(*line.alloc_with(|| 'x'), 'x');
        assert_eq!(line.alloc_slice_uninit::<u64>(4).len(), 4);
        // Each took its own granules: 3 x u16, 4 bytes, 3 bytes, 3 x usize, 3 x u32, a char
        // and 4 x u64 round to 16, 16, 16, 32, 16, 16 and 32 bytes.
        assert_eq!(line.used(), 16 * 3 + 32 + 16 * 2 + 32);
    }

    #[test]
    fn a_request_that_fills_the_line_exactly_fits_and_one_more_byte_does_not() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        line.alloc(0u8);
        assert_eq!(line.remaining(), 48);
        assert!(line.try_alloc([0u8; 49]).is_err());
        assert_eq!(line.remaining(), 48);
        assert!(line.try_alloc([0u8; 48]).is_ok());
        assert_eq!((line.used(), line.remaining()), (64, 0));
        let err = line.try_alloc(0u8).unwrap_err();
        assert_eq!((err.remaining(), err.capacity()), (0, 64));
        // A zero-sized request still succeeds on a full line.
        line.alloc(());
    }

    #[test]
    fn an_over_aligned_request_fits_when_padding_and_size_fit_exactly() {
        // Storage on a 64-byte boundary, so the padding below is known.
        #[repr(align(64))]
        struct Aligned(StaticArena<256>);
        let mut arena = Aligned(StaticArena::new());
        let line = arena.0.line();
        line.alloc_slice_fill_copy(176, 0u8);
        // 16 bytes of padding to the boundary at 192, then 64 bytes to the end.
        assert_eq!(line.remaining(), 16 + 64);
        let too_big = Layout::from_size_align(65, 64).unwrap();
        let err = line.try_alloc_layout(too_big).unwrap_err();
        assert_eq!((err.requested_size(), err.remaining()), (65, 80));
        let exact = Layout::from_size_align(64, 64).unwrap();
        let p = line.try_alloc_layout(exact).unwrap();
        assert_eq!(p.as_ptr().addr() - line.base.as_ptr().addr(), 192);
        assert_eq!(line.remaining(), 0);
    }

    #[test]
    fn padding_beyond_the_end_of_the_line_is_an_error_not_a_wrap() {
        // Storage on a 64-byte boundary and a capacity that is not a multiple of 64, so the
        // padding to the next boundary can exceed what is left.
        #[repr(align(64))]
        struct Aligned(StaticArena<240>);
        let mut arena = Aligned(StaticArena::new());
        let line = arena.0.line();
        line.alloc_slice_fill_copy(208, 0u8);
        // 32 bytes left; the next 64-byte boundary is 48 bytes away.
        assert_eq!(line.remaining(), 32);
        let err = line
            .try_alloc_layout(Layout::from_size_align(1, 64).unwrap())
            .unwrap_err();
        assert_eq!((err.requested_size(), err.remaining()), (1, 32));
        assert_eq!(line.used(), 208);
    }

    #[test]
    fn a_size_that_would_wrap_when_rounded_is_an_error() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        // Rounded up to a granule, `usize::MAX - 3` wraps to 0 bytes.
        let err = line
            .try_alloc_slice_uninit::<u8>(usize::MAX - 3)
            .unwrap_err();
        assert_eq!(err.requested_size(), usize::MAX - 3);
        assert_eq!(line.used(), 0);
    }

    #[test]
    fn high_water_counts_an_ended_scope_until_the_cursor_passes_it() {
        let mut arena = StaticArena::<1024>::new();
        let mut line = arena.line();
        line.scope(|tmp| {
            tmp.alloc([0u8; 64]);
        });
        assert_eq!((line.used(), line.high_water()), (0, 64));
        line.alloc([0u8; 32]);
        assert_eq!((line.used(), line.high_water()), (32, 64));
        line.alloc([0u8; 64]);
        assert_eq!((line.used(), line.high_water()), (96, 96));
        line.scope(|tmp| {
            tmp.alloc([0u8; 128]);
        });
        assert_eq!((line.used(), line.high_water()), (96, 224));
        // A scope that stays below the high-water mark leaves it where it was.
        line.scope(|tmp| {
            tmp.alloc(0u8);
        });
        assert_eq!((line.used(), line.high_water()), (96, 224));
        drop(line);
        let stats = arena.stats();
        assert_eq!((stats.last_line_bytes, stats.peak_bytes), (224, 224));
    }

    #[test]
    fn a_scope_hands_out_the_memory_above_its_parent_and_takes_it_back() {
        let mut arena = StaticArena::<256>::new();
        let mut line = arena.line();
        let kept = line.alloc(7u32);
        let kept_at = ptr::from_mut(kept).addr();
        let inner_at = line.scope(|tmp| {
            assert_eq!((tmp.used(), tmp.remaining()), (16, 240));
            ptr::from_mut(tmp.alloc(1u32)).addr()
        });
        assert_eq!(inner_at, kept_at + 16);
        // The scope's bytes are free again: the next allocation reuses them.
        assert_eq!(ptr::from_mut(line.alloc(2u32)).addr(), inner_at);
    }

    #[test]
    fn nested_scopes_restore_and_record_high_water() {
        let mut arena = StaticArena::<1024>::new();
        let mut line = arena.line();
        line.alloc(0u8);
        line.scope(|a| {
            a.alloc([0u8; 100]);
            a.scope(|b| {
                b.alloc([0u8; 200]);
                assert_eq!(b.used(), 16 + 112 + 208);
            });
            assert_eq!(a.used(), 16 + 112);
            assert_eq!(a.high_water(), 16 + 112 + 208);
        });
        assert_eq!(line.used(), 16);
        assert_eq!(line.high_water(), 336);
        drop(line);
        assert_eq!(arena.stats().peak_bytes, 336);
    }
}
