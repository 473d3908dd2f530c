//! Render time of the built-in scene: the arena renderer against resvg, and against the same
//! renderer with per-line `Vec`s instead of the arena. All on one thread, so the ratios
//! compare the renderers and not the core count.
//!
//! `cargo bench -p arena-render-demo`; criterion prints each time, and the ratios are the
//! quotients of the three estimates of one run (the machine is shared and noisy; compare
//! only numbers from the same run).

use std::hint::black_box;

use arena_render_demo::baseline::render_with_vecs;
use arena_render_demo::{Geometry, RenderOptions, Scene, load, render_reference};
use criterion::{Criterion, criterion_group, criterion_main};

fn builtin_scene(c: &mut Criterion) {
    let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).expect("the built-in scene parses");
    let options = RenderOptions::default();
    let geometry = Geometry::of(&svg.tree, &options).expect("the built-in scene has a size");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("one worker thread");
    let scene = Scene::build(&svg.tree, &options).expect("the built-in scene builds");

    let mut group = c.benchmark_group("builtin scene 640x480, 1 thread");
    group.bench_function("resvg", |b| {
        b.iter(|| render_reference(black_box(&svg.tree), &geometry, &options));
    });
    group.bench_function("arena: index + rows", |b| {
        b.iter(|| {
            let scene = Scene::build(black_box(&svg.tree), &options).expect("builds");
            scene.render_in(&pool).expect("within budget")
        });
    });
    group.bench_function("arena: rows", |b| {
        b.iter(|| black_box(&scene).render_in(&pool).expect("within budget"));
    });
    group.bench_function("vecs: rows", |b| {
        b.iter(|| render_with_vecs(black_box(&scene), &pool));
    });
    group.finish();
}

criterion_group!(benches, builtin_scene);
criterion_main!(benches);
