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

use std::ops::Range;
use std::sync::Arc;

use tiny_skia_path::Transform;

use super::floor;
use crate::pixel::{Pixel, to_u8};

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

    /// The taps of one axis at image coordinate `u`, on an axis `len` pixels long: as
    /// tiny-skia, the `N` pixels around `u` (padded at the ends) with the weights of `u`'s
    /// fractional position (`sampler_2x2`, `sampler_4x4`); nearest takes the pixel `u` is in.
    #[inline(always)]
    fn taps(self, u: f32, len: u32) -> Taps {
        let last = len as i32 - 1;
        let index = |v: f32| (floor(v) as i32).clamp(0, last) as u32;
        match self {
            Filter::Nearest => Taps {
                index: [index(u), 0, 0, 0],
                weight: [1.0, 0.0, 0.0, 0.0],
            },
            Filter::Bilinear => {
                let base = u - 0.5;
                let [w0, w1] = bilinear_weights(fract(u + 0.5));
                Taps {
                    index: [index(base), index(base + 1.0), 0, 0],
                    weight: [w0, w1, 0.0, 0.0],
                }
            }
            Filter::Bicubic => {
                let base = u - 1.5;
                Taps {
                    index: std::array::from_fn(|i| index(base + i as f32)),
                    weight: bicubic_weights(fract(u + 0.5)),
                }
            }
        }
    }
}

/// The source pixels and weights of one axis for one sample: the first `N` entries count,
/// `N` being 1, 2 or 4 for the nearest, bilinear and bicubic filters.
///
/// Invariant: every index is inside the image along its axis.
#[derive(Clone, Copy, Debug)]
struct Taps {
    index: [u32; 4],
    weight: [f32; 4],
}

/// `c / 255` for every 8-bit channel value `c`: what a channel weighs in the filters.
const UNIT: [f32; 256] = {
    let mut table = [0.0; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = c as f32 / 255.0;
        c += 1;
    }
    table
};

/// Images of at most this many pixels are converted to `f32` texels for filtering (16 bytes
/// each: 64 MiB at most); larger ones convert each tap through [`UNIT`], with the same
/// results.
const MAX_UNIT_TEXELS: usize = 1 << 22;

/// A source pixel as the filters read it: premultiplied channels in `0.0..=1.0`.
trait Texel: Copy {
    /// The channels in `0.0..=1.0`.
    fn unit(self) -> [f32; 4];
    /// The channels in RGBA8: `to_u8` of [`Texel::unit`].
    fn rgba8(self) -> Pixel;
}

impl Texel for [f32; 4] {
    #[inline(always)]
    fn unit(self) -> [f32; 4] {
        self
    }

    #[inline(always)]
    fn rgba8(self) -> Pixel {
        self.map(to_u8)
    }
}

impl Texel for Pixel {
    #[inline(always)]
    fn unit(self) -> [f32; 4] {
        self.map(|c| UNIT[usize::from(c)])
    }

    /// `to_u8(c / 255)` is `c` for every channel value (a test checks it).
    #[inline(always)]
    fn rgba8(self) -> Pixel {
        self
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
                    filter.taps(u, shader.raster.width)
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
            let ty = self.filter.taps(image_point(self.inverse, x0, y).1, height);
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
                    *px = filtered::<N, _>(&lines, &self.filter.taps(u, width), &ty);
                }
            }
            return;
        }
        for (i, px) in out.iter_mut().enumerate() {
            let (u, v) = image_point(self.inverse, x0 + i, y);
            let (tx, ty) = (self.filter.taps(u, width), self.filter.taps(v, height));
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

/// One output pixel: the source pixel itself for `N = 1`, else the weighted sum of the `N`
/// x `N` taps (`lines[j]` is the source row of `ty.index[j]`), clamped as tiny-skia clamps
/// a bicubic result (to `0..=1`, each colour channel to alpha).
#[inline(always)]
fn filtered<const N: usize, T: Texel>(lines: &[&[T]; N], tx: &Taps, ty: &Taps) -> Pixel {
    if N == 1 {
        return lines[0][tx.index[0] as usize].rgba8();
    }
    let mut sum = [0.0f32; 4];
    for (line, wy) in lines.iter().zip(&ty.weight[..N]) {
        for (&i, wx) in tx.index[..N].iter().zip(&tx.weight[..N]) {
            let c = line[i as usize].unit();
            let w = wx * wy;
            for k in 0..4 {
                sum[k] += w * c[k];
            }
        }
    }
    if N == 4 {
        let a = sum[3].clamp(0.0, 1.0);
        sum = [
            sum[0].clamp(0.0, a),
            sum[1].clamp(0.0, a),
            sum[2].clamp(0.0, a),
            a,
        ];
    }
    sum.map(to_u8)
}

/// `v - v.trunc()` without a call into libm (see [`floor`]).
#[inline(always)]
fn fract(v: f32) -> f32 {
    if v.abs() < 8_388_608.0 {
        // The truncation keeps the sign of `v`, so that -0.0 gives 0.0 as `trunc` does.
        v - (v as i32 as f32).copysign(v)
    } else {
        // Beyond 2^23 every f32 is an integer: 0; NaN when `v` is not finite.
        0.0 * v.abs()
    }
}

fn bilinear_weights(f: f32) -> [f32; 2] {
    [1.0 - f, f]
}

/// Mitchell-Netravali (B = C = 1/3) weights, as tiny-skia computes them.
fn bicubic_weights(f: f32) -> [f32; 4] {
    let near = |t: f32| ((-21.0 / 18.0 * t + 27.0 / 18.0) * t + 9.0 / 18.0) * t + 1.0 / 18.0;
    let far = |t: f32| (t * t) * (7.0 / 18.0 * t - 6.0 / 18.0);
    [far(1.0 - f), near(1.0 - f), near(f), far(f)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_weights_sum_to_one() {
        for f in [0.0, 0.25, 0.5, 0.9] {
            let sum: f32 = bicubic_weights(f).iter().sum();
            assert!((sum - 1.0).abs() < 1e-6, "{f}: {sum}");
            assert_eq!(bilinear_weights(f).iter().sum::<f32>(), 1.0);
        }
    }

    #[test]
    fn fract_matches_the_standard_one() {
        for v in [
            -2.75f32,
            -0.5,
            -0.0,
            0.0,
            0.3,
            1.0,
            7.99,
            8_388_607.5,
            3e9,
            -3e9,
        ] {
            assert_eq!(fract(v).to_bits(), v.fract().to_bits(), "{v}");
        }
        assert!(fract(f32::NAN).is_nan() && fract(f32::INFINITY).is_nan());
    }

    #[test]
    fn texels_in_f32_round_trip_to_the_same_rgba8() {
        for c in 0..=255u8 {
            let p = [c, 255 - c, c / 2, 255];
            assert_eq!(p.unit().rgba8(), p.rgba8());
            assert_eq!(p.unit(), p.map(|c| f32::from(c) / 255.0));
        }
    }

    #[test]
    fn a_scaled_image_is_sampled_through_the_inverse_transform() {
        // 2x1 image, red then blue, scaled by 4: pixels 0..4 red, 4..8 blue (nearest).
        let raster = || Raster::new(2, 1, vec![[255, 0, 0, 255], [0, 0, 255, 255]]).map(Arc::new);
        let scale = Transform::from_scale(4.0, 4.0);
        let shader =
            ImageShader::new(raster().unwrap(), scale, Filter::Nearest, (8, &mut 100)).unwrap();
        let mut row = [[0; 4]; 8];
        shader.shade_row(1, 0, &mut row);
        assert_eq!(row[..4], [[255, 0, 0, 255]; 4]);
        assert_eq!(row[4..], [[0, 0, 255, 255]; 4]);
        // Bilinear blends across the middle and pads at the ends.
        let shader =
            ImageShader::new(raster().unwrap(), scale, Filter::Bilinear, (8, &mut 100)).unwrap();
        shader.shade_row(1, 0, &mut row);
        assert_eq!(row[0], [255, 0, 0, 255]);
        assert_eq!(row[7], [0, 0, 255, 255]);
        assert!(row[3][0] > 0 && row[3][2] > 0 && row[3][0] > row[4][0]);
        assert!(Raster::new(2, 2, vec![[0; 4]; 3]).is_none());
    }

    /// A 5x4 image of distinct translucent colours, premultiplied.
    fn raster() -> Arc<Raster> {
        let pixels = (0..20u16)
            .map(|i| {
                let a = 135 + i * 6;
                [i * 6 % a, i * 37 % a, a - i, a].map(|c| c as u8)
            })
            .collect();
        Arc::new(Raster::new(5, 4, pixels).unwrap())
    }

    /// Every pixel of a 40 x 30 canvas, one row span at a time and as single pixels.
    fn shade_all(shader: &ImageShader) -> (Vec<Pixel>, Vec<Pixel>) {
        let (mut rows, mut single) = (vec![[0; 4]; 40 * 30], vec![[0; 4]; 40 * 30]);
        for y in 0..30 {
            shader.shade_row(y, 0, &mut rows[y as usize * 40..][..40]);
            for x in 0..40 {
                let i = y as usize * 40 + x;
                shader.shade_row(y, x, &mut single[i..i + 1]);
            }
        }
        (rows, single)
    }

    #[test]
    fn level_spans_and_the_rgba8_source_give_the_per_pixel_results() {
        let placements = [
            Transform::from_row(6.3, 0.0, 0.0, 5.1, 3.7, 4.2),
            Transform::from_row(-4.0, 0.0, 0.0, 3.3, 30.5, 1.0),
            Transform::from_row(0.7, 0.0, 0.0, 0.9, 1.25, 2.5),
        ];
        for ts in placements {
            for filter in [Filter::Nearest, Filter::Bilinear, Filter::Bicubic] {
                let mut budget = 1000;
                let fast = ImageShader::new(raster(), ts, filter, (40, &mut budget)).unwrap();
                assert!(fast.level && (filter == Filter::Nearest) == fast.unit.is_empty());
                assert!(!fast.columns.is_empty() && budget == 1000 - fast.columns.len());
                // Over budget: no table, the column taps per pixel.
                let mut none = 1;
                let per_span = ImageShader::new(raster(), ts, filter, (40, &mut none)).unwrap();
                assert!(per_span.columns.is_empty() && none == 1);
                let mut slow = fast.clone();
                slow.level = false;
                let mut rgba8 = slow.clone();
                rgba8.unit = Vec::new();
                let (rows, single) = shade_all(&fast);
                assert_eq!(rows, single, "{ts:?} {filter:?}");
                assert_eq!(rows, shade_all(&per_span).0, "{ts:?} {filter:?}");
                assert_eq!(rows, shade_all(&slow).0, "{ts:?} {filter:?}");
                assert_eq!(rows, shade_all(&rgba8).0, "{ts:?} {filter:?}");
                // The image covers most of the canvas: the test compares drawn pixels.
                assert!(rows.iter().filter(|p| p[3] > 0).count() > 300);
            }
        }
        // A rotated image is sampled per pixel.
        let rotated = Transform::from_rotate(20.0).post_scale(4.0, 4.0);
        let shader = ImageShader::new(raster(), rotated, Filter::Bicubic, (40, &mut 1000)).unwrap();
        assert!(!shader.level && shader.columns.is_empty());
        let (rows, single) = shade_all(&shader);
        assert_eq!(rows, single);
    }
}
