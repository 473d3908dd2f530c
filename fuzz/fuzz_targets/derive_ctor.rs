//! Derive-generated constructors with random input lengths against their `max`, in lines of
//! random capacity: an input within `max` is copied whole and takes at most `SCAN_BOUND`;
//! a longer one is `TooLong` naming the field; a line without room is `Full`; a failure never
//! takes any bytes.
#![no_main]

use arena_core::{ScanArena, ScanError, ScanLocal};
use libfuzzer_sys::fuzz_target;

#[derive(Clone, Copy, Debug, PartialEq, ScanLocal)]
struct Style {
    rgba: [u8; 4],
    width: f32,
}

#[derive(Debug, ScanLocal)]
struct Shape<'l> {
    #[scan(max = 24)]
    points: &'l [[f32; 2]],
    #[scan(max = 40)]
    name: &'l str,
    #[scan(child)]
    style: &'l Style,
    z: u16,
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&cap, rest)) = bytes.split_first() else {
        return;
    };
    let mut arena = ScanArena::with_capacity(usize::from(cap) * 8);
    let line = arena.line();
    for chunk in rest.chunks(3) {
        let &[points_len, name_len, z] = chunk else {
            break;
        };
        let points: Vec<[f32; 2]> = (0..points_len / 4).map(|i| [f32::from(i), 1.0]).collect();
        let name = "n".repeat(usize::from(name_len / 4));
        let style = Style {
            rgba: [z; 4],
            width: f32::from(z),
        };
        let before = line.used();
        match Shape::try_new_in(&line, &points, &name, style, u16::from(z)) {
            Ok(shape) => {
                assert!(points.len() <= 24 && name.len() <= 40);
                assert_eq!(shape.points, &points[..]);
                assert_eq!(shape.name, name);
                assert_eq!(*shape.style, style);
                assert!(line.used() - before <= <Shape<'_> as ScanLocal>::SCAN_BOUND);
            }
            Err(ScanError::TooLong { type_name, field, max, len }) => {
                assert_eq!(type_name, "Shape");
                let expected = if points.len() > 24 {
                    ("points", 24, points.len())
                } else {
                    ("name", 40, name.len())
                };
                assert_eq!((field, max, len), expected);
                assert_eq!(line.used(), before, "a rejected input took bytes");
            }
            Err(ScanError::Full(full)) => {
                assert!(points.len() <= 24 && name.len() <= 40);
                assert_eq!(full.line(), 0);
                assert_eq!(line.used(), before, "a failed constructor took bytes");
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }
});
