// Must fail: an enum variant holding a Box has drop glue; the error names the variant field.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
enum Paint {
    Solid(u32),
    Pattern { pixels: Box<[u8]> },
}

fn main() {}
