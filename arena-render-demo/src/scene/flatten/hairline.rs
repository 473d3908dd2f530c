//! Hairlines (strokes a pixel wide or less, drawn as tiny-skia draws them): every segment
//! becomes a band one pixel thick across its major axis, so a thin line is never lost
//! between sub-scanlines.

use tiny_skia_path::Point;

/// One band per segment of the contour `points`, each wound the same way so that
/// overlapping bands (at the joins) stay inside under the nonzero rule; `add_edge` takes the
/// band outlines' segments.
pub(super) fn hairline_bands(
    points: &[Point],
    closed: bool,
    capped: bool,
    mut add_edge: impl FnMut(Point, Point),
) {
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
            add_edge(band[k], band[(k + 1) % 4]);
        }
    }
}
