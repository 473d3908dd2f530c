//! The row index: which edges touch which pixel rows, which pixels each row can reach, and
//! the scene parameters the line budget is computed from.

use std::ops::Range;

use super::flatten::{Edge, end_column, first_column, sample_y};

use super::item::{FillItem, Op, PixelBounds};
use crate::paint::PaintRef;

/// The scene parameters the line budget is computed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SceneParams {
    /// Image width in pixels.
    pub width: usize,
    /// The most pixels one row can draw: the widest span of a row's edges (plus the pixel
    /// right of each, where coverage can spill).
    pub max_row_span: usize,
    /// The most edges that touch one pixel row (of all its paths together).
    pub max_row_edges: usize,
    /// The most crossings of one path on one sub-scanline.
    pub max_sub_crossings: usize,
    /// The deepest nesting of layer rows (groups and clip coverage rows).
    pub max_depth: usize,
    /// The most layer pixels alive at once on a row: the widest chain of nested groups,
    /// summing each group's width.
    pub max_layer_pixels: usize,
    /// The longest colour row a shaded path needs on one row: the widest row span plus two
    /// (a coverage row's cells), or 0 when no path is shaded.
    pub max_shade_pixels: usize,
}

/// Per pixel row, the edges that touch it and the pixels they can reach; per edge, the op
/// that draws it, and per op, the region it is in, so that a row can go straight to the
/// next op with an edge on it.
///
/// Invariants: `offsets` has `height + 1` non-decreasing entries; the edge indices of row
/// `y` are `edges[offsets[y]..offsets[y + 1]]`, ascending, and are exactly the edges whose
/// sub-scanline range meets the row. `spans[y]` is `(first, end)`, `(0, 0)` for a row
/// without edges, and every crossing of the row lies in `first..end - 1`. `op_of_edge[e]`
/// is the index of the `Op::Fill` whose fill owns edge `e`; `parent[i]` is the index of the
/// header of the innermost region holding op `i` (always less than `i`), or [`NO_PARENT`]
/// at the top level. `repeats[y]` holds exactly when row `y` draws what row `y - 1` draws,
/// as [`RowBreaks`] decides it.
#[derive(Clone, Debug)]
pub(crate) struct RowIndex {
    offsets: Vec<u32>,
    edges: Vec<u32>,
    spans: Vec<(u32, u32)>,
    op_of_edge: Vec<u32>,
    parent: Vec<u32>,
    repeats: Vec<bool>,
}

/// [`RowIndex`]'s parent of a top-level op.
const NO_PARENT: u32 = u32::MAX;

impl RowIndex {
    /// Indexes `edges` (drawn by `fills` and `ops`) for a `width` x `height` image with
    /// `s` sub-scanlines per row, and measures the scene parameters. `shaded`: some path
    /// has a shader.
    pub(crate) fn build(
        edges: &[Edge],
        fills: &[FillItem],
        ops: &[Op],
        shaded: bool,
        (width, height): (u32, u32),
        s: i32,
    ) -> (RowIndex, SceneParams) {
        let rows = height as usize;
        // Each row's count of edges, by a difference array over the rows (one step per edge,
        // not per edge and row), then two running sums: the counts, and from them each row's
        // offset as the end of its list (the fill below moves it down to the start), the
        // last one the total. The steps down wrap; the sums they end in do not.
        let mut offsets = vec![0u32; rows + 1];
        for e in edges {
            let r = e.rows(s);
            offsets[r.start] = offsets[r.start].wrapping_add(1);
            offsets[r.end] = offsets[r.end].wrapping_sub(1);
        }
        let (mut count, mut total, mut max_row_edges) = (0u32, 0u32, 0u32);
        for offset in &mut offsets[..rows] {
            count = count.wrapping_add(*offset);
            total += count;
            *offset = total;
            max_row_edges = max_row_edges.max(count);
        }
        offsets[rows] = total;
        // One pass over the edges, in reverse index order: each row's list filled from its
        // end down, so that it comes out ascending and the row's offset ends at its start;
        // and per row the extreme x of its crossings, which are at each edge's first and last
        // sub-scanline in the row (x is linear in the sub-scanline).
        let mut row_edges = vec![0u32; total as usize];
        let mut extremes = vec![Extremes::NONE; rows];
        let mut breaks = RowBreaks::new(rows);
        for i in (0..edges.len()).rev() {
            let e = &edges[i];
            let r = e.rows(s);
            breaks.edge(r.clone(), e.subs(), e.dxdy() == 0.0, s);
            let (extremes, ends) = (&mut extremes[r.clone()], &mut offsets[r.clone()]);
            // Each float operation of `x_at_sub` is monotonic in the sub-scanline, so with a
            // finite slope the first crossing is the leftmost (the rightmost for a negative
            // slope), and none is NaN (`x0` and `y0` are finite); with no slope every
            // crossing is `x0` (plus a zero).
            let mut list = |end: &mut u32| {
                *end -= 1;
                row_edges[*end as usize] = i as u32;
            };
            match Slope::of(e.dxdy()) {
                Slope::Vertical => {
                    let x = e.x_at_sub(e.subs().start, s);
                    for (extreme, end) in extremes.iter_mut().zip(ends) {
                        list(end);
                        extreme.widen(x, x);
                    }
                }
                Slope::Rising => add_rows(e, s, r.start, extremes, ends, |x, end, a, b| {
                    list(end);
                    x.widen(a, b);
                }),
                Slope::Falling => add_rows(e, s, r.start, extremes, ends, |x, end, a, b| {
                    list(end);
                    x.widen(b, a);
                }),
                Slope::Overflowed => add_rows(e, s, r.start, extremes, ends, |x, end, a, b| {
                    list(end);
                    x.add(a, b);
                }),
            }
        }
        // Each row's span (none for a row without edges, as `Extremes::span` of no crossing
        // says) and the widest.
        let mut max_row_span = 0;
        let spans: Vec<(u32, u32)> = extremes
            .into_iter()
            .map(|extreme| {
                let span = extreme.span(width);
                max_row_span = max_row_span.max(span.1 - span.0);
                span
            })
            .collect();
        let (max_row_edges, max_row_span) = (max_row_edges as usize, max_row_span as usize);
        let (op_of_edge, parent) = op_tree(ops, fills, edges.len());
        for fill in fills {
            if !matches!(fill.paint(), PaintRef::Solid(_)) {
                breaks.shaded(fill.bounds());
            }
        }
        let repeats = breaks.repeats(&offsets);
        let index = RowIndex {
            offsets,
            edges: row_edges,
            spans,
            op_of_edge,
            parent,
            repeats,
        };
        let (max_layer_pixels, max_depth) = widest_layer_chain(ops, max_row_span);
        let params = SceneParams {
            width: width as usize,
            max_row_span,
            max_row_edges,
            max_sub_crossings: most_sub_crossings(edges, fills),
            max_depth,
            max_layer_pixels,
            max_shade_pixels: if shaded { max_row_span + 2 } else { 0 },
        };
        (index, params)
    }

    /// The indices of the edges that touch row `y`, ascending.
    #[inline(always)]
    pub(crate) fn edges_of(&self, y: u32) -> &[u32] {
        let y = y as usize;
        &self.edges[self.offsets[y] as usize..self.offsets[y + 1] as usize]
    }

    /// Whether row `y` draws exactly what the row above it draws (see [`RowBreaks`]).
    #[inline(always)]
    pub(crate) fn repeats(&self, y: u32) -> bool {
        self.repeats[y as usize]
    }

    /// The pixels row `y` can draw: `(first, end)`.
    #[inline(always)]
    pub(crate) fn span(&self, y: u32) -> (usize, usize) {
        let (c0, c1) = self.spans[y as usize];
        (c0 as usize, c1 as usize)
    }

    /// The op at the level of the region being walked (whose ops from `next` on are
    /// walked) that holds the op drawing edge `e`: that op itself, or the header of the
    /// region around it that opens at or after `next`. `e` must be drawn at or after `next`.
    #[inline(always)]
    pub(crate) fn op_toward_edge(&self, e: u32, next: usize) -> usize {
        let mut op = self.op_of_edge[e as usize];
        debug_assert!(op as usize >= next);
        loop {
            let up = self.parent[op as usize];
            if up == NO_PARENT || (up as usize) < next {
                return op as usize;
            }
            op = up;
        }
    }
}

/// How an edge's x moves down its sub-scanlines, which says where its extreme crossings in a
/// row are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slope {
    /// No slope (`dxdy` is zero): every crossing is at the same x.
    Vertical,
    /// A finite positive slope: the first crossing in a row is the leftmost.
    Rising,
    /// A finite negative slope: the first crossing in a row is the rightmost.
    Falling,
    /// An infinite or NaN slope (a segment nearly horizontal and a huge distance across):
    /// crossings may be infinite or NaN.
    Overflowed,
}

impl Slope {
    /// The kind of slope `dxdy` is. Compares against the infinities instead of calling
    /// `is_finite`, which compiles to a classification of the bits several times longer.
    #[inline(always)]
    fn of(dxdy: f32) -> Slope {
        if dxdy == 0.0 {
            Slope::Vertical
        } else if dxdy > 0.0 && dxdy < f32::INFINITY {
            Slope::Rising
        } else if dxdy < 0.0 && dxdy > f32::NEG_INFINITY {
            Slope::Falling
        } else {
            Slope::Overflowed
        }
    }
}

/// Calls `widen` for each row of edge `e` (`first_row` on: `extremes` and `ends` are those
/// rows' entries) with the row's entries and the edge's crossings at its first and last
/// sub-scanline in the row: the edge's own first and last sub-scanline in its first and last
/// row, the row's own in the rows between, so that no row clamps them.
#[inline(always)]
fn add_rows(
    e: &Edge,
    s: i32,
    first_row: usize,
    extremes: &mut [Extremes],
    ends: &mut [u32],
    mut widen: impl FnMut(&mut Extremes, &mut u32, f32, f32),
) {
    debug_assert!(!extremes.is_empty() && extremes.len() == ends.len());
    let Some((last_extreme, extremes)) = extremes.split_last_mut() else {
        return;
    };
    let Some((last_end, ends)) = ends.split_last_mut() else {
        return;
    };
    // The y of the samples of the edge's first sub-scanline in the row and of the next row's
    // first: each row down adds 1.0 to both, and the row's last sub-scanline is one
    // sub-scanline above the next row's first, all exact (see `sample_y`), so the crossings
    // are those of `x_at_sub` at these sub-scanlines.
    let (mut top, mut next) = (
        sample_y(e.subs().start, s),
        sample_y(first_row as i32 * s + s, s),
    );
    let sub_height = 1.0 / s as f32;
    for (extreme, end) in extremes.iter_mut().zip(ends) {
        widen(extreme, end, e.x_at_y(top), e.x_at_y(next - sub_height));
        top = next;
        next += 1.0;
    }
    widen(
        last_extreme,
        last_end,
        e.x_at_y(top),
        e.x_at_sub(e.subs().end - 1, s),
    );
}

/// The leftmost and rightmost crossing of a row's edges seen so far, a NaN crossing (of an
/// edge whose slope overflowed) counted as minus infinity at both ends.
///
/// A row's span is `(first_column(leftmost), end_column(rightmost))`, the extremes of its
/// crossings' columns: both functions are non-decreasing in x and give 0 at NaN as at minus
/// infinity, so the columns are taken once per row instead of once per edge and row.
#[derive(Clone, Copy, Debug)]
struct Extremes {
    left: f32,
    right: f32,
}

impl Extremes {
    /// No crossing yet.
    const NONE: Extremes = Extremes {
        left: f32::INFINITY,
        right: f32::NEG_INFINITY,
    };

    /// Adds the crossings at `a` and `b` (either order, either or both NaN) of one edge.
    #[inline(always)]
    fn add(&mut self, a: f32, b: f32) {
        let nan_left = |x: f32| if x.is_nan() { f32::NEG_INFINITY } else { x };
        self.widen(nan_left(a.min(b)), nan_left(a.max(b)));
    }

    /// Adds the crossings of one edge from `left` to `right` (`left <= right`).
    #[inline(always)]
    fn widen(&mut self, left: f32, right: f32) {
        debug_assert!(left <= right, "{left} {right}");
        if left < self.left {
            self.left = left;
        }
        if right > self.right {
            self.right = right;
        }
    }

    /// The pixels the row can draw on a row `width` pixels wide: `(first, end)`, or `(0, 0)`
    /// when that is empty (a row without crossings gives `width` and 0).
    fn span(self, width: u32) -> (u32, u32) {
        match (
            first_column(self.left, width),
            end_column(self.right, width),
        ) {
            (first, end) if first < end => (first, end),
            _ => (0, 0),
        }
    }
}

/// Per edge, the op that draws it; per op, the header of its innermost region (see
/// [`RowIndex`]).
fn op_tree(ops: &[Op], fills: &[FillItem], edge_count: usize) -> (Vec<u32>, Vec<u32>) {
    let mut op_of_edge = vec![0u32; edge_count];
    let mut parent = Vec::with_capacity(ops.len());
    // Open regions: (end, header).
    let mut open: Vec<(u32, u32)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        while open.last().is_some_and(|&(end, _)| end as usize <= i) {
            open.pop();
        }
        parent.push(open.last().map_or(NO_PARENT, |&(_, header)| header));
        match *op {
            Op::Fill(f) => {
                let r = fills[f as usize].edges();
                op_of_edge[r.start as usize..r.end as usize].fill(i as u32);
            }
            Op::Group { end, .. } | Op::Clip { end, .. } | Op::Mask { end, .. } => {
                open.push((end, i as u32));
            }
        }
    }
    (op_of_edge, parent)
}

/// What rules rows out of repeating the row above them, gathered edge by edge: then
/// [`RowBreaks::repeats`] says, per row, whether it draws exactly what the row above it
/// draws. It does when it has edges, the same edges as the row above, and each of them is
/// vertical through every sub-scanline of both rows and drawn by a fill of one colour.
///
/// A row's pixels are a function of its edges' crossings (their x, slope, sub-scanlines
/// and direction), of the ops that own them, and of the paints' colours along the row: the
/// walker skips every op without an edge on the row, and every region's bounds hold the
/// rows of its fills' edges. Vertical edges through both rows cross them at the same x on
/// every sub-scanline, and a solid paint is the same on every row, so the two rows are
/// equal pixel for pixel. A shader (gradient, pattern, image) may change from row to row,
/// so its rows are drawn.
///
/// Gathered in the pass that lists the rows' edges, not by comparing the lists: two rows
/// have the same edges unless one enters or leaves there, so each edge marks its first row
/// and the row after its last; a vertical edge that crosses only part of its first (last)
/// row marks the row after it (that row itself); every other edge, and every shaded fill
/// over its bounds, rules out each row it touches, counted in a difference array.
struct RowBreaks {
    /// Per row (and one past the last), whether it is marked.
    marked: Vec<bool>,
    /// Per row (and one past the last), the change in the count of edges and shaded fills
    /// that rule rows out.
    ruled_out: Vec<i32>,
}

impl RowBreaks {
    /// Nothing gathered yet, for `rows` rows.
    fn new(rows: usize) -> RowBreaks {
        RowBreaks {
            marked: vec![false; rows + 1],
            ruled_out: vec![0; rows + 1],
        }
    }

    /// An edge over `rows` and sub-scanlines `subs` (at `s` per row), `vertical` or not.
    #[inline(always)]
    fn edge(&mut self, rows: Range<usize>, subs: Range<i32>, vertical: bool, s: i32) {
        self.marked[rows.start] = true;
        self.marked[rows.end] = true;
        if vertical {
            if subs.start % s != 0 {
                self.marked[rows.start + 1] = true;
            }
            if subs.end % s != 0 {
                self.marked[rows.end - 1] = true;
            }
        } else {
            self.ruled_out[rows.start] += 1;
            self.ruled_out[rows.end] -= 1;
        }
    }

    /// A fill whose paint may change from row to row, over `bounds` (the rows of its
    /// edges, so within the canvas and not empty).
    fn shaded(&mut self, bounds: PixelBounds) {
        let (start, end) = (bounds.row_start as usize, bounds.row_end as usize);
        debug_assert!(start < end && end < self.ruled_out.len());
        self.ruled_out[start] += 1;
        self.ruled_out[end] -= 1;
    }

    /// Per row, whether it draws what the row above draws; `offsets` are the row lists'
    /// offsets. Row 0 never does: if it has edges, they start there and mark it.
    fn repeats(self, offsets: &[u32]) -> Vec<bool> {
        // How many edges and shaded fills rule the row out.
        let mut rules = 0;
        (0..offsets.len() - 1)
            .map(|y| {
                rules += self.ruled_out[y];
                debug_assert!(rules >= 0, "more rules ended than began by row {y}");
                offsets[y] < offsets[y + 1] && !self.marked[y] && rules == 0
            })
            .collect()
    }
}

/// The most crossings of one fill on one sub-scanline, over all fills.
fn most_sub_crossings(edges: &[Edge], fills: &[FillItem]) -> usize {
    let mut most = 0;
    let mut counter = CrossingCounter::default();
    for fill in fills {
        let r = fill.edges();
        most = most.max(counter.most(&edges[r.start as usize..r.end as usize]));
    }
    most
}

/// Counts the most edges that cross one sub-scanline, keeping its scratch memory between
/// calls.
#[derive(Debug, Default)]
struct CrossingCounter {
    /// The edges' sub-scanline ranges, those that meet end to start merged.
    ranges: Vec<Range<i32>>,
    /// The scratch of the count over the ranges.
    ways: RangeCounter,
}

/// The two ways [`CrossingCounter`] counts the most ranges holding one sub-scanline, with
/// their scratch memory.
#[derive(Debug, Default)]
struct RangeCounter {
    /// A difference array over the sub-scanlines, all zero between calls.
    diff: Vec<i32>,
    /// The ranges' starts, then their ends.
    starts: Vec<i32>,
    ends: Vec<i32>,
}

impl CrossingCounter {
    /// The most of `edges` that cross one sub-scanline (0 for none).
    ///
    /// An edge crosses the sub-scanlines of its range, so the count on a sub-scanline is
    /// the number of ranges holding it. Two ranges that meet end to start hold no
    /// sub-scanline in common, and their union holds each of theirs once: merged, they
    /// count the same. A contour's edges come in its order, and each edge starts where the
    /// one before it ends, so a contour's ranges merge into one per run of edges going one
    /// way down the image: a handful, where a curve has hundreds of edges.
    ///
    /// Then a difference array costs a pass over every sub-scanline between the ranges'
    /// first and last; sorting their starts and ends costs about `n log n` for `n` ranges,
    /// far less for a tall fill with few of them.
    fn most(&mut self, edges: &[Edge]) -> usize {
        let ranges = &mut self.ranges;
        ranges.clear();
        let mut subs = edges.iter().map(Edge::subs);
        let Some(mut run) = subs.next() else {
            return 0;
        };
        for r in subs {
            debug_assert!(r.start < r.end, "an edge crosses a sub-scanline");
            if r.start == run.end {
                run.end = r.end;
            } else if r.end == run.start {
                run.start = r.start;
            } else {
                ranges.push(std::mem::replace(&mut run, r));
            }
        }
        ranges.push(run);
        self.ways.most_of(ranges)
    }
}

impl RangeCounter {
    /// The most of `ranges` (none empty) that hold one sub-scanline.
    fn most_of(&mut self, ranges: &[Range<i32>]) -> usize {
        let Some(first) = ranges.first() else {
            return 0;
        };
        let (mut lo, mut hi) = (first.start, first.end);
        for r in ranges {
            (lo, hi) = (lo.min(r.start), hi.max(r.end));
        }
        // Both ways count the same (a test compares them), so this choice of the cheaper
        // one changes no count, only the time it takes.
        let (span, n) = ((hi - lo) as usize, ranges.len());
        if span > 2 * n * (n.max(1).ilog2() as usize + 2) {
            self.most_by_sorting(ranges)
        } else {
            self.most_by_difference(ranges, lo..hi)
        }
    }

    /// [`RangeCounter::most_of`] with a difference array over `subs`, the sub-scanlines
    /// from the ranges' first to their last.
    fn most_by_difference(&mut self, ranges: &[Range<i32>], subs: Range<i32>) -> usize {
        let len = (subs.end - subs.start + 1) as usize;
        if self.diff.len() < len {
            self.diff.resize(len, 0);
        }
        let diff = &mut self.diff[..len];
        for r in ranges {
            diff[(r.start - subs.start) as usize] += 1;
            diff[(r.end - subs.start) as usize] -= 1;
        }
        let (mut live, mut most) = (0i32, 0i32);
        // Each entry is zeroed as it is read, which leaves the array zero for the next call.
        for d in diff {
            live += std::mem::take(d);
            most = most.max(live);
        }
        most as usize
    }

    /// [`RangeCounter::most_of`] by sorting the ranges' starts and ends: the ranges
    /// holding sub-scanline `p` are those starting at or before it less those ending at or
    /// before it, and that count is largest at some range's start.
    fn most_by_sorting(&mut self, ranges: &[Range<i32>]) -> usize {
        let (starts, ends) = (&mut self.starts, &mut self.ends);
        starts.clear();
        starts.extend(ranges.iter().map(|r| r.start));
        starts.sort_unstable();
        ends.clear();
        ends.extend(ranges.iter().map(|r| r.end));
        ends.sort_unstable();
        let (mut ended, mut most) = (0, 0);
        for (i, &start) in starts.iter().enumerate() {
            while ended < ends.len() && ends[ended] <= start {
                ended += 1;
            }
            most = most.max(i + 1 - ended);
        }
        most
    }
}

/// The widest chain of nested layer rows (groups, and the rows of clip paths and masks,
/// each as wide as the group it applies to), and the deepest: a stack of (end of region, chain
/// width), each row as wide as its group, but never wider than a row's span.
fn widest_layer_chain(ops: &[Op], max_row_span: usize) -> (usize, usize) {
    let (mut widest, mut deepest) = (0, 0);
    let mut chain: Vec<(u32, usize)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        while chain.last().is_some_and(|&(end, _)| end as usize <= i) {
            chain.pop();
        }
        let (end, bounds) = match *op {
            Op::Fill(_) => continue,
            Op::Group { end, bounds, .. }
            | Op::Clip { end, bounds, .. }
            | Op::Mask { end, bounds, .. } => (end, bounds),
        };
        let outer = chain.last().map_or(0, |&(_, w)| w);
        // A row's layer covers the group's columns within the row's span.
        let width = outer + ((bounds.col_end - bounds.col_start) as usize).min(max_row_span);
        widest = widest.max(width);
        chain.push((end, width));
        deepest = deepest.max(chain.len());
    }
    (widest, deepest)
}

#[cfg(test)]
pub(crate) mod tests {
    use tiny_skia_path::PathBuilder;

    use super::*;
    use crate::scene::flatten::Flattener;

    /// Adds the closed polygon through `points` to `flattener`; `false` (nothing added) if
    /// the points make no path.
    fn add_polygon(
        flattener: &mut Flattener,
        points: impl IntoIterator<Item = (f32, f32)>,
    ) -> bool {
        let mut path = PathBuilder::new();
        for (k, (x, y)) in points.into_iter().enumerate() {
            if k == 0 {
                path.move_to(x, y);
            } else {
                path.line_to(x, y);
            }
        }
        path.close();
        match path.finish() {
            Some(path) => {
                flattener.add_path(&path);
                true
            }
            None => false,
        }
    }

    /// A xorshift64 generator from `seed`: each call gives a number below `n`.
    pub(crate) fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
        let mut state = seed;
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        }
    }

    /// Each row's span measured edge by edge: the clamped library floors of every edge's
    /// leftmost crossing in the row and of its rightmost plus two; `(0, 0)` when empty.
    /// Also the number of NaN crossings met.
    fn spans_edge_by_edge(edges: &[Edge], (w, h): (u32, u32), s: i32) -> (Vec<(u32, u32)>, usize) {
        let mut spans = vec![(u32::MAX, 0); h as usize];
        let mut nan = 0;
        for e in edges {
            for row in e.rows(s) {
                let top = e.subs().start.max(row as i32 * s);
                let bottom = (e.subs().end - 1).min(row as i32 * s + s - 1);
                let (a, b) = (e.x_at_sub(top, s), e.x_at_sub(bottom, s));
                nan += usize::from(a.is_nan()) + usize::from(b.is_nan());
                let lo = a.min(b).floor().clamp(0.0, w as f32) as u32;
                let hi = (a.max(b).floor() + 2.0).clamp(0.0, w as f32) as u32;
                spans[row] = (spans[row].0.min(lo), spans[row].1.max(hi));
            }
        }
        let spans = spans
            .into_iter()
            .map(|(lo, hi)| if lo < hi { (lo, hi) } else { (0, 0) })
            .collect();
        (spans, nan)
    }

    /// The index's row spans are those measured edge by edge, for polygons on, around and
    /// far off the canvas, among them nearly horizontal segments a huge distance across
    /// whose slope overflows (infinite x, and NaN where such a segment starts exactly on a
    /// sub-scanline's sample), and vertical edges.
    #[test]
    fn row_spans_are_those_of_every_edges_crossings() {
        let (size, s) = ((24, 16), 4);
        let mut next = xorshift(0x2545_f491_4f6c_dd1d_u64);
        // Scenes with an overflowing slope, with a NaN crossing, with a vertical edge, with
        // a row partly covered.
        let (mut overflowing, mut nan, mut vertical, mut partial) = (0, 0, 0, 0);
        for _ in 0..300 {
            let mut flattener = Flattener::new(size.0, size.1, s as u32);
            for _ in 0..2 {
                // Every other polygon flat: all its points within an eighth of a pixel.
                let (flat, y0) = (next(2) == 0, next(160) as f32 / 8.0 - 2.0);
                let n = 3 + next(4);
                let points: Vec<_> = (0..n)
                    .map(|_| {
                        // x on and around the canvas (often on one of a few lines, for
                        // vertical edges), or up to 1e38 either side of it; y on an eighth of
                        // a pixel (every other one a sample), or just below one.
                        let x = match next(4) {
                            0 => (next(2001) as f32 / 1000.0 - 1.0) * 1e38,
                            1 => next(6) as f32 * 5.5 - 3.0,
                            _ => next(4000) as f32 / 100.0 - 8.0,
                        };
                        let y = match flat {
                            true => y0 + [0.0, 0.001, 0.002, 0.125][next(4) as usize],
                            false => next(160) as f32 / 8.0 - 2.0 + [0.0, 0.001][next(2) as usize],
                        };
                        (x, y)
                    })
                    .collect();
                add_polygon(&mut flattener, points);
            }
            let edges = flattener.into_edges();
            let (expected, nans) = spans_edge_by_edge(&edges, size, s);
            let (index, _) = RowIndex::build(&edges, &[], &[], false, size, s);
            let spans: Vec<(u32, u32)> = (0..size.1)
                .map(|y| (index.span(y).0 as u32, index.span(y).1 as u32))
                .collect();
            assert_eq!(spans, expected);
            overflowing += usize::from(edges.iter().any(|e| !e.dxdy().is_finite()));
            nan += usize::from(nans > 0);
            vertical += usize::from(edges.iter().any(|e| e.dxdy() == 0.0));
            partial += usize::from(spans.iter().any(|&(a, b)| a > 0 || (b > 0 && b < size.0)));
        }
        assert!(
            overflowing > 10 && nan > 0 && vertical > 10 && partial > 100,
            "{overflowing} {nan} {vertical} {partial}"
        );
    }

    /// Each row's list holds exactly the edges whose rows include it, ascending, and the
    /// fullest and widest rows are those of the lists and spans, for random polygons on and
    /// around the canvas (rows without edges among them).
    #[test]
    fn row_lists_hold_exactly_the_edges_of_each_row() {
        let (size, s) = ((40, 24), 4);
        let mut next = xorshift(0x8f1b_bcdc_bfa5_3e0b_u64);
        let (mut empty_rows, mut most_edges) = (0, 0);
        for _ in 0..200 {
            let mut flattener = Flattener::new(size.0, size.1, s as u32);
            for _ in 0..1 + next(3) {
                let n = 3 + next(10);
                let points: Vec<_> = (0..n)
                    .map(|_| {
                        (
                            next(600) as f32 / 10.0 - 10.0,
                            next(320) as f32 / 10.0 - 4.0,
                        )
                    })
                    .collect();
                add_polygon(&mut flattener, points);
            }
            let edges = flattener.into_edges();
            let (index, params) = RowIndex::build(&edges, &[], &[], false, size, s);
            let (mut fullest, mut widest) = (0, 0);
            for y in 0..size.1 {
                let expected: Vec<u32> = (0..edges.len() as u32)
                    .filter(|&i| edges[i as usize].rows(s).contains(&(y as usize)))
                    .collect();
                assert_eq!(index.edges_of(y), expected, "row {y}");
                let (first, end) = index.span(y);
                (fullest, widest) = (fullest.max(expected.len()), widest.max(end - first));
                empty_rows += usize::from(expected.is_empty());
                most_edges = most_edges.max(expected.len());
            }
            assert_eq!(params.max_row_edges, fullest);
            assert_eq!(params.max_row_span, widest);
        }
        assert!(
            empty_rows > 100 && most_edges >= 8,
            "{empty_rows} {most_edges}"
        );
    }

    /// The crossings `add_rows` gives each row of an edge are, bit for bit, those of
    /// `x_at_sub` at the edge's first and last sub-scanline in the row, for edges short and
    /// tall, steep and shallow, up to the full height of the tallest canvas (where the
    /// samples' y is largest), and it visits each row once.
    #[test]
    fn each_rows_crossings_are_those_at_its_first_and_last_sub_scanline() {
        let s = crate::SUB_SCANLINES as i32;
        let mut next = xorshift(0x6a09_e667_f3bc_c908_u64);
        let (mut tall, mut rows_seen) = (0, 0);
        for (height, rounds) in [(8, 300), (300, 100), (crate::MAX_DIMENSION, 30)] {
            for _ in 0..rounds {
                let mut flattener = Flattener::new(64, height, s as u32);
                let n = 3 + next(3);
                let points: Vec<_> = (0..n)
                    .map(|_| {
                        let x = match next(3) {
                            0 => (next(2001) as f32 - 1000.0) * 1e3,
                            _ => next(7000) as f32 / 100.0 - 3.0,
                        };
                        (x, (next(u64::from(height) * 7 + 29) as f32 - 14.0) / 7.0)
                    })
                    .collect();
                if !add_polygon(&mut flattener, points) {
                    continue;
                }
                for e in flattener.into_edges() {
                    let r = e.rows(s);
                    let (mut extremes, mut counts) =
                        (vec![Extremes::NONE; r.len()], vec![0; r.len()]);
                    let mut seen = Vec::new();
                    add_rows(
                        &e,
                        s,
                        r.start,
                        &mut extremes,
                        &mut counts,
                        |_, count, a, b| {
                            *count += 1;
                            seen.push((a.to_bits(), b.to_bits()));
                        },
                    );
                    let expected: Vec<(u32, u32)> = r
                        .clone()
                        .map(|row| {
                            let top = e.subs().start.max(row as i32 * s);
                            let bottom = (e.subs().end - 1).min(row as i32 * s + s - 1);
                            (
                                e.x_at_sub(top, s).to_bits(),
                                e.x_at_sub(bottom, s).to_bits(),
                            )
                        })
                        .collect();
                    assert_eq!(seen, expected, "rows {r:?}");
                    assert!(counts.iter().all(|&c| c == 1));
                    tall += usize::from(e.subs().end > 60_000);
                    rows_seen += r.len();
                }
            }
        }
        assert!(tall > 5 && rows_seen > 20_000, "{tall} {rows_seen}");
    }

    /// `Slope::of` sorts every kind of value as the tests on `is_finite` it replaces do.
    #[test]
    fn slopes_are_classed_as_by_is_finite() {
        let old = |v: f32| {
            if v == 0.0 {
                Slope::Vertical
            } else if v > 0.0 && v.is_finite() {
                Slope::Rising
            } else if v < 0.0 && v.is_finite() {
                Slope::Falling
            } else {
                Slope::Overflowed
            }
        };
        let mut values = vec![
            0.0,
            -0.0,
            f32::NAN,
            -f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::from_bits(0x7fc0_0001),
            f32::from_bits(0xff80_0001),
        ];
        values.extend((-300..300).map(|i| i as f32 * 0.37));
        values.extend((0..=255u32).map(|e| f32::from_bits(e << 23 | 0x1234)));
        values.extend((0..=255u32).map(|e| f32::from_bits(1 << 31 | e << 23 | 0x1234)));
        for v in values {
            assert_eq!(Slope::of(v), old(v), "{v:e} ({:#x})", v.to_bits());
        }
    }

    /// An edge whose slope overflows (a huge distance across, a fraction of a pixel down)
    /// and still crosses sub-scanlines of two rows: each row's span is the one measured at
    /// that row's own first and last crossing.
    #[test]
    fn an_overflowing_slope_over_several_rows_spans_each_row_by_its_own_crossings() {
        let (size, s) = ((24, 8), 4);
        let polygons: [&[(f32, f32)]; 3] = [
            // From above row 2's last sample to below row 3's second, one way and the other.
            &[(-1e38, 2.8), (1e38, 3.3), (1e38, 4.2), (-1e38, 3.9)],
            &[(1e38, 2.8), (-1e38, 3.3), (-1e38, 4.2), (1e38, 3.9)],
            // Starting on row 2's last sample: a NaN crossing there, infinite ones on row 3,
            // where the only other crossing is far right of the canvas.
            &[(5.0, 1.0), (-1e38, 2.875), (1e38, 3.3), (20.0, 1.0)],
        ];
        for points in polygons {
            let mut flattener = Flattener::new(size.0, size.1, s as u32);
            let mut path = PathBuilder::new();
            path.move_to(points[0].0, points[0].1);
            for &(x, y) in &points[1..] {
                path.line_to(x, y);
            }
            path.close();
            flattener.add_path(&path.finish().unwrap());
            let edges = flattener.into_edges();
            assert!(
                edges
                    .iter()
                    .any(|e| !e.dxdy().is_finite() && e.rows(s).len() >= 2),
                "{points:?}: an edge with an overflowing slope over two rows or more"
            );
            let (expected, _) = spans_edge_by_edge(&edges, size, s);
            let (index, _) = RowIndex::build(&edges, &[], &[], false, size, s);
            let spans: Vec<(u32, u32)> = (0..size.1)
                .map(|y| (index.span(y).0 as u32, index.span(y).1 as u32))
                .collect();
            assert_eq!(spans, expected, "{points:?}");
        }
    }

    /// Both ways of counting the most edges on one sub-scanline agree, for polygons of 3 to
    /// 40 points, tall and flat, on and off the canvas, with one counter reused throughout.
    #[test]
    fn crossings_counted_by_sorting_are_those_of_a_difference_array() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        let mut counter = CrossingCounter::default();
        let mut most_seen = 0;
        for _ in 0..300 {
            let mut flattener = Flattener::new(64, 64, 4);
            let height = [2, 16, 80][next(3) as usize] as f32;
            let n = 3 + next(38);
            let points: Vec<_> = (0..n)
                .map(|_| {
                    (
                        next(800) as f32 / 10.0 - 8.0,
                        next(800) as f32 / 800.0 * height,
                    )
                })
                .collect();
            if !add_polygon(&mut flattener, points) {
                continue;
            }
            let edges = flattener.into_edges();
            let ranges: Vec<_> = edges.iter().map(Edge::subs).collect();
            let lo = ranges.iter().map(|r| r.start).min().unwrap_or(0);
            let hi = ranges.iter().map(|r| r.end).max().unwrap_or(0);
            let by_sorting = counter.ways.most_by_sorting(&ranges);
            assert_eq!(by_sorting, counter.ways.most_by_difference(&ranges, lo..hi));
            // Through the merged ranges, by either way.
            assert_eq!(counter.most(&edges), by_sorting);
            most_seen = most_seen.max(by_sorting);
        }
        assert!(most_seen >= 6, "{most_seen}");
        assert_eq!(counter.most(&[]), 0);
    }

    /// A contour's edges merge into one range per run of edges going one way down the
    /// image: a circle of about a hundred edges into its two sides (its first edge's range may
    /// stay apart from its last's, which it meets across the contour's start), and a zigzag
    /// into one range per stroke.
    #[test]
    fn a_contours_edges_merge_into_one_range_per_side() {
        let mut counter = CrossingCounter::default();
        let mut flattener = Flattener::new(256, 256, 4);
        let mut circle = PathBuilder::new();
        circle.push_circle(128.0, 128.0, 120.0);
        flattener.add_path(&circle.finish().unwrap());
        let edges = flattener.into_edges();
        assert!(edges.len() >= 64, "{}", edges.len());
        assert_eq!(counter.most(&edges), 2);
        assert!(
            (2..=3).contains(&counter.ranges.len()),
            "{:?}",
            counter.ranges
        );
        // A zigzag of six strokes over the whole height, each of two edges that bend at
        // y = 31: twelve edges, six crossings on every sub-scanline, and six ranges, as the
        // second edge of a stroke continues its first and the next stroke turns back.
        let mut flattener = Flattener::new(64, 64, 4);
        let top = |k: usize| if k.is_multiple_of(2) { 2.0 } else { 60.0 };
        let zigzag = (0..6)
            .flat_map(|k| [(k as f32 * 10.0, top(k)), (k as f32 * 10.0 + 6.0, 31.0)])
            .chain([(60.0, top(6))]);
        assert!(add_polygon(&mut flattener, zigzag));
        let edges = flattener.into_edges();
        assert_eq!(edges.len(), 12);
        assert_eq!(counter.most(&edges), 6);
        assert_eq!(counter.ranges.len(), 6, "{:?}", counter.ranges);
    }

    /// A row's span taken from its extreme crossings is the one taken from each edge's
    /// crossings' columns (the clamped floors of each edge's leftmost crossing and of its
    /// rightmost plus two), for crossings of every kind: NaN, infinities, negatives, beyond
    /// the row.
    #[test]
    fn a_rows_span_is_that_of_its_edges_columns() {
        let values = [
            f32::NAN,
            f32::NEG_INFINITY,
            -1e9,
            -2.5,
            -2.0,
            -1.5,
            -1.0,
            -0.5,
            -0.0,
            0.0,
            0.5,
            3.0,
            7.25,
            9.99,
            10.0,
            12.5,
            1e9,
            f32::INFINITY,
        ];
        let edge_span = |a: f32, b: f32, w: f32| {
            (
                a.min(b).floor().clamp(0.0, w) as u32,
                (a.max(b).floor() + 2.0).clamp(0.0, w) as u32,
            )
        };
        // Every row of one to three edges over these crossings (the third edge's ends
        // follow from the first two, to keep the count small).
        let n = values.len();
        for width in [0, 1, 10] {
            let w = width as f32;
            for i in 0..n * n * n * n {
                let edges = [
                    (values[i % n], values[i / n % n]),
                    (values[i / n / n % n], values[i / n / n / n % n]),
                    (values[(i * 7) % n], values[(i * 11 + 3) % n]),
                ];
                for count in 1..=3 {
                    let (mut lo, mut hi) = (u32::MAX, 0);
                    let mut extremes = Extremes::NONE;
                    for &(a, b) in &edges[..count] {
                        let (l, h) = edge_span(a, b, w);
                        (lo, hi) = (lo.min(l), hi.max(h));
                        extremes.add(a, b);
                    }
                    let expected = if lo < hi { (lo, hi) } else { (0, 0) };
                    assert_eq!(extremes.span(width), expected, "{:?}", &edges[..count]);
                }
            }
        }
        assert_eq!(Extremes::NONE.span(10), (0, 0), "a row without edges");
    }
}
