// Must pass: `LineVec` fields with `max` (a literal, a constant, a generic element), counted
// in SCAN_BOUND as a slice of `max` elements, made empty by the constructors with that
// capacity; a borrowed `LineVec` is taken as it is.
use arena_core::{Budget, LineVec, ScanArena, ScanLocal, budget, slice_bound, slot_bound};

const SPANS: usize = 6;

#[derive(ScanLocal)]
struct Row<'l> {
    #[scan(max = SPANS)]
    spans: LineVec<'l, (u16, u16)>,
    #[scan(max = 3)]
    label: &'l str,
    y: u32,
}

#[derive(ScanLocal)]
struct Samples<'l, T: Copy> {
    #[scan(max = 4)]
    values: arena_core::LineVec<'l, T>,
    #[scan(borrowed)]
    scratch: LineVec<'l, u8>,
}

const LINE: Budget = budget!(Row<'_> * 2);

fn main() {
    assert_eq!(
        Row::SCAN_BOUND,
        slot_bound::<Row<'_>>()
            + slice_bound::<(u16, u16)>(SPANS).unwrap()
            + slice_bound::<u8>(3).unwrap()
    );
    let mut arena = ScanArena::for_budget(LINE);
    for y in 0..3 {
        let line = arena.line();
        let row = Row::new_in(&line, "abc", y);
        assert_eq!((row.spans.capacity(), row.spans.len()), (SPANS, 0));
        for x in 0..SPANS as u16 {
            row.spans.try_push((x, x + 1)).unwrap();
        }
        assert!(row.spans.try_push((9, 9)).is_err());
        let other = Row::try_build_in(&line, "de", y + 1).unwrap();
        assert_eq!(&*other.label, "de");
        assert_eq!(row.spans[5], (5, 6));
        assert!(line.used() <= LINE.bytes());
    }

    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    let scratch = line.try_vec_with_capacity::<u8>(8).unwrap();
    let s = Samples::<f32>::new_in(&line, scratch);
    s.values.try_push(0.5).unwrap();
    assert_eq!(&s.values[..], &[0.5]);
    assert_eq!(s.scratch.capacity(), 8);
    assert_eq!(
        Samples::<f64>::SCAN_BOUND,
        slot_bound::<Samples<'_, f64>>() + slice_bound::<f64>(4).unwrap()
    );
}
