// Must fail, at the field: the elements of a `LineVec` need dropping, which the arena never
// does (the vector itself has no drop glue, so only an element check can catch this).
use arena_core::{LineVec, ScanLocal};

#[derive(ScanLocal)]
struct Row<'l> {
    #[scan(max = 4)]
    names: LineVec<'l, String>,
}

fn main() {}
