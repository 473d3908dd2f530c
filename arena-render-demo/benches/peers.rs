//! The scan-line renderer against resvg and vello_cpu, per corpus: the built-in scene, the
//! fixtures at 1024 px, and Debian icon themes at 256 and 1024 px when installed
//! (`/usr/share/icons/Adwaita/scalable/*`, `/usr/share/icons/Papirus/64x64/*`, and those
//! Papirus icons that have gradients). Every renderer draws from the same parsed tree,
//! interleaved in shuffled rounds on 1 thread and on all cores, with the scene build
//! included ([`arena_render_demo::race`]).
//!
//! `cargo bench -p arena-render-demo --bench peers [-- SECONDS [ICONS]]`: SECONDS of timing
//! per image (default 0.3), at most ICONS icons per theme (default 120, spread evenly over
//! the sorted list). Prints, per corpus, the geometric mean and the median of the per-image
//! time ratios vello_cpu/ours and resvg/ours (above 1: ours is faster).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use arena_render_demo::RenderOptions;
use arena_render_demo::load::{self, Svg};
use arena_render_demo::race::{Racers, Summary};

/// The `.svg` files (not symbolic links: themes alias icons) in the subdirectories of
/// `root` that `keep` accepts, sorted; at most `limit`, evenly spread over the list.
fn icons(root: &Path, limit: usize, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(dirs) = std::fs::read_dir(root) else {
        return files;
    };
    for dir in dirs.flatten().map(|e| e.path()).filter(|p| p.is_dir()) {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let svg = path.extension().is_some_and(|e| e == "svg");
            if svg
                && entry.file_type().is_ok_and(|t| t.is_file())
                && std::fs::read_to_string(&path).is_ok_and(|text| keep(&text))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    if files.len() > limit {
        let n = files.len();
        files = (0..limit).map(|i| files[i * n / limit].clone()).collect();
    }
    files
}

fn corpus(
    racers: &mut Racers,
    name: &str,
    svgs: &[(String, Svg)],
    size: Option<u32>,
    seconds: f64,
) {
    if svgs.is_empty() {
        println!("{name}: not installed, skipped");
        return;
    }
    let options = RenderOptions {
        size,
        ..RenderOptions::default()
    };
    let mut summary = Summary::default();
    for (file, svg) in svgs {
        match racers.race(&svg.tree, &options, Duration::from_secs_f64(seconds)) {
            Ok(t) => summary.add(&t),
            Err(e) => eprintln!("{file}: {e}"),
        }
    }
    print!("{name}: {summary}");
}

fn parse_all(files: &[PathBuf]) -> Vec<(String, Svg)> {
    files
        .iter()
        .filter_map(|f| {
            let svg = load::load_file(f).ok()?;
            Some((f.display().to_string(), svg))
        })
        .collect()
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the other arguments are positional.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let seconds = match args.first().map(|a| a.parse::<f64>()) {
        None => 0.3,
        Some(Ok(s)) if s.is_finite() && s >= 0.0 => s,
        Some(_) => {
            eprintln!(
                "peers: SECONDS must be a non-negative number, got {:?}",
                args[0]
            );
            return ExitCode::from(2);
        }
    };
    let limit = match args.get(1).map(|a| a.parse::<usize>()) {
        None => 120,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("peers: ICONS must be a positive integer, got {:?}", args[1]);
            return ExitCode::from(2);
        }
    };
    let mut racers = Racers::new(0).expect("worker threads start");
    println!(
        "ours on 1 and {} threads; per image: {seconds} s of shuffled rounds",
        racers.threads()
    );
    let builtin = load::parse(load::BUILTIN_SCENE.as_bytes()).expect("the built-in scene parses");
    corpus(
        &mut racers,
        "built-in scene",
        &[("built-in".into(), builtin)],
        None,
        seconds,
    );
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let fixtures = parse_all(&load::svg_files(&fixtures).expect("the fixtures are readable"));
    corpus(
        &mut racers,
        "fixtures at 1024 px",
        &fixtures,
        Some(1024),
        seconds,
    );
    // (name, directory, whether to keep only the icons with gradients)
    let themes = [
        ("Adwaita", "/usr/share/icons/Adwaita/scalable", false),
        ("Papirus", "/usr/share/icons/Papirus/64x64", false),
        (
            "Papirus with gradients",
            "/usr/share/icons/Papirus/64x64",
            true,
        ),
    ];
    for (theme, root, gradients) in themes {
        let keep = |text: &str| !gradients || text.contains("Gradient");
        let svgs = parse_all(&icons(Path::new(root), limit, keep));
        for size in [256, 1024] {
            let name = format!("{theme} icons ({}) at {size} px", svgs.len());
            corpus(&mut racers, &name, &svgs, Some(size), seconds);
        }
    }
    ExitCode::SUCCESS
}
