//! What the workloads allocate. Every object is written whole, as a renderer would write
//! it, while a line's checksum reads one field; the fields are public so that the unread
//! ones are part of this crate's interface rather than dead code.

/// An object of the single-struct workloads (`s16`, `s48`): written whole from its index in
/// the line and the line's seed, read back by its id.
pub trait Object: Copy {
    /// The `i`-th object of the line with this `seed`.
    fn make(i: u32, seed: u32) -> Self;
    /// The field a line's checksum sums.
    fn id(&self) -> u32;
}

/// 16 bytes: a crossing as a scan converter records it (workload `s16`).
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Obj16 {
    /// Column of the crossing.
    pub x: u32,
    /// The line.
    pub y: u32,
    /// +1 or -1 by the edge's direction.
    pub winding: i32,
    /// What the checksum sums.
    pub id: u32,
}

/// 48 bytes: an active edge (workload `s48`).
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Obj48 {
    /// Start point, x.
    pub x0: u32,
    /// Start point, y.
    pub y0: u32,
    /// End point, x.
    pub x1: u32,
    /// End point, y.
    pub y1: u32,
    /// Step in x per line.
    pub dxdy: u32,
    /// Step in y per column.
    pub dydx: u32,
    /// First line the edge covers.
    pub ymin: u32,
    /// Last line the edge covers.
    pub ymax: u32,
    /// Coverage carried to the next columns.
    pub cover: [u32; 3],
    /// What the checksum sums.
    pub id: u32,
}

impl Object for Obj16 {
    #[inline(always)]
    fn make(i: u32, seed: u32) -> Self {
        Obj16 {
            x: i,
            y: seed,
            winding: 1,
            id: i ^ seed,
        }
    }
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
}

impl Object for Obj48 {
    #[inline(always)]
    fn make(i: u32, seed: u32) -> Self {
        Obj48 {
            y0: seed,
            id: i,
            ..EDGE
        }
    }
    #[inline(always)]
    fn id(&self) -> u32 {
        self.id
    }
}

/// The edge every `s48` object starts from, before its line and id are filled in.
const EDGE: Obj48 = Obj48 {
    x0: 1,
    y0: 2,
    x1: 3,
    y1: 4,
    dxdy: 5,
    dydx: 6,
    ymin: 7,
    ymax: 8,
    cover: [9, 10, 11],
    id: 0,
};

/// 8 bytes: the crossing of the `mixed` workload.
#[derive(Clone, Copy)]
pub struct Crossing {
    /// Column of the crossing.
    pub x: f32,
    /// Winding of the edge; the checksum reads it through the span.
    pub winding: i32,
}

impl Crossing {
    /// The `i`-th crossing of the line with this `seed`.
    #[inline(always)]
    pub fn make(i: u32, seed: u32) -> Self {
        Crossing {
            x: i as f32,
            winding: seed as i32,
        }
    }
}

/// 32 bytes: a span that points at its crossing and coverage, as a renderer links them
/// (`mixed`).
#[derive(Clone, Copy)]
pub struct Span<'a> {
    /// The crossing that opened the span.
    pub crossing: &'a Crossing,
    /// The span's coverage row, copied into the line.
    pub cover: &'a [f32],
    /// First column.
    pub x0: u32,
    /// Column after the last.
    pub x1: u32,
}

impl<'a> Span<'a> {
    /// The `i`-th span of the line with this `seed`, linked to its crossing and coverage.
    #[inline(always)]
    pub fn link(i: u32, seed: u32, crossing: &'a Crossing, cover: &'a [f32]) -> Self {
        Span {
            crossing,
            cover,
            x0: i,
            x1: i + seed,
        }
    }

    /// What a `mixed` line's checksum sums: one value read through each of the span's links.
    #[inline(always)]
    pub fn checksum(&self) -> u32 {
        self.x1 ^ self.crossing.winding as u32 ^ self.cover.len() as u32
    }
}

/// The `Box::new` counterpart of [`Span`]: owns what the span points at.
pub struct BoxedSpan {
    /// The crossing that opened the span.
    pub crossing: Box<Crossing>,
    /// The span's coverage row.
    pub cover: Box<[f32]>,
    /// First column.
    pub x0: u32,
    /// Column after the last.
    pub x1: u32,
}

/// The reused-`Vec` counterpart of [`Span`]: refers to its crossing and coverage by index.
#[derive(Clone, Copy)]
pub struct IndexedSpan {
    /// Index of the crossing.
    pub crossing: u32,
    /// Index of the first coverage value.
    pub cover_start: u32,
    /// Number of coverage values.
    pub cover_len: u32,
    /// First column.
    pub x0: u32,
    /// Column after the last.
    pub x1: u32,
}

/// What the `s16` and `s48` lines of the owning variants (`Box`, `Vec`) return: the sum of
/// their objects' ids.
#[inline(always)]
pub(crate) fn sum_ids<'a, T: Object + 'a>(objects: impl Iterator<Item = &'a T>) -> u32 {
    objects.fold(0u32, |acc, o| acc.wrapping_add(o.id()))
}

/// Words per copied slice in the `slice` workload.
pub const SLICE_LEN: usize = 32;
/// Floats per coverage slice in the `mixed` workload.
pub const COVER_LEN: usize = 4;

/// The sources copied by the slice workloads; held in `Vec`s so their length is a run-time
/// value, as it is in a renderer.
pub(crate) struct Sources {
    pub(crate) words: Vec<u32>,
    pub(crate) cover: Vec<f32>,
}

impl Sources {
    pub(crate) fn new() -> Self {
        Sources {
            words: (0..SLICE_LEN as u32).collect(),
            cover: (0..COVER_LEN).map(|i| i as f32 * 0.25).collect(),
        }
    }
}
