//! Sampling a raster: the taps of a filter along one axis (source pixels and weights, as
//! tiny-skia computes them), the source pixels as the filters read them, and the weighted
//! sum that makes one output pixel.

use super::Filter;
use crate::paint::floor;
use crate::pixel::{Pixel, to_u8};

/// The source pixels and weights of one axis for one sample: the first `N` entries count,
/// `N` being 1, 2 or 4 for the nearest, bilinear and bicubic filters.
///
/// Invariant: every index is inside the image along its axis.
#[derive(Clone, Copy, Debug)]
pub(super) struct Taps {
    pub(super) index: [u32; 4],
    weight: [f32; 4],
}

impl Taps {
    /// The taps of one axis at image coordinate `u`, on an axis `len` pixels long: as
    /// tiny-skia, the `N` pixels around `u` (padded at the ends) with the weights of `u`'s
    /// fractional position (`sampler_2x2`, `sampler_4x4`); nearest takes the pixel `u` is in.
    #[inline(always)]
    pub(super) fn at(filter: Filter, u: f32, len: u32) -> Taps {
        let last = len as i32 - 1;
        let index = |v: f32| (floor(v) as i32).clamp(0, last) as u32;
        match filter {
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
pub(super) const MAX_UNIT_TEXELS: usize = 1 << 22;

/// A source pixel as the filters read it: premultiplied channels in `0.0..=1.0`.
pub(super) trait Texel: Copy {
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

/// One output pixel: the source pixel itself for `N = 1`, else the weighted sum of the `N`
/// x `N` taps (`lines[j]` is the source row of `ty.index[j]`), clamped as tiny-skia clamps
/// a bicubic result (to `0..=1`, each colour channel to alpha).
#[inline(always)]
pub(super) fn filtered<const N: usize, T: Texel>(lines: &[&[T]; N], tx: &Taps, ty: &Taps) -> Pixel {
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
pub(super) fn fract(v: f32) -> f32 {
    if v.abs() < 8_388_608.0 {
        // The truncation keeps the sign of `v`, so that -0.0 gives 0.0 as `trunc` does.
        v - (v as i32 as f32).copysign(v)
    } else {
        // Beyond 2^23 every f32 is an integer: 0; NaN when `v` is not finite.
        0.0 * v.abs()
    }
}

pub(super) fn bilinear_weights(f: f32) -> [f32; 2] {
    [1.0 - f, f]
}

/// Mitchell-Netravali (B = C = 1/3) weights, as tiny-skia computes them.
pub(super) fn bicubic_weights(f: f32) -> [f32; 4] {
    let near = |t: f32| ((-21.0 / 18.0 * t + 27.0 / 18.0) * t + 9.0 / 18.0) * t + 1.0 / 18.0;
    let far = |t: f32| (t * t) * (7.0 / 18.0 * t - 6.0 / 18.0);
    [far(1.0 - f), near(1.0 - f), near(f), far(f)]
}
