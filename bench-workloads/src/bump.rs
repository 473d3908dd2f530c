//! Every allocator with a per-line reset, behind one interface ([`LineArena`] and
//! [`LineAlloc`]), and one line of each workload written once for all of them: arena-core's
//! `ScanArena` and `StaticArena`, bumpalo, bump-scope, blink-alloc and the hand-written
//! [`MinimalBump`](crate::minimal::MinimalBump) baseline.

use std::ptr;

use arena_core::{ScanArena, StaticArena};

use crate::keep::{Keep, SpanSlot};
use crate::objects::{Crossing, Object, Sources, Span};
use crate::{Family, Runner};

/// A bump allocator with a per-line reset.
pub trait LineArena {
    /// The handle of one line.
    type Line<'a>: LineAlloc<'a>
    where
        Self: 'a;
    /// Releases everything and begins a line.
    fn line(&mut self) -> Self::Line<'_>;
}

/// One line's allocation interface.
pub trait LineAlloc<'a> {
    /// Moves `value` into the line.
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T;
    /// Copies `src` into the line.
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

/// The allocators whose line is the allocator itself after a `reset()`, with the names of
/// their value and slice methods (and `into_mut` where they return a box-like handle).
macro_rules! reset_per_line {
    ($($bump:ty => $alloc:ident, $copy:ident $(, $into:ident)?;)*) => {$(
        impl LineArena for $bump {
            type Line<'a> = &'a $bump;
            #[inline(always)]
            fn line(&mut self) -> &$bump {
                self.reset();
                self
            }
        }

        impl<'a> LineAlloc<'a> for &'a $bump {
            #[inline(always)]
            fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
                <$bump>::$alloc(self, value)$(.$into())?
            }
            #[inline(always)]
            fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
                <$bump>::$copy(self, src)$(.$into())?
            }
        }
    )*};
}

reset_per_line! {
    bumpalo::Bump => alloc, alloc_slice_copy;
    bump_scope::Bump => alloc, alloc_slice_copy, into_mut;
    blink_alloc::Blink => put_no_drop, copy_slice;
}

/// One line of `s16` or `s48`.
#[inline(always)]
fn object_line<A: LineArena, T: Object>(arena: &mut A, keep: &mut Keep<T>, seed: u32) -> u32 {
    let line = arena.line();
    for (i, slot) in keep.slots.iter_mut().enumerate() {
        let obj = line.alloc(T::make(i as u32, seed));
        *slot = ptr::from_ref(obj);
    }
    // SAFETY: the loop pointed every slot at an object of `line`, which is still alive.
    unsafe { keep.sum(T::id) }
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
        let crossing = line.alloc(Crossing::make(i, seed));
        let cover = line.alloc_slice_copy(cover);
        let span = line.alloc(Span::link(i, seed, crossing, cover));
        *slot = ptr::from_ref(span).cast::<SpanSlot>();
    }
    // SAFETY: the loop pointed every slot at a span of `line`, which is still alive; the
    // erased lifetime is never relied on beyond it.
    unsafe { keep.sum(Span::checksum) }
}

#[inline(always)]
fn empty_line<A: LineArena>(arena: &mut A, seed: u32) -> u32 {
    // `black_box` makes the compiler assume the arena is read and changed between lines, so
    // the reset's stores cannot be merged across iterations.
    drop(std::hint::black_box(arena).line());
    seed
}

/// One bump-style variant: `arena` under `name`.
pub(crate) struct Bump<'a, A> {
    name: &'static str,
    arena: &'a mut A,
}

impl<'a, A: LineArena> Bump<'a, A> {
    pub(crate) fn new(name: &'static str, arena: &'a mut A) -> Self {
        Bump { name, arena }
    }
}

impl<A: LineArena> Family for Bump<'_, A> {
    fn objects<T: Object>(&mut self, r: &mut impl Runner, k: usize) {
        let arena = &mut *self.arena;
        let mut keep = Keep::<T>::new(k);
        r.run(self.name, |seed| object_line(arena, &mut keep, seed));
    }

    fn slice(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let arena = &mut *self.arena;
        let mut keep = Keep::new(k);
        r.run(self.name, |seed| {
            slice_line(arena, &mut keep, &src.words, seed)
        });
    }

    fn mixed(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let arena = &mut *self.arena;
        let mut keep = Keep::new(k);
        r.run(self.name, |seed| {
            mixed_line(arena, &mut keep, &src.cover, seed)
        });
    }

    fn empty(&mut self, r: &mut impl Runner, _k: usize) {
        let arena = &mut *self.arena;
        r.run(self.name, |seed| empty_line(arena, seed));
    }
}
