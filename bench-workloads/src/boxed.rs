//! `Box::new`: one heap allocation per object, the boxes kept in a reused `Vec`, dropped
//! (freed) at the end of the line.

use crate::objects::{BoxedSpan, Crossing, Obj16, Object, Sources, sum_ids};
use crate::{Family, Runner};

/// The `box` variant.
pub(crate) struct Boxes;

const NAME: &str = "box";

impl Family for Boxes {
    fn objects<T: Object>(&mut self, r: &mut impl Runner, k: usize) {
        let mut keep: Vec<Box<T>> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            keep.clear();
            for i in 0..k as u32 {
                keep.push(Box::new(T::make(i, seed)));
            }
            sum_ids(keep.iter().map(|o| &**o))
        });
    }

    fn slice(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let mut keep: Vec<Box<[u32]>> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            keep.clear();
            for _ in 0..k {
                let mut copy = Box::<[u32]>::from(&src.words[..]);
                copy[0] = seed;
                keep.push(copy);
            }
            keep.iter().fold(0u32, |acc, s| acc.wrapping_add(s[0]))
        });
    }

    fn mixed(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let mut keep: Vec<Box<BoxedSpan>> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            keep.clear();
            for i in 0..k as u32 {
                let crossing = Box::new(Crossing::make(i, seed));
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

    fn empty(&mut self, r: &mut impl Runner, k: usize) {
        let mut keep: Vec<Box<Obj16>> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            std::hint::black_box(&mut keep).clear();
            seed
        });
    }
}
