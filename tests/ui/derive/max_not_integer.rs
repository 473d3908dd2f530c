// Must fail: `max` takes a whole number (or a const path), not a string or a float.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = "8")]
    points: &'l [u16],
    #[scan(max = 2.5)]
    name: &'l str,
}

fn main() {}
