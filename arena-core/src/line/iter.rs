//! Collecting an iterator of unknown length into a line.

use core::mem::size_of;

#[cfg(feature = "panicking")]
use super::fail;
use super::tip::{Stop, TipRun};
use super::{Line, NoDropGlue, dangling};
use crate::error::ArenaFull;

impl<'a> Line<'a> {
    /// A slice of the items of any iterator, built in place at the line's tip: no
    /// `ExactSizeIterator` needed, no copy.
    ///
    /// The items are written one after another at the tip, which moves granule by granule
    /// as they need it, so the slice takes exactly what
    /// [`try_alloc_slice_copy`](Line::try_alloc_slice_copy) of the same items would. The
    /// items the iterator's lower size bound promises (`size_hint().0`, e.g. all of them for
    /// a `map` over a slice) are claimed at once when they fit, and only the rest granule by
    /// granule; should the iterator yield fewer, the room they did not take is given back
    /// (the high-water mark counts it: it was claimed).
    ///
    /// **An iterator that allocates from this same line** still gets a correct result: its
    /// allocations land above the items collected so far (and above the room claimed for
    /// the promised ones), and the next item that needs more room moves those items above
    /// them (a copy, the only one). The bytes the items took before the move, and claimed
    /// room they did not take, stay used until the line ends.
    ///
    /// # Errors
    ///
    /// [`ArenaFull`] when the items do not fit, describing one request for all the items up
    /// to the first that did not fit. The line is then left as it was (the iterator's own
    /// allocations excepted); the items already taken from the iterator are dropped, the
    /// rest are not consumed. The line's high-water mark counts the bytes the items took
    /// before the failure: they were in use.
    ///
    /// If the iterator panics, the items collected so far stay in the line, unused, until
    /// it ends.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let edges = [3.5f32, -1.0, 7.25, -2.0, 9.0];
    /// // A filter_map does not know its length; no Vec in between.
    /// let crossings = line.try_alloc_iter(edges.iter().filter_map(|&x| (x > 0.0).then_some(x)))?;
    /// assert_eq!(crossings, &[3.5, 7.25, 9.0]);
    /// assert_eq!(line.used(), 16);
    ///
    /// // Too many items: an error, and the line is as it was.
    /// assert!(line.try_alloc_iter(0..u64::MAX).is_err());
    /// assert_eq!(line.used(), 16);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    // Always inlined, also into large callers: called out of line, it gets the line by
    // address, which keeps the line in memory, and then every granule the run claims loads
    // and stores the cursor.
    #[inline(always)]
    pub fn try_alloc_iter<T, I>(&self, iter: I) -> Result<&'a mut [T], ArenaFull>
    where
        I: IntoIterator<Item = T>,
    {
        const { NoDropGlue::<T>::CHECK };
        let mut iter = iter.into_iter();
        if size_of::<T>() == 0 {
            return Ok(zero_sized_slice(iter.by_ref().count()));
        }
        let mut run = TipRun::new(self);
        // The items the iterator promises are claimed at once (for a `filter_map`, whose
        // lower bound is 0, this folds away).
        let lower = iter.size_hint().0;
        let reserved = lower > 0 && run.reserve(lower);
        let run = collect(run, iter)?;
        Ok(if reserved {
            run.finish_reserved()
        } else {
            run.finish()
        })
    }

    /// [`try_alloc_iter`](Line::try_alloc_iter) that panics when the line is full.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(256);
    /// let line = arena.line();
    /// let words = "one two three".split(' ').map(str::len);
    /// assert_eq!(line.alloc_iter(words), &[3, 3, 5]);
    /// ```
    #[cfg(feature = "panicking")]
    #[inline(always)]
    #[track_caller]
    pub fn alloc_iter<T, I>(&self, iter: I) -> &'a mut [T]
    where
        I: IntoIterator<Item = T>,
    {
        self.try_alloc_iter(iter).unwrap_or_else(|e| fail(e))
    }
}

/// Writes every item of `iter` into `run`; on error gives the run's bytes back.
///
/// Internal iteration: adapters such as `filter_map` then push from inside their own loop,
/// without the re-test an external `next()` costs per item. The loop stops for the rare case
/// (the iterator allocated from the line: the run moves), which [`collect_moved`] takes over
/// with a loop of its own. The hot loop is then not nested in a loop that resumes after a
/// move, so the run's start and the line's old cursor stay fixed values through it rather
/// than loop state that LLVM copies into registers on entry.
#[inline(always)]
fn collect<'l, 'a, T, I: Iterator<Item = T>>(
    mut run: TipRun<'l, 'a, T>,
    mut iter: I,
) -> Result<TipRun<'l, 'a, T>, ArenaFull> {
    match iter.try_for_each(|item| run.push(item)) {
        Ok(()) => Ok(run),
        Err(Stop::Moved(item)) => collect_moved(run, item, iter),
        Err(Stop::Full(full)) => {
            run.abandon();
            Err(full)
        }
    }
}

/// [`collect`] after the iterator allocated from the line: writes `item` (the value the run
/// stopped on) above what was allocated, then the rest of `iter`, moving again as often as
/// the iterator allocates.
#[inline(always)]
fn collect_moved<'l, 'a, T, I: Iterator<Item = T>>(
    mut run: TipRun<'l, 'a, T>,
    mut item: T,
    mut iter: I,
) -> Result<TipRun<'l, 'a, T>, ArenaFull> {
    let full = loop {
        if let Err(full) = run.push_moved(item) {
            break full;
        }
        match iter.try_for_each(|item| run.push(item)) {
            Ok(()) => return Ok(run),
            Err(Stop::Moved(next)) => item = next,
            Err(Stop::Full(full)) => break full,
        }
    };
    run.abandon();
    Err(full)
}

/// A slice of `len` zero-sized values: they take no memory.
#[inline(always)]
fn zero_sized_slice<'a, T>(len: usize) -> &'a mut [T] {
    debug_assert_eq!(size_of::<T>(), 0);
    let data = dangling(align_of::<T>()).cast::<T>();
    // SAFETY: `T` is zero-sized, so a dangling aligned pointer is valid for any number of
    // them, and the slice occupies no memory anyone else could reach. Zero-sized values
    // need no initialisation beyond existing: every item the iterator yielded was one, and
    // `T` has no drop glue, so none is owed a destructor.
    unsafe { core::slice::from_raw_parts_mut(data.as_ptr(), len) }
}

// The tests use the panicking forms; the `try_` forms are what those call.
#[cfg(all(test, feature = "panicking"))]
mod tests {
    use core::cell::Cell;

    use crate::StaticArena;

    /// An iterator that allocates `extra` bytes from `line` just before yielding item `at`.
    struct Allocating<'l, 'a> {
        line: &'l crate::Line<'a>,
        i: u32,
        n: u32,
        at: u32,
        extra: usize,
        got: &'l Cell<Option<*mut u8>>,
    }

    impl Iterator for Allocating<'_, '_> {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            if self.i == self.at {
                let block = self
                    .line
                    .try_alloc_slice_fill_copy(self.extra, 0xAAu8)
                    .ok()
                    .map(|b| b.as_mut_ptr());
                self.got.set(block);
            }
            (self.i < self.n).then(|| {
                self.i += 1;
                self.i * 10
            })
        }
    }

    #[test]
    fn collects_in_place_at_the_tip_without_reserving() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        line.alloc(1u8);
        let xs = line.alloc_iter((0..10u32).filter(|x| x % 3 != 0));
        assert_eq!(xs, &[1, 2, 4, 5, 7, 8]);
        // Six u32s: 24 bytes, two granules, right after the first allocation.
        assert_eq!(line.used(), 16 + 32);
        let again = line.alloc(2u8);
        assert_eq!(*again, 2);
        assert_eq!(xs, &[1, 2, 4, 5, 7, 8]);
    }

    /// Yields `0..n` (times 10), claiming a lower size bound of `lower`, and allocates 16
    /// bytes from `line` (if given) before yielding item `at`.
    struct Hinted<'l, 'a> {
        i: u32,
        n: u32,
        lower: usize,
        line: Option<&'l crate::Line<'a>>,
        at: u32,
        got: Option<*mut u8>,
    }

    impl Iterator for Hinted<'_, '_> {
        type Item = u32;
        fn next(&mut self) -> Option<u32> {
            if self.i == self.at
                && let Some(line) = self.line
            {
                self.got = Some(line.alloc([0xBBu8; 16]).as_mut_ptr());
            }
            (self.i < self.n).then(|| {
                self.i += 1;
                self.i * 10
            })
        }
        fn size_hint(&self) -> (usize, Option<usize>) {
            (self.lower.saturating_sub(self.i as usize), None)
        }
    }

    fn hinted<'l, 'a>(n: u32, lower: usize) -> Hinted<'l, 'a> {
        Hinted {
            i: 0,
            n,
            lower,
            line: None,
            at: u32::MAX,
            got: None,
        }
    }

    #[test]
    fn an_exact_iterator_is_claimed_at_once_and_takes_what_it_needs() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        line.alloc(1u8);
        let xs = line.alloc_iter((0..10u32).map(|x| x * 10));
        assert_eq!(xs, &[0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
        assert_eq!(xs.as_ptr().addr() - line.base.as_ptr().addr(), 16);
        assert_eq!((line.used(), line.high_water()), (16 + 48, 16 + 48));
        // A lower bound that does not fit the line: claimed granule by granule, and the items
        // (fewer than promised) fit.
        let ys = line.alloc_iter(hinted(3, 1000));
        assert_eq!(ys, &[10, 20, 30]);
        assert_eq!(
            (line.used(), line.high_water()),
            (16 + 48 + 16, 16 + 48 + 16)
        );
    }

    #[test]
    fn a_lower_bound_larger_than_the_items_is_given_back_and_counted() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        // Ten promised (40 bytes, three granules), three yielded (one granule).
        let xs = line.alloc_iter(hinted(3, 10));
        assert_eq!(xs, &[10, 20, 30]);
        assert_eq!((line.used(), line.high_water()), (16, 48));
        // More than promised: the rest is claimed as it comes.
        let ys = line.alloc_iter(hinted(9, 2));
        assert_eq!(ys, &[10, 20, 30, 40, 50, 60, 70, 80, 90]);
        assert_eq!(line.used(), 16 + 48);
        assert_eq!(xs, &[10, 20, 30]);
    }

    #[test]
    fn an_iterator_that_allocates_inside_its_reservation_keeps_both() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let mut iter = hinted(6, 8);
        iter.line = Some(&line);
        iter.at = 2;
        let mut got = None;
        let xs = line.alloc_iter(core::iter::from_fn(|| {
            let x = iter.next();
            got = got.or(iter.got);
            x
        }));
        // `from_fn` has no lower bound: this is the granule-by-granule path, for comparison.
        assert_eq!(xs, &[10, 20, 30, 40, 50, 60]);
        let block = got.expect("the iterator allocated");
        assert_eq!(block.addr() - line.base.as_ptr().addr(), 16);
        assert_eq!(xs.as_ptr().addr() - line.base.as_ptr().addr(), 32);

        let mut iter = hinted(6, 8);
        iter.line = Some(&line);
        iter.at = 2;
        let before = line.used();
        let ys = line.alloc_iter(&mut iter);
        assert_eq!(ys, &[10, 20, 30, 40, 50, 60]);
        // Eight promised: two granules claimed at once, the block allocated above them, and
        // the six items fit below it, in place, with no move.
        let block = iter.got.expect("the iterator allocated");
        assert_eq!(ys.as_ptr().addr() - line.base.as_ptr().addr(), before);
        assert_eq!(block.addr() - line.base.as_ptr().addr(), before + 32);
        // SAFETY: the iterator's block of 16 bytes is live for the line.
        let bytes = unsafe { core::slice::from_raw_parts(block, 16) };
        assert!(
            bytes.iter().all(|&b| b == 0xBB),
            "the collection overwrote it"
        );
        // The room the items did not take stays used: it is below the block.
        assert_eq!(line.used(), before + 48);
    }

    #[test]
    fn empty_iterator_takes_nothing() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let xs: &mut [u64] = line.alloc_iter(core::iter::empty());
        assert!(xs.is_empty());
        assert_eq!(line.used(), 0);
        assert_eq!(line.high_water(), 0);
    }

    #[test]
    fn too_many_items_leave_the_line_as_it_was_and_count_the_high_water() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        line.alloc(0u8);
        let err = line.try_alloc_iter((0..).map(|i: u32| [i; 3])).unwrap_err();
        // 48 bytes were left: four 12-byte items fit, the fifth failed.
        assert_eq!(err.requested_size(), 60);
        assert_eq!(err.remaining(), 48);
        assert_eq!(line.used(), 16);
        assert_eq!(line.high_water(), 64);
        assert!(line.try_alloc([0u8; 48]).is_ok());
    }

    #[test]
    fn granule_tiling_items_fill_the_line_to_its_last_byte_and_no_further() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        // Sixteen u32s take the line's four granules exactly.
        let xs = line.alloc_iter((0..16u32).filter(|_| true));
        assert_eq!(xs.len(), 16);
        assert_eq!((line.used(), line.remaining()), (64, 0));

        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        // A seventeenth needs a fifth granule: the run fails and gives all four back.
        let err = line
            .try_alloc_iter((0..17u32).filter(|_| true))
            .unwrap_err();
        assert_eq!((err.requested_size(), err.remaining()), (68, 64));
        assert_eq!((line.used(), line.high_water()), (0, 64));

        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        // Items of two granules: two take the line exactly.
        let ys = line.alloc_iter((0..2u8).filter(|_| true).map(|i| [i; 32]));
        assert_eq!(ys, &[[0; 32], [1; 32]]);
        assert_eq!(line.remaining(), 0);

        let mut arena = StaticArena::<48>::new();
        let line = arena.line();
        // The first fits, the second finds one granule left.
        let err = line
            .try_alloc_iter((0..2u8).filter(|_| true).map(|i| [i; 32]))
            .unwrap_err();
        assert_eq!((err.requested_size(), err.remaining()), (64, 48));
        assert_eq!((line.used(), line.high_water()), (0, 32));
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn items_larger_than_a_granule_do_not_fit_a_line_that_ends_below_their_size() {
        // A zero-capacity arena's buffer is a dangling pointer at address 16, so the line ends
        // at 16, below the 32 bytes of one item: the run's bound must not wrap around.
        let mut arena = crate::ScanArena::with_capacity(0);
        let line = arena.line();
        let err = line
            .try_alloc_iter((0..3u8).filter(|_| true).map(|i| [i; 32]))
            .unwrap_err();
        assert_eq!((err.requested_size(), err.remaining()), (32, 0));
        assert_eq!((line.used(), line.high_water()), (0, 0));
    }

    #[test]
    fn large_alignment_pads_the_start() {
        #[derive(Clone, Copy, PartialEq, Debug)]
        #[repr(align(64))]
        struct Wide(u8);
        let mut arena = StaticArena::<512>::new();
        let line = arena.line();
        line.alloc(0u8);
        let xs = line.alloc_iter((0..3).map(Wide));
        assert_eq!(xs, &[Wide(0), Wide(1), Wide(2)]);
        assert_eq!(xs.as_ptr().addr() % 64, 0);
        let pad = xs.as_ptr().addr() - line.base.as_ptr().addr();
        assert_eq!(line.used(), pad + 3 * 64);
    }

    #[test]
    fn zero_sized_items_are_counted_not_stored() {
        let mut arena = StaticArena::<16>::new();
        let line = arena.line();
        let units = line.alloc_iter((0..1000).map(|_| ()));
        assert_eq!(units.len(), 1000);
        assert_eq!(line.used(), 0);
    }

    #[test]
    fn an_iterator_that_allocates_from_the_line_gets_a_correct_result() {
        let mut arena = StaticArena::<512>::new();
        let line = arena.line();
        let got = Cell::new(None);
        let iter = Allocating {
            line: &line,
            i: 0,
            n: 9,
            at: 5,
            extra: 20,
            got: &got,
        };
        let xs = line.alloc_iter(iter);
        assert_eq!(xs, &[10, 20, 30, 40, 50, 60, 70, 80, 90]);
        let block = got.get().expect("the iterator's allocation fits");
        // SAFETY: the iterator's block of 20 bytes is live for the line.
        let bytes = unsafe { core::slice::from_raw_parts(block, 20) };
        assert!(
            bytes.iter().all(|&b| b == 0xAA),
            "the collection overwrote it"
        );
        // Five items (20 bytes, two granules) were written before the iterator allocated 20
        // bytes above them; three more still fit the run's claim, the ninth did not, so the
        // run moved above the block: nine items, three granules.
        assert_eq!(block.addr() - line.base.as_ptr().addr(), 32);
        assert_eq!(xs.as_ptr().addr() - line.base.as_ptr().addr(), 64);
        assert_eq!(line.used(), 64 + 48);
    }

    #[test]
    fn an_iterator_that_allocates_twice_moves_the_items_twice() {
        let mut arena = StaticArena::<512>::new();
        let line = arena.line();
        let mut blocks = [None; 2];
        let mut i = 0u32;
        let xs = line.alloc_iter(core::iter::from_fn(|| {
            // Before the 6th and the 11th item: 16 bytes each, filled with 0xCC and 0xDD.
            if let Some(k) = [5, 10].iter().position(|&at| at == i) {
                blocks[k] = Some(line.alloc([0xCCu8 + k as u8 * 0x11; 16]).as_ptr());
            }
            (i < 14).then(|| {
                i += 1;
                i * 10
            })
        }));
        assert_eq!(
            xs,
            &core::array::from_fn::<u32, 14, _>(|k| (k as u32 + 1) * 10)
        );
        let at = |p: *const u8| p.addr() - line.base.as_ptr().addr();
        let [Some(first), Some(second)] = blocks else {
            panic!("both blocks fit")
        };
        // Items 1..=5 took [0, 32); the first block went above them, at 32. The 9th item
        // did not fit the old claim: the eight items moved to 48, with room for the 9th
        // (three granules, to 96); the second block went above that, at 96, and the 13th
        // item moved all twelve once more, to 112.
        assert_eq!((at(first), at(second)), (32, 96));
        assert_eq!(at(xs.as_ptr().cast()), 112);
        assert_eq!(line.used(), 112 + 64);
        for (block, byte) in [(first, 0xCC), (second, 0xDD)] {
            // SAFETY: each block of 16 bytes is live for the line.
            let bytes = unsafe { core::slice::from_raw_parts(block, 16) };
            assert!(
                bytes.iter().all(|&b| b == byte),
                "the collection overwrote it"
            );
        }
    }

    #[test]
    fn an_allocating_iterator_that_overflows_keeps_its_allocation() {
        let mut arena = StaticArena::<96>::new();
        let line = arena.line();
        let got = Cell::new(None);
        let iter = Allocating {
            line: &line,
            i: 0,
            n: 30,
            at: 2,
            extra: 16,
            got: &got,
        };
        let err = line.try_alloc_iter(iter).unwrap_err();
        let block = got.get().expect("the iterator's allocation fits");
        assert_eq!(block.addr() - line.base.as_ptr().addr(), 16);
        // The iterator's block stays; the run moved above it and ran out there.
        assert_eq!(line.used(), 32);
        assert_eq!(err.remaining(), 64);
        assert_eq!(line.high_water(), 96);
    }
}
