// Must fail: a `LineVec` field says neither its capacity (`max`) nor `borrowed`, so the
// constructor could not reserve it and the bound could not count it.
use arena_core::{LineVec, ScanLocal};

#[derive(ScanLocal)]
struct Row<'l> {
    spans: LineVec<'l, (u16, u16)>,
}

fn main() {}
