//! The point of the derive: a line sized from declared counts never runs out. Random sequences
//! of constructor calls, within the counts a budget declares, never hit `ArenaFull`, and the
//! measured per-line peak never exceeds `budget.bytes()`.

use arena_core::{Budget, Line, ScanArena, ScanLocal, StaticArena, budget};
use proptest::prelude::*;

#[derive(Clone, Copy, ScanLocal)]
struct Span {
    x0: u16,
    x1: u16,
}

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = 8)]
    pts: &'l [[f32; 2]],
    cov: f32,
}

#[derive(ScanLocal)]
struct Label<'l> {
    #[scan(max = 20)]
    text: &'l str,
}

#[derive(Clone, Copy, ScanLocal)]
struct Leaf {
    v: [f64; 3],
}

#[derive(Clone, Copy, ScanLocal)]
struct Mid<'l> {
    #[scan(child)]
    leaf: &'l Leaf,
    #[scan(max = 3)]
    xs: &'l [u32],
}

#[derive(ScanLocal)]
struct Outer<'l> {
    #[scan(child)]
    mid: &'l Mid<'l>,
}

#[derive(Clone, Copy, ScanLocal)]
#[repr(align(64))]
struct Wide {
    px: [f32; 4],
}

#[derive(ScanLocal)]
enum Paint<'l> {
    Solid(u32),
    Gradient {
        #[scan(max = 8)]
        stops: &'l [(f32, u32)],
    },
    Named(#[scan(max = 40)] &'l str),
}

/// One constructor call, with its input.
#[derive(Clone, Debug)]
enum Op {
    Span,
    Poly(usize),
    Label(String),
    /// `Mid::build_in` then `Outer::new_in`: one `Outer`, counted by `Outer::SCAN_BOUND`.
    Nested(usize),
    Wide,
    Solid,
    Gradient(usize),
    Named(usize),
}

const KINDS: usize = 6;

impl Op {
    /// Which declared count the call uses (the three paint calls share `Paint`'s).
    fn kind(&self) -> usize {
        match self {
            Op::Span => 0,
            Op::Poly(_) => 1,
            Op::Label(_) => 2,
            Op::Nested(_) => 3,
            Op::Wide => 4,
            Op::Solid | Op::Gradient(_) | Op::Named(_) => 5,
        }
    }

    /// Runs the call; `Err` if the line refused it.
    fn run(&self, line: &Line<'_>) -> Result<(), arena_core::ScanError> {
        match self {
            Op::Span => {
                let span = Span::try_new_in(line, 1, 2)?;
                assert_eq!((span.x0, span.x1), (1, 2));
            }
            Op::Poly(n) => {
                let pts = vec![[0.5, 1.5]; *n];
                let poly = Poly::try_new_in(line, &pts, 1.0)?;
                assert_eq!((poly.pts, poly.cov), (&pts[..], 1.0));
            }
            Op::Label(text) => {
                assert_eq!(Label::try_new_in(line, text)?.text, text);
            }
            Op::Nested(n) => {
                let xs: Vec<u32> = (0..*n as u32).collect();
                let mid = Mid::try_build_in(line, Leaf { v: [1.0; 3] }, &xs)?;
                let outer = Outer::try_new_in(line, mid)?;
                assert_eq!((outer.mid.xs, outer.mid.leaf.v), (&xs[..], [1.0; 3]));
            }
            Op::Wide => {
                let wide = Wide::try_new_in(line, [2.0; 4])?;
                assert_eq!(wide.px, [2.0; 4]);
            }
            Op::Solid => {
                let paint = Paint::try_new_in(line, Paint::Solid(7))?;
                assert!(matches!(paint, Paint::Solid(7)));
            }
            Op::Gradient(n) => {
                let stops = vec![(0.5, 9); *n];
                let paint = Paint::try_new_gradient_in(line, &stops)?;
                assert!(matches!(paint, Paint::Gradient { stops: s } if s.len() == *n));
            }
            Op::Named(n) => {
                let name = "n".repeat(*n);
                let paint = Paint::try_new_named_in(line, &name)?;
                assert!(matches!(paint, Paint::Named(s) if *s == name));
            }
        }
        Ok(())
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Span),
        (0..=8usize).prop_map(Op::Poly),
        (0..=20usize).prop_map(|n| Op::Label("x".repeat(n))),
        // Multi-byte text: the max counts bytes.
        (0..=6usize).prop_map(|n| Op::Label("€".repeat(n))),
        (0..=3usize).prop_map(Op::Nested),
        Just(Op::Wide),
        Just(Op::Solid),
        (0..=8usize).prop_map(Op::Gradient),
        (0..=40usize).prop_map(Op::Named),
    ]
}

/// The budget for `counts[k]` calls of each kind, computed at run time.
fn budget_for(counts: &[usize; KINDS]) -> Budget {
    let [span, poly, label, outer, wide, paint] = *counts;
    Budget::new()
        .try_reserve::<Span>(span)
        .and_then(|b| b.try_reserve::<Poly<'_>>(poly))
        .and_then(|b| b.try_reserve::<Label<'_>>(label))
        .and_then(|b| b.try_reserve::<Outer<'_>>(outer))
        .and_then(|b| b.try_reserve::<Wide>(wide))
        .and_then(|b| b.try_reserve::<Paint<'_>>(paint))
        .expect("small counts fit in usize")
}

/// The same counts in `const` context, for a statically sized arena.
const LINE: Budget = budget!(
    Span * 6,
    Poly<'_> * 4,
    Label<'_> * 4,
    Outer<'_> * 3,
    Wide * 3,
    Paint<'_> * 5
);
const LINE_COUNTS: [usize; KINDS] = [6, 4, 4, 3, 3, 5];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn declared_counts_never_run_out(lines in prop::collection::vec(
        prop::collection::vec(op(), 0..40), 1..6,
    )) {
        // The declared counts: the most calls of each kind any one line makes.
        let mut counts = [0; KINDS];
        for line in &lines {
            let mut here = [0; KINDS];
            for op in line {
                here[op.kind()] += 1;
            }
            for (c, h) in counts.iter_mut().zip(here) {
                *c = (*c).max(h);
            }
        }
        let budget = budget_for(&counts);
        let mut arena = ScanArena::for_budget(budget);
        for ops in &lines {
            let line = arena.line();
            for op in ops {
                let result = op.run(&line);
                prop_assert!(result.is_ok(), "{op:?} failed within budget: {result:?}");
            }
            prop_assert!(line.used() <= budget.bytes());
        }
        let stats = arena.stats();
        prop_assert_eq!(stats.lines, lines.len() as u64);
        prop_assert!(
            stats.peak_bytes <= budget.bytes(),
            "peak {} above budget {}", stats.peak_bytes, budget.bytes()
        );
    }

    #[test]
    fn const_budget_sizes_a_static_arena(lines in prop::collection::vec(
        prop::collection::vec(op(), 0..40), 1..4,
    )) {
        prop_assert_eq!(LINE.bytes(), budget_for(&LINE_COUNTS).bytes());
        let mut arena = StaticArena::<{ LINE.bytes() }>::new();
        for ops in &lines {
            let line = arena.line();
            let mut left = LINE_COUNTS;
            // Calls beyond the declared counts are skipped: the guarantee is for what is declared.
            for op in ops {
                if left[op.kind()] == 0 {
                    continue;
                }
                left[op.kind()] -= 1;
                let result = op.run(&line);
                prop_assert!(result.is_ok(), "{op:?} failed within budget: {result:?}");
            }
        }
        prop_assert!(arena.stats().peak_bytes <= LINE.bytes());
    }
}

/// The exact worst case: every declared call with its longest input fills the budget to the
/// byte, wherever the line's alignment padding falls.
#[test]
fn worst_case_lines_fill_the_budget_exactly_and_no_more() {
    let worst = [
        Op::Span,
        Op::Poly(8),
        Op::Label("x".repeat(20)),
        Op::Nested(3),
        Op::Gradient(8),
    ];
    let counts = [1, 1, 1, 1, 0, 1];
    let budget = budget_for(&counts);
    let mut arena = ScanArena::for_budget(budget);
    let line = arena.line();
    for op in &worst {
        op.run(&line).unwrap();
    }
    assert_eq!(line.used(), budget.bytes());
    // One more call of any kind does not fit, and is refused whole.
    let err = Op::Span.run(&line).unwrap_err();
    assert!(matches!(err, arena_core::ScanError::Full(_)), "{err:?}");
    assert_eq!(line.used(), budget.bytes());
}

/// The statically sized arena holds every declared call at its longest input.
#[test]
fn static_arena_holds_the_declared_worst_case() {
    let longest = [
        Op::Span,
        Op::Poly(8),
        Op::Label("x".repeat(20)),
        Op::Nested(3),
        Op::Wide,
        Op::Gradient(8),
    ];
    let mut arena = StaticArena::<{ LINE.bytes() }>::new();
    // Calls in declaration order, then in reverse: `Wide`'s padding depends on what precedes.
    for reverse in [false, true] {
        let line = arena.line();
        let mut calls: Vec<(&Op, usize)> = longest.iter().zip(LINE_COUNTS).collect();
        if reverse {
            calls.reverse();
        }
        for (op, count) in calls {
            for _ in 0..count {
                op.run(&line)
                    .unwrap_or_else(|e| panic!("{op:?} within budget: {e}"));
            }
        }
        assert!(line.used() <= LINE.bytes());
    }
    assert!(arena.stats().peak_bytes <= LINE.bytes());
}
