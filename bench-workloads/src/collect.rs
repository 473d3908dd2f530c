//! Per-line data of unknown length: collecting an iterator whose length is not known up
//! front, and formatting text into the line.
//!
//! `collect`: each line filters and maps `K` input values (a `filter_map` that keeps about
//! half of them, which ones depending on the line) into a slice, then sums the slice. The
//! baseline (`hand`) is the loop one writes without an arena: push into a fixed buffer with
//! a bounds check. The others collect the same iterator with arena-core's `alloc_iter` or a
//! `LineVec`, bumpalo's `collect_in` or `Vec`, and bump-scope's `alloc_iter` or
//! `FixedBumpVec`.
//!
//! `fmt`: each line formats a label of three values (`"line {y}: {n} spans, peak {p:.2}"`)
//! and sums its bytes: into a fixed buffer through `fmt::Write` (`hand`), with arena-core's
//! `alloc_fmt`, bumpalo's `format!(in ..)` and bump-scope's `alloc_fmt`.
//!
//! Every per-line closure is `#[inline(always)]`, so that each variant's line is inlined into
//! the measuring loop, as the body of a row loop is in a program. Left to itself, LLVM inlined
//! the small hand-written closures and not the others, which then paid a call, a prologue and
//! an epilogue per line that the baseline did not.

use std::fmt::{self, Write};
use std::mem::MaybeUninit;

use arena_core::ScanArena;
use bumpalo::collections::CollectIn;

use crate::{CAP, Runner};

/// The collection workloads, by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    /// Collect a `filter_map` of `K` values (about `K / 2` kept).
    Collect,
    /// Format a label (`K` is ignored).
    Fmt,
}

impl Collection {
    /// Both workloads, in the order the front ends report them.
    pub const ALL: [Collection; 2] = [Collection::Collect, Collection::Fmt];

    /// The name the front ends take and print: `collect`, `fmt`.
    pub fn name(self) -> &'static str {
        match self {
            Collection::Collect => "collect",
            Collection::Fmt => "fmt",
        }
    }

    /// The variants [`run`] registers for this workload, in its order.
    pub fn variants(self) -> &'static [&'static str] {
        match self {
            Collection::Collect => &[
                "hand",
                "scan-iter",
                "scan-vec",
                "bumpalo",
                "bumpalo-vec",
                "bump-scope",
                "bump-scope-vec",
            ],
            Collection::Fmt => &["hand", "scan", "bumpalo", "bump-scope"],
        }
    }
}

/// The input values of a `collect` line: fixed, so only the line's seed changes which are
/// kept.
pub fn input(k: usize) -> Vec<u32> {
    (0..k as u32)
        .map(|i| i.wrapping_mul(2_654_435_761) >> 7)
        .collect()
}

/// The iterator every `collect` variant consumes: of unknown length (its lower size hint is
/// 0), keeping the values whose low bit differs from the seed's.
#[inline(always)]
fn kept(input: &[u32], seed: u32) -> impl Iterator<Item = u32> + '_ {
    input
        .iter()
        .filter_map(move |&x| ((x ^ seed) & 1 == 1).then_some(x.wrapping_mul(3)))
}

#[inline(always)]
fn sum(values: &[u32]) -> u32 {
    values
        .iter()
        .fold(values.len() as u32, |acc, &v| acc.wrapping_add(v))
}

/// Runs every variant of `workload` with `k` input values per line through `r`, in the
/// order of [`Collection::variants`].
pub fn run(r: &mut impl Runner, workload: Collection, k: usize) {
    match workload {
        Collection::Collect => collect(r, k),
        Collection::Fmt => format(r),
    }
}

fn collect(r: &mut impl Runner, k: usize) {
    let input = input(k);
    let input = &input[..];

    let mut buf = vec![MaybeUninit::<u32>::uninit(); k].into_boxed_slice();
    r.run(
        "hand",
        #[inline(always)]
        |seed| {
            let mut len = 0;
            for x in kept(input, seed) {
                if len == buf.len() {
                    overflow();
                }
                buf[len].write(x);
                len += 1;
            }
            // SAFETY: the loop initialised the first `len` elements.
            let values = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u32>(), len) };
            sum(values)
        },
    );

    let mut arena = ScanArena::with_capacity(CAP);
    r.run(
        "scan-iter",
        #[inline(always)]
        |seed| {
            let line = arena.line();
            sum(line.alloc_iter(kept(input, seed)))
        },
    );
    r.run(
        "scan-vec",
        #[inline(always)]
        |seed| {
            let line = arena.line();
            let mut values = line.vec_with_capacity(k);
            for x in kept(input, seed) {
                values.push(x);
            }
            sum(values.into_slice())
        },
    );

    let mut bump = bumpalo::Bump::with_capacity(CAP);
    r.run(
        "bumpalo",
        #[inline(always)]
        |seed| {
            bump.reset();
            let values: bumpalo::collections::Vec<'_, u32> = kept(input, seed).collect_in(&bump);
            sum(values.into_bump_slice())
        },
    );
    r.run(
        "bumpalo-vec",
        #[inline(always)]
        |seed| {
            bump.reset();
            let mut values = bumpalo::collections::Vec::with_capacity_in(k, &bump);
            for x in kept(input, seed) {
                values.push(x);
            }
            sum(values.into_bump_slice())
        },
    );

    let mut bump: bump_scope::Bump = bump_scope::Bump::with_size(CAP);
    r.run(
        "bump-scope",
        #[inline(always)]
        |seed| {
            bump.reset();
            sum(&bump.alloc_iter(kept(input, seed)))
        },
    );
    r.run(
        "bump-scope-vec",
        #[inline(always)]
        |seed| {
            bump.reset();
            let mut values = bump_scope::FixedBumpVec::with_capacity_in(k, &bump);
            for x in kept(input, seed) {
                values.push(x);
            }
            sum(values.into_slice())
        },
    );
}

/// The label every `fmt` variant formats.
macro_rules! label {
    ($seed:expr) => {
        format_args!(
            "line {}: {} spans, peak {:.2}",
            $seed,
            $seed & 7,
            f64::from($seed & 255) * 0.25
        )
    };
}

#[inline(always)]
fn byte_sum(text: &str) -> u32 {
    text.bytes()
        .fold(text.len() as u32, |acc, b| acc.wrapping_add(u32::from(b)))
}

fn format(r: &mut impl Runner) {
    r.run(
        "hand",
        #[inline(always)]
        |seed| {
            let mut out = Fixed {
                buf: [0; 64],
                len: 0,
            };
            if out.write_fmt(label!(seed)).is_err() {
                overflow();
            }
            byte_sum(out.as_str())
        },
    );

    let mut arena = ScanArena::with_capacity(CAP);
    r.run(
        "scan",
        #[inline(always)]
        |seed| {
            let line = arena.line();
            byte_sum(line.alloc_fmt(label!(seed)))
        },
    );

    let mut bump = bumpalo::Bump::with_capacity(CAP);
    r.run(
        "bumpalo",
        #[inline(always)]
        |seed| {
            bump.reset();
            // What `bumpalo::format!(in &bump, ..)` expands to.
            let mut text = bumpalo::collections::String::new_in(&bump);
            if text.write_fmt(label!(seed)).is_err() {
                overflow();
            }
            byte_sum(text.into_bump_str())
        },
    );

    let mut bump: bump_scope::Bump = bump_scope::Bump::with_size(CAP);
    r.run(
        "bump-scope",
        #[inline(always)]
        |seed| {
            bump.reset();
            byte_sum(&bump.alloc_fmt(label!(seed)))
        },
    );
}

/// A bounded `fmt::Write` over a fixed buffer: the hand-written baseline for `fmt`.
struct Fixed {
    buf: [u8; 64],
    len: usize,
}

impl Fixed {
    fn as_str(&self) -> &str {
        // Only whole `str`s are copied in, so the bytes are UTF-8.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for Fixed {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cold]
#[inline(never)]
fn overflow() -> ! {
    panic!("a collection workload outgrew its fixed buffer")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records each variant's name and the checksum of one line.
    struct Record(Vec<(String, u32)>);

    impl Runner for Record {
        fn run(&mut self, variant: &str, mut per_line: impl FnMut(u32) -> u32) {
            let first = per_line(5);
            assert_eq!(
                first,
                per_line(5),
                "{variant}: a line must not depend on the one before"
            );
            self.0.push((variant.to_owned(), first));
        }
    }

    #[test]
    fn every_variant_collects_the_same_values() {
        for workload in Collection::ALL {
            for k in [0, 1, 64] {
                let mut record = Record(Vec::new());
                run(&mut record, workload, k);
                let names: Vec<&str> = record.0.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(names, workload.variants(), "{workload:?}");
                let expected = record.0[0].1;
                for (name, sum) in &record.0 {
                    assert_eq!(*sum, expected, "{workload:?}, k = {k}: {name}");
                }
            }
        }
    }

    #[test]
    fn the_collected_values_depend_on_the_line() {
        let input = input(64);
        let a: Vec<u32> = kept(&input, 0).collect();
        let b: Vec<u32> = kept(&input, 1).collect();
        assert!(!a.is_empty() && !b.is_empty());
        assert_eq!(a.len() + b.len(), 64);
    }
}
