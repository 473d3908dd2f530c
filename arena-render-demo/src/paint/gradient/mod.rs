//! Linear and radial gradients: a stop table on the heap, built once per paint, and the
//! colour of every pixel of a row span computed from it.
//!
//! As resvg (tiny-skia) does: stops are interpolated with straight alpha and premultiplied
//! afterwards; the stop offsets are bracketed by 0 and 1 and made non-decreasing; a radial
//! gradient is the two-point conical gradient from the focal circle (`fx`, `fy`, `fr`) to
//! the end circle (`cx`, `cy`, `r`), and pixels where it is undefined stay transparent.

mod stops;

use tiny_skia_path::{Point, Transform};

use super::floor;
use crate::pixel::{Paint, Pixel, to_u8};
use stops::{LUT_SIZE, Stops};

/// How a gradient continues beyond its end points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spread {
    Pad,
    Reflect,
    Repeat,
}

/// Shorter gradient vectors than this (in gradient units) draw one colour, as in tiny-skia.
const DEGENERATE_LENGTH: f32 = 1.0 / 32768.0;

/// The geometry that maps a point in gradient space to the gradient parameter `t`.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// One premultiplied colour everywhere (a degenerate gradient).
    Solid(Paint),
    /// `t = (p - start) . axis`, with `axis = (end - start) / |end - start|^2`.
    Linear { start: Point, axis: Point },
    /// Circles `c0 + t * cd` of radius `r0 + t * dr`; `a = cd . cd - dr^2`.
    Conical {
        c0: Point,
        r0: f32,
        cd: Point,
        dr: f32,
        a: f32,
    },
}

/// A gradient ready to colour pixels.
///
/// Invariants: `lut` has [`LUT_SIZE`] entries; `to_gradient` maps device space to gradient
/// space.
#[derive(Clone, Debug)]
pub(crate) struct Gradient {
    shape: Shape,
    spread: Spread,
    to_gradient: Transform,
    /// The premultiplied colour at `t = i / (LUT_SIZE - 1)`, built once with the stops.
    lut: Vec<Pixel>,
}

impl Gradient {
    /// The gradient of a `usvg` linear gradient drawn with `opacity`, in the coordinate
    /// system that `to_device` maps to device pixels. `None` when nothing is drawn (the
    /// transform cannot be inverted, or the geometry is not finite).
    pub(crate) fn linear(
        g: &usvg::LinearGradient,
        opacity: f32,
        to_device: Transform,
    ) -> Option<Gradient> {
        let (start, end) = (
            Point::from_xy(g.x1(), g.y1()),
            Point::from_xy(g.x2(), g.y2()),
        );
        let d = Point::from_xy(end.x - start.x, end.y - start.y);
        let len2 = d.x * d.x + d.y * d.y;
        if !len2.is_finite() {
            return None;
        }
        let axis = Point::from_xy(d.x / len2, d.y / len2);
        let stops = Stops::of(g, opacity)?;
        let mut gradient = Gradient::new(g, &stops, Shape::Linear { start, axis }, to_device)?;
        // Coincident end points: as tiny-skia, one colour: the last stop's with a pad spread,
        // else the average over the gradient.
        if len2.sqrt() <= DEGENERATE_LENGTH {
            gradient.shape = Shape::Solid(match gradient.spread {
                Spread::Pad => stops.last_color(),
                Spread::Reflect | Spread::Repeat => stops.average_color(),
            });
        }
        Some(gradient)
    }

    /// The gradient of a `usvg` radial gradient; see [`Gradient::linear`].
    pub(crate) fn radial(
        g: &usvg::RadialGradient,
        opacity: f32,
        to_device: Transform,
    ) -> Option<Gradient> {
        let c0 = Point::from_xy(g.fx(), g.fy());
        let r0 = g.fr().get();
        let cd = Point::from_xy(g.cx() - c0.x, g.cy() - c0.y);
        let dr = g.r().get() - r0;
        let a = cd.x * cd.x + cd.y * cd.y - dr * dr;
        if !(a.is_finite() && r0.is_finite()) {
            return None;
        }
        let shape = Shape::Conical { c0, r0, cd, dr, a };
        Gradient::new(g, &Stops::of(g, opacity)?, shape, to_device)
    }

    /// The gradient of `g`'s spread and transform with `stops` and `shape`.
    fn new(
        g: &usvg::BaseGradient,
        stops: &Stops,
        shape: Shape,
        to_device: Transform,
    ) -> Option<Gradient> {
        let to_gradient = to_device.pre_concat(g.transform()).invert()?;
        let spread = match g.spread_method() {
            usvg::SpreadMethod::Pad => Spread::Pad,
            usvg::SpreadMethod::Reflect => Spread::Reflect,
            usvg::SpreadMethod::Repeat => Spread::Repeat,
        };
        Some(Gradient {
            shape,
            spread,
            to_gradient,
            lut: stops.lut(),
        })
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`.
    pub(crate) fn shade_row(&self, y: u32, x0: usize, out: &mut [Pixel]) {
        if let Shape::Solid(color) = self.shape {
            out.fill(color.map(to_u8));
            return;
        }
        let ts = self.to_gradient;
        let (dx, py) = (x0 as f32 + 0.5, y as f32 + 0.5);
        // The gradient-space point is affine in x: it steps by a constant per pixel.
        let mut p = Point::from_xy(
            ts.sx * dx + ts.kx * py + ts.tx,
            ts.ky * dx + ts.sy * py + ts.ty,
        );
        for px in out.iter_mut() {
            *px = match self.parameter(p) {
                Some(t) => {
                    let i = (self.spread(t) * (LUT_SIZE - 1) as f32 + 0.5) as usize;
                    self.lut[i.min(LUT_SIZE - 1)]
                }
                None => [0; 4],
            };
            p.x += ts.sx;
            p.y += ts.ky;
        }
    }

    /// The gradient parameter at `p` (gradient space), `None` where it is undefined.
    #[inline]
    fn parameter(&self, p: Point) -> Option<f32> {
        match self.shape {
            Shape::Solid(_) => Some(0.0),
            Shape::Linear { start, axis } => {
                Some((p.x - start.x) * axis.x + (p.y - start.y) * axis.y)
            }
            Shape::Conical { c0, r0, cd, dr, a } => {
                // |p - c0 - t cd| = r0 + t dr, the largest t with a non-negative radius.
                let (px, py) = (p.x - c0.x, p.y - c0.y);
                let b = px * cd.x + py * cd.y + r0 * dr;
                let c = px * px + py * py - r0 * r0;
                let radius_ok = |t: f32| r0 + t * dr >= 0.0;
                if a.abs() < 1e-6 * (cd.x.abs() + cd.y.abs() + dr.abs()).max(1e-12) {
                    // One root: 2 b t = c.
                    let t = c / (2.0 * b);
                    return (t.is_finite() && radius_ok(t)).then_some(t);
                }
                let disc = b * b - a * c;
                if disc < 0.0 {
                    return None;
                }
                let root = disc.sqrt();
                let (t1, t2) = ((b + root) / a, (b - root) / a);
                let (hi, lo) = if t1 >= t2 { (t1, t2) } else { (t2, t1) };
                if radius_ok(hi) {
                    Some(hi)
                } else if radius_ok(lo) {
                    Some(lo)
                } else {
                    None
                }
            }
        }
    }

    /// `t` mapped into `0..=1` by the spread method.
    #[inline]
    fn spread(&self, t: f32) -> f32 {
        match self.spread {
            Spread::Pad => t.clamp(0.0, 1.0),
            Spread::Repeat => t - floor(t),
            Spread::Reflect => {
                let m = t - 2.0 * floor(t * 0.5);
                if m > 1.0 { 2.0 - m } else { m }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_paint(svg: &str) -> (usvg::Tree, Transform) {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        (tree, Transform::identity())
    }

    fn shade(svg: &str, y: u32, width: usize) -> Vec<Pixel> {
        let (tree, ts) = first_paint(svg);
        let usvg::Node::Path(path) = &tree.root().children()[0] else {
            panic!("a path")
        };
        let g = match path.fill().unwrap().paint() {
            usvg::Paint::LinearGradient(g) => Gradient::linear(g, 1.0, ts),
            usvg::Paint::RadialGradient(g) => Gradient::radial(g, 1.0, ts),
            _ => panic!("a gradient"),
        }
        .unwrap();
        let mut out = vec![[0; 4]; width];
        g.shade_row(y, 0, &mut out);
        out
    }

    #[test]
    fn linear_pad_repeat_and_reflect_spread_differently() {
        let svg = |spread: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="1">
                <linearGradient id="g" gradientUnits="userSpaceOnUse" x1="0" x2="10"
                    spreadMethod="{spread}">
                  <stop offset="0" stop-color="black"/><stop offset="1" stop-color="red"/>
                </linearGradient><rect width="40" height="1" fill="url(#g)"/></svg>"#
            )
        };
        let red = |v: &[Pixel]| v.iter().map(|p| p[0]).collect::<Vec<_>>();
        let pad = red(&shade(&svg("pad"), 0, 40));
        let repeat = red(&shade(&svg("repeat"), 0, 40));
        let reflect = red(&shade(&svg("reflect"), 0, 40));
        // Pixel 4's centre is at t = 0.45; pixel 14 at 1.45.
        assert_eq!((pad[4], pad[14]), (115, 255));
        assert_eq!((repeat[4], repeat[14]), (115, 115));
        assert_eq!((reflect[4], reflect[14]), (115, 140));
        assert!(pad.iter().all(|&p| p > 0) && pad[0] < pad[9]);
    }

    #[test]
    fn radial_gradients_grow_from_the_focal_point() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">
            <radialGradient id="g" gradientUnits="userSpaceOnUse" cx="10" cy="10" r="10"
                fx="6" fy="10">
              <stop offset="0" stop-color="white" stop-opacity="0.5"/>
              <stop offset="1" stop-color="blue"/>
            </radialGradient><rect width="20" height="20" fill="url(#g)"/></svg>"#;
        let row = shade(svg, 10, 20);
        // Near the focal point: close to the first stop, half transparent, premultiplied.
        let near = row[6];
        assert!(near[0] == near[1] && near[0] <= near[3], "{near:?}");
        assert!((128..=140).contains(&near[3]), "{near:?}");
        // Outside the end circle (the corner), padded: the last stop.
        assert_eq!(shade(svg, 0, 1)[0], [0, 0, 255, 255]);
        assert!(row[0][2] > row[6][2] && row[0][3] > row[6][3]);
        // The focal point is left of the centre: colour changes faster on the left.
        assert!(row[3][0] < row[9][0]);
    }
}
