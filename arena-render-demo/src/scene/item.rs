//! What the scene draws, in paint order: filled paths and the groups that layer them.

use std::ops::Range;

use crate::paint::PaintRef;
use crate::pixel::{Blend, Pixel, to_u8};

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

/// The pixels something can touch: rows `row_start..row_end`, columns
/// `col_start..col_end`. A plain value: any field may change independently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PixelBounds {
    /// First row.
    pub row_start: u32,
    /// One past the last row.
    pub row_end: u32,
    /// First column.
    pub col_start: u32,
    /// One past the last column.
    pub col_end: u32,
}

impl PixelBounds {
    /// Whether row `y` is within the bounds.
    #[inline(always)]
    pub fn has_row(&self, y: u32) -> bool {
        self.row_start <= y && y < self.row_end
    }

    /// The smallest bounds that hold both.
    pub fn union(self, other: PixelBounds) -> PixelBounds {
        PixelBounds {
            row_start: self.row_start.min(other.row_start),
            row_end: self.row_end.max(other.row_end),
            col_start: self.col_start.min(other.col_start),
            col_end: self.col_end.max(other.col_end),
        }
    }
}

/// One filled path: a run of edges, a paint and a rule.
///
/// Invariant: `edges` is non-empty; `bounds` holds every pixel its edges can touch;
/// `solid` is a solid `paint` rounded to RGBA8 by [`to_u8`], and zero for a shader.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FillItem {
    edge_start: u32,
    edge_end: u32,
    bounds: PixelBounds,
    /// Solid colours are premultiplied, opacity applied.
    paint: PaintRef,
    /// A solid paint in RGBA8, rounded once here instead of on every row the path draws.
    solid: Pixel,
    rule: FillRule,
    /// `false` for `shape-rendering="crispEdges"` or `"optimizeSpeed"`: coverage is
    /// thresholded (and the edges were flattened with rows snapped to pixel centres).
    antialias: bool,
}

impl FillItem {
    /// A fill of the edges `edges` (non-empty), which touch only `bounds`.
    pub(crate) fn new(
        edges: Range<u32>,
        bounds: PixelBounds,
        paint: PaintRef,
        rule: FillRule,
        antialias: bool,
    ) -> FillItem {
        debug_assert!(edges.start < edges.end);
        let solid = match paint {
            PaintRef::Solid(color) => color.map(to_u8),
            PaintRef::Shader(_) => [0; 4],
        };
        FillItem {
            edge_start: edges.start,
            edge_end: edges.end,
            bounds,
            paint,
            solid,
            rule,
            antialias,
        }
    }

    /// The scene's edges of this path.
    #[inline(always)]
    pub(crate) fn edges(&self) -> Range<u32> {
        self.edge_start..self.edge_end
    }

    /// The pixels the path can touch.
    #[inline(always)]
    pub(crate) fn bounds(&self) -> PixelBounds {
        self.bounds
    }

    /// The paint.
    #[inline(always)]
    pub(crate) fn paint(&self) -> PaintRef {
        self.paint
    }

    /// A solid paint's colour in RGBA8, each channel rounded by [`to_u8`]; zero for a
    /// shader.
    #[inline(always)]
    pub(crate) fn solid_rgba8(&self) -> Pixel {
        self.solid
    }

    /// The fill rule.
    #[inline(always)]
    pub(crate) fn rule(&self) -> FillRule {
        self.rule
    }

    /// Whether the path's edges are anti-aliased.
    #[inline(always)]
    pub(crate) fn antialias(&self) -> bool {
        self.antialias
    }
}

/// A drawing operation, in paint order.
///
/// Groups and clips are regions of the op list: a header followed by the ops inside it. The
/// fills of a region own one contiguous range of edges, ending before `edge_end`, so a row
/// that skips the region skips exactly those edges.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Op {
    /// Fill the scene's fill number `0` onto the current layer.
    Fill(u32),
    /// Draw ops `index + 1 .. content_end` into a fresh layer covering `bounds`' columns;
    /// if `content_end < clip_end`, ops `content_end..clip_end` are an [`Op::Clip`] region
    /// whose coverage the layer is multiplied by; if `clip_end < end`, ops `clip_end..end`
    /// are an [`Op::Mask`] region the layer is multiplied by; then composite the layer with
    /// `opacity` and `blend`.
    ///
    /// Invariant: `index < content_end <= clip_end <= end`, within the op list; rows
    /// outside `bounds` draw nothing of the group.
    Group {
        opacity: f32,
        content_end: u32,
        clip_end: u32,
        end: u32,
        edge_end: u32,
        blend: Blend,
        bounds: PixelBounds,
    },
    /// A clip path: ops `index + 1 .. children_end` draw its coverage (as alpha) into a
    /// fresh row as wide as the clipped layer; if `children_end < end`, ops
    /// `children_end..end` are another `Op::Clip` region (the clip path's own clip path)
    /// that the coverage is multiplied by. `bounds` are the clipped group's, for the budget;
    /// outside `cover` the clip covers nothing.
    Clip {
        children_end: u32,
        end: u32,
        edge_end: u32,
        bounds: PixelBounds,
        cover: PixelBounds,
    },
    /// A mask: ops `index + 1 .. content_end` draw the mask's content into a fresh row as
    /// wide as the masked layer, ops `content_end..clip_end` are the [`Op::Clip`] region of
    /// the mask's rectangle, which the row is multiplied by; the row's luminance (or alpha
    /// unless `luminance`) then multiplies the layer. If `clip_end < end`, ops
    /// `clip_end..end` are another `Op::Mask` region (the mask's own mask), which multiplies
    /// the layer too. `bounds` are the masked group's, for the budget.
    Mask {
        luminance: bool,
        content_end: u32,
        clip_end: u32,
        end: u32,
        edge_end: u32,
        bounds: PixelBounds,
    },
}
