//! Rendering a scene: the line budget from the scene's parameters and the row structs'
//! [`ScanLocal`](arena_core::ScanLocal) bounds, then every row over a pool of workers, one
//! line arena each.
//!
//! Nothing a line allocates survives it; the row's pixels are written to the caller's
//! buffer. The arena's capacity is computed before any row is rendered.

use arena_core::{ARENA_ALIGN, Budget, BudgetOverflow, Line, LinePool, PoolError, ScanArena};
use rayon::prelude::*;

use crate::image::Image;
use crate::options::{OverBudget, RenderError};
use crate::paint::Tile;
use crate::pixel::Pixel;
use crate::raster::{ActiveEdge, Crossing, draw_row, touched_words};
use crate::scene::{Scene, SceneParams};

/// What one render measured about the arenas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineUse {
    /// The per-line budget (each worker's arena capacity) in bytes.
    pub budget: usize,
    /// The high-water mark of each row, in bytes, indexed by row. A row that draws exactly
    /// what the row above draws, copied from it instead of drawn (on one thread), counts
    /// what drawing it takes: the row above's mark, as it has the same edges and ops.
    pub per_row: Vec<usize>,
    /// The most any line used, in bytes (from the arenas' own statistics).
    pub peak: usize,
    /// Worker arenas created.
    pub arenas: usize,
}

/// The per-line arena budget for a scene with parameters `p`: the coverage row, the layer
/// rows of the widest chain of nested groups, the active edges of the row with the most
/// edges, and the scratch of the worst path (one sub-scanline's crossings and, for a shaded
/// path, its colour row).
pub fn line_budget(p: &SceneParams) -> Result<Budget, BudgetOverflow> {
    Budget::new()
        .try_reserve_slice::<f32>(p.max_row_span + 2)?
        .try_reserve_slice::<u64>(touched_words(p.max_row_span))?
        // The layer rows of a chain of nested groups take what one slice of their summed
        // widths takes, plus at most one granule of padding each.
        .try_reserve_slice::<Pixel>(p.max_layer_pixels)?
        .try_reserve_bytes(p.max_depth * ARENA_ALIGN)?
        .try_reserve_slice::<ActiveEdge>(p.max_row_edges)?
        .try_reserve_slice::<Crossing>(p.max_sub_crossings)?
        .try_reserve_slice::<Pixel>(p.max_shade_pixels)
}

/// Renders the pattern tiles of `scene` (each with a renderer of its own, on this thread):
/// done once per image, before any row.
pub fn render_tiles(scene: &Scene) -> Result<Vec<Tile>, RenderError> {
    scene
        .tiles()
        .iter()
        .map(|tile| {
            let (image, _) = Renderer::new(tile)?.render_here()?;
            let pixels = image.data.as_chunks::<4>().0.to_vec();
            // A scene is at least one pixel each way, and its image holds all of them.
            Ok(Tile::new(image.width, image.height, pixels).unwrap_or_default())
        })
        .collect()
}

/// The estimated work ([`Renderer::work`]) below which a render stays on the calling thread,
/// whatever pool it is given: waking a pool's workers and handing rows between them costs
/// more than a second core saves on a render this small. About 0.7 ms of rows on one core
/// of the machine it was measured on: an icon at 256 px is well below it, one at 1024 px
/// near it, a detailed one above it (`BENCHMARKS.md`, "Small renders stay on the calling
/// thread").
pub const PARALLEL_WORK: u64 = 8_000_000;

/// The estimated work of one row for each edge that touches it: activating the edge, its
/// crossing on every sub-scanline and the coverage steps of the spans it bounds.
const EDGE_WORK: u64 = 768;

/// The estimated work of a row for each pixel it can reach: clearing and compositing.
const PIXEL_WORK: u64 = 2;

/// The estimated work of every row, drawn or not: its line, its scratch and its op walk.
const ROW_WORK: u64 = 384;

/// Renders one scene with line arenas sized by its budget.
///
/// Invariant: `budget` is [`line_budget`] of the scene's parameters; `tiles` are the
/// scene's pattern tiles, rendered; `work` is `estimate_work` of the scene.
#[derive(Clone, Debug)]
pub struct Renderer<'s> {
    scene: &'s Scene,
    budget: Budget,
    tiles: Vec<Tile>,
    work: u64,
    parallel_work: u64,
}

/// The estimated work of the rows of `scene`, in units of about one instruction: per row a
/// fixed part, a part per pixel the row can reach and a part per edge that touches it.
fn estimate_work(scene: &Scene) -> u64 {
    (0..scene.height())
        .map(|y| {
            let (c0, c1) = scene.row_span(y);
            let edges = scene.row_edges(y).len() as u64;
            ROW_WORK + PIXEL_WORK * (c1 - c0) as u64 + EDGE_WORK * edges
        })
        .sum()
}

impl<'s> Renderer<'s> {
    /// A renderer for `scene`, with the line budget computed from its parameters and its
    /// pattern tiles rendered.
    pub fn new(scene: &'s Scene) -> Result<Renderer<'s>, RenderError> {
        let budget = line_budget(&scene.params()).map_err(RenderError::Budget)?;
        let tiles = render_tiles(scene)?;
        Ok(Renderer {
            scene,
            budget,
            tiles,
            work: estimate_work(scene),
            parallel_work: PARALLEL_WORK,
        })
    }

    /// The same renderer, handing rows to a pool's workers only for scenes whose estimated
    /// [`work`](Renderer::work) is at least `work` (default [`PARALLEL_WORK`]; 0: always,
    /// `u64::MAX`: never). Below it every render runs on the calling thread with one arena,
    /// as [`Renderer::render_here`] does, whatever pool or thread count it is given.
    pub fn parallel_above(self, work: u64) -> Renderer<'s> {
        Renderer {
            parallel_work: work,
            ..self
        }
    }

    /// The estimated work of rendering every row, in units of about one instruction of the
    /// row kernel: a fixed part per row, one per pixel a row can reach and a larger one per
    /// edge that touches a row. A rough measure, good for one decision: whether the rows
    /// are worth handing to other threads (see [`Renderer::parallel_above`]).
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Whether a render with more than one worker should use them.
    fn worth_threads(&self) -> bool {
        self.work >= self.parallel_work
    }

    /// The per-line arena budget.
    pub fn budget(&self) -> Budget {
        self.budget
    }

    /// Renders pixel row `y` into `out` (premultiplied RGBA8, `4 * width` bytes) using only
    /// `line` for scratch memory. Returns the line's high-water mark in bytes.
    ///
    /// Makes no heap allocation: the arena is the only memory it takes.
    ///
    /// # Panics
    ///
    /// If `y >= height` or `out` is not exactly one row long.
    pub fn render_row(
        &self,
        y: u32,
        line: &mut Line<'_>,
        out: &mut [u8],
    ) -> Result<usize, OverBudget> {
        self.draw_row(y, line, out, false)
    }

    /// [`Renderer::render_row`]; `out_is_clear` promises that `out` is all zero.
    fn draw_row(
        &self,
        y: u32,
        line: &mut Line<'_>,
        out: &mut [u8],
        out_is_clear: bool,
    ) -> Result<usize, OverBudget> {
        draw_row(self.scene, &self.tiles, y, line, out, out_is_clear)
            .map_err(|full| OverBudget { row: y, full })?;
        Ok(line.high_water())
    }

    /// Renders the whole image on `threads` worker threads (0: one per core), one line
    /// arena per worker. One thread renders on the calling thread, with no pool, and so
    /// does a scene whose estimated work is below the threshold of
    /// [`Renderer::parallel_above`].
    pub fn render(&self, threads: usize) -> Result<(Image, LineUse), RenderError> {
        if threads == 1 || !self.worth_threads() {
            return self.render_here();
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(RenderError::Threads)?;
        self.render_in(&pool)
    }

    /// Renders every row on the calling thread with one arena: what a pool of one worker
    /// would do, without handing the work to another thread (and waiting for it to wake).
    pub fn render_here(&self) -> Result<(Image, LineUse), RenderError> {
        let mut image = self.rowless_image();
        let use_ = self.rows_here(&mut image)?;
        Ok((image, use_))
    }

    /// [`Renderer::render`] on an existing thread pool (a pool of one thread, or a scene
    /// below the threshold of [`Renderer::parallel_above`], renders on the calling thread, as
    /// [`Renderer::render_here`]).
    pub fn render_in(&self, pool: &rayon::ThreadPool) -> Result<(Image, LineUse), RenderError> {
        let mut image = self.rowless_image();
        let use_ = self.rows_in(pool, &mut image)?;
        Ok((image, use_))
    }

    /// [`Renderer::render_in`] into an existing image, reusing its allocation: `image` takes
    /// the scene's size and every pixel is written, whatever it held.
    ///
    /// A caller that renders image after image keeps one `Image`, so the pages of its
    /// buffer are mapped once instead of faulted in anew by every render: at 4096 px those
    /// faults take longer than the rows themselves on two threads, and two threads fault
    /// no faster than one (`BENCHMARKS.md`, "All cores at 4096 px").
    pub fn render_into(
        &self,
        pool: &rayon::ThreadPool,
        image: &mut Image,
    ) -> Result<LineUse, RenderError> {
        let (width, height) = (self.scene.width(), self.scene.height());
        image.width = width;
        image.height = height;
        image.data.resize(width as usize * height as usize * 4, 0);
        self.rows_in(pool, image)
    }

    /// The scene's image with no pixels yet, for [`Renderer::rows_here`] or
    /// [`Renderer::rows_in`] to fill.
    fn rowless_image(&self) -> Image {
        Image {
            width: self.scene.width(),
            height: self.scene.height(),
            data: Vec::new(),
        }
    }

    /// Every row of `image` (the scene's size) on the calling thread with one arena. An
    /// image with all its pixels is drawn over (each row cleared first); an image with no
    /// pixels yet (`data` empty) gets its rows appended, each zeroed just before it is
    /// drawn, while it is in the cache: the image's memory is written once, not cleared as
    /// a whole first and then drawn again.
    fn rows_here(&self, image: &mut Image) -> Result<LineUse, RenderError> {
        let row_bytes = image.width as usize * 4;
        let len = row_bytes * image.height as usize;
        debug_assert!(image.data.is_empty() || image.data.len() == len);
        image.data.reserve_exact(len - image.data.len());
        let mut arena = ScanArena::builder()
            .budget(self.budget)
            .try_build()
            .map_err(RenderError::Buffer)?;
        let mut per_row = vec![0usize; image.height as usize];
        let mut above = 0;
        for (y, used) in per_row.iter_mut().enumerate() {
            if copy_repeated_row(self.scene, &mut image.data, y, row_bytes) {
                // Its line use is what drawing it takes (the same edges and ops take the same
                // scratch), so the statistics do not depend on the shortcut.
                *used = above;
                continue;
            }
            let start = y * row_bytes;
            let fresh = image.data.len() == start;
            if fresh {
                image.data.resize(start + row_bytes, 0);
            }
            let mut line = arena.line();
            *used = self
                .draw_row(
                    y as u32,
                    &mut line,
                    &mut image.data[start..start + row_bytes],
                    fresh,
                )
                .map_err(RenderError::OverBudget)?;
            above = *used;
        }
        Ok(LineUse {
            budget: self.budget.bytes(),
            per_row,
            peak: arena.stats().peak_bytes,
            arenas: 1,
        })
    }

    /// Every row of `image` (the scene's size, with all its pixels or none yet, as for
    /// [`Renderer::rows_here`]) on `pool`, one line arena per worker.
    fn rows_in(&self, pool: &rayon::ThreadPool, image: &mut Image) -> Result<LineUse, RenderError> {
        let workers = pool.current_num_threads().max(1);
        if workers == 1 || !self.worth_threads() {
            return self.rows_here(image);
        }
        // The workers draw into one image of full length: a new one is allocated zeroed
        // (`calloc`, which takes a large image's pages fresh from the kernel).
        let image_is_clear = image.data.is_empty();
        if image_is_clear {
            image.data = vec![0; image.width as usize * image.height as usize * 4];
        }
        // One arena per worker from arena-core's pool, made before any row is rendered;
        // each row gets a fresh line of the worker that runs it.
        let lines = LinePool::try_new(workers, self.budget).map_err(RenderError::Buffer)?;
        let mut per_row = vec![0usize; image.height as usize];
        let rows = image
            .data
            .par_chunks_mut(image.width as usize * 4)
            .zip(per_row.par_iter_mut());
        pool.install(|| {
            lines.try_par_lines(rows, |y, (out, used), line| {
                *used = self.draw_row(y as u32, line, out, image_is_clear)?;
                Ok(())
            })
        })
        .map_err(|e| match e {
            PoolError::Arena(e) => RenderError::Buffer(e),
            PoolError::Row { error, .. } => RenderError::OverBudget(error),
        })?;
        Ok(LineUse {
            budget: self.budget.bytes(),
            per_row,
            peak: lines.stats().peak_bytes,
            arenas: lines.workers(),
        })
    }
}

/// If row `y` of the image in `data` (rows of `row_bytes`, the row above already there) draws
/// exactly what the row above draws (see `Scene::repeats_row_above`), copies the row above
/// into it, appended if `data` ends where row `y` starts, and returns `true`; else leaves
/// `data` as it is and returns `false`.
pub(crate) fn copy_repeated_row(
    scene: &Scene,
    data: &mut Vec<u8>,
    y: usize,
    row_bytes: usize,
) -> bool {
    if y == 0 || !scene.repeats_row_above(y as u32) {
        return false;
    }
    let start = y * row_bytes;
    let above = start - row_bytes..start;
    if data.len() == start {
        // A row not written yet: appended as a copy, not zeroed first.
        data.extend_from_within(above);
    } else {
        data.copy_within(above, start);
    }
    #[cfg(test)]
    ROWS_COPIED.set(ROWS_COPIED.get() + 1);
    true
}

#[cfg(test)]
thread_local! {
    /// The rows copied from the row above on this thread (by the renderer and by the `Vec`
    /// baseline), for the tests of which rows are copied.
    pub(crate) static ROWS_COPIED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
mod tests {
    use super::{PARALLEL_WORK, ROWS_COPIED, Renderer};
    use crate::{Image, RenderOptions, Scene, load};

    fn scene(svg: &str) -> Scene {
        let svg = load::parse(svg.as_bytes()).unwrap();
        Scene::build(&svg.tree, &RenderOptions::default()).unwrap()
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn rows_copied_from_the_row_above_are_the_rows_drawn() {
        // Scenes with rows of vertical edges only, under every op a row walks: groups with
        // opacity and a blend mode, a clip path, a mask, a lone translucent fill, a gradient
        // beside solid fills; and without anti-aliasing. Each row as `render_row` draws it
        // on its own must be the row `render` left (copied where the row repeats the row
        // above), and use as much of a line.
        let scenes = [
            r##"<rect x="2" y="3" width="40" height="30" fill="#c83"/>
                <rect x="10.5" y="8" width="20.25" height="12.5" fill="#3a6" opacity="0.6"/>"##,
            r##"<clipPath id="c"><rect x="4" y="5.5" width="30" height="20"/></clipPath>
                <g opacity="0.7" clip-path="url(#c)">
                  <rect x="1" y="1" width="46" height="38" fill="#27a"/>
                  <rect x="12.25" y="2" width="8" height="30" fill="#e52" fill-opacity="0.5"/>
                </g>"##,
            r##"<mask id="m"><rect x="6" y="4" width="20" height="24" fill="#999"/></mask>
                <g mask="url(#m)"><rect x="2" y="2" width="40" height="34" fill="#a3c"/></g>
                <g style="mix-blend-mode:multiply" opacity="0.8">
                  <rect x="20" y="10" width="20" height="20" fill="#4c4"/>
                  <rect x="24" y="12.5" width="6" height="14" fill="#44c"/>
                </g>"##,
            r##"<linearGradient id="g" x2="0" y2="1">
                  <stop stop-color="#00f"/><stop offset="1" stop-color="#f00"/>
                </linearGradient>
                <rect x="3" y="2" width="20" height="30" fill="#222"/>
                <rect x="26" y="20" width="18" height="10" fill="url(#g)"/>
                <rect x="6" y="22" width="8" height="6" fill="url(#g)"/>"##,
        ];
        // Every scene anti-aliased, and the clipped one again without anti-aliasing (one
        // sub-scanline per row).
        let runs = scenes.iter().map(|body| (body, true));
        for (body, antialias) in runs.chain([(&scenes[1], false)]) {
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="40">{body}</svg>"#
            );
            let svg = load::parse(svg.as_bytes()).unwrap();
            let options = RenderOptions {
                antialias,
                ..RenderOptions::default()
            };
            let scene = Scene::build(&svg.tree, &options).unwrap();
            let renderer = Renderer::new(&scene).unwrap();
            let copied = ROWS_COPIED.get();
            let (image, use_) = renderer.render_here().unwrap();
            let repeats = (0..40).filter(|&y| scene.repeats_row_above(y)).count();
            assert!(repeats >= 10, "{repeats} repeated rows in {body}");
            assert_eq!(ROWS_COPIED.get() - copied, repeats, "rows copied in {body}");
            let mut arena = arena_core::ScanArena::builder()
                .budget(renderer.budget())
                .try_build()
                .unwrap();
            for y in 0..40 {
                let mut out = vec![0xab; 48 * 4];
                let used = renderer.render_row(y, &mut arena.line(), &mut out).unwrap();
                let row = &image.data[y as usize * 48 * 4..][..48 * 4];
                assert_eq!(out, row, "row {y} of {body}");
                assert_eq!(use_.per_row[y as usize], used, "row {y} of {body}");
            }
        }
    }

    #[test]
    fn work_counts_rows_reachable_pixels_and_edges() {
        // 16x4, nothing drawn: four rows of fixed work.
        let empty = scene(r#"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="4"/>"#);
        assert_eq!(Renderer::new(&empty).unwrap().work(), 4 * 384);
        // A rectangle over rows 1 and 2 and pixels 2 to 9: its two vertical sides touch
        // each of those rows, which reach pixels 2 to 11 (a step at x = 10 writes the
        // cells of pixels 10 and 11).
        let rect = |x1: u32| {
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="4">
                    <path d="M2 1H{x1}V3H2Z"/></svg>"#
            );
            Renderer::new(&scene(&svg)).unwrap().work()
        };
        let two_rows = 2 * (2 * 10 + 2 * 768);
        assert_eq!(rect(10), 4 * 384 + two_rows);
        // Two pixels wider: two more pixels on each of the two rows.
        assert_eq!(rect(12) - rect(10), 2 * 2 * 2);
    }

    #[test]
    fn a_render_below_the_work_threshold_stays_on_the_calling_thread() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48">
            <circle cx="30" cy="24" r="20" fill="teal"/></svg>"#;
        let scene = scene(svg);
        let renderer = Renderer::new(&scene).unwrap();
        assert!(renderer.work() < PARALLEL_WORK);
        let (here, here_use) = renderer.render_here().unwrap();
        // A pool of two, or two threads asked for: one arena, on this thread.
        let (pooled, pooled_use) = renderer.render_in(&pool(2)).unwrap();
        let (asked, asked_use) = renderer.render(2).unwrap();
        assert_eq!((pooled_use.arenas, asked_use.arenas), (1, 1));
        // With the threshold at the scene's own work, both workers draw rows.
        let eager = renderer.clone().parallel_above(renderer.work());
        let (parallel, parallel_use) = eager.render_in(&pool(2)).unwrap();
        assert_eq!(parallel_use.arenas, 2);
        assert_eq!(eager.render(2).unwrap().1.arenas, 2);
        // One above it: back on this thread.
        let lazy = renderer.clone().parallel_above(renderer.work() + 1);
        assert_eq!(lazy.render_in(&pool(2)).unwrap().1.arenas, 1);
        for (image, use_) in [
            (pooled, pooled_use),
            (asked, asked_use),
            (parallel, parallel_use),
        ] {
            assert!(image == here);
            assert_eq!(use_.per_row, here_use.per_row);
        }
    }

    #[test]
    fn a_render_above_the_work_threshold_uses_every_worker() {
        // The built-in scene fitted into 2048 px: far above the threshold.
        let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).unwrap();
        let options = RenderOptions {
            size: Some(2048),
            ..RenderOptions::default()
        };
        let scene = Scene::build(&svg.tree, &options).unwrap();
        let renderer = Renderer::new(&scene).unwrap();
        assert!(renderer.work() >= PARALLEL_WORK);
        assert_eq!(renderer.render_in(&pool(2)).unwrap().1.arenas, 2);
    }

    /// `render_into` gives what `render_in` gives, whatever size and pixels the image had
    /// before, on one thread and on two.
    #[test]
    fn render_into_an_image_of_the_scenes_size_keeps_its_buffer() {
        // What `render_into` is for: the caller's allocation reused, not grown or replaced.
        let scene = scene(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">
                <circle cx="20" cy="15" r="11" fill="red"/></svg>"#,
        );
        let renderer = Renderer::new(&scene).unwrap();
        for threads in [1, 2] {
            let pool = pool(threads);
            let mut image = Image::new(40, 30);
            let (ptr, capacity) = (image.data.as_ptr(), image.data.capacity());
            renderer.render_into(&pool, &mut image).unwrap();
            assert_eq!(
                (image.data.as_ptr(), image.data.capacity()),
                (ptr, capacity)
            );
            assert_eq!(image, renderer.render_here().unwrap().0);
        }
    }

    #[test]
    fn render_into_overwrites_any_image_with_the_render() {
        // Transparent around the circle and half transparent inside it: nothing the render
        // draws hides what the image held before.
        let svg = load::parse(
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">
                <circle cx="20" cy="15" r="11" fill="red" fill-opacity="0.5"/></svg>"#,
        )
        .unwrap();
        let scene = Scene::build(&svg.tree, &RenderOptions::default()).unwrap();
        // Rows on both workers of the pool of two, small as the scene is.
        let renderer = Renderer::new(&scene).unwrap().parallel_above(0);
        for threads in [1, 2] {
            let pool = pool(threads);
            let (expected, expected_use) = renderer.render_in(&pool).unwrap();
            assert_eq!(expected_use.arenas, threads);
            for (width, height) in [(200, 150), (7, 5), (0, 0)] {
                let mut image = Image {
                    width,
                    height,
                    data: vec![0xab; width as usize * height as usize * 4],
                };
                let use_ = renderer.render_into(&pool, &mut image).unwrap();
                assert_eq!(image, expected, "{threads} threads, from {width}x{height}");
                assert_eq!(use_, expected_use);
            }
        }
    }
}
