//! Blend modes: how a layer combines with what is under it, for every `mix-blend-mode`, with
//! the formulas of tiny-skia (Skia's raster pipeline) on premultiplied colours.

use super::Pixel;

/// How a layer is composited onto its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Blend {
    /// Source-over.
    Normal,
    Multiply,
    Screen,
    Overlay,
    Darken,
    Lighten,
    ColorDodge,
    ColorBurn,
    HardLight,
    SoftLight,
    Difference,
    Exclusion,
    Hue,
    Saturation,
    Color,
    Luminosity,
    /// `plus-lighter`: the sum, clamped.
    PlusLighter,
    /// Porter-Duff XOR: each shows where the other does not (a clipped group inside a clip
    /// path, as resvg draws it).
    Xor,
}

impl Blend {
    /// The blend of `mix-blend-mode` `mode`.
    pub(crate) fn of(mode: usvg::BlendMode) -> Blend {
        use usvg::BlendMode as M;
        match mode {
            M::Normal => Blend::Normal,
            M::Multiply => Blend::Multiply,
            M::Screen => Blend::Screen,
            M::Overlay => Blend::Overlay,
            M::Darken => Blend::Darken,
            M::Lighten => Blend::Lighten,
            M::ColorDodge => Blend::ColorDodge,
            M::ColorBurn => Blend::ColorBurn,
            M::HardLight => Blend::HardLight,
            M::SoftLight => Blend::SoftLight,
            M::Difference => Blend::Difference,
            M::Exclusion => Blend::Exclusion,
            M::Hue => Blend::Hue,
            M::Saturation => Blend::Saturation,
            M::Color => Blend::Color,
            M::Luminosity => Blend::Luminosity,
            M::PlusLighter => Blend::PlusLighter,
        }
    }
}

/// Composites `layer`, scaled by `opacity`, onto `target` with `blend` (`Normal` and `Xor`
/// have faster integer forms: [`super::composite_layer`] and [`super::composite_xor`]).
pub(crate) fn composite_blended(layer: &[Pixel], target: &mut [Pixel], opacity: f32, blend: Blend) {
    let op = (opacity * 256.0 + 0.5) as u32;
    // One loop per mode, each with its formula inlined: the mode is matched once per row
    // rather than once per pixel.
    macro_rules! per_mode {
        ($($mode:ident),*) => {
            match blend {
                $(Blend::$mode => {
                    let xor = Blend::$mode == Blend::Xor;
                    blend_row(layer, target, op, xor, |s, d| blend_pixel(s, d, Blend::$mode));
                })*
            }
        };
    }
    per_mode!(
        Normal,
        Multiply,
        Screen,
        Overlay,
        Darken,
        Lighten,
        ColorDodge,
        ColorBurn,
        HardLight,
        SoftLight,
        Difference,
        Exclusion,
        Hue,
        Saturation,
        Color,
        Luminosity,
        PlusLighter,
        Xor
    );
}

/// [`composite_blended`] for one mode: `mix` blends a source pixel onto a destination;
/// `xor` whether the mode is XOR (the one that changes the parent under a clear source).
#[inline(always)]
fn blend_row(
    layer: &[Pixel],
    target: &mut [Pixel],
    op: u32,
    xor: bool,
    mix: impl Fn([f32; 4], [f32; 4]) -> [f32; 4],
) {
    for (src, dst) in layer.iter().zip(target.iter_mut()) {
        if src[3] == 0 && !xor {
            // Every mode but XOR leaves the parent as it is under a transparent source.
            continue;
        }
        let s = src.map(|c| ((u32::from(c) * op + 128) >> 8) as f32 / 255.0);
        let d = dst.map(|c| f32::from(c) / 255.0);
        let out = mix(s, d);
        *dst = out.map(|c| (c.clamp(0.0, 1.0) * 255.0 + 0.5) as u8);
        // Premultiplied: no channel above alpha.
        let a = dst[3];
        for c in &mut dst[..3] {
            *c = (*c).min(a);
        }
    }
}

/// A separable mode: `f` on each colour channel, `a` as alpha. Generic, not `&dyn Fn`, so
/// that each mode's formula inlines into its arm.
#[inline(always)]
fn per_channel(s: [f32; 4], d: [f32; 4], a: f32, f: impl Fn(f32, f32) -> f32) -> [f32; 4] {
    [f(s[0], d[0]), f(s[1], d[1]), f(s[2], d[2]), a]
}

/// One premultiplied source pixel over one premultiplied destination pixel.
#[inline(always)]
fn blend_pixel(s: [f32; 4], d: [f32; 4], blend: Blend) -> [f32; 4] {
    let (sa, da) = (s[3], d[3]);
    let over_alpha = sa + da - sa * da;
    let rest = |s: f32, d: f32| s * (1.0 - da) + d * (1.0 - sa);
    match blend {
        Blend::Normal => per_channel(s, d, over_alpha, |s, d| s + d * (1.0 - sa)),
        Blend::Xor => {
            let f = |s: f32, d: f32| s * (1.0 - da) + d * (1.0 - sa);
            [f(s[0], d[0]), f(s[1], d[1]), f(s[2], d[2]), f(sa, da)]
        }
        Blend::PlusLighter => [0, 1, 2, 3].map(|i| (s[i] + d[i]).min(1.0)),
        Blend::Multiply => per_channel(s, d, over_alpha, |s, d| rest(s, d) + s * d),
        Blend::Screen => per_channel(s, d, over_alpha, |s, d| s + d - s * d),
        Blend::Overlay => per_channel(s, d, over_alpha, |s, d| {
            rest(s, d) + hard_light(d, s, da, sa)
        }),
        Blend::HardLight => per_channel(s, d, over_alpha, |s, d| {
            rest(s, d) + hard_light(s, d, sa, da)
        }),
        Blend::Darken => per_channel(s, d, over_alpha, |s, d| s + d - (s * da).max(d * sa)),
        Blend::Lighten => per_channel(s, d, over_alpha, |s, d| s + d - (s * da).min(d * sa)),
        Blend::Difference => {
            per_channel(s, d, over_alpha, |s, d| s + d - 2.0 * (s * da).min(d * sa))
        }
        Blend::Exclusion => per_channel(s, d, over_alpha, |s, d| s + d - 2.0 * s * d),
        Blend::ColorDodge => per_channel(s, d, over_alpha, |s, d| {
            if d == 0.0 {
                s * (1.0 - da)
            } else if s == sa {
                s + d * (1.0 - sa)
            } else {
                sa * da.min(d * sa / (sa - s)) + rest(s, d)
            }
        }),
        Blend::ColorBurn => per_channel(s, d, over_alpha, |s, d| {
            if d == da {
                d + s * (1.0 - da)
            } else if s == 0.0 {
                d * (1.0 - sa)
            } else {
                sa * (da - da.min((da - d) * sa / s)) + rest(s, d)
            }
        }),
        Blend::SoftLight => per_channel(s, d, over_alpha, |s, d| {
            let m = if da > 0.0 { d / da } else { 0.0 };
            let (s2, m4) = (2.0 * s, 4.0 * m);
            let dark_src = d * (sa + (s2 - sa) * (1.0 - m));
            let dark_dst = (m4 * m4 + m4) * (m - 1.0) + 7.0 * m;
            let lite_dst = m.sqrt() - m;
            let lite_src =
                d * sa + da * (s2 - sa) * if 4.0 * d <= da { dark_dst } else { lite_dst };
            rest(s, d) + if s2 <= sa { dark_src } else { lite_src }
        }),
        Blend::Hue | Blend::Saturation | Blend::Color | Blend::Luminosity => {
            let (src, dst) = ([s[0], s[1], s[2]], [d[0], d[1], d[2]]);
            let mut c = match blend {
                Blend::Hue => {
                    let c = set_sat(src.map(|v| v * sa), sat(dst) * sa);
                    set_lum(c, lum(dst) * sa)
                }
                Blend::Saturation => {
                    let c = set_sat(dst.map(|v| v * sa), sat(src) * da);
                    set_lum(c, lum(dst) * sa)
                }
                Blend::Color => set_lum(src.map(|v| v * da), lum(dst) * sa),
                _ => set_lum(dst.map(|v| v * sa), lum(src) * da),
            };
            c = clip_color(c, sa * da);
            let f = |i: usize| s[i] * (1.0 - da) + d[i] * (1.0 - sa) + c[i];
            [f(0), f(1), f(2), over_alpha]
        }
    }
}

/// The hard-light term of source `s` (alpha `sa`) over destination `d` (alpha `da`).
fn hard_light(s: f32, d: f32, sa: f32, da: f32) -> f32 {
    if 2.0 * s <= sa {
        2.0 * s * d
    } else {
        sa * da - 2.0 * (da - d) * (sa - s)
    }
}

fn lum(c: [f32; 3]) -> f32 {
    c[0] * 0.30 + c[1] * 0.59 + c[2] * 0.11
}

fn sat(c: [f32; 3]) -> f32 {
    c[0].max(c[1]).max(c[2]) - c[0].min(c[1]).min(c[2])
}

fn set_sat(c: [f32; 3], s: f32) -> [f32; 3] {
    let (mn, mx) = (c[0].min(c[1]).min(c[2]), c[0].max(c[1]).max(c[2]));
    let range = mx - mn;
    c.map(|v| {
        if range == 0.0 {
            0.0
        } else {
            (v - mn) * s / range
        }
    })
}

fn set_lum(c: [f32; 3], l: f32) -> [f32; 3] {
    let diff = l - lum(c);
    c.map(|v| v + diff)
}

/// Brings a colour back into `0..=a`, as tiny-skia does: its first step (for colours below
/// zero) only runs when even the largest channel is negative, a quirk kept here so that the
/// results match; the final clamp catches the rest.
fn clip_color(c: [f32; 3], a: f32) -> [f32; 3] {
    let (mn, mx) = (c[0].min(c[1]).min(c[2]), c[0].max(c[1]).max(c[2]));
    let l = lum(c);
    c.map(|mut v| {
        if mx < 0.0 {
            v = l + (v - l) * l / (l - mn);
        }
        if mx > a {
            v = l + (v - l) * (a - l) / (mx - l);
        }
        v.max(0.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separable_modes_follow_their_formulas_on_opaque_pixels() {
        let s = [0.8, 0.2, 0.5, 1.0];
        let d = [0.5, 0.5, 0.25, 1.0];
        let near = |a: [f32; 4], b: [f32; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
        assert!(near(
            blend_pixel(s, d, Blend::Multiply),
            [0.4, 0.1, 0.125, 1.0]
        ));
        assert!(near(
            blend_pixel(s, d, Blend::Screen),
            [0.9, 0.6, 0.625, 1.0]
        ));
        assert!(near(
            blend_pixel(s, d, Blend::Darken),
            [0.5, 0.2, 0.25, 1.0]
        ));
        assert!(near(
            blend_pixel(s, d, Blend::Difference),
            [0.3, 0.3, 0.25, 1.0]
        ));
        assert!(near(blend_pixel(s, d, Blend::Normal), s));
        // A luminosity blend keeps the destination's hue with the source's luminance.
        let l = blend_pixel(s, d, Blend::Luminosity);
        assert!((lum([l[0], l[1], l[2]]) - lum([0.8, 0.2, 0.5])).abs() < 1e-5);
    }

    /// Premultiplied layer and parent rows in which every alpha meets every other across the
    /// rows' pixels, with colour channels from 0 up to the alpha.
    fn rows(a: u8) -> (Vec<Pixel>, Vec<Pixel>) {
        let layer = (0..=255u8)
            .map(|i| [a, i % a.saturating_add(1), a / 3, a])
            .collect();
        let parent = (0..=255u8).map(|i| [i / 2, i, i / 5, i]).collect();
        (layer, parent)
    }

    #[test]
    fn the_float_normal_blend_gives_the_integer_layer_composite_exactly() {
        // The row walker composites a normal group with `composite_layer` and every other
        // mode with `composite_blended`: for `Normal` the two must be the same source-over
        // with the same rounding, so that the fast form is only faster.
        for op in [0u32, 1, 77, 115, 128, 200, 255, 256] {
            let opacity = op as f32 / 256.0;
            for a in 0..=255u8 {
                let (layer, parent) = rows(a);
                let (mut float, mut integer) = (parent.clone(), parent);
                composite_blended(&layer, &mut float, opacity, Blend::Normal);
                super::super::composite_layer(&layer, &mut integer, opacity);
                assert_eq!(float, integer, "alpha {a}, opacity {op}/256");
            }
        }
    }

    #[test]
    fn the_float_xor_is_within_one_level_of_the_integer_xor() {
        // The integer form rounds each of XOR's two terms, the float form (tiny-skia's
        // float pipeline, which resvg's clip path uses) rounds their sum: at most one level
        // apart, and only where both pixels are partly covered.
        for a in 0..=255u8 {
            let (layer, parent) = rows(a);
            let (mut float, mut integer) = (parent.clone(), parent.clone());
            composite_blended(&layer, &mut float, 1.0, Blend::Xor);
            super::super::composite_xor(&layer, &mut integer);
            for ((f, i), d) in float.iter().zip(&integer).zip(&parent) {
                for k in 0..4 {
                    assert!(f[k].abs_diff(i[k]) <= 1, "alpha {a}: {f:?} {i:?}");
                }
                if matches!(a, 0 | 255) || matches!(d[3], 0 | 255) {
                    assert_eq!(f[3], i[3], "alpha {a} over {d:?}");
                }
            }
        }
    }
}
