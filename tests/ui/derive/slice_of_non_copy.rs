// Must fail: a `#[scan(max = N)]` slice is copied into the line, so its elements must be Copy.
use arena_core::ScanLocal;

struct Edge {
    x: f32,
}

#[derive(ScanLocal)]
struct Row<'l> {
    #[scan(max = 4)]
    edges: &'l [Edge],
}

fn main() {}
