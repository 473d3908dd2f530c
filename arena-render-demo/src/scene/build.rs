//! The usvg walk: turns a `usvg::Tree` into fills, groups and edges in paint order, and
//! names every feature it skips.

use std::collections::BTreeSet;

use tiny_skia_path::{PathStroker, Transform};

use super::flatten::Edge;
use super::item::{FillItem, FillRule, Op, PixelBounds};
use super::ops::{OpList, RegionStart};
use crate::paint::{PaintRef, Shader};
use crate::pixel::Blend;

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
        ops: OpList::new(width, height, sub_scanlines),
        unsupported: BTreeSet::new(),
    };
    // As resvg: the root's children under the device transform (the root group itself
    // carries nothing to draw).
    for node in tree.root().children() {
        builder.node(node, base);
    }
    let (edges, fills, shaders, ops) = builder.ops.into_parts();
    Content {
        edges,
        fills,
        shaders,
        ops,
        unsupported: builder.unsupported,
    }
}

/// The walk's state: the op list so far and the unsupported features seen.
struct Builder {
    ops: OpList,
    unsupported: BTreeSet<&'static str>,
}

/// An opaque paint: clip coverage, and a mask's rectangle.
const OPAQUE: PaintRef = PaintRef::Solid([0.0, 0.0, 0.0, 1.0]);

impl Builder {
    /// Walks one node drawn under `ts` (its parent's transform to device pixels).
    fn node(&mut self, node: &usvg::Node, ts: Transform) {
        match node {
            usvg::Node::Group(g) => self.group(g, ts),
            usvg::Node::Path(p) => self.path(p, ts),
            usvg::Node::Image(_) => {
                self.unsupported.insert("images");
            }
            usvg::Node::Text(_) => {
                self.unsupported.insert("text");
            }
        }
    }

    /// Walks a group under `parent` (its parent's transform to device pixels), as resvg
    /// does: a group with opacity, a clip path or a mask is drawn into a layer of its own.
    fn group(&mut self, group: &usvg::Group, parent: Transform) {
        if !group.filters().is_empty() {
            self.unsupported.insert("filters");
        }
        let ts = parent.pre_concat(group.transform());
        let opacity = group.opacity().get();
        // As resvg: a group with opacity, a clip path, a mask, a blend mode or `isolation:
        // isolate` is drawn into a layer; any other composites exactly like its children
        // drawn directly.
        let layered = group.should_isolate();
        let header = self.open_group(layered);
        for node in group.children() {
            self.node(node, ts);
        }
        if let Some(header) = header {
            // Clip paths and masks are in the coordinate system of the group they apply to.
            let clip = group.clip_path().map(|c| (c, ts));
            let mask = group.mask().map(|m| (m, ts));
            self.close_group(header, opacity, clip, mask, Blend::of(group.blend_mode()));
        }
    }

    /// Starts a group's region if it is `layered`, to give [`Builder::close_group`].
    fn open_group(&mut self, layered: bool) -> Option<RegionStart> {
        layered.then(|| self.ops.open_group())
    }

    /// Ends a group's region opened by [`Builder::open_group`]: appends the regions of its
    /// clip path and its mask (each drawn with its transform, the group's), and fills in the
    /// header; `blend` composites the layer. A group that draws nothing is dropped (before
    /// its clip or mask adds any edge).
    fn close_group(
        &mut self,
        start: RegionStart,
        opacity: f32,
        clip: Option<(&usvg::ClipPath, Transform)>,
        mask: Option<(&usvg::Mask, Transform)>,
        blend: Blend,
    ) {
        let Some(bounds) = self.ops.bounds(start, None) else {
            self.ops.drop_region(start);
            return;
        };
        let content = self.ops.mark();
        if let Some((clip, ts)) = clip {
            self.clip_region(clip, ts, bounds);
        }
        let clip_end = self.ops.mark();
        if let Some((mask, ts)) = mask {
            self.mask_region(mask, ts, bounds);
        }
        self.ops
            .close_group(start, (content, clip_end), opacity, blend, bounds);
    }

    /// Appends the region of clip path `clip` for a group with `bounds`, in the coordinate
    /// system `ts` (as resvg: the clip's children under `ts` and the clip's transform, the
    /// clip's own clip path under `ts`).
    fn clip_region(&mut self, clip: &usvg::ClipPath, ts: Transform, bounds: PixelBounds) {
        let start = self.ops.open_clip(bounds);
        self.clip_children(clip.root(), ts.pre_concat(clip.transform()));
        let children = self.ops.mark();
        if let Some(inner) = clip.clip_path() {
            self.clip_region(inner, ts, bounds);
        }
        self.ops.close_clip(start, children);
    }

    /// Appends the region of mask `mask` for a group with `bounds`, in the coordinate system
    /// `ts`: as resvg, the mask's children drawn as usual under `ts`, clipped to the mask's
    /// rectangle, and the mask's own mask (which, as in resvg, applies to the masked
    /// content).
    fn mask_region(&mut self, mask: &usvg::Mask, ts: Transform, bounds: PixelBounds) {
        let start = self
            .ops
            .open_mask(bounds, mask.kind() == usvg::MaskType::Luminance);
        for node in mask.root().children() {
            self.node(node, ts);
        }
        let content = self.ops.mark();
        // The mask's rectangle, as a clip region of one path.
        let rect_clip = self.ops.open_clip(bounds);
        let rect = tiny_skia_path::PathBuilder::from_rect(mask.rect().to_rect());
        if let Some(device) = rect.transform(ts) {
            self.ops.add_fill(&device, OPAQUE, FillRule::NonZero);
        }
        let children = self.ops.mark();
        self.ops.close_clip(rect_clip, children);
        let clip_end = self.ops.mark();
        if let Some(inner) = mask.mask() {
            self.mask_region(inner, ts, bounds);
        }
        self.ops.close_mask(start, (content, clip_end));
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
                        self.ops.add_fill(&device, OPAQUE, rule);
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
                        self.close_group(header, 1.0, clip, None, Blend::Xor);
                    }
                }
                usvg::Node::Text(_) => {
                    self.unsupported.insert("text");
                }
                usvg::Node::Image(_) => {}
            }
        }
    }

    /// Walks a path drawn under `ts`, its parent group's transform to device pixels.
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
            Ok(shader) => Some(self.ops.add_shader(shader?)),
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
            self.ops.add_fill(&device, color, rule);
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
            self.ops.add_fill(&device, color, FillRule::NonZero);
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
