// Must fail: a type that implements Drop cannot be ScanLocal, the arena never runs its drop.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Handle {
    id: u32,
}

impl Drop for Handle {
    fn drop(&mut self) {}
}

fn main() {}
