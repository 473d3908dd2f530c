//! The instruction-count companion of `benches/alloc.rs`: runs one variant's per-line loop
//! a fixed number of times, for `bench/icount.sh` to count under
//! `valgrind --tool=callgrind --toggle-collect='*icount_measured*'`.
//!
//! ```text
//! cargo run --release -p arena-core --example icount -- <variant> <workload> <K> <lines>
//! ```
//!
//! Variants: minimal, scan, static, bumpalo, bump-scope, blink, typed-arena, box, vec, and
//! `noop` (the measured loop around a line that does nothing: the baseline to subtract).
//! Workloads: s16, s48, slice, mixed, line. The collection workloads `collect` (variants
//! hand, scan-iter, scan-vec, bumpalo, bumpalo-vec, bump-scope, bump-scope-vec) and `fmt`
//! (hand, scan, bumpalo, bump-scope) have their own variants. Prints the checksum so the work
//! cannot be optimised away.

use std::hint::black_box;
use std::process::ExitCode;

use bench_workloads::collect::{self, Collection};
use bench_workloads::{Runner, VARIANTS, Workload};

/// Runs the loop of the one variant that was asked for.
struct LoopRunner {
    variant: String,
    lines: u32,
    checksum: Option<u32>,
}

impl Runner for LoopRunner {
    fn run(&mut self, variant: &str, mut per_line: impl FnMut(u32) -> u32) {
        if variant != self.variant {
            return;
        }
        // One line outside the count: first-touch effects (chunk set-up, lazy growth) are
        // not per-line cost.
        black_box(per_line(black_box(u32::MAX)));
        self.checksum = Some(icount_measured(self.lines, per_line));
    }
}

/// The counted region: `lines` calls of `per_line`, inlined here. Never inlined itself, so
/// callgrind can switch counting on at its entry and off at its exit.
#[inline(never)]
fn icount_measured(lines: u32, mut per_line: impl FnMut(u32) -> u32) -> u32 {
    let mut sum = 0u32;
    for y in 0..lines {
        sum = sum.wrapping_add(per_line(black_box(y)));
    }
    sum
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!(
            "usage: icount <variant> <workload> <K> <lines>\n  variants: noop {}\n  \
             workloads: s16 s48 slice mixed line\n  collect variants: {}\n  fmt variants: {}",
            VARIANTS.join(" "),
            Collection::Collect.variants().join(" "),
            Collection::Fmt.variants().join(" "),
        );
        ExitCode::from(2)
    };
    let [variant, workload, k, lines] = &args[..] else {
        return usage();
    };
    let (Ok(k), Ok(lines)) = (k.parse::<usize>(), lines.parse::<u32>()) else {
        return usage();
    };
    let collection = Collection::ALL.into_iter().find(|w| w.name() == workload);
    let workload = Workload::ALL.into_iter().find(|w| w.name() == workload);
    if workload.is_none() && collection.is_none() {
        return usage();
    }
    if variant == "noop" {
        let sum = icount_measured(lines, |y| y);
        println!("checksum {sum}");
        return ExitCode::SUCCESS;
    }
    let mut runner = LoopRunner {
        variant: variant.clone(),
        lines,
        checksum: None,
    };
    match (workload, collection) {
        (Some(workload), _) => bench_workloads::run_all(&mut runner, workload, k),
        (None, Some(collection)) => collect::run(&mut runner, collection, k),
        (None, None) => return usage(),
    }
    match runner.checksum {
        Some(sum) => {
            println!("checksum {sum}");
            ExitCode::SUCCESS
        }
        None => usage(),
    }
}
