// Must pass: enums move a whole value in with new_in; a variant with arena-backed fields gets
// its own constructor; the bound is the slot plus the largest variant's extra.
use arena_core::{ScanArena, ScanLocal, slice_bound, slot_bound};

#[derive(Clone, Copy, Debug, PartialEq, ScanLocal)]
enum Winding {
    NonZero,
    EvenOdd,
}

#[derive(ScanLocal)]
enum Paint<'l> {
    Solid([u8; 4]),
    Gradient {
        #[scan(max = 8)]
        stops: &'l [(f32, [u8; 4])],
        spread: Winding,
    },
    Named(#[scan(max = 32)] &'l str),
}

#[derive(ScanLocal)]
enum Either<A, B> {
    Left(A),
    Right(B),
}

fn main() {
    assert_eq!(Winding::SCAN_BOUND, slot_bound::<Winding>());
    let gradient = slice_bound::<(f32, [u8; 4])>(8).unwrap();
    let named = slice_bound::<u8>(32).unwrap();
    assert_eq!(
        Paint::SCAN_BOUND,
        slot_bound::<Paint<'_>>() + gradient.max(named)
    );

    let mut arena = ScanArena::with_capacity(1024);
    let line = arena.line();
    let w = Winding::new_in(&line, Winding::EvenOdd);
    assert_eq!(*w, Winding::EvenOdd);
    let solid = Paint::new_in(&line, Paint::Solid([255; 4]));
    assert!(matches!(solid, Paint::Solid([255, 255, 255, 255])));
    let stops = [(0.0, [0; 4]), (1.0, [255; 4])];
    let g = Paint::new_gradient_in(&line, &stops, Winding::NonZero);
    assert!(matches!(g, Paint::Gradient { stops, .. } if stops.len() == 2));
    let n = Paint::try_new_named_in(&line, "teal").unwrap();
    assert!(matches!(n, Paint::Named("teal")));
    assert!(Paint::try_new_named_in(&line, &"x".repeat(33)).is_err());
    let e = Either::<u8, f64>::new_in(&line, Either::Right(2.5));
    assert!(matches!(e, Either::Right(v) if *v == 2.5));
}
