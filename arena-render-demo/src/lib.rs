//! A scan-line SVG renderer whose per-line memory comes only from `arena-core`.
//!
//! usvg parses the SVG; [`Scene::build`] turns it into a scene index on the heap (strokes
//! become fill paths with tiny-skia-path's stroker, curves are flattened in device space,
//! and every edge is filed under the rows it touches); [`Scene::render`] renders the rows in
//! parallel with rayon, one [`ScanArena`](arena_core::ScanArena) per worker thread, sized up
//! front by [`Scene::budget`] from the scene's parameters and the render structs'
//! [`ScanLocal`](arena_core::ScanLocal) bounds. Everything a row needs beyond the scene
//! (active edges, crossings, spans, coverage, group layers) comes from that row's
//! [`Line`](arena_core::Line), and nothing survives the row.
//!
//! ```
//! use arena_render_demo::{Comparison, RenderOptions, Scene, load, render_reference};
//!
//! let svg = load::parse(br#"<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">
//!     <circle cx="16" cy="16" r="10" fill="teal" fill-opacity="0.5"/></svg>"#)?;
//! let options = RenderOptions::default();
//! let scene = Scene::build(&svg.tree, &options)?;
//! let (image, use_) = scene.render(2)?;
//! assert!(use_.peak <= use_.budget);
//!
//! let geometry = arena_render_demo::Geometry::of(&svg.tree, &options)?;
//! let reference = render_reference(&svg.tree, &geometry, &options);
//! assert!(Comparison::of(&image, &reference).passes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Supported: paths and shapes, solid fills and strokes (every join and cap, dashes), fill
//! and stroke opacity, both fill rules, transforms, and group opacity (each group with
//! opacity below one is drawn into a layer row of its own in the arena and composited, as
//! resvg does). Gradients, patterns, clip paths, masks, filters, blend modes, images and text
//! are reported by [`Scene::unsupported`] and skipped. Files with coordinates or radii beyond
//! [`load::MAX_COORDINATE`] user units are refused with an error before usvg parses them:
//! usvg would turn their arcs into more curves than memory or time allow.
#![forbid(unsafe_code)]

pub mod baseline;
mod image;
pub mod load;
pub mod race;
mod raster;
mod scene;
#[cfg(feature = "vello")]
pub mod vello;

pub use image::{Comparison, Image, render_reference};
pub use raster::{
    ActiveEdge, CLEAR, Crossing, LineUse, OverBudget, Paint, Pixel, RenderError, Span,
};
pub use scene::{
    FillRule, Geometry, MAX_DIMENSION, RenderOptions, SUB_SCANLINES, Scene, SceneError, SceneParams,
};
