// Must fail: #[scan(child)] allocates one value; a `LineVec` field is reserved with `max`.
use arena_core::{LineVec, ScanLocal};

#[derive(ScanLocal)]
struct Row<'l> {
    #[scan(child)]
    spans: LineVec<'l, (u16, u16)>,
}

fn main() {}
