//! The commands: render, check against resvg, bench against resvg, and arena statistics.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use arena_render_demo::race::{Racer, Racers, Summary};

use arena_render_demo::load::Svg;
use arena_render_demo::{Comparison, Geometry, LineUse, Renderer, Scene, render_reference};

use crate::{Ctx, Failure, Source};

/// Loads, warns about what is skipped, and builds the scene index.
fn prepare(ctx: &Ctx, source: &Source) -> Result<(Svg, Scene, Geometry), Failure> {
    let svg = source.load(&ctx.fonts)?;
    let geometry = Geometry::of(&svg.tree, &ctx.options)?;
    let scene = Scene::build(&svg.tree, &ctx.options)?;
    if svg.text_dropped() {
        eprintln!(
            "warning: {}: no font is available, so the text is not drawn; install fonts or \
             pass --font-dir DIR",
            source.name()
        );
    }
    for families in &svg.missing_fonts {
        eprintln!(
            "warning: {}: no font of font-family {families} is available; the text uses \
             a fallback font (pass --font-dir DIR to add fonts)",
            source.name()
        );
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

/// Where `render` writes the PNG of `source`.
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

/// `render`: writes the PNG and prints the time and the line arena use.
pub(crate) fn render(
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
    let (image, use_) = Renderer::new(&scene)?.render_in(&ctx.pool)?;
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

/// `check`: compares with resvg; fails when the image differs beyond the limits.
pub(crate) fn check(ctx: &Ctx, source: &Source) -> Result<(), Failure> {
    let (svg, scene, geometry) = prepare(ctx, source)?;
    let (image, _) = Renderer::new(&scene)?.render_in(&ctx.pool)?;
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

/// `bench`: times the renderer on one thread and on all, against resvg (and vello_cpu, with
/// the `vello` feature), interleaved; adds the image to `summary`.
pub(crate) fn bench(
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

/// `stats`: the scene parameters, the budget, the peak and a histogram of bytes per line.
pub(crate) fn stats(ctx: &Ctx, source: &Source) -> Result<(), Failure> {
    let (_svg, scene, _) = prepare(ctx, source)?;
    let (_, use_) = Renderer::new(&scene)?.render_in(&ctx.pool)?;
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
        "scene parameters: width {}, widest row span {} px, most edges on a row {}, \
         most crossings on a sub-scanline {}, layer depth {} ({} layer px at most)",
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

/// A duration in milliseconds, for people.
fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// `part` as a percentage of `whole` (of at least 1).
fn percent(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole.max(1) as f64
}
