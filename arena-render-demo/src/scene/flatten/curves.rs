//! Curve flattening: how many line segments a quadratic or cubic needs, and the points on
//! it.

use tiny_skia_path::Point;

/// Flattening tolerance in device pixels: the most a flattened curve strays from the curve.
pub(super) const FLATTEN_TOLERANCE: f32 = 0.1;

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
