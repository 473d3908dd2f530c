//! The row walker: draws a scene's ops onto one pixel row, in paint order, taking every
//! temporary from a [`Scratch`].
//!
//! For each path that touches the row, the walker copies the path's edges that touch the
//! row into scratch memory (the active edges) and hands them to the kernel; a group with
//! opacity gets a layer row of its own, composited onto its parent when the group ends. The
//! base layer is the output row itself. A path's scratch and a group's layer live in a
//! [`Scratch::scope`], so they are released as soon as they are done with. A row only
//! touches the pixels its edges can reach, so a sparse image costs what it draws.
//!
//! The walker is generic over where its scratch comes from: the renderer passes a line of
//! the arena, the benchmark baseline (`crate::baseline`) passes fresh `Vec`s, and both run
//! this same code.

use std::ops::DerefMut;

use arena_core::{ArenaFull, Line};

use super::kernel::{
    CoverageRow, Crossing, FillRow, Span, activate, most_crossings, touched_words,
};
use crate::paint::PaintRef;
use crate::pixel::{Pixel, composite_layer};
use crate::scene::{FillItem, Op, Scene};

/// Where a row's scratch memory comes from: slices that live until the enclosing scope
/// ends, and nested scopes that release what they took.
pub trait Scratch {
    /// What running out of scratch memory reports.
    type Error;
    /// A slice of scratch memory holding `T`s.
    type Slice<T: Copy + 'static>: DerefMut<Target = [T]>;
    /// The scratch of a nested scope.
    type Scope<'s>: Scratch<Error = Self::Error>;

    /// A copy of `src`.
    fn slice_copy<T: Copy + 'static>(&self, src: &[T]) -> Result<Self::Slice<T>, Self::Error>;

    /// `len` copies of `value`.
    fn slice_fill<T: Copy + 'static>(
        &self,
        len: usize,
        value: T,
    ) -> Result<Self::Slice<T>, Self::Error>;

    /// The items of `iter`, in order.
    fn slice_from_iter<T: Copy + 'static, I: ExactSizeIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<Self::Slice<T>, Self::Error>;

    /// Runs `f` in a nested scope: what it takes is released when it returns.
    fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut Self::Scope<'s>) -> R) -> R;
}

/// A line of the arena: the renderer's scratch. A scope is a [`Line::scope`].
impl<'a> Scratch for Line<'a> {
    type Error = ArenaFull;
    type Slice<T: Copy + 'static> = &'a mut [T];
    type Scope<'s> = Line<'s>;

    #[inline(always)]
    fn slice_copy<T: Copy + 'static>(&self, src: &[T]) -> Result<&'a mut [T], ArenaFull> {
        self.try_alloc_slice_copy(src)
    }

    #[inline(always)]
    fn slice_fill<T: Copy + 'static>(
        &self,
        len: usize,
        value: T,
    ) -> Result<&'a mut [T], ArenaFull> {
        self.try_alloc_slice_fill_copy(len, value)
    }

    #[inline(always)]
    fn slice_from_iter<T: Copy + 'static, I: ExactSizeIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<&'a mut [T], ArenaFull> {
        self.try_alloc_slice_fill_iter(iter)
    }

    #[inline(always)]
    fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut Line<'s>) -> R) -> R {
        Line::scope(self, f)
    }
}

/// Draws row `y` of `scene` into `out` (premultiplied RGBA8, `4 * width` bytes), with every
/// temporary from `scratch`; `out_is_clear` promises that `out` is all zero.
///
/// # Panics
///
/// If `y >= height` or `out` is not exactly one row long.
pub(crate) fn draw_row<S: Scratch>(
    scene: &Scene,
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
    let entries = scene.row_edges(y);
    let mut walker = RowWalker {
        scene,
        y,
        entries,
        cursor: 0,
        coverage: CoverageRow::new(&mut steps, &mut touched, c0, span),
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
/// `coverage` entry is zero between fills.
struct RowWalker<'s, 'c> {
    scene: &'s Scene,
    y: u32,
    entries: &'s [u32],
    cursor: usize,
    coverage: CoverageRow<'c>,
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
            match self.scene.ops()[i] {
                Op::Fill(f) => {
                    i += 1;
                    let fill = self.scene.fill(f);
                    if !fill.bounds().has_row(self.y) {
                        continue;
                    }
                    let first = self.cursor;
                    let edge_end = fill.edges().end;
                    while self.entries.get(self.cursor).is_some_and(|&e| e < edge_end) {
                        self.cursor += 1;
                    }
                    if self.cursor == first {
                        continue;
                    }
                    let all = self.entries;
                    let entries = &all[first..self.cursor];
                    scratch.scope(|inner| self.fill(inner, fill, entries, target, x_off))?;
                }
                Op::Group {
                    opacity,
                    end: group_end,
                    bounds,
                } => {
                    let (inner_start, group_end) = (i + 1, group_end as usize);
                    i = group_end;
                    if !bounds.has_row(self.y) {
                        continue;
                    }
                    // The layer covers the group's columns that the parent row covers.
                    let start = (bounds.col_start as usize).clamp(x_off, x_off + target.len());
                    let end = (bounds.col_end as usize).clamp(start, x_off + target.len());
                    scratch.scope(|inner| {
                        let mut layer = inner.slice_copy(self.scene.blank_row(end - start))?;
                        self.ops(inner, inner_start, group_end, &mut layer, start)?;
                        // Empty when the group reaches no pixel of this row (its edges here
                        // are all off the canvas); its fills still consume their edges.
                        composite_layer(&layer, &mut target[start - x_off..end - x_off], opacity);
                        Ok(())
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Rasterises one path on this row and composites it onto `target`, with its scratch
    /// (active edges, crossings, spans) in `scratch`.
    fn fill<S: Scratch>(
        &mut self,
        scratch: &mut S,
        fill: &FillItem,
        entries: &[u32],
        target: &mut [Pixel],
        x_off: usize,
    ) -> Result<(), S::Error> {
        let active = scratch.slice_from_iter(activate(self.scene, self.y, entries))?;
        let most = most_crossings(&active, self.scene.sub_scanlines());
        let mut crossings = scratch.slice_fill(most, Crossing::default())?;
        let mut spans = scratch.slice_fill(most / 2, Span::default())?;
        // A shaded path's colours for the row, one per coverage cell.
        let mut colors = match fill.paint() {
            PaintRef::Solid(_) => None,
            PaintRef::Shader(_) => {
                Some(scratch.slice_copy(self.scene.blank_row(self.coverage.cells()))?)
            }
        };
        let row = FillRow::new(self.scene, fill, self.y);
        row.rasterize(
            &active,
            &mut crossings,
            &mut spans,
            &mut self.coverage,
            colors.as_deref_mut().unwrap_or_default(),
            target,
            x_off,
        );
        Ok(())
    }
}
