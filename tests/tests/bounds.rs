//! `SCAN_BOUND` of a derived type is exactly what its constructor takes from a line in the
//! worst case, for every shape the derive supports; and constructors fail whole, never half.

use arena_core::{ScanArena, ScanError, ScanLocal, slice_bound, slot_bound};

#[derive(Clone, Copy, Debug, PartialEq, ScanLocal)]
struct Span {
    x0: u16,
    x1: u16,
    coverage: f32,
}

#[derive(Debug, ScanLocal)]
struct Poly<'l> {
    #[scan(max = 8)]
    pts: &'l [[f32; 2]],
    cov: f32,
}

#[derive(Debug, ScanLocal)]
struct Label<'l> {
    #[scan(max = 20)]
    text: &'l str,
    size: f32,
}

#[derive(Clone, Copy, Debug, ScanLocal)]
struct Style {
    width: f32,
    rgba: [u8; 4],
}

#[derive(Debug, ScanLocal)]
struct Styled<'l> {
    #[scan(child)]
    style: &'l Style,
    z: u32,
}

#[derive(Clone, Copy, Debug, ScanLocal)]
struct Leaf {
    v: [f64; 3],
}

#[derive(Clone, Copy, Debug, ScanLocal)]
struct Mid<'l> {
    #[scan(child)]
    leaf: &'l Leaf,
    #[scan(max = 3)]
    xs: &'l [u32],
}

#[derive(Debug, ScanLocal)]
struct Outer<'l> {
    #[scan(child)]
    mid: &'l Mid<'l>,
    tag: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, ScanLocal)]
#[repr(align(64))]
struct Wide {
    px: [f32; 4],
}

#[derive(Debug, ScanLocal)]
struct Tiles<'l> {
    #[scan(max = 2)]
    tiles: &'l [Wide],
}

#[derive(Debug, ScanLocal)]
struct Pair<'l, T: Copy> {
    #[scan(max = 3)]
    items: &'l [T],
    #[scan(child)]
    first: &'l T,
}

#[derive(Debug, ScanLocal)]
enum Paint<'l> {
    Solid(u32),
    Gradient {
        #[scan(max = 8)]
        stops: &'l [(f32, u32)],
    },
    Named(#[scan(max = 40)] &'l str),
}

/// Seven fields: its constructors take eight parameters, one past clippy's default
/// `too_many_arguments` threshold. CI's clippy (`--all-targets -D warnings`) runs over this
/// file, so it fails if the derive stops allowing that lint on such constructors.
#[derive(Debug, ScanLocal)]
struct GlyphRun<'l> {
    x: f32,
    y: f32,
    size: f32,
    advance: f32,
    rgba: [u8; 4],
    font: u16,
    #[scan(max = 16)]
    glyphs: &'l [u16],
}

/// The bytes `build` takes from a fresh line, maximised over the line's starting position
/// modulo 64 (an alignment above 16 costs padding that depends on it).
fn worst_taken(build: impl Fn(&arena_core::Line<'_>)) -> usize {
    let mut arena = ScanArena::with_capacity(4096);
    let mut worst = 0;
    for fillers in 0..4 {
        let line = arena.line();
        for _ in 0..fillers {
            line.alloc(0u8);
        }
        let before = line.used();
        build(&line);
        worst = worst.max(line.used() - before);
    }
    worst
}

#[test]
fn plain_struct_takes_its_slot() {
    assert_eq!(Span::SCAN_BOUND, slot_bound::<Span>());
    let taken = worst_taken(|line| {
        let span = Span::new_in(line, 1, 9, 0.5);
        assert_eq!((span.x0, span.x1, span.coverage), (1, 9, 0.5));
    });
    assert_eq!(taken, Span::SCAN_BOUND);
}

#[test]
fn one_parameter_per_field_in_declaration_order() {
    assert_eq!(
        GlyphRun::SCAN_BOUND,
        slot_bound::<GlyphRun<'_>>() + slice_bound::<u16>(16).unwrap()
    );
    let glyphs: Vec<u16> = (10..26).collect();
    let taken = worst_taken(|line| {
        let run = GlyphRun::new_in(line, 1.0, 2.0, 3.0, 4.0, [5, 6, 7, 8], 9, &glyphs);
        assert_eq!(
            (
                run.x,
                run.y,
                run.size,
                run.advance,
                run.rgba,
                run.font,
                run.glyphs
            ),
            (1.0, 2.0, 3.0, 4.0, [5, 6, 7, 8], 9, &glyphs[..])
        );
    });
    assert_eq!(taken, GlyphRun::SCAN_BOUND);
    let taken = worst_taken(|line| {
        let run = GlyphRun::build_in(line, 1.5, 2.5, 3.5, 4.5, [0; 4], 7, &glyphs);
        assert_eq!(
            (run.x, run.advance, run.font, run.glyphs),
            (1.5, 4.5, 7, &glyphs[..])
        );
    });
    assert_eq!(taken, slice_bound::<u16>(16).unwrap());
}

#[test]
fn slice_with_max_takes_slot_plus_max_elements() {
    assert_eq!(
        Poly::SCAN_BOUND,
        slot_bound::<Poly<'_>>() + slice_bound::<[f32; 2]>(8).unwrap()
    );
    let taken = worst_taken(|line| {
        let poly = Poly::new_in(line, &[[1.0, 2.0]; 8], 0.25);
        assert_eq!((poly.pts, poly.cov), (&[[1.0, 2.0]; 8][..], 0.25));
    });
    assert_eq!(taken, Poly::SCAN_BOUND);
    // Shorter input takes less; the bound still holds.
    let short = worst_taken(|line| {
        Poly::new_in(line, &[[0.0; 2]; 3], 0.25);
    });
    assert!(short < Poly::SCAN_BOUND);
}

#[test]
fn str_with_max_counts_bytes() {
    assert_eq!(
        Label::SCAN_BOUND,
        slot_bound::<Label<'_>>() + slice_bound::<u8>(20).unwrap()
    );
    // 16 bytes in 7 chars: the max is in bytes, like `str::len`.
    let text = "ééééé€€";
    assert_eq!(text.len(), 16);
    let full = "a".repeat(20);
    let taken = worst_taken(|line| {
        let label = Label::new_in(line, &full, 12.0);
        assert_eq!((label.text, label.size), (full.as_str(), 12.0));
    });
    assert_eq!(taken, Label::SCAN_BOUND);
    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    assert_eq!(Label::new_in(&line, text, 1.0).text, text);
    let err = Label::try_new_in(&line, &"€".repeat(7), 1.0).unwrap_err();
    assert!(
        matches!(
            err,
            ScanError::TooLong {
                max: 20,
                len: 21,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn child_adds_the_child_bound() {
    assert_eq!(
        Styled::SCAN_BOUND,
        slot_bound::<Styled<'_>>() + Style::SCAN_BOUND
    );
    let taken = worst_taken(|line| {
        let styled = Styled::new_in(
            line,
            Style {
                width: 2.0,
                rgba: [1, 2, 3, 4],
            },
            7,
        );
        assert_eq!(
            (styled.style.width, styled.style.rgba, styled.z),
            (2.0, [1, 2, 3, 4], 7)
        );
    });
    assert_eq!(taken, Styled::SCAN_BOUND);
}

#[test]
fn nested_children_add_up_through_build_in() {
    assert_eq!(
        Mid::SCAN_BOUND,
        slot_bound::<Mid<'_>>() + slot_bound::<Leaf>() + slice_bound::<u32>(3).unwrap()
    );
    assert_eq!(
        Outer::SCAN_BOUND,
        slot_bound::<Outer<'_>>() + Mid::SCAN_BOUND
    );
    let taken = worst_taken(|line| {
        let mid = Mid::build_in(line, Leaf { v: [1.0, 2.0, 3.0] }, &[4, 5, 6]);
        let outer = Outer::new_in(line, mid, 9);
        assert_eq!(outer.mid.leaf.v, [1.0, 2.0, 3.0]);
        assert_eq!((outer.mid.xs, outer.tag), (&[4, 5, 6][..], 9));
    });
    assert_eq!(taken, Outer::SCAN_BOUND);
}

#[test]
fn alignment_above_16_counts_the_worst_padding() {
    assert_eq!(Wide::SCAN_BOUND, 64 + 48);
    let taken = worst_taken(|line| {
        let wide = Wide::new_in(line, [1.0; 4]);
        assert_eq!(core::ptr::from_mut(wide).addr() % 64, 0);
    });
    assert_eq!(taken, Wide::SCAN_BOUND);

    assert_eq!(Tiles::SCAN_BOUND, 16 + (128 + 48));
    let tile = Wide { px: [0.5; 4] };
    let taken = worst_taken(|line| {
        let tiles = Tiles::new_in(line, &[tile, tile]);
        assert_eq!(tiles.tiles, &[tile, tile]);
    });
    assert_eq!(taken, Tiles::SCAN_BOUND);
}

#[test]
fn generic_struct_bound_follows_the_parameter() {
    assert_eq!(
        Pair::<u64>::SCAN_BOUND,
        slot_bound::<Pair<'_, u64>>() + slice_bound::<u64>(3).unwrap() + slot_bound::<u64>()
    );
    assert_eq!(
        Pair::<[u8; 40]>::SCAN_BOUND,
        slot_bound::<Pair<'_, [u8; 40]>>() + 128 + 48
    );
    let taken = worst_taken(|line| {
        let pair = Pair::new_in(line, &[1u64, 2, 3], 0);
        assert_eq!((pair.items, *pair.first), (&[1, 2, 3][..], 0));
    });
    assert_eq!(taken, Pair::<u64>::SCAN_BOUND);
    let taken = worst_taken(|line| {
        Pair::new_in(line, &[[7u8; 40]; 3], [1; 40]);
    });
    assert_eq!(taken, Pair::<[u8; 40]>::SCAN_BOUND);
}

#[test]
fn enum_bound_is_slot_plus_the_largest_variant() {
    let gradient = slice_bound::<(f32, u32)>(8).unwrap();
    let named = slice_bound::<u8>(40).unwrap();
    assert!(gradient > named);
    assert_eq!(Paint::SCAN_BOUND, slot_bound::<Paint<'_>>() + gradient);

    let stops = [(0.5, 7); 8];
    let taken = worst_taken(|line| {
        let paint = Paint::new_gradient_in(line, &stops);
        assert!(matches!(paint, Paint::Gradient { stops } if stops.len() == 8));
    });
    assert_eq!(taken, Paint::SCAN_BOUND);
    let text = "n".repeat(40);
    let named_taken = worst_taken(|line| {
        let paint = Paint::new_named_in(line, &text);
        assert!(matches!(paint, Paint::Named(name) if name.len() == 40));
    });
    assert_eq!(named_taken, slot_bound::<Paint<'_>>() + named);
    // Moving a whole value in takes just the slot.
    let moved = worst_taken(|line| {
        let paint = Paint::new_in(line, Paint::Solid(3));
        assert!(matches!(paint, Paint::Solid(3)));
    });
    assert_eq!(moved, slot_bound::<Paint<'_>>());
}

#[test]
fn too_long_input_is_an_error_before_any_allocation() {
    let mut arena = ScanArena::with_capacity(1024);
    let line = arena.line();
    line.alloc(1u8);
    let err = Poly::try_new_in(&line, &[[0.0; 2]; 9], 1.0).unwrap_err();
    assert_eq!(
        err,
        ScanError::TooLong {
            type_name: "Poly",
            field: "pts",
            max: 8,
            len: 9
        }
    );
    let err = Paint::try_new_named_in(&line, &"x".repeat(41)).unwrap_err();
    assert_eq!(
        err,
        ScanError::TooLong {
            type_name: "Paint::Named",
            field: "0",
            max: 40,
            len: 41
        }
    );
    assert_eq!(line.used(), 16, "a refused call takes nothing");
    assert!(
        err.to_string()
            .contains("`Paint::Named::0` holds at most 40"),
        "{err}"
    );
}

#[test]
fn full_line_is_an_error_that_takes_nothing() {
    // Room for the slot and the first copy, but not for the child as well.
    let capacity = slot_bound::<Mid<'_>>() + slice_bound::<u32>(3).unwrap();
    let mut arena = ScanArena::with_capacity(capacity);
    let line = arena.line();
    let err = Mid::try_new_in(&line, Leaf { v: [0.0; 3] }, &[1, 2, 3]).unwrap_err();
    let ScanError::Full(full) = err else {
        panic!("expected Full, got {err:?}");
    };
    assert_eq!(full.remaining(), capacity);
    assert_eq!(line.used(), 0, "nothing was allocated");
    // What does fit still succeeds.
    assert!(Span::try_new_in(&line, 0, 1, 1.0).is_ok());
}

#[test]
#[should_panic(expected = "`Poly::pts` holds at most 8 elements")]
fn new_in_panics_with_the_error_message() {
    let mut arena = ScanArena::with_capacity(1024);
    let line = arena.line();
    Poly::new_in(&line, &[[0.0; 2]; 12], 1.0);
}
