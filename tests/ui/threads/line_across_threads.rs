// Must fail: a Line is not Sync (its bump pointer is a Cell), so threads cannot share one.
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    std::thread::scope(|s| {
        s.spawn(|| line.alloc(1u8));
        s.spawn(|| line.alloc(2u8));
    });
}
