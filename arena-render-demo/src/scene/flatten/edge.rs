//! The edges a path is cut into: line segments in device space, each described by the
//! sub-scanlines it crosses, as the raster kernel walks them.

use std::ops::Range;

use tiny_skia_path::Point;

/// One line segment of a flattened path in device space, oriented top to bottom.
///
/// Invariant: `sub0 < sub1`, both within `0..=height * sub_scanlines`; the segment crosses
/// exactly the sub-scanlines `sub0..sub1` (sub-scanline `i` is sampled at
/// `y = (i + 0.5) / sub_scanlines`), and its x there is `x0 + (y - y0) * dxdy`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge {
    x0: f32,
    y0: f32,
    dxdy: f32,
    sub0: i32,
    sub1: i32,
    /// +1 for a segment that goes down in path order, -1 for one that goes up.
    dir: i32,
}

impl Edge {
    /// x where the edge meets sub-scanline `sub` (extrapolated outside `sub0..sub1`).
    #[inline(always)]
    pub(crate) fn x_at_sub(&self, sub: i32, sub_scanlines: i32) -> f32 {
        // `sub_scanlines` is a power of two, so multiplying by its reciprocal is exact: the
        // same value as dividing, without a division's latency on every active edge.
        debug_assert!(sub_scanlines.count_ones() == 1);
        let y = (sub as f32 + 0.5) * (1.0 / sub_scanlines as f32);
        self.x0 + (y - self.y0) * self.dxdy
    }

    /// The sub-scanlines the edge crosses (never empty).
    #[inline(always)]
    pub(crate) fn subs(&self) -> Range<i32> {
        self.sub0..self.sub1
    }

    /// x change per unit of y.
    #[inline(always)]
    pub(crate) fn dxdy(&self) -> f32 {
        self.dxdy
    }

    /// +1 for a segment that goes down in path order, -1 for one that goes up.
    #[inline(always)]
    pub(crate) fn dir(&self) -> i32 {
        self.dir
    }

    /// The pixel rows the edge crosses, for `sub_scanlines` per row.
    pub(crate) fn rows(&self, sub_scanlines: i32) -> Range<usize> {
        (self.sub0 / sub_scanlines) as usize..((self.sub1 - 1) / sub_scanlines) as usize + 1
    }

    /// Appends the edges of segment `a` to `b` to `edges`, for a canvas `height` rows high
    /// sampled at `sub_scanlines` per row: none for a horizontal or non-finite segment or
    /// one between two sub-scanlines; with `crisp`, the segment's aliased edges
    /// ([`Edge::push_aliased`]); else the segment itself.
    pub(super) fn push(
        edges: &mut Vec<Edge>,
        (a, b): (Point, Point),
        crisp: bool,
        height: u32,
        sub_scanlines: u32,
    ) {
        if !(a.is_finite() && b.is_finite()) || a.y == b.y {
            return;
        }
        let (top, bottom, dir) = if a.y < b.y { (a, b, 1) } else { (b, a, -1) };
        let s = sub_scanlines as f32;
        let limit = height as f32 * s;
        if crisp {
            Edge::push_aliased(edges, (a, b), height, sub_scanlines);
            return;
        }
        let dxdy = (bottom.x - top.x) / (bottom.y - top.y);
        // Sub-scanline i is sampled at (i + 0.5) / s: the first one at or below `top.y` and
        // the first one at or below `bottom.y` (exclusive).
        let sub0 = (top.y * s - 0.5).ceil().clamp(0.0, limit) as i32;
        let sub1 = (bottom.y * s - 0.5).ceil().clamp(0.0, limit) as i32;
        if sub0 >= sub1 {
            return;
        }
        edges.push(Edge {
            x0: top.x,
            y0: top.y,
            dxdy,
            sub0,
            sub1,
            dir,
        });
    }

    /// A segment of a path drawn without anti-aliasing: one vertical edge per pixel row
    /// whose centre the segment spans, at its x there, over all the row's sub-scanlines.
    /// Every sub-scanline of the row then sees the crossing of the row's centre, so coverage
    /// thresholded at one half is the centre sample of tiny-skia's aliased scan converter.
    /// The x is computed as that converter does (its `LineEdge`), in fixed point from
    /// coordinates truncated to 1/64 pixel, so that a pixel whose centre lies within the
    /// rounding of an edge falls on the same side.
    fn push_aliased(
        edges: &mut Vec<Edge>,
        (a, b): (Point, Point),
        height: u32,
        sub_scanlines: u32,
    ) {
        let fdot6 = |v: f32| (v * 64.0) as i32;
        let (mut x0, mut y0, mut x1, mut y1) = (fdot6(a.x), fdot6(a.y), fdot6(b.x), fdot6(b.y));
        let mut dir = 1;
        if y0 > y1 {
            (x0, y0, x1, y1) = (x1, y1, x0, y0);
            dir = -1;
        }
        // The rows whose centres lie in `y0..y1`.
        let (top, bottom) = ((y0 + 32) >> 6, (y1 + 32) >> 6);
        if top == bottom {
            return;
        }
        // Slope in 16.16, the x at the first row's centre in 16.16 (via 26.6).
        let slope = ((i64::from(x1 - x0) << 16) / i64::from(y1 - y0)) as i32;
        let dy = ((top << 6) + 32) - y0;
        let x = i64::from(x0 + ((i64::from(slope) * i64::from(dy)) >> 16) as i32) << 10;
        let s = sub_scanlines as i32;
        let rows = top.max(0)..bottom.min(height as i32);
        for row in rows {
            let x_row = x + i64::from(slope) * i64::from(row - top);
            // The pixel boundary tiny-skia rounds the 16.16 x to (an integer, so the kernel's
            // rounding keeps it; an f32 of the 16.16 value could round across a tie).
            edges.push(Edge {
                x0: ((x_row + 0x8000) >> 16) as f32,
                y0: row as f32 + 0.5,
                dxdy: 0.0,
                sub0: row * s,
                sub1: (row + 1) * s,
                dir,
            });
        }
    }
}
