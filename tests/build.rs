//! Tells the compile-fail suite whether this compiler is the one its `.stderr` files were
//! blessed with: rustc's wording changes between releases, so another compiler skips the
//! suite (reported as ignored, with the reason) instead of failing on wording.

use std::env;
use std::process::Command;

/// The release the `.stderr` files under `ui/` were blessed and reviewed with.
const BLESSED: &str = "rustc 1.95.";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(ui_blessed_rustc)");
    println!("cargo::rerun-if-changed=build.rs");
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .unwrap_or_default();
    if version.starts_with(BLESSED) {
        println!("cargo::rustc-cfg=ui_blessed_rustc");
    }
}
