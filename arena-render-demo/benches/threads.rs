//! Where the time of a large image goes on one thread and on two (issue 13): the whole
//! `render_in` on a pool of 1 and of 2 threads, the same rows through `render_row` on 2
//! threads into a buffer whose pages are already mapped, `render_into` an image kept from
//! round to round on 1 and on 2 threads, and the first touch of a freshly allocated zeroed
//! image (one write per 4 KiB page) on 1 and on 2 threads. Every round
//! runs each variant once, in an order rotated per round, so all see the same machine load.
//!
//! `cargo bench -p arena-render-demo --bench threads [-- SIZE [ROUNDS]]` (default 4096 px,
//! 15 rounds; the built-in scene fitted into SIZE x SIZE). Prints per variant the best and
//! the median time and the median of the minor page faults it took (from
//! `/proc/self/stat`; `-` where that file is not readable).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use arena_core::LinePool;
use arena_render_demo::{Image, RenderOptions, Renderer, Scene, load};
use rayon::prelude::*;

/// The bytes one page fault maps (the x86-64 base page).
const PAGE: usize = 4096;

/// Minor page faults of this process so far: field 10 of `/proc/self/stat`, counted after
/// the command name, which is in parentheses and may hold spaces.
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(7)?.parse().ok()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Writes one byte into every page of a fresh image, on the calling pool's threads, each
/// taking contiguous bands of rows (as `par_chunks_mut` splits them).
fn first_touch(width: u32, height: u32, pool: &rayon::ThreadPool) -> Image {
    let mut image = Image::new(width, height);
    pool.install(|| {
        image.data.par_chunks_mut(PAGE).for_each(|page| page[0] = 1);
    });
    image
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the other arguments are the size and the rounds.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let number = |i: usize, default: usize, what: &str| match args.get(i) {
        None => Ok(default),
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "threads: {what} must be a positive integer, got {arg:?}"
            )),
        },
    };
    let (size, rounds) = match (number(0, 4096, "SIZE"), number(1, 15, "ROUNDS")) {
        (Ok(size), Ok(rounds)) => (size, rounds),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let Ok(size) = u32::try_from(size) else {
        eprintln!("threads: SIZE {size} is too large");
        return ExitCode::from(2);
    };
    let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).expect("the built-in scene parses");
    let options = RenderOptions {
        size: Some(size),
        ..RenderOptions::default()
    };
    let scene = Scene::build(&svg.tree, &options).expect("the built-in scene builds");
    let renderer = Renderer::new(&scene).expect("the renderer is made");
    let (width, height) = (scene.width(), scene.height());
    let pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("worker threads start")
    };
    let (one, two) = (pool(1), pool(2));
    // The warm buffer of the `render_row` variant: its pages are mapped before timing.
    let mut warm = vec![1u8; width as usize * height as usize * 4];
    let lines = LinePool::try_new(2, renderer.budget()).expect("the line arenas are made");
    // The images `render_into` reuses from round to round, one per pool.
    let mut kept = [Image::new(0, 0), Image::new(0, 0)];

    let names = [
        "render_in, 1 thread",
        "render_in, 2 threads",
        "render_row, 2 threads, mapped buffer",
        "render_into, 1 thread, kept image",
        "render_into, 2 threads, kept image",
        "Image::new + first touch, 1 thread",
        "Image::new + first touch, 2 threads",
    ];
    let mut run = |variant: usize| match variant {
        0 => drop(black_box(renderer.render_in(&one).expect("within budget"))),
        1 => drop(black_box(renderer.render_in(&two).expect("within budget"))),
        2 => two
            .install(|| {
                let rows = warm.par_chunks_mut(width as usize * 4);
                lines.try_par_lines(rows, |y, out, line| {
                    renderer.render_row(y as u32, line, out).map(drop)
                })
            })
            .expect("within budget"),
        3 => drop(black_box(
            renderer
                .render_into(&one, &mut kept[0])
                .expect("within budget"),
        )),
        4 => drop(black_box(
            renderer
                .render_into(&two, &mut kept[1])
                .expect("within budget"),
        )),
        5 => drop(black_box(first_touch(width, height, &one))),
        _ => drop(black_box(first_touch(width, height, &two))),
    };
    // Warm-up: the pools' threads, the allocator, the caches.
    for variant in 0..names.len() {
        run(variant);
    }
    let mut times = vec![Vec::with_capacity(rounds); names.len()];
    let mut faults = vec![Vec::with_capacity(rounds); names.len()];
    for round in 0..rounds {
        for k in 0..names.len() {
            let variant = (round + k) % names.len();
            let before = minor_faults();
            let start = Instant::now();
            run(variant);
            let elapsed = start.elapsed().as_secs_f64() * 1e3;
            times[variant].push(elapsed);
            if let (Some(a), Some(b)) = (before, minor_faults()) {
                faults[variant].push((b - a) as f64);
            }
        }
    }
    println!("built-in scene at {width}x{height} px, {rounds} rounds");
    for (variant, name) in names.iter().enumerate() {
        let best = times[variant].iter().copied().fold(f64::INFINITY, f64::min);
        let faults = if faults[variant].is_empty() {
            "-".to_string()
        } else {
            format!("{:.0}", median(&mut faults[variant]))
        };
        println!(
            "{name:<38} best {best:8.2} ms, median {:8.2} ms, minor faults {faults}",
            median(&mut times[variant])
        );
    }
    ExitCode::SUCCESS
}
