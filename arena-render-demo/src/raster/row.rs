//! One pixel row: its checks, the pixels it can reach and its scratch, then the
//! [`RowWalker`] draws the scene's ops onto it, with every temporary from a [`Scratch`].
//!
//! A row only touches the pixels its edges can reach, so a sparse image costs what it draws.
//! The kernel's scratch (active edges, crossings, colours) is taken once per row and
//! reused by every path: taking and releasing it per path cost more than the paths' own work
//! on many rows. The active edges are the row's edges, all activated at once; the rest is
//! sized at the most any path of the scene needs.
//!
//! The row is generic over where its scratch comes from: the renderer passes a line of the
//! arena, the benchmark baseline (`crate::baseline`) passes fresh `Vec`s, and both run this
//! same code.

use super::Scratch;
use super::coverage::{CoverageRow, touched_words};
use super::crossing::{Crossing, activate};
use super::walker::{KernelScratch, RowWalker};
use crate::paint::Tile;
use crate::pixel::{CLEAR, Pixel};
use crate::scene::Scene;

/// Draws row `y` of `scene` (whose rendered pattern tiles are `tiles`) into `out`
/// (premultiplied RGBA8, `4 * width` bytes), with every temporary from `scratch`;
/// `out_is_clear` promises that `out` is all zero.
///
/// # Panics
///
/// If `y >= height` or `out` is not exactly one row long.
pub(crate) fn draw_row<S: Scratch>(
    scene: &Scene,
    tiles: &[Tile],
    y: u32,
    scratch: &mut S,
    out: &mut [u8],
    out_is_clear: bool,
) -> Result<(), S::Error> {
    assert!(y < scene.height(), "row {y} is outside the image");
    assert_eq!(
        out.len(),
        scene.width() as usize * 4,
        "output row has the wrong length"
    );
    // Only the pixels the row's edges can reach are drawn; the rest of the row stays
    // transparent, so a sparse image costs what it draws, not its width.
    let (c0, c1) = scene.row_span(y);
    let span = c1 - c0;
    if !out_is_clear {
        out.fill(0);
    }
    // A row no edge touches draws nothing (the walker would skip every op): no scratch to
    // take and no ops to walk.
    let entries = scene.row_edges(y);
    if entries.is_empty() {
        return Ok(());
    }
    // The paths are drawn straight into the output row.
    let base = &mut out.as_chunks_mut::<4>().0[c0..c1];
    let mut steps = scratch.slice_fill(span + 2, 0.0f32)?;
    let mut touched = scratch.slice_fill(touched_words(span), 0u64)?;
    // The kernel's scratch, for every path of the row in turn: taken once per row rather
    // than per path. Every edge of the row is activated here, in one pass, and each path
    // rasterises its own run of them in place: no slice to clear first and no copy per path.
    // The colour row only if some path is shaded.
    let params = scene.params();
    let mut active = scratch.slice_from_iter(activate(scene, y, entries))?;
    let mut crossings = scratch.slice_fill(params.max_sub_crossings, Crossing::default())?;
    let mut colors;
    let colors: &mut [Pixel] = if params.max_shade_pixels > 0 {
        colors = scratch.slice_fill(span + 2, CLEAR)?;
        &mut colors
    } else {
        &mut []
    };
    let kernel = KernelScratch {
        active: &mut active,
        crossings: &mut crossings,
        colors,
    };
    let coverage = CoverageRow::new(&mut steps, &mut touched, c0, span);
    RowWalker::new(scene, tiles, y, entries, coverage, kernel).draw(scratch, base, c0)
}

#[cfg(test)]
mod tests {
    use crate::options::RenderOptions;
    use crate::render::Renderer;
    use crate::scene::Scene;

    fn render(svg: &str) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
        Renderer::new(&scene).unwrap().render(1).unwrap().0.data
    }

    #[test]
    fn a_row_without_edges_is_cleared_and_takes_nothing_from_the_line() {
        // A rectangle over rows 2 to 4 only, in a group with opacity and a clip path (ops that
        // a row without edges skips): rows 1 and 5 have only the clip path's edges, rows 0
        // and 6 none.
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="7">
            <clipPath id="c"><rect x="1" y="1" width="8" height="5"/></clipPath>
            <g opacity="0.5" clip-path="url(#c)"><path d="M2 2.5H8V4.5H2Z" fill="#c83"/></g>
            </svg>"##;
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
        let renderer = Renderer::new(&scene).unwrap();
        let (image, use_) = renderer.render(1).unwrap();
        let mut arena = arena_core::ScanArena::builder()
            .budget(renderer.budget())
            .try_build()
            .unwrap();
        for y in 0..7 {
            let edges = !scene.row_edges(y).is_empty();
            assert_eq!(edges, (1..6).contains(&y), "row {y}");
            // A row drawn over stale pixels is the rendered row: cleared, and drawn if it
            // has edges.
            let mut out = vec![0xab; 40];
            let mut line = arena.line();
            let used = renderer.render_row(y, &mut line, &mut out).unwrap();
            assert_eq!(out, image.data[y as usize * 40..][..40], "row {y}");
            assert_eq!(used == 0, !edges, "row {y} used {used} bytes");
            assert_eq!(use_.per_row[y as usize], used);
        }
        // Rows 2 to 4 are painted, the others clear.
        let painted = |y: usize| image.data[y * 40..][..40].iter().any(|&b| b != 0);
        assert_eq!(
            (0..7).map(painted).collect::<Vec<_>>(),
            [false, false, true, true, true, false, false]
        );
    }

    #[test]
    fn a_lone_fill_in_a_group_draws_the_pixels_of_the_group_layer() {
        // The same two rectangles, with fractional top and bottom edges (partial coverage),
        // over an opaque background: as one path, the group's only fill (drawn without a
        // layer), and as two paths (drawn into a layer, then composited). The rectangles
        // meet on a pixel boundary, so in the layer no pixel is painted twice.
        let scene = |paths: &str| {
            format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12">
                  <rect width="12" height="12" fill="#3a6"/>
                  <g opacity="0.45">{paths}</g></svg>"##
            )
        };
        let style = r##"fill="#c83" fill-opacity="0.7""##;
        let lone = render(&scene(&format!(
            r#"<path d="M1 1.3H5V8.6H1Z M5 2.7H9V10.2H5Z" {style}/>"#
        )));
        let layered = render(&scene(&format!(
            r#"<path d="M1 1.3H5V8.6H1Z" {style}/><path d="M5 2.7H9V10.2H5Z" {style}/>"#
        )));
        assert_eq!(lone, layered);
        // Both drew the group: a pixel inside it differs from the background.
        let background = render(&scene(""));
        assert_ne!(
            lone[(4 * 12 + 3) * 4..][..4],
            background[(4 * 12 + 3) * 4..][..4]
        );
    }

    #[test]
    fn a_path_with_opacity_takes_no_layer_row_from_the_line() {
        // A path's `opacity` makes it the only content of a group: drawn without a layer,
        // each row needs what the same path without opacity needs; a second path in the
        // group needs a layer row, which shows in the lines' high-water marks.
        let per_row = |body: &str| {
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="64" height="8">{body}</svg>"##
            );
            let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
            let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
            Renderer::new(&scene).unwrap().render(1).unwrap().1.per_row
        };
        let path = r##"<path d="M2 1.5H60V6.5H2Z" fill="#c83""##;
        let plain = per_row(&format!("{path}/>"));
        assert_eq!(per_row(&format!(r#"{path} opacity="0.45"/>"#)), plain);
        let layered = per_row(&format!(r#"<g opacity="0.45">{path}/>{path}/></g>"#));
        assert!(
            layered[3] >= plain[3] + 58 * 4,
            "a layer row of 58 pixels: {} against {}",
            layered[3],
            plain[3]
        );
    }
}
