//! A reused `Vec<T>` per type, cleared every line: objects are values in the vector and
//! refer to each other by index.

use crate::objects::{
    COVER_LEN, Crossing, IndexedSpan, Obj16, Object, SLICE_LEN, Sources, sum_ids,
};
use crate::{Family, Runner};

/// The `vec` variant.
pub(crate) struct Vecs;

const NAME: &str = "vec";

impl Family for Vecs {
    fn objects<T: Object>(&mut self, r: &mut impl Runner, k: usize) {
        let mut objs: Vec<T> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            objs.clear();
            for i in 0..k as u32 {
                objs.push(T::make(i, seed));
            }
            sum_ids(objs.iter())
        });
    }

    fn slice(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let mut words: Vec<u32> = Vec::with_capacity(k * SLICE_LEN);
        r.run(NAME, |seed| {
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

    fn mixed(&mut self, r: &mut impl Runner, k: usize, src: &Sources) {
        let mut crossings: Vec<Crossing> = Vec::with_capacity(k);
        let mut covers: Vec<f32> = Vec::with_capacity(k * COVER_LEN);
        let mut spans: Vec<IndexedSpan> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            crossings.clear();
            covers.clear();
            spans.clear();
            for i in 0..k as u32 {
                let crossing = crossings.len() as u32;
                crossings.push(Crossing::make(i, seed));
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

    fn empty(&mut self, r: &mut impl Runner, k: usize) {
        let mut objs: Vec<Obj16> = Vec::with_capacity(k);
        r.run(NAME, |seed| {
            std::hint::black_box(&mut objs).clear();
            seed
        });
    }
}
