// Must fail: a line reference cannot be stored in a 'static place; the line ends first.
use arena_core::ScanArena;
use std::sync::Mutex;

static LAST: Mutex<Option<&'static u32>> = Mutex::new(None);

fn main() {
    let mut arena = ScanArena::with_capacity(256);
    let line = arena.line();
    let value = line.alloc(7u32);
    *LAST.lock().unwrap() = Some(value);
}
