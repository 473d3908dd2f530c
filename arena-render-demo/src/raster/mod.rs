//! The scan-line rasterizer: the kernel (one path on one row) and the row walker (a scene's
//! ops on one row, its scratch from a [`Scratch`]).

mod kernel;
mod row;
mod scratch;

pub(crate) use kernel::touched_words;
pub use kernel::{ActiveEdge, Crossing, Span};
pub(crate) use row::draw_row;
pub use scratch::Scratch;
