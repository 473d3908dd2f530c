//! Random sequences of allocations of random layouts, slices, strings, fallible
//! initialisers, tip slices, `Vec<u8, &Line>` growth and frees, scopes, checkpoints, failed
//! allocations and line resets, checked against the model after every step (the same model
//! as the property test: `arena-core/tests/support/model.rs`), then the same lines as the
//! rows of a `LinePool`.
#![no_main]

use arena_core::{ScanArena, StaticArena};
use libfuzzer_sys::fuzz_target;

#[path = "../../arena-core/tests/support/model.rs"]
mod model;

use model::{Case, Op, check, check_pool};

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
            let op = match tag % 16 {
                0 | 1 => Op::Raw {
                    size: arg * 3,
                    align_log2: u32::from(tag / 16) % 9,
                },
                2 => Op::Slice { len: arg / 4 },
                3 => Op::Str { len: arg / 4 },
                4 => Op::Wide,
                5 => Op::Zst,
                6 if depth < 4 => Op::Scope(self.ops(depth + 1)),
                8 if depth < 4 => Op::Checkpoint {
                    ops: self.ops(depth + 1),
                    early: tag & 16 != 0,
                },
                9 => Op::TryWith {
                    fail: tag & 16 != 0,
                    inner: tag & 32 != 0,
                },
                10 => Op::TryFill {
                    len: arg % 32,
                    fail_at: arg / 8,
                },
                11 => Op::Tip {
                    start: arg % 16,
                    grow: usize::from(self.byte().unwrap_or(0)) / 4,
                    shrink: usize::from(self.byte().unwrap_or(0)) / 4,
                    between: tag & 16 != 0,
                },
                12 => Op::VecGrowFree {
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
    check_pool(&case);
});
