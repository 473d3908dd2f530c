//! What colours a span: a solid colour, or a shader (gradients, images) that computes a colour per
//! pixel. Shaders are built once per scene on the heap and only read while rows render;
//! the colours of one span go into a row from the line arena.

mod gradient;
mod image;

use tiny_skia_path::Transform;

use crate::pixel::{Paint, Pixel};
pub(crate) use gradient::Gradient;
pub(crate) use image::{Filter, ImageShader, Raster};

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
}

impl Shader {
    /// The shader for a `usvg` paint server drawn with `opacity` in the coordinate system
    /// `to_device` maps to device pixels. `Ok(None)` when the server draws nothing;
    /// `Err(name)` for a paint server this renderer does not support.
    pub(crate) fn of(
        paint: &usvg::Paint,
        opacity: f32,
        to_device: Transform,
    ) -> Result<Option<Shader>, &'static str> {
        Ok(match paint {
            usvg::Paint::Color(_) => None,
            usvg::Paint::LinearGradient(g) => {
                Gradient::linear(g, opacity, to_device).map(Shader::Gradient)
            }
            usvg::Paint::RadialGradient(g) => {
                Gradient::radial(g, opacity, to_device).map(Shader::Gradient)
            }
            usvg::Paint::Pattern(_) => return Err("patterns"),
        })
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`.
    #[inline]
    pub(crate) fn shade_row(&self, y: u32, x0: usize, out: &mut [Pixel]) {
        match self {
            Shader::Gradient(g) => g.shade_row(y, x0, out),
            Shader::Image(image) => image.shade_row(y, x0, out),
        }
    }
}
