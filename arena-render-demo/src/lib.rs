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
//! onto its parent with tiny-skia's formulas), and patterns (each tile is a scene of its
//! own, rendered once per image on the heap before any row, and sampled bilinearly per
//! pixel into the span's colour row; all tiles together are limited to
//! [`MAX_TILE_PIXELS`]). Text (usvg lays it out with the [`fonts::Fonts`] it is given and
//! turns it into paths). Images: PNG, JPEG, GIF and WebP, embedded or linked, decoded once
//! per scene with the decoders resvg uses (an image declaring more than
//! [`MAX_IMAGE_PIXELS`] is refused before it is decoded, and all of a scene's together are
//! limited to [`MAX_SCENE_IMAGE_PIXELS`]) and sampled per pixel as resvg
//! samples them (`image-rendering`); SVG images are drawn as part of the scene, nested up
//! to [`MAX_IMAGE_DEPTH`] deep. `shape-rendering="crispEdges"` draws without anti-aliasing,
//! and strokes a pixel wide or less are hairlines, as in resvg. Filters are reported by
//! [`Scene::unsupported`] and skipped. Files with coordinates or radii beyond
//! [`load::MAX_COORDINATE`] user units are refused with an error before usvg parses them:
//! usvg would turn their arcs into more curves than memory or time allow. So are files with
//! an image usvg would drop without a word (a format it does not read, a header without a
//! size, an SVG image that does not parse, a missing linked file), and files that load more
//! than [`MAX_IMAGE_LOADS`] images or [`MAX_IMAGE_BYTES`] of image data while they are
//! parsed ([`load::ImageError`]).
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
//! - [`load`] and [`fonts`]: reading SVG files and the fonts for their text (beside the rest:
//!   they only use usvg).
#![forbid(unsafe_code)]

pub mod baseline;
pub mod fonts;
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
mod wide;

pub use image::{Comparison, Image, render_reference};
pub use options::{
    Geometry, MAX_DIMENSION, MAX_IMAGE_ASPECT, MAX_IMAGE_BYTES, MAX_IMAGE_DEPTH, MAX_IMAGE_LOADS,
    MAX_IMAGE_PIXELS, MAX_PIXELS_PER_BYTE, MAX_SCENE_IMAGE_PIXELS, OverBudget, RenderError,
    RenderOptions, SPARSE_IMAGE_FLOOR, SUB_SCANLINES, SceneError,
};
pub use paint::Tile;
pub use pixel::{CLEAR, Paint, Pixel};
pub use raster::{ActiveEdge, Crossing, Scratch, Span};
pub use render::{LineUse, PARALLEL_WORK, Renderer, line_budget, render_tiles};
pub use scene::{FillRule, MAX_TILE_PIXELS, PixelBounds, Scene, SceneParams};

/// A xorshift32 generator for the unit tests' random cases: deterministic, so a failing
/// case reproduces, and free of a dependency.
#[cfg(test)]
fn xorshift(mut seed: u32) -> impl FnMut() -> u32 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    }
}
