//! Doc tests for documents that belong to no single published crate: the workspace README
//! (the project page) and the derive's reference as `arena_core` users read it (re-exported
//! by `arena-core`). A published crate may only include files from its own folder, so these
//! run here. The cross-crate tests themselves are in `tests/`, the compile-fail suite in
//! `ui/`.

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

// The derive's examples must hold for `arena_core` users, through the re-export.
#[cfg(doctest)]
#[doc = include_str!("../../arena-derive/src/scan_local.md")]
mod derive_reference {}
