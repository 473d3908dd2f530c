// Must fail: a derived constructor's result is tied to its line like any allocation.
use arena_core::{ScanArena, ScanLocal};

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = 4)]
    points: &'l [u16],
}

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    let poly = Poly::new_in(&line, &[1, 2, 3]);
    drop(line);
    let _next = arena.line();
    println!("{:?}", poly.points);
}
