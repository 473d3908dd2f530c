// Must fail: a budget that overflows usize is a compile error in const context, not a wrap.
use arena_core::{Budget, budget};

const B: Budget = budget!(u64 * usize::MAX);

fn main() {
    println!("{}", B.bytes());
}
