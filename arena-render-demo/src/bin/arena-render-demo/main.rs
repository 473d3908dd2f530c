//! `arena-render-demo`: render SVG files one scan-line at a time, with every per-line
//! temporary in a line arena; check the result against resvg; benchmark; show arena use.
//!
//! With no arguments it renders the built-in scene to `scene.png`.
#![forbid(unsafe_code)]

mod commands;

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arena_render_demo::fonts::Fonts;
use arena_render_demo::load::{self, LoadError, Svg};
use arena_render_demo::race::{Racers, Summary};
use arena_render_demo::{MAX_DIMENSION, RenderOptions};
use clap::{Parser, Subcommand};

/// Render SVG with a per-scan-line bump arena, and compare with resvg.
#[derive(Parser, Debug)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    /// Fit the output into a SIZE x SIZE box (1 to 16384; default: the SVG's own size).
    #[arg(long, global = true)]
    size: Option<u32>,
    /// Worker threads (default: one per core); an image too small to gain from them renders
    /// on one.
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// A directory of fonts (.ttf, .otf, .ttc) for text, besides the system's; may be given
    /// more than once.
    #[arg(long, global = true, value_name = "DIR")]
    font_dir: Vec<PathBuf>,
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

    fn load(&self, fonts: &Fonts) -> Result<Svg, LoadError> {
        match self {
            Source::Builtin => load::parse_with(load::BUILTIN_SCENE.as_bytes(), fonts, None),
            Source::File(p) => load::load_file_with(p, fonts),
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
    /// The fonts text is laid out with.
    fonts: Fonts,
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
    let fonts = if cli.font_dir.is_empty() {
        Fonts::system()
    } else {
        match Fonts::with_dirs(&cli.font_dir, true) {
            Ok(fonts) => fonts,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    let ctx = Ctx {
        fonts,
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
            Action::Render(output) => commands::render(&ctx, source, output.as_deref(), out_dir),
            Action::Check => commands::check(&ctx, source),
            Action::Bench(seconds) => match &mut race {
                Some((racers, summary)) => commands::bench(&ctx, racers, summary, *seconds, source),
                None => unreachable!("the racers start with the bench command"),
            },
            Action::Stats => commands::stats(&ctx, source),
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
