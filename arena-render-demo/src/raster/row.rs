//! The row walker: draws a scene's ops onto one pixel row, in paint order, taking every
//! temporary from a [`Scratch`].
//!
//! For each path that touches the row, the walker copies the path's edges that touch the
//! row into scratch memory (the active edges) and hands them to the kernel; a group with
//! opacity gets a layer row of its own, composited onto its parent when the group ends. The
//! base layer is the output row itself. The kernel's scratch (active edges, crossings,
//! spans, colours) is taken once per row, at the most any path of the scene needs, and
//! reused by every path: taking and releasing it per path cost more than the paths' own
//! work on many rows. A group's layer lives in a [`Scratch::scope`], so it is released as
//! soon as the group is drawn. A row only touches the pixels its edges can reach, so a
//! sparse image costs what it draws.
//!
//! The walker is generic over where its scratch comes from: the renderer passes a line of
//! the arena, the benchmark baseline (`crate::baseline`) passes fresh `Vec`s, and both run
//! this same code.

use super::Scratch;
use super::coverage::{CoverageRow, touched_words};
use super::crossing::{ActiveEdge, Crossing, Span, activate};
use super::kernel::FillRow;
use crate::paint::{PaintRef, Tile};
use crate::pixel::{
    Blend, CLEAR, Pixel, apply_alpha, composite_blended, composite_layer, composite_xor,
    luminance_to_alpha,
};
use crate::scene::{FillItem, Op, Scene};

/// Draws row `y` of `scene` (whose rendered pattern tiles are `tiles`) into `out`
/// (premultiplied RGBA8, `4 * width` bytes), with every temporary from `scratch`;
/// `out_is_clear` promises that `out` is all zero.
///
/// # Panics
///
/// If `y >= height` or `out` is not exactly one row long.
pub(crate) fn draw_row<S: Scratch>(
    scene: &Scene,
    tiles: &[Tile],
    y: u32,
    scratch: &mut S,
    out: &mut [u8],
    out_is_clear: bool,
) -> Result<(), S::Error> {
    assert!(y < scene.height(), "row {y} is outside the image");
    assert_eq!(
        out.len(),
        scene.width() as usize * 4,
        "output row has the wrong length"
    );
    // Only the pixels the row's edges can reach are drawn; the rest of the row stays
    // transparent, so a sparse image costs what it draws, not its width.
    let (c0, c1) = scene.row_span(y);
    let span = c1 - c0;
    if !out_is_clear {
        out.fill(0);
    }
    // The paths are drawn straight into the output row.
    let base = &mut out.as_chunks_mut::<4>().0[c0..c1];
    // A copy of zeros kept in the scene: a memcpy, where a fill writes element by element.
    let mut steps = scratch.slice_copy(scene.zero_steps(span + 2))?;
    let mut touched = scratch.slice_fill(touched_words(span), 0u64)?;
    // The kernel's scratch, for every path of the row in turn: taken once per row at the
    // scene's most (the active edges at most the row's edges), rather than per path at the
    // path's. The colour row only if some path is shaded.
    let params = scene.params();
    let entries = scene.row_edges(y);
    let most_active = entries.len().min(params.max_row_edges);
    let mut active = scratch.slice_fill(most_active, ActiveEdge::default())?;
    let mut crossings = scratch.slice_fill(params.max_sub_crossings, Crossing::default())?;
    let mut spans = scratch.slice_fill(params.max_sub_crossings / 2, Span::default())?;
    let shade_cells = if params.max_shade_pixels > 0 {
        span + 2
    } else {
        0
    };
    let mut colors = scratch.slice_copy(scene.blank_row(shade_cells))?;
    let mut walker = RowWalker {
        scene,
        tiles,
        y,
        entries,
        cursor: 0,
        coverage: CoverageRow::new(&mut steps, &mut touched, c0, span),
        active: &mut active,
        crossings: &mut crossings,
        spans: &mut spans,
        colors: &mut colors,
    };
    walker.ops(scratch, 0, scene.ops().len(), base, c0)?;
    debug_assert_eq!(
        walker.cursor,
        entries.len(),
        "every edge of the row was drawn"
    );
    Ok(())
}

/// The state of one row while its ops are drawn.
///
/// Invariant: `entries[..cursor]` are the row's edges of the fills drawn so far; every
/// `coverage` entry is zero between fills. The kernel's scratch, whose contents mean nothing
/// between fills: `active` has room for the most edges of any path on this row,
/// `crossings` for the most crossings of any path on one sub-scanline, `spans` for half of
/// that, and `colors` is as long as `coverage` has cells if some path is shaded (else empty).
struct RowWalker<'s, 'c> {
    scene: &'s Scene,
    tiles: &'s [Tile],
    y: u32,
    entries: &'s [u32],
    cursor: usize,
    coverage: CoverageRow<'c>,
    active: &'c mut [ActiveEdge],
    crossings: &'c mut [Crossing],
    spans: &'c mut [Span],
    colors: &'c mut [Pixel],
}

impl RowWalker<'_, '_> {
    /// Draws ops `start..end` onto `target`, a layer row covering pixels from `x_off`.
    fn ops<S: Scratch>(
        &mut self,
        scratch: &mut S,
        start: usize,
        end: usize,
        target: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), S::Error> {
        let mut i = start;
        while i < end {
            // Ops without an edge on this row draw nothing (a group of them composites a
            // clear layer): go straight to the one that draws the next edge of the row.
            let Some(&next_edge) = self.entries.get(self.cursor) else {
                return Ok(());
            };
            i = self.scene.op_toward_edge(next_edge, i);
            if i >= end {
                return Ok(());
            }
            match self.scene.ops()[i] {
                Op::Fill(f) => {
                    i += 1;
                    self.fill_op(f, None, target, x_off);
                }
                Op::Group {
                    opacity,
                    content_end,
                    clip_end,
                    end: group_end,
                    edge_end,
                    blend,
                    bounds,
                } => {
                    let (inner_start, content_end) = (i + 1, content_end as usize);
                    let (clip_end, group_end) = (clip_end as usize, group_end as usize);
                    i = group_end;
                    if let Some(f) = self.lone_solid_fill(inner_start, group_end, blend) {
                        // Drawn as the layer would composite it, without the layer.
                        self.fill_op(f, Some(opacity), target, x_off);
                        continue;
                    }
                    if !bounds.has_row(self.y) {
                        // Its clip path may still have edges on the row.
                        self.skip_edges(edge_end);
                        continue;
                    }
                    // The layer covers the group's columns that the parent row covers.
                    let start = (bounds.col_start as usize).clamp(x_off, x_off + target.len());
                    let end = (bounds.col_end as usize).clamp(start, x_off + target.len());
                    scratch.scope(|inner| {
                        let mut layer = inner.slice_copy(self.scene.blank_row(end - start))?;
                        self.ops(inner, inner_start, content_end, &mut layer, start)?;
                        if content_end < clip_end {
                            self.clip(inner, content_end, &mut layer, start)?;
                        }
                        if clip_end < group_end {
                            self.mask(inner, clip_end, &mut layer, start)?;
                        }
                        // Empty when the group reaches no pixel of this row (its edges here
                        // are all off the canvas); its fills still consume their edges.
                        let under = &mut target[start - x_off..end - x_off];
                        match blend {
                            Blend::Normal => composite_layer(&layer, under, opacity),
                            Blend::Xor => composite_xor(&layer, under),
                            _ => composite_blended(&layer, under, opacity, blend),
                        }
                        Ok(())
                    })?;
                }
                // Clip and mask regions are reached through their group only.
                Op::Clip { end, edge_end, .. } | Op::Mask { end, edge_end, .. } => {
                    i = end as usize;
                    self.skip_edges(edge_end);
                }
            }
        }
        Ok(())
    }

    /// Draws fill `f` onto `target` (a layer row covering pixels from `x_off`) if it has
    /// edges on this row, moving the edge cursor past them; `group_opacity`: the fill is the
    /// only content of a group with that opacity (see [`RowWalker::lone_solid_fill`]).
    /// Inlined: most fills of a scene miss a given row, and the test for that is a few
    /// instructions.
    #[inline(always)]
    fn fill_op(&mut self, f: u32, group_opacity: Option<f32>, target: &mut [Pixel], x_off: usize) {
        let fill = self.scene.fill(f);
        if !fill.bounds().has_row(self.y) {
            return;
        }
        let first = self.cursor;
        self.skip_edges(fill.edges().end);
        if self.cursor == first {
            return;
        }
        let all = self.entries;
        self.fill(fill, group_opacity, &all[first..self.cursor], target, x_off);
    }

    /// The fill of a group whose content (ops `content..end`) is one solid fill, composited
    /// normally without clip or mask. Such a group's layer holds that one path over clear
    /// pixels, so the path can be drawn straight onto the parent with the layer's colours
    /// scaled by the opacity: the same pixels without a layer row to clear, fill and
    /// composite (paths with `opacity` are such groups, and common in icons).
    fn lone_solid_fill(&self, content: usize, end: usize, blend: Blend) -> Option<u32> {
        match self.scene.ops()[content..end] {
            [Op::Fill(f)] if blend == Blend::Normal => {
                matches!(self.scene.fill(f).paint(), PaintRef::Solid(_)).then_some(f)
            }
            _ => None,
        }
    }

    /// Multiplies `layer` (pixels from `x_off`) by the coverage of the clip region at op
    /// `at`, drawn into a coverage row of the same width.
    fn clip<S: Scratch>(
        &mut self,
        scratch: &mut S,
        at: usize,
        layer: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), S::Error> {
        let Op::Clip {
            children_end,
            end,
            edge_end,
            cover,
            ..
        } = self.scene.ops()[at]
        else {
            unreachable!("a clipped group's content is followed by its clip region");
        };
        if !cover.has_row(self.y) {
            // The clip path covers nothing of this row.
            layer.fill(CLEAR);
            self.skip_edges(edge_end);
            return Ok(());
        }
        scratch.scope(|inner| {
            let mut coverage = inner.slice_copy(self.scene.blank_row(layer.len()))?;
            self.ops(inner, at + 1, children_end as usize, &mut coverage, x_off)?;
            if children_end < end {
                // The clip path's own clip path.
                self.clip(inner, children_end as usize, &mut coverage, x_off)?;
            }
            apply_alpha(layer, &coverage);
            Ok(())
        })
    }

    /// Multiplies `layer` (pixels from `x_off`) by the mask region at op `at`: its content
    /// drawn into a row of the same width, clipped to the mask's rectangle, turned into
    /// alpha by luminance or alpha; and by the mask's own mask.
    fn mask<S: Scratch>(
        &mut self,
        scratch: &mut S,
        at: usize,
        layer: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), S::Error> {
        let Op::Mask {
            luminance,
            content_end,
            clip_end,
            end,
            ..
        } = self.scene.ops()[at]
        else {
            unreachable!("a masked group's clip is followed by its mask region");
        };
        let (content_end, clip_end, end) = (content_end as usize, clip_end as usize, end as usize);
        scratch.scope(|inner| {
            let mut mask = inner.slice_copy(self.scene.blank_row(layer.len()))?;
            self.ops(inner, at + 1, content_end, &mut mask, x_off)?;
            self.clip(inner, content_end, &mut mask, x_off)?;
            if luminance {
                luminance_to_alpha(&mut mask);
            }
            apply_alpha(layer, &mask);
            Ok::<(), S::Error>(())
        })?;
        if clip_end < end {
            // The mask's own mask, on the masked content as resvg applies it.
            self.mask(scratch, clip_end, layer, x_off)?;
        }
        Ok(())
    }

    /// Moves the edge cursor past every edge before `edge_end`: those of a region this row
    /// does not draw.
    fn skip_edges(&mut self, edge_end: u32) {
        while self.entries.get(self.cursor).is_some_and(|&e| e < edge_end) {
            self.cursor += 1;
        }
    }

    /// Rasterises one path on this row (its edges of the row are `entries`) and composites
    /// it onto `target`, in the row's kernel scratch.
    fn fill(
        &mut self,
        fill: &FillItem,
        group_opacity: Option<f32>,
        entries: &[u32],
        target: &mut [Pixel],
        x_off: usize,
    ) {
        let active = &mut self.active[..entries.len()];
        for (slot, edge) in active.iter_mut().zip(activate(self.scene, self.y, entries)) {
            *slot = edge;
        }
        // A shaded path's colours for the row, one per coverage cell.
        let colors = match fill.paint() {
            PaintRef::Solid(_) => &mut [][..],
            PaintRef::Shader(_) => {
                debug_assert_eq!(self.colors.len(), self.coverage.cells());
                &mut self.colors[..]
            }
        };
        let mut row = FillRow::new(self.scene, self.tiles, fill, self.y);
        if let Some(opacity) = group_opacity {
            row = row.in_group(opacity);
        }
        row.rasterize(
            active,
            self.crossings,
            self.spans,
            &mut self.coverage,
            colors,
            target,
            x_off,
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::options::RenderOptions;
    use crate::render::Renderer;
    use crate::scene::Scene;

    fn render(svg: &str) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
        Renderer::new(&scene).unwrap().render(1).unwrap().0.data
    }

    #[test]
    fn a_lone_fill_in_a_group_draws_the_pixels_of_the_group_layer() {
        // The same two rectangles, with fractional top and bottom edges (partial coverage),
        // over an opaque background: as one path, the group's only fill (drawn without a
        // layer), and as two paths (drawn into a layer, then composited). The rectangles
        // meet on a pixel boundary, so in the layer no pixel is painted twice.
        let scene = |paths: &str| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12">
                  <rect width="12" height="12" fill="#3a6"/>
                  <g opacity="0.45">{paths}</g></svg>"##
            )
        };
        let style = r##"fill="#c83" fill-opacity="0.7""##;
        let lone = render(&scene(&format!(
            r#"<path d="M1 1.3H5V8.6H1Z M5 2.7H9V10.2H5Z" {style}/>"#
        )));
        let layered = render(&scene(&format!(
            r#"<path d="M1 1.3H5V8.6H1Z" {style}/><path d="M5 2.7H9V10.2H5Z" {style}/>"#
        )));
        assert_eq!(lone, layered);
        // Both drew the group: a pixel inside it differs from the background.
        let background = render(&scene(""));
        assert_ne!(
            lone[(4 * 12 + 3) * 4..][..4],
            background[(4 * 12 + 3) * 4..][..4]
        );
    }
}
