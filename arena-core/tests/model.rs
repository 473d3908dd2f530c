//! The arena against a model: random sequences of allocations of random layouts, slices,
//! strings, fallible initialisers (given back on failure), tip slices grown and shrunk,
//! `Vec<u8, &Line>` grown and freed, nested scopes and checkpoints (some left early, as `?`
//! does) and line resets, checked after every step; and the same lines as the rows of a
//! `LinePool`, whose merged statistics are checked.
//!
//! The model is the definition of the arena in a few lines of arithmetic: every request
//! starts on a 16-byte boundary (or its own larger alignment) and takes its size rounded up to
//! 16; it fails exactly when that does not fit; a scope gives back what it took; a line's use
//! is its high-water mark. After every step the test checks that no two live allocations
//! overlap, that every pointer is aligned and inside the buffer, that the contents of every
//! live allocation survived, and that `used`, `remaining` and the statistics are exact.

use arena_core::{ScanArena, StaticArena};
use proptest::prelude::*;

mod support;
use support::model::{Case, Op, check, check_pool, round16};

/// Lines per case and operations per line: Miri interprets every step about a thousand times
/// slower than native code, so there the cases are shorter (and fewer, see `config`).
const LINES: usize = if cfg!(miri) { 3 } else { 6 };
const OPS_PER_LINE: usize = if cfg!(miri) { 8 } else { 12 };

fn op() -> impl Strategy<Value = Op> {
    let leaf = prop_oneof![
        4 => (0usize..200, 0u32..8).prop_map(|(size, align_log2)| Op::Raw { size, align_log2 }),
        2 => (0usize..40).prop_map(|len| Op::Slice { len }),
        1 => (0usize..40).prop_map(|len| Op::Str { len }),
        1 => Just(Op::Wide),
        1 => Just(Op::Zst),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(fail, inner)| Op::TryWith { fail, inner }),
        1 => (0usize..20, 0usize..24).prop_map(|(len, fail_at)| Op::TryFill { len, fail_at }),
        2 => (0usize..12, 0usize..40, 0usize..40, any::<bool>()).prop_map(
            |(start, grow, shrink, between)| Op::Tip { start, grow, shrink, between }
        ),
        1 => (0usize..300, 0usize..300).prop_map(|(len, keep)| Op::VecGrowFree { len, keep }),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Op::Scope),
            (prop::collection::vec(inner, 0..6), any::<bool>())
                .prop_map(|(ops, early)| Op::Checkpoint { ops, early }),
        ]
    })
}

fn case() -> impl Strategy<Value = Case> {
    (
        0usize..1200,
        prop::collection::vec(prop::collection::vec(op(), 0..OPS_PER_LINE), 1..LINES),
    )
        .prop_map(|(capacity, lines)| Case { capacity, lines })
}

fn config() -> ProptestConfig {
    if cfg!(miri) {
        // Miri runs every case a thousand times slower; a few cases still walk every path.
        ProptestConfig {
            cases: 4,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    } else {
        ProptestConfig::with_cases(256)
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scan_arena_matches_model(case in case()) {
        let mut arena = ScanArena::with_capacity(case.capacity);
        let cap = arena.capacity();
        assert_eq!(cap, round16(case.capacity));
        check(&mut arena, cap, &case);
    }

    #[test]
    fn line_pool_matches_model(case in case()) {
        check_pool(&case);
    }

    #[test]
    fn static_arena_matches_model(case in case()) {
        let mut arena = StaticArena::<1000>::new();
        assert_eq!(arena.capacity(), 992);
        check(&mut arena, 992, &case);
    }
}
