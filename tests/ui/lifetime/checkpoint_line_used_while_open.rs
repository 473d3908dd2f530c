// Must fail: while a checkpoint is open its line is mutably borrowed: the line cannot allocate
// (its allocation would be released with the checkpoint's).
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let mut line = arena.line();
    let tmp = line.checkpoint();
    let outer = line.alloc(1u32);
    let inner = tmp.alloc(2u32);
    assert_eq!(*outer + *inner, 3);
}
