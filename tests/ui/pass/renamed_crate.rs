// Must pass: the derive under a renamed crate and #![no_implicit_prelude]: generated code uses
// only absolute paths. Also a field named `line`, which renames the line parameter.
#![no_implicit_prelude]

// Cargo cannot depend on one package under two names, so the rename happens here; the derive's
// unit tests check that no `arena_core` path is left in the output.
extern crate arena_core as renamed_arena;

#[derive(::renamed_arena::ScanLocal)]
#[scan(crate = "::renamed_arena", constructor = "alloc_in")]
pub struct Poly<'l, T: ::core::marker::Copy> {
    #[scan(max = 4)]
    pts: &'l [T],
    #[scan(max = 8)]
    name: &'l str,
    #[scan(child)]
    next: &'l ::core::option::Option<u8>,
    line: u32,
}

#[derive(::renamed_arena::ScanLocal)]
#[scan(crate = "::renamed_arena")]
enum Shape<'l> {
    Dot(u8),
    Poly(#[scan(child)] &'l Poly<'l, i16>),
}

fn main() {
    use ::renamed_arena::ScanLocal;
    let mut arena = ::renamed_arena::ScanArena::with_capacity(1024);
    let line = arena.line();
    let poly = Poly::alloc_in(&line, &[1i16, 2], "p", ::core::option::Option::Some(3), 9);
    ::std::assert_eq!(poly.pts, &[1, 2]);
    ::std::assert_eq!(poly.line, 9);
    let err = Poly::try_alloc_in(&line, &[0i16; 5], "p", ::core::option::Option::None, 0);
    ::std::assert!(err.is_err());
    let copy = Poly { ..*poly };
    let shape = Shape::new_poly_in(&line, copy);
    ::std::assert!(::core::matches!(shape, Shape::Poly(p) if p.line == 9));
    let dot = Shape::new_in(&line, Shape::Dot(1));
    ::std::assert!(::core::matches!(dot, Shape::Dot(1)));
    ::std::assert!(<Shape<'_> as ScanLocal>::SCAN_BOUND >= <Poly<'_, i16> as ScanLocal>::SCAN_BOUND);
}
