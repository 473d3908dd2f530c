//! The scan-line renderer: every per-line temporary comes from the line arena.
//!
//! For each pixel row, and for each path that touches it (in paint order), the renderer
//! copies the path's edges that touch the row into the arena (the active edges), and for
//! each sub-scanline computes the crossings, sorts them, walks the winding number to get the
//! spans that are inside under the fill rule, and adds each span's exact horizontal coverage
//! to a coverage row (as steps in a difference array, so a span costs O(1) however wide).
//! Coverage is constant between two steps, so a touched-cell bitset turns the steps into
//! runs, and each run is composited onto the current layer row at once (an opaque run is a
//! plain fill). The base layer is the output row itself (premultiplied RGBA8); a group with
//! opacity gets a layer row of its own in the arena, composited onto its parent when the
//! group ends. A path's scratch and a group's layer live in a [`Line::scope`], so they are
//! released as soon as they are done with. A row only touches the pixels its edges can
//! reach, so a sparse image costs what it draws.
//!
//! Nothing a line allocates survives it; the row's pixels are written to the caller's
//! buffer. The arena's capacity comes from [`Scene::budget`], computed from the scene's
//! parameters before any row is rendered.

use std::fmt;
use std::sync::{Mutex, PoisonError};

use arena_core::{ARENA_ALIGN, ArenaFull, Budget, BudgetOverflow, Line, ScanArena, ScanLocal};
use rayon::prelude::*;

use crate::image::Image;
use crate::scene::{FillItem, Op, Scene};

/// A premultiplied RGBA8 pixel, as in the output image and in group layers (8-bit
/// compositing, as resvg's pipeline does for solid colours).
pub type Pixel = [u8; 4];

/// Transparent black.
pub const CLEAR: Pixel = [0; 4];

/// A premultiplied RGBA colour with components in `0.0..=1.0`: a path's paint.
pub type Paint = [f32; 4];

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

/// What one render measured about the arenas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineUse {
    /// The per-line budget (each worker's arena capacity) in bytes.
    pub budget: usize,
    /// The high-water mark of each row, in bytes, indexed by row.
    pub per_row: Vec<usize>,
    /// The most any line used, in bytes (from the arenas' own statistics).
    pub peak: usize,
    /// Worker arenas created.
    pub arenas: usize,
}

impl Scene {
    /// The per-line arena budget, from the scene parameters and the render structs' bounds:
    /// the coverage row, the layer rows of the widest chain of nested groups, and the
    /// scratch
    /// of the worst path on the worst row (its active edges, one sub-scanline's crossings and
    /// the spans between them).
    pub fn budget(&self) -> Result<Budget, BudgetOverflow> {
        let p = self.params();
        Budget::new()
            .try_reserve_slice::<f32>(p.max_row_span + 2)?
            .try_reserve_slice::<u64>(touched_words(p.max_row_span))?
            // The layer rows of a chain of nested groups take what one slice of their summed
            // widths takes, plus at most one granule of padding each.
            .try_reserve_slice::<Pixel>(p.max_layer_pixels)?
            .try_reserve_bytes(p.max_depth * ARENA_ALIGN)?
            .try_reserve_slice::<ActiveEdge>(p.max_row_edges)?
            .try_reserve_slice::<Crossing>(p.max_sub_crossings)?
            .try_reserve_slice::<Span>(p.max_sub_crossings / 2)
    }

    /// The pixels row `y` can draw: `(first, end)`.
    fn row_span(&self, y: u32) -> (usize, usize) {
        let (c0, c1) = self.row_spans[y as usize];
        (c0 as usize, c1 as usize)
    }

    /// Renders pixel row `y` into `out` (premultiplied RGBA8, `4 * width` bytes) using only
    /// `line` for scratch memory. Returns the line's high-water mark in bytes.
    ///
    /// Makes no heap allocation: the arena is the only memory it takes.
    ///
    /// # Panics
    ///
    /// If `y >= height` or `out` is not exactly one row long.
    pub fn render_row(
        &self,
        y: u32,
        line: &mut Line<'_>,
        out: &mut [u8],
    ) -> Result<usize, OverBudget> {
        self.draw_row(y, line, out, false)
    }

    /// [`Scene::render_row`]; `out_is_clear` promises that `out` is all zero.
    fn draw_row(
        &self,
        y: u32,
        line: &mut Line<'_>,
        out: &mut [u8],
        out_is_clear: bool,
    ) -> Result<usize, OverBudget> {
        assert!(y < self.height, "row {y} is outside the image");
        assert_eq!(
            out.len(),
            self.width as usize * 4,
            "output row has the wrong length"
        );
        let over = |full| OverBudget { row: y, full };
        // Only the pixels the row's edges can reach are drawn; the rest of the row stays
        // transparent, so a sparse image costs what it draws, not its width.
        let (c0, c1) = self.row_span(y);
        let span = c1 - c0;
        if !out_is_clear {
            out.fill(0);
        }
        // The paths are drawn straight into the output row.
        let base = &mut out.as_chunks_mut::<4>().0[c0..c1];
        let coverage = CoverageRow {
            steps: line
                // A copy of zeros kept in the scene: a memcpy, where a fill writes element
                // by element.
                .try_alloc_slice_copy(&self.zero_steps[..span + 2])
                .map_err(over)?,
            touched: line
                .try_alloc_slice_fill_copy(touched_words(span), 0u64)
                .map_err(over)?,
            origin: c0,
            limit: (c0 as f32, c1 as f32),
        };
        let (lo, hi) = (
            self.row_offsets[y as usize] as usize,
            self.row_offsets[y as usize + 1] as usize,
        );
        let mut frame = RowFrame {
            scene: self,
            y,
            entries: &self.row_edges[lo..hi],
            cursor: 0,
            coverage,
        };
        frame.ops(line, 0, self.ops.len(), base, c0).map_err(over)?;
        debug_assert_eq!(frame.cursor, hi - lo, "every edge of the row was drawn");
        Ok(line.high_water())
    }

    /// Renders the whole image on `threads` worker threads (0: one per core), one line
    /// arena per worker, sized by [`Scene::budget`]. One thread renders on the calling
    /// thread, with no pool.
    pub fn render(&self, threads: usize) -> Result<(Image, LineUse), RenderError> {
        if threads == 1 {
            return self.render_here();
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(RenderError::Threads)?;
        self.render_in(&pool)
    }

    /// Renders every row on the calling thread with one arena: what a pool of one worker
    /// would do, without handing the work to another thread (and waiting for it to wake).
    pub fn render_here(&self) -> Result<(Image, LineUse), RenderError> {
        let budget = self.budget().map_err(RenderError::Budget)?;
        let mut arena = ScanArena::builder()
            .budget(budget)
            .try_build()
            .map_err(RenderError::Buffer)?;
        let mut image = Image::new(self.width, self.height);
        let mut per_row = vec![0usize; self.height as usize];
        let rows = image.data.chunks_exact_mut(self.width as usize * 4);
        for (y, (out, used)) in rows.zip(&mut per_row).enumerate() {
            let mut line = arena.line();
            // The image was just allocated zeroed.
            *used = self
                .draw_row(y as u32, &mut line, out, true)
                .map_err(RenderError::OverBudget)?;
        }
        Ok((
            image,
            LineUse {
                budget: budget.bytes(),
                per_row,
                peak: arena.stats().peak_bytes,
                arenas: 1,
            },
        ))
    }

    /// [`Scene::render`] on an existing thread pool (a pool of one thread renders on the
    /// calling thread, as [`Scene::render_here`]).
    pub fn render_in(&self, pool: &rayon::ThreadPool) -> Result<(Image, LineUse), RenderError> {
        let workers = pool.current_num_threads().max(1);
        if workers == 1 {
            return self.render_here();
        }
        let budget = self.budget().map_err(RenderError::Budget)?;
        // One arena per worker, created before any row is rendered; each worker only ever
        // locks its own, so the lock is never contended.
        let arenas = (0..workers)
            .map(|_| {
                ScanArena::builder()
                    .budget(budget)
                    .try_build()
                    .map(Mutex::new)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(RenderError::Buffer)?;
        let width = self.width as usize;
        let mut image = Image::new(self.width, self.height);
        let mut per_row = vec![0usize; self.height as usize];
        pool.install(|| {
            image
                .data
                .par_chunks_mut(width * 4)
                .zip(per_row.par_iter_mut())
                .enumerate()
                .try_for_each(|(y, (out, used))| {
                    let worker = rayon::current_thread_index().unwrap_or(0) % workers;
                    let mut arena = arenas[worker]
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    let mut line = arena.line();
                    // The image was just allocated zeroed.
                    *used = self.draw_row(y as u32, &mut line, out, true)?;
                    Ok(())
                })
        })
        .map_err(RenderError::OverBudget)?;
        let peak = arenas
            .iter()
            .map(|a| {
                a.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .stats()
                    .peak_bytes
            })
            .max()
            .unwrap_or(0);
        Ok((
            image,
            LineUse {
                budget: budget.bytes(),
                per_row,
                peak,
                arenas: workers,
            },
        ))
    }
}

/// The state of one row while its ops are drawn.
///
/// Invariant: `entries[..cursor]` are the row's edges of the fills drawn so far; every
/// `coverage` entry is zero between fills.
struct RowFrame<'s, 'c> {
    scene: &'s Scene,
    y: u32,
    entries: &'s [u32],
    cursor: usize,
    coverage: CoverageRow<'c>,
}

impl RowFrame<'_, '_> {
    /// Draws ops `start..end` onto `target`, a layer row covering pixels from `x_off`.
    fn ops(
        &mut self,
        line: &mut Line<'_>,
        start: usize,
        end: usize,
        target: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), ArenaFull> {
        let mut i = start;
        while i < end {
            match self.scene.ops[i] {
                Op::Fill(f) => {
                    i += 1;
                    let fill = &self.scene.fills[f as usize];
                    if self.y < fill.row_start || self.y >= fill.row_end {
                        continue;
                    }
                    let first = self.cursor;
                    while self
                        .entries
                        .get(self.cursor)
                        .is_some_and(|&e| e < fill.edge_end)
                    {
                        self.cursor += 1;
                    }
                    if self.cursor == first {
                        continue;
                    }
                    let all = self.entries;
                    let entries = &all[first..self.cursor];
                    line.scope(|scratch| self.fill(scratch, fill, entries, target, x_off))?;
                }
                Op::Group {
                    opacity,
                    end: group_end,
                    row_start,
                    row_end,
                    col_start,
                    col_end,
                } => {
                    let (inner, group_end) = (i + 1, group_end as usize);
                    i = group_end;
                    if self.y < row_start || self.y >= row_end {
                        continue;
                    }
                    // The layer covers the group's columns that the parent row covers.
                    let start = (col_start as usize).clamp(x_off, x_off + target.len());
                    let end = (col_end as usize).clamp(start, x_off + target.len());
                    line.scope(|scratch| {
                        let layer =
                            scratch.try_alloc_slice_copy(&self.scene.blank_row[..end - start])?;
                        self.ops(scratch, inner, group_end, layer, start)?;
                        // Empty when the group reaches no pixel of this row (its edges here
                        // are all off the canvas); its fills still consume their edges.
                        composite_layer(layer, &mut target[start - x_off..end - x_off], opacity);
                        Ok(())
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Rasterises one path on this row and composites it onto `target`, with its scratch
    /// (active edges, crossings, spans) in `scratch`.
    fn fill(
        &mut self,
        scratch: &mut Line<'_>,
        fill: &FillItem,
        entries: &[u32],
        target: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), ArenaFull> {
        let active = scratch.try_alloc_slice_fill_iter(activate(self.scene, self.y, entries))?;
        let most = most_crossings(active, self.scene.sub_scanlines);
        let crossings = scratch.try_alloc_slice_fill_copy(most, Crossing::default())?;
        let spans = scratch.try_alloc_slice_fill_copy(most / 2, Span::default())?;
        let row = FillRow {
            scene: self.scene,
            fill,
        };
        row.rasterize(active, crossings, spans, &mut self.coverage, target, x_off);
        Ok(())
    }
}

/// The row's edges of one path, as active edges.
pub(crate) fn activate<'s>(
    scene: &'s Scene,
    y: u32,
    entries: &'s [u32],
) -> impl ExactSizeIterator<Item = ActiveEdge> + 's {
    let s = scene.sub_scanlines as i32;
    let row_sub = y as i32 * s;
    entries.iter().map(move |&e| {
        let e = &scene.edges[e as usize];
        let active = ActiveEdge {
            x: e.x_at_sub(row_sub, s),
            step: e.dxdy / s as f32,
            k0: (e.sub0 - row_sub).max(0),
            k1: (e.sub1 - row_sub).min(s),
            dir: e.dir,
        };
        // The row table lists only edges that cross a sub-scanline of the row.
        debug_assert!(0 <= active.k0 && active.k0 < active.k1 && active.k1 <= s);
        active
    })
}

/// The most crossings on one sub-scanline of the row: exactly what the scene's
/// `max_sub_crossings` bounds.
pub(crate) fn most_crossings(active: &[ActiveEdge], sub_scanlines: u32) -> usize {
    (0..sub_scanlines as i32)
        .map(|k| active.iter().filter(|a| a.k0 <= k && k < a.k1).count())
        .max()
        .unwrap_or(0)
}

/// One path on one row.
pub(crate) struct FillRow<'s> {
    pub(crate) scene: &'s Scene,
    pub(crate) fill: &'s FillItem,
}

impl FillRow<'_> {
    /// Rasterises the path and composites it onto `target` (a layer row starting at pixel
    /// `x_off`). `crossings` has room for [`most_crossings`], `spans` for half of that;
    /// `coverage` is all zero, and is left so.
    pub(crate) fn rasterize(
        &self,
        active: &[ActiveEdge],
        crossings: &mut [Crossing],
        spans: &mut [Span],
        coverage: &mut CoverageRow<'_>,
        target: &mut [Pixel],
        x_off: usize,
    ) {
        let s = self.scene.sub_scanlines as i32;
        let (left, right) = coverage.limit;
        let weight = 1.0 / s as f32;
        let (mut lo, mut hi) = (usize::MAX, 0usize);
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
            crossings.sort_unstable_by(|a, b| a.x.total_cmp(&b.x));
            for span in inside_spans(crossings, self.fill, spans).iter() {
                let (x0, x1) = (span.x0.clamp(left, right), span.x1.clamp(left, right));
                if x1 > x0 {
                    lo = lo.min(coverage.add_step(x0, weight));
                    hi = hi.max(coverage.add_step(x1, -weight) + 1);
                }
            }
        }
        if lo < hi {
            coverage.blend(lo, hi, target, x_off, self.fill.color, self.scene.antialias);
        }
    }
}

/// The spans of sorted `crossings` that are inside under the fill rule, written to the
/// front of `spans` (which has room for `crossings.len() / 2`).
fn inside_spans<'a>(crossings: &[Crossing], fill: &FillItem, spans: &'a mut [Span]) -> &'a [Span] {
    let mut winding = 0;
    let mut n = 0;
    let mut start = 0.0;
    for c in crossings {
        let was = fill.rule.inside(winding);
        winding += c.winding;
        let is = fill.rule.inside(winding);
        if !was && is {
            start = c.x;
        } else if was && !is {
            spans[n] = Span { x0: start, x1: c.x };
            n += 1;
        }
    }
    &spans[..n]
}

/// Words of the touched-cell bitset for a row span of `pixels` (`pixels + 2` step cells).
pub(crate) fn touched_words(pixels: usize) -> usize {
    (pixels + 2).div_ceil(64)
}

/// One path's coverage on one row, as steps in a difference array.
///
/// Invariant: between paths every step is zero and every bit clear; while a path is
/// rasterised, every non-zero step's bit is set (a set bit may have a zero step).
pub(crate) struct CoverageRow<'c> {
    /// `span + 2` cells, cell `i` for pixel `origin + i`: the change of coverage from the
    /// previous pixel.
    pub(crate) steps: &'c mut [f32],
    /// One bit per step cell that may be non-zero.
    pub(crate) touched: &'c mut [u64],
    /// The pixel of cell 0.
    pub(crate) origin: usize,
    /// The x range spans are clamped to: `origin` and `origin + span`.
    pub(crate) limit: (f32, f32),
}

impl CoverageRow<'_> {
    /// Adds a step of `weight` at `x` (within `limit`): pixel `floor(x)` gains the part of
    /// it right of `x`, every pixel after it the whole weight. Returns the cell of
    /// `floor(x)`.
    #[inline(always)]
    fn add_step(&mut self, x: f32, weight: f32) -> usize {
        let x = x - self.origin as f32;
        let i = x as usize;
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
        color: Paint,
        antialias: bool,
    ) {
        let opaque = color[3] >= 1.0;
        let solid = color.map(to_u8);
        let mut acc = 0.0f32;
        let mut coverage = 0.0f32;
        let mut run_start = lo;
        for word in lo / 64..=hi / 64 {
            let mut bits = std::mem::take(&mut self.touched[word]);
            while bits != 0 {
                let cell = word * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let run = self.origin + run_start..self.origin + cell;
                draw_run(target, x_off, run, coverage, color, solid, opaque);
                acc += std::mem::take(&mut self.steps[cell]);
                coverage = snap(acc, antialias);
                run_start = cell;
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

/// Composites `color` at `coverage` onto pixels `run` of `target` (which starts at `x_off`;
/// pixels outside it are skipped). `solid` is `color` in RGBA8.
#[inline(always)]
fn draw_run(
    target: &mut [Pixel],
    x_off: usize,
    run: std::ops::Range<usize>,
    coverage: f32,
    color: Paint,
    solid: Pixel,
    opaque: bool,
) {
    if coverage == 0.0 || run.is_empty() {
        return;
    }
    let start = run.start.max(x_off) - x_off;
    let end = (run.end.max(x_off) - x_off).min(target.len());
    let Some(pixels) = target.get_mut(start..end) else {
        return;
    };
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

/// Composites a group's layer onto its parent with the group's opacity (source-over).
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

/// `round(x / 255)` for `x` up to `255 * 255`, without a division (and without
/// overflowing `u16`, so that it vectorises on 16-bit lanes).
#[inline(always)]
fn div255(x: u16) -> u16 {
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
