//! Rare paths of collecting at a line's tip and of `LineVec`, each one a promise the docs make
//! that only an unusual caller reaches: a collection that ends exactly at the line's end, an
//! iterator or `Display` impl that allocates from the line it is collected into, an
//! over-aligned type whose padding does not fit. Found by mutation testing (RELIABILITY.md):
//! each test fails under the mutant named in its comment.
//!
//! Only the `try_` forms, so that the file also builds without the `panicking` feature.

use core::cell::Cell;
use core::fmt;
use core::mem::MaybeUninit;

use arena_core::{BorrowedArena, Line, StaticArena};

/// A type aligned to more than a granule (16 bytes), so its values need padding.
#[derive(Clone, Copy, PartialEq, Debug)]
#[repr(align(64))]
struct Wide(u8);

/// A buffer on a 64-byte boundary, so a test knows where padding for [`Wide`] falls.
#[repr(C, align(64))]
struct Aligned([MaybeUninit<u8>; 192]);

impl Aligned {
    fn new() -> Self {
        Aligned([MaybeUninit::uninit(); 192])
    }
}

/// Where `ptr` lies relative to a 64-byte boundary.
fn mod64<T>(ptr: *const T) -> usize {
    ptr.addr() % 64
}

#[test]
fn a_collection_of_a_type_that_does_not_tile_granules_may_end_exactly_at_the_line_end() {
    // `size > room` to `>=` in `TipRun::claim_at_tip`: the last value, which ends exactly at
    // the line's end, was refused.
    let mut arena = StaticArena::<48>::new();
    let line = arena.line();
    // 24-byte values do not tile 16-byte granules; the filter hides the count, so each value
    // claims its room as it comes.
    let rows = line
        .try_alloc_iter((1..=2u8).filter(|_| true).map(|i| [i; 24]))
        .expect("two 24-byte values fit a 48-byte line exactly");
    assert_eq!(rows, &[[1; 24], [2; 24]]);
    assert_eq!((line.used(), line.remaining()), (48, 0));
    // Exactly full: the next byte does not fit.
    assert!(line.try_alloc(0u8).is_err());
}

/// A value whose `Display` writes some text, then text that does not fit (whose error it
/// swallows), then allocates a block from the line it is being formatted into.
struct Swallowing<'l, 'a> {
    line: &'l Line<'a>,
    block: Cell<Option<&'a mut [u8]>>,
}

impl fmt::Display for Swallowing<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("abc")?;
        // Ignoring the writer's error is wrong, but a `Display` impl may do it: the line
        // reports its own error whatever the impl returns.
        let _ = f.write_str(&"x".repeat(100));
        self.block
            .set(self.line.try_alloc_slice_fill_copy(16, 0xAA).ok());
        Ok(())
    }
}

#[test]
fn a_failed_format_keeps_what_the_formatted_value_allocated() {
    // `&&` to `||` in `TipRun::abandon`: the failed text was given back even though the
    // value's block lay above it, so the block was handed out a second time.
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let value = Swallowing {
        line: &line,
        block: Cell::new(None),
    };
    let err = line
        .try_alloc_fmt(format_args!("{value}"))
        .expect_err("100 bytes of text do not fit in 64");
    assert_eq!(err.requested_size(), 103);
    let block = value.block.take().expect("the block fits");
    // The text's granule stays used: it lies below the block.
    assert_eq!(line.used(), 32);
    let rest = line
        .try_alloc_slice_fill_copy(line.remaining(), 0x55u8)
        .unwrap();
    assert_eq!(rest.len(), 32);
    assert!(
        block.iter().all(|&b| b == 0xAA),
        "the block was overwritten"
    );
}

/// Yields `n` values (times 10) while promising `promised` (`size_hint().0`), and allocates a
/// 16-byte block from `line` just before yielding value `at`.
struct Overpromising<'l, 'a> {
    line: &'l Line<'a>,
    i: u32,
    n: u32,
    promised: usize,
    at: u32,
    block: Option<&'a mut [u8]>,
}

impl Iterator for Overpromising<'_, '_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.i == self.at {
            self.block = self.line.try_alloc_slice_fill_copy(16, 0xBB).ok();
        }
        (self.i < self.n).then(|| {
            self.i += 1;
            self.i * 10
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.promised.saturating_sub(self.i as usize), None)
    }
}

#[test]
fn an_iterator_that_promises_more_than_it_yields_and_allocates_keeps_its_allocation() {
    // `&&` to `||` in `TipRun::finish_reserved`: the room the values did not take was given
    // back although the iterator's block lay above it, so the block was handed out again.
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let mut iter = Overpromising {
        line: &line,
        i: 0,
        n: 3,
        promised: 8,
        at: 2,
        block: None,
    };
    let xs = line.try_alloc_iter(&mut iter).unwrap();
    assert_eq!(xs, &[10, 20, 30]);
    // Eight promised: 32 bytes claimed at once, the block above them.
    let block = iter.block.take().expect("the block fits");
    assert_eq!(block.as_ptr().addr() - xs.as_ptr().addr(), 32);
    assert_eq!(line.used(), 48);
    let rest = line
        .try_alloc_slice_fill_copy(line.remaining(), 0x55u8)
        .unwrap();
    assert_eq!(rest.len(), 16);
    assert!(
        block.iter().all(|&b| b == 0xBB),
        "the block was overwritten"
    );
    assert_eq!(xs, &[10, 20, 30]);
}

#[test]
fn an_empty_collection_of_an_over_aligned_type_is_aligned_when_its_padding_does_not_fit() {
    // `align > 16` to `==` or `<` in `TipRun::finish`: the empty slice pointed at the line's
    // end, which is not aligned for the type.
    let mut buf = Aligned::new();
    // 96 bytes from 16 past a 64-byte boundary: the line ends 48 past one.
    let mut arena = BorrowedArena::new(&mut buf.0[16..112]);
    assert_eq!((arena.skipped(), arena.capacity()), (0, 96));
    let line = arena.line();
    line.try_alloc_slice_fill_copy(80, 0u8).unwrap();
    // The cursor is 32 past a boundary: the 32 bytes of padding a `Wide` needs do not fit in
    // the 16 left, but an empty collection needs no room.
    let xs = line.try_alloc_iter(core::iter::empty::<Wide>()).unwrap();
    assert!(xs.is_empty());
    assert_eq!(mod64(xs.as_ptr()), 0, "an unaligned slice");
    assert_eq!(line.used(), 80);
    let none = line.try_alloc_iter((0..0).map(Wide)).unwrap();
    assert_eq!(mod64(none.as_ptr()), 0, "an unaligned slice");
    // One value does not fit, and the line is as it was.
    assert!(line.try_alloc_iter([Wide(1)]).is_err());
    assert_eq!(line.used(), 80);
}

#[test]
fn an_over_aligned_vector_whose_padding_leaves_too_little_room_is_refused() {
    // `remaining - pad` to `+` in `Line::try_vec_with_capacity`: a vector whose room, after
    // its padding, ran past the line's end was handed out.
    let mut buf = Aligned::new();
    let mut arena = BorrowedArena::new(&mut buf.0[16..112]);
    let line = arena.line();
    // The first 64-byte boundary is 48 bytes in: 48 bytes are left after it, and a `Wide`
    // takes 64.
    let err = line.try_vec_with_capacity::<Wide>(1).expect_err("no room");
    assert_eq!((err.requested_size(), err.remaining()), (64, 96));
    assert_eq!(line.used(), 0);
    drop(line);

    // At a boundary, with 48 bytes of padding and then exactly the room for one value.
    let mut arena = BorrowedArena::new(&mut buf.0[..128]);
    let line = arena.line();
    line.try_alloc(1u8).unwrap();
    let err = line.try_vec_with_capacity::<Wide>(2).expect_err("no room");
    assert_eq!((err.requested_size(), err.remaining()), (128, 112));
    let mut wides = line.try_vec_with_capacity::<Wide>(1).unwrap();
    wides.try_push(Wide(7)).unwrap();
    assert_eq!(mod64(wides.as_ptr()), 0);
    assert_eq!((line.used(), line.remaining()), (128, 0));
    assert_eq!(wides.into_slice(), &[Wide(7)]);
}
