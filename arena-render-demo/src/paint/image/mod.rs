//! Raster images as a shader: a decoded image (premultiplied RGBA8, on the heap, decoded
//! once per scene) sampled per pixel through the inverse of its device transform, as
//! tiny-skia samples the pattern resvg fills an image's rectangle with (pad spread,
//! nearest, bilinear or bicubic filtering).
//!
//! The work per pixel is mostly the weighted sum: the source is converted to `f32` once per
//! scene, and when the image is not rotated or skewed (a pixel's image x then depends only
//! on its device column, its image y only on its device row) a span's row taps (clamped
//! source rows and filter weights) are computed once for the span, and every column's taps
//! once per scene, within a memory budget per scene ([`MAX_COLUMN_TAPS`]).

mod sample;

use std::ops::Range;
use std::sync::Arc;

use tiny_skia_path::Transform;

use super::floor;
use crate::pixel::Pixel;
use sample::{MAX_UNIT_TEXELS, Taps, Texel, filtered};

/// A decoded raster image.
///
/// Invariant: `pixels.len() == width * height`, premultiplied; `width` and `height` are
/// positive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Raster {
    width: u32,
    height: u32,
    pixels: Vec<Pixel>,
}

impl Raster {
    /// An image of `width` x `height` premultiplied pixels, row by row; `None` unless the
    /// sizes agree and are positive.
    pub(crate) fn new(width: u32, height: u32, pixels: Vec<Pixel>) -> Option<Raster> {
        let fits = width > 0 && height > 0 && pixels.len() == width as usize * height as usize;
        fits.then_some(Raster {
            width,
            height,
            pixels,
        })
    }

    /// Width in pixels.
    pub(crate) fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub(crate) fn height(&self) -> u32 {
        self.height
    }
}

/// How an image is filtered (`image-rendering`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// The nearest pixel (`optimizeSpeed`, `pixelated`, `crisp-edges`).
    Nearest,
    /// Bilinear (`smooth`).
    Bilinear,
    /// Bicubic (`optimizeQuality`, the default, and `high-quality`).
    Bicubic,
}

impl Filter {
    /// The filter resvg uses for `mode`.
    pub(crate) fn of(mode: usvg::ImageRendering) -> Filter {
        use usvg::ImageRendering as R;
        match mode {
            R::OptimizeQuality | R::HighQuality => Filter::Bicubic,
            R::Smooth => Filter::Bilinear,
            R::OptimizeSpeed | R::CrispEdges | R::Pixelated => Filter::Nearest,
        }
    }
}

/// Column taps the images of one scene may keep (32 bytes each: 32 MiB at most), so that a
/// file repeating an image many times cannot make them take memory out of proportion to
/// its content; images beyond it compute their column taps per pixel (the same values).
pub(crate) const MAX_COLUMN_TAPS: usize = 1 << 20;

/// An image placed on the canvas: device pixels map to image pixels through `inverse`.
///
/// Invariant: `inverse` is the inverse of the image's device transform; `filter` is
/// already reduced as tiny-skia reduces it (nearest for a translation); `unit` is empty or
/// `raster`'s pixels as [`Texel::unit`] gives them; `level` says that `inverse` neither
/// rotates nor skews; `columns[i]`, if any, are the x taps of device column `left + i` of a
/// level image, computed as for a single pixel.
#[derive(Clone, Debug)]
pub(crate) struct ImageShader {
    raster: Arc<Raster>,
    unit: Vec<[f32; 4]>,
    inverse: Transform,
    filter: Filter,
    level: bool,
    left: usize,
    columns: Vec<Taps>,
}

impl ImageShader {
    /// `raster` drawn at (0, 0) to (width, height) under `to_device`; `None` when that
    /// transform cannot be inverted (the image draws nothing). `columns` is the canvas
    /// width and the column taps the scene may still keep, which this image's table (if
    /// any) takes from.
    pub(crate) fn new(
        raster: Arc<Raster>,
        to_device: Transform,
        filter: Filter,
        (canvas_width, taps_left): (u32, &mut usize),
    ) -> Option<ImageShader> {
        let inverse = to_device.invert()?;
        // As tiny-skia: a translation needs no filtering.
        let filter = if inverse.is_identity() || inverse.is_translate() {
            Filter::Nearest
        } else {
            filter
        };
        let unit = if filter != Filter::Nearest && raster.pixels.len() <= MAX_UNIT_TEXELS {
            raster.pixels.iter().map(|p| p.unit()).collect()
        } else {
            Vec::new()
        };
        let level = inverse.kx == 0.0 && inverse.ky == 0.0;
        let mut shader = ImageShader {
            raster,
            unit,
            inverse,
            filter,
            level,
            left: 0,
            columns: Vec::new(),
        };
        let columns = level
            .then(|| shader.device_columns(to_device, canvas_width))
            .flatten()
            .filter(|xs| xs.len() <= *taps_left);
        if let Some(xs) = columns {
            *taps_left -= xs.len();
            shader.left = xs.start;
            // The same arithmetic as the per-pixel path of `shade_filtered`.
            shader.columns = xs
                .map(|x| {
                    let (u, _) = image_point(inverse, x, 0);
                    Taps::at(filter, u, shader.raster.width)
                })
                .collect();
        }
        Some(shader)
    }

    /// The device columns the image's rectangle touches (within a canvas `width` wide),
    /// with one more either side for the rounding of its edges; `None` if its bounds are
    /// not finite.
    fn device_columns(&self, to_device: Transform, width: u32) -> Option<Range<usize>> {
        let (w, h) = (self.raster.width as f32, self.raster.height as f32);
        let bounds = tiny_skia_path::Rect::from_xywh(0.0, 0.0, w, h)?.transform(to_device)?;
        let lo = (floor(bounds.left()) - 1.0).clamp(0.0, width as f32) as usize;
        let hi = (floor(bounds.right()) + 2.0).clamp(0.0, width as f32) as usize;
        Some(lo..hi.max(lo))
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`.
    #[inline(always)]
    pub(crate) fn shade_row(&self, y: u32, x0: usize, out: &mut [Pixel]) {
        let rgba8 = &self.raster.pixels[..];
        match (self.filter, self.unit.is_empty()) {
            (Filter::Nearest, _) => self.shade_filtered::<1, _>(rgba8, y, x0, out),
            (Filter::Bilinear, true) => self.shade_filtered::<2, _>(rgba8, y, x0, out),
            (Filter::Bilinear, false) => self.shade_filtered::<2, _>(&self.unit, y, x0, out),
            (Filter::Bicubic, true) => self.shade_filtered::<4, _>(rgba8, y, x0, out),
            (Filter::Bicubic, false) => self.shade_filtered::<4, _>(&self.unit, y, x0, out),
        }
    }

    /// The row for a filter of `N` x `N` taps.
    #[inline(always)]
    fn shade_filtered<const N: usize, T: Texel>(
        &self,
        texels: &[T],
        y: u32,
        x0: usize,
        out: &mut [Pixel],
    ) {
        let (width, height) = (self.raster.width, self.raster.height);
        let rows = |ty: &Taps| -> [&[T]; N] {
            std::array::from_fn(|j| {
                &texels[ty.index[j] as usize * width as usize..][..width as usize]
            })
        };
        if self.level {
            // The image y of a level image does not depend on the device x (its skew term
            // is zero, so this is the per-pixel arithmetic below): the N source rows and
            // their weights are found once for the whole span; the column taps come from
            // the table where it covers the span.
            let ty = Taps::at(self.filter, image_point(self.inverse, x0, y).1, height);
            let lines = rows(&ty);
            let columns = x0
                .checked_sub(self.left)
                .and_then(|i| self.columns.get(i..i + out.len()));
            if let Some(columns) = columns {
                for (px, tx) in out.iter_mut().zip(columns) {
                    *px = filtered::<N, _>(&lines, tx, &ty);
                }
            } else {
                for (i, px) in out.iter_mut().enumerate() {
                    let (u, _) = image_point(self.inverse, x0 + i, y);
                    *px = filtered::<N, _>(&lines, &Taps::at(self.filter, u, width), &ty);
                }
            }
            return;
        }
        for (i, px) in out.iter_mut().enumerate() {
            let (u, v) = image_point(self.inverse, x0 + i, y);
            let (tx, ty) = (
                Taps::at(self.filter, u, width),
                Taps::at(self.filter, v, height),
            );
            *px = filtered::<N, _>(&rows(&ty), &tx, &ty);
        }
    }
}

/// The image-space point of device pixel `(x, y)`'s centre.
#[inline(always)]
fn image_point(ts: Transform, x: usize, y: u32) -> (f32, f32) {
    let (dx, py) = (x as f32 + 0.5, y as f32 + 0.5);
    (
        ts.sx * dx + ts.kx * py + ts.tx,
        ts.ky * dx + ts.sy * py + ts.ty,
    )
}

#[cfg(test)]
mod tests;
