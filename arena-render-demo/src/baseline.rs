//! The same renderer with per-line `Vec`s instead of the arena: the benchmark baseline.
//!
//! Row for row it runs the same code as [`Renderer::render_row`](crate::Renderer::render_row)
//! (the same row walker, generic over its [`Scratch`]), but every temporary is a fresh `Vec`
//! from the global allocator, as a renderer written without an arena would do. The benchmark
//! compares the two to show what the arena saves; the tests check that both draw identical
//! pixels.

use std::convert::Infallible;

use rayon::prelude::*;

use crate::image::Image;
use crate::raster::{Scratch, draw_row};
use crate::render::{copy_repeated_row, render_tiles};
use crate::scene::Scene;

/// Fresh `Vec`s from the global allocator: the baseline's scratch. A scope is the same
/// scratch; each `Vec` is freed when the code that took it lets it go.
#[derive(Clone, Copy, Debug, Default)]
pub struct VecScratch;

impl Scratch for VecScratch {
    type Error = Infallible;
    type Slice<T: Copy + 'static> = Vec<T>;
    type Scope<'s> = VecScratch;

    fn slice_fill<T: Copy + 'static>(&self, len: usize, value: T) -> Result<Vec<T>, Infallible> {
        Ok(vec![value; len])
    }

    fn slice_from_iter<T: Copy + 'static, I: ExactSizeIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<Vec<T>, Infallible> {
        Ok(iter.collect())
    }

    fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut VecScratch) -> R) -> R {
        f(self)
    }
}

/// Renders the image like [`Renderer::render_in`](crate::Renderer::render_in), with `Vec`s
/// for all per-line memory. Pattern tiles are rendered first as the renderer does: they
/// are set-up, not per-line memory.
///
/// # Panics
///
/// If a pattern tile cannot be rendered, which [`Renderer::new`](crate::Renderer::new)
/// reports as an error for the same scene.
pub fn render_with_vecs(scene: &Scene, pool: &rayon::ThreadPool) -> Image {
    let tiles = render_tiles(scene).expect("the pattern tiles render");
    let width = scene.width() as usize;
    let mut image = Image::new(scene.width(), scene.height());
    // The image was just allocated zeroed, as in the arena renderer.
    let draw = |(y, out): (usize, &mut [u8])| match draw_row(
        scene,
        &tiles,
        y as u32,
        &mut VecScratch,
        out,
        true,
    ) {
        Ok(()) => {}
        Err(never) => match never {},
    };
    if pool.current_num_threads() <= 1 {
        // On the calling thread, as the arena renderer does with one thread: a row that
        // draws what the row above drew is copied from it.
        let row_bytes = width * 4;
        for y in 0..scene.height() as usize {
            if !copy_repeated_row(scene, &mut image.data, y, row_bytes) {
                draw((y, &mut image.data[y * row_bytes..(y + 1) * row_bytes]));
            }
        }
        return image;
    }
    pool.install(|| {
        let rows = image.data.par_chunks_mut(width * 4);
        rows.enumerate().for_each(draw);
    });
    image
}

#[cfg(test)]
mod tests {
    use super::render_with_vecs;
    use crate::render::ROWS_COPIED;
    use crate::{RenderOptions, Renderer, Scene, load};

    #[test]
    fn the_vec_baseline_draws_what_the_arena_renderer_draws_on_one_thread_and_two() {
        // Rows of vertical sides, which one thread copies from the row above (rows 27 to 57),
        // and a gradient and a circle beside them, whose rows it draws.
        let svg = load::parse(
            br##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="60">
              <linearGradient id="g" x2="0" y2="1">
                <stop stop-color="#00f"/><stop offset="1" stop-color="#f00"/>
              </linearGradient>
              <rect x="2" y="1" width="14" height="57" fill="#c83"/>
              <rect x="4.5" y="6" width="6" height="12.5" fill="#3a6" opacity="0.5"/>
              <rect x="20" y="14" width="16" height="12" fill="url(#g)"/>
              <circle cx="28" cy="7" r="5" fill="#27a"/>
            </svg>"##,
        )
        .unwrap();
        let scene = Scene::build(&svg.tree, &RenderOptions::default()).unwrap();
        let repeats = (0..60).filter(|&y| scene.repeats_row_above(y)).count();
        assert!(repeats >= 10, "{repeats} rows repeat the row above");
        let expected = Renderer::new(&scene).unwrap().render_here().unwrap().0;
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let copied = ROWS_COPIED.get();
            let image = render_with_vecs(&scene, &pool);
            assert!(image == expected, "{threads} threads");
            // One thread copies each row that repeats the row above; two draw every row.
            let copies = if threads == 1 { repeats } else { 0 };
            assert_eq!(ROWS_COPIED.get() - copied, copies, "{threads} threads");
        }
    }
}
