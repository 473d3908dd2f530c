// Must fail: a child's own bound is part of the parent's, so the child must be ScanLocal.
use arena_core::ScanLocal;

#[derive(Clone, Copy)]
struct Style {
    width: f32,
}

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(child)]
    style: &'l Style,
}

fn main() {}
