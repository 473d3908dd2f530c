//! Curves to device-space edges: each path is flattened into line segments within
//! [`FLATTEN_TOLERANCE`] of the curve (or, for anti-aliased fills, whose points are moved off
//! the insides of pixel rows, within 0.22 px: see [`SNAPPED_TOLERANCE`]), and each segment
//! becomes an [`Edge`] described by the sub-scanlines it crosses.

mod curves;
mod edge;
mod hairline;

use std::ops::Range;

use tiny_skia_path::{Path, PathSegment, Point};

use super::PixelBounds;
use curves::{
    Cubic, Curve, FLATTEN_TOLERANCE, Quad, SNAPPED_TOLERANCE, aliased_cubic_segments, last,
    push_points,
};
pub(crate) use edge::{Edge, end_column, first_column, sample_y};

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
        // Room for a contour of all the path's points (curves flatten into more).
        points.reserve(path.points().len());
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
                    let (tolerance, between_rows) = self.cut(outline);
                    let quad = Quad([p0, p1, p2]);
                    push_points(&quad, quad.segments(tolerance), between_rows, &mut points);
                }
                PathSegment::CubicTo(p1, p2, p3) => {
                    let p0 = last(&points);
                    let (tolerance, between_rows) = self.cut(outline);
                    let cubic = Cubic([p0, p1, p2, p3]);
                    let n = if matches!(outline, Outline::Fill { crisp: true }) {
                        aliased_cubic_segments(cubic.0)
                    } else {
                        cubic.segments(tolerance)
                    };
                    push_points(&cubic, n, between_rows, &mut points);
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
        let s = self.sub_scanlines as i32;
        // Crossings happen only at sampled sub-scanlines, between an edge's first and last.
        let (mut min_x, mut max_x) = (f32::MAX, f32::MIN);
        let (mut first_sub, mut end_sub) = (i32::MAX, i32::MIN);
        for e in &self.edges[edge_start..edge_end] {
            let subs = e.subs();
            // Comparisons pass over a NaN crossing as `f32::min` and `max` do, without their
            // NaN tests; a zero's sign, which they may keep otherwise, gives the same column.
            for x in [e.x_at_sub(subs.start, s), e.x_at_sub(subs.end - 1, s)] {
                if x < min_x {
                    min_x = x;
                }
                if x > max_x {
                    max_x = x;
                }
            }
            first_sub = first_sub.min(subs.start);
            end_sub = end_sub.max(subs.end);
        }
        let bounds = PixelBounds {
            row_start: (first_sub / s) as u32,
            row_end: ((end_sub - 1) / s + 1) as u32,
            col_start: first_column(min_x, self.width),
            // Coverage can spill one pixel right of the last crossing's pixel.
            col_end: end_column(max_x, self.width),
        };
        Some((edge_start as u32..edge_end as u32, bounds))
    }

    /// How the curves of an `outline` are cut: the tolerance their segment count is chosen
    /// for, and the sub-scanlines per row if their points are moved between rows
    /// ([`point_between_rows`]). Only anti-aliased fills move them: an aliased path samples
    /// one row centre per row and cuts its cubics as tiny-skia does, and a hairline's bands
    /// are offset from its points, so neither has rows for a moved point to stop splitting.
    fn cut(&self, outline: Outline) -> (f32, Option<u32>) {
        match outline {
            Outline::Fill { crisp: false } => (SNAPPED_TOLERANCE, Some(self.sub_scanlines)),
            Outline::Fill { crisp: true } | Outline::Hairline { .. } => (FLATTEN_TOLERANCE, None),
        }
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
                let (n, height, sub) = (points.len(), self.height, self.sub_scanlines);
                // At most one edge per segment, but for aliased ones (one per row).
                self.edges.reserve(n);
                for i in 0..n {
                    let segment = (points[i], points[(i + 1) % n]);
                    Edge::push(&mut self.edges, segment, crisp, height, sub);
                }
            }
            Outline::Fill { .. } => {}
            Outline::Hairline { capped } => {
                let (height, sub) = (self.height, self.sub_scanlines);
                let edges = &mut self.edges;
                hairline::hairline_bands(points, closed, capped, |a, b| {
                    Edge::push(edges, (a, b), false, height, sub);
                });
            }
        }
        points.clear();
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

#[cfg(test)]
mod tests {
    use tiny_skia_path::PathBuilder;

    use super::*;

    use crate::scene::index::tests::xorshift;

    /// A path's pixel bounds are those of `f32::min` and `max` over its edges' first and last
    /// crossings, and its edges those of its segments pushed one by one (none for a segment
    /// with a non-finite end), for polygons on and off the canvas, with coordinates up to 1e38
    /// (slopes that overflow to infinite and NaN crossings) and infinite and NaN points.
    #[test]
    fn bounds_and_edges_are_those_of_the_edges_and_segments_one_by_one() {
        let (w, h, s) = (32, 24, 4);
        let mut next = xorshift(0x1f83_d9ab_fb41_bd6b_u64);
        let (mut non_finite, mut overflowing) = (0, 0);
        for _ in 0..1000 {
            let mut points = Vec::new();
            // Every other polygon flat: all its points within an eighth of a pixel, on or
            // just below a sample (so that a huge step across overflows the slope).
            let (flat, y0) = (next(2) == 0, next(160) as f32 / 8.0 - 2.0);
            for _ in 0..3 + next(6) {
                let x = match next(8) {
                    0..=2 => (next(2001) as f32 / 1000.0 - 1.0) * 1e38,
                    3 => [f32::INFINITY, f32::NEG_INFINITY, f32::NAN][next(3) as usize],
                    _ => next(500) as f32 / 10.0 - 9.0,
                };
                let y = match flat {
                    true => y0 + [0.0, 0.001, 0.002, 0.125][next(4) as usize],
                    false => next(300) as f32 / 10.0 - 3.0 + [0.0, 0.001][next(2) as usize],
                };
                points.push(Point::from_xy(x, y));
            }
            let mut path = PathBuilder::new();
            path.move_to(points[0].x, points[0].y);
            for p in &points[1..] {
                path.line_to(p.x, p.y);
            }
            path.close();
            let Some(path) = path.finish() else { continue };
            let mut flattener = Flattener::new(w, h, s);
            let added = flattener.add_path(&path);
            let edges = flattener.into_edges();
            let mut one_by_one = Vec::new();
            for i in 0..points.len() {
                let segment = (points[i], points[(i + 1) % points.len()]);
                Edge::push(&mut one_by_one, segment, false, h, s);
            }
            let fields = |e: &Edge| {
                let x = [
                    e.x_at_sub(e.subs().start, 4),
                    e.x_at_sub(e.subs().end - 1, 4),
                ];
                (e.subs(), e.dir(), e.dxdy().to_bits(), x.map(f32::to_bits))
            };
            assert_eq!(
                edges.iter().map(fields).collect::<Vec<_>>(),
                one_by_one.iter().map(fields).collect::<Vec<_>>()
            );
            let Some((range, bounds)) = added else {
                assert!(edges.is_empty());
                continue;
            };
            assert_eq!(range, 0..edges.len() as u32);
            let (mut min_x, mut max_x) = (f32::MAX, f32::MIN);
            for e in &edges {
                let (a, b) = (
                    e.x_at_sub(e.subs().start, 4),
                    e.x_at_sub(e.subs().end - 1, 4),
                );
                min_x = min_x.min(a.min(b));
                max_x = max_x.max(a.max(b));
            }
            assert_eq!(bounds.col_start, first_column(min_x, w));
            assert_eq!(bounds.col_end, end_column(max_x, w));
            non_finite += usize::from(points.iter().any(|p| !p.is_finite()));
            overflowing += usize::from(edges.iter().any(|e| !e.dxdy().is_finite()));
        }
        assert!(
            non_finite > 100 && overflowing > 15,
            "{non_finite} {overflowing}"
        );
    }
}
