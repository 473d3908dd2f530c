//! `arena-render-demo`: render SVG files one scan-line at a time, with every per-line
//! temporary in a line arena; check the result against resvg; benchmark; show arena use.
//!
//! With no arguments it renders the built-in scene to `scene.png`.
#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use arena_render_demo::load::{self, LoadError, Svg};
use arena_render_demo::race::{Racer, Racers, Summary};
use arena_render_demo::{
    Comparison, Geometry, LineUse, MAX_DIMENSION, RenderOptions, Scene, render_reference,
};
use clap::{Parser, Subcommand};

/// Render SVG with a per-scan-line bump arena, and compare with resvg.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Fit the output into a SIZE x SIZE box (1 to 16384; default: the SVG's own size).
    #[arg(long, global = true)]
    size: Option<u32>,
    /// Worker threads (default: one per core).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Option<Command>,
    /// The SVG file or directory to render (default: the built-in scene).
    input: Option<PathBuf>,
    /// Where to write the PNG (a directory for a directory input).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render SVG to PNG (the default command).
    Render {
        /// The SVG file or directory (default: the built-in scene).
        input: Option<PathBuf>,
        /// Output PNG (default: the input with a .png extension, or scene.png), or a
        /// directory.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Render with resvg too and compare pixel by pixel; exit non-zero if any image fails.
    Check {
        /// The SVG file or directory (default: the built-in scene).
        input: Option<PathBuf>,
    },
    /// Time the renderer against resvg (and vello_cpu, with the `vello` feature) in this
    /// process, on 1 thread and on all of them; summarise a directory.
    Bench {
        /// The SVG file or directory (default: the built-in scene).
        input: Option<PathBuf>,
        /// Seconds of timing per image (at least 5 rounds, at most 200).
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
    },
    /// Show per-line arena use: histogram, budget, peak.
    Stats {
        /// The SVG file (default: the built-in scene).
        input: Option<PathBuf>,
    },
}

/// One SVG to process.
enum Source {
    Builtin,
    File(PathBuf),
}

impl Source {
    fn name(&self) -> String {
        match self {
            Source::Builtin => "built-in scene".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    fn load(&self) -> Result<Svg, LoadError> {
        match self {
            Source::Builtin => load::parse(load::BUILTIN_SCENE.as_bytes()),
            Source::File(p) => load::load_file(p),
        }
    }
}

/// A problem with one input, reported as `error: NAME: MESSAGE`.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

struct Ctx {
    options: RenderOptions,
    /// The worker pool, started once for all inputs.
    pool: rayon::ThreadPool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let threads = match cli.threads {
        Some(0) | None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        Some(n) => n,
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: cannot start {threads} worker threads: {e}; try --threads 1");
            return ExitCode::FAILURE;
        }
    };
    let ctx = Ctx {
        options: RenderOptions {
            size: cli.size,
            ..RenderOptions::default()
        },
        pool,
    };
    let (command, input) = match cli.command {
        Some(Command::Render { input, output }) => (Action::Render(output), input),
        Some(Command::Check { input }) => (Action::Check, input),
        Some(Command::Bench { input, seconds }) => (Action::Bench(seconds), input),
        Some(Command::Stats { input }) => (Action::Stats, input),
        None => (Action::Render(cli.output), cli.input),
    };
    let name = input
        .as_ref()
        .map_or_else(|| "built-in scene".to_string(), |p| p.display().to_string());
    if let Some(size) = cli.size
        && (size == 0 || size > MAX_DIMENSION)
    {
        eprintln!(
            "error: {name}: --size {size} is out of range: give a size from 1 to \
             {MAX_DIMENSION} pixels"
        );
        return ExitCode::FAILURE;
    }
    let sources = match expand(input.as_deref(), matches!(command, Action::Stats)) {
        Ok(s) => s,
        Err(Failure(msg)) => {
            eprintln!("error: {name}: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let mut race = match command {
        Action::Bench(seconds) if !(seconds.is_finite() && seconds >= 0.0) => {
            eprintln!("error: --seconds {seconds}: give a number of seconds, 0 or more");
            return ExitCode::FAILURE;
        }
        Action::Bench(_) => match Racers::new(threads) {
            Ok(racers) => Some((racers, Summary::default())),
            Err(e) => {
                eprintln!("error: cannot start {threads} worker threads: {e}; try --threads 1");
                return ExitCode::FAILURE;
            }
        },
        _ => None,
    };
    let out_dir = input.as_deref().is_some_and(Path::is_dir);
    let progress = Progress::new(sources.len(), out_dir);
    let mut ok = true;
    for (i, source) in sources.iter().enumerate() {
        progress.show(i, source);
        let result = match &command {
            Action::Render(output) => render(&ctx, source, output.as_deref(), out_dir),
            Action::Check => check(&ctx, source),
            Action::Bench(seconds) => match &mut race {
                Some((racers, summary)) => bench(&ctx, racers, summary, *seconds, source),
                None => unreachable!("the racers start with the bench command"),
            },
            Action::Stats => stats(&ctx, source),
        };
        if let Err(Failure(msg)) = result {
            progress.clear();
            eprintln!("error: {}: {msg}", source.name());
            ok = false;
        }
    }
    progress.clear();
    if let Some((_, summary)) = &race
        && sources.len() > 1
    {
        print!("summary: {summary}");
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

enum Action {
    Render(Option<PathBuf>),
    Check,
    /// Seconds per image.
    Bench(f64),
    Stats,
}

/// The SVGs an input names: the built-in scene, one file, or the `.svg` files of a directory.
fn expand(input: Option<&Path>, file_only: bool) -> Result<Vec<Source>, Failure> {
    let Some(path) = input else {
        return Ok(vec![Source::Builtin]);
    };
    if !path.is_dir() {
        return Ok(vec![Source::File(path.to_path_buf())]);
    }
    if file_only {
        return Err(Failure("is a directory, expected an .svg file".into()));
    }
    let files = load::svg_files(path).map_err(|e| Failure(format!("cannot list: {e}")))?;
    if files.is_empty() {
        return Err(Failure("the directory has no .svg files".into()));
    }
    Ok(files.into_iter().map(Source::File).collect())
}

/// A one-line progress indicator on stderr, for directories, when stderr is a terminal.
struct Progress {
    total: usize,
    enabled: bool,
}

impl Progress {
    fn new(total: usize, directory: bool) -> Self {
        Progress {
            total,
            enabled: directory && std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, done: usize, next: &Source) {
        if self.enabled {
            let width = 30;
            let filled = done * width / self.total.max(1);
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(width - filled));
            eprint!("\r\x1b[2K[{bar}] {done}/{} {}", self.total, next.name());
            let _ = std::io::stderr().flush();
        }
    }

    fn clear(&self) {
        if self.enabled {
            eprint!("\r\x1b[2K");
        }
    }
}

/// Loads, warns about what is skipped, and builds the scene index.
fn prepare(ctx: &Ctx, source: &Source) -> Result<(Svg, Scene, Geometry), Failure> {
    let svg = source.load()?;
    let geometry = Geometry::of(&svg.tree, &ctx.options)?;
    let mut scene = Scene::build(&svg.tree, &ctx.options)?;
    if svg.has_text {
        scene.note_unsupported("text");
    }
    let skipped: Vec<_> = scene.unsupported().collect();
    if !skipped.is_empty() {
        eprintln!(
            "warning: {}: skipped unsupported SVG features: {}",
            source.name(),
            skipped.join(", ")
        );
    }
    if scene.is_blank() {
        eprintln!(
            "warning: {}: no renderable content; the image is blank",
            source.name()
        );
    }
    Ok((svg, scene, geometry))
}

fn output_path(source: &Source, output: Option<&Path>, dir_input: bool) -> PathBuf {
    let stem = match source {
        Source::Builtin => PathBuf::from("scene"),
        Source::File(p) => PathBuf::from(p.file_stem().unwrap_or_default()),
    };
    let file_name = stem.with_extension("png");
    match (output, source) {
        (Some(out), _) if dir_input || out.is_dir() => out.join(file_name),
        (Some(out), _) => out.to_path_buf(),
        (None, Source::Builtin) => file_name,
        (None, Source::File(p)) => p.with_extension("png"),
    }
}

fn render(
    ctx: &Ctx,
    source: &Source,
    output: Option<&Path>,
    dir_input: bool,
) -> Result<(), Failure> {
    let out = output_path(source, output, dir_input);
    if let Source::File(input) = source
        && out == *input
    {
        return Err(Failure(format!(
            "the output {} would overwrite the input; name another with -o",
            out.display()
        )));
    }
    if dir_input && let Some(dir) = output {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure(format!("cannot create {}: {e}", dir.display())))?;
    }
    let start = Instant::now();
    let (_svg, scene, _) = prepare(ctx, source)?;
    let built = start.elapsed();
    let (image, use_) = scene.render_in(&ctx.pool)?;
    let total = start.elapsed();
    image
        .write_png(&out)
        .map_err(|e| Failure(format!("cannot write {}: {e}", out.display())))?;
    println!(
        "{}: {}x{} px in {} (parse + scene index {}, rows {}) on {} thread{}; line arena \
         budget {} B, peak {} B ({:.0}%)",
        out.display(),
        scene.width(),
        scene.height(),
        ms(total),
        ms(built),
        ms(total - built),
        use_.arenas,
        if use_.arenas == 1 { "" } else { "s" },
        use_.budget,
        use_.peak,
        percent(use_.peak, use_.budget),
    );
    Ok(())
}

fn check(ctx: &Ctx, source: &Source) -> Result<(), Failure> {
    let (svg, scene, geometry) = prepare(ctx, source)?;
    let (image, _) = scene.render_in(&ctx.pool)?;
    let reference = render_reference(&svg.tree, &geometry, &ctx.options);
    let c = Comparison::of(&image, &reference);
    println!(
        "{}: {}x{}: max diff {} (limit {}), edge MAE {:.2} over {} px (limit {}), PSNR {:.1} dB: \
         {}",
        source.name(),
        image.width,
        image.height,
        c.max_diff,
        Comparison::MAX_DIFF,
        c.edge_mae,
        c.edge_pixels,
        Comparison::MAX_EDGE_MAE,
        c.psnr,
        if c.passes() { "pass" } else { "FAIL" }
    );
    if c.passes() {
        Ok(())
    } else {
        Err(Failure("differs from resvg beyond the limits".into()))
    }
}

fn bench(
    ctx: &Ctx,
    racers: &mut Racers,
    summary: &mut Summary,
    seconds: f64,
    source: &Source,
) -> Result<(), Failure> {
    let (svg, scene, _) = prepare(ctx, source)?;
    // Our time includes building the scene index from the parsed tree, as resvg's includes
    // its pixmap and vello_cpu's its strips; `race` interleaves the renderers in shuffled
    // rounds so that noise hits them all alike.
    let t = racers.race(&svg.tree, &ctx.options, Duration::from_secs_f64(seconds))?;
    summary.add(&t);
    let mut line = format!(
        "{}: {}x{}, best (median) of {} rounds:",
        source.name(),
        scene.width(),
        scene.height(),
        t.rounds
    );
    for &r in racers.racers() {
        if let (Some(best), Some(median)) = (t.best[r as usize], t.median[r as usize]) {
            let _ = write!(line, " {} {} ({});", r.label(), ms(best), ms(median));
        }
    }
    let threads = racers.threads();
    let plural = if threads == 1 { "" } else { "s" };
    let resvg = |ours| t.ratio(Racer::Resvg, ours).unwrap_or(f64::NAN);
    let _ = write!(
        line,
        " arena 1 thread = {:.2}x resvg's speed, {threads} thread{plural} = {:.2}x",
        resvg(Racer::OursOne),
        resvg(Racer::OursAll)
    );
    if let (Some(one), Some(all)) = (
        t.ratio(Racer::VelloOne, Racer::OursOne),
        t.ratio(Racer::VelloAll, Racer::OursAll),
    ) {
        let _ = write!(line, "; {one:.2}x vello_cpu's, {all:.2}x");
    }
    let failed: Vec<_> = t.failures().map(Racer::label).collect();
    if !failed.is_empty() {
        let _ = write!(
            line,
            " [FAILS the check against resvg: {}; left out of the summary]",
            failed.join(", ")
        );
    }
    println!("{line}");
    Ok(())
}

fn stats(ctx: &Ctx, source: &Source) -> Result<(), Failure> {
    let (_svg, scene, _) = prepare(ctx, source)?;
    let (_, use_) = scene.render_in(&ctx.pool)?;
    let p = scene.params();
    let peak_row = use_
        .per_row
        .iter()
        .enumerate()
        .max_by_key(|(_, b)| **b)
        .map_or(0, |(y, _)| y);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}x{} px, {} paths, {} edges",
        source.name(),
        scene.width(),
        scene.height(),
        scene.fill_count(),
        scene.edge_count()
    );
    let _ = writeln!(
        out,
        "scene parameters: width {}, widest row span {} px, most edges of one path on a row \
         {}, most crossings on a sub-scanline {}, layer depth {} ({} layer px at most)",
        p.width,
        p.max_row_span,
        p.max_row_edges,
        p.max_sub_crossings,
        p.max_depth,
        p.max_layer_pixels
    );
    let _ = writeln!(out, "line budget: {} B", use_.budget);
    let _ = writeln!(
        out,
        "peak: {} B on row {peak_row} ({:.1}% of the budget; peak/budget = {:.3})",
        use_.peak,
        percent(use_.peak, use_.budget),
        use_.peak as f64 / use_.budget.max(1) as f64
    );
    let _ = writeln!(
        out,
        "bytes per line (histogram of {} rows):",
        use_.per_row.len()
    );
    histogram(&mut out, &use_);
    print!("{out}");
    Ok(())
}

/// Ten buckets from zero to the budget, with a bar per bucket.
fn histogram(out: &mut String, use_: &LineUse) {
    const BUCKETS: usize = 10;
    let mut counts = [0usize; BUCKETS];
    let budget = use_.budget.max(1);
    for &b in &use_.per_row {
        counts[(b * BUCKETS / budget).min(BUCKETS - 1)] += 1;
    }
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    for (i, &n) in counts.iter().enumerate() {
        let (lo, hi) = (budget * i / BUCKETS, budget * (i + 1) / BUCKETS);
        let bar = "#".repeat(n * 40 / most + usize::from(n > 0 && n * 40 < most));
        let _ = writeln!(out, "  {lo:>9} ..{hi:>9} B {n:>6} {bar}");
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}
