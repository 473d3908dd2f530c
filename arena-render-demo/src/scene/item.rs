//! What the scene draws, in paint order: filled paths and the groups that layer them.

use std::ops::Range;

use crate::pixel::Paint;

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

/// One filled path: a run of edges, a colour and a rule.
///
/// Invariant: `edges` is non-empty; `bounds` holds every pixel its edges can touch.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FillItem {
    edge_start: u32,
    edge_end: u32,
    bounds: PixelBounds,
    /// Premultiplied, opacity applied.
    paint: Paint,
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
        paint: Paint,
        rule: FillRule,
        antialias: bool,
    ) -> FillItem {
        debug_assert!(edges.start < edges.end);
        FillItem {
            edge_start: edges.start,
            edge_end: edges.end,
            bounds,
            paint,
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

    /// The colour, premultiplied, opacity applied.
    #[inline(always)]
    pub(crate) fn paint(&self) -> Paint {
        self.paint
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
#[derive(Clone, Copy, Debug)]
pub(crate) enum Op {
    /// Fill the scene's fill number `0` onto the current layer.
    Fill(u32),
    /// Draw ops `index + 1 .. end` into a fresh layer covering `bounds`' columns and
    /// composite it with `opacity`. Invariant: `end` is past this op and within the op list;
    /// rows outside `bounds` have no edges in the group.
    Group {
        opacity: f32,
        end: u32,
        bounds: PixelBounds,
    },
}
