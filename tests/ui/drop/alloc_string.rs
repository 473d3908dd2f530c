// Must fail: allocating a type with drop glue; the arena would leak it, never running drop.
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    let name = line.alloc(String::from("edge"));
    name.push('!');
}
