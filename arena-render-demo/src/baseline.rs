//! The same renderer with per-line `Vec`s instead of the arena: the benchmark baseline.
//!
//! Row for row it runs the same code as [`Scene::render_row`] (the same kernels, in the same
//! order), but every temporary is a fresh `Vec` from the global allocator, as a renderer
//! written without an arena would do. The benchmark compares the two to show what the arena
//! saves; the tests check that both draw identical pixels.

use rayon::prelude::*;

use crate::image::Image;
use crate::raster::{
    CLEAR, CoverageRow, Crossing, FillRow, Pixel, Span, activate, composite_layer, most_crossings,
    touched_words,
};
use crate::scene::{Op, Scene};

/// Renders the image like [`Scene::render_in`], with `Vec`s for all per-line memory.
pub fn render_with_vecs(scene: &Scene, pool: &rayon::ThreadPool) -> Image {
    let width = scene.width() as usize;
    let mut image = Image::new(scene.width(), scene.height());
    if pool.current_num_threads() <= 1 {
        // On the calling thread, as the arena renderer does with one thread.
        for (y, out) in image.data.chunks_exact_mut(width * 4).enumerate() {
            draw_row_with_vecs(scene, y as u32, out, true);
        }
        return image;
    }
    pool.install(|| {
        image
            .data
            .par_chunks_mut(width * 4)
            .enumerate()
            // The image was just allocated zeroed, as in the arena renderer.
            .for_each(|(y, out)| draw_row_with_vecs(scene, y as u32, out, true));
    });
    image
}

/// Renders row `y` into `out` (premultiplied RGBA8) with `Vec`s for scratch.
///
/// # Panics
///
/// If `y >= height` or `out` is not exactly one row long.
pub fn render_row_with_vecs(scene: &Scene, y: u32, out: &mut [u8]) {
    draw_row_with_vecs(scene, y, out, false);
}

/// [`render_row_with_vecs`]; `out_is_clear` promises that `out` is all zero.
fn draw_row_with_vecs(scene: &Scene, y: u32, out: &mut [u8], out_is_clear: bool) {
    assert!(y < scene.height, "row {y} is outside the image");
    assert_eq!(
        out.len(),
        scene.width as usize * 4,
        "output row has the wrong length"
    );
    let (c0, c1) = scene.row_spans[y as usize];
    let (c0, span) = (c0 as usize, (c1 - c0) as usize);
    if !out_is_clear {
        out.fill(0);
    }
    let base = &mut out.as_chunks_mut::<4>().0[c0..c0 + span];
    let mut steps = vec![0.0f32; span + 2];
    let mut touched = vec![0u64; touched_words(span)];
    let (lo, hi) = (
        scene.row_offsets[y as usize] as usize,
        scene.row_offsets[y as usize + 1] as usize,
    );
    let mut frame = VecFrame {
        scene,
        y,
        entries: &scene.row_edges[lo..hi],
        cursor: 0,
        coverage: CoverageRow {
            steps: &mut steps,
            touched: &mut touched,
            origin: c0,
            limit: (c0 as f32, (c0 + span) as f32),
        },
    };
    frame.ops(0, scene.ops.len(), base, c0);
}

/// [`crate::raster`]'s row state, minus the arena.
struct VecFrame<'s, 'c> {
    scene: &'s Scene,
    y: u32,
    entries: &'s [u32],
    cursor: usize,
    coverage: CoverageRow<'c>,
}

impl VecFrame<'_, '_> {
    fn ops(&mut self, start: usize, end: usize, target: &mut [Pixel], x_off: usize) {
        let mut i = start;
        while i < end {
            match self.scene.ops[i] {
                Op::Fill(f) => {
                    i += 1;
                    let fill = &self.scene.fills[f as usize];
                    if self.y < fill.row_start || self.y >= fill.row_end {
                        continue;
                    }
                    let first = self.cursor;
                    while self
                        .entries
                        .get(self.cursor)
                        .is_some_and(|&e| e < fill.edge_end)
                    {
                        self.cursor += 1;
                    }
                    if self.cursor == first {
                        continue;
                    }
                    let entries = &self.entries[first..self.cursor];
                    let active: Vec<_> = activate(self.scene, self.y, entries).collect();
                    let most = most_crossings(&active, self.scene.sub_scanlines);
                    let mut crossings = vec![Crossing::default(); most];
                    let mut spans = vec![Span::default(); most / 2];
                    let row = FillRow {
                        scene: self.scene,
                        fill,
                    };
                    row.rasterize(
                        &active,
                        &mut crossings,
                        &mut spans,
                        &mut self.coverage,
                        target,
                        x_off,
                    );
                }
                Op::Group {
                    opacity,
                    end: group_end,
                    row_start,
                    row_end,
                    col_start,
                    col_end,
                } => {
                    let (inner, group_end) = (i + 1, group_end as usize);
                    i = group_end;
                    if self.y < row_start || self.y >= row_end {
                        continue;
                    }
                    let start = (col_start as usize).clamp(x_off, x_off + target.len());
                    let end = (col_end as usize).clamp(start, x_off + target.len());
                    let mut layer = vec![CLEAR; end - start];
                    self.ops(inner, group_end, &mut layer, start);
                    composite_layer(&layer, &mut target[start - x_off..end - x_off], opacity);
                }
            }
        }
    }
}
