//! Wall-clock cost of a scan-line of allocations: arena-core against a hand-written minimal
//! bump and the usual alternatives, all in one run.
//!
//! Each benchmark iteration is one line: reset, allocate `K` objects, write them, keep a
//! pointer to each, sum a field through the pointers. Groups are `<workload>/k<K>` with one
//! function per allocator; `line` is `line()` alone. Criterion's throughput is per object.
//! `bench/criterion_ratios.py` turns the results into ratios to the minimal bump, the only
//! figure worth comparing on a shared machine (see BENCHMARKS.md). Instruction counts, the
//! deterministic figure, come from `bench/icount.sh` over the same workloads.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};

use bench_workloads::{Runner, Workload};

/// Objects per line.
const KS: [usize; 2] = [64, 1024];

/// Registers each variant as a function of one criterion group.
struct GroupRunner<'a, 'c> {
    group: &'a mut BenchmarkGroup<'c, WallTime>,
}

impl Runner for GroupRunner<'_, '_> {
    fn run(&mut self, variant: &str, mut per_line: impl FnMut(u32) -> u32) {
        let mut seed = 0u32;
        self.group.bench_function(variant, |b| {
            b.iter(|| {
                seed = seed.wrapping_add(1);
                per_line(black_box(seed))
            });
        });
    }
}

fn lines(c: &mut Criterion) {
    for workload in Workload::ALL {
        let ks: &[usize] = if workload == Workload::Empty {
            &[1]
        } else {
            &KS
        };
        for &k in ks {
            let name = match workload {
                Workload::Empty => workload.name().to_owned(),
                _ => format!("{}/k{k}", workload.name()),
            };
            let mut group = c.benchmark_group(name);
            if workload != Workload::Empty {
                group.throughput(Throughput::Elements(k as u64));
            }
            bench_workloads::run_all(&mut GroupRunner { group: &mut group }, workload, k);
            group.finish();
        }
    }
}

criterion_group! {
    name = benches;
    // 80 benchmarks: short defaults keep a full run near five minutes; the command line
    // (`--warm-up-time`, `--measurement-time`) overrides them.
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = lines
}
criterion_main!(benches);
