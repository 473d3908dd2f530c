//! typed-arena: it has no reset, so every line gets a fresh arena (one per type).

use std::ptr;

use typed_arena::Arena;

use crate::keep::{Keep, SpanSlot};
use crate::objects::{Crossing, Obj16, Obj48, Object, Sources, Span};
use crate::{Runner, Workload};

/// Registers one line of `s16` or `s48`.
fn objects<T: Object>(r: &mut impl Runner, name: &str, k: usize) {
    let mut keep = Keep::<T>::new(k);
    r.run(name, |seed| {
        let arena = Arena::with_capacity(k);
        for (i, slot) in keep.slots.iter_mut().enumerate() {
            let obj = arena.alloc(T::make(i as u32, seed));
            *slot = ptr::from_ref(obj);
        }
        // SAFETY: every slot points into `arena`, still alive.
        unsafe { keep.sum(T::id) }
    });
}

pub(crate) fn run(r: &mut impl Runner, workload: Workload, k: usize) {
    let src = Sources::new();
    let name = "typed-arena";
    match workload {
        Workload::S16 => objects::<Obj16>(r, name, k),
        Workload::S48 => objects::<Obj48>(r, name, k),
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
        Workload::Empty => r.run(name, |seed| {
            drop(std::hint::black_box(Arena::<Obj16>::new()));
            seed
        }),
    }
}
