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
        self.x_at_y(sample_y(sub, sub_scanlines))
    }

    /// x where the edge meets the line at `y` (extrapolated outside `sub0..sub1`):
    /// [`Edge::x_at_sub`] of the sub-scanline whose sample is at `y`.
    #[inline(always)]
    pub(crate) fn x_at_y(&self, y: f32) -> f32 {
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
    #[inline(always)]
    pub(crate) fn rows(&self, sub_scanlines: i32) -> Range<usize> {
        // `sub_scanlines` is a power of two and both ends are at least 0, so shifting divides.
        debug_assert!(sub_scanlines.count_ones() == 1);
        let shift = sub_scanlines.trailing_zeros();
        (self.sub0 >> shift) as usize..((self.sub1 - 1) >> shift) as usize + 1
    }

    /// Appends the edges of segment `a` to `b` to `edges`, for a canvas `height` rows high
    /// sampled at `sub_scanlines` per row: none for a horizontal or non-finite segment or
    /// one between two sub-scanlines; with `crisp`, the segment's aliased edges
    /// ([`Edge::push_aliased`]); else the segment itself.
    #[inline(always)]
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
        let sub0 = sub_at_or_below(top.y * s - 0.5, limit);
        let sub1 = sub_at_or_below(bottom.y * s - 0.5, limit);
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
    #[inline(never)]
    fn push_aliased(
        edges: &mut Vec<Edge>,
        (a, b): (Point, Point),
        height: u32,
        sub_scanlines: u32,
    ) {
        let near = |p: Point| p.x.abs() <= ALIASED_REACH && p.y.abs() <= ALIASED_REACH;
        if near(a) && near(b) {
            Edge::push_aliased_near((a, b), edges, height, sub_scanlines);
        } else {
            for piece in clip_far(a, b, height).into_iter().flatten() {
                Edge::push_aliased_near(piece, edges, height, sub_scanlines);
            }
        }
    }

    /// [`Edge::push_aliased`] of a segment within [`ALIASED_REACH`] of the origin, where
    /// its fixed-point values cannot overflow.
    fn push_aliased_near(
        (a, b): (Point, Point),
        edges: &mut Vec<Edge>,
        height: u32,
        sub_scanlines: u32,
    ) {
        // 26.6 values below 2^27 in magnitude; every product below stays within an i64.
        let fdot6 = |v: f32| (v * 64.0) as i64;
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
        // Slope in 16.16, bounded to an i32 as tiny-skia bounds it, and the x at the first
        // row's centre in 16.16 (via 26.6).
        let slope = (((x1 - x0) << 16) / (y1 - y0)).clamp(i64::from(i32::MIN), i64::from(i32::MAX));
        let dy = ((top << 6) + 32) - y0;
        let x = (x0 + ((slope * dy) >> 16)) << 10;
        let s = sub_scanlines as i32;
        let rows = top.max(0)..bottom.min(i64::from(height));
        for row in rows {
            let x_row = x + slope * (row - top);
            // Below `height`, at most `MAX_DIMENSION`.
            let row = row as i32;
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

/// The y of sub-scanline `sub`'s sample, `(sub + 0.5) / sub_scanlines`.
///
/// It is exact for every sub-scanline of a canvas (below `MAX_DIMENSION * SUB_SCANLINES`,
/// 2^16, so `2 * sub + 1` needs at most 17 of an `f32`'s 24 bits), and so is adding a whole
/// number of pixels to it: the y of the sub-scanline one row down is this plus 1.0 exactly.
#[inline(always)]
pub(crate) fn sample_y(sub: i32, sub_scanlines: i32) -> f32 {
    // `sub_scanlines` is a power of two, so multiplying by its reciprocal is exact: the same
    // value as dividing, without a division's latency on every active edge.
    debug_assert!(sub_scanlines.count_ones() == 1);
    (sub as f32 + 0.5) * (1.0 / sub_scanlines as f32)
}

/// The first pixel column a crossing at `x` can draw on a row `width` pixels wide: its pixel,
/// within `0..=width`. Equal to `floor(x).clamp(0.0, width as f32) as u32` for every `x`, NaN
/// and infinities included, but in an integer cast: the x86-64 baseline has no rounding
/// instruction, so `f32::floor` is a call into libm.
#[inline(always)]
pub(crate) fn first_column(x: f32, width: u32) -> u32 {
    // The cast saturates (NaN and negatives to 0) and truncates, which is `floor` from 0 on.
    (x as u32).min(width)
}

/// One past the last pixel column a crossing at `x` can draw on a row `width` pixels wide:
/// the pixel right of its own, as coverage spills into it, within `0..=width`. Equal to
/// `(floor(x) + 2.0).clamp(0.0, width as f32) as u32` for every `x`, NaN and infinities
/// included, without a call into libm (see [`first_column`]).
#[inline(always)]
pub(crate) fn end_column(x: f32, width: u32) -> u32 {
    if x >= 0.0 {
        (x as u32).saturating_add(2).min(width)
    } else if x >= -1.0 {
        // `floor(x)` is -1.
        1.min(width)
    } else {
        // `floor(x)` is -2 or less, or `x` is NaN.
        0
    }
}

/// `v.ceil().clamp(0.0, limit) as i32`, without the call into libm that `f32::ceil` is on
/// the x86-64 baseline (it has no rounding instruction), for every `v` (NaN gives 0) and a
/// whole `limit` from 0 to 2^31 - 128, the largest `f32` below 2^31 (`Edge::push`'s is at
/// most `MAX_DIMENSION * sub_scanlines`): the first sub-scanline whose sample lies at or
/// below `v + 0.5` sub-scanlines, within `0..=limit`.
#[inline(always)]
fn sub_at_or_below(v: f32, limit: f32) -> i32 {
    debug_assert!((0.0..=2_147_483_520.0).contains(&limit) && limit.fract() == 0.0);
    if v >= limit {
        limit as i32
    } else if v > 0.0 {
        // `0 < v < limit`: the cast truncates `v` exactly, and converting the truncation back
        // is exact too (below 2^24 it is; from there `v` is an integer and equals it).
        let t = v as i32;
        t + i32::from((t as f32) < v)
    } else {
        // Zero, negative or NaN: `ceil` gives at most zero (or NaN), clamped or cast to 0.
        0
    }
}

/// How far from the origin (in pixels, on either axis) an aliased segment may reach for
/// [`Edge::push_aliased`]'s fixed-point arithmetic as is: at 26.6 its values stay below
/// 2^27, its differences below 2^28. Canvases are at most `MAX_DIMENSION` (16384) pixels.
const ALIASED_REACH: f32 = (1 << 20) as f32;

/// A segment reaching beyond [`ALIASED_REACH`], clipped as tiny-skia clips a path to the
/// canvas before converting it: cut to the rows `-1..=height + 1`, then into at most three
/// pieces at `x = ±ALIASED_REACH`, a piece beyond that line moved onto it (a vertical
/// segment there, which crosses every row it spans far left or right of the canvas, as the
/// original did). `None` for a piece that does not exist. The cut is computed in `f64`.
fn clip_far(a: Point, b: Point, height: u32) -> [Option<(Point, Point)>; 3] {
    let (ax, ay, bx, by) = (
        f64::from(a.x),
        f64::from(a.y),
        f64::from(b.x),
        f64::from(b.y),
    );
    let at = |t: f64| (ax + (bx - ax) * t, ay + (by - ay) * t);
    // The parameters where the segment enters and leaves the rows' band (`a.y != b.y`).
    let (band0, band1) = (-1.0, f64::from(height) + 1.0);
    let (ta, tb) = ((band0 - ay) / (by - ay), (band1 - ay) / (by - ay));
    let (t0, t1) = (ta.min(tb).max(0.0), ta.max(tb).min(1.0));
    if t0 >= t1 {
        return [None; 3];
    }
    // Then where it crosses the lines `x = ±ALIASED_REACH` between those.
    let reach = f64::from(ALIASED_REACH);
    let mut cuts = [t0, t1, t1, t1];
    if ax != bx {
        let mut crossing = [(-reach - ax) / (bx - ax), (reach - ax) / (bx - ax)];
        crossing.sort_by(f64::total_cmp);
        let inside = crossing.into_iter().filter(|&t| t0 < t && t < t1);
        for (cut, t) in cuts[1..].iter_mut().zip(inside) {
            *cut = t;
        }
    }
    let point = |t: f64| {
        let (x, y) = at(t);
        Point::from_xy(x.clamp(-reach, reach) as f32, y as f32)
    };
    std::array::from_fn(|i| (cuts[i] < cuts[i + 1]).then(|| (point(cuts[i]), point(cuts[i + 1]))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns of a crossing are those of the library `floor`, clamped, for every kind
    /// of value.
    #[test]
    fn columns_are_the_clamped_floors() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            0.999_999_9,
            1.0,
            -0.5,
            -0.999_999_9,
            -1.0,
            -1.000_000_1,
            -1.5,
            -1.999_999_9,
            -2.0,
            -2.5,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
            16_777_216.0,
            4_294_967_040.0,
            5e9,
        ];
        values.extend((-7000..70_000).map(|i| i as f32 * 0.37));
        for width in [0, 1, 2, 255, 256, 16_384] {
            let w = width as f32;
            for &x in &values {
                let first = x.floor().clamp(0.0, w) as u32;
                let end = (x.floor() + 2.0).clamp(0.0, w) as u32;
                assert_eq!(first_column(x, width), first, "first of {x}, width {width}");
                assert_eq!(end_column(x, width), end, "end of {x}, width {width}");
            }
        }
    }

    /// The sub-scanline bounds of `Edge::push` are the library `ceil`'s, clamped, for every
    /// kind of value: fractions, integers, negatives, zeros, NaN, infinities and values near
    /// and beyond the limit.
    #[test]
    fn sub_at_or_below_is_the_clamped_ceiling() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.0,
            -0.5,
            -1.0,
            -1.5,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
            16_777_216.0,
            16_777_217.0,
            2_147_483_520.0,
            3e9,
        ];
        values.extend((-3000..70_000).map(|i| i as f32 * 0.999_7));
        values.extend((-100..100).map(|i| 1024.0 + i as f32 * 0.25));
        for limit in [0.0, 1.0, 1024.0, 65_536.0, 2_147_483_520.0] {
            for &v in &values {
                let expected = v.ceil().clamp(0.0, limit) as i32;
                assert_eq!(sub_at_or_below(v, limit), expected, "v {v}, limit {limit}");
            }
        }
    }

    /// The rows an aliased segment's edges cover, with their x and direction.
    fn aliased(a: (f32, f32), b: (f32, f32), height: u32) -> Vec<(i32, f32, i32)> {
        let mut edges = Vec::new();
        let (a, b) = (Point::from_xy(a.0, a.1), Point::from_xy(b.0, b.1));
        Edge::push(&mut edges, (a, b), true, height, 4);
        edges.iter().map(|e| (e.sub0 / 4, e.x0, e.dir)).collect()
    }

    /// A segment far beyond the canvas gives the same rows and crossings as the part of it
    /// that the canvas sees, and no arithmetic overflow (the fuzz target found one, a
    /// panic in a debug build and wrapped, wrong crossings in a release build).
    #[test]
    fn a_far_aliased_segment_crosses_the_rows_its_visible_part_does() {
        // x = 2y through the canvas, from y = -5e8 to 5e8.
        let far = aliased((-1e9, -5e8), (1e9, 5e8), 48);
        let near = aliased((-20.0, -10.0), (100.0, 50.0), 48);
        assert_eq!(far.len(), 48);
        assert_eq!(far, near);
        assert!(far.iter().all(|&(_, _, dir)| dir == 1));
        // Going up: the same rows, the other direction.
        let up = aliased((1e9, 5e8), (-1e9, -5e8), 48);
        assert_eq!(up.len(), 48);
        assert!(
            up.iter()
                .zip(&near)
                .all(|(u, n)| u.0 == n.0 && u.1 == n.1 && u.2 == -1)
        );
    }

    /// A nearly horizontal segment reaching far left and right crosses the canvas's rows
    /// far outside it on either side, or where it meets them inside.
    #[test]
    fn a_far_shallow_aliased_segment_is_cut_at_the_reach() {
        // From (-1e9, 10) to (1e9, 30): inside the canvas only around y = 20.
        let rows = aliased((-1e9, 10.0), (1e9, 30.0), 48);
        let ys: Vec<i32> = rows.iter().map(|r| r.0).collect();
        assert_eq!(ys, (10..30).collect::<Vec<_>>());
        for (y, x, _) in rows {
            // The segment's own x at the row's centre, or the reach it was cut at.
            let exact = -1e9 + (f64::from(y) + 0.5 - 10.0) / 20.0 * 2e9;
            let expected = exact.clamp(-f64::from(ALIASED_REACH), f64::from(ALIASED_REACH));
            assert!(
                (f64::from(x) - expected).abs() <= 1.0,
                "row {y}: x {x}, expected {expected}"
            );
        }
        // A vertical segment far off to the left still crosses every row, at the reach.
        let left = aliased((-5e9, -1e9), (-5e9, 1e9), 16);
        assert_eq!(left.len(), 16);
        assert!(left.iter().all(|&(_, x, _)| x == -ALIASED_REACH));
        // One wholly above or below the canvas crosses none of its rows.
        assert!(aliased((0.0, -1e9), (5.0, -2.0), 16).is_empty());
        assert!(aliased((0.0, 17.5), (5.0, 1e9), 16).is_empty());
    }
}
