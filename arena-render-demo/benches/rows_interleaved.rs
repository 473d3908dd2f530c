//! The arena's cost inside the renderer, in wall-clock: the rows of the built-in scene
//! rendered with the arena and with per-line `Vec`s (`baseline.rs`), alternately, so both
//! see the same machine load. Criterion times one function after the other, and on a shared
//! 2-core machine the load can change between the two.
//!
//! `cargo bench -p arena-render-demo --bench rows_interleaved [-- PAIRS]` (default 300
//! pairs, one thread). Prints the best and the median time of each, and the median of the
//! per-pair ratios (`Vec` time over arena time; above 1 means the arena is faster).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use arena_render_demo::baseline::render_with_vecs;
use arena_render_demo::{RenderOptions, Renderer, Scene, load};

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the only other argument is the number of pairs.
    let pairs = match std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        None => 300,
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("rows_interleaved: PAIRS must be a positive integer, got {arg:?}");
                return ExitCode::from(2);
            }
        },
    };
    let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).expect("the built-in scene parses");
    let options = RenderOptions::default();
    let scene = Scene::build(&svg.tree, &options).expect("the built-in scene builds");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("one worker thread");

    let time = |f: &dyn Fn()| {
        let start = Instant::now();
        f();
        start.elapsed()
    };
    let arena = || {
        black_box(
            Renderer::new(black_box(&scene))
                .unwrap()
                .render_in(&pool)
                .expect("within budget"),
        );
    };
    let vecs = || {
        black_box(render_with_vecs(black_box(&scene), &pool));
    };
    // Warm-up: caches, the thread pool, the allocator's free lists.
    for _ in 0..20 {
        arena();
        vecs();
    }

    let mut arena_ms = Vec::with_capacity(pairs);
    let mut vecs_ms = Vec::with_capacity(pairs);
    let mut ratios = Vec::with_capacity(pairs);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    for i in 0..pairs {
        // Alternate which goes first, so neither always follows the other.
        let (a, v) = if i % 2 == 0 {
            let a = time(&arena);
            (a, time(&vecs))
        } else {
            let v = time(&vecs);
            (time(&arena), v)
        };
        arena_ms.push(ms(a));
        vecs_ms.push(ms(v));
        ratios.push(ms(v) / ms(a));
    }
    let best = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
    let (arena_best, vecs_best) = (best(&arena_ms), best(&vecs_ms));
    println!("rows of the built-in scene, 1 thread, {pairs} interleaved pairs");
    println!(
        "arena: best {arena_best:.3} ms, median {:.3} ms",
        median(&mut arena_ms)
    );
    println!(
        "vecs:  best {vecs_best:.3} ms, median {:.3} ms",
        median(&mut vecs_ms)
    );
    println!(
        "vecs / arena: {:.2}x (best), {:.2}x (median of per-pair ratios)",
        vecs_best / arena_best,
        median(&mut ratios)
    );
    ExitCode::SUCCESS
}
