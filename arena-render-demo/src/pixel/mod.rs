//! Pixels and compositing: premultiplied RGBA8, as in the output image and in layer rows
//! (8-bit compositing, as resvg's pipeline does for solid colours), and the source-over
//! operations that put a colour or a layer onto a row.

mod blend;

pub(crate) use blend::{Blend, composite_blended};

/// A premultiplied RGBA8 pixel.
pub type Pixel = [u8; 4];

/// Transparent black.
pub const CLEAR: Pixel = [0; 4];

/// A premultiplied RGBA colour with components in `0.0..=1.0`: a path's paint.
pub type Paint = [f32; 4];

/// Composites `color` at `coverage` (in `0.0..=1.0`, not zero) onto every pixel of
/// `pixels` (source-over). `solid` is `color` in RGBA8 and `opaque` whether its alpha is 1:
/// the caller computes them once per path rather than once per run.
#[inline(always)]
pub(crate) fn paint_over(
    pixels: &mut [Pixel],
    color: Paint,
    coverage: f32,
    solid: Pixel,
    opaque: bool,
) {
    if opaque && coverage == 1.0 {
        pixels.fill(solid);
        return;
    }
    // Source-over in RGBA8, premultiplied: `d = s + d * (255 - s.alpha) / 255`, with `s`
    // the colour at this coverage, constant over the run. An opaque background stays
    // exactly opaque.
    let s = color.map(|c| u16::from(to_u8(c * coverage)));
    let keep = 255 - s[3];
    for px in pixels {
        for (d, s) in px.iter_mut().zip(s) {
            *d = (s + div255(u16::from(*d) * keep)).min(255) as u8;
        }
    }
}

/// Composites `shades` (premultiplied, one per pixel) at `coverage` (in `0.0..=1.0`, not
/// zero) onto `pixels` (source-over).
pub(crate) fn paint_shades_over(pixels: &mut [Pixel], shades: &[Pixel], coverage: f32) {
    let cov = u16::from(to_u8(coverage));
    for (d, s) in pixels.iter_mut().zip(shades) {
        let s = s.map(|c| div255(u16::from(c) * cov));
        let keep = 255 - s[3];
        for (d, s) in d.iter_mut().zip(s) {
            *d = (s + div255(u16::from(*d) * keep)).min(255) as u8;
        }
    }
}

/// Composites a layer onto its parent with the layer's opacity (source-over).
pub(crate) fn composite_layer(layer: &[Pixel], target: &mut [Pixel], opacity: f32) {
    // Opacity in 8.8 fixed point; the layer is premultiplied, so scaling every channel
    // scales the colour and its alpha together.
    let op = (opacity * 256.0 + 0.5) as u32;
    for (src, dst) in layer.iter().zip(target.iter_mut()) {
        if src[3] == 0 {
            continue;
        }
        let s = src.map(|c| (u32::from(c) * op + 128) >> 8);
        // What of the parent shows through: 1 - alpha, with alpha in 0..=255.
        let keep = 255 - s[3];
        for (d, s) in dst.iter_mut().zip(s) {
            *d = (s + u32::from(div255(u16::from(*d) * keep as u16))).min(255) as u8;
        }
    }
}

/// Composites a layer onto its parent with Porter-Duff XOR: each shows where the other
/// does not, `d = s * (1 - d.alpha) + d * (1 - s.alpha)`.
pub(crate) fn composite_xor(layer: &[Pixel], target: &mut [Pixel]) {
    for (s, d) in layer.iter().zip(target.iter_mut()) {
        let (sa, da) = (255 - u16::from(s[3]), 255 - u16::from(d[3]));
        for (d, s) in d.iter_mut().zip(s) {
            *d = (div255(u16::from(*s) * da) + div255(u16::from(*d) * sa)).min(255) as u8;
        }
    }
}

/// Multiplies every pixel of `layer` by the alpha of the same pixel of `coverage` (a clip
/// path's coverage row, or a mask turned into alpha).
pub(crate) fn apply_alpha(layer: &mut [Pixel], coverage: &[Pixel]) {
    for (px, c) in layer.iter_mut().zip(coverage) {
        let a = u16::from(c[3]);
        *px = px.map(|v| div255(u16::from(v) * a) as u8);
    }
}

/// Replaces each pixel's alpha by its luminance (premultiplied, so times its alpha), as a
/// luminance mask reads it (tiny-skia's coefficients and rounding up).
pub(crate) fn luminance_to_alpha(row: &mut [Pixel]) {
    for px in row {
        let [r, g, b] = [px[0], px[1], px[2]].map(|c| f32::from(c) / 255.0);
        let luma = r * 0.2126 + g * 0.7152 + b * 0.0722;
        px[3] = (luma * 255.0).clamp(0.0, 255.0).ceil() as u8;
    }
}

/// `round(x / 255)` for `x` up to `255 * 255`, without a division (and without
/// overflowing `u16`, so that it vectorises on 16-bit lanes).
#[inline(always)]
pub(crate) fn div255(x: u16) -> u16 {
    let x = x + 128;
    (x + (x >> 8)) >> 8
}

/// `round(v * 255)` for `v` clamped to `0..=1`, without a (slow, scalar) saturating
/// float-to-int cast: adding 1.5 * 2^23 leaves the rounded integer in the low mantissa bits.
#[inline(always)]
#[allow(
    clippy::manual_clamp,
    reason = "max/min map NaN to 0 and vectorise; clamp keeps NaN and does not"
)]
pub(crate) fn to_u8(v: f32) -> u8 {
    const MAGIC: f32 = 12_582_912.0;
    ((v.max(0.0).min(1.0) * 255.0 + MAGIC).to_bits() & 0xff) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div255_and_to_u8_round_to_nearest() {
        for x in 0..=255u16 * 255 {
            assert_eq!(div255(x), (f32::from(x) / 255.0).round() as u16, "{x}");
        }
        assert_eq!(
            [to_u8(-1.0), to_u8(0.5), to_u8(2.0), to_u8(f32::NAN)],
            [0, 128, 255, 0]
        );
    }

    #[test]
    fn source_over_keeps_opaque_backgrounds_opaque() {
        let mut row = [[0, 0, 255, 255]; 3];
        paint_over(
            &mut row[..2],
            [0.5, 0.0, 0.0, 0.5],
            1.0,
            [128, 0, 0, 128],
            false,
        );
        assert_eq!(
            row,
            [[128, 0, 127, 255], [128, 0, 127, 255], [0, 0, 255, 255]]
        );
        composite_layer(&[[255, 0, 0, 255], CLEAR], &mut row[1..], 0.5);
        assert_eq!(row[1..], [[192, 0, 63, 255], [0, 0, 255, 255]]);
    }
}
