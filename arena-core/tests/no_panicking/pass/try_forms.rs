// Must pass: without the `panicking` feature every `try_` form is there.
use arena_core::{ArenaFull, StaticArena};

fn main() -> Result<(), ArenaFull> {
    let mut arena = StaticArena::<256>::new();
    let mut line = arena.line();
    let x = line.try_alloc(1u32)?;
    let xs = line.try_alloc_slice_copy(&[1u8, 2])?;
    let it = line.try_alloc_iter(0..3u8)?;
    let s = line.try_alloc_fmt(format_args!("{x}"))?;
    assert_eq!((xs.len(), it.len(), s.len()), (2, 3, 1));
    let tmp = line.checkpoint();
    assert!(tmp.try_alloc_try_with(|| Err::<u8, _>("no")).is_err());
    drop(tmp);
    assert_eq!(line.used(), 64);
    Ok(())
}
