// Must fail: a `&str` field needs `#[scan(max = N)]` (bytes) or `#[scan(borrowed)]`.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
struct Label<'l>(f32, &'l str);

fn main() {}
