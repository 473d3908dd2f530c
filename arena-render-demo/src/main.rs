//! Scan-line SVG renderer demo.
#![forbid(unsafe_code)]

fn main() {}
