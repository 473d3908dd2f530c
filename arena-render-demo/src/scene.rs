//! The scene index: everything about one image that every scan-line reads and none writes.
//!
//! Built once per image on the heap from a `usvg::Tree`: strokes are turned into fill paths
//! with tiny-skia-path's stroker (as resvg does), every path is transformed to device space
//! and flattened there, and the resulting line segments are indexed by the rows they touch.
//! The scan-line renderer ([`crate::raster`]) then needs nothing but this index and a line
//! arena.

use std::collections::BTreeSet;
use std::fmt;

use tiny_skia_path::{Path, PathSegment, PathStroker, Point, Transform};

use crate::raster::{CLEAR, Paint, Pixel};

/// Largest output width or height in pixels; also the upper limit of `--size`.
pub const MAX_DIMENSION: u32 = 16384;

/// Sub-scanlines per pixel row when anti-aliasing (each one sampled at its centre; the
/// horizontal coverage of every span is exact).
pub const SUB_SCANLINES: u32 = 4;

/// Flattening tolerance in device pixels: the most a flattened curve strays from the curve.
const FLATTEN_TOLERANCE: f32 = 0.1;

/// More segments than this for one curve means a degenerate (huge) curve; cap it.
const MAX_CURVE_SEGMENTS: usize = 1024;

/// How to turn an SVG into pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RenderOptions {
    /// Fit the image into a `size` x `size` box (keeping the aspect ratio); `None` keeps the
    /// SVG's own size.
    pub size: Option<u32>,
    /// Extra device-space translation in pixels. Zero for real output; the tests set it to
    /// half a pixel to prove that the check against resvg catches a misplaced image.
    pub offset: (f32, f32),
    /// `false` renders aliased (one sample per pixel); the tests use it to prove that the
    /// check against resvg catches a renderer without anti-aliasing.
    pub antialias: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            size: None,
            offset: (0.0, 0.0),
            antialias: true,
        }
    }
}

/// The output size and the scale from SVG user units to pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels per SVG unit.
    pub scale: f32,
}

/// Why a scene could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SceneError {
    /// `--size` outside `1..=MAX_DIMENSION`.
    BadSize(u32),
    /// The SVG's own size is too large to render without `--size`.
    TooLarge {
        /// Width the SVG asks for.
        width: u32,
        /// Height the SVG asks for.
        height: u32,
    },
}

impl fmt::Display for SceneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SceneError::BadSize(size) => write!(
                f,
                "--size {size} is out of range: give a size from 1 to {MAX_DIMENSION} pixels"
            ),
            SceneError::TooLarge { width, height } => write!(
                f,
                "the SVG is {width}x{height} pixels, larger than {MAX_DIMENSION}; pass --size \
                 to scale it down"
            ),
        }
    }
}

impl std::error::Error for SceneError {}

impl Geometry {
    /// The pixel size of `tree` under `options`.
    pub fn of(tree: &usvg::Tree, options: &RenderOptions) -> Result<Geometry, SceneError> {
        let size = tree.size();
        let (w, h) = (size.width(), size.height());
        let (scale, limit) = match options.size {
            Some(s) if s == 0 || s > MAX_DIMENSION => return Err(SceneError::BadSize(s)),
            Some(s) => (s as f32 / w.max(h), s as f32),
            None => (1.0, 1e9),
        };
        // usvg guarantees a positive, finite size; the clamp keeps absurd sizes countable.
        // With `--size`, the box is a hard limit: `w * (s / w)` can round to just above `s`
        // (180 * (48 / 180) = 48.000004), and `ceil` would make that one pixel too many.
        let width = (w * scale).ceil().clamp(1.0, limit) as u32;
        let height = (h * scale).ceil().clamp(1.0, limit) as u32;
        if width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(SceneError::TooLarge { width, height });
        }
        Ok(Geometry {
            width,
            height,
            scale,
        })
    }

    /// The device transform both renderers use (before any per-node transform).
    pub fn transform(&self, options: &RenderOptions) -> Transform {
        Transform::from_scale(self.scale, self.scale)
            .post_translate(options.offset.0, options.offset.1)
    }
}

/// Which points are inside a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FillRule {
    /// Inside where the winding number is not zero.
    NonZero,
    /// Inside where the winding number is odd.
    EvenOdd,
}

impl FillRule {
    /// Whether winding number `w` is inside.
    #[inline(always)]
    pub fn inside(self, w: i32) -> bool {
        match self {
            FillRule::NonZero => w != 0,
            FillRule::EvenOdd => w & 1 != 0,
        }
    }
}

/// One line segment of a flattened path in device space, oriented top to bottom.
///
/// Invariant: `sub0 < sub1`, both within `0..=height * sub_scanlines`; the segment crosses
/// exactly the sub-scanlines `sub0..sub1` (sub-scanline `i` is sampled at
/// `y = (i + 0.5) / sub_scanlines`), and its x there is `x0 + (y - y0) * dxdy`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Edge {
    pub(crate) x0: f32,
    pub(crate) y0: f32,
    pub(crate) dxdy: f32,
    pub(crate) sub0: i32,
    pub(crate) sub1: i32,
    /// +1 for a segment that goes down in path order, -1 for one that goes up.
    pub(crate) dir: i32,
}

/// One filled path: a run of edges, a colour and a rule.
///
/// Invariant: `edges` is non-empty; `rows` and `cols` bound every pixel its edges can touch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FillItem {
    pub(crate) edge_start: u32,
    pub(crate) edge_end: u32,
    pub(crate) row_start: u32,
    pub(crate) row_end: u32,
    pub(crate) col_start: u32,
    pub(crate) col_end: u32,
    /// Premultiplied, opacity applied.
    pub(crate) color: Paint,
    pub(crate) rule: FillRule,
}

/// A drawing operation, in paint order.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Op {
    /// Fill `fills[i]` onto the current layer.
    Fill(u32),
    /// Draw ops `index + 1 .. end` into a fresh layer covering `cols` and composite it with
    /// `opacity`. Invariant: `end` is past this op and within the op list; rows outside
    /// `rows` have no edges in the group.
    Group {
        opacity: f32,
        end: u32,
        row_start: u32,
        row_end: u32,
        col_start: u32,
        col_end: u32,
    },
}

/// The scene parameters the line budget is computed from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SceneParams {
    /// Image width in pixels.
    pub width: usize,
    /// The most pixels one row can draw: the widest span of a row's edges (plus the pixel
    /// right of each, where coverage can spill).
    pub max_row_span: usize,
    /// The most edges of one path that touch one pixel row.
    pub max_row_edges: usize,
    /// The most crossings of one path on one sub-scanline.
    pub max_sub_crossings: usize,
    /// The deepest nesting of group layers.
    pub max_depth: usize,
    /// The most layer pixels alive at once on a row: the widest chain of nested groups,
    /// summing each group's width.
    pub max_layer_pixels: usize,
}

/// A scene ready for scan-line rendering: edges, paints, ops and the row table.
///
/// Invariants: `row_offsets` has `height + 1` non-decreasing entries; the edge indices of
/// row `y` are `row_edges[row_offsets[y]..row_offsets[y + 1]]`, ascending, and are exactly
/// the edges whose sub-scanline range meets the row. Fills own consecutive, ascending edge
/// ranges in op order.
#[derive(Clone, Debug)]
pub struct Scene {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) sub_scanlines: u32,
    pub(crate) antialias: bool,
    pub(crate) edges: Vec<Edge>,
    pub(crate) fills: Vec<FillItem>,
    pub(crate) ops: Vec<Op>,
    pub(crate) row_offsets: Vec<u32>,
    pub(crate) row_edges: Vec<u32>,
    /// Per row, the pixels its edges can reach: `(first, end)`, empty for a row without
    /// edges. Every crossing of the row lies in `first..end - 1`.
    pub(crate) row_spans: Vec<(u32, u32)>,
    /// A transparent row, `width` long, that group layers are copied from (a memcpy, where
    /// filling a fresh slice writes element by element).
    pub(crate) blank_row: Vec<Pixel>,
    /// `width + 2` zero coverage steps, that each line's coverage row is copied from.
    pub(crate) zero_steps: Vec<f32>,
    params: SceneParams,
    unsupported: BTreeSet<&'static str>,
}

impl Scene {
    /// Builds the scene index of `tree` at the size `options` asks for.
    pub fn build(tree: &usvg::Tree, options: &RenderOptions) -> Result<Scene, SceneError> {
        let geometry = Geometry::of(tree, options)?;
        let sub_scanlines = if options.antialias { SUB_SCANLINES } else { 1 };
        let mut builder = Builder {
            scene: Scene {
                width: geometry.width,
                height: geometry.height,
                sub_scanlines,
                antialias: options.antialias,
                edges: Vec::new(),
                fills: Vec::new(),
                ops: Vec::new(),
                row_offsets: Vec::new(),
                row_edges: Vec::new(),
                row_spans: Vec::new(),
                blank_row: vec![CLEAR; geometry.width as usize],
                zero_steps: vec![0.0; geometry.width as usize + 2],
                params: SceneParams::default(),
                unsupported: BTreeSet::new(),
            },
            points: Vec::new(),
            depth: 0,
        };
        builder.group(tree.root(), geometry.transform(options));
        let mut scene = builder.scene;
        scene.index_rows();
        Ok(scene)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The parameters the line budget is computed from.
    pub fn params(&self) -> SceneParams {
        self.params
    }

    /// Number of flattened edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Number of filled paths (a stroke counts as one).
    pub fn fill_count(&self) -> usize {
        self.fills.len()
    }

    /// Whether nothing in the scene paints a pixel.
    pub fn is_blank(&self) -> bool {
        self.fills.is_empty()
    }

    /// The unsupported SVG features that were found and skipped, by name.
    pub fn unsupported(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.unsupported.iter().copied()
    }

    /// Records an unsupported feature found outside the usvg tree (text, which usvg drops
    /// without its `text` feature).
    pub fn note_unsupported(&mut self, feature: &'static str) {
        self.unsupported.insert(feature);
    }

    /// Builds the row table and measures the scene parameters.
    fn index_rows(&mut self) {
        let s = self.sub_scanlines as i32;
        let rows = self.height as usize;
        let mut counts = vec![0u32; rows + 1];
        for e in &self.edges {
            let (r0, r1) = ((e.sub0 / s) as usize, ((e.sub1 - 1) / s) as usize);
            for c in &mut counts[r0..=r1] {
                *c += 1;
            }
        }
        let mut offsets = Vec::with_capacity(rows + 1);
        let mut total = 0u32;
        for &c in &counts[..rows] {
            offsets.push(total);
            total += c;
        }
        offsets.push(total);
        // Each row's span: the extreme crossings of its edges, which are at the edges' first
        // and last sub-scanline in the row (x is linear in the sub-scanline).
        let width = self.width as f32;
        let mut spans = vec![(u32::MAX, 0u32); rows];
        for e in &self.edges {
            let (r0, r1) = ((e.sub0 / s) as usize, ((e.sub1 - 1) / s) as usize);
            for (r, span) in spans.iter_mut().enumerate().take(r1 + 1).skip(r0) {
                let top = e.sub0.max(r as i32 * s);
                let bottom = (e.sub1 - 1).min(r as i32 * s + s - 1);
                let (a, b) = (e.x_at_sub(top, s), e.x_at_sub(bottom, s));
                let lo = a.min(b).floor().clamp(0.0, width) as u32;
                let hi = (a.max(b).floor() + 2.0).clamp(0.0, width) as u32;
                *span = (span.0.min(lo), span.1.max(hi));
            }
        }
        for span in &mut spans {
            if span.0 >= span.1 {
                *span = (0, 0);
            }
        }
        let max_row_span = spans
            .iter()
            .map(|&(a, b)| (b - a) as usize)
            .max()
            .unwrap_or(0);
        let mut cursor = offsets.clone();
        let mut row_edges = vec![0u32; total as usize];
        // Edges in index order, so each row's list comes out ascending.
        for (i, e) in self.edges.iter().enumerate() {
            let (r0, r1) = ((e.sub0 / s) as usize, ((e.sub1 - 1) / s) as usize);
            for c in &mut cursor[r0..=r1] {
                row_edges[*c as usize] = i as u32;
                *c += 1;
            }
        }

        // The most edges of one fill in one row: runs of one fill in each row's list.
        let mut max_row_edges = 0;
        let mut fill_of_edge = vec![0u32; self.edges.len()];
        for (f, fill) in self.fills.iter().enumerate() {
            for slot in &mut fill_of_edge[fill.edge_start as usize..fill.edge_end as usize] {
                *slot = f as u32;
            }
        }
        for y in 0..rows {
            let list = &row_edges[offsets[y] as usize..offsets[y + 1] as usize];
            for run in list.chunk_by(|a, b| fill_of_edge[*a as usize] == fill_of_edge[*b as usize])
            {
                max_row_edges = max_row_edges.max(run.len());
            }
        }

        // The most crossings of one fill on one sub-scanline: a difference array per fill.
        let mut max_sub_crossings = 0;
        let mut diff: Vec<i32> = Vec::new();
        for fill in &self.fills {
            let edges = &self.edges[fill.edge_start as usize..fill.edge_end as usize];
            let lo = edges.iter().map(|e| e.sub0).min().unwrap_or(0);
            let hi = edges.iter().map(|e| e.sub1).max().unwrap_or(0);
            diff.clear();
            diff.resize((hi - lo + 1) as usize, 0);
            for e in edges {
                diff[(e.sub0 - lo) as usize] += 1;
                diff[(e.sub1 - lo) as usize] -= 1;
            }
            let mut live = 0i32;
            for d in &diff {
                live += d;
                max_sub_crossings = max_sub_crossings.max(live as usize);
            }
        }

        // The widest chain of nested layers: a stack of (end of group, chain width), each
        // layer as wide as its group, but never wider than a row's span.
        let mut max_layer_pixels = 0;
        let mut chain: Vec<(u32, usize)> = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            while chain.last().is_some_and(|&(end, _)| end as usize <= i) {
                chain.pop();
            }
            if let Op::Group {
                end,
                col_start,
                col_end,
                ..
            } = *op
            {
                let outer = chain.last().map_or(0, |&(_, w)| w);
                // A row's layer covers the group's columns within the row's span.
                let width = outer + ((col_end - col_start) as usize).min(max_row_span);
                max_layer_pixels = max_layer_pixels.max(width);
                chain.push((end, width));
            }
        }

        self.row_offsets = offsets;
        self.row_spans = spans;
        self.params.max_row_span = max_row_span;
        self.row_edges = row_edges;
        self.params.width = self.width as usize;
        self.params.max_row_edges = max_row_edges;
        self.params.max_sub_crossings = max_sub_crossings;
        self.params.max_layer_pixels = max_layer_pixels;
    }
}

/// Walks the usvg tree and fills the scene.
struct Builder {
    scene: Scene,
    /// Scratch for one flattened contour, reused.
    points: Vec<Point>,
    depth: usize,
}

impl Builder {
    fn group(&mut self, group: &usvg::Group, base: Transform) {
        if group.clip_path().is_some() {
            self.scene.unsupported.insert("clip paths");
        }
        if group.mask().is_some() {
            self.scene.unsupported.insert("masks");
        }
        if !group.filters().is_empty() {
            self.scene.unsupported.insert("filters");
        }
        if group.blend_mode() != usvg::BlendMode::Normal {
            self.scene.unsupported.insert("blend modes");
        }
        let opacity = group.opacity().get();
        // A group with full opacity composites exactly like its children drawn directly.
        let layered = opacity < 1.0;
        let op_index = self.scene.ops.len();
        let first_fill = self.scene.fills.len();
        if layered {
            self.scene.ops.push(Op::Group {
                opacity,
                end: 0,
                row_start: 0,
                row_end: 0,
                col_start: 0,
                col_end: 0,
            });
            self.depth += 1;
            self.scene.params.max_depth = self.scene.params.max_depth.max(self.depth);
        }
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => self.group(g, base),
                usvg::Node::Path(p) => self.path(p, base),
                usvg::Node::Image(_) => {
                    self.scene.unsupported.insert("images");
                }
                usvg::Node::Text(_) => {
                    self.scene.unsupported.insert("text");
                }
            }
        }
        if layered {
            self.depth -= 1;
            let fills = &self.scene.fills[first_fill..];
            if fills.is_empty() {
                // Nothing drawn: drop the empty layer.
                self.scene.ops.truncate(op_index);
                return;
            }
            let end = self.scene.ops.len() as u32;
            self.scene.ops[op_index] = Op::Group {
                opacity,
                end,
                row_start: fills.iter().map(|f| f.row_start).min().unwrap_or(0),
                row_end: fills.iter().map(|f| f.row_end).max().unwrap_or(0),
                col_start: fills.iter().map(|f| f.col_start).min().unwrap_or(0),
                col_end: fills.iter().map(|f| f.col_end).max().unwrap_or(0),
            };
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
                self.scene.unsupported.insert("gradients");
                None
            }
            usvg::Paint::Pattern(_) => {
                self.scene.unsupported.insert("patterns");
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
        if let Some(device) = path.data().clone().transform(ts) {
            self.add_fill(&device, color, rule);
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
        let Some(outline) = source.stroke(&stroke, res_scale) else {
            return;
        };
        if let Some(device) = outline.transform(ts) {
            self.add_fill(&device, color, FillRule::NonZero);
        }
    }

    /// Flattens a device-space path into edges and records it as one fill.
    fn add_fill(&mut self, path: &Path, color: Paint, rule: FillRule) {
        if color[3] <= 0.0 {
            return;
        }
        let edge_start = self.scene.edges.len();
        let mut points = std::mem::take(&mut self.points);
        points.clear();
        for segment in path.segments() {
            match segment {
                PathSegment::MoveTo(p) => {
                    self.close(&mut points);
                    points.push(p);
                }
                PathSegment::LineTo(p) => points.push(p),
                PathSegment::QuadTo(p1, p2) if self.off_canvas(&[last(&points), p1, p2]) => {
                    points.push(p2);
                }
                PathSegment::CubicTo(p1, p2, p3)
                    if self.off_canvas(&[last(&points), p1, p2, p3]) =>
                {
                    points.push(p3);
                }
                PathSegment::QuadTo(p1, p2) => {
                    let p0 = last(&points);
                    let dd = second_difference(p0, p1, p2);
                    let n = segments_for(dd / (4.0 * FLATTEN_TOLERANCE));
                    for i in 1..=n {
                        let t = i as f32 / n as f32;
                        let mt = 1.0 - t;
                        points.push(weighted(&[(p0, mt * mt), (p1, 2.0 * mt * t), (p2, t * t)]));
                    }
                }
                PathSegment::CubicTo(p1, p2, p3) => {
                    let p0 = last(&points);
                    let dd = second_difference(p0, p1, p2).max(second_difference(p1, p2, p3));
                    let n = segments_for(0.75 * dd / FLATTEN_TOLERANCE);
                    for i in 1..=n {
                        let t = i as f32 / n as f32;
                        let mt = 1.0 - t;
                        points.push(weighted(&[
                            (p0, mt * mt * mt),
                            (p1, 3.0 * mt * mt * t),
                            (p2, 3.0 * mt * t * t),
                            (p3, t * t * t),
                        ]));
                    }
                }
                PathSegment::Close => self.close(&mut points),
            }
        }
        self.close(&mut points);
        self.points = points;
        let edge_end = self.scene.edges.len();
        if edge_end == edge_start {
            return;
        }
        let edges = &self.scene.edges[edge_start..edge_end];
        let s = self.scene.sub_scanlines as i32;
        // Crossings happen only at sampled sub-scanlines, between an edge's first and last.
        let ends = |e: &Edge| (e.x_at_sub(e.sub0, s), e.x_at_sub(e.sub1 - 1, s));
        let min_x = edges
            .iter()
            .map(|e| ends(e).0.min(ends(e).1))
            .fold(f32::MAX, f32::min);
        let max_x = edges
            .iter()
            .map(|e| ends(e).0.max(ends(e).1))
            .fold(f32::MIN, f32::max);
        let width = self.scene.width as f32;
        self.scene.fills.push(FillItem {
            edge_start: edge_start as u32,
            edge_end: edge_end as u32,
            row_start: (edges.iter().map(|e| e.sub0).min().unwrap_or(0) / s) as u32,
            row_end: ((edges.iter().map(|e| e.sub1).max().unwrap_or(0) - 1) / s + 1) as u32,
            col_start: min_x.floor().clamp(0.0, width) as u32,
            // Coverage can spill one pixel right of the last crossing's pixel.
            col_end: (max_x.floor() + 2.0).clamp(0.0, width) as u32,
            color,
            rule,
        });
        self.scene
            .ops
            .push(Op::Fill(self.scene.fills.len() as u32 - 1));
    }

    /// Whether a curve's control points (and so the whole curve) lie entirely above, below,
    /// left or right of the canvas. Such a curve is drawn as its chord: above, below or right
    /// it reaches no pixel; left of the canvas it only adds winding to the pixels right of it,
    /// and a curve and its chord cross every row with the same signed count (together they
    /// form a closed loop). Without this, a huge curve far off the canvas (a mutated file with
    /// a coordinate of 1e29, found by the `demo_svg` fuzz target) costs as many segments as
    /// one on it, and tens of thousands of them take seconds.
    fn off_canvas(&self, points: &[Point]) -> bool {
        let (w, h) = (self.scene.width as f32, self.scene.height as f32);
        points.iter().all(|p| p.x < 0.0)
            || points.iter().all(|p| p.x > w)
            || points.iter().all(|p| p.y < 0.0)
            || points.iter().all(|p| p.y > h)
    }

    /// Turns the contour in `points` (implicitly closed) into edges and clears it.
    fn close(&mut self, points: &mut Vec<Point>) {
        if points.len() >= 2 {
            let n = points.len();
            for i in 0..n {
                self.add_edge(points[i], points[(i + 1) % n]);
            }
        }
        points.clear();
    }

    fn add_edge(&mut self, a: Point, b: Point) {
        if !(a.is_finite() && b.is_finite()) || a.y == b.y {
            return;
        }
        let (top, bottom, dir) = if a.y < b.y { (a, b, 1) } else { (b, a, -1) };
        let s = self.scene.sub_scanlines as f32;
        let limit = self.scene.height as f32 * s;
        // Sub-scanline i is sampled at (i + 0.5) / s: the first one at or below `top.y`
        // and the first one at or below `bottom.y` (exclusive).
        let sub0 = (top.y * s - 0.5).ceil().clamp(0.0, limit) as i32;
        let sub1 = (bottom.y * s - 0.5).ceil().clamp(0.0, limit) as i32;
        if sub0 >= sub1 {
            return;
        }
        self.scene.edges.push(Edge {
            x0: top.x,
            y0: top.y,
            dxdy: (bottom.x - top.x) / (bottom.y - top.y),
            sub0,
            sub1,
            dir,
        });
    }
}

impl Edge {
    /// x where the edge meets sub-scanline `sub` (extrapolated outside `sub0..sub1`).
    #[inline(always)]
    pub(crate) fn x_at_sub(&self, sub: i32, sub_scanlines: i32) -> f32 {
        let y = (sub as f32 + 0.5) / sub_scanlines as f32;
        self.x0 + (y - self.y0) * self.dxdy
    }
}

/// `|a - 2b + c|`: how far a curve's control polygon bends at `b`.
fn second_difference(a: Point, b: Point, c: Point) -> f32 {
    Point::from_xy(a.x - 2.0 * b.x + c.x, a.y - 2.0 * b.y + c.y).length()
}

/// The weighted sum of points (Bernstein weights of a curve at one parameter).
fn weighted(terms: &[(Point, f32)]) -> Point {
    let (mut x, mut y) = (0.0, 0.0);
    for &(p, w) in terms {
        x += p.x * w;
        y += p.y * w;
    }
    Point::from_xy(x, y)
}

fn last(points: &[Point]) -> Point {
    points.last().copied().unwrap_or_default()
}

/// Segments for a curve whose flattening error with one segment would be `error_at_one`
/// tolerances: the error falls with the square of the count.
fn segments_for(error_at_one: f32) -> usize {
    let n = error_at_one.sqrt().ceil();
    if n.is_finite() {
        (n as usize).clamp(1, MAX_CURVE_SEGMENTS)
    } else {
        MAX_CURVE_SEGMENTS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(svg: &str) -> usvg::Tree {
        usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap()
    }

    #[test]
    fn geometry_fits_the_longer_side_and_rejects_bad_sizes() {
        let t = tree(r#"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"/>"#);
        let fit = |size| {
            Geometry::of(
                &t,
                &RenderOptions {
                    size,
                    ..RenderOptions::default()
                },
            )
        };
        let g = fit(Some(64)).unwrap();
        assert_eq!((g.width, g.height, g.scale), (64, 32, 0.32));
        assert_eq!(fit(None).unwrap().width, 200);
        assert_eq!(fit(Some(0)), Err(SceneError::BadSize(0)));
        assert_eq!(
            fit(Some(MAX_DIMENSION + 1)),
            Err(SceneError::BadSize(16385))
        );
    }

    #[test]
    fn scene_parameters_count_edges_crossings_and_layers() {
        // Two overlapping squares in one path (8 edges, 4 of them vertical), in a group
        // with opacity inside another.
        let t = tree(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
              <g opacity="0.5"><g opacity="0.5">
                <path d="M1 1H5V5H1Z M3 3H8V8H3Z"/>
              </g></g></svg>"#,
        );
        let scene = Scene::build(&t, &RenderOptions::default()).unwrap();
        let p = scene.params();
        assert_eq!(scene.edge_count(), 4, "horizontal edges are dropped");
        assert_eq!(p.max_row_edges, 4);
        assert_eq!(p.max_sub_crossings, 4);
        assert_eq!(p.max_depth, 2);
        // Each layer spans pixels 1..10: x from 1 to 8, plus the pixel coverage can spill
        // into right of the last crossing, clamped to the image.
        assert_eq!(p.max_layer_pixels, 2 * 9);
        assert!(FillRule::EvenOdd.inside(3) && !FillRule::EvenOdd.inside(2));
        assert!(FillRule::NonZero.inside(-1) && !FillRule::NonZero.inside(0));
    }
}
