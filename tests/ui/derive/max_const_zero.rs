// Must fail: a `max` given by a constant is checked too; this constant is 0.
use arena_core::ScanLocal;

const NO_POINTS: usize = 0;

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = NO_POINTS)]
    points: &'l [u16],
}

fn main() {}
