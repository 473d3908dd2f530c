//! Pixels and compositing: premultiplied RGBA8, as in the output image and in layer rows
//! (8-bit compositing, as resvg's pipeline does for solid colours), and the source-over
//! operations that put a colour or a layer onto a row.

mod blend;
mod lanes;

use crate::wide::Wide;
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
        fill(pixels, solid);
        return;
    }
    let s = color.map(|c| to_u8(c * coverage));
    if pixels.len() >= WIDE_RUN {
        paint_rgba8_over_wide(pixels, s);
    } else {
        paint_rgba8_over(pixels, s);
    }
}

/// The shortest translucent run [`paint_over`] hands to [`paint_rgba8_over_wide`]: two
/// chunks. Shorter runs stay inline in the baseline loop, where the call and the dispatch
/// would cost more than the wider lanes save (measured on icons and fixtures, session 28).
const WIDE_RUN: usize = 2 * lanes::PIXELS;

/// [`paint_rgba8_over`] in the widest copy the CPU has; out of line, so that the kernels
/// that call it keep their shape.
#[inline(never)]
pub(crate) fn paint_rgba8_over_wide(pixels: &mut [Pixel], s: Pixel) {
    paint_rgba8_over_with(Wide::detect(), pixels, s);
}

/// [`paint_rgba8_over`] with the loops of `wide` (the same pixels either way).
#[inline(always)]
fn paint_rgba8_over_with(wide: Wide, pixels: &mut [Pixel], s: Pixel) {
    wide.run(
        #[inline(always)]
        || paint_rgba8_over(pixels, s),
    );
}

/// Sets every pixel of `pixels` to `v`: what `pixels.fill(v)` does, in stores of eight
/// pixels (two 16-byte stores on the x86-64 baseline) with the last eight written over the
/// end of the loop's, so that a run of any length of at least eight takes one loop, without
/// the loop of single pixels after it that the library's fill has (whose exit, at a
/// different count for every run, is mispredicted).
#[inline(always)]
pub(crate) fn fill(pixels: &mut [Pixel], v: Pixel) {
    let n = pixels.len();
    if n >= 8 {
        let eight = [v; 8];
        for chunk in pixels.as_chunks_mut::<8>().0 {
            *chunk = eight;
        }
        if let Some(last) = pixels.last_chunk_mut::<8>() {
            *last = eight;
        }
    } else if n >= 4 {
        let four = [v; 4];
        if let Some(first) = pixels.first_chunk_mut::<4>() {
            *first = four;
        }
        if let Some(last) = pixels.last_chunk_mut::<4>() {
            *last = four;
        }
    } else {
        for px in pixels {
            *px = v;
        }
    }
}

/// [`paint_over`] for one pixel: the same result as on a run of one, and at a coverage of
/// 0 the pixel as it was. Without the run's set-up (the split into chunks and the test for
/// a premultiplied colour): most partial-coverage runs are one pixel long, the pixel an
/// edge crosses. Nor does it test the coverage: source-over is exact at both ends, so it
/// needs no shortcut there. At full coverage an opaque colour gives `keep = 0` and the
/// colour itself; at zero coverage the source is clear, `keep = 255`, and `d * 255 / 255`
/// rounds back to `d`.
///
/// `premultiplied` says that no colour channel of `color` exceeds its alpha: then none of
/// the colour at any coverage does in RGBA8 either (the product, its rounding and
/// [`to_u8`] are all monotonic), so the sum cannot exceed 255 and needs no clamp.
#[inline(always)]
pub(crate) fn paint_pixel_over(px: &mut Pixel, color: Paint, coverage: f32, premultiplied: bool) {
    pixel_over(px, color.map(|c| to_u8_lane(c * coverage)), premultiplied);
}

/// [`paint_pixel_over`] for a path alone in a group with opacity `op` (8.8 fixed point, at
/// most 256): the colour at `coverage` as the group's layer would hold it, scaled by the
/// opacity as the layer composite scales it (`(c * op + 128) >> 8`), then composited. A clear
/// layer pixel leaves `px` as it was, as the layer composite skips it; an opaque result is
/// stored as it is (what the source-over gives with `keep` 0, and measured 2 % faster on the
/// Adwaita icons than leaving it to the source-over). `premultiplied` as
/// [`paint_pixel_over`] takes it: the layer's colour and its scaling, both monotonic, keep
/// every channel at most its alpha. Inline, without a run's set-up: the pixel form of
/// `draw_run_in_group`. In 16-bit lanes, as [`pixel_over`]: `c * op + 128` is at most
/// 65,408.
#[inline(always)]
pub(crate) fn paint_pixel_over_in_group(
    px: &mut Pixel,
    color: Paint,
    coverage: f32,
    op: u16,
    premultiplied: bool,
) {
    debug_assert!(op <= 256);
    let [r, g, b, a] = color.map(|c| to_u8_lane(c * coverage));
    if a == 0 {
        return;
    }
    let scale = |c: u16| (c * op + 128) >> 8;
    let s = [scale(r), scale(g), scale(b), scale(a)];
    if s[3] == 255 {
        *px = [s[0] as u8, s[1] as u8, s[2] as u8, s[3] as u8];
    } else {
        pixel_over(px, s, premultiplied);
    }
}

/// Source-over of `s` (RGBA8 channels in 16-bit lanes) onto `px`: `d = s + div255(d * (255 -
/// s.alpha))` per channel, clamped to 255 unless `premultiplied` promises no sum exceeds it.
/// The same per-channel arithmetic as [`Pair`]'s, written out lane by lane on `u16` (no
/// closures over lane indices, which LLVM left scalar) so that it vectorises on the x86-64
/// baseline (`pmullw`, `pmulhuw`, `packuswb`) together with the caller's conversion of the
/// colour from `f32`: an edge pixel takes about 45 instructions fewer than through `Pair`
/// (`BENCHMARKS.md`, "Session 23").
#[inline(always)]
fn pixel_over(px: &mut Pixel, s: [u16; 4], premultiplied: bool) {
    let keep = 255 - s[3];
    let [d0, d1, d2, d3] = *px;
    let sum = [
        s[0] + div255(u16::from(d0) * keep),
        s[1] + div255(u16::from(d1) * keep),
        s[2] + div255(u16::from(d2) * keep),
        s[3] + div255(u16::from(d3) * keep),
    ];
    *px = if premultiplied {
        [sum[0] as u8, sum[1] as u8, sum[2] as u8, sum[3] as u8]
    } else {
        let c = |v: u16| v.min(255) as u8;
        [c(sum[0]), c(sum[1]), c(sum[2]), c(sum[3])]
    };
}

/// Whether no colour channel of `color` exceeds its alpha (as [`paint_pixel_over`] asks).
#[inline(always)]
pub(crate) fn is_premultiplied(color: Paint) -> bool {
    color[0] <= color[3] && color[1] <= color[3] && color[2] <= color[3]
}

/// Composites `s` (RGBA8, premultiplied or not: channels above alpha are clamped) onto every
/// pixel of `pixels` (source-over): what [`paint_over`] does once it has the colour at its
/// coverage in RGBA8, for callers that have that already.
#[inline(always)]
fn paint_rgba8_over(pixels: &mut [Pixel], s: Pixel) {
    // Source-over in RGBA8, premultiplied: `d = s + d * (255 - s.alpha) / 255`, with `s`
    // constant over the run. An opaque background stays exactly opaque.
    let keep = 255 - u16::from(s[3]);
    // A run of a chunk or more is painted in whole chunks, its last chunk from the pixels as
    // they were before (the chunks' loop may have painted some of them): one loop, and no
    // loop of single pixels whose exit a different count per run would mispredict.
    if let Some(&before) = pixels.last_chunk::<{ lanes::PIXELS }>() {
        let wide = lanes::repeated(s);
        for d in pixels
            .as_flattened_mut()
            .as_chunks_mut::<{ lanes::LANES }>()
            .0
        {
            lanes::over_uniform(d, &wide, keep);
        }
        let mut last = before;
        // One chunk, exactly.
        for d in last
            .as_flattened_mut()
            .as_chunks_mut::<{ lanes::LANES }>()
            .0
        {
            lanes::over_uniform(d, &wide, keep);
        }
        if let Some(end) = pixels.last_chunk_mut::<{ lanes::PIXELS }>() {
            *end = last;
        }
        return;
    }
    // Fewer pixels than a chunk: one at a time.
    let (s, keep) = (Pair::of(s), u32::from(keep));
    if s.premultiplied() {
        // No channel of `s` exceeds its alpha, so `s + d * keep / 255` is at most 255 in
        // every channel: the clamp cannot change a value, and is skipped.
        for px in pixels {
            *px = s.plus(Pair::of(*px).scaled_255(keep)).pixel_unclamped();
        }
    } else {
        for px in pixels {
            *px = s.plus(Pair::of(*px).scaled_255(keep)).pixel();
        }
    }
}

/// Each channel `c` of `p` as `(c * k + 128) >> 8`, for `k` at most 256 (a layer's opacity
/// in 8.8 fixed point, as the layer composite scales by it): two channels per multiplication.
#[inline(always)]
pub(crate) fn scaled_256(p: Pixel, k: u32) -> Pixel {
    debug_assert!(k <= 256);
    Pair::of(p).scaled_256(k).pixel_unclamped()
}

/// Composites `shades` (premultiplied, one per pixel) at `coverage` (in `0.0..=1.0`, not
/// zero) onto `pixels` (source-over).
pub(crate) fn paint_shades_over(pixels: &mut [Pixel], shades: &[Pixel], coverage: f32) {
    paint_shades_over_with(Wide::detect(), pixels, shades, coverage);
}

/// [`paint_shades_over`] with the loops of `wide` (the same pixels either way).
#[inline(always)]
fn paint_shades_over_with(wide: Wide, pixels: &mut [Pixel], shades: &[Pixel], coverage: f32) {
    wide.run(
        #[inline(always)]
        || paint_shades_over_on(pixels, shades, coverage),
    );
}

/// [`paint_shades_over`], inlined into each of [`Wide::run`]'s copies.
#[inline(always)]
fn paint_shades_over_on(pixels: &mut [Pixel], shades: &[Pixel], coverage: f32) {
    let cov = to_u8(coverage);
    let (chunks, tail, wide, shades_tail) = split_alike(pixels, shades);
    if cov == 255 {
        // Full coverage (a span's interior, the common case) scales nothing, as
        // `div255(c * 255)` is `c`.
        for (d, s) in chunks.iter_mut().zip(wide) {
            lanes::over(d, &lanes::widened(s));
        }
    } else {
        for (d, s) in chunks.iter_mut().zip(wide) {
            lanes::over(d, &lanes::scaled_255(s, u16::from(cov)));
        }
    }
    let cov = u32::from(cov);
    for (d, s) in tail.iter_mut().zip(shades_tail) {
        let s = Pair::of(*s).scaled_255(cov);
        let keep = 255 - s.alpha();
        *d = s.plus(Pair::of(*d).scaled_255(keep)).pixel();
    }
}

/// The first `len` pixels of `dst` and `src` (`len` the shorter row's length), split alike
/// into whole chunks of [`lanes::PIXELS`] pixels and the pixels after the last whole chunk:
/// `(dst chunks, dst tail, src chunks, src tail)`.
#[inline(always)]
fn split_alike<'d, 's>(
    dst: &'d mut [Pixel],
    src: &'s [Pixel],
) -> (
    &'d mut [lanes::Chunk],
    &'d mut [Pixel],
    &'s [lanes::Chunk],
    &'s [Pixel],
) {
    let len = dst.len().min(src.len());
    let (dst_chunks, dst_tail) = dst[..len].as_flattened_mut().as_chunks_mut();
    let (src_chunks, src_tail) = src[..len].as_flattened().as_chunks();
    (
        dst_chunks,
        dst_tail.as_chunks_mut().0,
        src_chunks,
        src_tail.as_chunks().0,
    )
}

/// Composites a layer onto its parent with the layer's opacity (source-over).
pub(crate) fn composite_layer(layer: &[Pixel], target: &mut [Pixel], opacity: f32) {
    composite_layer_with(Wide::detect(), layer, target, opacity);
}

/// [`composite_layer`] with the loops of `wide` (the same pixels either way): AVX2's
/// sixteen 16-bit lanes per instruction where the CPU has them.
#[inline(always)]
fn composite_layer_with(wide: Wide, layer: &[Pixel], target: &mut [Pixel], opacity: f32) {
    wide.run(
        #[inline(always)]
        || composite_layer_on(layer, target, opacity),
    );
}

/// [`composite_layer`], inlined into each of [`Wide::run`]'s copies.
#[inline(always)]
fn composite_layer_on(layer: &[Pixel], target: &mut [Pixel], opacity: f32) {
    // Opacity in 8.8 fixed point; the layer is premultiplied, so scaling every channel
    // scales the colour and its alpha together.
    let op = (opacity * 256.0 + 0.5) as u32;
    let (chunks, tail, wide, layer_tail) = split_alike(target, layer);
    for (d, s) in chunks.iter_mut().zip(wide) {
        // Layers are mostly clear where their content does not reach: a chunk of
        // transparent black leaves the parent as it is (with `s` zero, `keep` is 255 and
        // `div255(d * 255)` is `d`), so it is skipped at the cost of one test.
        if lanes::is_clear(s) {
            continue;
        }
        lanes::over(d, &lanes::scaled_256(s, op as u16));
    }
    for (src, dst) in layer_tail.iter().zip(tail) {
        // A transparent layer pixel leaves the parent as it is: with `s` zero, `keep` is 255
        // and `div255(d * 255)` is `d`. Masking instead of skipping keeps the loop free of
        // branches.
        let live = 0u32.wrapping_sub(u32::from(src[3] != 0));
        let s = Pair::of(*src).scaled_256(op).masked(live);
        // What of the parent shows through: 1 - alpha, with alpha in 0..=255.
        let keep = 255 - s.alpha();
        *dst = s.plus(Pair::of(*dst).scaled_255(keep)).pixel();
    }
}

/// A pixel's four channels in two words, each channel in a 16-bit lane: `rb` holds red
/// (bits 0..16) and blue (16..32), `ga` green and alpha. Products of two channels fit in a
/// lane, so one multiplication of a word scales two channels at once (SIMD within a
/// register), with exactly the results of the per-channel formulas.
///
/// Invariant: every lane is at most `2 * 255`.
#[derive(Clone, Copy)]
struct Pair {
    rb: u32,
    ga: u32,
}

/// The low byte of each 16-bit lane.
const LANES: u32 = 0x00ff_00ff;

impl Pair {
    #[inline(always)]
    fn of(p: Pixel) -> Pair {
        let w = u32::from_le_bytes(p);
        Pair {
            rb: w & LANES,
            ga: (w >> 8) & LANES,
        }
    }

    /// Alpha (at most 255).
    #[inline(always)]
    fn alpha(self) -> u32 {
        self.ga >> 16
    }

    /// Each channel `c` (at most 255) as `div255(c * k)`, for `k` at most 255.
    #[inline(always)]
    fn scaled_255(self, k: u32) -> Pair {
        #[inline(always)]
        fn lanes(v: u32, k: u32) -> u32 {
            // Per lane: `x = c * k + 128` is at most 65 153 and `x + (x >> 8)` at most
            // 65 407, so no lane carries into the next.
            let x = v * k + 0x0080_0080;
            ((x + ((x >> 8) & LANES)) >> 8) & LANES
        }
        Pair {
            rb: lanes(self.rb, k),
            ga: lanes(self.ga, k),
        }
    }

    /// Each channel `c` (at most 255) as `(c * k + 128) >> 8`, for `k` at most 256.
    #[inline(always)]
    fn scaled_256(self, k: u32) -> Pair {
        // Per lane at most 255 * 256 + 128 = 65 408: no carry.
        let lanes = |v: u32| ((v * k + 0x0080_0080) >> 8) & LANES;
        Pair {
            rb: lanes(self.rb),
            ga: lanes(self.ga),
        }
    }

    /// Every channel ANDed with `mask` (all ones or zero).
    #[inline(always)]
    fn masked(self, mask: u32) -> Pair {
        Pair {
            rb: self.rb & mask,
            ga: self.ga & mask,
        }
    }

    /// Channel-wise sum (each at most 255 + 255).
    #[inline(always)]
    fn plus(self, o: Pair) -> Pair {
        Pair {
            rb: self.rb + o.rb,
            ga: self.ga + o.ga,
        }
    }

    /// Whether no colour channel exceeds alpha (a valid premultiplied colour).
    #[inline(always)]
    fn premultiplied(self) -> bool {
        let a = self.alpha();
        let [r, b] = [self.rb & 0xffff, self.rb >> 16];
        r <= a && b <= a && (self.ga & 0xffff) <= a
    }

    /// The pixel, for lanes known to be at most 255.
    #[inline(always)]
    fn pixel_unclamped(self) -> Pixel {
        debug_assert!(self.rb & !LANES == 0 && self.ga & !LANES == 0);
        (self.rb | (self.ga << 8)).to_le_bytes()
    }

    /// The pixel, each channel clamped to 255.
    #[inline(always)]
    fn pixel(self) -> Pixel {
        // A lane above 255 has bit 8 set: spread it over the low byte to saturate.
        let saturate = |v: u32| (v | (((v >> 8) & 0x0001_0001) * 0xff)) & LANES;
        (saturate(self.rb) | (saturate(self.ga) << 8)).to_le_bytes()
    }
}

/// Composites a layer onto its parent with Porter-Duff XOR: each shows where the other
/// does not, `d = s * (1 - d.alpha) + d * (1 - s.alpha)`.
pub(crate) fn composite_xor(layer: &[Pixel], target: &mut [Pixel]) {
    let (chunks, tail, wide, layer_tail) = split_alike(target, layer);
    for (d, s) in chunks.iter_mut().zip(wide) {
        lanes::xor(d, s);
    }
    for (s, d) in layer_tail.iter().zip(tail) {
        let (sa, da) = (255 - u32::from(s[3]), 255 - u32::from(d[3]));
        *d = Pair::of(*s)
            .scaled_255(da)
            .plus(Pair::of(*d).scaled_255(sa))
            .pixel();
    }
}

/// Multiplies every pixel of `layer` by the alpha of the same pixel of `coverage` (a clip
/// path's coverage row, or a mask turned into alpha).
pub(crate) fn apply_alpha(layer: &mut [Pixel], coverage: &[Pixel]) {
    let (chunks, tail, wide, coverage_tail) = split_alike(layer, coverage);
    for (px, c) in chunks.iter_mut().zip(wide) {
        lanes::times_alpha(px, c);
    }
    for (px, c) in tail.iter_mut().zip(coverage_tail) {
        *px = Pair::of(*px).scaled_255(u32::from(c[3])).pixel_unclamped();
    }
}

/// Replaces each pixel's alpha by its luminance (premultiplied, so times its alpha), as a
/// luminance mask reads it (tiny-skia's coefficients and rounding up).
pub(crate) fn luminance_to_alpha(row: &mut [Pixel]) {
    for px in row {
        let [r, g, b] = [px[0], px[1], px[2]].map(|c| f32::from(c) / 255.0);
        let luma = r * 0.2126 + g * 0.7152 + b * 0.0722;
        px[3] = ceil_to_u8(luma * 255.0);
    }
}

/// `v.clamp(0.0, 255.0).ceil() as u8` for `v` not NaN, without the libm call `ceil` is on
/// the baseline x86-64 target (it has no rounding instruction) or the saturating cast:
/// adding 2^23 leaves the nearest integer in the low mantissa bits; one more where that
/// rounded down.
#[inline(always)]
#[allow(
    clippy::manual_clamp,
    reason = "max/min vectorise; the value is never NaN"
)]
fn ceil_to_u8(v: f32) -> u8 {
    const MAGIC: f32 = 8_388_608.0;
    let v = v.max(0.0).min(255.0);
    let r = v + MAGIC;
    let nearest = r.to_bits() - MAGIC.to_bits();
    (nearest + u32::from(r - MAGIC < v)) as u8
}

/// `round(x / 255)` for `x` up to `255 * 255`, without a division (and without
/// overflowing `u16`, so that it vectorises on 16-bit lanes); [`Pair::scaled_255`] computes
/// it on two lanes at once, and the tests check one against the other.
#[inline(always)]
pub(crate) fn div255(x: u16) -> u16 {
    // `(t + (t >> 8)) >> 8` for `t = x + 128`, computed as the high half of `t * 257`: with
    // `t = 256a + b`, the shifts give `a + floor((a + b) / 256)` and the product `a +
    // floor((a + b + b / 256) / 256)`, the same, as `b / 256` is below 1 and `a + b` an
    // integer. On 16-bit lanes that is one `pmulhuw` instead of a shift, an add and a shift.
    let t = u32::from(x + 128);
    ((t * 257) >> 16) as u16
}

/// `round(v * 255)` for `v` clamped to `0..=1`, without a (slow, scalar) saturating
/// float-to-int cast: adding 1.5 * 2^23 leaves the rounded integer in the low mantissa bits.
#[inline(always)]
pub(crate) fn to_u8(v: f32) -> u8 {
    to_u8_lane(v) as u8
}

/// [`to_u8`] in a 16-bit lane, for [`pixel_over`].
#[inline(always)]
#[allow(
    clippy::manual_clamp,
    reason = "max/min map NaN to 0 and vectorise; clamp keeps NaN and does not"
)]
fn to_u8_lane(v: f32) -> u16 {
    const MAGIC: f32 = 12_582_912.0;
    (v.max(0.0).min(1.0) * 255.0 + MAGIC).to_bits() as u16 & 0xff
}

/// One random source-over case of [`random_paint_cases`].
#[cfg(test)]
pub(crate) struct PaintCase {
    pub(crate) color: Paint,
    pub(crate) coverage: f32,
    pub(crate) under: Pixel,
    /// A further uniform value in `[0, 1)`, for what else a test varies.
    pub(crate) extra: f32,
}

/// `n` random source-over cases, for the tests that check a one-pixel path against the
/// run it stands for: premultiplied colours (every fourth one not: channels above alpha),
/// opaque every fifth, full coverage every third, over random pixels; deterministic per
/// `seeds`.
#[cfg(test)]
pub(crate) fn random_paint_cases(seeds: (u32, u32), n: usize) -> impl Iterator<Item = PaintCase> {
    let (mut rng, mut pixels) = (crate::xorshift(seeds.0), crate::xorshift(seeds.1));
    let mut unit = move || (rng() >> 8) as f32 / (1u32 << 24) as f32;
    (0..n).map(move |i| {
        let alpha = if i % 5 == 0 { 1.0 } else { unit() };
        let color: Paint = if i % 4 == 1 {
            [unit(), unit(), unit(), alpha]
        } else {
            [unit() * alpha, unit() * alpha, unit() * alpha, alpha]
        };
        let coverage = if i % 3 == 0 { 1.0 } else { unit() };
        let extra = unit();
        PaintCase {
            color,
            coverage,
            under: pixels().to_le_bytes(),
            extra,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luminance_to_alpha_rounds_up_as_ceil_does_for_every_colour() {
        let mut row = vec![CLEAR; 1 << 16];
        for r in 0..=255u8 {
            for (i, px) in row.iter_mut().enumerate() {
                let [g, b] = (i as u16).to_le_bytes();
                *px = [r, g, b, 0];
            }
            let want: Vec<Pixel> = row
                .iter()
                .map(|&[r, g, b, _]| {
                    // The formula as it was, with `ceil` and the saturating cast.
                    let [rf, gf, bf] = [r, g, b].map(|c| f32::from(c) / 255.0);
                    let luma = rf * 0.2126 + gf * 0.7152 + bf * 0.0722;
                    [r, g, b, (luma * 255.0).clamp(0.0, 255.0).ceil() as u8]
                })
                .collect();
            luminance_to_alpha(&mut row);
            assert_eq!(row, want, "red {r}");
        }
        // Beyond the range, and at exact integers and halves.
        for (v, want) in [
            (-3.5, 0),
            (0.0, 0),
            (0.25, 1),
            (1.0, 1),
            (1.5, 2),
            (254.5, 255),
            (255.0, 255),
            (300.0, 255),
        ] {
            assert_eq!(ceil_to_u8(v), want, "{v}");
        }
    }

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
    fn pair_lanes_compute_the_per_channel_formulas() {
        let naive = |p: Pixel, f: &dyn Fn(u32) -> u32| p.map(|c| f(u32::from(c)).min(255) as u8);
        for c in 0..=255u8 {
            let p = [c, c ^ 0x5a, 255 - c, c / 3];
            for k in 0..=256u32 {
                if k <= 255 {
                    let want = naive(p, &|c| u32::from(div255((c * k) as u16)));
                    assert_eq!(Pair::of(p).scaled_255(k).pixel(), want, "{p:?} * {k}");
                }
                let want = naive(p, &|c| (c * k + 128) >> 8);
                assert_eq!(Pair::of(p).scaled_256(k).pixel(), want, "{p:?} * {k}");
            }
            // Sums saturate per channel, without touching the neighbours.
            let q = [255, c, 1, 255 - c];
            let sum = naive(p, &|_| 0);
            let want: Pixel =
                std::array::from_fn(|i| (u32::from(p[i]) + u32::from(q[i])).min(255) as u8);
            assert_eq!(Pair::of(p).plus(Pair::of(q)).pixel(), want);
            assert_eq!(Pair::of(p).masked(0).pixel(), sum);
        }
    }

    #[test]
    fn shades_at_full_coverage_composite_as_at_any_other() {
        // The general formula at coverage 1, written out per channel.
        let over = |d: Pixel, s: Pixel| -> Pixel {
            let keep = 255 - u16::from(s[3]);
            std::array::from_fn(|k| {
                (u16::from(s[k]) + div255(u16::from(d[k]) * keep)).min(255) as u8
            })
        };
        let mut rng = crate::xorshift(0x9e37_79b9_u32);
        let mut next = || rng().to_le_bytes();
        let (mut row, mut shades) = (vec![CLEAR; 512], vec![CLEAR; 512]);
        for (i, (d, s)) in row.iter_mut().zip(&mut shades).enumerate() {
            *d = next();
            *s = next();
            // Premultiplied shades, a quarter of them opaque.
            s[3] = if i % 4 == 0 {
                255
            } else {
                s[3].max(s[0]).max(s[1]).max(s[2])
            };
        }
        let want: Vec<Pixel> = row.iter().zip(&shades).map(|(&d, &s)| over(d, s)).collect();
        paint_shades_over(&mut row, &shades, 1.0);
        assert_eq!(row, want);
    }

    #[test]
    fn one_pixel_paints_as_a_run_of_one() {
        for case in random_paint_cases((0x2545_f491, 0x9e37_79b9), 20_000) {
            let PaintCase {
                color,
                coverage,
                under,
                ..
            } = case;
            let solid = color.map(to_u8);
            let opaque = color[3] >= 1.0;
            let mut run = [under];
            paint_over(&mut run, color, coverage, solid, opaque);
            let mut px = under;
            let premultiplied = is_premultiplied(color);
            paint_pixel_over(&mut px, color, coverage, premultiplied);
            assert_eq!(px, run[0], "{color:?} at {coverage} over {under:?}");
            // No coverage leaves the pixel as it was, with no shortcut to say so.
            paint_pixel_over(&mut px, color, 0.0, premultiplied);
            assert_eq!(px, run[0], "{color:?} at no coverage over {:?}", run[0]);
        }
    }

    #[test]
    fn a_run_is_painted_once_over_every_pixel_whatever_its_length() {
        // Runs of every length to past three chunks, at every offset within a chunk, of
        // colours premultiplied or not, over random pixels: each pixel of the run painted
        // once (the last chunk, painted from the pixels as they were, overlaps the chunks
        // before it), the pixels around it untouched.
        let mut rng = crate::xorshift(0x2545_f491);
        for len in 0..=28 {
            for at in 0..8 {
                let mut s: Pixel = rng().to_le_bytes();
                if (len + at) % 2 == 0 {
                    s[3] = s[3].max(s[0]).max(s[1]).max(s[2]);
                }
                let row: Vec<Pixel> = (0..40).map(|_| rng().to_le_bytes()).collect();
                let want: Vec<Pixel> = (row.iter().enumerate())
                    .map(|(i, &was)| {
                        let mut want = was;
                        if (at..at + len).contains(&i) {
                            pixel_over(&mut want, s.map(u16::from), false);
                        }
                        want
                    })
                    .collect();
                // Inline in the caller's loop, and in every copy the CPU can run.
                let mut painted = row.clone();
                paint_rgba8_over(&mut painted[at..at + len], s);
                assert_eq!(painted, want, "{s:?}, {len} pixels at {at}, inline");
                for wide in Wide::all() {
                    let mut painted = row.clone();
                    paint_rgba8_over_with(wide, &mut painted[at..at + len], s);
                    let name = wide.name();
                    assert_eq!(painted, want, "{s:?}, {len} pixels at {at}, {name}");
                }
            }
        }
    }

    #[test]
    fn rows_of_shades_and_layers_composite_each_pixel_once_whatever_their_length() {
        // Each pixel of a run composited alone (a run of one takes the pixel-by-pixel
        // path) against the whole run at once (whole chunks and a last chunk overlapping
        // them), for runs of every length to past three chunks at every offset within a
        // chunk; the pixels around the run stay as they were.
        let mut rng = crate::xorshift(0x6c8e_9cf5);
        for len in 0..=28 {
            for at in 0..8 {
                let row: Vec<Pixel> = (0..40).map(|_| rng().to_le_bytes()).collect();
                // Premultiplied sources, some of them clear (a layer's pixels out of reach).
                let src: Vec<Pixel> = (0..40)
                    .map(|i| {
                        let mut s = rng().to_le_bytes();
                        s[3] = s[3].max(s[0]).max(s[1]).max(s[2]);
                        if i % 3 == 0 { CLEAR } else { s }
                    })
                    .collect();
                let (coverage, opacity) = ([1.0, 0.4][len % 2], [1.0, 0.7][at % 2]);
                type Composite<'a> = &'a dyn Fn(&mut [Pixel], &[Pixel]);
                let ops: [(&str, Composite<'_>); 2] = [
                    ("shades", &|d, s| paint_shades_over(d, s, coverage)),
                    ("layer", &|d, s| composite_layer(s, d, opacity)),
                ];
                for (name, op) in ops {
                    let (run, src) = (at..at + len, &src[at..at + len]);
                    let mut whole = row.clone();
                    op(&mut whole[run.clone()], src);
                    let mut alone = row.clone();
                    for (d, s) in alone[run].iter_mut().zip(src) {
                        op(std::slice::from_mut(d), std::slice::from_ref(s));
                    }
                    assert_eq!(whole, alone, "{name}: {len} pixels at {at}");
                }
            }
        }
    }

    #[test]
    fn fill_sets_exactly_the_pixels_of_its_slice() {
        // Every length to past two chunks, at every offset within a chunk, between pixels
        // that must stay as they were.
        let v = [1, 2, 3, 4];
        for len in 0..=24 {
            for at in 0..8 {
                let mut row = [[0xee; 4]; 40];
                fill(&mut row[at..at + len], v);
                for (i, px) in row.iter().enumerate() {
                    let inside = (at..at + len).contains(&i);
                    assert_eq!(
                        *px,
                        if inside { v } else { [0xee; 4] },
                        "{len} at {at}: {i}"
                    );
                }
            }
        }
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
