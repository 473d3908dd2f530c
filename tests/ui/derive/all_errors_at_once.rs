// Must fail: every attribute mistake is reported in one compile, each at its own token.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
#[scan(crate = "not a path")]
struct Poly<'l> {
    #[scan(max = 0)]
    points: &'l [u16],
    name: &'l str,
    #[scan(child, borrowed)]
    next: &'l u8,
}

fn main() {}
