//! vello_cpu, linebender's sparse-strip CPU renderer, as a benchmark peer (feature `vello`).
//!
//! [`VelloRenderer`] draws a `usvg::Tree` with vello_cpu at the size and transform the
//! scan-line renderer uses: solid and gradient fills and strokes with their transform and
//! fill rule, in paint order, and every group with opacity below one as an opacity layer.
//! It skips what the scan-line renderer skips (clip paths, masks, filters, blend modes,
//! patterns, images, text), so that both draw the same content; the benchmarks check both
//! against resvg with the same gate, so a peer that draws less never looks fast.
//!
//! A renderer keeps one vello_cpu context (and so, with more than one thread, one warm
//! thread pool) for all the images it draws, as the scan-line renderer keeps its rayon pool.

use vello_cpu::color::{AlphaColor, Srgb};
use vello_cpu::kurbo::{Affine, BezPath, Cap, Join, Point, Stroke};
use vello_cpu::peniko::{ColorStop, Extend, Fill, Gradient};
use vello_cpu::{PaintType, PixmapMut, RenderContext, RenderSettings, Resources};

use crate::image::Image;
use crate::options::{Geometry, RenderOptions};

/// A vello_cpu render context, reused from image to image.
pub struct VelloRenderer {
    context: RenderContext,
    resources: Resources,
    /// Scratch for one path's outline, reused.
    path: BezPath,
}

impl std::fmt::Debug for VelloRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VelloRenderer")
            .field("threads", &self.context.render_settings().num_threads)
            .finish_non_exhaustive()
    }
}

impl VelloRenderer {
    /// A renderer on the calling thread only.
    pub fn single_threaded() -> VelloRenderer {
        VelloRenderer::with_settings(RenderSettings {
            num_threads: 0,
            ..RenderSettings::default()
        })
    }

    /// A renderer with vello_cpu's own choice of worker threads for this machine (one fewer
    /// than the cores, at least one: the calling thread records the scene and works too).
    pub fn all_cores() -> VelloRenderer {
        let settings = RenderSettings::default();
        VelloRenderer::with_settings(RenderSettings {
            num_threads: settings.num_threads.max(1),
            ..settings
        })
    }

    fn with_settings(settings: RenderSettings) -> VelloRenderer {
        VelloRenderer {
            context: RenderContext::new_with(1, 1, settings),
            resources: Resources::new(),
            path: BezPath::new(),
        }
    }

    /// Worker threads besides the calling one (0: single-threaded).
    pub fn threads(&self) -> u16 {
        self.context.render_settings().num_threads
    }

    /// Renders `tree` as [`crate::Scene::build`] and [`crate::Renderer::render`] would: from the
    /// parsed tree (the scene build is part of the work) to premultiplied RGBA8 pixels.
    pub fn render(
        &mut self,
        tree: &usvg::Tree,
        geometry: &Geometry,
        options: &RenderOptions,
    ) -> Image {
        let mut image = Image::new(geometry.width, geometry.height);
        // `Geometry` keeps both sides within `MAX_DIMENSION`, which fits in `u16`.
        let (w, h) = (geometry.width as u16, geometry.height as u16);
        self.context.reset_and_resize(w, h);
        let base = affine(geometry.transform(options));
        self.group(tree.root(), base);
        self.context.flush();
        if let Some(pixmap) = PixmapMut::new(w, h, &mut image.data) {
            self.context.render(pixmap, &mut self.resources);
        }
        image
    }

    fn group(&mut self, group: &usvg::Group, base: Affine) {
        let opacity = group.opacity().get();
        let layered = opacity < 1.0;
        if layered {
            self.context.push_opacity_layer(opacity);
        }
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => self.group(g, base),
                usvg::Node::Path(p) => self.path(p, base),
                usvg::Node::Image(_) | usvg::Node::Text(_) => {}
            }
        }
        if layered {
            self.context.pop_layer();
        }
    }

    fn path(&mut self, path: &usvg::Path, base: Affine) {
        if !path.is_visible() {
            return;
        }
        set_bez_path(&mut self.path, path.data());
        self.context
            .set_transform(base * affine(path.abs_transform()));
        match path.paint_order() {
            usvg::PaintOrder::FillAndStroke => {
                self.fill(path);
                self.stroke(path);
            }
            usvg::PaintOrder::StrokeAndFill => {
                self.stroke(path);
                self.fill(path);
            }
        }
    }

    fn fill(&mut self, path: &usvg::Path) {
        let Some(fill) = path.fill() else { return };
        let Some(paint) = paint(fill.paint(), fill.opacity().get()) else {
            return;
        };
        self.set_paint(paint);
        self.context.set_fill_rule(match fill.rule() {
            usvg::FillRule::NonZero => Fill::NonZero,
            usvg::FillRule::EvenOdd => Fill::EvenOdd,
        });
        self.context.fill_path(&self.path);
    }

    fn stroke(&mut self, path: &usvg::Path) {
        let Some(stroke) = path.stroke() else { return };
        let Some(paint) = paint(stroke.paint(), stroke.opacity().get()) else {
            return;
        };
        self.set_paint(paint);
        let cap = match stroke.linecap() {
            usvg::LineCap::Butt => Cap::Butt,
            usvg::LineCap::Round => Cap::Round,
            usvg::LineCap::Square => Cap::Square,
        };
        let outline = Stroke::new(f64::from(stroke.width().get()))
            .with_join(match stroke.linejoin() {
                usvg::LineJoin::Miter | usvg::LineJoin::MiterClip => Join::Miter,
                usvg::LineJoin::Round => Join::Round,
                usvg::LineJoin::Bevel => Join::Bevel,
            })
            .with_miter_limit(f64::from(stroke.miterlimit().get()))
            .with_caps(cap);
        self.context.set_stroke(outline);
        // Dashes as resvg and the scan-line renderer make them (tiny-skia's dasher, in user
        // space at the device resolution): kurbo's dasher joins the last dash of a closed
        // contour to its first, which draws differently from resvg at the seam.
        if let Some(dash) = stroke.to_tiny_skia().dash {
            let ts = transform(self.context.transform());
            let res_scale = tiny_skia_path::PathStroker::compute_resolution_scale(&ts);
            let Some(dashed) = path.data().dash(&dash, res_scale) else {
                return;
            };
            let mut outline = BezPath::new();
            set_bez_path(&mut outline, &dashed);
            self.context.stroke_path(&outline);
        } else {
            self.context.stroke_path(&self.path);
        }
    }

    fn set_paint(&mut self, paint: Paint) {
        match paint {
            Paint::Solid(color) => {
                self.context.reset_paint_transform();
                self.context.set_paint(color);
            }
            Paint::Gradient(gradient, transform) => {
                self.context.set_paint_transform(transform);
                self.context.set_paint(PaintType::Gradient(gradient));
            }
        }
    }
}

/// A paint vello_cpu can draw: a colour, or a gradient with its transform (from the
/// gradient's space to the path's).
enum Paint {
    Solid(AlphaColor<Srgb>),
    Gradient(Gradient, Affine),
}

fn paint(paint: &usvg::Paint, opacity: f32) -> Option<Paint> {
    let color = |c: usvg::Color, a: f32| {
        AlphaColor::<Srgb>::new([
            f32::from(c.red) / 255.0,
            f32::from(c.green) / 255.0,
            f32::from(c.blue) / 255.0,
            a,
        ])
    };
    let (gradient, base) = match paint {
        usvg::Paint::Color(c) => return Some(Paint::Solid(color(*c, opacity))),
        usvg::Paint::LinearGradient(g) => (
            Gradient::new_linear(
                (f64::from(g.x1()), f64::from(g.y1())),
                (f64::from(g.x2()), f64::from(g.y2())),
            ),
            &***g,
        ),
        usvg::Paint::RadialGradient(g) => (
            Gradient::new_two_point_radial(
                (f64::from(g.fx()), f64::from(g.fy())),
                g.fr().get(),
                (f64::from(g.cx()), f64::from(g.cy())),
                g.r().get(),
            ),
            &***g,
        ),
        usvg::Paint::Pattern(_) => return None,
    };
    let stops: Vec<ColorStop> = base
        .stops()
        .iter()
        .map(|s| {
            ColorStop::from((
                s.offset().get(),
                color(s.color(), s.opacity().get() * opacity),
            ))
        })
        .collect();
    let mut gradient = gradient.with_stops(stops.as_slice());
    gradient.extend = match base.spread_method() {
        usvg::SpreadMethod::Pad => Extend::Pad,
        usvg::SpreadMethod::Reflect => Extend::Reflect,
        usvg::SpreadMethod::Repeat => Extend::Repeat,
    };
    Some(Paint::Gradient(gradient, affine(base.transform())))
}

/// Replaces `out` with `path`.
fn set_bez_path(out: &mut BezPath, path: &tiny_skia_path::Path) {
    use tiny_skia_path::PathSegment as S;
    let p = |p: tiny_skia_path::Point| Point::new(f64::from(p.x), f64::from(p.y));
    out.truncate(0);
    for segment in path.segments() {
        match segment {
            S::MoveTo(a) => out.move_to(p(a)),
            S::LineTo(a) => out.line_to(p(a)),
            S::QuadTo(a, b) => out.quad_to(p(a), p(b)),
            S::CubicTo(a, b, c) => out.curve_to(p(a), p(b), p(c)),
            S::Close => out.close_path(),
        }
    }
}

/// kurbo's transform as tiny-skia's.
fn transform(a: &Affine) -> tiny_skia_path::Transform {
    let [sx, ky, kx, sy, tx, ty] = a.as_coeffs().map(|c| c as f32);
    tiny_skia_path::Transform::from_row(sx, ky, kx, sy, tx, ty)
}

/// tiny-skia's transform as kurbo's (`x' = sx x + kx y + tx`, `y' = ky x + sy y + ty`).
fn affine(t: tiny_skia_path::Transform) -> Affine {
    Affine::new([t.sx, t.ky, t.kx, t.sy, t.tx, t.ty].map(f64::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Comparison, render_reference};

    fn check(svg: &str, size: Option<u32>) -> Comparison {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let options = RenderOptions {
            size,
            ..RenderOptions::default()
        };
        let geometry = Geometry::of(&tree, &options).unwrap();
        let reference = render_reference(&tree, &geometry, &options);
        let ours = VelloRenderer::single_threaded().render(&tree, &geometry, &options);
        Comparison::of(&ours, &reference)
    }

    #[test]
    fn draws_what_resvg_draws_with_transforms_strokes_layers_and_gradients() {
        let c = check(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
              <defs><linearGradient id="g" x1="0" x2="1">
                <stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/>
              </linearGradient></defs>
              <g opacity="0.5" transform="rotate(10 20 20)">
                <path d="M2 2H30V30H2Z M8 8H20V20H8Z" fill-rule="evenodd" fill="teal"/>
              </g>
              <circle cx="20" cy="20" r="9" fill="url(#g)" stroke="black" stroke-width="3"
                      stroke-dasharray="4 2"/>
            </svg>"##,
            Some(80),
        );
        assert!(c.passes(), "{c:?}");
        assert!(c.psnr > 25.0, "{c:?}");
    }

    #[test]
    fn a_misplaced_image_fails_the_gate() {
        // The same check fails when vello_cpu is given something else to draw: the gate
        // compares pixels, so a peer that draws less cannot pass.
        let tree = usvg::Tree::from_str(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">
              <rect x="4" y="4" width="20" height="20"/></svg>"#,
            &usvg::Options::default(),
        )
        .unwrap();
        let options = RenderOptions::default();
        let geometry = Geometry::of(&tree, &options).unwrap();
        let reference = render_reference(&tree, &geometry, &options);
        let moved = RenderOptions {
            offset: (6.0, 0.0),
            ..options
        };
        let image = VelloRenderer::single_threaded().render(&tree, &geometry, &moved);
        assert!(!Comparison::of(&image, &reference).passes());
        let image = VelloRenderer::all_cores().render(&tree, &geometry, &options);
        assert!(Comparison::of(&image, &reference).passes());
    }
}
