// Must fail: a generic field instantiated with Vec has drop glue, found when the bound is used.
use arena_core::{Budget, ScanLocal, budget};

#[derive(ScanLocal)]
struct Cell<T> {
    value: T,
}

const LINE: Budget = budget!(Cell<Vec<u8>> * 4);

fn main() {
    let _ = LINE;
}
