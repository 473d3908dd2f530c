// Must fail: misspelled options are errors, on the field and on the type, not silently ignored.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
#[scan(constuctor = "make")]
struct Poly<'l> {
    #[scan(maximum = 8)]
    points: &'l [u16],
}

fn main() {}
