//! typed-arena: it has no reset, so every line gets a fresh arena (one per type).

use std::ptr;

use typed_arena::Arena;

use crate::keep::{Keep, SpanSlot};
use crate::objects::{Crossing, Obj16, Object, Sources, Span};
use crate::{Family, Runner};

/// The `typed-arena` variant.
pub(crate) struct TypedArena;

const NAME: &str = "typed-arena";

impl Family for TypedArena {
    fn objects<T: Object>(&mut self, r: &mut impl Runner, k: usize) {
        let mut keep = Keep::<T>::new(k);
        r.run(NAME, |seed| {
            let arena = Arena::with_capacity(k);
            for (i, slot) in keep.slots.iter_mut().enumerate() {
                let obj = arena.alloc(T::make(i as u32, seed));
                *slot = ptr::from_ref(obj);
            }
            // SAFETY: every slot points into `arena`, still alive.
            unsafe { keep.sum(T::id) }
        });
    }

    fn slice(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let mut keep = Keep::<u32>::new(k);
        r.run(NAME, |seed| {
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

    fn mixed(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let mut keep = Keep::<SpanSlot>::new(k);
        r.run(NAME, |seed| {
            let crossings = Arena::with_capacity(k);
            let covers = Arena::with_capacity(k * src.cover.len());
            let spans = Arena::with_capacity(k);
            for (i, slot) in keep.slots.iter_mut().enumerate() {
                let i = i as u32;
                let crossing = crossings.alloc(Crossing::make(i, seed));
                let cover = covers.alloc_extend(src.cover.iter().copied());
                let span = spans.alloc(Span::link(i, seed, crossing, cover));
                *slot = ptr::from_ref(span).cast::<SpanSlot>();
            }
            // SAFETY: every slot points into `spans`, still alive, whose spans point
            // into `crossings` and `covers`, also alive.
            unsafe { keep.sum(Span::checksum) }
        });
    }

    fn empty(&mut self, r: &mut impl Runner, _k: usize) {
        r.run(NAME, |seed| {
            drop(std::hint::black_box(Arena::<Obj16>::new()));
            seed
        });
    }
}
