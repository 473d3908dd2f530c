// Must fail: memory allocated through a checkpoint keeps its line borrowed, so the line cannot
// allocate over it after the checkpoint is dropped while that memory is still in use.
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let mut line = arena.line();
    let early = {
        let tmp = line.checkpoint();
        tmp.alloc(1u32)
    };
    let later = line.alloc(2u32);
    assert_eq!(*early + *later, 3);
}
