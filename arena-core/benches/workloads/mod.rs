//! The per-line workloads and allocator variants shared by `benches/alloc.rs` (criterion,
//! wall-clock) and `examples/icount.rs` (callgrind, instruction counts).
//!
//! One line of a workload: begin a line (reset), allocate `K` objects, write them, keep a
//! pointer to each, then sum a field through the kept pointers. Every variant does the same
//! work; only the allocator differs. Variants that cannot keep arena pointers do the closest
//! idiomatic thing (a reused `Vec` indexes its own elements, `Box::new` keeps its boxes).
//!
//! Both front ends drive the same code through [`Runner`], so the two measurements cannot
//! drift apart.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::{align_of, size_of};
use std::ptr::{self, NonNull};

use arena_core::{ScanArena, StaticArena};

/// Bytes of line buffer every arena variant gets: room for the largest workload line
/// (1024 copied 32 x u32 slices = 128 KiB) with slack for allocators that pad differently.
pub(crate) const CAP: usize = 256 * 1024;

/// The workloads, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Workload {
    /// A 16-byte struct per object.
    S16,
    /// A 48-byte struct per object.
    S48,
    /// A copied 32 x u32 slice (128 bytes) per object.
    Slice,
    /// A render-like group per object: an 8-byte crossing, a copied 4 x f32 coverage slice,
    /// and a 32-byte span that points at both (three allocations).
    Mixed,
    /// `line()` alone: begin and end a line with nothing allocated (`K` is ignored).
    Empty,
}

impl Workload {
    pub(crate) const ALL: [Workload; 5] = [
        Workload::S16,
        Workload::S48,
        Workload::Slice,
        Workload::Mixed,
        Workload::Empty,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Workload::S16 => "s16",
            Workload::S48 => "s48",
            Workload::Slice => "slice",
            Workload::Mixed => "mixed",
            Workload::Empty => "line",
        }
    }
}

/// A front end: criterion registers `per_line` as a benchmark; the instruction counter runs
/// it in a loop under callgrind when `variant` is the one asked for.
pub(crate) trait Runner {
    /// Measures `per_line(seed)`, one call per line; the seed varies so nothing is folded.
    fn run(&mut self, variant: &str, per_line: impl FnMut(u32) -> u32);
}

// ------------------------------------------------------------------------------------------
// Objects.

/// 16 bytes: a crossing as a scan converter records it.
#[derive(Clone, Copy)]
#[repr(C)]
#[allow(
    dead_code,
    reason = "written whole, as a renderer would; the sum reads one field"
)]
pub(crate) struct Obj16 {
    x: u32,
    y: u32,
    winding: i32,
    id: u32,
}

/// 48 bytes: an active edge.
#[derive(Clone, Copy)]
#[repr(C)]
#[allow(
    dead_code,
    reason = "written whole, as a renderer would; the sum reads one field"
)]
pub(crate) struct Obj48 {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
    dxdy: u32,
    dydx: u32,
    ymin: u32,
    ymax: u32,
    cover: [u32; 3],
    id: u32,
}

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

/// 8 bytes: the crossing of the mixed workload.
#[derive(Clone, Copy)]
#[allow(
    dead_code,
    reason = "written whole, as a renderer would; the sum reads one field"
)]
pub(crate) struct Crossing {
    x: f32,
    winding: i32,
}

/// 32 bytes: a span that points at its crossing and coverage, as a renderer links them.
#[derive(Clone, Copy)]
#[allow(
    dead_code,
    reason = "written whole, as a renderer would; the sum reads one field"
)]
pub(crate) struct Span<'a> {
    crossing: &'a Crossing,
    cover: &'a [f32],
    x0: u32,
    x1: u32,
}

/// Words per copied slice in the slice workload.
pub(crate) const SLICE_LEN: usize = 32;
/// Floats per coverage slice in the mixed workload.
const COVER_LEN: usize = 4;

/// The sources copied by the slice workloads; held in `Vec`s so their length is a run-time
/// value, as it is in a renderer.
pub(crate) struct Sources {
    words: Vec<u32>,
    cover: Vec<f32>,
}

impl Sources {
    pub(crate) fn new() -> Self {
        Sources {
            words: (0..SLICE_LEN as u32).collect(),
            cover: (0..COVER_LEN).map(|i| i as f32 * 0.25).collect(),
        }
    }
}

// ------------------------------------------------------------------------------------------
// The bump allocators, behind one interface.

/// A bump allocator with a per-line reset.
pub(crate) trait LineArena {
    type Line<'a>: LineAlloc<'a>
    where
        Self: 'a;
    /// Releases everything and begins a line.
    fn line(&mut self) -> Self::Line<'_>;
}

/// One line's allocation interface.
pub(crate) trait LineAlloc<'a> {
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T;
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T];
}

impl LineArena for ScanArena {
    type Line<'a> = arena_core::Line<'a>;
    #[inline(always)]
    fn line(&mut self) -> arena_core::Line<'_> {
        ScanArena::line(self)
    }
}

impl<const N: usize> LineArena for StaticArena<N> {
    type Line<'a> = arena_core::Line<'a>;
    #[inline(always)]
    fn line(&mut self) -> arena_core::Line<'_> {
        StaticArena::line(self)
    }
}

impl<'a> LineAlloc<'a> for arena_core::Line<'a> {
    #[inline(always)]
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
        arena_core::Line::alloc(self, value)
    }
    #[inline(always)]
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        arena_core::Line::alloc_slice_copy(self, src)
    }
}

impl LineArena for bumpalo::Bump {
    type Line<'a> = &'a bumpalo::Bump;
    #[inline(always)]
    fn line(&mut self) -> &bumpalo::Bump {
        self.reset();
        self
    }
}

impl<'a> LineAlloc<'a> for &'a bumpalo::Bump {
    #[inline(always)]
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
        bumpalo::Bump::alloc(self, value)
    }
    #[inline(always)]
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        bumpalo::Bump::alloc_slice_copy(self, src)
    }
}

impl LineArena for bump_scope::Bump {
    type Line<'a> = &'a bump_scope::Bump;
    #[inline(always)]
    fn line(&mut self) -> &bump_scope::Bump {
        self.reset();
        self
    }
}

impl<'a> LineAlloc<'a> for &'a bump_scope::Bump {
    #[inline(always)]
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
        bump_scope::Bump::alloc(self, value).into_mut()
    }
    #[inline(always)]
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        bump_scope::Bump::alloc_slice_copy(self, src).into_mut()
    }
}

impl LineArena for blink_alloc::Blink {
    type Line<'a> = &'a blink_alloc::Blink;
    #[inline(always)]
    fn line(&mut self) -> &blink_alloc::Blink {
        self.reset();
        self
    }
}

impl<'a> LineAlloc<'a> for &'a blink_alloc::Blink {
    #[inline(always)]
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
        blink_alloc::Blink::put_no_drop(self, value)
    }
    #[inline(always)]
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        blink_alloc::Blink::copy_slice(self, src)
    }
}

/// The physical limit: a bump over a fixed buffer as one would write it by hand. One
/// capacity check per allocation, 16-byte granules (the same rounding as arena-core), a
/// line that is just a cursor, no statistics, a failure path that only panics.
pub(crate) struct MinimalBump {
    buf: Box<[Granule]>,
}

#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Granule([u8; 16]);

impl MinimalBump {
    pub(crate) fn new(bytes: usize) -> Self {
        MinimalBump {
            buf: vec![Granule([0; 16]); bytes / 16].into_boxed_slice(),
        }
    }
}

/// The cursor of one line of a [`MinimalBump`].
pub(crate) struct MinimalLine<'a> {
    base: NonNull<u8>,
    cap: usize,
    pos: Cell<usize>,
    _buf: PhantomData<&'a mut [Granule]>,
}

impl LineArena for MinimalBump {
    type Line<'a> = MinimalLine<'a>;
    #[inline(always)]
    fn line(&mut self) -> MinimalLine<'_> {
        MinimalLine {
            cap: self.buf.len() * 16,
            base: NonNull::from(&mut *self.buf).cast(),
            pos: Cell::new(0),
            _buf: PhantomData,
        }
    }
}

#[cold]
#[inline(never)]
fn minimal_full() -> ! {
    panic!("minimal bump: line buffer full")
}

impl MinimalLine<'_> {
    /// `size` must be the size of a real value or slice (so at most `isize::MAX`) and
    /// `align` at most 16.
    #[inline(always)]
    fn bump(&self, size: usize, align: usize) -> NonNull<u8> {
        assert!(
            align <= 16,
            "the minimal bump only serves alignments up to 16"
        );
        let pos = self.pos.get();
        let rounded = (size + 15) & !15;
        if rounded > self.cap - pos {
            minimal_full();
        }
        self.pos.set(pos + rounded);
        // SAFETY: `pos + rounded <= cap`, the length of the buffer `base` points to.
        unsafe { self.base.add(pos) }
    }
}

impl<'a> LineAlloc<'a> for MinimalLine<'a> {
    #[inline(always)]
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
        let ptr = self.bump(size_of::<T>(), align_of::<T>()).cast::<T>();
        // SAFETY: `ptr` is 16-aligned (granule buffer, granule offsets), so aligned for `T`
        // (align <= 16 checked in `bump`), and valid for `size_of::<T>()` bytes.
        unsafe { ptr.write(value) };
        // SAFETY: initialised just above; the bytes belong to this line alone until the
        // buffer is borrowed for the next line, which `'a` prevents.
        unsafe { &mut *ptr.as_ptr() }
    }
    #[inline(always)]
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        let ptr = self.bump(size_of_val(src), align_of::<T>()).cast::<T>();
        // SAFETY: `ptr` is aligned and valid for `src.len()` values, fresh memory that
        // cannot overlap `src`.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), ptr.as_ptr(), src.len()) };
        // SAFETY: all `src.len()` values were initialised above; ours alone for `'a`.
        unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr(), src.len()) }
    }
}

// ------------------------------------------------------------------------------------------
// Kept pointers.

/// One pointer slot per object of a line, allocated once. Raw pointers because the slots
/// outlive every line; they are only read back within the line that wrote them.
pub(crate) struct Keep<T> {
    slots: Vec<*const T>,
}

impl<T> Keep<T> {
    pub(crate) fn new(k: usize) -> Self {
        Keep {
            slots: vec![ptr::null(); k],
        }
    }

    /// Sums `field` over the objects the slots point to.
    ///
    /// # Safety
    ///
    /// Every slot points to a live, initialised `T` (all written during the current line).
    #[inline(always)]
    unsafe fn sum(&self, field: impl Fn(&T) -> u32) -> u32 {
        self.slots.iter().fold(0u32, |acc, &p| {
            // SAFETY: the caller promises every slot points to a live `T`.
            acc.wrapping_add(field(unsafe { &*p }))
        })
    }
}

/// The mixed workload keeps its spans; their lifetime is the line, erased while kept.
type SpanSlot = Span<'static>;

// ------------------------------------------------------------------------------------------
// One line of each workload, for any `LineArena`.

#[inline(always)]
fn s16_line<A: LineArena>(arena: &mut A, keep: &mut Keep<Obj16>, seed: u32) -> u32 {
    let line = arena.line();
    for (i, slot) in keep.slots.iter_mut().enumerate() {
        let i = i as u32;
        let obj = line.alloc(Obj16 {
            x: i,
            y: seed,
            winding: 1,
            id: i ^ seed,
        });
        *slot = ptr::from_ref(obj);
    }
    // SAFETY: the loop pointed every slot at an object of `line`, which is still alive.
    unsafe { keep.sum(|o| o.id) }
}

#[inline(always)]
fn s48_line<A: LineArena>(arena: &mut A, keep: &mut Keep<Obj48>, seed: u32) -> u32 {
    let line = arena.line();
    for (i, slot) in keep.slots.iter_mut().enumerate() {
        let i = i as u32;
        let obj = line.alloc(Obj48 {
            y0: seed,
            id: i,
            ..EDGE
        });
        *slot = ptr::from_ref(obj);
    }
    // SAFETY: the loop pointed every slot at an object of `line`, which is still alive.
    unsafe { keep.sum(|o| o.id) }
}

#[inline(always)]
fn slice_line<A: LineArena>(arena: &mut A, keep: &mut Keep<u32>, src: &[u32], seed: u32) -> u32 {
    let line = arena.line();
    for slot in &mut keep.slots {
        let copy = line.alloc_slice_copy(src);
        copy[0] = seed;
        *slot = copy.as_ptr();
    }
    // SAFETY: the loop pointed every slot at a slice of `line`, which is still alive.
    unsafe { keep.sum(|&w| w) }
}

#[inline(always)]
fn mixed_line<A: LineArena>(
    arena: &mut A,
    keep: &mut Keep<SpanSlot>,
    cover: &[f32],
    seed: u32,
) -> u32 {
    let line = arena.line();
    for (i, slot) in keep.slots.iter_mut().enumerate() {
        let i = i as u32;
        let crossing = line.alloc(Crossing {
            x: i as f32,
            winding: seed as i32,
        });
        let cover = line.alloc_slice_copy(cover);
        let span = line.alloc(Span {
            crossing,
            cover,
            x0: i,
            x1: i + seed,
        });
        *slot = ptr::from_ref(span).cast::<SpanSlot>();
    }
    // SAFETY: the loop pointed every slot at a span of `line`, which is still alive; the
    // erased lifetime is never relied on beyond it.
    unsafe { keep.sum(|s| s.x1 ^ s.crossing.winding as u32 ^ s.cover.len() as u32) }
}

#[inline(always)]
fn empty_line<A: LineArena>(arena: &mut A, seed: u32) -> u32 {
    // `black_box` makes the compiler assume the arena is read and changed between lines, so
    // the reset's stores cannot be merged across iterations.
    drop(std::hint::black_box(arena).line());
    seed
}

/// Registers one bump-style variant for `workload`.
fn run_line_arena<A: LineArena>(
    r: &mut impl Runner,
    name: &str,
    arena: &mut A,
    workload: Workload,
    k: usize,
) {
    let src = Sources::new();
    match workload {
        Workload::S16 => {
            let mut keep = Keep::new(k);
            r.run(name, |seed| s16_line(arena, &mut keep, seed));
        }
        Workload::S48 => {
            let mut keep = Keep::new(k);
            r.run(name, |seed| s48_line(arena, &mut keep, seed));
        }
        Workload::Slice => {
            let mut keep = Keep::new(k);
            r.run(name, |seed| slice_line(arena, &mut keep, &src.words, seed));
        }
        Workload::Mixed => {
            let mut keep = Keep::new(k);
            r.run(name, |seed| mixed_line(arena, &mut keep, &src.cover, seed));
        }
        Workload::Empty => r.run(name, |seed| empty_line(arena, seed)),
    }
}

// ------------------------------------------------------------------------------------------
// typed-arena: no reset, so a fresh arena (one per type) every line.

fn run_typed_arena(r: &mut impl Runner, workload: Workload, k: usize) {
    use typed_arena::Arena;
    let src = Sources::new();
    let name = "typed-arena";
    match workload {
        Workload::S16 => {
            let mut keep = Keep::<Obj16>::new(k);
            r.run(name, |seed| {
                let arena = Arena::with_capacity(k);
                for (i, slot) in keep.slots.iter_mut().enumerate() {
                    let i = i as u32;
                    let obj = arena.alloc(Obj16 {
                        x: i,
                        y: seed,
                        winding: 1,
                        id: i ^ seed,
                    });
                    *slot = ptr::from_ref(obj);
                }
                // SAFETY: every slot points into `arena`, still alive.
                unsafe { keep.sum(|o| o.id) }
            });
        }
        Workload::S48 => {
            let mut keep = Keep::<Obj48>::new(k);
            r.run(name, |seed| {
                let arena = Arena::with_capacity(k);
                for (i, slot) in keep.slots.iter_mut().enumerate() {
                    let obj = arena.alloc(Obj48 {
                        y0: seed,
                        id: i as u32,
                        ..EDGE
                    });
                    *slot = ptr::from_ref(obj);
                }
                // SAFETY: every slot points into `arena`, still alive.
                unsafe { keep.sum(|o| o.id) }
            });
        }
        Workload::Slice => {
            let mut keep = Keep::<u32>::new(k);
            r.run(name, |seed| {
                let arena = Arena::with_capacity(k * src.words.len());
                for slot in &mut keep.slots {
                    let copy = arena.alloc_extend(src.words.iter().copied());
                    copy[0] = seed;
                    *slot = copy.as_ptr();
                }
                // SAFETY: every slot points into `arena`, still alive.
                unsafe { keep.sum(|&w| w) }
            });
        }
        Workload::Mixed => {
            let mut keep = Keep::<SpanSlot>::new(k);
            r.run(name, |seed| {
                let crossings = Arena::with_capacity(k);
                let covers = Arena::with_capacity(k * src.cover.len());
                let spans = Arena::with_capacity(k);
                for (i, slot) in keep.slots.iter_mut().enumerate() {
                    let i = i as u32;
                    let crossing = crossings.alloc(Crossing {
                        x: i as f32,
                        winding: seed as i32,
                    });
                    let cover = covers.alloc_extend(src.cover.iter().copied());
                    let span = spans.alloc(Span {
                        crossing,
                        cover,
                        x0: i,
                        x1: i + seed,
                    });
                    *slot = ptr::from_ref(span).cast::<SpanSlot>();
                }
                // SAFETY: every slot points into `spans`, still alive, whose spans point
                // into `crossings` and `covers`, also alive.
                unsafe { keep.sum(|s| s.x1 ^ s.crossing.winding as u32 ^ s.cover.len() as u32) }
            });
        }
        Workload::Empty => r.run(name, |seed| {
            drop(std::hint::black_box(Arena::<Obj16>::new()));
            seed
        }),
    }
}

// ------------------------------------------------------------------------------------------
// Box::new: one heap allocation per object, the boxes kept in a reused `Vec`, dropped (freed)
// at the end of the line.

/// The boxed counterpart of [`Span`].
#[allow(
    dead_code,
    reason = "written whole, as a renderer would; the sum reads one field"
)]
struct BoxedSpan {
    crossing: Box<Crossing>,
    cover: Box<[f32]>,
    x0: u32,
    x1: u32,
}

fn run_box(r: &mut impl Runner, workload: Workload, k: usize) {
    let src = Sources::new();
    let name = "box";
    match workload {
        Workload::S16 => {
            let mut keep: Vec<Box<Obj16>> = Vec::with_capacity(k);
            r.run(name, |seed| {
                keep.clear();
                for i in 0..k as u32 {
                    keep.push(Box::new(Obj16 {
                        x: i,
                        y: seed,
                        winding: 1,
                        id: i ^ seed,
                    }));
                }
                keep.iter().fold(0u32, |acc, o| acc.wrapping_add(o.id))
            });
        }
        Workload::S48 => {
            let mut keep: Vec<Box<Obj48>> = Vec::with_capacity(k);
            r.run(name, |seed| {
                keep.clear();
                for i in 0..k as u32 {
                    keep.push(Box::new(Obj48 {
                        y0: seed,
                        id: i,
                        ..EDGE
                    }));
                }
                keep.iter().fold(0u32, |acc, o| acc.wrapping_add(o.id))
            });
        }
        Workload::Slice => {
            let mut keep: Vec<Box<[u32]>> = Vec::with_capacity(k);
            r.run(name, |seed| {
                keep.clear();
                for _ in 0..k {
                    let mut copy = Box::<[u32]>::from(&src.words[..]);
                    copy[0] = seed;
                    keep.push(copy);
                }
                keep.iter().fold(0u32, |acc, s| acc.wrapping_add(s[0]))
            });
        }
        Workload::Mixed => {
            let mut keep: Vec<Box<BoxedSpan>> = Vec::with_capacity(k);
            r.run(name, |seed| {
                keep.clear();
                for i in 0..k as u32 {
                    let crossing = Box::new(Crossing {
                        x: i as f32,
                        winding: seed as i32,
                    });
                    let cover = Box::<[f32]>::from(&src.cover[..]);
                    keep.push(Box::new(BoxedSpan {
                        crossing,
                        cover,
                        x0: i,
                        x1: i + seed,
                    }));
                }
                keep.iter().fold(0u32, |acc, s| {
                    acc.wrapping_add(s.x1 ^ s.crossing.winding as u32 ^ s.cover.len() as u32)
                })
            });
        }
        Workload::Empty => {
            let mut keep: Vec<Box<Obj16>> = Vec::with_capacity(k);
            r.run(name, |seed| {
                std::hint::black_box(&mut keep).clear();
                seed
            });
        }
    }
}

// ------------------------------------------------------------------------------------------
// A reused `Vec<T>` per type, cleared every line: objects are values in the vector and refer
// to each other by index.

/// The indexed counterpart of [`Span`].
#[derive(Clone, Copy)]
#[allow(
    dead_code,
    reason = "written whole, as a renderer would; the sum reads one field"
)]
struct IndexedSpan {
    crossing: u32,
    cover_start: u32,
    cover_len: u32,
    x0: u32,
    x1: u32,
}

fn run_vec(r: &mut impl Runner, workload: Workload, k: usize) {
    let src = Sources::new();
    let name = "vec";
    match workload {
        Workload::S16 => {
            let mut objs: Vec<Obj16> = Vec::with_capacity(k);
            r.run(name, |seed| {
                objs.clear();
                for i in 0..k as u32 {
                    objs.push(Obj16 {
                        x: i,
                        y: seed,
                        winding: 1,
                        id: i ^ seed,
                    });
                }
                objs.iter().fold(0u32, |acc, o| acc.wrapping_add(o.id))
            });
        }
        Workload::S48 => {
            let mut objs: Vec<Obj48> = Vec::with_capacity(k);
            r.run(name, |seed| {
                objs.clear();
                for i in 0..k as u32 {
                    objs.push(Obj48 {
                        y0: seed,
                        id: i,
                        ..EDGE
                    });
                }
                objs.iter().fold(0u32, |acc, o| acc.wrapping_add(o.id))
            });
        }
        Workload::Slice => {
            let mut words: Vec<u32> = Vec::with_capacity(k * SLICE_LEN);
            r.run(name, |seed| {
                words.clear();
                for _ in 0..k {
                    let start = words.len();
                    words.extend_from_slice(&src.words);
                    words[start] = seed;
                }
                words
                    .chunks_exact(src.words.len())
                    .fold(0u32, |acc, s| acc.wrapping_add(s[0]))
            });
        }
        Workload::Mixed => {
            let mut crossings: Vec<Crossing> = Vec::with_capacity(k);
            let mut covers: Vec<f32> = Vec::with_capacity(k * COVER_LEN);
            let mut spans: Vec<IndexedSpan> = Vec::with_capacity(k);
            r.run(name, |seed| {
                crossings.clear();
                covers.clear();
                spans.clear();
                for i in 0..k as u32 {
                    let crossing = crossings.len() as u32;
                    crossings.push(Crossing {
                        x: i as f32,
                        winding: seed as i32,
                    });
                    let cover_start = covers.len() as u32;
                    covers.extend_from_slice(&src.cover);
                    spans.push(IndexedSpan {
                        crossing,
                        cover_start,
                        cover_len: src.cover.len() as u32,
                        x0: i,
                        x1: i + seed,
                    });
                }
                spans.iter().fold(0u32, |acc, s| {
                    let winding = crossings[s.crossing as usize].winding as u32;
                    acc.wrapping_add(s.x1 ^ winding ^ s.cover_len)
                })
            });
        }
        Workload::Empty => {
            let mut objs: Vec<Obj16> = Vec::with_capacity(k);
            r.run(name, |seed| {
                std::hint::black_box(&mut objs).clear();
                seed
            });
        }
    }
}

/// Runs every variant of `workload` with `k` objects per line through `r`.
pub(crate) fn run_all(r: &mut impl Runner, workload: Workload, k: usize) {
    run_line_arena(r, "minimal", &mut MinimalBump::new(CAP), workload, k);
    run_line_arena(r, "scan", &mut ScanArena::with_capacity(CAP), workload, k);
    run_line_arena(
        r,
        "static",
        &mut *Box::new(StaticArena::<CAP>::new()),
        workload,
        k,
    );
    run_line_arena(
        r,
        "bumpalo",
        &mut bumpalo::Bump::with_capacity(CAP),
        workload,
        k,
    );
    let mut bump_scope: bump_scope::Bump = bump_scope::Bump::with_size(CAP);
    run_line_arena(r, "bump-scope", &mut bump_scope, workload, k);
    run_line_arena(
        r,
        "blink",
        &mut blink_alloc::Blink::with_chunk_size(CAP),
        workload,
        k,
    );
    run_typed_arena(r, workload, k);
    run_box(r, workload, k);
    run_vec(r, workload, k);
}
