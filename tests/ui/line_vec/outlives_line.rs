// Must fail: a derived value holding a `LineVec` borrows the line, so it cannot be used after
// the next `line()` begins.
use arena_core::{LineVec, ScanArena, ScanLocal};

#[derive(ScanLocal)]
struct Row<'l> {
    #[scan(max = 4)]
    spans: LineVec<'l, u32>,
    y: u32,
}

fn main() {
    let mut arena = ScanArena::with_capacity(1024);
    let line = arena.line();
    let row = Row::new_in(&line, 0);
    drop(line);
    let _next = arena.line();
    row.spans.try_push(1).unwrap();
}
