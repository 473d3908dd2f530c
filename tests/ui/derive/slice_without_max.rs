// Must fail: a `&[E]` field says neither how many elements it copies in (`max`) nor `borrowed`.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Poly<'l> {
    points: &'l [[f32; 2]],
}

fn main() {}
