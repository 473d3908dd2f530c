// Must fail: without the `panicking` feature the panicking forms do not exist, so a call to
// one is a compile error, not a possible panic at run time.
use arena_core::StaticArena;

fn main() {
    let mut arena = StaticArena::<64>::new();
    let line = arena.line();
    let x = line.alloc(1u32);
    let xs = line.alloc_slice_copy(&[1u8, 2]);
    let it = line.alloc_iter(0..3u8);
    let s = line.alloc_fmt(format_args!("{x}"));
    let r = line.alloc_try_with(|| Ok::<u8, ()>(1));
    assert_eq!((xs.len(), it.len(), s.len(), r), (2, 3, 1, Ok(&mut 1)));
}
