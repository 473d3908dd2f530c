// Must fail: `max = 0` allows no elements, so the field could never hold anything.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = 0)]
    points: &'l [u16],
}

fn main() {}
