//! The bottom floor: how to render (options, limits), the output geometry, and every error
//! the renderer reports. Nothing here imports from the rest of the crate.

use std::fmt;

use arena_core::{ArenaFull, BudgetOverflow};
use tiny_skia_path::Transform;

/// Largest output width or height in pixels; also the upper limit of `--size`.
pub const MAX_DIMENSION: u32 = 16384;

/// The most pixels an embedded or linked raster image may declare (64 Mi, 256 MiB decoded):
/// an image whose header asks for more is refused before its pixels are allocated.
pub const MAX_IMAGE_PIXELS: u64 = 1 << 26;

/// The most one side of a raster image may be longer than the other (4096:1). usvg lays an
/// image out by scaling it into its box keeping the aspect ratio and panics (an `unwrap` in
/// tiny-skia-path's `Size::to_non_zero_rect`) when the short side comes out below the
/// precision of the box's position; no real image comes near this ratio.
pub const MAX_IMAGE_ASPECT: u64 = 1 << 12;

/// The most pixels a raster image may declare per byte of its data, beyond the first
/// [`SPARSE_IMAGE_FLOOR`]: zune-jpeg fills in what a JPEG's data does not reach (as resvg
/// draws it), so a header asking for 16 million pixels over 700 bytes took seconds to decode.
/// Real images stay far below (photos a few pixels per byte, flat drawings a few hundred).
pub const MAX_PIXELS_PER_BYTE: u64 = 1024;

/// The pixels any raster image may declare whatever its data size (1 Mi).
pub const SPARSE_IMAGE_FLOOR: u64 = 1 << 20;

/// The most pixels the raster images of one scene may decode to together (128 Mi, 512 MiB
/// decoded): every `<image>` is decoded on its own, an image drawn many times (by `<use>` or
/// in a pattern) once per drawing, so each image's limit alone does not bound the scene.
pub const MAX_SCENE_IMAGE_PIXELS: u64 = 2 * MAX_IMAGE_PIXELS;

/// The most images one SVG file may load while it is parsed: usvg loads an image again for
/// every `<use>` of it, and an SVG image's own images with it, so a small file can ask for
/// millions of loads.
pub const MAX_IMAGE_LOADS: usize = 1024;

/// The most bytes of image data one SVG file may load while it is parsed (256 MiB), each
/// load counted (a data URL is decoded into its own copy every time it is loaded).
pub const MAX_IMAGE_BYTES: u64 = 256 << 20;

/// Nested SVG images (an SVG image in an SVG image ...) drawn at most; deeper ones are
/// skipped and named as unsupported.
pub const MAX_IMAGE_DEPTH: usize = 8;

/// Sub-scanlines per pixel row when anti-aliasing (each one sampled at its centre; the
/// horizontal coverage of every span is exact).
pub const SUB_SCANLINES: u32 = 4;

/// How to turn an SVG into pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RenderOptions {
    /// Fit the image into a `size` x `size` box (keeping the aspect ratio); `None` keeps the
    /// SVG's own size.
    pub size: Option<u32>,
    /// Extra device-space translation in pixels. Zero for real output; the tests set it to
    /// half a pixel to prove that the check against resvg catches a misplaced image.
    pub offset: (f32, f32),
    /// `false` renders aliased (one sample per pixel); the tests use it to prove that the
    /// check against resvg catches a renderer without anti-aliasing.
    pub antialias: bool,
    /// `true` draws strokes a pixel wide or less as hairlines, as resvg does; `false` draws
    /// them at their true width (the tests use it to prove that the check against resvg
    /// catches a renderer that loses thin lines between its sub-scanlines).
    pub hairlines: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            size: None,
            offset: (0.0, 0.0),
            antialias: true,
            hairlines: true,
        }
    }
}

impl RenderOptions {
    /// Sub-scanlines per pixel row: [`SUB_SCANLINES`] when anti-aliasing, else one.
    pub fn sub_scanlines(&self) -> u32 {
        if self.antialias { SUB_SCANLINES } else { 1 }
    }
}

/// The output size and the scale from SVG user units to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels per SVG unit.
    pub scale: f32,
}

impl Geometry {
    /// The pixel size of `tree` under `options`.
    pub fn of(tree: &usvg::Tree, options: &RenderOptions) -> Result<Geometry, SceneError> {
        let size = tree.size();
        let (w, h) = (size.width(), size.height());
        let (scale, limit) = match options.size {
            Some(s) if s == 0 || s > MAX_DIMENSION => return Err(SceneError::BadSize(s)),
            Some(s) => (s as f32 / w.max(h), s as f32),
            None => (1.0, 1e9),
        };
        // usvg guarantees a positive, finite size; the clamp keeps absurd sizes countable.
        // With `--size`, the box is a hard limit: `w * (s / w)` can round to just above `s`
        // (180 * (48 / 180) = 48.000004), and `ceil` would make that one pixel too many.
        let width = (w * scale).ceil().clamp(1.0, limit) as u32;
        let height = (h * scale).ceil().clamp(1.0, limit) as u32;
        if width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(SceneError::TooLarge { width, height });
        }
        Ok(Geometry {
            width,
            height,
            scale,
        })
    }

    /// The device transform both renderers use (before any per-node transform).
    pub fn transform(&self, options: &RenderOptions) -> Transform {
        Transform::from_scale(self.scale, self.scale)
            .post_translate(options.offset.0, options.offset.1)
    }
}

/// Why a scene could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SceneError {
    /// An image's header declares more than [`MAX_IMAGE_PIXELS`] pixels (or none).
    ImageTooLarge {
        /// PNG, JPEG, GIF or WebP.
        format: &'static str,
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The scene's raster images together decode to more than [`MAX_SCENE_IMAGE_PIXELS`]
    /// pixels.
    ImagesTooLarge {
        /// The declared pixels of the image that did not fit.
        pixels: u64,
        /// What the scene's images could still decode when it came.
        left: u64,
    },
    /// An image's data cannot be decoded.
    BrokenImage {
        /// PNG, JPEG, GIF or WebP.
        format: &'static str,
        /// What the decoder reported.
        reason: String,
    },
    /// `--size` outside `1..=MAX_DIMENSION`.
    BadSize(u32),
    /// The SVG's own size is too large to render without `--size`.
    TooLarge {
        /// Width the SVG asks for.
        width: u32,
        /// Height the SVG asks for.
        height: u32,
    },
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SceneError::ImageTooLarge {
                format,
                width,
                height,
            } => write!(
                f,
                "a {format} image declares {width}x{height} pixels, outside the 1 to \
                 {MAX_IMAGE_PIXELS} pixels this renderer decodes; scale the image down"
            ),
            SceneError::ImagesTooLarge { pixels, left } => write!(
                f,
                "the images together decode to more than the {MAX_SCENE_IMAGE_PIXELS} pixels \
                 this renderer decodes for one SVG (an image of {pixels} pixels came with \
                 {left} left; an image drawn several times, by <use> or in a pattern, counts \
                 each time); use fewer or smaller images"
            ),
            SceneError::BrokenImage { format, reason } => write!(
                f,
                "a {format} image cannot be decoded ({reason}); fix or replace the image"
            ),
            SceneError::BadSize(size) => write!(
                f,
                "--size {size} is out of range: give a size from 1 to {MAX_DIMENSION} pixels"
            ),
            SceneError::TooLarge { width, height } => write!(
                f,
                "the SVG is {width}x{height} pixels, larger than {MAX_DIMENSION}; pass --size \
                 to scale it down"
            ),
        }
    }
}

impl std::error::Error for SceneError {}

/// A scan-line needed more memory than its budget: a bug in the budget computation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverBudget {
    /// The pixel row (0 at the top).
    pub row: u32,
    /// What the arena reported.
    pub full: ArenaFull,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "scan-line {} exceeded its computed arena budget ({}); this is a bug in the \
             budget computation, please report it with the SVG",
            self.row, self.full
        )
    }
}

impl std::error::Error for OverBudget {}

/// Why rendering failed.
#[derive(Debug)]
pub enum RenderError {
    /// A line exceeded the budget.
    OverBudget(OverBudget),
    /// The budget does not fit in memory arithmetic.
    Budget(BudgetOverflow),
    /// The per-worker arena could not be allocated.
    Buffer(arena_core::BufferError),
    /// The thread pool could not be built.
    Threads(rayon::ThreadPoolBuildError),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::OverBudget(e) => e.fmt(f),
            RenderError::Budget(e) => e.fmt(f),
            RenderError::Buffer(e) => e.fmt(f),
            RenderError::Threads(e) => write!(f, "could not start worker threads: {e}"),
        }
    }
}

impl std::error::Error for RenderError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_fits_the_longer_side_and_rejects_bad_sizes() {
        let t = usvg::Tree::from_str(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"/>"#,
            &usvg::Options::default(),
        )
        .unwrap();
        let fit = |size| {
            Geometry::of(
                &t,
                &RenderOptions {
                    size,
                    ..RenderOptions::default()
                },
            )
        };
        let g = fit(Some(64)).unwrap();
        assert_eq!((g.width, g.height, g.scale), (64, 32, 0.32));
        assert_eq!(fit(None).unwrap().width, 200);
        assert_eq!(fit(Some(0)), Err(SceneError::BadSize(0)));
        assert_eq!(
            fit(Some(MAX_DIMENSION + 1)),
            Err(SceneError::BadSize(16385))
        );
    }
}
