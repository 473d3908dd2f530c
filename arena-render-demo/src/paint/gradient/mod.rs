//! Linear and radial gradients: a stop table on the heap, built once per set of stops in a
//! scene, and the colour of every pixel of a row span computed from it.
//!
//! As resvg (tiny-skia) does: stops are interpolated with straight alpha and premultiplied
//! afterwards; the stop offsets are bracketed by 0 and 1 and made non-decreasing; a radial
//! gradient is the two-point conical gradient from the focal circle (`fx`, `fy`, `fr`) to
//! the end circle (`cx`, `cy`, `r`), and pixels where it is undefined stay transparent.

mod stops;

use std::collections::HashMap;
use std::sync::Arc;

use tiny_skia_path::{Point, Transform};

use crate::options::MAX_DIMENSION;
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

impl Shape {
    /// Whether the gradient parameter is defined at every pixel of any image
    /// (`to_gradient` maps its device space to gradient space), so that no pixel takes the
    /// table's transparent entry.
    ///
    /// A linear parameter is always defined (a NaN one clamps into the table). A conical one
    /// is undefined where no circle through the point has a non-negative radius. When the
    /// focal circle is a point strictly inside the end circle (`r0 = 0`, `dr > 0`, `a < 0`:
    /// the last branch of [`Gradient::shade_row`]), `c` is at least zero and the roots'
    /// product `c / a` at most zero, so the larger root is at least zero and its radius
    /// non-negative. The arithmetic stays finite and free of NaN while every coordinate is
    /// below 1e9 in size (squares and products below 1e37), which holds at every pixel of an
    /// image of at most [`MAX_DIMENSION`] pixels a side if it holds at the corners of that
    /// square (the map is affine).
    fn defined_everywhere(&self, to_gradient: Transform) -> bool {
        match *self {
            Shape::Solid(color) => to_u8(color[3]) == 255,
            Shape::Linear { .. } => true,
            Shape::Conical { c0, r0, cd, dr, a } => {
                const BOUND: f32 = 1e9;
                let m = MAX_DIMENSION as f32;
                let corners = [(0.0, 0.0), (m, 0.0), (0.0, m), (m, m)].map(|(x, y)| {
                    let mut p = Point::from_xy(x, y);
                    to_gradient.map_point(&mut p);
                    p
                });
                let bounded = corners
                    .iter()
                    .chain(&[c0, cd])
                    .all(|p| p.x.abs() < BOUND && p.y.abs() < BOUND)
                    && dr < BOUND;
                r0 == 0.0 && dr > 0.0 && a < 0.0 && !Shape::one_root(cd, dr, a) && bounded
            }
        }
    }

    /// Whether a conical gradient's equation is taken as linear (`a` negligible): one root.
    #[inline(always)]
    fn one_root(cd: Point, dr: f32, a: f32) -> bool {
        a.abs() < 1e-6 * (cd.x.abs() + cd.y.abs() + dr.abs()).max(1e-12)
    }
}

/// A gradient ready to colour pixels.
///
/// Invariants: `lut` has [`LUT_SIZE`] entries and a transparent one after them (where the
/// gradient is undefined); `to_gradient` maps device space to gradient space.
#[derive(Clone, Debug)]
pub(crate) struct Gradient {
    shape: Shape,
    spread: Spread,
    to_gradient: Transform,
    /// The premultiplied colour at `t = i / (LUT_SIZE - 1)`, and transparent: shared by
    /// the scene's gradients with the same stops (see [`Tables`]).
    lut: Arc<[Pixel]>,
    /// Whether every pixel [`Gradient::shade_row`] writes is opaque (see
    /// [`Gradient::is_opaque`]).
    opaque: bool,
}

/// The colour tables of one scene's gradients, one per distinct set of stops (opacity
/// applied): icons often draw several gradients that differ only in their geometry (one
/// `xlink:href`'d set of stops under different end points or transforms), and a table is
/// 1,024 colours to compute.
#[derive(Debug, Default)]
pub(crate) struct Tables(HashMap<Stops, Arc<[Pixel]>>);

impl Tables {
    /// The table of `stops`, built if this scene has none for them yet.
    fn of(&mut self, stops: Stops) -> Arc<[Pixel]> {
        Arc::clone(
            self.0
                .entry(stops)
                .or_insert_with_key(|stops| stops.lut().into()),
        )
    }
}

impl Gradient {
    /// The gradient of a `usvg` linear gradient drawn with `opacity`, in the coordinate
    /// system that `to_device` maps to device pixels, its colour table from `tables`. `None`
    /// when nothing is drawn (the transform cannot be inverted, or the geometry is not
    /// finite).
    pub(crate) fn linear(
        g: &usvg::LinearGradient,
        opacity: f32,
        to_device: Transform,
        tables: &mut Tables,
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
        // Coincident end points: as tiny-skia, one colour: the last stop's with a pad spread,
        // else the average over the gradient.
        let degenerate = (len2.sqrt() <= DEGENERATE_LENGTH).then(|| match spread_of(g) {
            Spread::Pad => stops.last_color(),
            Spread::Reflect | Spread::Repeat => stops.average_color(),
        });
        let mut gradient =
            Gradient::new(g, stops, Shape::Linear { start, axis }, to_device, tables)?;
        if let Some(color) = degenerate {
            gradient.shape = Shape::Solid(color);
        }
        Some(gradient)
    }

    /// The gradient of a `usvg` radial gradient; see [`Gradient::linear`].
    pub(crate) fn radial(
        g: &usvg::RadialGradient,
        opacity: f32,
        to_device: Transform,
        tables: &mut Tables,
    ) -> Option<Gradient> {
        let c0 = Point::from_xy(g.fx(), g.fy());
        let r0 = g.fr().get();
        let cd = Point::from_xy(g.cx() - c0.x, g.cy() - c0.y);
        let dr = g.r().get() - r0;
        // `a` in f64, from the attributes themselves: where the focal point lies near the end
        // circle, `a` is a small difference of large squares, and `t` (about `2 b / a`) takes
        // its relative error. In f32 that moved `t` by a hundredth of a period at `t = 700`,
        // enough to put a repeating gradient's pixels on the wrong side of its wrap.
        let a = {
            let d = |p: f32, q: f32| f64::from(p) - f64::from(q);
            let (x, y, r) = (d(g.cx(), g.fx()), d(g.cy(), g.fy()), d(g.r().get(), r0));
            (x * x + y * y - r * r) as f32
        };
        if !(a.is_finite() && r0.is_finite()) {
            return None;
        }
        let shape = Shape::Conical { c0, r0, cd, dr, a };
        Gradient::new(g, Stops::of(g, opacity)?, shape, to_device, tables)
    }

    /// The gradient of `g`'s spread and transform with `stops` (whose table comes from
    /// `tables`) and `shape`.
    fn new(
        g: &usvg::BaseGradient,
        stops: Stops,
        shape: Shape,
        to_device: Transform,
        tables: &mut Tables,
    ) -> Option<Gradient> {
        let to_gradient = to_device.pre_concat(g.transform()).invert()?;
        let lut = tables.of(stops);
        let opaque =
            lut[..LUT_SIZE].iter().all(|c| c[3] == 255) && shape.defined_everywhere(to_gradient);
        Some(Gradient {
            shape,
            spread: spread_of(g),
            to_gradient,
            lut,
            opaque,
        })
    }

    /// Whether every colour [`Gradient::shade_row`] writes, on any row of any image, is
    /// opaque: its table is, and its parameter is defined at every pixel. Such colours
    /// composited at full coverage replace the pixels under them.
    pub(crate) fn is_opaque(&self) -> bool {
        self.opaque
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`.
    /// Always inlined, into each copy of the shader's dispatch (`Shader::shade_row`).
    #[inline(always)]
    pub(crate) fn shade_row(&self, y: u32, x0: usize, out: &mut [Pixel]) {
        let ts = self.to_gradient;
        let (dx, py) = (x0 as f32 + 0.5, y as f32 + 0.5);
        let p = Point::from_xy(
            ts.sx * dx + ts.kx * py + ts.tx,
            ts.ky * dx + ts.sy * py + ts.ty,
        );
        match self.shape {
            Shape::Solid(color) => out.fill(color.map(to_u8)),
            Shape::Linear { start, axis } => self.shade_spread(out, p, move |x, y| {
                ((x - start.x) * axis.x + (y - start.y) * axis.y, true)
            }),
            Shape::Conical { c0, r0, cd, dr, a } => {
                // |p - c0 - t cd| = r0 + t dr: the largest t with a non-negative radius, of
                // `a t^2 - 2 b t + c = 0`.
                let b_c = move |x: f32, y: f32| {
                    let (px, py) = (x - c0.x, y - c0.y);
                    (px * cd.x + py * cd.y + r0 * dr, px * px + py * py - r0 * r0)
                };
                let radius_ok = move |t: f32| r0 + t * dr >= 0.0;
                // Both roots in order, largest first (the order depends only on a's sign);
                // a negative discriminant makes both NaN, and NaN has no radius.
                let larger_first = move |hi: f32, lo: f32| {
                    let (hi_ok, lo_ok) = (radius_ok(hi), radius_ok(lo));
                    (if hi_ok { hi } else { lo }, hi_ok || lo_ok)
                };
                if Shape::one_root(cd, dr, a) {
                    // One root: 2 b t = c.
                    self.shade_spread(out, p, move |x, y| {
                        let (b, c) = b_c(x, y);
                        let t = c / (2.0 * b);
                        (t, t.is_finite() && radius_ok(t))
                    });
                } else if a > 0.0 {
                    self.shade_spread(out, p, move |x, y| {
                        let (b, c) = b_c(x, y);
                        let root = (b * b - a * c).sqrt();
                        // (b + root) / a loses digits where b < 0; c / (b - root) is the
                        // same root (the product of the roots is c / a) and does not. (One
                        // division of the chosen operands: the vector loop computes both
                        // sides of a choice, and a division costs more than a select.)
                        let (num, den) = if b < 0.0 {
                            (c, b - root)
                        } else {
                            (b + root, a)
                        };
                        let hi = num / den;
                        larger_first(hi, (b - root) / a)
                    });
                } else {
                    self.shade_spread(out, p, move |x, y| {
                        let (b, c) = b_c(x, y);
                        let root = (b * b - a * c).sqrt();
                        // As above: (b - root) / a loses digits where b > 0.
                        let (num, den) = if b > 0.0 {
                            (c, b + root)
                        } else {
                            (b - root, a)
                        };
                        let hi = num / den;
                        larger_first(hi, (b + root) / a)
                    });
                }
            }
        }
    }

    /// [`Gradient::shade_chunks`] with the gradient's spread method.
    #[inline(always)]
    fn shade_spread(&self, out: &mut [Pixel], p: Point, param: impl Fn(f32, f32) -> (f32, bool)) {
        match self.spread {
            Spread::Pad => self.shade_chunks(out, p, param, |t| t.clamp(0.0, 1.0)),
            Spread::Repeat => self.shade_chunks(out, p, param, |t| t - floor_wide(t)),
            Spread::Reflect => self.shade_chunks(out, p, param, |t| {
                let m = t - 2.0 * floor_wide(t * 0.5);
                if m > 1.0 { 2.0 - m } else { m }
            }),
        }
    }

    /// Colours `out` from the gradient-space point `p` of its first pixel: `param` gives
    /// the gradient parameter of a point and whether it is defined there, `spread` maps it
    /// into `0..=1`.
    ///
    /// The point is affine in x: `p` plus the pixel's index times a constant step. The
    /// parameters are computed [`CHUNK`] pixels at a time, each pixel's point from its
    /// index, into an array of table indices on the stack, so that the loop has no
    /// dependency from one pixel to the next and vectorises; a last loop looks the colours
    /// up. The points are not stored between the two: loaded back in vector lanes from
    /// stores of fewer lanes, they stalled on store forwarding (18 % of the shading's time).
    #[inline(always)]
    fn shade_chunks(
        &self,
        out: &mut [Pixel],
        p: Point,
        param: impl Fn(f32, f32) -> (f32, bool),
        spread: impl Fn(f32) -> f32,
    ) {
        let step = [self.to_gradient.sx, self.to_gradient.ky];
        let last = LUT_SIZE - 1;
        for (c, chunk) in out.chunks_mut(CHUNK).enumerate() {
            let mut index = [0u32; CHUNK];
            for (k, i) in index.iter_mut().enumerate() {
                // Pixel `n`'s point is `p + n * step`, two roundings from the exact one
                // whatever `n` is; a running sum would gather one rounding per pixel.
                let n = (c * CHUNK + k) as f32;
                let (x, y) = (p.x + n * step[0], p.y + n * step[1]);
                let (t, defined) = param(x, y);
                let nearest = truncate((spread(t) * last as f32 + 0.5).max(0.0).min(last as f32));
                // Undefined: the transparent entry after the table.
                *i = if defined { nearest } else { LUT_SIZE as u32 };
            }
            for (px, &i) in chunk.iter_mut().zip(&index) {
                *px = self.lut[i as usize];
            }
        }
    }
}

/// How `g` continues beyond its end points.
fn spread_of(g: &usvg::BaseGradient) -> Spread {
    match g.spread_method() {
        usvg::SpreadMethod::Pad => Spread::Pad,
        usvg::SpreadMethod::Reflect => Spread::Reflect,
        usvg::SpreadMethod::Repeat => Spread::Repeat,
    }
}

/// `v` rounded towards zero, for `v` in `0.0..=1024.0`, as `v as u32` but in operations
/// that vectorise (a float-to-integer cast saturates, and SSE2 has no vector form of that):
/// adding 2^23 leaves `v` rounded to the nearest integer in the low mantissa bits; one less
/// where that rounded up.
#[inline(always)]
fn truncate(v: f32) -> u32 {
    const MAGIC: f32 = 8_388_608.0;
    debug_assert!((0.0..=1024.0).contains(&v));
    let r = v + MAGIC;
    let nearest = r.to_bits() - MAGIC.to_bits();
    nearest - u32::from(r - MAGIC > v)
}

/// `v.floor()`, as [`f32::floor`] but in operations that vectorise (no cast): adding and
/// subtracting 2^23 rounds `v` to an integer; one less where that rounded up. (It gives 0.0
/// for -0.0, which a spread maps to the same colour.)
#[inline(always)]
fn floor_wide(v: f32) -> f32 {
    const MAGIC: f32 = 8_388_608.0;
    let m = MAGIC.copysign(v);
    let r = (v + m) - m;
    let r = if r > v { r - 1.0 } else { r };
    // Beyond 2^23 every f32 is an integer already (or not finite).
    if v.abs() < MAGIC { r } else { v }
}

/// Pixels a gradient shades at a time (see [`Gradient::shade_chunks`]).
const CHUNK: usize = 16;

#[cfg(test)]
mod tests;
