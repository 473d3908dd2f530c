//! The gradients against their definitions, and the fast shading against the per-pixel
//! formulas.

use super::*;
use crate::paint::Shader;
use crate::pixel::CLEAR;
use crate::wide::Wide;

/// The paint of the fill of the first path of `tree`.
fn first_fill(tree: &usvg::Tree) -> &usvg::Paint {
    let usvg::Node::Path(path) = &tree.root().children()[0] else {
        panic!("a path")
    };
    path.fill().unwrap().paint()
}

/// The gradient `paint` is, at full opacity, drawn through `to_device`.
fn gradient(paint: &usvg::Paint, to_device: Transform) -> Gradient {
    gradient_in(paint, 1.0, to_device, &mut Tables::default())
}

/// The gradient `paint` is, at `opacity`, drawn through `to_device`, its table from `tables`.
fn gradient_in(
    paint: &usvg::Paint,
    opacity: f32,
    to_device: Transform,
    tables: &mut Tables,
) -> Gradient {
    match paint {
        usvg::Paint::LinearGradient(g) => Gradient::linear(g, opacity, to_device, tables),
        usvg::Paint::RadialGradient(g) => Gradient::radial(g, opacity, to_device, tables),
        _ => panic!("a gradient"),
    }
    .unwrap()
}

fn shade(svg: &str, y: u32, width: usize) -> Vec<Pixel> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
    let g = gradient(first_fill(&tree), Transform::identity());
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

/// The gradient parameter at `p`, one point at a time, as the formulas define it (`None`
/// where it is undefined): the model the vectorised shading must match exactly.
fn parameter(g: &Gradient, p: Point) -> Option<f32> {
    match g.shape {
        Shape::Solid(_) => Some(0.0),
        Shape::Linear { start, axis } => Some((p.x - start.x) * axis.x + (p.y - start.y) * axis.y),
        Shape::Conical { c0, r0, cd, dr, a } => {
            let (px, py) = (p.x - c0.x, p.y - c0.y);
            let b = px * cd.x + py * cd.y + r0 * dr;
            let c = px * px + py * py - r0 * r0;
            let radius_ok = |t: f32| r0 + t * dr >= 0.0;
            if a.abs() < 1e-6 * (cd.x.abs() + cd.y.abs() + dr.abs()).max(1e-12) {
                let t = c / (2.0 * b);
                return (t.is_finite() && radius_ok(t)).then_some(t);
            }
            let disc = b * b - a * c;
            if disc < 0.0 {
                return None;
            }
            let root = disc.sqrt();
            // The larger root in the form that keeps its digits (see `shade_row`).
            let (hi, lo) = if a > 0.0 {
                let hi = if b < 0.0 {
                    c / (b - root)
                } else {
                    (b + root) / a
                };
                (hi, (b - root) / a)
            } else {
                let hi = if b > 0.0 {
                    c / (b + root)
                } else {
                    (b - root) / a
                };
                (hi, (b + root) / a)
            };
            [hi, lo].into_iter().find(|&t| radius_ok(t))
        }
    }
}

/// Row `y` from pixel `x0` on, one pixel at a time through [`parameter`].
fn reference_row(g: &Gradient, y: u32, x0: usize, len: usize) -> Vec<Pixel> {
    let ts = g.to_gradient;
    let (dx, py) = (x0 as f32 + 0.5, y as f32 + 0.5);
    let p0 = Point::from_xy(
        ts.sx * dx + ts.kx * py + ts.tx,
        ts.ky * dx + ts.sy * py + ts.ty,
    );
    let mut row = Vec::with_capacity(len);
    for i in 0..len {
        let i = i as f32;
        let p = Point::from_xy(p0.x + i * ts.sx, p0.y + i * ts.ky);
        row.push(match parameter(g, p) {
            Some(t) => {
                let t = match g.spread {
                    Spread::Pad => t.clamp(0.0, 1.0),
                    Spread::Repeat => t - t.floor(),
                    Spread::Reflect => {
                        let m = t - 2.0 * (t * 0.5).floor();
                        if m > 1.0 { 2.0 - m } else { m }
                    }
                };
                let i = (t * (LUT_SIZE - 1) as f32 + 0.5) as usize;
                g.lut[i.min(LUT_SIZE - 1)]
            }
            None => CLEAR,
        });
    }
    row
}

#[test]
fn vectorised_shading_matches_the_per_pixel_formulas() {
    // (gradient element, attributes): focal point at the centre, inside, on the end
    // circle (a = 0: one root), outside it (a > 0), a focal radius larger than the end
    // radius outside (a > 0) and inside (a < 0, where the smaller root is the one drawn),
    // and linear gradients, each with every spread and a skewing transform.
    let shapes = [
        ("radialGradient", r#"cx="24" cy="20" r="14""#),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="14" fx="18" fy="26" fr="2""#,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="10" fx="34" fy="20""#,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="6" fx="8" fy="30" fr="3""#,
        ),
        (
            "radialGradient",
            r#"cx="20" cy="24" r="4" fx="26" fy="24" fr="9""#,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="2" fx="26" fy="22" fr="12""#,
        ),
        ("linearGradient", r#"x1="5" y1="7" x2="30" y2="19""#),
    ];
    let mut compared = 0;
    for (element, attributes) in shapes {
        for spread in ["pad", "reflect", "repeat"] {
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">
                <{element} id="g" gradientUnits="userSpaceOnUse" {attributes}
                    spreadMethod="{spread}" gradientTransform="skewX(12) rotate(7 24 24)">
                  <stop offset="0" stop-color="#fe2" stop-opacity="0.7"/>
                  <stop offset="0.4" stop-color="#0a8"/><stop offset="1" stop-color="#30c"/>
                </{element}><rect width="48" height="48" fill="url(#g)"/></svg>"##
            );
            let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
            let to_device = Transform::from_row(1.3, 0.2, -0.1, 1.2, -3.0, 2.0);
            let g = gradient(first_fill(&tree), to_device);
            // The baseline loops and, where the CPU has them, their AVX2 and AVX-512 copies.
            let shader = Shader::Gradient(g.clone());
            for wide in Wide::all() {
                for y in 0..64 {
                    // Spans of several chunks, and of a part of one.
                    for (x0, len) in [(0, 64), (3, 37), (40, 5)] {
                        let mut row = vec![[1; 4]; len];
                        shader.shade_row_on(wide, y, x0, &mut row, &[]);
                        let want = reference_row(&g, y, x0, len);
                        assert_eq!(
                            row,
                            want,
                            "{element} {attributes} {spread}, {}: row {y} from {x0}",
                            wide.name()
                        );
                        compared += row.iter().filter(|p| p[3] > 0).count();
                    }
                }
            }
        }
    }
    assert!(compared > 100_000, "{compared}");
}

#[test]
fn the_wide_loops_run_where_the_cpu_has_avx2_or_avx512() {
    // x86-64-v3, as fearless_simd's AVX2 level requires it.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        use std::arch::is_x86_feature_detected as has;
        let v3 = has!("avx2")
            && has!("fma")
            && has!("bmi1")
            && has!("bmi2")
            && has!("f16c")
            && has!("lzcnt")
            && has!("movbe");
        assert_eq!(Wide::detect().is_avx2(), v3);
        // The AVX-512 copy only where the CPU has it (some of the Ice Lake set that
        // fearless_simd's level asks for).
        let avx512 = has!("avx512f")
            && has!("avx512bw")
            && has!("avx512vl")
            && has!("avx512vbmi2")
            && has!("gfni");
        assert!(Wide::detect().name() != "AVX-512" || avx512 && v3);
        assert_ne!(Wide::at_most_avx2().name(), "AVX-512");
    }
    assert!(!Wide::baseline().is_avx2());
    assert_eq!(Wide::baseline().name(), "baseline");
}

#[test]
fn the_vectorising_floor_and_truncation_match_the_casts() {
    // Magnitudes from 2^-10 to 2^25 (past the 2^23 limit), both signs, with neighbours.
    let mut v = 1.0f32 / 1024.0;
    while v < 3.4e7 {
        for w in [
            v,
            -v,
            v + 0.5,
            -v - 0.5,
            v.next_up(),
            (-v).next_down(),
            v.floor(),
        ] {
            assert_eq!(floor_wide(w), w.floor(), "{w}");
        }
        v *= 1.0137;
    }
    for i in 0..=4096 * 4 {
        let v = i as f32 / 16.0;
        for w in [v, v.next_up(), v.next_down().max(0.0)] {
            if w <= 1024.0 {
                assert_eq!(truncate(w), w as u32, "{w}");
            }
        }
    }
    assert!(floor_wide(f32::INFINITY).is_infinite() && floor_wide(f32::NAN).is_nan());
}

/// Where the parameter is large, a repeating gradient's pixels are as close to their exact
/// colours as the table allows, along rows of 1024 pixels: a focal point a hair outside or
/// inside the end circle, with a focal radius or without (`a` a small difference of large
/// squares, and roots that cancel),
/// and periods of a tenth and a half of a unit (a running sum of the per-pixel step drifted
/// by up to 86 and 17 table steps). The exact parameter is computed in f64 from the same
/// attributes and the same device-to-gradient transform.
#[test]
fn large_parameters_stay_within_a_table_step_of_their_exact_values() {
    // The focal points lie off the centre along both axes (at 6, 8 from it, scaled), so that
    // every coordinate counts.
    let cases = [
        (
            "radialGradient",
            r#"cx="24" cy="24" r="10" fx="17.994" fy="15.992""#,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="24" r="10" fx="18.006" fy="16.008""#,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="24" r="10.49" fx="18" fy="16" fr="0.5""#,
        ),
        // A focal circle larger than the end circle: t runs negative, to about -40 where
        // b is about -5000 at the far end of the rows.
        (
            "radialGradient",
            r#"cx="24" cy="24" r="0.51" fx="30" fy="32" fr="10.5""#,
        ),
        ("linearGradient", r#"x1="5" x2="5.1""#),
        ("linearGradient", r#"x1="5" x2="5.5""#),
    ];
    let last = (LUT_SIZE - 1) as i64;
    let mut compared = 0;
    for (element, attributes) in cases {
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">
            <{element} id="g" gradientUnits="userSpaceOnUse" {attributes} spreadMethod="repeat">
              <stop offset="0" stop-color="#fe2"/><stop offset="1" stop-color="#30c"/>
            </{element}><rect width="48" height="48" fill="url(#g)"/></svg>"##
        );
        let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
        let paint = first_fill(&tree);
        let to_device = Transform::from_row(1.3, 0.2, -0.1, 1.2, -3.0, 2.0);
        // The exact parameter at device point (x, y), given the attributes as usvg holds them.
        let exact: Box<dyn Fn(f64, f64) -> Option<f64>> = match paint {
            usvg::Paint::LinearGradient(g) => {
                let (x1, x2) = (f64::from(g.x1()), f64::from(g.x2()));
                Box::new(move |x, _| Some((x - x1) / (x2 - x1)))
            }
            usvg::Paint::RadialGradient(g) => {
                let (cx, cy, r) = (f64::from(g.cx()), f64::from(g.cy()), f64::from(g.r().get()));
                let (fx, fy, fr) = (
                    f64::from(g.fx()),
                    f64::from(g.fy()),
                    f64::from(g.fr().get()),
                );
                Box::new(move |x, y| {
                    // Circles (fx, fy) + t cd of radius fr + t dr.
                    let (cdx, cdy, dr, px, py) = (cx - fx, cy - fy, r - fr, x - fx, y - fy);
                    let a = cdx * cdx + cdy * cdy - dr * dr;
                    let (b, c) = (px * cdx + py * cdy + fr * dr, px * px + py * py - fr * fr);
                    let root = (b * b - a * c).sqrt();
                    [(b + root) / a, (b - root) / a]
                        .into_iter()
                        .filter(|t| fr + t * dr >= 0.0)
                        .reduce(f64::max)
                })
            }
            _ => panic!("a gradient"),
        };
        let mut g = gradient(paint, to_device);
        // A table that names its entries: entry i is the colour (i % 256, i / 256, 0).
        g.lut = (0..LUT_SIZE)
            .map(|i| [i as u8, (i >> 8) as u8, 0, 255])
            .chain([CLEAR])
            .collect();
        // Device to user space in f64: the inverse of `to_device`.
        let [sx, ky, kx, sy, tx, ty] = [
            to_device.sx,
            to_device.ky,
            to_device.kx,
            to_device.sy,
            to_device.tx,
            to_device.ty,
        ]
        .map(f64::from);
        let det = sx * sy - kx * ky;
        let to_user = |x: f64, y: f64| {
            let (x, y) = (x - tx, y - ty);
            ((sy * x - kx * y) / det, (sx * y - ky * x) / det)
        };
        for y in 0..48u32 {
            let mut row = vec![[0; 4]; 1024];
            g.shade_row(y, 0, &mut row);
            for (x, px) in row.iter().enumerate() {
                let (ux, uy) = to_user(x as f64 + 0.5, f64::from(y) + 0.5);
                // Beyond 2048, f32 holds `t` only to a quarter of a table step.
                let (Some(t @ ..2048.0), true) = (exact(ux, uy), px[3] > 0) else {
                    continue;
                };
                let want = ((t - t.floor()) * last as f64).round() as i64;
                let got = i64::from(px[0]) + 256 * i64::from(px[1]);
                // Entries 0 and `last` are both the wrap: the distance goes round it.
                let d = (got - want).rem_euclid(last);
                let d = d.min(last - d);
                assert!(
                    d <= 1,
                    "{element} {attributes}: ({x}, {y}) t {t}: {got} for {want}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 6000, "{compared}");
}

#[test]
fn gradients_with_the_same_stops_share_one_table() {
    // Three gradients from one set of stops, with different geometry; the third drawn at
    // half opacity, which changes its stops' alpha.
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="30" height="10">
        <linearGradient id="s"><stop offset="0" stop-color="#fe2"/><stop offset="1" stop-color="#30c"/></linearGradient>
        <linearGradient id="a" xlink:href="#s" x1="0" x2="1"/>
        <radialGradient id="b" xlink:href="#s" cx="0.3" r="0.7"/>
        <rect width="10" height="10" fill="url(#a)"/>
        <rect x="10" width="10" height="10" fill="url(#b)"/>
        <rect x="20" width="10" height="10" fill="url(#a)" fill-opacity="0.5"/>
        </svg>"##;
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
    let fills: Vec<(&usvg::Paint, f32)> = tree
        .root()
        .children()
        .iter()
        .map(|node| {
            let usvg::Node::Path(path) = node else {
                panic!("a path")
            };
            let fill = path.fill().unwrap();
            (fill.paint(), fill.opacity().get())
        })
        .collect();
    let mut tables = Tables::default();
    let gradients: Vec<Gradient> = fills
        .iter()
        .map(|&(paint, opacity)| gradient_in(paint, opacity, Transform::identity(), &mut tables))
        .collect();
    assert!(Arc::ptr_eq(&gradients[0].lut, &gradients[1].lut));
    assert!(!Arc::ptr_eq(&gradients[0].lut, &gradients[2].lut));
    assert_eq!(tables.0.len(), 2);
    // Each table is its own stops' table: the half-opacity one is the other at half alpha.
    for (g, opacity) in [(&gradients[0], 1.0), (&gradients[2], 0.5)] {
        let (first, last) = (g.lut[0], g.lut[LUT_SIZE - 1]);
        assert_eq!(first[3], to_u8(opacity), "{first:?}");
        assert_eq!(last[3], to_u8(opacity), "{last:?}");
    }
    assert_eq!(gradients[0].lut[0], [255, 238, 34, 255]);
    assert_eq!(gradients[0].lut[LUT_SIZE], CLEAR);
}

#[test]
fn gradients_taken_as_opaque_shade_only_opaque_pixels() {
    // (gradient element, attributes, stop opacity, taken as opaque, shades a translucent
    // pixel): linear ones with opaque stops are opaque; a radial one whose focal point is
    // inside its end circle is (a < 0, no focal radius); one whose focal point is outside
    // (a > 0) or on it (one root) is not, as pixels outside the cone stay transparent; nor
    // is one with a translucent stop. Nor, though it shades only opaque pixels, is one with
    // a focal radius, which the proof leaves out.
    let cases = [
        (
            "linearGradient",
            r#"x1="5" y1="7" x2="30" y2="19""#,
            "1",
            true,
            false,
        ),
        (
            "linearGradient",
            r#"x1="5" y1="7" x2="30" y2="19""#,
            "0.99",
            false,
            true,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="14""#,
            "1",
            true,
            false,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="14" fx="30" fy="14""#,
            "1",
            true,
            false,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="10" fx="40" fy="20""#,
            "1",
            false,
            true,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="10" fx="34" fy="20""#,
            "1",
            false,
            true,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="14" fr="2""#,
            "1",
            false,
            false,
        ),
        (
            "radialGradient",
            r#"cx="24" cy="20" r="14""#,
            "0.5",
            false,
            true,
        ),
    ];
    for (element, attributes, stop_opacity, opaque, shows_translucent) in cases {
        for spread in ["pad", "reflect", "repeat"] {
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">
                <{element} id="g" gradientUnits="userSpaceOnUse" {attributes}
                    spreadMethod="{spread}" gradientTransform="skewX(12) rotate(7 24 24)">
                  <stop offset="0" stop-color="#fe2"/>
                  <stop offset="0.4" stop-color="#0a8" stop-opacity="{stop_opacity}"/>
                  <stop offset="1" stop-color="#30c"/>
                </{element}><rect width="48" height="48" fill="url(#g)"/></svg>"##
            );
            let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
            let to_device = Transform::from_row(1.3, 0.2, -0.1, 1.2, -3.0, 2.0);
            let g = gradient(first_fill(&tree), to_device);
            let what = format!("{element} {attributes} {spread}, stop opacity {stop_opacity}");
            assert_eq!(g.is_opaque(), opaque, "{what}");
            // Rows over and far beyond the gradient, where a cone ends or a table's
            // translucent entries show.
            let (mut translucent, mut row) = (0, vec![[1; 4]; 256]);
            for y in (0..2048).step_by(37) {
                for x0 in [0, 100, 1900] {
                    g.shade_row(y, x0, &mut row);
                    translucent += row.iter().filter(|p| p[3] < 255).count();
                }
            }
            assert_eq!(
                translucent > 0,
                shows_translucent,
                "{what}: {translucent} translucent"
            );
        }
    }
    // Far-reaching transforms, whose arithmetic could overflow to NaN (undefined,
    // transparent) at the corners of the largest image, are not taken as opaque.
    let tree = usvg::Tree::from_str(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">
        <radialGradient id="g" gradientUnits="userSpaceOnUse" cx="24" cy="20" r="14">
          <stop offset="0" stop-color="#fe2"/><stop offset="1" stop-color="#30c"/>
        </radialGradient><rect width="48" height="48" fill="url(#g)"/></svg>"##,
        &usvg::Options::default(),
    )
    .unwrap();
    let paint = first_fill(&tree);
    assert!(gradient(paint, Transform::identity()).is_opaque());
    assert!(!gradient(paint, Transform::from_scale(1e-7, 1e-7)).is_opaque());
}
