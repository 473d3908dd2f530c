// Must fail: a value from one line is used after `line()` begins the next (and reuses it).
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let first = arena.line().alloc(1.5f32);
    let _second = arena.line();
    println!("{first}");
}
