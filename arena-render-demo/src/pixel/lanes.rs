//! Source-over on a chunk of pixels at a time, one channel per 16-bit lane: written as plain
//! loops over fixed-size arrays so that LLVM turns them into SSE2 (the x86-64 baseline) with
//! eight channels per instruction (`pmullw`, `psrlw`, `paddw`; `pminsw` and `packuswb` for the
//! clamp).
//!
//! Every function here computes, per channel, exactly what the scalar forms of the parent
//! module compute per pixel (`div255` rounding included); the tests compare them over every
//! pair of operands.

use super::{Pixel, div255};

/// Pixels per chunk. Eight pixels are 32 channels: four SSE2 registers of 16-bit lanes, the
/// widest chunk whose loops LLVM still keeps in registers on the baseline target.
pub(super) const PIXELS: usize = 8;

/// Channels per chunk.
pub(super) const LANES: usize = PIXELS * 4;

/// A chunk of pixels as bytes, channels in pixel order.
pub(super) type Chunk = [u8; LANES];

/// A source colour per channel of a chunk, each at most 255.
pub(super) type Source = [u16; LANES];

/// The lanes `lane(0)` to `lane(LANES - 1)`. A loop over the lanes, always inlined, where
/// `std::array::from_fn` was left out of line (through the stack, a lane at a time) in the
/// AVX2 copies of [`crate::wide::Wide::run`].
#[inline(always)]
fn source(lane: impl Fn(usize) -> u16) -> Source {
    let mut out = [0; LANES];
    for (i, o) in out.iter_mut().enumerate() {
        *o = lane(i);
    }
    out
}

/// The colour `s` (RGBA8) repeated over a chunk's channels.
#[inline(always)]
pub(super) fn repeated(s: Pixel) -> Source {
    source(|i| u16::from(s[i % 4]))
}

/// `min(v, 255)` for a channel sum `v` of at most `2 * 255`. As a signed clamp it is what
/// `packuswb` does while narrowing the lanes to bytes, so it costs nothing; an unsigned `min`
/// took three instructions per register before the pack (SSE2 has no unsigned 16-bit `min`).
#[inline(always)]
fn saturated(v: u16) -> u8 {
    debug_assert!(v <= 2 * 255);
    // `v` is below 2^15: the cast to `i16` keeps its value.
    (v as i16).clamp(0, 255) as u8
}

/// Source-over of one colour onto a chunk: `d = min(s + div255(d * keep), 255)` per
/// channel, with `keep = 255 - s.alpha` given (the same for every pixel).
#[inline(always)]
pub(super) fn over_uniform(d: &mut Chunk, s: &Source, keep: u16) {
    for (d, &s) in d.iter_mut().zip(s) {
        *d = saturated(s + div255(u16::from(*d) * keep));
    }
}

/// Source-over of a colour per pixel onto a chunk: `d = min(s + div255(d * (255 -
/// s.alpha)), 255)` per channel, `s.alpha` being lane 3 of the channel's pixel.
#[inline(always)]
pub(super) fn over(d: &mut Chunk, s: &Source) {
    let keep = source(|i| 255 - s[i | 3]);
    for ((d, &s), &keep) in d.iter_mut().zip(s).zip(&keep) {
        *d = saturated(s + div255(u16::from(*d) * keep));
    }
}

/// Every channel of a chunk times the alpha of the same pixel of `coverage`: `d =
/// div255(d * coverage.alpha)`.
#[inline(always)]
pub(super) fn times_alpha(d: &mut Chunk, coverage: &Chunk) {
    let words: [u32; PIXELS] =
        std::array::from_fn(|p| u32::from_le_bytes(coverage.as_chunks::<4>().0[p]));
    let a = source(|i| (words[i / 4] >> 24) as u16);
    for (d, &a) in d.iter_mut().zip(&a) {
        *d = div255(u16::from(*d) * a) as u8;
    }
}

/// Porter-Duff XOR of a chunk of `s` onto a chunk `d`: `d = min(div255(s * (255 -
/// d.alpha)) + div255(d * (255 - s.alpha)), 255)`.
#[inline(always)]
pub(super) fn xor(d: &mut Chunk, s: &Chunk) {
    let (s, dw) = (widened(s), widened(d));
    let keep_s = source(|i| 255 - dw[i | 3]);
    let keep_d = source(|i| 255 - s[i | 3]);
    for (i, d) in d.iter_mut().enumerate() {
        *d = saturated(div255(s[i] * keep_s[i]) + div255(dw[i] * keep_d[i]));
    }
}

/// A chunk of layer pixels at opacity `op` (8.8 fixed point, at most 256): `(c * op + 128)
/// >> 8` per channel, and zero in every channel of a pixel whose alpha is zero.
#[inline(always)]
pub(super) fn scaled_256(src: &Chunk, op: u16) -> Source {
    debug_assert!(op <= 256);
    let src = widened(src);
    // 1 in the lanes of a pixel with some alpha, 0 in those of a transparent one, from the
    // widened alpha lane spread over its pixel (the shuffle of `over`); LLVM makes the
    // product a compare and a mask. Masking the bytes or words before widening instead was
    // left to general registers, one pixel at a time.
    let live = source(|i| src[i | 3].min(1));
    // At most 255 * 256 + 128 = 65 408: no lane overflows.
    source(|i| ((src[i] * op + 128) >> 8) * live[i])
}

/// A chunk of shades at coverage `cov` (at most 255): `div255(c * cov)` per channel.
#[inline(always)]
pub(super) fn scaled_255(src: &Chunk, cov: u16) -> Source {
    source(|i| div255(u16::from(src[i]) * cov))
}

/// The chunk as a source, unscaled.
#[inline(always)]
pub(super) fn widened(src: &Chunk) -> Source {
    source(|i| u16::from(src[i]))
}

/// Whether every channel of the chunk is zero (transparent black).
#[inline(always)]
pub(super) fn is_clear(src: &Chunk) -> bool {
    // An OR over the bytes, which stays in vector registers (`por`), where an OR of words
    // would load the chunk into general registers and build the lanes from them.
    src.iter().fold(0, |acc, &b| acc | b) == 0
}

#[cfg(test)]
mod tests {
    //! The row functions of the parent module against a per-channel reference, over every
    //! pair of a source alpha and a destination channel. Rows are long enough to go through
    //! the chunks and end in a tail that the scalar code composites.

    use super::super::{
        CLEAR, Pixel, apply_alpha, composite_layer_with, composite_xor, paint_over,
        paint_shades_over_with,
    };
    use super::PIXELS;
    use crate::wide::Wide;

    /// `round(x / 255)`, the rounding every source-over here uses.
    fn div255_ref(x: u32) -> u32 {
        (x as f32 / 255.0).round() as u32
    }

    /// Source-over of `s` onto `d`, per channel, clamped.
    fn over_ref(d: Pixel, s: Pixel) -> Pixel {
        let keep = 255 - u32::from(s[3]);
        std::array::from_fn(|k| {
            (u32::from(s[k]) + div255_ref(u32::from(d[k]) * keep)).min(255) as u8
        })
    }

    /// A destination pixel with channel value `d`, varied per channel.
    fn dst(d: u8) -> Pixel {
        [d, 255 - d, d ^ 0x5a, d]
    }

    /// Pixels per row: every channel value once, then a tail that is not a whole chunk.
    const ROW: usize = 256 + 2 * PIXELS - 1;

    #[test]
    fn paint_over_gives_the_per_channel_results_for_every_alpha_and_channel() {
        for a in 0..=255u8 {
            // A premultiplied colour, and one whose red exceeds its alpha (clamped sums).
            for s in [[a, a / 4 * 3, a / 3, a], [255, a, 0, a]] {
                let mut row: Vec<Pixel> = (0..ROW).map(|i| dst(i as u8)).collect();
                let want: Vec<Pixel> = row.iter().map(|&d| over_ref(d, s)).collect();
                let color = s.map(|c| f32::from(c) / 255.0);
                paint_over(&mut row, color, 1.0, s, a == 255);
                assert_eq!(row, want, "colour {s:?}");
            }
        }
    }

    #[test]
    fn composite_layer_gives_the_per_channel_results_for_every_alpha_and_channel() {
        for op in [0u32, 1, 77, 128, 200, 255, 256] {
            let opacity = op as f32 / 256.0;
            for a in 0..=255u8 {
                let layer: Vec<Pixel> = (0..2 * ROW)
                    .map(|i| {
                        let d = i as u8;
                        match (a, i) {
                            // Past every channel value, whole chunks of clear pixels
                            // (skipped) between chunks of colour with one clear pixel, at
                            // each place in turn.
                            (_, 256..)
                                if (i / PIXELS).is_multiple_of(2)
                                    || i % PIXELS == i / PIXELS / 2 % PIXELS =>
                            {
                                CLEAR
                            }
                            // A transparent pixel with colour: it must leave the parent as
                            // it is.
                            (0, _) => [d, 255 - d, 1, 0],
                            _ => [a, d % (a.saturating_add(1)).max(1), a / 2, a],
                        }
                    })
                    .collect();
                let row: Vec<Pixel> = (0..2 * ROW).map(|i| dst(i as u8)).collect();
                let want: Vec<Pixel> = row
                    .iter()
                    .zip(&layer)
                    .map(|(&d, &l)| {
                        if l[3] == 0 {
                            return d;
                        }
                        over_ref(d, l.map(|c| ((u32::from(c) * op + 128) >> 8) as u8))
                    })
                    .collect();
                // The baseline loops and, where the CPU has them, their AVX2 and AVX-512 copies.
                for wide in Wide::all() {
                    let mut row = row.clone();
                    composite_layer_with(wide, &layer, &mut row, opacity);
                    assert_eq!(row, want, "alpha {a}, opacity {op}/256, {}", wide.name());
                }
            }
        }
    }

    #[test]
    fn paint_shades_over_gives_the_per_channel_results_for_every_alpha_and_channel() {
        for cov in [255u32, 254, 128, 1] {
            let coverage = cov as f32 / 255.0;
            for a in 0..=255u8 {
                let shades: Vec<Pixel> = (0..ROW)
                    .map(|i| {
                        let d = i as u8;
                        // Mostly premultiplied; every eighth pixel's green exceeds its alpha.
                        let g = if i % 8 == 5 {
                            255 - d
                        } else {
                            d % a.saturating_add(1)
                        };
                        [a, g, a / 3, a]
                    })
                    .collect();
                let row: Vec<Pixel> = (0..ROW).map(|i| dst(i as u8)).collect();
                let want: Vec<Pixel> = row
                    .iter()
                    .zip(&shades)
                    .map(|(&d, &s)| over_ref(d, s.map(|c| div255_ref(u32::from(c) * cov) as u8)))
                    .collect();
                for wide in Wide::all() {
                    let mut row = row.clone();
                    paint_shades_over_with(wide, &mut row, &shades, coverage);
                    assert_eq!(row, want, "alpha {a}, coverage {cov}/255, {}", wide.name());
                }
            }
        }
    }

    #[test]
    fn apply_alpha_scales_by_the_coverage_alpha_for_every_alpha_and_channel() {
        for a in 0..=255u8 {
            // The coverage's colour channels must not matter; its alpha varies per pixel
            // past the first 256, so that each lane of a chunk reads its own pixel's.
            let coverage: Vec<Pixel> = (0..ROW)
                .map(|i| {
                    let alpha = if i < 256 {
                        a
                    } else {
                        a ^ (i as u8).wrapping_mul(37)
                    };
                    [i as u8, 255, 7, alpha]
                })
                .collect();
            let mut row: Vec<Pixel> = (0..ROW).map(|i| dst(i as u8)).collect();
            let want: Vec<Pixel> = row
                .iter()
                .zip(&coverage)
                .map(|(&d, c)| d.map(|v| div255_ref(u32::from(v) * u32::from(c[3])) as u8))
                .collect();
            apply_alpha(&mut row, &coverage);
            assert_eq!(row, want, "alpha {a}");
        }
    }

    #[test]
    fn composite_xor_gives_the_per_channel_results_for_every_alpha_and_channel() {
        for a in 0..=255u8 {
            let layer: Vec<Pixel> = (0..ROW)
                .map(|i| [a, (i as u8) % a.saturating_add(1), 255, a])
                .collect();
            // The destination's alpha varies too, per pixel.
            let mut row: Vec<Pixel> = (0..ROW)
                .map(|i| {
                    let d = dst(i as u8);
                    [d[0], d[1], d[2], (i as u8).wrapping_mul(101)]
                })
                .collect();
            let want: Vec<Pixel> = row
                .iter()
                .zip(&layer)
                .map(|(&d, &s)| {
                    let (sa, da) = (255 - u32::from(s[3]), 255 - u32::from(d[3]));
                    std::array::from_fn(|k| {
                        let v = div255_ref(u32::from(s[k]) * da) + div255_ref(u32::from(d[k]) * sa);
                        v.min(255) as u8
                    })
                })
                .collect();
            composite_xor(&layer, &mut row);
            assert_eq!(row, want, "alpha {a}");
        }
    }
}
