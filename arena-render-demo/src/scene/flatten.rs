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
        let edge_start = self.edges.len();
        let mut points = std::mem::take(&mut self.points);
        points.clear();
        for segment in path.segments() {
            match segment {
                PathSegment::MoveTo(p) => {
                    self.close(&mut points);
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
                    let dd = second_difference(p0, p1, p2).max(second_difference(p1, p2, p3));
                    let n = segments_for(0.75 * dd / FLATTEN_TOLERANCE);
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
                PathSegment::Close => self.close(&mut points),
            }
        }
        self.close(&mut points);
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

    /// Turns the contour in `points` (implicitly closed) into edges and clears it.
    fn close(&mut self, points: &mut Vec<Point>) {
        if points.len() >= 2 {
            let n = points.len();
            for i in 0..n {
                self.add_edge(points[i], points[(i + 1) % n]);
            }
        }
        points.clear();
    }

    fn add_edge(&mut self, a: Point, b: Point) {
        if !(a.is_finite() && b.is_finite()) || a.y == b.y {
            return;
        }
        let (top, bottom, dir) = if a.y < b.y { (a, b, 1) } else { (b, a, -1) };
        let s = self.sub_scanlines as f32;
        let limit = self.height as f32 * s;
        // Sub-scanline i is sampled at (i + 0.5) / s: the first one at or below `top.y`
        // and the first one at or below `bottom.y` (exclusive).
        let sub0 = (top.y * s - 0.5).ceil().clamp(0.0, limit) as i32;
        let sub1 = (bottom.y * s - 0.5).ceil().clamp(0.0, limit) as i32;
        if sub0 >= sub1 {
            return;
        }
        self.edges.push(Edge {
            x0: top.x,
            y0: top.y,
            dxdy: (bottom.x - top.x) / (bottom.y - top.y),
            sub0,
            sub1,
            dir,
        });
    }
}

/// `|a - 2b + c|`: how far a curve's control polygon bends at `b`.
fn second_difference(a: Point, b: Point, c: Point) -> f32 {
    Point::from_xy(a.x - 2.0 * b.x + c.x, a.y - 2.0 * b.y + c.y).length()
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

#[cfg(test)]
mod tests {
    use super::floor;

    #[test]
    fn floor_matches_the_library_floor() {
        let mut values = vec![
            0.0,
            0.5,
            0.999_999_9,
            1.0,
            1.5,
            -0.5,
            -1.0,
            -1.5,
            -0.000_001,
            8_388_607.5,
            -8_388_607.5,
            8_388_608.0,
            1e9,
            -1e9,
            3e38,
            -3e38,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
        ];
        // A sweep across pixel coordinates, fractions included.
        values.extend((-4000..4000).map(|i| i as f32 * 0.37));
        for x in values {
            assert_eq!(floor(x).to_bits(), x.floor().to_bits(), "floor({x})");
        }
        assert!(floor(f32::NAN).is_nan());
        // The one difference: the sign of a negative zero, which the clamp to pixels drops.
        assert_eq!(floor(-0.0), 0.0);
    }
}
