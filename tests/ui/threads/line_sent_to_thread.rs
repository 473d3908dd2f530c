// Must fail: a Line is not Send either; moving it away would race with the arena's owner.
use arena_core::ScanArena;

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    std::thread::scope(|s| {
        s.spawn(move || {
            line.alloc(1u8);
        });
    });
}
