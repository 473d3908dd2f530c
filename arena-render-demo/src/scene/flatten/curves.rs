//! Curve flattening: how many line segments a quadratic or cubic needs, and the points on
//! it.

use tiny_skia_path::Point;

/// Flattening tolerance in device pixels: the most a flattened curve strays from the curve,
/// where its points are not moved (curves of hairlines and quadratics of aliased paths).
pub(super) const FLATTEN_TOLERANCE: f32 = 0.1;

/// The tolerance the segment count of an anti-aliased filled curve is chosen for. Its points
/// are then moved off the insides of pixel rows ([`point_between_rows`]), which lengthens a
/// segment by up to `2 * SNAP_REACH` of a step, so a segment strays at most
/// `(1 + 2 * SNAP_REACH)^2` times this: 0.22 px. Measured against resvg, the moved points at
/// this count are as close as the unmoved ones at [`FLATTEN_TOLERANCE`]: closer on the icon
/// corpora, within 0.2 % on the fixtures and the built-in scene (`BENCHMARKS.md`, "Session
/// 26").
pub(super) const SNAPPED_TOLERANCE: f32 = 0.085;

/// How far along the curve, in steps of its parameter, [`point_between_rows`] moves a point
/// at most. Neighbouring points stay at least `1 - 2 * SNAP_REACH` of a step apart, in order.
const SNAP_REACH: f32 = 0.3;

/// More segments than this for one curve means a degenerate (huge) curve; cap it.
const MAX_CURVE_SEGMENTS: usize = 1024;

/// `|a - 2b + c|`: how far a curve's control polygon bends at `b`.
pub(super) fn second_difference(a: Point, b: Point, c: Point) -> f32 {
    Point::from_xy(a.x - 2.0 * b.x + c.x, a.y - 2.0 * b.y + c.y).length()
}

/// The segments tiny-skia's aliased scan converter cuts a cubic into (its `CubicEdge`): a
/// power of two from the control points' distance to the chord in 1/64 pixels. It is far
/// coarser than [`FLATTEN_TOLERANCE`], and an aliased edge shows the difference, so an
/// aliased curve is cut the same way.
pub(super) fn aliased_cubic_segments(p: [Point; 4]) -> usize {
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

/// A quadratic or cubic Bézier curve in device space.
pub(super) trait Curve {
    /// Its point at parameter `t`.
    fn at(&self, t: f32) -> Point;
    /// Its first and second derivatives at parameter `t`.
    fn derivatives(&self, t: f32) -> (Point, Point);
    /// How many equal steps of its parameter keep its chords within `tolerance` of it.
    fn segments(&self, tolerance: f32) -> usize;
}

/// A quadratic Bézier curve: start, control point, end.
pub(super) struct Quad(pub(super) [Point; 3]);

impl Curve for Quad {
    #[inline(always)]
    fn at(&self, t: f32) -> Point {
        let [p0, p1, p2] = self.0;
        let mt = 1.0 - t;
        weighted(&[(p0, mt * mt), (p1, 2.0 * mt * t), (p2, t * t)])
    }

    #[inline(always)]
    fn derivatives(&self, t: f32) -> (Point, Point) {
        let [p0, p1, p2] = self.0;
        let first = weighted(&[(p1 - p0, 2.0 * (1.0 - t)), (p2 - p1, 2.0 * t)]);
        (first, weighted(&[(p2 - p1 - (p1 - p0), 2.0)]))
    }

    #[inline(always)]
    fn segments(&self, tolerance: f32) -> usize {
        let [p0, p1, p2] = self.0;
        segments_for(second_difference(p0, p1, p2) / (4.0 * tolerance))
    }
}

/// A cubic Bézier curve: start, two control points, end.
pub(super) struct Cubic(pub(super) [Point; 4]);

impl Curve for Cubic {
    #[inline(always)]
    fn at(&self, t: f32) -> Point {
        let [p0, p1, p2, p3] = self.0;
        let mt = 1.0 - t;
        weighted(&[
            (p0, mt * mt * mt),
            (p1, 3.0 * mt * mt * t),
            (p2, 3.0 * mt * t * t),
            (p3, t * t * t),
        ])
    }

    #[inline(always)]
    fn derivatives(&self, t: f32) -> (Point, Point) {
        let [p0, p1, p2, p3] = self.0;
        let mt = 1.0 - t;
        let (d0, d1, d2) = (p1 - p0, p2 - p1, p3 - p2);
        let first = weighted(&[(d0, 3.0 * mt * mt), (d1, 6.0 * mt * t), (d2, 3.0 * t * t)]);
        let second = weighted(&[(d1 - d0, 6.0 * mt), (d2 - d1, 6.0 * t)]);
        (first, second)
    }

    #[inline(always)]
    fn segments(&self, tolerance: f32) -> usize {
        let [p0, p1, p2, p3] = self.0;
        let dd = second_difference(p0, p1, p2).max(second_difference(p1, p2, p3));
        segments_for(0.75 * dd / tolerance)
    }
}

/// Pushes the points of `curve` cut into `n` equal steps of its parameter, its start left
/// out (it is the contour's last point already). With `between_rows`, each point but the
/// end is placed by [`point_between_rows`] for that many sub-scanlines per row.
#[inline(always)]
pub(super) fn push_points(
    curve: &impl Curve,
    n: usize,
    between_rows: Option<u32>,
    points: &mut Vec<Point>,
) {
    for i in 1..=n {
        let t = i as f32 / n as f32;
        points.push(match between_rows {
            Some(s) if i < n => point_between_rows(curve, t, n, s),
            _ => curve.at(t),
        });
    }
}

/// The point of `curve` at parameter `t` (one of `n` equal steps), moved along the curve to
/// lie between two pixel rows' samples where it lies between two samples of one row, if a
/// move of at most [`SNAP_REACH`] of a step gets it there; otherwise (where the curve is too
/// flat there, or the point lies between rows already) the point at `t` itself.
///
/// Between rows, a vertex of the flattened contour splits no row: each of the two segments it
/// joins crosses all of a row's sub-scanlines or none, and the kernel draws such rows edge by
/// edge, without sorting a sub-scanline's crossings (`raster::kernel`). The rows of `s`
/// sub-scanlines are sampled at `r + (k + 0.5) / s`, and an edge crosses the samples from its
/// top (inclusive) to its bottom (exclusive), so a vertex with `y` in `(r - h, r + h]`, `h`
/// half a sub-scanline, splits neither row `r - 1` nor row `r`: that is the window of the row
/// boundary `r`. The move aims a sixteenth of a sub-scanline inside the nearer window.
///
/// The parameter step `dt` is the one that reaches that y along the tangent, and the point
/// is the curve's second-order Taylor expansion at `t + dt`: it leaves the curve by the third
/// order of `dt` only, and needs no second evaluation of the curve (one cost as much as the
/// rest of the flattening). Where the second order carries it out of the window (the curve
/// bends too much over the move), the point stays where it was: such moves were the ones that
/// took the flattening furthest from resvg's.
#[inline(always)]
fn point_between_rows(curve: &impl Curve, t: f32, n: usize, s: u32) -> Point {
    let p = curve.at(t);
    let half = 0.5 / s as f32;
    // The nearest row boundary, by a cast rather than `round` (a call into libm on the x86-64
    // baseline; it rounds toward zero above the canvas, where rows are not drawn), and the y
    // to aim for: `p.y` itself within the boundary's window, else just inside the window.
    // Without a branch on where `p` is, which is as good as random from one point to the
    // next: such a branch mispredicted so often that it cost more than the move.
    let boundary = ((p.y + 0.5) as i32) as f32;
    let reach = half - half / 16.0;
    let aim = boundary + (p.y - boundary).clamp(-reach, reach);
    let rise = aim - p.y;
    // `dt` within `SNAP_REACH` of a step, tested without a division. A NaN fails, and so
    // does a flat tangent (`d1.y` zero). With `<=`, a point that need not move (`rise` zero)
    // on a flat tangent would pass, take the step `0 / 0` (NaN) and fail the window test
    // below instead: the same point either way.
    let (d1, d2) = curve.derivatives(t);
    if rise.abs() < SNAP_REACH / n as f32 * d1.y.abs() {
        let dt = rise / d1.y;
        let half_dt = 0.5 * dt;
        let q = Point::from_xy(
            p.x + dt * (d1.x + half_dt * d2.x),
            p.y + dt * (d1.y + half_dt * d2.y),
        );
        // The window, its lower end excluded: the last sample of the row above. (The move
        // aims a sixteenth of a sub-scanline inside, so `>=` there would draw the same but
        // where the Taylor expansion's error is that sixteenth exactly.)
        if q.y > boundary - half && q.y <= boundary + half {
            return q;
        }
    }
    p
}

/// The weighted sum of points (Bernstein weights of a curve at one parameter).
pub(super) fn weighted(terms: &[(Point, f32)]) -> Point {
    let (mut x, mut y) = (0.0, 0.0);
    for &(p, w) in terms {
        x += p.x * w;
        y += p.y * w;
    }
    Point::from_xy(x, y)
}

pub(super) fn last(points: &[Point]) -> Point {
    points.last().copied().unwrap_or_default()
}

/// Segments for a curve whose flattening error with one segment would be `error_at_one`
/// tolerances: the error falls with the square of the count.
pub(super) fn segments_for(error_at_one: f32) -> usize {
    let n = error_at_one.sqrt().ceil();
    if n.is_finite() {
        (n as usize).clamp(1, MAX_CURVE_SEGMENTS)
    } else {
        MAX_CURVE_SEGMENTS
    }
}

#[cfg(test)]
mod tests {
    use tiny_skia_path::Point;

    use super::{Cubic, Curve, Quad, SNAP_REACH, SNAPPED_TOLERANCE, push_points};
    use crate::scene::index::tests::xorshift;

    /// Sub-scanlines per row, as the renderer samples.
    const S: u32 = 4;

    /// Whether `y` lies between two rows' samples: in the window `(r - 1/8, r + 1/8]` of a
    /// row boundary `r`.
    fn between_rows(y: f32) -> bool {
        let r = y.round();
        y > r - 0.125 && y <= r + 0.125
    }

    /// The distance from `p` to the segment `a`-`b`.
    fn to_segment(p: Point, a: Point, b: Point) -> f32 {
        let (ab, ap) = (b - a, p - a);
        let t = (ap.dot(ab) / ab.dot(ab)).clamp(0.0, 1.0);
        if t.is_nan() {
            return ap.length();
        }
        (ap - Point::from_xy(ab.x * t, ab.y * t)).length()
    }

    /// The points of `curve` (starting at `start`) with and without the moves, after checking
    /// what holds of every moved point: on the curve, between rows, and the moved polyline
    /// within the stated bound of the curve. Returns the counts of points inside a row before
    /// and after.
    fn check(curve: &impl Curve, start: Point, n: usize) -> (usize, usize) {
        let (mut moved, mut plain) = (vec![start], vec![start]);
        push_points(curve, n, Some(S), &mut moved);
        push_points(curve, n, None, &mut plain);
        assert_eq!(moved.len(), n + 1);
        assert_eq!(moved.last(), plain.last(), "the end stays");
        // The curve, densely sampled.
        let dense: Vec<Point> = (0..=4000).map(|i| curve.at(i as f32 / 4000.0)).collect();
        for (i, (&q, &p)) in moved.iter().zip(&plain).enumerate().skip(1) {
            if q == p {
                continue;
            }
            assert!(between_rows(q.y), "point {i} moved to {q:?}, inside a row");
            // A point between rows already moves only within its window, off its outer
            // sixteenth.
            if between_rows(p.y) {
                assert!(
                    (q.y - p.y).abs() <= 0.125 / 16.0 + 1e-4,
                    "point {i} {p:?} to {q:?}"
                );
            }
            // On the curve: where the curve's y is `q.y` within the move's reach of the
            // point's parameter (found by bisection, y being monotonic there), its x is `q.x`
            // but for the Taylor expansion's third order.
            let t = i as f32 / n as f32;
            let (mut lo, mut hi) = (t - SNAP_REACH / n as f32, t + SNAP_REACH / n as f32);
            let rising = curve.at(hi).y > curve.at(lo).y;
            for _ in 0..40 {
                let mid = 0.5 * (lo + hi);
                if (curve.at(mid).y < q.y) == rising {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let on = curve.at(0.5 * (lo + hi));
            let off = (on - q).length();
            // At most 0.004 px over these curves, a median of 1e-5; a first-order move (the
            // tangent's point) strays up to 0.03.
            assert!(
                off <= 6e-3,
                "point {i} moved {off} px off the curve: {q:?}, {on:?}"
            );
            // At most `SNAP_REACH` of a step along it: no further than that of the curve's
            // length around it can take it (the curve's speed varies little over a step).
            let reach = (plain[i + 1] - plain[i - 1]).length() * SNAP_REACH;
            assert!(
                (q - p).length() <= reach * 1.5 + 0.01,
                "point {i} moved too far"
            );
        }
        // Every sample of the curve within the bound of the moved polyline, 0.22 px.
        let bound = (1.0 + 2.0 * SNAP_REACH).powi(2) * SNAPPED_TOLERANCE;
        for (j, &c) in dense.iter().enumerate() {
            let near = moved
                .windows(2)
                .map(|w| to_segment(c, w[0], w[1]))
                .fold(f32::MAX, f32::min);
            assert!(near <= bound + 1e-3, "curve sample {j} is {near} px off");
        }
        let inside = |points: &[Point]| points[1..n].iter().filter(|p| !between_rows(p.y)).count();
        (inside(&plain), inside(&moved))
    }

    #[test]
    fn moved_points_stay_on_the_curve_and_the_flattening_within_its_bound() {
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        let mut coordinate = |span: u64| next(span * 64) as f32 / 64.0;
        let (mut before, mut after) = (0, 0);
        for i in 0..400 {
            // Curves across up to 120 px, every other one tall and narrow (steep, where most
            // points can move) and the others any shape.
            let steep = i % 2 == 0;
            let mut point = || {
                let x = coordinate(if steep { 20 } else { 120 });
                Point::from_xy(x, coordinate(120))
            };
            let (inside_before, inside_after) = if i % 4 < 2 {
                let curve = Cubic([point(), point(), point(), point()]);
                check(&curve, curve.0[0], curve.segments(SNAPPED_TOLERANCE))
            } else {
                let curve = Quad([point(), point(), point()]);
                check(&curve, curve.0[0], curve.segments(SNAPPED_TOLERANCE))
            };
            before += inside_before;
            after += inside_after;
        }
        // Three points in four lie inside a row before the moves; most leave.
        assert!(before > 1000, "{before} points inside rows before");
        assert!(
            after * 4 < before,
            "{after} of {before} points still inside rows"
        );
    }

    #[test]
    fn every_point_of_a_steep_curve_lies_between_rows() {
        // A cubic down 200 rows, bending 20 px sideways: every step crosses several rows.
        let p = [
            Point::from_xy(10.3, 0.4),
            Point::from_xy(40.0, 60.2),
            Point::from_xy(-5.0, 140.7),
            Point::from_xy(30.7, 200.6),
        ];
        // Every point between rows, of more than `least` segments, most of which lay inside
        // rows before the moves.
        fn all_between(curve: &impl Curve, start: Point, least: usize) {
            let n = curve.segments(SNAPPED_TOLERANCE);
            let (before, after) = check(curve, start, n);
            assert!(
                n > least && before > n / 2,
                "{n} segments, {before} inside rows"
            );
            assert_eq!(after, 0);
        }
        all_between(&Cubic(p), p[0], 10);
        // The same quadratic.
        all_between(&Quad([p[0], Point::from_xy(50.0, 100.0), p[3]]), p[0], 5);
    }

    #[test]
    fn derivatives_are_those_of_the_power_basis() {
        // Independently of the Bernstein forms: `P(t) = a t^3 + b t^2 + c t + d`, so
        // `P' = 3a t^2 + 2b t + c` and `P'' = 6a t + 2b`, in f64.
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..500 {
            let mut coordinate = || next(20_000) as f64 / 100.0 - 100.0;
            let p: [(f64, f64); 4] = std::array::from_fn(|_| (coordinate(), coordinate()));
            let t = next(1001) as f64 / 1000.0;
            // One coordinate's first and second derivatives at `t`.
            let axis = |[p0, p1, p2, p3]: [f64; 4]| {
                let (a, b, c) = (
                    p3 - 3.0 * p2 + 3.0 * p1 - p0,
                    3.0 * (p2 - 2.0 * p1 + p0),
                    3.0 * (p1 - p0),
                );
                (3.0 * a * t * t + 2.0 * b * t + c, 6.0 * a * t + 2.0 * b)
            };
            let point = |q: (f64, f64)| Point::from_xy(q.0 as f32, q.1 as f32);
            let close =
                |got: f32, want: f64| (f64::from(got) - want).abs() <= 1e-3 * (1.0 + want.abs());
            // `curve`'s derivatives against those of the cubic `power` in the power basis.
            let agree = |curve: &dyn Fn(f32) -> (Point, Point), power: [(f64, f64); 4]| {
                let (dx, ddx) = axis(power.map(|q| q.0));
                let (dy, ddy) = axis(power.map(|q| q.1));
                let (d1, d2) = curve(t as f32);
                assert!(
                    close(d1.x, dx) && close(d1.y, dy),
                    "{power:?} at {t}: {d1:?}, want {dx} {dy}"
                );
                assert!(
                    close(d2.x, ddx) && close(d2.y, ddy),
                    "{power:?} at {t}: {d2:?}, want {ddx} {ddy}"
                );
            };
            agree(&|t| Cubic(p.map(point)).derivatives(t), p);
            // A quadratic is the cubic with control points at 1/3 and 2/3 of the way to its
            // control point.
            let q = [p[0], p[1], p[3]];
            let elevate = |a: (f64, f64), b: (f64, f64)| {
                (a.0 + 2.0 / 3.0 * (b.0 - a.0), a.1 + 2.0 / 3.0 * (b.1 - a.1))
            };
            let cubic = [q[0], elevate(q[0], q[1]), elevate(q[2], q[1]), q[2]];
            agree(&|t| Quad(q.map(point)).derivatives(t), cubic);
        }
    }

    #[test]
    fn a_flat_curve_keeps_its_points() {
        // Across 100 px and down less than a row: no move within reach ends between rows.
        let p = [
            Point::from_xy(0.0, 10.3),
            Point::from_xy(30.0, 10.9),
            Point::from_xy(70.0, 10.2),
            Point::from_xy(100.0, 10.6),
        ];
        let (mut moved, mut plain) = (vec![p[0]], vec![p[0]]);
        push_points(&Cubic(p), 12, Some(S), &mut moved);
        push_points(&Cubic(p), 12, None, &mut plain);
        assert_eq!(moved, plain);
    }
}
