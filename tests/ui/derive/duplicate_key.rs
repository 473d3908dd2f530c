// Must fail: an option given twice is ambiguous (which max?), so it is rejected.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = 8)]
    #[scan(max = 16)]
    points: &'l [u16],
}

fn main() {}
