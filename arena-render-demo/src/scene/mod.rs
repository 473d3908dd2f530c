//! The scene index: everything about one image that every scan-line reads and none writes.
//!
//! Built once per image on the heap from a `usvg::Tree` ([`build`]): strokes are turned into
//! fill paths with tiny-skia-path's stroker (as resvg does), every path is transformed to
//! device space and flattened there ([`flatten`]), and the resulting line segments are
//! indexed by the rows they touch ([`index`]). The renderer then needs nothing but this index
//! and a line arena.

mod build;
mod flatten;
mod image;
mod index;
mod item;
mod ops;
mod paints;
mod stroke;

use std::collections::BTreeSet;

pub(crate) use flatten::Edge;
use index::RowIndex;
pub use index::SceneParams;
pub(crate) use item::{FillItem, Op};
pub use item::{FillRule, PixelBounds};

use crate::options::{Geometry, MAX_SCENE_IMAGE_PIXELS, RenderOptions, SceneError};
use crate::paint::Shader;

/// The most pixels all pattern tiles of one image may take together (256 MiB): more
/// patterns than that are skipped and named, so that a file cannot ask for unbounded memory
/// by using a large pattern many times.
pub const MAX_TILE_PIXELS: u64 = 64 << 20;

/// A scene ready for scan-line rendering: edges, paints, ops and the row index.
///
/// Invariants: fills own consecutive, ascending edge ranges in op order; every `Op::Fill`
/// names a fill and every `PaintRef::Shader` a shader; `rows` indexes exactly `edges` for a
/// `width` x `height` image sampled at `sub_scanlines` per row.
#[derive(Clone, Debug)]
pub struct Scene {
    width: u32,
    height: u32,
    sub_scanlines: u32,
    antialias: bool,
    edges: Vec<Edge>,
    fills: Vec<FillItem>,
    shaders: Vec<Shader>,
    ops: Vec<Op>,
    rows: RowIndex,
    params: SceneParams,
    unsupported: BTreeSet<&'static str>,
    /// The scenes of the pattern tiles, which the renderer renders before any row.
    tiles: Vec<Scene>,
}

impl Scene {
    /// Builds the scene index of `tree` at the size `options` asks for.
    pub fn build(tree: &usvg::Tree, options: &RenderOptions) -> Result<Scene, SceneError> {
        let geometry = Geometry::of(tree, options)?;
        let size = (geometry.width, geometry.height);
        let sub_scanlines = options.sub_scanlines();
        let mut allowance = build::Allowance {
            tile_pixels: MAX_TILE_PIXELS,
            image_pixels: MAX_SCENE_IMAGE_PIXELS,
        };
        let base = geometry.transform(options);
        let walk = build::WalkOptions {
            hairlines: options.hairlines,
            column_taps: crate::paint::MAX_COLUMN_TAPS,
        };
        let content = build::walk(tree.root(), base, size, sub_scanlines, walk, &mut allowance)?;
        Ok(Scene::index(
            content,
            size,
            sub_scanlines,
            options.antialias,
        ))
    }

    /// Indexes what the walk found for a `width` x `height` canvas, its pattern tiles too.
    fn index(
        content: build::Content,
        (width, height): (u32, u32),
        sub_scanlines: u32,
        antialias: bool,
    ) -> Scene {
        let (rows, params) = RowIndex::build(
            &content.edges,
            &content.fills,
            &content.ops,
            !content.shaders.is_empty(),
            (width, height),
            sub_scanlines as i32,
        );
        let tiles = content
            .tiles
            .into_iter()
            .map(|(tile, size)| Scene::index(tile, size, sub_scanlines, antialias))
            .collect();
        Scene {
            width,
            height,
            sub_scanlines,
            antialias,
            edges: content.edges,
            fills: content.fills,
            shaders: content.shaders,
            ops: content.ops,
            rows,
            params,
            unsupported: content.unsupported,
            tiles,
        }
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

    /// Sub-scanlines per pixel row.
    #[inline(always)]
    pub(crate) fn sub_scanlines(&self) -> u32 {
        self.sub_scanlines
    }

    /// Whether coverage is anti-aliased (else thresholded at one half).
    #[inline(always)]
    pub(crate) fn antialias(&self) -> bool {
        self.antialias
    }

    /// Edge number `i`.
    #[inline(always)]
    pub(crate) fn edge(&self, i: u32) -> &Edge {
        &self.edges[i as usize]
    }

    /// Fill number `i`.
    #[inline(always)]
    pub(crate) fn fill(&self, i: u32) -> &FillItem {
        &self.fills[i as usize]
    }

    /// The scenes of the pattern tiles, in the order the shaders name them.
    pub(crate) fn tiles(&self) -> &[Scene] {
        &self.tiles
    }

    /// Shader number `i`.
    #[inline(always)]
    pub(crate) fn shader(&self, i: u32) -> &Shader {
        &self.shaders[i as usize]
    }

    /// The drawing operations in paint order.
    #[inline(always)]
    pub(crate) fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The indices of the edges that touch row `y`, ascending.
    #[inline(always)]
    pub(crate) fn row_edges(&self, y: u32) -> &[u32] {
        self.rows.edges_of(y)
    }

    /// Where a row walking ops from `next` on should go to draw edge `e` (drawn at or after
    /// `next`): the op that draws it, or the header of the region around that op which
    /// opens at or after `next`. The ops before it have no edge on the row and draw nothing.
    #[inline(always)]
    pub(crate) fn op_toward_edge(&self, e: u32, next: usize) -> usize {
        self.rows.op_toward_edge(e, next)
    }

    /// Whether row `y` draws exactly the pixels of the row above it: then a renderer that
    /// has that row can copy it instead of drawing this one. Only rows whose edges are all
    /// vertical through both rows, the same edges, of solid paints (see `index`).
    #[inline(always)]
    pub(crate) fn repeats_row_above(&self, y: u32) -> bool {
        self.rows.repeats(y)
    }

    /// The pixels row `y` can draw: `(first, end)`.
    #[inline(always)]
    pub(crate) fn row_span(&self, y: u32) -> (usize, usize) {
        self.rows.span(y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(svg: &str) -> usvg::Tree {
        usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap()
    }

    /// The rows of `body` (on an 8 x 10 canvas) that repeat the row above.
    fn repeating(body: &str) -> Vec<u32> {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="10">{body}</svg>"#
        );
        let scene = Scene::build(&tree(&svg), &RenderOptions::default()).unwrap();
        (0..10).filter(|&y| scene.repeats_row_above(y)).collect()
    }

    #[test]
    fn rows_repeat_where_the_same_vertical_edges_of_solid_fills_cross_both_whole() {
        // Sides from y 2 to 6: rows 2 to 5 whole, row 2 their first (it has edges the row
        // above has not). Rows 6 to 9 have no edges, and draw nothing.
        assert_eq!(repeating(r#"<path d="M1 2H7V6H1Z"/>"#), [3, 4, 5]);
        // From y 1.5 to 6.5: rows 1 and 6 cross only half their sub-scanlines, so rows 2
        // and 6 differ from the row above.
        assert_eq!(repeating(r#"<path d="M1 1.5H7V6.5H1Z"/>"#), [3, 4, 5]);
        // A second path whose sides start at y 4 and end at y 5: rows 4 and 5 have edges
        // the row above has not (or has no longer).
        let two = r##"<path d="M1 1H7V8H1Z"/><path d="M3 4H5V5H3Z" fill="#f00"/>"##;
        assert_eq!(repeating(two), [2, 3, 6, 7]);
        // A sloped side: no row of it repeats, whatever else is vertical.
        assert_eq!(repeating(r#"<path d="M1 1H7L6 8H1Z"/>"#), [] as [u32; 0]);
        assert_eq!(
            repeating(r#"<path d="M1 1H7V8H1Z"/><path d="M2 3L3 5H2Z"/>"#),
            [2, 6, 7]
        );
        // A shader may change from row to row: a gradient's rows never repeat, nor the
        // rows it shares with a solid fill; a solid fill's other rows do.
        let gradient = r##"<linearGradient id="g" x2="0" y2="1">
            <stop stop-color="#00f"/><stop offset="1" stop-color="#f00"/></linearGradient>"##;
        assert_eq!(
            repeating(&format!(
                r#"{gradient}<path d="M1 1H7V8H1Z" fill="url(#g)"/>"#
            )),
            [] as [u32; 0]
        );
        assert_eq!(
            repeating(&format!(
                r#"{gradient}<path d="M1 1H7V9H1Z"/><path d="M2 5H6V7H2Z" fill="url(#g)"/>"#
            )),
            [2, 3, 4, 8]
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

    #[test]
    fn a_rows_edges_are_counted_over_all_its_paths() {
        // Three rectangles side by side, one path each, over the same rows: the row's
        // scratch holds the active edges of all three (two vertical sides each), while one
        // sub-scanline of one path still crosses only two.
        let t = tree(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="6">
              <rect x="1" y="1" width="2" height="4"/><rect x="5" y="1" width="2" height="4"/>
              <rect x="9" y="2" width="2" height="3"/></svg>"#,
        );
        let p = Scene::build(&t, &RenderOptions::default())
            .unwrap()
            .params();
        assert_eq!(p.max_row_edges, 6);
        assert_eq!(p.max_sub_crossings, 2);
    }

    #[test]
    fn a_row_goes_to_the_next_op_with_an_edge_through_the_region_headers() {
        // ops: 0 Fill(a), 1 Group(outer), 2 Fill(b), 3 Group(inner), 4 Fill(c), 5 Fill(d).
        let t = tree(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
              <path d="M1 1H3V3H1Z"/>
              <g opacity="0.5"><path d="M2 2H4V4H2Z"/>
                <g opacity="0.5"><path d="M3 3H5V5H3Z"/><path d="M4 4H6V6H4Z"/></g>
              </g>
              <path d="M5 5H7V7H5Z"/></svg>"#,
        );
        let scene = Scene::build(&t, &RenderOptions::default()).unwrap();
        let kinds: Vec<char> = scene
            .ops()
            .iter()
            .map(|op| match op {
                Op::Fill(_) => 'f',
                _ => 'g',
            })
            .collect();
        assert_eq!(kinds, ['f', 'g', 'f', 'g', 'f', 'f', 'f']);
        let first_edge = |op: usize| match scene.ops()[op] {
            Op::Fill(f) => scene.fill(f).edges().start,
            _ => unreachable!(),
        };
        // From the top level, an edge inside the groups leads to the outer group's header.
        assert_eq!(scene.op_toward_edge(first_edge(0), 0), 0);
        assert_eq!(scene.op_toward_edge(first_edge(4), 1), 1);
        assert_eq!(scene.op_toward_edge(first_edge(5), 0), 1);
        // Inside the outer group, to the inner group's header; inside that, to the fill.
        assert_eq!(scene.op_toward_edge(first_edge(2), 2), 2);
        assert_eq!(scene.op_toward_edge(first_edge(4), 2), 3);
        assert_eq!(scene.op_toward_edge(first_edge(4), 3), 3);
        assert_eq!(scene.op_toward_edge(first_edge(5), 4), 5);
        assert_eq!(scene.op_toward_edge(first_edge(5), 5), 5);
        // After the groups, the last fill is its own target.
        assert_eq!(scene.op_toward_edge(first_edge(6), 2), 6);
    }
}
