//! Raster images as a shader: a decoded image (premultiplied RGBA8, on the heap, decoded
//! once per scene) sampled per pixel through the inverse of its device transform, as
//! tiny-skia samples the pattern resvg fills an image's rectangle with (pad spread,
//! nearest, bilinear or bicubic filtering).

use std::sync::Arc;

use tiny_skia_path::Transform;

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

    /// The pixel at `(x, y)`, clamped to the image (tiny-skia's pad spread).
    #[inline(always)]
    fn at(&self, x: i32, y: i32) -> [f32; 4] {
        let x = x.clamp(0, self.width as i32 - 1) as usize;
        let y = y.clamp(0, self.height as i32 - 1) as usize;
        self.pixels[y * self.width as usize + x].map(|c| f32::from(c) / 255.0)
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

/// An image placed on the canvas: device pixels map to image pixels through `inverse`.
///
/// Invariant: `inverse` is the inverse of the image's device transform; `filter` is
/// already reduced as tiny-skia reduces it (nearest for a translation).
#[derive(Clone, Debug)]
pub(crate) struct ImageShader {
    raster: Arc<Raster>,
    inverse: Transform,
    filter: Filter,
}

impl ImageShader {
    /// `raster` drawn at (0, 0) to (width, height) under `to_device`; `None` when that
    /// transform cannot be inverted (the image draws nothing).
    pub(crate) fn new(
        raster: Arc<Raster>,
        to_device: Transform,
        filter: Filter,
    ) -> Option<ImageShader> {
        let inverse = to_device.invert()?;
        // As tiny-skia: a translation needs no filtering.
        let filter = if inverse.is_identity() || inverse.is_translate() {
            Filter::Nearest
        } else {
            filter
        };
        Some(ImageShader {
            raster,
            inverse,
            filter,
        })
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`.
    pub(crate) fn shade_row(&self, y: u32, x0: usize, out: &mut [Pixel]) {
        let ts = self.inverse;
        let py = y as f32 + 0.5;
        for (i, px) in out.iter_mut().enumerate() {
            let dx = (x0 + i) as f32 + 0.5;
            let u = ts.sx * dx + ts.kx * py + ts.tx;
            let v = ts.ky * dx + ts.sy * py + ts.ty;
            let color = match self.filter {
                Filter::Nearest => self.raster.at(u.floor() as i32, v.floor() as i32),
                Filter::Bilinear => self.sample(u, v, bilinear_weights),
                Filter::Bicubic => {
                    let c = self.sample(u, v, bicubic_weights);
                    // As tiny-skia: clamp to 0..=1 and each colour channel to alpha.
                    let a = c[3].clamp(0.0, 1.0);
                    [
                        c[0].clamp(0.0, a),
                        c[1].clamp(0.0, a),
                        c[2].clamp(0.0, a),
                        a,
                    ]
                }
            };
            *px = color.map(to_u8);
        }
    }

    /// The weighted sum of the `N` x `N` pixels around `(u, v)`, with `weights` of the
    /// fractional position (tiny-skia's `sampler_2x2` and `sampler_4x4`).
    #[inline(always)]
    fn sample<const N: usize>(&self, u: f32, v: f32, weights: fn(f32) -> [f32; N]) -> [f32; 4] {
        let start = -((N / 2) as f32) + 0.5;
        let (wx, wy) = (weights((u + 0.5).fract()), weights((v + 0.5).fract()));
        let mut sum = [0.0f32; 4];
        for (j, wy) in wy.iter().enumerate() {
            let y = (v + start + j as f32).floor() as i32;
            for (i, wx) in wx.iter().enumerate() {
                let x = (u + start + i as f32).floor() as i32;
                let c = self.raster.at(x, y);
                let w = wx * wy;
                for k in 0..4 {
                    sum[k] += w * c[k];
                }
            }
        }
        sum
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
    fn a_scaled_image_is_sampled_through_the_inverse_transform() {
        // 2x1 image, red then blue, scaled by 4: pixels 0..4 red, 4..8 blue (nearest).
        let raster = Raster::new(2, 1, vec![[255, 0, 0, 255], [0, 0, 255, 255]]).unwrap();
        let shader = ImageShader::new(
            Arc::new(raster),
            Transform::from_scale(4.0, 4.0),
            Filter::Nearest,
        )
        .unwrap();
        let mut row = [[0; 4]; 8];
        shader.shade_row(1, 0, &mut row);
        assert_eq!(row[..4], [[255, 0, 0, 255]; 4]);
        assert_eq!(row[4..], [[0, 0, 255, 255]; 4]);
        // Bilinear blends across the middle and pads at the ends.
        let raster = Raster::new(2, 1, vec![[255, 0, 0, 255], [0, 0, 255, 255]]).unwrap();
        let shader = ImageShader::new(
            Arc::new(raster),
            Transform::from_scale(4.0, 4.0),
            Filter::Bilinear,
        )
        .unwrap();
        shader.shade_row(1, 0, &mut row);
        assert_eq!(row[0], [255, 0, 0, 255]);
        assert_eq!(row[7], [0, 0, 255, 255]);
        assert!(row[3][0] > 0 && row[3][2] > 0 && row[3][0] > row[4][0]);
        assert!(Raster::new(2, 2, vec![[0; 4]; 3]).is_none());
    }
}
