//! Random sequences of allocations of random layouts, slices, strings, collected iterators
//! (some allocating from the line mid-collection), `LineVec`s, `LineString`s, formatted text,
//! fallible initialisers, tip slices, `Vec<u8, &Line>` growth and frees, scopes, checkpoints,
//! failed allocations and line resets, checked against the model after every step (the same
//! model as the property test: the internal crate `arena-model`), on a heap arena, an inline
//! one and one over a borrowed buffer that starts off a 16-byte boundary, then the same lines
//! as the rows of a `LinePool`.
#![no_main]

use std::mem::MaybeUninit;

use arena_core::{BorrowedArena, ScanArena, StaticArena};
use arena_model::{Case, Op, check, check_pool};
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
            let op = match tag % 18 {
                0 | 1 => Op::Raw {
                    size: arg * 3,
                    align_log2: u32::from(tag / 18) % 9,
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
                11 if depth < 4 => Op::Checkpoint {
                    ops: self.ops(depth + 1),
                    early: tag & 16 != 0,
                },
                12 => Op::TryWith {
                    fail: tag & 16 != 0,
                    inner: tag & 32 != 0,
                },
                13 => Op::TryFill {
                    len: arg % 32,
                    fail_at: arg / 8,
                },
                14 => Op::Tip {
                    start: arg % 16,
                    grow: usize::from(self.byte().unwrap_or(0)) / 4,
                    shrink: usize::from(self.byte().unwrap_or(0)) / 4,
                    between: tag & 16 != 0,
                },
                15 => Op::VecGrowFree {
                    len: arg * 2,
                    keep: usize::from(self.byte().unwrap_or(0)) * 2,
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
    // A lent buffer of `capacity` bytes that starts `skew` bytes into an allocation: the arena
    // skips to the next 16-byte boundary and leaves what does not fill a granule at the end.
    let skew = case.capacity / 8 % 16;
    let mut buffer = vec![MaybeUninit::<u8>::uninit(); case.capacity + skew];
    let mut borrowed = BorrowedArena::new(&mut buffer[skew..]);
    let cap = borrowed.capacity();
    assert!(borrowed.skipped() < 16 && cap % 16 == 0 && borrowed.unused_tail() < 16);
    assert_eq!(
        borrowed.skipped() + cap + borrowed.unused_tail(),
        case.capacity
    );
    check(&mut borrowed, cap, &case);
    check_pool(&case);
});
