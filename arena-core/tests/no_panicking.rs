//! Without the `panicking` feature the panicking forms do not exist: calls to `alloc`,
//! `alloc_slice_copy`, `alloc_iter`, `alloc_fmt`, `alloc_try_with` and a derived `new_in`
//! do not compile, while the `try_` forms (and `try_new_in`) do. Run with
//! `cargo test -p arena-core --no-default-features --features std,derive --test no_panicking`.
//!
//! The `.stderr` files are tied to rustc 1.95, as the workspace's compile-fail suite is;
//! another compiler skips the test with the reason.
#![cfg(not(feature = "panicking"))]

use std::process::Command;

#[test]
fn panicking_forms_do_not_exist() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if !version.starts_with("rustc 1.95.") {
        eprintln!("skipped: the .stderr files are blessed with rustc 1.95, this is {version}");
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/no_panicking/alloc_absent.rs");
    t.pass("tests/no_panicking/pass/try_forms.rs");
    if cfg!(feature = "derive") {
        t.compile_fail("tests/no_panicking/new_in_absent.rs");
        t.pass("tests/no_panicking/pass/derived_try_new_in.rs");
    }
}
