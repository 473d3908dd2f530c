// Must fail: `child` allocates a value and stores a reference to it; this field is inline.
use arena_core::ScanLocal;

#[derive(Clone, Copy, ScanLocal)]
struct Style {
    width: f32,
}

#[derive(ScanLocal)]
struct Poly {
    #[scan(child)]
    style: Style,
}

fn main() {}
