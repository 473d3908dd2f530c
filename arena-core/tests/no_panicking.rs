//! Without the `panicking` feature the panicking forms do not exist: calls to `alloc`,
//! `alloc_slice_copy`, `alloc_iter`, `alloc_fmt`, `alloc_try_with` and a derived `new_in`
//! do not compile, while the `try_` forms and `try_new_in` do.
//!
//! A build test, not trybuild: this test binary's own arena-core has `panicking` on (the
//! dev-dependencies `arena-model` and `bench-workloads` enable it, and Cargo unifies
//! features), so the cases in `tests/no_panicking/` are built as a separate little crate
//! that depends on arena-core with default features off and `std`, `derive` on. It needs
//! only crates already in Cargo's cache (`--offline`) and caches its build in
//! `CARGO_TARGET_TMPDIR`.
#![cfg(not(any(miri, arena_asan)))]

use std::path::Path;
use std::process::Command;
use std::{env, fs};

/// Builds binary `case` of the check crate; returns whether it compiled, and rustc's output.
fn build(dir: &Path, case: &str) -> (bool, String) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--offline", "--quiet", "--bin", case])
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn panicking_forms_do_not_exist_without_the_feature() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-panicking");
    fs::create_dir_all(dir.join("src/bin")).unwrap();
    let cases = [
        "alloc_absent",
        "new_in_absent",
        "try_forms",
        "derived_try_new_in",
    ];
    let mut manifest = format!(
        "[package]\nname = \"no-panicking-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n# Its own workspace, not a member of arena-core's.\n[workspace]\n\n\
         [dependencies]\narena-core = {{ path = {root:?}, default-features = false, \
         features = [\"std\", \"derive\"] }}\n"
    );
    for case in cases {
        let src = ["tests/no_panicking", "tests/no_panicking/pass"]
            .iter()
            .map(|d| Path::new(root).join(d).join(format!("{case}.rs")))
            .find(|p| p.exists())
            .unwrap();
        fs::copy(&src, dir.join(format!("src/bin/{case}.rs"))).unwrap();
        manifest += &format!("\n[[bin]]\nname = \"{case}\"\npath = \"src/bin/{case}.rs\"\n");
    }
    fs::write(dir.join("Cargo.toml"), manifest).unwrap();

    for case in ["try_forms", "derived_try_new_in"] {
        let (ok, stderr) = build(&dir, case);
        assert!(ok, "{case} must build without `panicking`:\n{stderr}");
    }
    let (ok, stderr) = build(&dir, "alloc_absent");
    assert!(
        !ok,
        "alloc_absent built although the panicking forms should not exist"
    );
    for method in [
        "alloc",
        "alloc_slice_copy",
        "alloc_iter",
        "alloc_fmt",
        "alloc_try_with",
    ] {
        // rustc 1.89 names the type `Line`, newer ones `Line<'a>`: match the common prefix.
        let error = format!("no method named `{method}` found for struct `Line");
        assert!(
            stderr.contains(&error),
            "expected \"{error}\" in:\n{stderr}"
        );
    }
    let (ok, stderr) = build(&dir, "new_in_absent");
    assert!(
        !ok,
        "new_in_absent built although a derived new_in should not exist"
    );
    // Wording differs between compilers ("no function or associated item named", "no
    // associated function or constant named"): match what they share.
    let error = "named `new_in` found for struct `Span";
    assert!(stderr.contains(error), "expected \"{error}\" in:\n{stderr}");
}
