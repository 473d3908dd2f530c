//! The compile-fail suite: every rejection of `#[derive(ScanLocal)]` and the core guarantees
//! of the arena (lifetimes, threads, drop glue, budget overflow), each with a reviewed
//! `.stderr`, plus pass cases that also make trybuild build (not just check) everything, so
//! errors raised after monomorphization are caught.
//!
//! The `.stderr` files are tied to rustc 1.95 (see `build.rs`); with another compiler the
//! test is ignored. Re-bless with `TRYBUILD=overwrite cargo test -p arena-tests --test ui`
//! and read every changed file before committing it.

#[test]
#[cfg_attr(
    not(ui_blessed_rustc),
    ignore = "the .stderr files are blessed with rustc 1.95; other compilers word errors differently"
)]
#[cfg_attr(
    arena_asan,
    ignore = "compile-fail cases have no run time to sanitize, and trybuild would rebuild every \
              dependency with the sanitizer"
)]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/derive/*.rs");
    t.compile_fail("ui/lifetime/*.rs");
    t.compile_fail("ui/threads/*.rs");
    t.compile_fail("ui/drop/*.rs");
    t.compile_fail("ui/budget/*.rs");
    t.compile_fail("ui/line_vec/*.rs");
    t.pass("ui/pass/*.rs");
}
