//! The usvg walk: turns a `usvg::Tree` into fills, groups and edges in paint order, and
//! names every feature it skips.

use std::collections::BTreeSet;
use std::sync::Arc;

use tiny_skia_path::Transform;

use super::flatten::Edge;
use super::item::{FillItem, FillRule, Op, PixelBounds};
use super::ops::{OpList, RegionStart};
use super::paints::{Converted, Paints};
use super::stroke::{self, StrokeOutline, hairline_alpha, hairline_coverage};
use crate::options::{MAX_IMAGE_DEPTH, SceneError};
use crate::paint::{Filter, ImageShader, PaintRef, Shader};
use crate::pixel::Blend;

/// What the walk found: the scene's content before it is indexed by row.
pub(crate) struct Content {
    pub(crate) edges: Vec<Edge>,
    pub(crate) fills: Vec<FillItem>,
    pub(crate) shaders: Vec<Shader>,
    pub(crate) ops: Vec<Op>,
    pub(crate) unsupported: BTreeSet<&'static str>,
    /// The pattern tiles' own content, each with its size in pixels.
    pub(crate) tiles: Vec<(Content, (u32, u32))>,
}

/// Walks `tree` under the device transform `base` for a `width` x `height` canvas sampled
/// at `sub_scanlines` per row.
///
/// `allowance` is what pattern tiles and decoded images may still take over the whole image
/// (nested patterns included).
pub(crate) fn walk(
    root: &usvg::Group,
    base: Transform,
    (width, height): (u32, u32),
    sub_scanlines: u32,
    options: WalkOptions,
    allowance: &mut Allowance,
) -> Result<Content, SceneError> {
    let mut builder = Builder {
        hairlines: options.hairlines,
        ops: OpList::new(width, height, sub_scanlines),
        unsupported: BTreeSet::new(),
        image_depth: 0,
        error: None,
        paints: Paints::new(options, sub_scanlines, allowance),
        width,
        column_taps: options.column_taps,
    };
    // As resvg: the root's children under the device transform (the root group itself
    // carries nothing to draw).
    for node in root.children() {
        builder.node(node, base);
    }
    if let Some(error) = builder.error {
        return Err(error);
    }
    let (edges, fills, shaders, ops) = builder.ops.into_parts();
    Ok(Content {
        edges,
        fills,
        shaders,
        ops,
        unsupported: builder.unsupported,
        tiles: builder.paints.into_tiles(),
    })
}

/// How the walk draws what SVG leaves to the renderer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WalkOptions {
    /// Draw strokes a pixel wide or less as hairlines (as resvg does), else at their width.
    pub(crate) hairlines: bool,
    /// How many image column taps the walk may keep, at most
    /// [`MAX_COLUMN_TAPS`](crate::paint::MAX_COLUMN_TAPS); pattern tiles, walked once per
    /// use, keep none.
    pub(crate) column_taps: usize,
}

/// The memory one scene may still take for what the walk makes on the heap, in pixels.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Allowance {
    /// For pattern tiles: a pattern beyond it is skipped and named.
    pub(crate) tile_pixels: u64,
    /// For decoded raster images, each drawing of an image counted: an image beyond it
    /// refuses the scene.
    pub(crate) image_pixels: u64,
}

/// The walk's state: the op list so far, the unsupported features seen, and the paints
/// (with the pattern tiles found, their content walked on its own canvas, at the same
/// sampling).
struct Builder<'t> {
    /// See [`WalkOptions::hairlines`].
    hairlines: bool,
    ops: OpList,
    unsupported: BTreeSet<&'static str>,
    /// SVG images open around the node being walked.
    image_depth: usize,
    /// The first image that could not be decoded: the scene is refused.
    error: Option<SceneError>,
    paints: Paints<'t>,
    /// The canvas width in pixels.
    width: u32,
    /// The image column taps this walk may still keep (see [`WalkOptions::column_taps`]).
    column_taps: usize,
}

/// An opaque paint: clip coverage, and a mask's rectangle.
const OPAQUE: PaintRef = PaintRef::Solid([0.0, 0.0, 0.0, 1.0]);

impl Builder<'_> {
    /// Walks one node drawn under `ts` (its parent's transform to device pixels).
    fn node(&mut self, node: &usvg::Node, ts: Transform) {
        match node {
            usvg::Node::Group(g) => self.group(g, ts),
            usvg::Node::Path(p) => self.path(p, ts),
            usvg::Node::Image(image) => self.image(image, ts),
            // usvg has laid the text out and turned it into paths.
            usvg::Node::Text(text) => self.group(text.flattened(), ts),
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
            self.ops.add_fill(&device, OPAQUE, FillRule::NonZero, true);
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
                        self.ops.add_fill(&device, OPAQUE, rule, true);
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
                // Text in a clip path clips with its glyph outlines.
                usvg::Node::Text(text) => {
                    let glyphs = text.flattened();
                    self.clip_children(glyphs, ts.pre_concat(glyphs.transform()));
                }
                usvg::Node::Image(_) => {}
            }
        }
    }

    /// Draws an image under `ts`, as resvg does: a raster image fills the rectangle of its
    /// pixels, (0, 0) to (width, height), with an image shader; an SVG image draws its tree.
    fn image(&mut self, image: &usvg::Image, ts: Transform) {
        if !image.is_visible() || self.error.is_some() {
            return;
        }
        // The size usvg read from the header: refuse a huge one before decoding anything.
        let declared = image.size();
        if let Err(error) = super::image::check_declared(image.kind(), declared) {
            self.error = Some(error);
            return;
        }
        if !matches!(image.kind(), usvg::ImageKind::SVG(_)) {
            // Checked above: the declared size is whole pixels within MAX_IMAGE_PIXELS.
            let pixels = declared.width() as u64 * declared.height() as u64;
            if pixels > self.paints.allowance.image_pixels {
                self.error = Some(SceneError::ImagesTooLarge {
                    pixels,
                    left: self.paints.allowance.image_pixels,
                });
                return;
            }
            self.paints.allowance.image_pixels -= pixels;
        }
        let raster = match super::image::decode(image.kind()) {
            None => {
                let usvg::ImageKind::SVG(tree) = image.kind() else {
                    return;
                };
                if self.image_depth >= MAX_IMAGE_DEPTH {
                    self.unsupported.insert("SVG images nested too deep");
                    return;
                }
                self.image_depth += 1;
                for node in tree.root().children() {
                    self.node(node, ts);
                }
                self.image_depth -= 1;
                return;
            }
            Some(Err(error)) => {
                self.error = Some(error);
                return;
            }
            Some(Ok(raster)) => raster,
        };
        let (w, h) = (raster.width() as f32, raster.height() as f32);
        let filter = Filter::of(image.rendering_mode());
        let Some(shader) = ImageShader::new(
            Arc::new(raster),
            ts,
            filter,
            (self.width, &mut self.column_taps),
        ) else {
            return;
        };
        let rect = tiny_skia_path::Rect::from_xywh(0.0, 0.0, w, h)
            .map(tiny_skia_path::PathBuilder::from_rect)
            .and_then(|path| path.transform(ts));
        if let Some(device) = rect {
            let paint = self.ops.add_shader(Shader::Image(shader));
            self.ops.add_fill(&device, paint, FillRule::NonZero, true);
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
        match self
            .paints
            .convert(paint, opacity, ts, &mut self.unsupported)
        {
            Ok(Some(Converted::Solid(color))) => Some(PaintRef::Solid(color)),
            Ok(Some(Converted::Shader(shader))) => Some(self.ops.add_shader(shader)),
            Ok(None) => None,
            Err(error) => {
                // An image in a pattern tile could not be decoded: the scene is refused.
                self.error.get_or_insert(error);
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
        let antialias = path.rendering_mode().use_shape_antialiasing();
        if let Some(device) = path.data().clone().transform(ts) {
            self.ops.add_fill(&device, color, rule, antialias);
        }
    }

    fn stroke(&mut self, path: &usvg::Path, ts: Transform) {
        let Some(usvg_stroke) = path.stroke() else {
            return;
        };
        let stroke = usvg_stroke.to_tiny_skia();
        let antialias = path.rendering_mode().use_shape_antialiasing();
        // A stroke at most a pixel wide is a hairline, as in tiny-skia: its paint's opacity
        // scaled by its width.
        let hairline = (antialias && self.hairlines)
            .then(|| hairline_coverage(stroke.width, ts))
            .flatten();
        let opacity = usvg_stroke.opacity().get() * hairline.map_or(1.0, hairline_alpha);
        let Some(color) = self.paint(usvg_stroke.paint(), opacity, ts) else {
            return;
        };
        match stroke::outline(path.data(), &stroke, ts, hairline.is_some()) {
            Some(StrokeOutline::Hairline { device, capped }) => {
                self.ops.add_hairline(&device, color, capped);
            }
            Some(StrokeOutline::Area(device)) => {
                self.ops
                    .add_fill(&device, color, FillRule::NonZero, antialias);
            }
            None => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A 12x9 PNG (the `images-raster.svg` fixture's), drawn three times: once as itself,
    /// twice through `<use>`.
    const THRICE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg"
        xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">
      <image id="i" xlink:href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAwAAAAJCAYAAAA
GuM1UAAAAO0lEQVR4nO2LsQ0AIAgEv2AAdQprx3E/R3AlS1xBoaIj9Fzy+WuOTh+TUXB1dRnXZ+PyhIYQGXx2NHB5e
YwOn6MxFCcAAAAASUVORK5CYII="/>
      <use xlink:href="#i" y="10"/><use xlink:href="#i" y="20"/></svg>"##;

    fn walk_with(image_pixels: u64) -> Result<Content, SceneError> {
        let tree = usvg::Tree::from_str(THRICE, &usvg::Options::default()).unwrap();
        let mut allowance = Allowance {
            tile_pixels: 0,
            image_pixels,
        };
        let options = WalkOptions {
            hairlines: true,
            column_taps: crate::paint::MAX_COLUMN_TAPS,
        };
        walk(
            tree.root(),
            Transform::identity(),
            (40, 40),
            1,
            options,
            &mut allowance,
        )
    }

    #[test]
    fn every_drawing_of_an_image_counts_against_the_scene_allowance() {
        let drawn = walk_with(3 * 108).unwrap();
        assert_eq!(drawn.shaders.len(), 3, "three image shaders");
        let Err(error) = walk_with(3 * 108 - 1) else {
            panic!("the third drawing is beyond the allowance");
        };
        let refused = SceneError::ImagesTooLarge {
            pixels: 108,
            left: 107,
        };
        assert_eq!(error, refused);
        let message = refused.to_string();
        assert!(
            message.contains("an image of 108 pixels came with 107 left")
                && message.contains("use fewer or smaller images"),
            "{message}"
        );
    }
}
