// Must pass: generic structs; foreign Copy types inline need no ScanLocal impl.
use arena_core::{ScanArena, ScanLocal, slice_bound, slot_bound};
use core::num::NonZeroU32;
use core::time::Duration;

#[derive(Clone, Copy, ScanLocal)]
struct Tagged<T, const N: usize> {
    tag: [u8; N],
    value: T,
}

#[derive(ScanLocal)]
pub struct Path<'l, P>
where
    P: Copy,
{
    #[scan(max = 4)]
    points: &'l [P],
    #[scan(child)]
    first: &'l Tagged<P, 2>,
    id: NonZeroU32,
}

fn main() {
    // Foreign `Duration` has no ScanLocal impl; inline it needs none.
    type T3 = Tagged<Duration, 3>;
    assert_eq!(T3::SCAN_BOUND, slot_bound::<T3>());
    assert_eq!(
        Path::<Duration>::SCAN_BOUND,
        slot_bound::<Path<'_, Duration>>()
            + slice_bound::<Duration>(4).unwrap()
            + slot_bound::<Tagged<Duration, 2>>()
    );

    let mut arena = ScanArena::with_capacity(1024);
    let line = arena.line();
    let second = Duration::from_millis(2);
    let tagged = Tagged::new_in(&line, [1, 2, 3], second);
    assert_eq!(tagged.value, second);
    let id = NonZeroU32::new(7).unwrap();
    let first = Tagged { tag: [9; 2], value: 1.5f64 };
    let path = Path::new_in(&line, &[0.5, 1.5, 2.5], first, id);
    assert_eq!(path.points, &[0.5, 1.5, 2.5]);
    assert_eq!(path.first.tag, [9, 9]);
    assert_eq!(path.id.get(), 7);
    assert!(Path::try_new_in(&line, &[0u8; 5], Tagged { tag: [0; 2], value: 0 }, id).is_err());
}
