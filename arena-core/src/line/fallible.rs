//! Fallible initialisation: values and slices built by a closure that may fail, with the
//! space given back when it does.

use core::fmt;
use core::mem::MaybeUninit;
use core::ptr::{self, NonNull};

#[cfg(feature = "panicking")]
use super::fail;
use super::{Line, NoDropGlue, offset};
use crate::error::ArenaFull;
use crate::sanitizer;

/// Why [`Line::try_alloc_try_with`] (or
/// [`try_alloc_slice_try_fill_with`](Line::try_alloc_slice_try_fill_with)) built nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitError<E> {
    /// The line had no room; the closure was not called.
    Full(ArenaFull),
    /// The closure failed with this error; its space was given back to the line if nothing
    /// else was allocated after it.
    Init(E),
}

impl<E: fmt::Display> fmt::Display for InitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Full(full) => fmt::Display::fmt(full, f),
            InitError::Init(e) => write!(f, "building a value in the scan-line arena failed: {e}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for InitError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            InitError::Full(full) => Some(full),
            InitError::Init(e) => Some(e),
        }
    }
}

impl<'a> Line<'a> {
    /// Gives `from..reserved_end` back to the line if the cursor is still at `reserved_end`:
    /// then everything allocated after the reservation (by the closure that was building
    /// into it) has been given back too, and no reference reaches the reservation, whose
    /// value was never written.
    fn give_back(&self, from: NonNull<u8>, reserved_end: NonNull<u8>) {
        if self.next.get() == reserved_end {
            self.rewind(from);
            sanitizer::release(from, offset(from, reserved_end));
        }
    }

    /// Reserves room for a `T` and builds it with `f`, which may fail. On failure the room
    /// is given back to the line, unless `f` itself allocated from the line (then it stays
    /// in use until the line ends, like any allocation). The line's high-water mark counts
    /// the reservation either way.
    ///
    /// ```
    /// use arena_core::{InitError, ScanArena};
    ///
    /// let mut arena = ScanArena::with_capacity(64);
    /// let line = arena.line();
    /// let parsed = line.try_alloc_try_with(|| "42".parse::<u32>())?;
    /// assert_eq!(*parsed, 42);
    /// let bad = line.try_alloc_try_with(|| "x".parse::<u32>());
    /// assert!(matches!(bad, Err(InitError::Init(_))));
    /// assert_eq!(line.used(), 16, "the failed value's room was given back");
    /// # Ok::<(), InitError<core::num::ParseIntError>>(())
    /// ```
    #[inline]
    pub fn try_alloc_try_with<T, E, F>(&self, f: F) -> Result<&'a mut T, InitError<E>>
    where
        F: FnOnce() -> Result<T, E>,
    {
        const { NoDropGlue::<T>::CHECK };
        let from = self.next.get();
        let ptr = self.bump_for::<T>().map_err(InitError::Full)?;
        let reserved_end = self.next.get();
        match f() {
            Ok(value) => {
                // SAFETY: `ptr` is aligned and valid for writes of a `T` (as in `try_alloc`),
                // and the room stays ours: it is given back only on the error path.
                unsafe { ptr.write(value) };
                // SAFETY: `ptr` points to the `T` written above, aligned, ours alone for `'a`.
                Ok(unsafe { &mut *ptr.as_ptr() })
            }
            Err(e) => {
                self.give_back(from, reserved_end);
                Err(InitError::Init(e))
            }
        }
    }

    /// [`try_alloc_try_with`](Line::try_alloc_try_with) that panics when the line is full;
    /// the closure's error is returned.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_try_with<T, E, F>(&self, f: F) -> Result<&'a mut T, E>
    where
        F: FnOnce() -> Result<T, E>,
    {
        match self.try_alloc_try_with(f) {
            Ok(value) => Ok(value),
            Err(InitError::Init(e)) => Err(e),
            Err(InitError::Full(full)) => fail(full),
        }
    }

    /// A slice of `len` values, element `i` built by `f(i)`, which may fail: the first
    /// error stops the fill, and the slice's room is given back to the line unless `f`
    /// allocated from the line meanwhile.
    ///
    /// ```
    /// use arena_core::{InitError, ScanArena};
    ///
    /// let mut arena = ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let words = ["3", "1", "4"];
    /// let nums = line.try_alloc_slice_try_fill_with(3, |i| words[i].parse::<u8>())?;
    /// assert_eq!(nums, &[3, 1, 4]);
    /// let bad = ["1", "two"];
    /// let err = line.try_alloc_slice_try_fill_with(2, |i| bad[i].parse::<u8>());
    /// assert!(matches!(err, Err(InitError::Init(_))));
    /// assert_eq!(line.used(), 16);
    /// # Ok::<(), InitError<core::num::ParseIntError>>(())
    /// ```
    #[inline]
    pub fn try_alloc_slice_try_fill_with<T, E, F>(
        &self,
        len: usize,
        mut f: F,
    ) -> Result<&'a mut [T], InitError<E>>
    where
        F: FnMut(usize) -> Result<T, E>,
    {
        let from = self.next.get();
        let slots = self
            .try_alloc_slice_uninit::<T>(len)
            .map_err(InitError::Full)?;
        let reserved_end = self.next.get();
        for (i, slot) in slots.iter_mut().enumerate() {
            match f(i) {
                Ok(value) => {
                    slot.write(value);
                }
                Err(e) => {
                    // `T` has no drop glue, so the values written so far need nothing.
                    self.give_back(from, reserved_end);
                    return Err(InitError::Init(e));
                }
            }
        }
        // SAFETY: the loop initialised every one of the `len` elements; `MaybeUninit<T>` and
        // `T` have the same layout.
        Ok(unsafe { &mut *(ptr::from_mut::<[MaybeUninit<T>]>(slots) as *mut [T]) })
    }

    /// [`try_alloc_slice_try_fill_with`](Line::try_alloc_slice_try_fill_with) that panics
    /// when the line is full; the closure's error is returned.
    #[inline]
    #[track_caller]
    #[cfg(feature = "panicking")]
    pub fn alloc_slice_try_fill_with<T, E, F>(&self, len: usize, f: F) -> Result<&'a mut [T], E>
    where
        F: FnMut(usize) -> Result<T, E>,
    {
        match self.try_alloc_slice_try_fill_with(len, f) {
            Ok(values) => Ok(values),
            Err(InitError::Init(e)) => Err(e),
            Err(InitError::Full(full)) => fail(full),
        }
    }
}

#[cfg(all(test, feature = "panicking"))]
mod tests {
    use super::InitError;
    use crate::StaticArena;

    #[test]
    fn a_failed_closure_gives_its_room_back_but_the_high_water_keeps_it() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        line.alloc(1u8);
        let err = line.try_alloc_try_with(|| Err::<[u8; 100], _>("bad input"));
        assert_eq!(err, Err(InitError::Init("bad input")));
        assert_eq!((line.used(), line.high_water()), (16, 16 + 112));
        let ok = line.alloc_try_with(|| Ok::<_, ()>([7u8; 100])).unwrap();
        assert_eq!((ok[99], line.used()), (7, 128));
        drop(line);
        assert_eq!(arena.stats().peak_bytes, 128);
    }

    #[test]
    fn room_stays_taken_when_the_closure_allocated_from_the_line() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let err = line.try_alloc_try_with(|| {
            let scratch = line.alloc([1u32; 8]);
            Err::<u64, _>(scratch[0])
        });
        assert_eq!(err, Err(InitError::Init(1)));
        assert_eq!(
            line.used(),
            16 + 32,
            "the closure's allocation is still live"
        );
    }

    #[test]
    fn a_full_line_does_not_call_the_closure() {
        let mut arena = StaticArena::<32>::new();
        let line = arena.line();
        let mut called = false;
        let err = line.try_alloc_try_with(|| {
            called = true;
            Ok::<_, ()>([0u8; 33])
        });
        assert!(matches!(err, Err(InitError::Full(f)) if f.requested_size() == 33));
        assert!(!called);
        let err = line.try_alloc_slice_try_fill_with(3, |_| Ok::<u128, ()>(0));
        assert!(matches!(err, Err(InitError::Full(_))));
        assert_eq!(line.used(), 0);
    }

    #[test]
    fn a_slice_fill_stops_at_the_first_error_and_gives_back() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut calls = 0;
        let err = line.try_alloc_slice_try_fill_with(10, |i| {
            calls += 1;
            if i == 4 { Err(i) } else { Ok(i as u64) }
        });
        assert_eq!((err, calls), (Err(InitError::Init(4)), 5));
        assert_eq!((line.used(), line.high_water()), (0, 80));
        let ok = line
            .alloc_slice_try_fill_with(4, |i| Ok::<_, ()>(i as u16 * 3))
            .unwrap();
        assert_eq!(ok, &[0, 3, 6, 9]);
        assert_eq!(
            line.alloc_slice_try_fill_with(1, |_| Err::<u8, _>('e')),
            Err('e')
        );
    }

    #[test]
    fn the_source_is_the_full_line_or_the_closures_error() {
        use core::error::Error;
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let err = line
            .try_alloc_try_with(|| Ok::<_, core::fmt::Error>([0u8; 100]))
            .unwrap_err();
        let InitError::Full(full) = err else {
            panic!("expected Full, got {err:?}");
        };
        let source = err
            .source()
            .and_then(|s| s.downcast_ref::<crate::ArenaFull>());
        assert_eq!(source, Some(&full));
        let err: InitError<core::fmt::Error> = InitError::Init(core::fmt::Error);
        assert!(err.source().is_some_and(|s| s.is::<core::fmt::Error>()));
    }

    #[test]
    fn the_error_names_its_cause() {
        let e: InitError<&str> = InitError::Init("no digits");
        let text = std::format!("{e}");
        assert_eq!(
            text,
            "building a value in the scan-line arena failed: no digits"
        );
    }
}
