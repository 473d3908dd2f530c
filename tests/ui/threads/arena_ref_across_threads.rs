// Must fail: &ScanArena cannot cross threads; its statistics are Cells, ScanArena is not Sync.
use arena_core::ScanArena;

fn main() {
    let arena = ScanArena::with_capacity(256);
    std::thread::scope(|s| {
        s.spawn(|| arena.stats());
    });
}
