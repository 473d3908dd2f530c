//! The row walker: draws a scene's ops onto one pixel row, in paint order.
//!
//! For each path that touches the row, the walker hands the kernel that path's run of the
//! row's active edges (activated once for the whole row, in the row index's order); a group
//! with opacity gets a layer row of its own, composited onto its parent when the group ends;
//! a clip path or a mask is drawn into a row of its own and multiplied into the group's
//! layer. A layer lives in a [`Scratch::scope`], so it is released as soon as the group is
//! drawn.

use std::ops::Range;

use super::Scratch;
use super::coverage::CoverageRow;
use super::crossing::{ActiveEdge, Crossing};
use super::kernel::FillRow;
use crate::paint::{PaintRef, Tile};
use crate::pixel::{
    Blend, CLEAR, Pixel, apply_alpha, composite_blended, composite_layer, composite_xor,
    luminance_to_alpha,
};
use crate::scene::{FillItem, Op, Scene};

/// The kernel's scratch for one row, reused by every path on it: a plain bundle of slices.
/// `active` holds the row's edges as active edges, one per entry of the row index's list
/// and in its order (a path's run may be reordered once that path is drawn); the other
/// slices' contents mean nothing between paths: `crossings` has room for the most crossings
/// of any path on one sub-scanline; `colors` is as long as the
/// row's coverage has cells if some path of the scene is shaded, else empty.
pub(super) struct KernelScratch<'c> {
    /// The row's active edges.
    pub(super) active: &'c mut [ActiveEdge],
    /// Room for one sub-scanline's crossings.
    pub(super) crossings: &'c mut [Crossing],
    /// Room for a shaded path's colours, one per coverage cell.
    pub(super) colors: &'c mut [Pixel],
}

/// The state of one row while its ops are drawn.
///
/// Invariant: `entries[..cursor]` are the row's edges of the fills drawn so far; every
/// `coverage` entry is zero between fills; `kernel` is as [`KernelScratch`] describes, for
/// this row.
pub(super) struct RowWalker<'s, 'c> {
    scene: &'s Scene,
    tiles: &'s [Tile],
    y: u32,
    entries: &'s [u32],
    cursor: usize,
    coverage: CoverageRow<'c>,
    kernel: KernelScratch<'c>,
}

impl<'s, 'c> RowWalker<'s, 'c> {
    /// A walker for row `y` of `scene` (whose pattern tiles are `tiles`), whose edges are
    /// `entries` (the row index's list), with the row's coverage row and kernel scratch.
    pub(super) fn new(
        scene: &'s Scene,
        tiles: &'s [Tile],
        y: u32,
        entries: &'s [u32],
        coverage: CoverageRow<'c>,
        kernel: KernelScratch<'c>,
    ) -> RowWalker<'s, 'c> {
        debug_assert_eq!(entries, scene.row_edges(y));
        debug_assert_eq!(kernel.active.len(), entries.len());
        RowWalker {
            scene,
            tiles,
            y,
            entries,
            cursor: 0,
            coverage,
            kernel,
        }
    }

    /// Draws every op of the scene onto `base`, the row's pixels from `x_off`, with group
    /// layers from `scratch`.
    pub(super) fn draw<S: Scratch>(
        mut self,
        scratch: &mut S,
        base: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), S::Error> {
        self.ops(scratch, 0, self.scene.ops().len(), base, x_off)?;
        debug_assert_eq!(
            self.cursor,
            self.entries.len(),
            "every edge of the row was drawn"
        );
        Ok(())
    }
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
                        let mut layer = inner.slice_fill(end - start, CLEAR)?;
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
        self.fill(fill, group_opacity, first..self.cursor, target, x_off);
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
            let mut coverage = inner.slice_fill(layer.len(), CLEAR)?;
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
            let mut mask = inner.slice_fill(layer.len(), CLEAR)?;
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

    /// Rasterises one path on this row (its edges of the row are `edges`, positions in the
    /// row's list) and composites it onto `target`, in the row's kernel scratch.
    fn fill(
        &mut self,
        fill: &FillItem,
        group_opacity: Option<f32>,
        edges: Range<usize>,
        target: &mut [Pixel],
        x_off: usize,
    ) {
        let active = &mut self.kernel.active[edges];
        // A shaded path's colours for the row, one per coverage cell.
        let colors = match fill.paint() {
            PaintRef::Solid(_) => &mut [][..],
            PaintRef::Shader(_) => {
                debug_assert_eq!(self.kernel.colors.len(), self.coverage.cells());
                &mut self.kernel.colors[..]
            }
        };
        let mut row = FillRow::new(self.scene, self.tiles, fill, self.y);
        if let Some(opacity) = group_opacity {
            row = row.in_group(opacity);
        }
        row.rasterize(
            active,
            self.kernel.crossings,
            &mut self.coverage,
            colors,
            target,
            x_off,
        );
    }
}
