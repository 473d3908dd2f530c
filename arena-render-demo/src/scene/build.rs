//! The usvg walk: turns a `usvg::Tree` into fills, groups and edges in paint order, and
//! names every feature it skips.

use std::collections::BTreeSet;

use std::ops::Range;

use tiny_skia_path::{LineCap, Path, PathStroker, Transform};

use super::flatten::{Edge, Flattener};
use super::item::{FillItem, FillRule, Op, PixelBounds};
use crate::pixel::Paint;

/// What the walk found: the scene's content before it is indexed by row.
pub(crate) struct Content {
    pub(crate) edges: Vec<Edge>,
    pub(crate) fills: Vec<FillItem>,
    pub(crate) ops: Vec<Op>,
    pub(crate) unsupported: BTreeSet<&'static str>,
    /// The deepest nesting of layered groups.
    pub(crate) max_depth: usize,
}

/// How the walk draws what SVG leaves to the renderer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WalkOptions {
    /// Draw strokes a pixel wide or less as hairlines (as resvg does), else at their width.
    pub(crate) hairlines: bool,
}

/// Walks `tree` under the device transform `base` for a `width` x `height` canvas sampled
/// at `sub_scanlines` per row.
pub(crate) fn walk(
    tree: &usvg::Tree,
    base: Transform,
    (width, height): (u32, u32),
    sub_scanlines: u32,
    options: WalkOptions,
) -> Content {
    let mut builder = Builder {
        hairlines: options.hairlines,
        flattener: Flattener::new(width, height, sub_scanlines),
        fills: Vec::new(),
        ops: Vec::new(),
        unsupported: BTreeSet::new(),
        depth: 0,
        max_depth: 0,
    };
    builder.group(tree.root(), base);
    Content {
        edges: builder.flattener.into_edges(),
        fills: builder.fills,
        ops: builder.ops,
        unsupported: builder.unsupported,
        max_depth: builder.max_depth,
    }
}

/// The walk's state.
///
/// Invariant: `fills` and `ops` are in paint order, every `Op::Fill` names a fill, and the
/// fills own consecutive, ascending ranges of the flattener's edges.
struct Builder {
    /// See [`WalkOptions::hairlines`].
    hairlines: bool,
    flattener: Flattener,
    fills: Vec<FillItem>,
    ops: Vec<Op>,
    unsupported: BTreeSet<&'static str>,
    /// Layered groups open around the node being walked.
    depth: usize,
    max_depth: usize,
}

impl Builder {
    /// Walks `group` under `parent`, the device transform of its parent. Transforms are
    /// composed down the tree, as resvg does, rather than taken from usvg's absolute
    /// transforms: a node usvg synthesises (the root `background-color` rectangle) carries
    /// an identity absolute transform even when its group has a viewBox transform.
    fn group(&mut self, group: &usvg::Group, parent: Transform) {
        let base = parent.pre_concat(group.transform());
        if group.clip_path().is_some() {
            self.unsupported.insert("clip paths");
        }
        if group.mask().is_some() {
            self.unsupported.insert("masks");
        }
        if !group.filters().is_empty() {
            self.unsupported.insert("filters");
        }
        if group.blend_mode() != usvg::BlendMode::Normal {
            self.unsupported.insert("blend modes");
        }
        let opacity = group.opacity().get();
        // A group with full opacity composites exactly like its children drawn directly.
        let layered = opacity < 1.0;
        let op_index = self.ops.len();
        let first_fill = self.fills.len();
        if layered {
            self.ops.push(Op::Group {
                opacity,
                end: 0,
                bounds: PixelBounds::default(),
            });
            self.depth += 1;
            self.max_depth = self.max_depth.max(self.depth);
        }
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => self.group(g, base),
                usvg::Node::Path(p) => self.path(p, base),
                usvg::Node::Image(_) => {
                    self.unsupported.insert("images");
                }
                // usvg has laid the text out and turned it into paths.
                usvg::Node::Text(text) => self.group(text.flattened(), base),
            }
        }
        if layered {
            self.depth -= 1;
            let fills = &self.fills[first_fill..];
            let Some(bounds) = fills
                .iter()
                .map(FillItem::bounds)
                .reduce(PixelBounds::union)
            else {
                // Nothing drawn: drop the empty layer.
                self.ops.truncate(op_index);
                return;
            };
            let end = self.ops.len() as u32;
            self.ops[op_index] = Op::Group {
                opacity,
                end,
                bounds,
            };
        }
    }

    /// Draws `path` under `ts`, the device transform of its group.
    fn path(&mut self, path: &usvg::Path, ts: Transform) {
        if !path.is_visible() {
            return;
        }
        match path.paint_order() {
            usvg::PaintOrder::FillAndStroke => {
                self.fill(path, ts);
                self.stroke(path, ts);
            }
            usvg::PaintOrder::StrokeAndFill => {
                self.stroke(path, ts);
                self.fill(path, ts);
            }
        }
    }

    fn paint(&mut self, paint: &usvg::Paint, opacity: f32) -> Option<Paint> {
        match paint {
            usvg::Paint::Color(c) => {
                let a = opacity;
                Some([
                    f32::from(c.red) / 255.0 * a,
                    f32::from(c.green) / 255.0 * a,
                    f32::from(c.blue) / 255.0 * a,
                    a,
                ])
            }
            usvg::Paint::LinearGradient(_) | usvg::Paint::RadialGradient(_) => {
                self.unsupported.insert("gradients");
                None
            }
            usvg::Paint::Pattern(_) => {
                self.unsupported.insert("patterns");
                None
            }
        }
    }

    fn fill(&mut self, path: &usvg::Path, ts: Transform) {
        let Some(fill) = path.fill() else { return };
        let Some(color) = self.paint(fill.paint(), fill.opacity().get()) else {
            return;
        };
        let rule = match fill.rule() {
            usvg::FillRule::NonZero => FillRule::NonZero,
            usvg::FillRule::EvenOdd => FillRule::EvenOdd,
        };
        let antialias = path.rendering_mode().use_shape_antialiasing();
        if let Some(device) = path.data().clone().transform(ts) {
            self.add_fill(&device, color, rule, antialias);
        }
    }

    fn stroke(&mut self, path: &usvg::Path, ts: Transform) {
        let Some(stroke) = path.stroke() else { return };
        let Some(color) = self.paint(stroke.paint(), stroke.opacity().get()) else {
            return;
        };
        // As tiny-skia does: dash and stroke in user space at the device resolution, then
        // transform the outline; the outline is filled with the nonzero rule.
        let stroke = stroke.to_tiny_skia();
        let res_scale = PathStroker::compute_resolution_scale(&ts);
        let dashed;
        let source = match &stroke.dash {
            Some(dash) => match path.data().dash(dash, res_scale) {
                Some(p) => {
                    dashed = p;
                    &dashed
                }
                None => return,
            },
            None => path.data(),
        };
        let antialias = path.rendering_mode().use_shape_antialiasing();
        if antialias
            && self.hairlines
            && let Some(coverage) = hairline_coverage(stroke.width, ts)
        {
            // A stroke at most a pixel wide is a hairline, as in tiny-skia.
            let Some(device) = source.clone().transform(ts) else {
                return;
            };
            let alpha = hairline_alpha(coverage);
            let color = color.map(|c| c * alpha);
            let capped = stroke.line_cap != LineCap::Butt;
            if color[3] > 0.0
                && let Some((edges, bounds)) = self.flattener.add_hairline(&device, capped)
            {
                self.push_fill(edges, bounds, color, FillRule::NonZero, true);
            }
            return;
        }
        let Some(outline) = source.stroke(&stroke, res_scale) else {
            return;
        };
        if let Some(device) = outline.transform(ts) {
            self.add_fill(&device, color, FillRule::NonZero, antialias);
        }
    }

    /// Flattens a device-space path into edges and records it as one fill.
    fn add_fill(&mut self, path: &Path, color: Paint, rule: FillRule, antialias: bool) {
        if color[3] <= 0.0 {
            return;
        }
        let flattened = if antialias {
            self.flattener.add_path(path)
        } else {
            self.flattener.add_crisp_path(path)
        };
        if let Some((edges, bounds)) = flattened {
            self.push_fill(edges, bounds, color, rule, antialias);
        }
    }

    /// Records the edges `edges` as one fill, drawn next.
    fn push_fill(
        &mut self,
        edges: Range<u32>,
        bounds: PixelBounds,
        color: Paint,
        rule: FillRule,
        antialias: bool,
    ) {
        let fill = FillItem::new(edges, bounds, color, rule, antialias);
        self.fills.push(fill);
        self.ops.push(Op::Fill(self.fills.len() as u32 - 1));
    }
}

/// The coverage a stroke `width` wide under `ts` is drawn with as a hairline, or `None`
/// when it is wider than a pixel: tiny-skia's test (its `treat_as_hairline`), which
/// measures the transformed width with a fast approximation of the length.
fn hairline_coverage(width: f32, ts: Transform) -> Option<f32> {
    if width == 0.0 {
        return Some(1.0);
    }
    let fast_len = |x: f32, y: f32| {
        let (x, y) = (x.abs(), y.abs());
        let (long, short) = if x < y { (y, x) } else { (x, y) };
        long + short / 2.0
    };
    // The images of (width, 0) and (0, width) under the transform without translation.
    let len0 = fast_len(ts.sx * width, ts.ky * width);
    let len1 = fast_len(ts.kx * width, ts.sy * width);
    (len0 <= 1.0 && len1 <= 1.0).then_some((len0 + len1) / 2.0)
}

/// The alpha tiny-skia scales a hairline's paint by for `coverage`: quantised to 1/256
/// and then to 8 bits, as it does.
fn hairline_alpha(coverage: f32) -> f32 {
    if coverage >= 1.0 {
        return 1.0;
    }
    let scale = (coverage * 256.0) as i32;
    ((255 * scale) >> 8) as f32 / 255.0
}
