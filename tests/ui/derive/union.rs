// Must fail: unions are not supported, their bound depends on which field is live.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
union Bits {
    f: f32,
    u: u32,
}

fn main() {}
