// Must fail: `max` bounds a copied `&[E]`/`&str`; on a single reference `child` is meant.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = 4)]
    origin: &'l [f32; 2],
}

fn main() {}
