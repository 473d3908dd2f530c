// Must fail: without the `panicking` feature a derived type has `try_new_in` only; its
// panicking `new_in` does not exist.
use arena_core::{ScanLocal, StaticArena};

#[derive(ScanLocal)]
struct Span {
    x0: u16,
    x1: u16,
}

fn main() {
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let span = Span::new_in(&line, 1, 2);
    assert_eq!(span.x1 - span.x0, 1);
}
