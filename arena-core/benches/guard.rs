//! What the stale-pointer guard costs: one scan-line with the guard off and on, as a function
//! of the bytes the line uses.
//!
//! Each iteration is one line: `line()` (with the guard on, this poisons the previous line's
//! bytes, protects its pages and reopens the next buffer of the ring), then an allocation of
//! `used` bytes that the line writes:
//!
//! - `guard-touch/<used>`: one byte per 4 KiB page, so the guard's work stands out;
//! - `guard-fill/<used>`: every byte, as a line that really uses its memory does.
//!
//! Functions: `off` (one buffer), `on2` and `on4` (rings of 2 and 4 buffers). Compare the
//! functions of one group against `off`, measured in the same run: on a shared machine only
//! the ratio means something. Run with
//! `cargo bench -p arena-core --bench guard -- --warm-up-time 1 --measurement-time 2`.

use std::hint::black_box;

use arena_core::{Guard, ScanArena};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Bytes used per line.
const USED: [usize; 3] = [4 << 10, 64 << 10, 1 << 20];

const GUARDS: [(&str, Guard); 3] = [
    ("off", Guard::Off),
    ("on2", Guard::On { buffers: 2 }),
    ("on4", Guard::On { buffers: 4 }),
];

/// One scan-line that uses `used` bytes and writes one byte of each page of them.
fn touch_line(arena: &mut ScanArena, used: usize) {
    let line = arena.line();
    let row = line.alloc_slice_uninit::<u8>(used);
    for byte in row.iter_mut().step_by(4096) {
        byte.write(1);
    }
    black_box(row.as_mut_ptr());
}

/// One scan-line that uses `used` bytes and writes them all.
fn fill_line(arena: &mut ScanArena, used: usize) {
    let line = arena.line();
    let row = line.alloc_slice_fill_copy(used, 1u8);
    black_box(row.as_mut_ptr());
}

fn bench(c: &mut Criterion, group_name: &str, one_line: fn(&mut ScanArena, usize)) {
    let mut group = c.benchmark_group(group_name);
    for used in USED {
        group.throughput(Throughput::Bytes(used as u64));
        for (name, guard) in GUARDS {
            let mut arena = ScanArena::builder().capacity(used).guard(guard).build();
            group.bench_with_input(BenchmarkId::new(name, used), &used, |b, &used| {
                b.iter(|| one_line(&mut arena, used));
            });
        }
    }
    group.finish();
}

fn touch(c: &mut Criterion) {
    bench(c, "guard-touch", touch_line);
}

fn fill(c: &mut Criterion) {
    bench(c, "guard-fill", fill_line);
}

criterion_group!(guard, touch, fill);
criterion_main!(guard);
