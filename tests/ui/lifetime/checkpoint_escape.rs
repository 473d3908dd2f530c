// Must fail: a checkpoint's allocation lives only as long as the checkpoint's borrow of the
// line, not as long as the line: it cannot be returned as line memory.
use arena_core::Line;

fn parse<'a>(line: &mut Line<'a>) -> &'a mut u32 {
    let tmp = line.checkpoint();
    tmp.alloc(7u32)
}

fn main() {
    let mut arena = arena_core::ScanArena::with_capacity(256);
    let mut line = arena.line();
    assert_eq!(*parse(&mut line), 7);
}
