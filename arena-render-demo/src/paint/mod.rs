//! What colours a span: a solid colour, or a shader (gradients, patterns, images) that
//! computes a colour per pixel. Shaders (and pattern tiles, and decoded images) are built
//! once per image on the heap and only read while rows render; the colours of one span go
//! into a row from the line arena.

mod gradient;
mod image;
mod pattern;

use crate::wide::Wide;
use tiny_skia_path::Transform;

use crate::pixel::{CLEAR, Paint, Pixel};
pub(crate) use gradient::{Gradient, Tables};
pub(crate) use image::{Filter, ImageShader, MAX_COLUMN_TAPS, Raster};
pub use pattern::Tile;
pub(crate) use pattern::{MAX_TILE_SIDE, Pattern};

/// `v.floor()` without a call into libm (the default x86-64 target has no rounding
/// instruction, and `floorf` was a fifth of a pattern's cost; gradients repeat with it too):
/// through an integer cast where that is exact.
#[inline(always)]
pub(crate) fn floor(v: f32) -> f32 {
    if v.abs() < 8_388_608.0 {
        let t = v as i32 as f32;
        if t > v { t - 1.0 } else { t }
    } else {
        // Beyond 2^23 every f32 is an integer already (or not finite).
        v
    }
}

/// A path's paint as the scene stores it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PaintRef {
    /// One premultiplied colour, opacity applied.
    Solid(Paint),
    /// The scene's shader number `0`.
    Shader(u32),
}

/// A paint that colours each pixel on its own.
#[derive(Clone, Debug)]
pub(crate) enum Shader {
    /// A linear or radial gradient.
    Gradient(Gradient),
    /// A raster image.
    Image(ImageShader),
    /// A pattern: a tile of the scene's, repeated.
    Pattern(Pattern),
}

impl Shader {
    /// The shader for a `usvg` paint server drawn with `opacity` in the coordinate system
    /// `to_device` maps to device pixels, a gradient's colour table from `tables`; `None`
    /// when the server draws nothing. Colours and patterns (whose tile the scene builds) are
    /// not gradients: `None`.
    pub(crate) fn gradient(
        paint: &usvg::Paint,
        opacity: f32,
        to_device: Transform,
        tables: &mut Tables,
    ) -> Option<Shader> {
        match paint {
            usvg::Paint::LinearGradient(g) => {
                Gradient::linear(g, opacity, to_device, tables).map(Shader::Gradient)
            }
            usvg::Paint::RadialGradient(g) => {
                Gradient::radial(g, opacity, to_device, tables).map(Shader::Gradient)
            }
            usvg::Paint::Color(_) | usvg::Paint::Pattern(_) => None,
        }
    }

    /// Whether every colour [`Shader::shade_row`] writes is opaque, so that at full
    /// coverage the colours replace the pixels under them (known for gradients; images and
    /// patterns are taken as translucent).
    pub(crate) fn is_opaque(&self) -> bool {
        match self {
            Shader::Gradient(g) => g.is_opaque(),
            Shader::Image(_) | Shader::Pattern(_) => false,
        }
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`;
    /// `tiles` are the scene's rendered pattern tiles.
    #[inline]
    pub(crate) fn shade_row(&self, y: u32, x0: usize, out: &mut [Pixel], tiles: &[Tile]) {
        self.shade_row_on(Wide::detect(), y, x0, out, tiles);
    }

    /// [`Shader::shade_row`] with the loops of `wide`: the parameter loops of a gradient,
    /// the taps of an image or a pattern, compiled into each of [`Wide::run`]'s copies (the
    /// same colours either way).
    #[inline(always)]
    fn shade_row_on(&self, wide: Wide, y: u32, x0: usize, out: &mut [Pixel], tiles: &[Tile]) {
        match self {
            Shader::Gradient(g) => wide.run(
                #[inline(always)]
                || g.shade_row(y, x0, out),
            ),
            Shader::Image(image) => wide.run(
                #[inline(always)]
                || image.shade_row(y, x0, out),
            ),
            Shader::Pattern(p) => match tiles.get(p.tile() as usize) {
                Some(tile) => wide.run(
                    #[inline(always)]
                    || p.shade_row(tile, y, x0, out),
                ),
                None => out.fill(CLEAR),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PaintRef, floor};
    use crate::render::render_tiles;
    use crate::wide::Wide;
    use crate::{RenderOptions, Scene, load};

    #[test]
    fn image_and_pattern_taps_give_the_same_colours_in_both_copies() {
        // Every shader of the fixtures that sample images (nearest, bilinear, bicubic) and
        // patterns, over every row at a size that scales them up: the baseline loops and,
        // where the CPU has it, their AVX2 copy.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for name in ["images-raster", "image-rendering", "patterns"] {
            let mut shaded = 0;
            let svg = load::load_file(&dir.join(format!("{name}.svg"))).unwrap();
            let options = RenderOptions {
                size: Some(160),
                ..RenderOptions::default()
            };
            let scene = Scene::build(&svg.tree, &options).unwrap();
            let tiles = render_tiles(&scene).unwrap();
            let width = scene.width() as usize;
            let shaders =
                (0..scene.fill_count() as u32).filter_map(|f| match scene.fill(f).paint() {
                    PaintRef::Shader(i) => Some(scene.shader(i)),
                    PaintRef::Solid(_) => None,
                });
            for shader in shaders {
                for y in 0..scene.height() {
                    let row = |wide: Wide| {
                        let mut out = vec![[1; 4]; width - 3];
                        shader.shade_row_on(wide, y, 3, &mut out, &tiles);
                        out
                    };
                    let baseline = row(Wide::baseline());
                    for wide in Wide::all() {
                        assert_eq!(baseline, row(wide), "{name}, {}: row {y}", wide.name());
                    }
                    shaded += baseline.iter().filter(|p| p[3] > 0).count();
                }
            }
            assert!(shaded > 20_000, "{name}: {shaded} shaded pixels");
        }
    }

    #[test]
    fn floor_matches_the_standard_one() {
        for v in [
            -2.5f32,
            -1.0,
            -0.25,
            0.0,
            0.75,
            3.0,
            8_388_607.5,
            -8_388_608.0,
            1e10,
            -1e10,
        ] {
            assert_eq!(floor(v), v.floor(), "{v}");
        }
        assert!(floor(f32::NAN).is_nan());
    }
}
