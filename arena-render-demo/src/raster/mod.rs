//! The scan-line rasterizer: the kernel (one path on one row: `kernel` drives it, `crossing`
//! turns edges into crossings and spans, `pattern` finds the spans of a row whose crossings
//! keep their order once for all its sub-scanlines, `coverage` turns spans into coverage
//! runs and composites them) and the row (`row` sets it up, its scratch from a [`Scratch`];
//! `walker` draws a scene's ops onto it).

mod coverage;
mod crossing;
mod kernel;
mod pattern;
mod row;
mod scratch;
mod walker;

pub(crate) use coverage::touched_words;
pub use crossing::{ActiveEdge, Crossing, Span};
pub(crate) use row::draw_row;
pub use scratch::Scratch;
