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
use crate::raster::{ActiveEdge, Crossing, Span, draw_row, touched_words};
use crate::scene::{Scene, SceneParams};

/// What one render measured about the arenas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineUse {
    /// The per-line budget (each worker's arena capacity) in bytes.
    pub budget: usize,
    /// The high-water mark of each row, in bytes, indexed by row.
    pub per_row: Vec<usize>,
    /// The most any line used, in bytes (from the arenas' own statistics).
    pub peak: usize,
    /// Worker arenas created.
    pub arenas: usize,
}

/// The per-line arena budget for a scene with parameters `p`: the coverage row, the layer
/// rows of the widest chain of nested groups, the active edges of the row with the most
/// edges, and the scratch of the worst path (one sub-scanline's crossings, the spans between
/// them and, for a shaded path, its colour row).
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
        .try_reserve_slice::<Span>(p.max_sub_crossings / 2)?
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

/// Renders one scene with line arenas sized by its budget.
///
/// Invariant: `budget` is [`line_budget`] of the scene's parameters; `tiles` are the
/// scene's pattern tiles, rendered.
#[derive(Clone, Debug)]
pub struct Renderer<'s> {
    scene: &'s Scene,
    budget: Budget,
    tiles: Vec<Tile>,
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
        })
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
    /// arena per worker. One thread renders on the calling thread, with no pool.
    pub fn render(&self, threads: usize) -> Result<(Image, LineUse), RenderError> {
        if threads == 1 {
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
        let mut image = Image::new(self.scene.width(), self.scene.height());
        // The image was just allocated zeroed.
        let use_ = self.rows_here(&mut image, true)?;
        Ok((image, use_))
    }

    /// [`Renderer::render`] on an existing thread pool (a pool of one thread renders on the
    /// calling thread, as [`Renderer::render_here`]).
    pub fn render_in(&self, pool: &rayon::ThreadPool) -> Result<(Image, LineUse), RenderError> {
        let mut image = Image::new(self.scene.width(), self.scene.height());
        // The image was just allocated zeroed.
        let use_ = self.rows_in(pool, &mut image, true)?;
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
        self.rows_in(pool, image, false)
    }

    /// Every row of `image` (the scene's size) on the calling thread with one arena;
    /// `image_is_clear` promises that it is all zero.
    fn rows_here(&self, image: &mut Image, image_is_clear: bool) -> Result<LineUse, RenderError> {
        let mut arena = ScanArena::builder()
            .budget(self.budget)
            .try_build()
            .map_err(RenderError::Buffer)?;
        let mut per_row = vec![0usize; image.height as usize];
        let rows = image.data.chunks_exact_mut(image.width as usize * 4);
        for (y, (out, used)) in rows.zip(&mut per_row).enumerate() {
            let mut line = arena.line();
            *used = self
                .draw_row(y as u32, &mut line, out, image_is_clear)
                .map_err(RenderError::OverBudget)?;
        }
        Ok(LineUse {
            budget: self.budget.bytes(),
            per_row,
            peak: arena.stats().peak_bytes,
            arenas: 1,
        })
    }

    /// Every row of `image` (the scene's size) on `pool`, one line arena per worker;
    /// `image_is_clear` promises that it is all zero.
    fn rows_in(
        &self,
        pool: &rayon::ThreadPool,
        image: &mut Image,
        image_is_clear: bool,
    ) -> Result<LineUse, RenderError> {
        let workers = pool.current_num_threads().max(1);
        if workers == 1 {
            return self.rows_here(image, image_is_clear);
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

#[cfg(test)]
mod tests {
    use super::Renderer;
    use crate::{Image, RenderOptions, Scene, load};

    /// `render_into` gives what `render_in` gives, whatever size and pixels the image had
    /// before, on one thread and on two.
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
        let renderer = Renderer::new(&scene).unwrap();
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (expected, expected_use) = renderer.render_in(&pool).unwrap();
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
