//! A derived constructor checks its worst case before it allocates anything: one that fails
//! leaves the line as it was, and one whose worst case fits exactly succeeds.
#![cfg(feature = "derive")]

use arena_core::{ScanError, ScanLocal, StaticArena, slice_bound, slot_bound};

#[derive(Clone, Copy, Debug, PartialEq, ScanLocal)]
struct Style {
    width: f32,
}

#[derive(Debug, ScanLocal)]
struct Stroke<'l> {
    #[scan(max = 8)]
    points: &'l [[f32; 2]],
    #[scan(child)]
    style: &'l Style,
}

/// The most bytes a `Stroke` with `n` points takes: its copies and its own slot.
fn worst_case(n: usize) -> usize {
    slice_bound::<[f32; 2]>(n).unwrap() + slot_bound::<Style>() + slot_bound::<Stroke<'_>>()
}

#[test]
fn a_constructor_without_room_for_all_its_copies_takes_nothing() {
    let mut arena = StaticArena::<256>::new();
    let line = arena.line();
    // Room for the points (32 bytes) and the style, but not the `Stroke` itself after them.
    line.alloc_slice_fill_copy(256 - worst_case(4) + 16, 0u8);
    let before = line.used();
    let err = Stroke::try_new_in(&line, &[[1.0, 2.0]; 4], Style { width: 1.0 }).unwrap_err();
    let ScanError::Full(full) = err else {
        panic!("expected Full, got {err:?}");
    };
    assert_eq!(full.requested_size(), worst_case(4));
    assert_eq!(full.remaining(), worst_case(4) - 16);
    assert_eq!(line.used(), before, "a failed constructor took bytes");
}

#[test]
fn a_constructor_whose_copies_and_slot_fill_the_line_exactly_succeeds() {
    let mut arena = StaticArena::<256>::new();
    let line = arena.line();
    line.alloc_slice_fill_copy(256 - worst_case(4), 0u8);
    let stroke = Stroke::try_new_in(&line, &[[1.0, 2.0]; 4], Style { width: 1.5 }).unwrap();
    assert_eq!(stroke.points, &[[1.0, 2.0]; 4]);
    assert_eq!(*stroke.style, Style { width: 1.5 });
    assert_eq!(line.remaining(), 0);
}
