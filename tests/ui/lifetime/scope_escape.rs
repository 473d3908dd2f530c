// Must fail: an allocation made in a scope cannot leave it; the scope's memory is reused after.
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let mut line = arena.line();
    let mut kept: &u64 = &0;
    line.scope(|tmp| {
        kept = tmp.alloc(5u64);
    });
    println!("{kept}");
}
