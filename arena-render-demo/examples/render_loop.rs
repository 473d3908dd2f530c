//! Renders every SVG of a directory over and over with one renderer, and prints the time per
//! image: the loop BENCHMARKS.md's A/B comparisons of two builds run, one build after the
//! other in turn (two processes, so that each build's code is all its own).
//!
//! ```text
//! cargo run --release -p arena-render-demo --features vello --example render_loop -- \
//!     ours|vello|build DIR SIZE SECONDS|PASSESx
//! ```
//!
//! `ours` and `vello` time what the `bench` command times for them on one thread
//! ([`Racers::run`] with `OursOne` or `VelloOne`: the scene build and the render, from the
//! same parsed tree), `build` the scene build alone; the SVGs
//! are parsed once, before the clock starts. `SECONDS` (such as `2`) runs for that long;
//! `PASSESx` (such as `20x`) runs that many passes over the directory, for instruction
//! counts under callgrind or cachegrind.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use arena_render_demo::load::{self, Svg};
use arena_render_demo::race::{Racer, Racers};
use arena_render_demo::{Geometry, RenderOptions, Scene};

const USAGE: &str = "usage: render_loop ours|vello|build DIR SIZE SECONDS|PASSESx";

/// What to time.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ours,
    Vello,
    Build,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Ours => "ours",
            Mode::Vello => "vello",
            Mode::Build => "build",
        }
    }
}

/// How long to run.
enum Span {
    Seconds(f64),
    Passes(u64),
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, dir, size, span] = &args[..] else {
        return Err(format!("expected 4 arguments, got {}", args.len()));
    };
    let mode = match mode.as_str() {
        "ours" => Mode::Ours,
        "vello" => Mode::Vello,
        "build" => Mode::Build,
        other => {
            return Err(format!(
                "unknown renderer {other:?}: give ours, vello or build"
            ));
        }
    };
    let size: u32 = size
        .parse()
        .ok()
        .filter(|s| (1..=4096).contains(s))
        .ok_or_else(|| format!("SIZE {size:?} is not a number from 1 to 4096"))?;
    let span = match span.strip_suffix('x') {
        Some(passes) => passes.parse().ok().filter(|&p| p > 0).map(Span::Passes),
        None => span
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0)
            .map(Span::Seconds),
    }
    .ok_or_else(|| format!("{span:?} is neither SECONDS (such as 2) nor PASSESx (such as 20x)"))?;
    let options = RenderOptions {
        size: Some(size),
        ..RenderOptions::default()
    };
    let files = load::svg_files(&PathBuf::from(dir)).map_err(|e| format!("{dir}: {e}"))?;
    let svgs: Vec<Svg> = files
        .iter()
        .map(|f| load::load_file(f).map_err(|e| format!("{}: {e}", f.display())))
        .collect::<Result<_, _>>()?;
    if svgs.is_empty() {
        return Err(format!("{dir} holds no SVG file"));
    }
    let mut racers = Racers::new(1).map_err(|e| e.to_string())?;
    let geometry = |svg: &Svg| Geometry::of(&svg.tree, &options).map_err(|e| e.to_string());
    // One byte of each image, summed and printed, so that no render can be left out.
    let mut sink = 0u64;
    let (start, mut images, mut passes) = (Instant::now(), 0u64, 0u64);
    loop {
        let done = match span {
            Span::Seconds(s) => start.elapsed().as_secs_f64() >= s,
            Span::Passes(p) => passes >= p,
        };
        if done {
            break;
        }
        for svg in &svgs {
            let byte = match mode {
                Mode::Build => {
                    let scene = Scene::build(&svg.tree, &options).map_err(|e| e.to_string())?;
                    u64::from(scene.width())
                }
                Mode::Ours | Mode::Vello => {
                    let racer = if mode == Mode::Ours {
                        Racer::OursOne
                    } else {
                        Racer::VelloOne
                    };
                    let image = racers
                        .run(racer, &svg.tree, &geometry(svg)?, &options)
                        .map_err(|e| e.to_string())?;
                    image
                        .data
                        .get(image.data.len() / 2)
                        .copied()
                        .map_or(0, u64::from)
                }
            };
            sink = sink.wrapping_add(byte);
            images += 1;
        }
        passes += 1;
    }
    let us = start.elapsed().as_secs_f64() * 1e6 / images as f64;
    println!("{} {us:.1} us/image n={images} sink={sink}", mode.name());
    Ok(())
}
