//! The raster kernel: one path on one row, from edges to crossings to spans to coverage to
//! pixels, in memory the caller provides (the row walker takes it from the line).
//!
//! For each sub-scanline the kernel computes the crossings of the path's active edges,
//! sorts them, walks the winding number to get the spans that are inside under the fill
//! rule, and adds each span's exact horizontal coverage to a coverage row (as steps in a
//! difference array, so a span costs O(1) however wide). Coverage is constant between two
//! steps, so a touched-cell bitset turns the steps into runs, and each run is composited
//! onto the target row at once (an opaque run is a plain fill).

use arena_core::ScanLocal;

use crate::options::SUB_SCANLINES;
use crate::paint::{PaintRef, Tile};
use crate::pixel::{Paint, Pixel, paint_over, paint_shades_over, to_u8};
use crate::scene::{FillItem, Scene};

/// An edge that touches the current row, with its x stepped per sub-scanline.
///
/// Invariant: `0 <= k0 < k1 <= sub_scanlines`; on sub-scanline `k` of the row (for `k` in
/// `k0..k1`) the edge crosses at `x + k * step`.
#[derive(Clone, Copy, Debug, Default, PartialEq, ScanLocal)]
pub struct ActiveEdge {
    /// x on the row's first sub-scanline (extrapolated if the edge starts lower).
    pub x: f32,
    /// x change from one sub-scanline to the next.
    pub step: f32,
    /// First sub-scanline of the row the edge crosses.
    pub k0: i32,
    /// One past the last sub-scanline of the row the edge crosses.
    pub k1: i32,
    /// +1 going down, -1 going up.
    pub dir: i32,
}

/// Where an edge crosses a sub-scanline, and which way it winds.
#[derive(Clone, Copy, Debug, Default, PartialEq, ScanLocal)]
pub struct Crossing {
    /// x in pixels.
    pub x: f32,
    /// +1 or -1.
    pub winding: i32,
}

/// A horizontal run of a sub-scanline that is inside the path.
#[derive(Clone, Copy, Debug, Default, PartialEq, ScanLocal)]
pub struct Span {
    /// Left end in pixels.
    pub x0: f32,
    /// Right end in pixels.
    pub x1: f32,
}

/// The row's edges of one path (`entries`, indices into the scene's edges), as active
/// edges.
pub(crate) fn activate<'s>(
    scene: &'s Scene,
    y: u32,
    entries: &'s [u32],
) -> impl ExactSizeIterator<Item = ActiveEdge> + 's {
    let s = scene.sub_scanlines() as i32;
    let row_sub = y as i32 * s;
    // `s` is a power of two: multiplying by its reciprocal is exact, and cheaper than a
    // division per edge.
    let per_sub = 1.0 / s as f32;
    entries.iter().map(move |&e| {
        let e = scene.edge(e);
        let subs = e.subs();
        let active = ActiveEdge {
            x: e.x_at_sub(row_sub, s),
            step: e.dxdy() * per_sub,
            k0: (subs.start - row_sub).max(0),
            k1: (subs.end - row_sub).min(s),
            dir: e.dir(),
        };
        // The row index lists only edges that cross a sub-scanline of the row.
        debug_assert!(0 <= active.k0 && active.k0 < active.k1 && active.k1 <= s);
        active
    })
}

/// The most crossings on one sub-scanline of the row: exactly what the scene's
/// `max_sub_crossings` bounds.
pub(crate) fn most_crossings(active: &[ActiveEdge], sub_scanlines: u32) -> usize {
    // One pass over the edges, counting into a small table (a row has at most
    // `SUB_SCANLINES` sub-scanlines), rather than one pass per sub-scanline.
    let mut live = [0usize; SUB_SCANLINES as usize];
    let live = &mut live[..sub_scanlines as usize];
    for a in active {
        for n in &mut live[a.k0 as usize..a.k1 as usize] {
            *n += 1;
        }
    }
    live.iter().copied().max().unwrap_or(0)
}

/// Words of the touched-cell bitset for a row span of `pixels` (`pixels + 2` step cells).
pub(crate) fn touched_words(pixels: usize) -> usize {
    (pixels + 2).div_ceil(64)
}

/// One path on one row.
///
/// `layer_opacity`: `Some(op)` draws the path as the only content of a group with opacity
/// `op` (8.8 fixed point, as the layer composite takes it): each run's colour is what the
/// group's layer would hold there, scaled by `op`, so the pixels are exactly those of
/// drawing a layer and compositing it, without the layer.
pub(crate) struct FillRow<'s> {
    scene: &'s Scene,
    tiles: &'s [Tile],
    fill: &'s FillItem,
    y: u32,
    layer_opacity: Option<u32>,
}

impl<'s> FillRow<'s> {
    /// `fill` of `scene` (whose pattern tiles are `tiles`), on row `y`.
    pub(crate) fn new(
        scene: &'s Scene,
        tiles: &'s [Tile],
        fill: &'s FillItem,
        y: u32,
    ) -> FillRow<'s> {
        FillRow {
            scene,
            tiles,
            fill,
            y,
            layer_opacity: None,
        }
    }

    /// The same path drawn as the only content of a group with `opacity` (normal blend, no
    /// clip, no mask): see [`FillRow`]. Only for a solid paint.
    pub(crate) fn in_group(self, opacity: f32) -> FillRow<'s> {
        debug_assert!(matches!(self.fill.paint(), PaintRef::Solid(_)));
        FillRow {
            layer_opacity: Some(layer_opacity(opacity)),
            ..self
        }
    }

    /// Rasterises the path and composites it onto `target` (a layer row starting at pixel
    /// `x_off`). `crossings` has room for [`most_crossings`], `spans` for half of that;
    /// `coverage` is all zero, and is left so. `colors` is empty for a solid paint, and
    /// as long as the coverage row's steps for a shader (which writes the span's colours
    /// there).
    #[allow(
        clippy::too_many_arguments,
        reason = "the kernel's memory, passed in by parts"
    )]
    pub(crate) fn rasterize(
        &self,
        active: &[ActiveEdge],
        crossings: &mut [Crossing],
        spans: &mut [Span],
        coverage: &mut CoverageRow<'_>,
        colors: &mut [Pixel],
        target: &mut [Pixel],
        x_off: usize,
    ) {
        let (left, right) = coverage.limit;
        let (mut lo, mut hi) = (usize::MAX, 0usize);
        let antialias = self.scene.antialias() && self.fill.antialias();
        // An aliased path's edges are vertical over whole rows (one edge per row, at the
        // row centre's crossing), so every sub-scanline of the row has the same crossings:
        // one of them, at the weight of all, adds the same coverage (exactly: the weights
        // are powers of two, and the crossings are whole pixels).
        let s =
            if self.fill.antialias() {
                self.scene.sub_scanlines() as i32
            } else {
                debug_assert!(active.iter().all(|a| a.step == 0.0
                    && a.k0 == 0
                    && a.k1 == self.scene.sub_scanlines() as i32));
                1
            };
        let weight = 1.0 / s as f32;
        for k in 0..s {
            let mut n = 0;
            for a in active.iter().filter(|a| a.k0 <= k && k < a.k1) {
                crossings[n] = Crossing {
                    x: a.x + k as f32 * a.step,
                    winding: a.dir,
                };
                n += 1;
            }
            let crossings = &mut crossings[..n];
            sort_crossings(crossings);
            for span in inside_spans(crossings, self.fill, spans).iter() {
                let (x0, x1) = if antialias {
                    (span.x0, span.x1)
                } else {
                    // Aliased: the pixels whose centres are inside, as tiny-skia rounds.
                    ((span.x0 + 0.5).floor(), (span.x1 + 0.5).floor())
                };
                let (x0, x1) = (x0.clamp(left, right), x1.clamp(left, right));
                if x1 > x0 {
                    lo = lo.min(coverage.add_step(x0, weight));
                    hi = hi.max(coverage.add_step(x1, -weight) + 1);
                }
            }
        }
        if lo >= hi {
            return;
        }
        match self.fill.paint() {
            PaintRef::Solid(color) => {
                let paint = RunPaint::new(color, self.layer_opacity);
                coverage.blend(lo, hi, target, x_off, paint, antialias);
            }
            PaintRef::Shader(i) => {
                let shader = self.scene.shader(i);
                let shade = |x0: usize, out: &mut [Pixel]| {
                    shader.shade_row(self.y, x0, out, self.tiles);
                };
                coverage.blend_shaded(lo, hi, target, x_off, colors, shade, antialias);
            }
        }
    }
}

/// Sorts one sub-scanline's crossings by x. Most paths cross a sub-scanline twice: two
/// crossings are ordered inline (swapped only when the second is strictly less, as the
/// library's insertion sort does), without the call and the loop of a general sort.
#[inline(always)]
fn sort_crossings(crossings: &mut [Crossing]) {
    match crossings {
        [] | [_] => {}
        [a, b] => {
            if b.x.total_cmp(&a.x).is_lt() {
                std::mem::swap(a, b);
            }
        }
        _ => crossings.sort_unstable_by(|a, b| a.x.total_cmp(&b.x)),
    }
}

/// The spans of sorted `crossings` that are inside under the fill rule, written to the
/// front of `spans` (which has room for `crossings.len() / 2`).
fn inside_spans<'a>(crossings: &[Crossing], fill: &FillItem, spans: &'a mut [Span]) -> &'a [Span] {
    let rule = fill.rule();
    let mut winding = 0;
    let mut n = 0;
    let mut start = 0.0;
    for c in crossings {
        let was = rule.inside(winding);
        winding += c.winding;
        let is = rule.inside(winding);
        if !was && is {
            start = c.x;
        } else if was && !is {
            spans[n] = Span { x0: start, x1: c.x };
            n += 1;
        }
    }
    &spans[..n]
}

/// One path's coverage on one row, as steps in a difference array.
///
/// Invariant: `steps` has `span + 2` cells, cell `i` for pixel `origin + i`, holding the
/// change of coverage from the previous pixel; `touched` has a bit per cell that may be
/// non-zero. Between paths every step is zero and every bit clear; while a path is
/// rasterised, every non-zero step's bit is set (a set bit may have a zero step).
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

    /// Adds a step of `weight` at `x` (within `limit`): pixel `floor(x)` gains the part of
    /// it right of `x`, every pixel after it the whole weight. Returns the cell of
    /// `floor(x)`.
    #[inline(always)]
    fn add_step(&mut self, x: f32, weight: f32) -> usize {
        let x = x - self.origin as f32;
        // `x` is within `0..=span` (the spans are clamped to `limit`): the cast to `i32` is
        // exact, and cheaper than a saturating cast to `usize`.
        let i = x as i32 as usize;
        let frac = x - i as f32;
        self.steps[i] += weight * (1.0 - frac);
        self.steps[i + 1] += weight * frac;
        self.touched[i / 64] |= 1 << (i % 64);
        self.touched[(i + 1) / 64] |= 1 << ((i + 1) % 64);
        i
    }

    /// Turns the steps in `lo..=hi` into coverage and composites `color` at that coverage
    /// onto `target` (a layer row starting at pixel `x_off`), clearing the steps.
    ///
    /// Coverage is constant between two steps, so the work is one run per step: a fill
    /// for an opaque colour at full coverage, nothing at zero, a blend otherwise.
    fn blend(
        &mut self,
        lo: usize,
        hi: usize,
        target: &mut [Pixel],
        x_off: usize,
        paint: RunPaint,
        antialias: bool,
    ) {
        let mut acc = 0.0f32;
        let mut coverage = 0.0f32;
        let mut run_start = lo;
        for word in lo / 64..=hi / 64 {
            let mut bits = std::mem::take(&mut self.touched[word]);
            while bits != 0 {
                let cell = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let run = self.origin + run_start..self.origin + cell;
                draw_run(target, x_off, run, coverage, paint);
                acc += std::mem::take(&mut self.steps[cell]);
                coverage = snap(acc, antialias);
                run_start = cell;
            }
        }
        // The steps of a path sum to zero: past the last one, nothing is covered.
        debug_assert!(coverage == 0.0, "coverage {acc} left at the end of a row");
    }

    /// [`CoverageRow::blend`] with a colour per pixel: `shade(x, out)` writes the colours
    /// of the pixels from `x` into `out`, and is asked only for the covered pixels inside
    /// `target`; `colors` (one per cell) holds them meanwhile.
    #[allow(
        clippy::too_many_arguments,
        reason = "the kernel's memory, passed in by parts"
    )]
    fn blend_shaded(
        &mut self,
        lo: usize,
        hi: usize,
        target: &mut [Pixel],
        x_off: usize,
        colors: &mut [Pixel],
        shade: impl Fn(usize, &mut [Pixel]),
        antialias: bool,
    ) {
        let mut acc = 0.0f32;
        let mut coverage = 0.0f32;
        let mut run_start = lo;
        for word in lo / 64..=hi / 64 {
            let mut bits = std::mem::take(&mut self.touched[word]);
            while bits != 0 {
                let cell = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if coverage != 0.0 && cell > run_start {
                    // Pixels of the run inside the target, and their colours.
                    let (a, b) = (self.origin + run_start, self.origin + cell);
                    let start = a.max(x_off);
                    let end = b.min(x_off + target.len());
                    if start < end {
                        let shades = &mut colors[start - self.origin..end - self.origin];
                        shade(start, shades);
                        paint_shades_over(
                            &mut target[start - x_off..end - x_off],
                            shades,
                            coverage,
                        );
                    }
                }
                acc += std::mem::take(&mut self.steps[cell]);
                coverage = snap(acc, antialias);
                run_start = cell;
            }
        }
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

/// A solid colour as the runs of one path composite it.
#[derive(Clone, Copy)]
struct RunPaint {
    color: Paint,
    /// `color` in RGBA8.
    solid: Pixel,
    /// Whether `color` is opaque.
    opaque: bool,
    /// The opacity of the group the path is alone in, in 8.8 fixed point.
    layer_opacity: Option<u32>,
}

impl RunPaint {
    #[inline(always)]
    fn new(color: Paint, layer_opacity: Option<u32>) -> RunPaint {
        RunPaint {
            color,
            solid: color.map(to_u8),
            opaque: color[3] >= 1.0,
            layer_opacity,
        }
    }
}

/// A group's opacity in 8.8 fixed point, rounded as the layer composite rounds it.
#[inline(always)]
fn layer_opacity(opacity: f32) -> u32 {
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

/// Composites `color` at `coverage` onto `pixels` as a group with opacity `op` (8.8 fixed
/// point) holding only this path would: see [`FillRow`]. Out of line, so that the loop of
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
    let s = layer.map(|c| ((u32::from(c) * op + 128) >> 8) as u8);
    // `paint_over` at full coverage of a colour whose RGBA8 form is `s` composites `s`
    // itself: `to_u8(c / 255)` is `c` for every byte.
    paint_over(pixels, s.map(|c| f32::from(c) / 255.0), 1.0, s, s[3] == 255);
}
