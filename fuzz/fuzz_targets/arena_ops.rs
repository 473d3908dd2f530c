//! Random sequences of allocations of random layouts, slices, strings, collected iterators
//! (some allocating from the line mid-collection), `LineVec`s, `LineString`s, formatted text,
//! scopes, failed allocations and line resets, checked against the model after every step
//! (the same model as the property test: the internal crate `arena-model`).
#![no_main]

use arena_core::{ScanArena, StaticArena};
use arena_model::{Case, Op, check};
use libfuzzer_sys::fuzz_target;

/// Reads operations from the fuzzer's bytes: every byte sequence is a valid case.
struct Decoder<'a> {
    bytes: &'a [u8],
}

impl Decoder<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(first)
    }

    fn ops(&mut self, depth: u32) -> Vec<Op> {
        let mut ops = Vec::new();
        while let Some(tag) = self.byte() {
            let arg = usize::from(self.byte().unwrap_or(0));
            let op = match tag % 12 {
                0 | 1 => Op::Raw {
                    size: arg * 3,
                    align_log2: u32::from(tag / 12) % 9,
                },
                2 => Op::Slice { len: arg / 4 },
                3 => Op::Str { len: arg / 4 },
                4 => Op::Wide,
                5 => Op::Zst,
                6 if depth < 4 => Op::Scope(self.ops(depth + 1)),
                7 => Op::Iter {
                    len: arg / 3,
                    // The high bits of the tag: whether and when the iterator allocates.
                    alloc: (tag >= 128).then(|| (usize::from(tag / 12) % 10 * 8, arg % 97 + 1)),
                },
                8 => Op::LineVec {
                    cap: arg / 6,
                    push: usize::from(self.byte().unwrap_or(0)) / 5,
                    between: (tag >= 128).then_some(arg % 53 + 1),
                },
                9 => Op::LineString {
                    cap: arg / 2,
                    pieces: (0..usize::from(tag / 12) % 5)
                        .map(|_| usize::from(self.byte().unwrap_or(0)) / 6)
                        .collect(),
                },
                10 => Op::Fmt {
                    a: arg / 3,
                    alloc: (tag >= 128).then(|| usize::from(tag / 12) * 4 + 1),
                    b: usize::from(self.byte().unwrap_or(0)) / 3,
                },
                // End of this scope, or of this line at the top level.
                _ => return ops,
            };
            ops.push(op);
        }
        ops
    }

    fn case(&mut self) -> Case {
        let capacity = usize::from(self.byte().unwrap_or(0)) * 8;
        let mut lines = Vec::new();
        while !self.bytes.is_empty() && lines.len() < 16 {
            lines.push(self.ops(0));
        }
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        Case { capacity, lines }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let case = Decoder { bytes }.case();
    let mut arena = ScanArena::with_capacity(case.capacity);
    let cap = arena.capacity();
    check(&mut arena, cap, &case);
    let mut fixed = StaticArena::<2048>::new();
    check(&mut fixed, 2048, &case);
});
