//! The usvg walk: turns a `usvg::Tree` into fills, groups and edges in paint order, and
//! names every feature it skips.

use std::collections::BTreeSet;

use tiny_skia_path::{Path, PathStroker, Transform};

use super::flatten::{Edge, Flattener};
use super::item::{FillItem, FillRule, Op, PixelBounds};
use crate::paint::{PaintRef, Shader};

/// What the walk found: the scene's content before it is indexed by row.
pub(crate) struct Content {
    pub(crate) edges: Vec<Edge>,
    pub(crate) fills: Vec<FillItem>,
    pub(crate) shaders: Vec<Shader>,
    pub(crate) ops: Vec<Op>,
    pub(crate) unsupported: BTreeSet<&'static str>,
}

/// Walks `tree` under the device transform `base` for a `width` x `height` canvas sampled
/// at `sub_scanlines` per row.
pub(crate) fn walk(
    tree: &usvg::Tree,
    base: Transform,
    (width, height): (u32, u32),
    sub_scanlines: u32,
) -> Content {
    let mut builder = Builder {
        flattener: Flattener::new(width, height, sub_scanlines),
        fills: Vec::new(),
        shaders: Vec::new(),
        ops: Vec::new(),
        unsupported: BTreeSet::new(),
    };
    builder.group(tree.root(), base);
    Content {
        edges: builder.flattener.into_edges(),
        fills: builder.fills,
        shaders: builder.shaders,
        ops: builder.ops,
        unsupported: builder.unsupported,
    }
}

/// The walk's state.
///
/// Invariant: `fills` and `ops` are in paint order, every `Op::Fill` names a fill, and the
/// fills own consecutive, ascending ranges of the flattener's edges.
struct Builder {
    flattener: Flattener,
    fills: Vec<FillItem>,
    shaders: Vec<Shader>,
    ops: Vec<Op>,
    unsupported: BTreeSet<&'static str>,
}

impl Builder {
    fn group(&mut self, group: &usvg::Group, base: Transform) {
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
        // A group with full opacity and no clip composites exactly like its children drawn
        // directly.
        let layered = opacity < 1.0 || group.clip_path().is_some();
        let header = self.open_group(layered);
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => self.group(g, base),
                usvg::Node::Path(p) => self.path(p, base),
                usvg::Node::Image(_) => {
                    self.unsupported.insert("images");
                }
                usvg::Node::Text(_) => {
                    self.unsupported.insert("text");
                }
            }
        }
        if let Some(header) = header {
            // A clip path is in the coordinate system of the group it clips.
            let clip = group
                .clip_path()
                .map(|c| (c, base.pre_concat(group.abs_transform())));
            self.close_group(header, opacity, clip, false);
        }
    }

    /// Starts a group's region if it is `layered`: returns its header's op index and first
    /// fill, to give [`Builder::close_group`].
    fn open_group(&mut self, layered: bool) -> Option<(usize, usize)> {
        layered.then(|| {
            self.ops.push(Op::Group {
                opacity: 1.0,
                content_end: 0,
                end: 0,
                edge_end: 0,
                clipped: false,
                xor: false,
                bounds: PixelBounds::default(),
            });
            (self.ops.len() - 1, self.fills.len())
        })
    }

    /// Ends a group's region opened by [`Builder::open_group`]: appends its clip path's
    /// region (drawn with `ts`, the clipped group's transform), and fills in the header;
    /// `xor` composites the layer with XOR. A group that draws nothing is dropped (before
    /// its clip adds any edge).
    fn close_group(
        &mut self,
        (header, first_fill): (usize, usize),
        opacity: f32,
        clip: Option<(&usvg::ClipPath, Transform)>,
        xor: bool,
    ) {
        let Some(bounds) = self.bounds_since(first_fill) else {
            self.ops.truncate(header);
            return;
        };
        let content_end = self.ops.len() as u32;
        if let Some((clip, ts)) = clip {
            self.clip_region(clip, ts, bounds);
        }
        self.ops[header] = Op::Group {
            opacity,
            content_end,
            end: self.ops.len() as u32,
            edge_end: self.flattener.edge_count() as u32,
            clipped: clip.is_some(),
            xor,
            bounds,
        };
    }

    /// The union of the bounds of the fills from `first_fill` on; `None` if there are none.
    fn bounds_since(&self, first_fill: usize) -> Option<PixelBounds> {
        self.fills[first_fill..]
            .iter()
            .map(FillItem::bounds)
            .reduce(PixelBounds::union)
    }

    /// Appends the region of clip path `clip` for a group with `bounds`, in the coordinate
    /// system `ts` (as resvg: the clip's children under `ts` and the clip's transform, the
    /// clip's own clip path under `ts`).
    fn clip_region(&mut self, clip: &usvg::ClipPath, ts: Transform, bounds: PixelBounds) {
        let header = self.ops.len();
        let first_fill = self.fills.len();
        self.ops.push(Op::Clip {
            children_end: 0,
            end: 0,
            edge_end: 0,
            bounds,
            cover: PixelBounds::default(),
        });
        self.clip_children(clip.root(), ts.pre_concat(clip.transform()));
        let cover = self.bounds_since(first_fill).unwrap_or_default();
        let children_end = self.ops.len() as u32;
        if let Some(inner) = clip.clip_path() {
            self.clip_region(inner, ts, bounds);
        }
        self.ops[header] = Op::Clip {
            children_end,
            end: self.ops.len() as u32,
            edge_end: self.flattener.edge_count() as u32,
            bounds,
            cover,
        };
    }

    /// The children of a clip path (or of a group in one), under `ts`: each path's fill
    /// area, opaque, with its fill rule (`clip-rule`); strokes, paints and opacity do not
    /// count. A group in a clip path with a clip path of its own is clipped by it first.
    fn clip_children(&mut self, parent: &usvg::Group, ts: Transform) {
        for node in parent.children() {
            match node {
                usvg::Node::Path(path) => {
                    let Some(fill) = path.fill().filter(|_| path.is_visible()) else {
                        continue;
                    };
                    if let Some(device) = path.data().clone().transform(ts) {
                        let rule = fill_rule(fill.rule());
                        self.add_fill(&device, PaintRef::Solid([0.0, 0.0, 0.0, 1.0]), rule);
                    }
                }
                usvg::Node::Group(group) => {
                    let ts = ts.pre_concat(group.transform());
                    let header = self.open_group(group.clip_path().is_some());
                    self.clip_children(group, ts);
                    if let Some(header) = header {
                        // resvg draws a clipped child onto the clip path's coverage with
                        // XOR: where it overlaps what is already covered, it uncovers.
                        let clip = group.clip_path().map(|c| (c, ts));
                        self.close_group(header, 1.0, clip, true);
                    }
                }
                usvg::Node::Text(_) => {
                    self.unsupported.insert("text");
                }
                usvg::Node::Image(_) => {}
            }
        }
    }

    fn path(&mut self, path: &usvg::Path, base: Transform) {
        if !path.is_visible() {
            return;
        }
        let ts = base.pre_concat(path.abs_transform());
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

    /// The paint of a fill or stroke with `opacity`, drawn in the coordinate system `ts`
    /// maps to device pixels; `None` when it draws nothing (or is not supported, which is
    /// recorded).
    fn paint(&mut self, paint: &usvg::Paint, opacity: f32, ts: Transform) -> Option<PaintRef> {
        if opacity <= 0.0 {
            return None;
        }
        if let usvg::Paint::Color(c) = paint {
            let a = opacity;
            return Some(PaintRef::Solid([
                f32::from(c.red) / 255.0 * a,
                f32::from(c.green) / 255.0 * a,
                f32::from(c.blue) / 255.0 * a,
                a,
            ]));
        }
        match Shader::of(paint, opacity, ts) {
            Ok(shader) => {
                self.shaders.push(shader?);
                Some(PaintRef::Shader(self.shaders.len() as u32 - 1))
            }
            Err(feature) => {
                self.unsupported.insert(feature);
                None
            }
        }
    }

    fn fill(&mut self, path: &usvg::Path, ts: Transform) {
        let Some(fill) = path.fill() else { return };
        let Some(color) = self.paint(fill.paint(), fill.opacity().get(), ts) else {
            return;
        };
        let rule = fill_rule(fill.rule());
        if let Some(device) = path.data().clone().transform(ts) {
            self.add_fill(&device, color, rule);
        }
    }

    fn stroke(&mut self, path: &usvg::Path, ts: Transform) {
        let Some(stroke) = path.stroke() else { return };
        let Some(color) = self.paint(stroke.paint(), stroke.opacity().get(), ts) else {
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
        let Some(outline) = source.stroke(&stroke, res_scale) else {
            return;
        };
        if let Some(device) = outline.transform(ts) {
            self.add_fill(&device, color, FillRule::NonZero);
        }
    }

    /// Flattens a device-space path into edges and records it as one fill.
    fn add_fill(&mut self, path: &Path, paint: PaintRef, rule: FillRule) {
        if let Some((edges, bounds)) = self.flattener.add_path(path) {
            self.fills.push(FillItem::new(edges, bounds, paint, rule));
            self.ops.push(Op::Fill(self.fills.len() as u32 - 1));
        }
    }
}

/// The fill rule of a usvg fill (or clip-rule).
fn fill_rule(rule: usvg::FillRule) -> FillRule {
    match rule {
        usvg::FillRule::NonZero => FillRule::NonZero,
        usvg::FillRule::EvenOdd => FillRule::EvenOdd,
    }
}
