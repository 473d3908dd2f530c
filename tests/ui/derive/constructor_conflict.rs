// Must fail: naming a constructor and turning constructors off contradict each other.
use arena_core::ScanLocal;

#[derive(ScanLocal)]
#[scan(constructor = "make", no_constructor)]
struct Span {
    x0: u16,
    x1: u16,
}

fn main() {}
