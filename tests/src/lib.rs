//! Cross-crate tests for arena-core, arena-derive and the demo; see `tests/`.
