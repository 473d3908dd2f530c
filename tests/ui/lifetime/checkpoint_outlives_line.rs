// Must fail: a checkpoint's allocation cannot outlive its line either: the next `line()` of
// the arena needs the arena, which the checkpoint's line still borrows.
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let mut line = arena.line();
    let value = {
        let tmp = line.checkpoint();
        tmp.alloc(1u32)
    };
    drop(line);
    let _next = arena.line();
    assert_eq!(*value, 1);
}
