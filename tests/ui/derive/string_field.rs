// Must fail: a String field has drop glue, and the arena never runs destructors.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Label {
    size: f32,
    text: String,
}

fn main() {}
