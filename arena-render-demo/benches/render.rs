//! Render time against resvg: the built-in scene and every fixture, the arena renderer on
//! one thread and on all cores; and, for the built-in scene, the same renderer with per-line
//! `Vec`s instead of the arena (`baseline.rs`).
//!
//! `cargo bench -p arena-render-demo --bench render`; criterion prints each time, and the
//! ratios are the quotients of estimates from one run (the machine is shared and noisy;
//! compare only numbers from the same run). For the arena against `Vec`s, prefer
//! `--bench rows_interleaved`, which alternates the two so both see the same load.
//!
//! "arena" includes building the scene index from the parsed tree, as resvg's time includes
//! its pixmap; "arena: rows" is the rows alone, the part the arena serves.

use std::hint::black_box;
use std::path::Path;

use arena_render_demo::baseline::render_with_vecs;
use arena_render_demo::load::{self, Svg};
use arena_render_demo::{Geometry, RenderOptions, Renderer, Scene, render_reference};
use criterion::{Criterion, criterion_group, criterion_main};
use rayon::ThreadPool;

/// The fixtures are timed at this size, large enough that the rows dominate.
const FIXTURE_SIZE: u32 = 1024;

fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("worker threads start")
}

/// resvg, the arena renderer on one thread and on all cores, for one image.
fn against_resvg(c: &mut Criterion, name: &str, svg: &Svg, options: &RenderOptions) {
    let geometry = Geometry::of(&svg.tree, options).expect("the image has a size");
    let one = pool(1);
    let all = pool(0);
    let mut group = c.benchmark_group(format!("{name} {}x{}", geometry.width, geometry.height));
    group.bench_function("resvg", |b| {
        b.iter(|| render_reference(black_box(&svg.tree), &geometry, options));
    });
    for (label, pool) in [("arena, 1 thread", &one), ("arena, all cores", &all)] {
        group.bench_function(label, |b| {
            b.iter(|| {
                let scene = Scene::build(black_box(&svg.tree), options).expect("builds");
                Renderer::new(&scene)
                    .unwrap()
                    .render_in(pool)
                    .expect("within budget")
            });
        });
    }
    group.finish();
}

fn builtin_scene(c: &mut Criterion) {
    let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).expect("the built-in scene parses");
    let options = RenderOptions::default();
    against_resvg(c, "builtin scene", &svg, &options);

    let one = pool(1);
    let scene = Scene::build(&svg.tree, &options).expect("the built-in scene builds");
    let mut group = c.benchmark_group("builtin scene rows, 1 thread");
    group.bench_function("arena: rows", |b| {
        b.iter(|| {
            Renderer::new(black_box(&scene))
                .unwrap()
                .render_in(&one)
                .expect("within budget")
        });
    });
    group.bench_function("vecs: rows", |b| {
        b.iter(|| render_with_vecs(black_box(&scene), &one));
    });
    group.finish();
}

fn fixtures(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let files = load::svg_files(&dir).expect("the fixtures directory is readable");
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    let options = RenderOptions {
        size: Some(FIXTURE_SIZE),
        ..RenderOptions::default()
    };
    for file in files {
        let svg = load::load_file(&file).expect("the fixture loads");
        let name = file.file_stem().map_or_else(
            || file.display().to_string(),
            |s| s.to_string_lossy().into(),
        );
        against_resvg(c, &name, &svg, &options);
    }
}

criterion_group!(benches, builtin_scene, fixtures);
criterion_main!(benches);
