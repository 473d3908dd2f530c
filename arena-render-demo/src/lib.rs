//! A scan-line SVG renderer whose per-line memory comes only from `arena-core`.
//!
//! usvg parses the SVG; [`Scene::build`] turns it into a scene index on the heap (strokes
//! become fill paths with tiny-skia-path's stroker, curves are flattened in device space,
//! and every edge is filed under the rows it touches); a [`Renderer`] renders the rows in
//! parallel with rayon over an [`arena_core::LinePool`] (one
//! [`ScanArena`](arena_core::ScanArena) per worker thread), sized up front by [`line_budget`] from the scene's parameters and the render structs'
//! [`ScanLocal`](arena_core::ScanLocal) bounds. Everything a row needs beyond the scene
//! (active edges, crossings, spans, coverage, group layers) comes from that row's
//! [`Line`](arena_core::Line), and nothing survives the row.
//!
//! ```
//! use arena_render_demo::{Comparison, Renderer, RenderOptions, Scene, load, render_reference};
//!
//! let svg = load::parse(br#"<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">
//!     <circle cx="16" cy="16" r="10" fill="teal" fill-opacity="0.5"/></svg>"#)?;
//! let options = RenderOptions::default();
//! let scene = Scene::build(&svg.tree, &options)?;
//! let (image, use_) = Renderer::new(&scene)?.render(2)?;
//! assert!(use_.peak <= use_.budget);
//!
//! let geometry = arena_render_demo::Geometry::of(&svg.tree, &options)?;
//! let reference = render_reference(&svg.tree, &geometry, &options);
//! assert!(Comparison::of(&image, &reference).passes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Supported: paths and shapes, fills and strokes (every join and cap, dashes) with solid
//! colours or linear and radial gradients (every spread method, both unit systems, gradient
//! transforms, stop opacity, focal point and radius; each span's colours are computed into a
//! row of the arena), fill and stroke opacity, both fill rules, transforms, group opacity
//! (each group with opacity below one is drawn into a layer row of its own in the arena and
//! composited, as resvg does), and clip paths (nested, `clip-rule`, `clipPathUnits`, a clip
//! path on a clip path, and the viewport clips usvg makes for nested `<svg>`, `<symbol>`,
//! `<use>` and markers: the clip's coverage is drawn into a row of its own in the arena and
//! multiplies the clipped group's layer), and masks (luminance and alpha, `maskUnits`,
//! `maskContentUnits`, a mask on a mask: the mask's content is drawn into a row of its own,
//! clipped to the mask's rectangle, and its luminance or alpha multiplies the layer).
//! Every `mix-blend-mode` and `isolation` (a blended or isolated group is a layer, blended
//! onto its parent with tiny-skia's formulas). Patterns, filters, images and text are
//! reported by [`Scene::unsupported`] and skipped. Files with coordinates or radii beyond
//! [`load::MAX_COORDINATE`] user units are refused with an error before usvg parses them:
//! usvg would turn their arcs into more curves than memory or time allow.
//!
//! # Modules, bottom floor first
//!
//! Each module imports only from those above it in this list, so there are no cycles:
//!
//! - `options`: [`RenderOptions`], [`Geometry`], limits and every error type;
//! - `pixel`: premultiplied [`Pixel`]s and source-over compositing;
//! - `paint`: what colours a span: solid colours and shaders (gradients), built once per
//!   scene;
//! - `scene`: the read-only [`Scene`] every row shares (its usvg walk, curve flattening and
//!   row index in files of their own);
//! - `raster`: the kernel (one path on one row) and the row walker, generic over its
//!   [`Scratch`] memory;
//! - `image`: [`Image`], PNG output and the comparison with resvg;
//! - `render`: the line budget and the [`Renderer`]; [`baseline`] plugs `Vec`s into the
//!   same row walker;
//! - [`load`]: reading SVG files (beside the rest: it only uses usvg).
#![forbid(unsafe_code)]

pub mod baseline;
mod image;
pub mod load;
mod options;
mod paint;
mod pixel;
pub mod race;
mod raster;
mod render;
mod scene;
#[cfg(feature = "vello")]
pub mod vello;

pub use image::{Comparison, Image, render_reference};
pub use options::{
    Geometry, MAX_DIMENSION, OverBudget, RenderError, RenderOptions, SUB_SCANLINES, SceneError,
};
pub use pixel::{CLEAR, Paint, Pixel};
pub use raster::{ActiveEdge, Crossing, Scratch, Span};
pub use render::{LineUse, Renderer, line_budget};
pub use scene::{FillRule, PixelBounds, Scene, SceneParams};
