//! Curves to device-space edges: each path is flattened into line segments within
//! [`FLATTEN_TOLERANCE`] of the curve, and each segment becomes an [`Edge`] described by the
//! sub-scanlines it crosses.

use std::ops::Range;

use tiny_skia_path::{Path, PathSegment, Point};

use super::PixelBounds;

/// Flattening tolerance in device pixels: the most a flattened curve strays from the curve.
const FLATTEN_TOLERANCE: f32 = 0.1;

/// More segments than this for one curve means a degenerate (huge) curve; cap it.
const MAX_CURVE_SEGMENTS: usize = 1024;

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
}

/// Turns device-space paths into edges for a canvas of a given size.
///
/// Invariant: every edge in `edges` satisfies [`Edge`]'s invariant for this canvas;
/// `points` is empty between calls (it is kept only to reuse its memory).
pub(crate) struct Flattener {
    edges: Vec<Edge>,
    points: Vec<Point>,
    width: u32,
    height: u32,
    sub_scanlines: u32,
}

impl Flattener {
    /// A flattener for a `width` x `height` canvas sampled at `sub_scanlines` per row.
    pub(crate) fn new(width: u32, height: u32, sub_scanlines: u32) -> Flattener {
        Flattener {
            edges: Vec::new(),
            points: Vec::new(),
            width,
            height,
            sub_scanlines,
        }
    }

    /// The number of edges made so far.
    pub(crate) fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The edges made so far.
    pub(crate) fn into_edges(self) -> Vec<Edge> {
        self.edges
    }

    /// Flattens a device-space path into edges. Returns their index range and the pixels
    /// they can touch, or `None` when the path has no edge that crosses a sub-scanline.
    pub(crate) fn add_path(&mut self, path: &Path) -> Option<(Range<u32>, PixelBounds)> {
        self.add_contours(path, Outline::Fill { crisp: false })
    }

    /// [`Flattener::add_path`] for a path drawn without anti-aliasing
    /// (`shape-rendering="crispEdges"` or `"optimizeSpeed"`): a pixel is inside where its
    /// centre is, as in tiny-skia's aliased scan converter, and curves are cut as coarsely
    /// as it cuts them.
    pub(crate) fn add_crisp_path(&mut self, path: &Path) -> Option<(Range<u32>, PixelBounds)> {
        self.add_contours(path, Outline::Fill { crisp: true })
    }

    /// Flattens a device-space path into the outline of its hairline (a stroke 1 px or less
    /// wide, drawn as tiny-skia does): every segment becomes a band one pixel thick across
    /// its major axis (vertical thickness for a mostly horizontal segment), so a thin line
    /// is never lost between sub-scanlines. With `capped` (square or round caps), the open
    /// ends of each contour reach half a pixel further. Fill the result with the nonzero
    /// rule, at the stroke's alpha scaled by its width.
    pub(crate) fn add_hairline(
        &mut self,
        path: &Path,
        capped: bool,
    ) -> Option<(Range<u32>, PixelBounds)> {
        self.add_contours(path, Outline::Hairline { capped })
    }

    /// Flattens the contours of `path` and turns them into edges as `outline` says.
    fn add_contours(&mut self, path: &Path, outline: Outline) -> Option<(Range<u32>, PixelBounds)> {
        let edge_start = self.edges.len();
        let mut points = std::mem::take(&mut self.points);
        points.clear();
        for segment in path.segments() {
            match segment {
                PathSegment::MoveTo(p) => {
                    self.close(&mut points, outline, false);
                    points.push(p);
                }
                PathSegment::LineTo(p) => points.push(p),
                PathSegment::QuadTo(p1, p2) if self.off_canvas(&[last(&points), p1, p2]) => {
                    points.push(p2);
                }
                PathSegment::CubicTo(p1, p2, p3)
                    if self.off_canvas(&[last(&points), p1, p2, p3]) =>
                {
                    points.push(p3);
                }
                PathSegment::QuadTo(p1, p2) => {
                    let p0 = last(&points);
                    let dd = second_difference(p0, p1, p2);
                    let n = segments_for(dd / (4.0 * FLATTEN_TOLERANCE));
                    for i in 1..=n {
                        let t = i as f32 / n as f32;
                        let mt = 1.0 - t;
                        points.push(weighted(&[(p0, mt * mt), (p1, 2.0 * mt * t), (p2, t * t)]));
                    }
                }
                PathSegment::CubicTo(p1, p2, p3) => {
                    let p0 = last(&points);
                    let n = if matches!(outline, Outline::Fill { crisp: true }) {
                        aliased_cubic_segments([p0, p1, p2, p3])
                    } else {
                        let dd = second_difference(p0, p1, p2).max(second_difference(p1, p2, p3));
                        segments_for(0.75 * dd / FLATTEN_TOLERANCE)
                    };
                    for i in 1..=n {
                        let t = i as f32 / n as f32;
                        let mt = 1.0 - t;
                        points.push(weighted(&[
                            (p0, mt * mt * mt),
                            (p1, 3.0 * mt * mt * t),
                            (p2, 3.0 * mt * t * t),
                            (p3, t * t * t),
                        ]));
                    }
                }
                PathSegment::Close => self.close(&mut points, outline, true),
            }
        }
        self.close(&mut points, outline, false);
        self.points = points;
        let edge_end = self.edges.len();
        if edge_end == edge_start {
            return None;
        }
        let edges = &self.edges[edge_start..edge_end];
        let s = self.sub_scanlines as i32;
        // Crossings happen only at sampled sub-scanlines, between an edge's first and last.
        let ends = |e: &Edge| (e.x_at_sub(e.sub0, s), e.x_at_sub(e.sub1 - 1, s));
        let min_x = edges
            .iter()
            .map(|e| ends(e).0.min(ends(e).1))
            .fold(f32::MAX, f32::min);
        let max_x = edges
            .iter()
            .map(|e| ends(e).0.max(ends(e).1))
            .fold(f32::MIN, f32::max);
        let width = self.width as f32;
        let bounds = PixelBounds {
            row_start: (edges.iter().map(|e| e.sub0).min().unwrap_or(0) / s) as u32,
            row_end: ((edges.iter().map(|e| e.sub1).max().unwrap_or(0) - 1) / s + 1) as u32,
            col_start: floor(min_x).clamp(0.0, width) as u32,
            // Coverage can spill one pixel right of the last crossing's pixel.
            col_end: (floor(max_x) + 2.0).clamp(0.0, width) as u32,
        };
        Some((edge_start as u32..edge_end as u32, bounds))
    }

    /// Whether a curve's control points (and so the whole curve) lie entirely above, below,
    /// left or right of the canvas. Such a curve is drawn as its chord: above, below or right
    /// it reaches no pixel; left of the canvas it only adds winding to the pixels right of it,
    /// and a curve and its chord cross every row with the same signed count (together they
    /// form a closed loop). Without this, a huge curve far off the canvas (a mutated file with
    /// a coordinate of 1e29, found by the `demo_svg` fuzz target) costs as many segments as
    /// one on it, and tens of thousands of them take seconds.
    fn off_canvas(&self, points: &[Point]) -> bool {
        let (w, h) = (self.width as f32, self.height as f32);
        points.iter().all(|p| p.x < 0.0)
            || points.iter().all(|p| p.x > w)
            || points.iter().all(|p| p.y < 0.0)
            || points.iter().all(|p| p.y > h)
    }

    /// Turns the contour in `points` into edges as `outline` says and clears it. `closed`
    /// says whether the path closed it (a filled contour is closed either way).
    fn close(&mut self, points: &mut Vec<Point>, outline: Outline, closed: bool) {
        match outline {
            Outline::Fill { crisp } if points.len() >= 2 => {
                let n = points.len();
                for i in 0..n {
                    self.add_edge(points[i], points[(i + 1) % n], crisp);
                }
            }
            Outline::Fill { .. } => {}
            Outline::Hairline { capped } => self.hairline_bands(points, closed, capped),
        }
        points.clear();
    }

    /// One band per segment of the contour `points`, each wound the same way so that
    /// overlapping bands (at the joins) stay inside under the nonzero rule.
    fn hairline_bands(&mut self, points: &[Point], closed: bool, capped: bool) {
        let n = points.len();
        if n < 2 {
            return;
        }
        let segments = if closed { n } else { n - 1 };
        for i in 0..segments {
            let (mut a, mut b) = (points[i], points[(i + 1) % n]);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let length = dx.hypot(dy);
            if !length.is_finite() || length <= 0.0 {
                continue;
            }
            if capped && !closed {
                let (ux, uy) = (0.5 * dx / length, 0.5 * dy / length);
                if i == 0 {
                    a = Point::from_xy(a.x - ux, a.y - uy);
                }
                if i == segments - 1 {
                    b = Point::from_xy(b.x + ux, b.y + uy);
                }
            }
            let (ox, oy) = if dx.abs() >= dy.abs() {
                (0.0, 0.5)
            } else {
                (0.5, 0.0)
            };
            let mut band = [
                Point::from_xy(a.x + ox, a.y + oy),
                Point::from_xy(b.x + ox, b.y + oy),
                Point::from_xy(b.x - ox, b.y - oy),
                Point::from_xy(a.x - ox, a.y - oy),
            ];
            // Twice the signed area: wind every band the same way.
            let area: f32 = (0..4)
                .map(|k| {
                    let (p, q) = (band[k], band[(k + 1) % 4]);
                    p.x * q.y - q.x * p.y
                })
                .sum();
            if area < 0.0 {
                band.reverse();
            }
            for k in 0..4 {
                self.add_edge(band[k], band[(k + 1) % 4], false);
            }
        }
    }

    fn add_edge(&mut self, a: Point, b: Point, crisp: bool) {
        if !(a.is_finite() && b.is_finite()) || a.y == b.y {
            return;
        }
        let (top, bottom, dir) = if a.y < b.y { (a, b, 1) } else { (b, a, -1) };
        let s = self.sub_scanlines as f32;
        let limit = self.height as f32 * s;
        if crisp {
            self.add_aliased_edge(a, b);
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
        self.edges.push(Edge {
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
    fn add_aliased_edge(&mut self, a: Point, b: Point) {
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
        let s = self.sub_scanlines as i32;
        let rows = top.max(0)..bottom.min(self.height as i32);
        for row in rows {
            let x_row = x + i64::from(slope) * i64::from(row - top);
            self.edges.push(Edge {
                x0: x_row as f32 / 65536.0,
                y0: row as f32 + 0.5,
                dxdy: 0.0,
                sub0: row * s,
                sub1: (row + 1) * s,
                dir,
            });
        }
    }
}

/// How a flattened contour becomes edges.
#[derive(Clone, Copy, Debug)]
enum Outline {
    /// The contour itself, closed; `crisp` snaps its rows to pixel centres.
    Fill { crisp: bool },
    /// The contour's hairline bands; `capped` extends open ends by half a pixel.
    Hairline { capped: bool },
}

/// `|a - 2b + c|`: how far a curve's control polygon bends at `b`.
fn second_difference(a: Point, b: Point, c: Point) -> f32 {
    Point::from_xy(a.x - 2.0 * b.x + c.x, a.y - 2.0 * b.y + c.y).length()
}

/// The segments tiny-skia's aliased scan converter cuts a cubic into (its `CubicEdge`): a
/// power of two from the control points' distance to the chord in 1/64 pixels. It is far
/// coarser than [`FLATTEN_TOLERANCE`], and an aliased edge shows the difference, so an
/// aliased curve is cut the same way.
fn aliased_cubic_segments(p: [Point; 4]) -> usize {
    let fdot6 = |v: f32| (v * 64.0) as i32;
    // The control points' distance from the chord at t = 1/3 and 2/3 (x or y), in 1/64 px.
    let delta = |a: i32, b: i32, c: i32, d: i32| {
        let one_third = ((a * 8 - b * 15 + 6 * c + d) * 19) >> 9;
        let two_third = ((a + 6 * b - c * 15 + d * 8) * 19) >> 9;
        one_third.abs().max(two_third.abs())
    };
    let [x, y] = [|q: Point| q.x, |q: Point| q.y].map(|axis| {
        let v = p.map(|q| fdot6(axis(q)));
        delta(v[0], v[1], v[2], v[3])
    });
    // max + min / 2, then the shift that cuts that error below 1/8 px.
    let dist = x.max(y) + (x.min(y) >> 1);
    let dist = (dist + (1 << 4)) >> 5;
    let shift = ((32 - dist.leading_zeros() as i32) >> 1) + 1;
    1 << shift.min(6)
}

/// The weighted sum of points (Bernstein weights of a curve at one parameter).
fn weighted(terms: &[(Point, f32)]) -> Point {
    let (mut x, mut y) = (0.0, 0.0);
    for &(p, w) in terms {
        x += p.x * w;
        y += p.y * w;
    }
    Point::from_xy(x, y)
}

fn last(points: &[Point]) -> Point {
    points.last().copied().unwrap_or_default()
}

/// Segments for a curve whose flattening error with one segment would be `error_at_one`
/// tolerances: the error falls with the square of the count.
fn segments_for(error_at_one: f32) -> usize {
    let n = error_at_one.sqrt().ceil();
    if n.is_finite() {
        (n as usize).clamp(1, MAX_CURVE_SEGMENTS)
    } else {
        MAX_CURVE_SEGMENTS
    }
}

/// `x.floor()` for the pixel bounds, without a call: the x86-64 baseline has no rounding
/// instruction, so `f32::floor` is a call into libm. Equal to `x.floor()` for every `x`
/// but `-0.0` (which gives `0.0`); NaN stays NaN.
#[inline(always)]
pub(crate) fn floor(x: f32) -> f32 {
    // From 2^23 on every f32 is an integer.
    if x.abs() < 8_388_608.0 {
        let t = x as i32 as f32;
        if t > x { t - 1.0 } else { t }
    } else {
        x
    }
}
