//! The per-line workloads and allocator variants shared by arena-core's `benches/alloc.rs`
//! (criterion, wall-clock) and `examples/icount.rs` (callgrind, instruction counts). An
//! internal crate (`publish = false`): both front ends depend on it, so the two measurements
//! run the same code and cannot drift apart.
//!
//! One line of a workload: begin a line (reset), allocate `K` objects, write them, keep a
//! pointer to each, then sum a field through the kept pointers. Every variant does the same
//! work; only the allocator differs. Variants that cannot keep arena pointers do the closest
//! idiomatic thing (a reused `Vec` indexes its own elements, `Box::new` keeps its boxes).
//!
//! One module per family of variants: [`bump`] for every allocator with a per-line reset
//! (arena-core's two arenas, bumpalo, bump-scope, blink-alloc and the hand-written
//! [`minimal`] baseline), then `typed-arena`, `Box::new` and a reused `Vec`. Each family
//! implements one method per workload (the private `Family` trait), and [`run_all`] sends
//! every workload through every family from one place. [`objects`] holds what they
//! allocate. [`collect`] has the workloads of unknown length (collecting an iterator,
//! formatting text), with their own variants.

mod boxed;
pub mod bump;
pub mod collect;
mod keep;
pub mod minimal;
pub mod objects;
mod typed;
mod vec;

use arena_core::{ScanArena, StaticArena};

use objects::{Obj16, Obj48, Object, Sources};

/// Bytes of line buffer every arena variant gets: room for the largest workload line
/// (1024 copied 32 x u32 slices = 128 KiB) with slack for allocators that pad differently.
pub const CAP: usize = 256 * 1024;

/// The workloads, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// A 16-byte struct per object.
    S16,
    /// A 48-byte struct per object.
    S48,
    /// A copied 32 x u32 slice (128 bytes) per object.
    Slice,
    /// A render-like group per object: an 8-byte crossing, a copied 4 x f32 coverage slice,
    /// and a 32-byte span that points at both (three allocations).
    Mixed,
    /// `line()` alone: begin and end a line with nothing allocated (`K` is ignored).
    Empty,
}

impl Workload {
    /// Every workload, in the order the front ends report them.
    pub const ALL: [Workload; 5] = [
        Workload::S16,
        Workload::S48,
        Workload::Slice,
        Workload::Mixed,
        Workload::Empty,
    ];

    /// The name the front ends take and print: `s16`, `s48`, `slice`, `mixed`, `line`.
    pub fn name(self) -> &'static str {
        match self {
            Workload::S16 => "s16",
            Workload::S48 => "s48",
            Workload::Slice => "slice",
            Workload::Mixed => "mixed",
            Workload::Empty => "line",
        }
    }
}

/// A front end: criterion registers `per_line` as a benchmark; the instruction counter runs
/// it in a loop under callgrind when `variant` is the one asked for.
pub trait Runner {
    /// Measures `per_line(seed)`, one call per line; the seed varies so nothing is folded.
    fn run(&mut self, variant: &str, per_line: impl FnMut(u32) -> u32);
}

/// The variant names [`run_all`] registers, in its order.
pub const VARIANTS: [&str; 9] = [
    "minimal",
    "scan",
    "static",
    "bumpalo",
    "bump-scope",
    "blink",
    "typed-arena",
    "box",
    "vec",
];

/// One family of variants: how it allocates each workload's objects. Each method registers
/// one variant's line with the runner.
trait Family {
    /// `s16` or `s48`, whichever object `T` is.
    fn objects<T: Object>(&mut self, r: &mut impl Runner, k: usize);
    /// `slice`: `k` copies of `src.words`.
    fn slice(&mut self, r: &mut impl Runner, k: usize, src: &Sources);
    /// `mixed`: `k` crossings, coverage copies of `src.cover` and spans linking them.
    fn mixed(&mut self, r: &mut impl Runner, k: usize, src: &Sources);
    /// `line`: begin and end a line, nothing allocated.
    fn empty(&mut self, r: &mut impl Runner, k: usize);
}

/// Registers `family`'s variant of `workload`.
fn run<F: Family>(family: &mut F, r: &mut impl Runner, workload: Workload, k: usize) {
    let src = Sources::new();
    match workload {
        Workload::S16 => family.objects::<Obj16>(r, k),
        Workload::S48 => family.objects::<Obj48>(r, k),
        Workload::Slice => family.slice(r, k, &src),
        Workload::Mixed => family.mixed(r, k, &src),
        Workload::Empty => family.empty(r, k),
    }
}

/// Runs every variant of `workload` with `k` objects per line through `r`, in the order of
/// [`VARIANTS`].
pub fn run_all(r: &mut impl Runner, workload: Workload, k: usize) {
    use bump::Bump;
    // Each arena is a temporary of its own statement, dropped once its variant ran
    // (bump-scope's, which needs a type annotation, lives to the end), so the heap the
    // later variants start from is the one the recorded figures were taken with.
    run(
        &mut Bump::new("minimal", &mut minimal::MinimalBump::new(CAP)),
        r,
        workload,
        k,
    );
    run(
        &mut Bump::new("scan", &mut ScanArena::with_capacity(CAP)),
        r,
        workload,
        k,
    );
    run(
        &mut Bump::new("static", &mut *Box::new(StaticArena::<CAP>::new())),
        r,
        workload,
        k,
    );
    run(
        &mut Bump::new("bumpalo", &mut bumpalo::Bump::with_capacity(CAP)),
        r,
        workload,
        k,
    );
    let mut bump_scope: bump_scope::Bump = bump_scope::Bump::with_size(CAP);
    run(
        &mut Bump::new("bump-scope", &mut bump_scope),
        r,
        workload,
        k,
    );
    run(
        &mut Bump::new("blink", &mut blink_alloc::Blink::with_chunk_size(CAP)),
        r,
        workload,
        k,
    );
    run(&mut typed::TypedArena, r, workload, k);
    run(&mut boxed::Boxes, r, workload, k);
    run(&mut vec::Vecs, r, workload, k);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records each variant's name and the checksum of two lines.
    struct Record(Vec<(String, u32)>);

    impl Runner for Record {
        fn run(&mut self, variant: &str, mut per_line: impl FnMut(u32) -> u32) {
            let first = per_line(3);
            let second = per_line(3);
            assert_eq!(
                first, second,
                "{variant}: a line must not depend on the one before"
            );
            self.0.push((variant.to_owned(), first));
        }
    }

    #[test]
    fn every_variant_does_the_same_work() {
        for workload in Workload::ALL {
            for k in [1, 64] {
                let mut record = Record(Vec::new());
                run_all(&mut record, workload, k);
                let names: Vec<&str> = record.0.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(names, VARIANTS, "{workload:?}");
                let expected = record.0[0].1;
                for (name, sum) in &record.0 {
                    assert_eq!(*sum, expected, "{workload:?}, k = {k}: {name}");
                }
            }
        }
    }
}
