// Must pass: tuple structs (arguments in field order), unit and empty structs, no_constructor.
use arena_core::{ScanArena, ScanLocal, slice_bound, slot_bound};

#[derive(ScanLocal)]
struct Row<'l>(u32, #[scan(max = 4)] &'l [f32], #[scan(max = 8)] &'l str);

#[derive(ScanLocal)]
struct Marker;

#[derive(ScanLocal)]
struct Empty {}

#[derive(ScanLocal)]
#[scan(no_constructor)]
struct Bare(u64, u64);

fn main() {
    assert_eq!(
        Row::SCAN_BOUND,
        slot_bound::<Row<'_>>() + slice_bound::<f32>(4).unwrap() + 16
    );
    assert_eq!(Marker::SCAN_BOUND, 0);
    assert_eq!(Empty::SCAN_BOUND, 0);
    assert_eq!(Bare::SCAN_BOUND, 16);

    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    let row = Row::new_in(&line, 7, &[1.0, 2.0], "ab");
    assert_eq!((row.0, row.1, row.2), (7, &[1.0, 2.0][..], "ab"));
    let used = line.used();
    let _: &mut Marker = Marker::new_in(&line);
    let _: &mut Empty = Empty::new_in(&line);
    assert_eq!(line.used(), used, "zero-sized values take no room");
    let _ = line.alloc(Bare(1, 2));
}
