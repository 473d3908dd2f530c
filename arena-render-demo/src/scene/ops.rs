//! The op list under construction: fills and their edges, shaders, and the headers of the
//! regions (groups, clips, masks) that the usvg walk opens and closes.

use tiny_skia_path::Path;

use super::flatten::{Edge, Flattener};
use super::item::{FillItem, FillRule, Op, PixelBounds};
use crate::paint::{PaintRef, Shader};
use crate::pixel::Blend;

/// Where a region began: its header's op index and the first fill after it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegionStart {
    header: usize,
    first_fill: usize,
}

/// Where some ops ended: the op and fill counts at that point.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    op: usize,
    fill: usize,
}

/// Fills, shaders and ops in paint order.
///
/// Invariant: every `Op::Fill` names a fill, and the fills own consecutive, ascending ranges
/// of the flattener's edges; a header whose region is still open holds placeholder values.
pub(crate) struct OpList {
    flattener: Flattener,
    fills: Vec<FillItem>,
    shaders: Vec<Shader>,
    ops: Vec<Op>,
}

impl OpList {
    /// An empty list for a `width` x `height` canvas sampled at `sub_scanlines` per row.
    pub(crate) fn new(width: u32, height: u32, sub_scanlines: u32) -> OpList {
        OpList {
            flattener: Flattener::new(width, height, sub_scanlines),
            fills: Vec::new(),
            shaders: Vec::new(),
            ops: Vec::new(),
        }
    }

    /// The edges, fills, shaders and ops.
    pub(crate) fn into_parts(self) -> (Vec<Edge>, Vec<FillItem>, Vec<Shader>, Vec<Op>) {
        (
            self.flattener.into_edges(),
            self.fills,
            self.shaders,
            self.ops,
        )
    }

    /// Flattens a device-space path into edges and records it as one fill (nothing if it
    /// crosses no sub-scanline).
    pub(crate) fn add_fill(&mut self, path: &Path, paint: PaintRef, rule: FillRule) {
        if let Some((edges, bounds)) = self.flattener.add_path(path) {
            self.fills.push(FillItem::new(edges, bounds, paint, rule));
            self.ops.push(Op::Fill(self.fills.len() as u32 - 1));
        }
    }

    /// Keeps a shader; returns the paint that names it.
    pub(crate) fn add_shader(&mut self, shader: Shader) -> PaintRef {
        self.shaders.push(shader);
        PaintRef::Shader(self.shaders.len() as u32 - 1)
    }

    /// The current end of the ops and fills.
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            op: self.ops.len(),
            fill: self.fills.len(),
        }
    }

    /// The union of the bounds of the fills of a region from its start to `end` (to now
    /// when `None`); `None` if it has no fill.
    pub(crate) fn bounds(&self, start: RegionStart, end: Option<Mark>) -> Option<PixelBounds> {
        let end = end.map_or(self.fills.len(), |m| m.fill);
        self.fills[start.first_fill..end]
            .iter()
            .map(FillItem::bounds)
            .reduce(PixelBounds::union)
    }

    /// Opens a group region (its header is filled in by [`OpList::close_group`]).
    pub(crate) fn open_group(&mut self) -> RegionStart {
        self.open(Op::Group {
            opacity: 1.0,
            content_end: 0,
            clip_end: 0,
            end: 0,
            edge_end: 0,
            blend: Blend::Normal,
            bounds: PixelBounds::default(),
        })
    }

    /// Drops an open region that drew nothing: its header and everything after it. Only
    /// sound before the region added any edge.
    pub(crate) fn drop_region(&mut self, start: RegionStart) {
        debug_assert_eq!(start.first_fill, self.fills.len(), "the region has no fill");
        self.ops.truncate(start.header);
    }

    /// Closes a group region whose content ends at `content` and its clip region at `clip`.
    pub(crate) fn close_group(
        &mut self,
        start: RegionStart,
        (content, clip): (Mark, Mark),
        opacity: f32,
        blend: Blend,
        bounds: PixelBounds,
    ) {
        self.ops[start.header] = Op::Group {
            opacity,
            content_end: content.op as u32,
            clip_end: clip.op as u32,
            end: self.ops.len() as u32,
            edge_end: self.flattener.edge_count() as u32,
            blend,
            bounds,
        };
    }

    /// Opens a clip region for a group with `bounds`.
    pub(crate) fn open_clip(&mut self, bounds: PixelBounds) -> RegionStart {
        self.open(Op::Clip {
            children_end: 0,
            end: 0,
            edge_end: 0,
            bounds,
            cover: PixelBounds::default(),
        })
    }

    /// Closes a clip region whose children end at `children`.
    pub(crate) fn close_clip(&mut self, start: RegionStart, children: Mark) {
        let Op::Clip { bounds, .. } = self.ops[start.header] else {
            unreachable!("open_clip pushed a clip header");
        };
        // What the children cover (its own clip path only takes away).
        let cover = self.bounds(start, Some(children)).unwrap_or_default();
        self.ops[start.header] = Op::Clip {
            children_end: children.op as u32,
            end: self.ops.len() as u32,
            edge_end: self.flattener.edge_count() as u32,
            bounds,
            cover,
        };
    }

    /// Opens a mask region for a group with `bounds`.
    pub(crate) fn open_mask(&mut self, bounds: PixelBounds, luminance: bool) -> RegionStart {
        self.open(Op::Mask {
            luminance,
            content_end: 0,
            clip_end: 0,
            end: 0,
            edge_end: 0,
            bounds,
        })
    }

    /// Closes a mask region whose content ends at `content` and its rectangle's clip region
    /// at `clip`.
    pub(crate) fn close_mask(&mut self, start: RegionStart, (content, clip): (Mark, Mark)) {
        let Op::Mask {
            luminance, bounds, ..
        } = self.ops[start.header]
        else {
            unreachable!("open_mask pushed a mask header");
        };
        self.ops[start.header] = Op::Mask {
            luminance,
            content_end: content.op as u32,
            clip_end: clip.op as u32,
            end: self.ops.len() as u32,
            edge_end: self.flattener.edge_count() as u32,
            bounds,
        };
    }

    fn open(&mut self, header: Op) -> RegionStart {
        self.ops.push(header);
        RegionStart {
            header: self.ops.len() - 1,
            first_fill: self.fills.len(),
        }
    }
}
