// Must fail: a generic type's worst case is checked for each type its constructor is used
// with; here 2^30 elements of a 2^40-byte `T` overflow usize.
use arena_core::{ScanArena, ScanLocal};

const LONG: usize = 1 << 30;

#[derive(ScanLocal)]
struct Row<'l, T: Copy> {
    #[scan(max = LONG)]
    items: &'l [T],
}

fn main() {
    let mut arena = ScanArena::with_capacity(64);
    let line = arena.line();
    let _ = Row::<[u64; 1 << 37]>::try_new_in(&line, &[]);
}
