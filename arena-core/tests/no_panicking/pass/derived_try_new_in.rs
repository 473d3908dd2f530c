// Must pass: without the `panicking` feature a derived type still has `try_new_in`.
use arena_core::{ScanLocal, StaticArena};

#[derive(ScanLocal)]
struct Span {
    x0: u16,
    x1: u16,
}

fn main() {
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let span = Span::try_new_in(&line, 1, 2).unwrap();
    assert_eq!(span.x1 - span.x0, 1);
}
