//! `Box::new`: one heap allocation per object, the boxes kept in a reused `Vec`, dropped
//! (freed) at the end of the line.

use crate::objects::{BoxedSpan, Crossing, Obj16, Obj48, Object, Sources, sum_ids};
use crate::{Runner, Workload};

/// Registers one line of `s16` or `s48`.
fn objects<T: Object>(r: &mut impl Runner, name: &str, k: usize) {
    let mut keep: Vec<Box<T>> = Vec::with_capacity(k);
    r.run(name, |seed| {
        keep.clear();
        for i in 0..k as u32 {
            keep.push(Box::new(T::make(i, seed)));
        }
        sum_ids(keep.iter().map(|o| &**o))
    });
}

pub(crate) fn run(r: &mut impl Runner, workload: Workload, k: usize) {
    let src = Sources::new();
    let name = "box";
    match workload {
        Workload::S16 => objects::<Obj16>(r, name, k),
        Workload::S48 => objects::<Obj48>(r, name, k),
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
        Workload::Empty => {
            let mut keep: Vec<Box<Obj16>> = Vec::with_capacity(k);
            r.run(name, |seed| {
                std::hint::black_box(&mut keep).clear();
                seed
            });
        }
    }
}
