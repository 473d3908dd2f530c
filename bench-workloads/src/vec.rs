//! A reused `Vec<T>` per type, cleared every line: objects are values in the vector and
//! refer to each other by index.

use crate::objects::{
    COVER_LEN, Crossing, IndexedSpan, Obj16, Obj48, Object, SLICE_LEN, Sources, sum_ids,
};
use crate::{Runner, Workload};

/// Registers one line of `s16` or `s48`.
fn objects<T: Object>(r: &mut impl Runner, name: &str, k: usize) {
    let mut objs: Vec<T> = Vec::with_capacity(k);
    r.run(name, |seed| {
        objs.clear();
        for i in 0..k as u32 {
            objs.push(T::make(i, seed));
        }
        sum_ids(objs.iter())
    });
}

pub(crate) fn run(r: &mut impl Runner, workload: Workload, k: usize) {
    let src = Sources::new();
    let name = "vec";
    match workload {
        Workload::S16 => objects::<Obj16>(r, name, k),
        Workload::S48 => objects::<Obj48>(r, name, k),
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
        Workload::Empty => {
            let mut objs: Vec<Obj16> = Vec::with_capacity(k);
            r.run(name, |seed| {
                std::hint::black_box(&mut objs).clear();
                seed
            });
        }
    }
}
