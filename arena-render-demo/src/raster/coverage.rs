//! Coverage of one path on one row: the steps of its spans in a difference array, turned
//! into runs of constant coverage and composited onto the target row run by run.

use super::crossing::ActiveEdge;
use crate::options::{MAX_DIMENSION, SUB_SCANLINES};
use crate::pixel::{
    Paint, Pixel, fill, is_premultiplied, paint_over, paint_pixel_over, paint_pixel_over_in_group,
    paint_rgba8_over_wide, paint_shades_over, scaled_256, to_u8,
};

// A cell's index is computed as a `u16` (see `CoverageRow::cell`): every row span must fit.
const _: () = assert!(MAX_DIMENSION < u16::MAX as u32);

/// Words of the touched-cell bitset for a row span of `pixels` (`pixels + 2` step cells).
pub(crate) fn touched_words(pixels: usize) -> usize {
    (pixels + 2).div_ceil(64)
}

/// One path's coverage on one row, as steps in a difference array.
///
/// Invariant: `steps` has `span + 2` cells, cell `i` for pixel `origin + i`, holding the
/// change of coverage from the previous pixel; `touched` has a bit per cell, set when that
/// cell or the next may be non-zero (a step at `x` writes the cells of `floor(x)` and the
/// pixel after it, so one bit per step marks both). Between paths every step is zero and
/// every bit clear; while a path is rasterised, every non-zero step is in the pair of some
/// set bit (a set bit may mark zero steps).
pub(crate) struct CoverageRow<'c> {
    steps: &'c mut [f32],
    touched: &'c mut [u64],
    /// The pixel of cell 0.
    origin: usize,
    /// The x range spans are clamped to: `origin` and `origin + span`.
    limit: (f32, f32),
}

impl<'c> CoverageRow<'c> {
    /// A coverage row for the `span` pixels from `origin`, over `steps` (`span + 2` zeros)
    /// and `touched` ([`touched_words`] of `span` zero words).
    pub(crate) fn new(
        steps: &'c mut [f32],
        touched: &'c mut [u64],
        origin: usize,
        span: usize,
    ) -> CoverageRow<'c> {
        debug_assert_eq!(steps.len(), span + 2);
        debug_assert_eq!(touched.len(), touched_words(span));
        debug_assert!(span <= MAX_DIMENSION as usize);
        CoverageRow {
            steps,
            touched,
            origin,
            limit: (origin as f32, (origin + span) as f32),
        }
    }

    /// The number of step cells: the row span plus two.
    #[inline(always)]
    pub(crate) fn cells(&self) -> usize {
        self.steps.len()
    }

    /// Adds a span from `x0` to `x1` of `weight`, clamped to the row span: a step up at its
    /// left end and down at its right end, where a step at `x` gives pixel `floor(x)` the
    /// part of it right of `x` and every pixel after it the whole weight. Returns the cells
    /// of the two steps' `floor(x)`, or `None` if nothing of the span is left on the row.
    #[inline(always)]
    pub(super) fn add_span(&mut self, x0: f32, x1: f32, weight: f32) -> Option<(usize, usize)> {
        let (left, right) = self.limit;
        let (x0, x1) = (x0.clamp(left, right), x1.clamp(left, right));
        // Tested as `x1 > x0`, so that a NaN end (which clamping keeps) gives no span.
        if x1 > x0 {
            let (i0, f0) = self.cell(x0);
            let (i1, f1) = self.cell(x1);
            // `x0 < x1` gives `i0 <= i1`: saying so lets one bounds check cover both pairs.
            debug_assert!(i0 <= i1);
            let i1 = i1.max(i0);
            let steps = &mut self.steps[..i1 + 2];
            steps[i0] += weight * (1.0 - f0);
            steps[i0 + 1] += weight * f0;
            steps[i1] += -weight * (1.0 - f1);
            steps[i1 + 1] += -weight * f1;
            // The same for the two bits: one bounds check, on the later word.
            let touched = &mut self.touched[..=i1 / 64];
            touched[i0 / 64] |= 1 << (i0 % 64);
            touched[i1 / 64] |= 1 << (i1 % 64);
            Some((i0, i1))
        } else {
            None
        }
    }

    /// Adds a step of `weight` at each of `points` (none NaN), clamped to the row span, where
    /// a step at `x` gives pixel `floor(x)` the part of it right of `x` and every pixel after
    /// it the whole weight. Points in one pixel that come one after another (as an edge's
    /// crossings of a row's sub-scanlines do) go in as one step of their total weight at
    /// their mean, which adds to the two cells what their steps would. Returns the first
    /// and the last cell written, or `None` if there are no points.
    #[inline(always)]
    pub(super) fn add_steps(
        &mut self,
        mut points: impl Iterator<Item = f32>,
        weight: f32,
    ) -> Option<(usize, usize)> {
        // The pixel of the points so far, how many, and the sum of their parts left of x.
        let (mut i, mut parts) = self.place(points.next()?);
        let mut n = 1.0f32;
        let (mut first, mut last) = (i, i);
        for x in points {
            let (j, part) = self.place(x);
            if j == i {
                parts += part;
                n += 1.0;
            } else {
                self.steps_in(i, n, parts, weight);
                (first, last) = (first.min(j), last.max(j));
                (i, parts, n) = (j, part, 1.0);
            }
        }
        self.steps_in(i, n, parts, weight);
        Some((first, last))
    }

    /// The cell of `x` (not NaN) clamped to the row span, and the part of its pixel left of
    /// it.
    #[inline(always)]
    fn place(&self, x: f32) -> (usize, f32) {
        debug_assert!(!x.is_nan());
        let (left, right) = self.limit;
        self.cell(x.clamp(left, right))
    }

    /// Adds the steps of `weight` at `n` points in pixel cell `i`, whose parts left of them
    /// sum to `parts`, and marks the cell's pair.
    #[inline(always)]
    fn steps_in(&mut self, i: usize, n: f32, parts: f32, weight: f32) {
        let steps = &mut self.steps[..i + 2];
        steps[i] += weight * (n - parts);
        steps[i + 1] += weight * parts;
        self.touched[i / 64] |= 1 << (i % 64);
    }

    /// The cell of `x` (within `limit`) and the part of its pixel left of `x`.
    #[inline(always)]
    fn cell(&self, x: f32) -> (usize, f32) {
        let x = x - self.origin as f32;
        // `x` is within `0..=span`, and a span is at most `MAX_DIMENSION` pixels, below
        // `u16::MAX`: the casts to `u16` and back are exact, and cheaper than those of `i32`
        // or `usize` (a clamp instead of tests for NaN and overflow), and the cell plus two
        // cannot overflow.
        let whole = x as u16;
        (usize::from(whole), x - f32::from(whole))
    }

    /// The span between `left` and `right`, two edges through every one of the row's
    /// [`SUB_SCANLINES`] sub-scanlines with `left` strictly left of `right` on each, clamped
    /// to the row span as the steps would be.
    #[inline(always)]
    pub(super) fn between(&self, left: &ActiveEdge, right: &ActiveEdge) -> Between {
        let (lo, hi) = self.limit;
        let at = |e: &ActiveEdge| -> [f32; SUBS] {
            std::array::from_fn(|k| e.x_at(k as i32).max(lo).min(hi) - lo)
        };
        let (l, r) = (at(left), at(right));
        // Crossings are linear in the sub-scanline (and clamping keeps their order): the
        // extremes are at the first and the last. Within `0..=span`, so the casts are exact
        // floors (and `ceil`, a library call on the x86-64 baseline, is a floor plus one
        // where something is left).
        let floor = |x: f32| x as u16 as usize;
        // (Comparing with `<=` would draw the same where `x` is whole: one cell more, fully
        // covered as the run would cover it, or not covered at all.)
        let ceil = |x: f32| floor(x) + usize::from((floor(x) as f32) < x);
        let (l_min, l_max) = (l[0].min(l[SUBS - 1]), l[0].max(l[SUBS - 1]));
        let (r_min, r_max) = (r[0].min(r[SUBS - 1]), r[0].max(r[SUBS - 1]));
        Between {
            l,
            r,
            first: floor(l_min),
            inner: ceil(l_max),
            outer: floor(r_min),
            end: ceil(r_max),
            origin: self.origin,
        }
    }

    /// Turns the steps in `lo..=hi` into coverage and composites `color` at that coverage
    /// onto `target` (a layer row starting at pixel `x_off`), clearing the steps.
    ///
    /// Coverage is constant between two steps, so the work is one run per step: a fill
    /// for an opaque colour at full coverage, nothing at zero, a blend otherwise.
    #[inline(always)]
    pub(super) fn blend(
        &mut self,
        lo: usize,
        hi: usize,
        target: &mut [Pixel],
        x_off: usize,
        paint: RunPaint,
        antialias: bool,
    ) {
        match paint.layer_opacity {
            None => self.runs(lo, hi, antialias, |run, coverage, one| {
                if one {
                    draw_pixel(target, x_off, run.start, coverage, paint);
                } else {
                    draw_run(target, x_off, run, coverage, paint);
                }
            }),
            Some(_) => self.runs(lo, hi, antialias, |run, coverage, one| {
                if one {
                    draw_pixel(target, x_off, run.start, coverage, paint);
                } else {
                    draw_run(target, x_off, run, coverage, paint);
                }
            }),
        }
    }

    /// [`CoverageRow::blend`] with a colour per pixel: `shade(x, out)` writes the colours
    /// of the pixels from `x` into `out`, and is asked only for the covered pixels inside
    /// `target`; `colors` (one per cell) holds them meanwhile. Where the colours are
    /// `opaque` (all of them, always), a fully covered run is shaded straight into `target`:
    /// source-over of an opaque colour is that colour.
    #[allow(
        clippy::too_many_arguments,
        reason = "the kernel's memory, passed in by parts"
    )]
    pub(super) fn blend_shaded(
        &mut self,
        lo: usize,
        hi: usize,
        target: &mut [Pixel],
        x_off: usize,
        colors: &mut [Pixel],
        shade: impl Fn(usize, &mut [Pixel]),
        opaque: bool,
        antialias: bool,
    ) {
        let origin = self.origin;
        self.runs(lo, hi, antialias, |run, coverage, _| {
            // Pixels of the run inside the target, and their colours.
            let start = run.start.max(x_off);
            let end = run.end.min(x_off + target.len());
            if opaque && coverage == 1.0 && start < end {
                shade(start, &mut target[start - x_off..end - x_off]);
            } else if coverage != 0.0 && start < end {
                let shades = &mut colors[start - origin..end - origin];
                shade(start, shades);
                paint_shades_over(&mut target[start - x_off..end - x_off], shades, coverage);
            }
        });
    }

    /// Walks the steps in `lo..=hi` in order, clearing them, and hands each run of pixels
    /// between two steps to `run` with its coverage (constant over the run; empty runs
    /// too, at their coverage) and whether the run is known to be one pixel long.
    ///
    /// The run between the two cells of a touched pair is always one pixel, the pixel a span
    /// end falls in, and most partially covered runs are such pixels: saying so lets the
    /// caller paint it without the set-up of a run.
    #[inline(always)]
    fn runs(
        &mut self,
        lo: usize,
        hi: usize,
        antialias: bool,
        mut run: impl FnMut(std::ops::Range<usize>, f32, bool),
    ) {
        let mut acc = 0.0f32;
        let mut coverage = 0.0f32;
        let mut run_start = lo;
        for word in lo / 64..=hi / 64 {
            let mut bits = std::mem::take(&mut self.touched[word]);
            while bits != 0 {
                let first = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // The marked pair, in order (a cell met twice has a zero step the second
                // time, and an empty run before it). A loop over a range, not over an
                // array of the two cells, which the compiler kept on the stack.
                for j in 0..2 {
                    let (cell, one) = (first + j, j == 1);
                    debug_assert!(!one || cell == run_start + 1);
                    run(self.origin + run_start..self.origin + cell, coverage, one);
                    acc += std::mem::take(&mut self.steps[cell]);
                    coverage = snap(acc, antialias);
                    run_start = cell;
                }
            }
        }
        // The steps of a path sum to zero: past the last one, nothing is covered.
        debug_assert!(coverage == 0.0, "coverage {acc} left at the end of a row");
    }
}

/// Coverage from the running sum: clamped, with the prefix sum's rounding crumbs (of order
/// 1e-7) snapped to 0 and 1, and thresholded when not anti-aliasing.
#[inline(always)]
fn snap(acc: f32, antialias: bool) -> f32 {
    if !antialias {
        return if acc >= 0.5 { 1.0 } else { 0.0 };
    }
    if acc < 1e-5 {
        0.0
    } else if acc > 1.0 - 1e-5 {
        1.0
    } else {
        acc
    }
}

/// Sub-scanlines per row when anti-aliasing: the crossings an edge has on a row.
const SUBS: usize = SUB_SCANLINES as usize;

/// The span between two edges on one row (see [`CoverageRow::between`]): its crossings,
/// relative to the row span's first pixel, and its cells. Cells `first..inner` hold the left
/// edge's crossings, `outer..end` the right edge's; where `inner < outer` the cells between
/// are inside the span on every sub-scanline.
pub(super) struct Between {
    l: [f32; SUBS],
    r: [f32; SUBS],
    first: usize,
    inner: usize,
    outer: usize,
    end: usize,
    /// The pixel of cell 0.
    origin: usize,
}

impl Between {
    /// Composites `paint` onto `target` (a layer row starting at pixel `x_off`) over the
    /// span, without the coverage row's steps.
    #[inline(always)]
    pub(super) fn paint(&self, target: &mut [Pixel], x_off: usize, paint: RunPaint) {
        let [left, inside, right] = self.parts();
        for x in left {
            draw_pixel(target, x_off, x, self.cover(x), paint);
        }
        draw_run(target, x_off, inside, 1.0, paint);
        for x in right {
            draw_pixel(target, x_off, x, self.cover(x), paint);
        }
    }

    /// [`Between::paint`] with a colour per pixel, as [`CoverageRow::blend_shaded`] takes
    /// them: `shade` is asked once, for the span's pixels inside `target`; `opaque` colours
    /// are copied onto the pixels inside the span on every sub-scanline.
    #[inline(always)]
    pub(super) fn paint_shaded(
        &self,
        target: &mut [Pixel],
        x_off: usize,
        colors: &mut [Pixel],
        shade: impl Fn(usize, &mut [Pixel]),
        opaque: bool,
    ) {
        let pixels = self.pixels();
        let (start, end) = (
            pixels.start.max(x_off),
            pixels.end.min(x_off + target.len()),
        );
        if start >= end {
            return;
        }
        let origin = self.origin;
        shade(start, &mut colors[start - origin..end - origin]);
        let [left, inside, right] = self.parts();
        let mut paint = |run: std::ops::Range<usize>, coverage: f32| {
            let (a, b) = (run.start.max(start), run.end.min(end));
            // Nothing to paint at no coverage or outside `start..end`: the tests for both
            // save work and slicing's panics, as the spans lie inside their layers.
            if coverage != 0.0 && a < b {
                let (pixels, shades) = (
                    &mut target[a - x_off..b - x_off],
                    &colors[a - origin..b - origin],
                );
                if opaque && coverage == 1.0 {
                    pixels.copy_from_slice(shades);
                } else {
                    paint_shades_over(pixels, shades, coverage);
                }
            }
        };
        for x in left {
            paint(x..x + 1, self.cover(x));
        }
        paint(inside, 1.0);
        for x in right {
            paint(x..x + 1, self.cover(x));
        }
    }

    /// The pixels the span may cover.
    #[inline(always)]
    fn pixels(&self) -> std::ops::Range<usize> {
        self.origin + self.first..self.origin + self.end
    }

    /// The exact coverage of pixel `x`: the mean over the sub-scanlines of the part of the
    /// pixel inside the span, snapped as the steps' running sum is.
    #[inline(always)]
    fn cover(&self, x: usize) -> f32 {
        // A cell index fits in a `u32` (a row span is at most `MAX_DIMENSION`), whose
        // conversion is one instruction, where that of a `usize` is several.
        let c0 = (x - self.origin) as u32 as f32;
        let c1 = c0 + 1.0;
        let mut sum = 0.0;
        for k in 0..SUBS {
            sum += (c1.min(self.r[k]) - c0.max(self.l[k])).clamp(0.0, 1.0);
        }
        snap(sum * (1.0 / SUBS as f32), true)
    }

    /// The pixels of the span in three parts: those the left edge's crossings fall in, those
    /// inside on every sub-scanline (empty when the edges' pixels meet), and those the right
    /// edge's crossings fall in.
    #[inline(always)]
    fn parts(&self) -> [std::ops::Range<usize>; 3] {
        let o = self.origin;
        // Without pixels inside on every sub-scanline, every pixel is one of the edges'.
        // (Any pixel may be painted as an edge's: its area is then 1, drawn as the run
        // would draw it. The split saves the areas' work; equal bounds give the same.)
        let (inner, outer) = if self.inner < self.outer {
            (self.inner, self.outer)
        } else {
            (self.end, self.end)
        };
        [
            o + self.first..o + inner,
            o + inner..o + outer,
            o + outer..o + self.end,
        ]
    }
}

/// A solid colour as the runs of one path composite it.
#[derive(Clone, Copy)]
pub(super) struct RunPaint {
    color: Paint,
    /// `color` in RGBA8.
    solid: Pixel,
    /// Whether `color` is opaque.
    opaque: bool,
    /// Whether no colour channel of `color` exceeds its alpha.
    premultiplied: bool,
    /// The opacity of the group the path is alone in, in 8.8 fixed point.
    layer_opacity: Option<u32>,
}

impl RunPaint {
    /// `color` (whose RGBA8 rounding by [`to_u8`] is `solid`, which the fill keeps) for the
    /// runs of a path, drawn in a group with `layer_opacity` if any.
    #[inline(always)]
    pub(super) fn new(color: Paint, solid: Pixel, layer_opacity: Option<u32>) -> RunPaint {
        debug_assert_eq!(solid, color.map(to_u8));
        RunPaint {
            color,
            solid,
            opaque: color[3] >= 1.0,
            premultiplied: is_premultiplied(color),
            layer_opacity,
        }
    }
}

/// A group's opacity in 8.8 fixed point, rounded as the layer composite rounds it.
#[inline(always)]
pub(super) fn layer_opacity(opacity: f32) -> u32 {
    (opacity * 256.0 + 0.5) as u32
}

/// Composites `paint` at `coverage` onto pixels `run` of `target` (which starts at `x_off`;
/// pixels outside it are skipped).
#[inline(always)]
fn draw_run(
    target: &mut [Pixel],
    x_off: usize,
    run: std::ops::Range<usize>,
    coverage: f32,
    paint: RunPaint,
) {
    if coverage == 0.0 || run.is_empty() {
        return;
    }
    let start = run.start.max(x_off) - x_off;
    let end = (run.end.max(x_off) - x_off).min(target.len());
    let Some(pixels) = target.get_mut(start..end) else {
        return;
    };
    match paint.layer_opacity {
        None => paint_over(pixels, paint.color, coverage, paint.solid, paint.opaque),
        Some(op) => draw_run_in_group(pixels, paint.color, coverage, op),
    }
}

/// [`draw_run`] for the one pixel `x`.
#[inline(always)]
fn draw_pixel(target: &mut [Pixel], x_off: usize, x: usize, coverage: f32, paint: RunPaint) {
    // Left of `x_off` wraps to beyond any row.
    let Some(px) = target.get_mut(x.wrapping_sub(x_off)) else {
        return;
    };
    // Painted whatever the coverage, even none (see `paint_pixel_over`); in a group, a
    // clear layer pixel returns early.
    match paint.layer_opacity {
        None => paint_pixel_over(px, paint.color, coverage, paint.premultiplied),
        Some(op) => {
            paint_pixel_over_in_group(px, paint.color, coverage, op as u16, paint.premultiplied);
        }
    }
}

/// Composites `color` at `coverage` onto `pixels` as a group with opacity `op` (8.8 fixed
/// point) holding only this path would: see `FillRow`. Out of line, so that the loop of
/// the common case stays as small as it was.
#[inline(never)]
fn draw_run_in_group(pixels: &mut [Pixel], color: Paint, coverage: f32, op: u32) {
    // What the group's layer would hold here: the colour at this coverage over a clear
    // pixel (`paint_over` onto zeros leaves exactly this), then scaled by the opacity and
    // composited source-over, as the layer composite does it per pixel.
    let layer = color.map(|c| to_u8(c * coverage));
    if layer[3] == 0 {
        // A transparent layer pixel leaves the parent as it is.
        return;
    }
    let s = scaled_256(layer, op);
    if s[3] == 255 {
        // Source-over of an opaque colour replaces the pixel.
        fill(pixels, s);
    } else {
        paint_rgba8_over_wide(pixels, s);
    }
}

#[cfg(test)]
mod tests {
    use super::{CoverageRow, draw_run_in_group, touched_words};
    use crate::pixel::{
        PaintCase, is_premultiplied, paint_pixel_over_in_group, random_paint_cases,
    };

    #[test]
    fn one_pixel_in_a_group_paints_as_a_run_of_one() {
        for case in random_paint_cases((0x7f4a_7c15, 0x1234_5679), 20_000) {
            let PaintCase {
                color,
                coverage,
                under,
                extra,
            } = case;
            let op = (extra * 257.0) as u32;
            let mut run = [under];
            draw_run_in_group(&mut run, color, coverage, op);
            let mut px = under;
            paint_pixel_over_in_group(&mut px, color, coverage, op as u16, is_premultiplied(color));
            assert_eq!(
                px, run[0],
                "{color:?} at {coverage}, opacity {op}, over {under:?}"
            );
        }
    }

    #[test]
    fn points_in_one_pixel_add_one_step_of_their_total_weight() {
        // Pixels 100 to 108. Points 103.2, 103.3, 103.4 (one pixel) then 104.5 and 104.9 (the
        // next): two steps, of three and two times the weight, at the mean of each pixel's
        // points, against a step per point.
        let points = [103.2f32, 103.3, 103.4, 104.5, 104.9];
        let (mut steps, mut touched) = (vec![0.0f32; 10], vec![0u64; touched_words(8)]);
        let mut row = CoverageRow::new(&mut steps, &mut touched, 100, 8);
        assert_eq!(row.add_steps(points.into_iter(), -0.25), Some((3, 4)));
        let (mut each, mut each_touched) = (vec![0.0f32; 10], vec![0u64; touched_words(8)]);
        let mut by_point = CoverageRow::new(&mut each, &mut each_touched, 100, 8);
        for x in points {
            let cell = (x as usize) - 100;
            assert_eq!(
                by_point.add_steps(std::iter::once(x), -0.25),
                Some((cell, cell))
            );
        }
        // Equal to the rounding of x near 103 (an ulp is 8e-6).
        for (one, per_point) in steps.iter().zip(&each) {
            assert!((one - per_point).abs() < 1e-5, "{steps:?} against {each:?}");
        }
        let expected = [0.0, 0.0, 0.0, -0.525, -0.375, -0.35, 0.0, 0.0, 0.0, 0.0];
        for (cell, want) in steps.iter().zip(expected) {
            assert!((cell - want).abs() < 1e-5, "{steps:?}");
        }
        assert_eq!(
            (touched, each_touched),
            (vec![1 << 3 | 1 << 4], vec![1 << 3 | 1 << 4])
        );

        // Clamped to the row: off it on the left, all at the first pixel's left end; on the
        // right, at the row's end; no points, nothing. Points that leave a pixel and come
        // back to it are separate steps, and the cells returned are the extremes.
        let (mut steps, mut touched) = (vec![0.0f32; 10], vec![0u64; touched_words(8)]);
        let mut row = CoverageRow::new(&mut steps, &mut touched, 100, 8);
        assert_eq!(row.add_steps([90.0, 95.0].into_iter(), 0.5), Some((0, 0)));
        assert_eq!(
            row.add_steps([f32::INFINITY, 120.0].into_iter(), -0.5),
            Some((8, 8))
        );
        assert_eq!(row.add_steps(std::iter::empty(), 1.0), None);
        assert_eq!(
            row.add_steps([102.5, 101.5, 102.5].into_iter(), 1.0),
            Some((1, 2))
        );
        assert_eq!(steps, [1.0, 0.5, 1.5, 1.0, 0.0, 0.0, 0.0, 0.0, -1.0, 0.0]);
        assert_eq!(touched, [1 << 0 | 1 << 1 | 1 << 2 | 1 << 8]);
    }

    #[test]
    fn a_span_adds_its_two_steps_clamped_to_the_row_or_nothing() {
        // Pixels 100 to 108.
        let (mut steps, mut touched) = (vec![0.0f32; 10], vec![0u64; touched_words(8)]);
        let mut row = CoverageRow::new(&mut steps, &mut touched, 100, 8);
        // Empty, reversed, off the row on either side, or with a NaN end: nothing.
        for (x0, x1) in [
            (103.5, 103.5),
            (105.0, 102.0),
            (90.0, 99.0),
            (109.0, 120.0),
            (f32::NAN, 104.0),
            (102.0, f32::NAN),
        ] {
            assert_eq!(row.add_span(x0, x1, 1.0), None, "{x0}..{x1}");
        }
        // Pixel 101 gains three quarters, 102 the rest; 103 loses half, 104 the rest.
        assert_eq!(row.add_span(101.25, 103.5, 1.0), Some((1, 3)));
        // Past both ends of the row: clamped to its first pixel and its end.
        assert_eq!(row.add_span(90.0, 120.0, 0.25), Some((0, 8)));
        assert_eq!(
            steps,
            [0.25, 0.75, 0.25, -0.5, -0.5, 0.0, 0.0, 0.0, -0.25, 0.0]
        );
        assert_eq!(touched, [1 << 0 | 1 << 1 | 1 << 3 | 1 << 8]);
    }
}
