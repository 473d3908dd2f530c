//! The raster kernel: one path on one row, from edges to crossings to spans to coverage to
//! pixels, in memory the caller provides (the row takes it from the line, once for all its
//! paths).
//!
//! For each sub-scanline the kernel computes the crossings of the path's active edges,
//! sorts them, walks the winding number to get the spans that are inside under the fill
//! rule, and adds each span's exact horizontal coverage to a coverage row (as steps in a
//! difference array, so a span costs O(1) however wide). Coverage is constant between two
//! steps, so a touched-cell bitset turns the steps into runs, and each run is composited
//! onto the target row at once (an opaque run is a plain fill). Shortcuts skip most of the
//! per-sub-scanline work: a row whose edges are all vertical through it walks one
//! sub-scanline at the weight of all; a row of two edges through every sub-scanline takes
//! its spans from the two edges without crossings to sort, and a row whose crossings keep
//! their order finds its spans once (a [`SpanPattern`]); where such a row's edges keep one
//! order from its first sub-scanline to its last, the steps go in edge by edge, and an edge's
//! crossings that fall in one pixel go in as one step. A row of two edges in one order, one
//! span, skips the coverage row: the pixels its edges' crossings fall in get their exact
//! areas from the crossings, and the pixels between are one run.

use super::coverage::{Between, CoverageRow, RunPaint, layer_opacity};
use super::crossing::{
    ActiveEdge, Crossing, most_crossings, sort_crossings, span_of_two, walk_spans,
};
use super::pattern::SpanPattern;
use crate::options::SUB_SCANLINES;
use crate::paint::{PaintRef, Shader, Tile};
use crate::pixel::Pixel;
use crate::scene::{FillItem, Scene};

/// One path on one row.
///
/// `layer_opacity`: `Some(op)` draws the path as the only content of a group with opacity
/// `op` (8.8 fixed point, as the layer composite takes it): each run's colour is what the
/// group's layer would hold there, scaled by `op`, so the pixels are exactly those of
/// drawing a layer and compositing it, without the layer.
pub(crate) struct FillRow<'s> {
    scene: &'s Scene,
    tiles: &'s [Tile],
    fill: &'s FillItem,
    y: u32,
    layer_opacity: Option<u32>,
}

impl<'s> FillRow<'s> {
    /// `fill` of `scene` (whose pattern tiles are `tiles`), on row `y`.
    pub(crate) fn new(
        scene: &'s Scene,
        tiles: &'s [Tile],
        fill: &'s FillItem,
        y: u32,
    ) -> FillRow<'s> {
        FillRow {
            scene,
            tiles,
            fill,
            y,
            layer_opacity: None,
        }
    }

    /// The same path drawn as the only content of a group with `opacity` (normal blend, no
    /// clip, no mask): see [`FillRow`]. Only for a solid paint.
    pub(crate) fn in_group(self, opacity: f32) -> FillRow<'s> {
        debug_assert!(matches!(self.fill.paint(), PaintRef::Solid(_)));
        FillRow {
            layer_opacity: Some(layer_opacity(opacity)),
            ..self
        }
    }

    /// Rasterises the path and composites it onto `target` (a layer row starting at pixel
    /// `x_off`). `active` may be reordered. `crossings` has room for [`most_crossings`] of
    /// `active`; `coverage` is all zero, and is left so. `colors`
    /// is empty for a solid paint, and as long as the coverage row's steps for a shader
    /// (which writes the span's colours there).
    #[allow(
        clippy::too_many_arguments,
        reason = "the kernel's memory, passed in by parts"
    )]
    pub(crate) fn rasterize(
        &self,
        active: &mut [ActiveEdge],
        crossings: &mut [Crossing],
        coverage: &mut CoverageRow<'_>,
        colors: &mut [Pixel],
        target: &mut [Pixel],
        x_off: usize,
    ) {
        debug_assert!(
            crossings.len() >= most_crossings(active, self.scene.sub_scanlines()),
            "room for the crossings of every sub-scanline"
        );
        let antialias = self.scene.antialias() && self.fill.antialias();
        // Where every sub-scanline of the row has the same crossings, one of them at the
        // weight of all adds the same coverage: an aliased path's edges are vertical over
        // whole rows (one edge per row, at the row centre's crossing), and so are a
        // rectangle's sides and the straight sides of most shapes. The cells then hold
        // what `s` steps of weight `1 / s` would leave wherever those sums are exact, as they
        // are unless `x` is below 4 or many span ends share a pixel (the steps are multiples
        // of a quarter of `x`'s precision); otherwise a cell may differ in its last bit,
        // which coverage rounded to 8 bits almost never shows.
        let subs = self.scene.sub_scanlines() as i32;
        debug_assert!(
            self.fill.antialias() || active.iter().all(|a| uniform(a, subs)),
            "an aliased path's edges are vertical over whole rows"
        );
        // One pass over the edges for both tests: whether every edge crosses every
        // sub-scanline of the row (as on most rows: then a sub-scanline's crossings are those
        // of all the edges, without a test per edge), and whether every edge is vertical.
        let (mut full, mut vertical) = (true, true);
        for a in active.iter() {
            full &= a.k0 == 0 && a.k1 == subs;
            vertical &= a.step == 0.0;
        }
        let s = if full && vertical { 1 } else { subs };
        let mut touched = Touched {
            lo: usize::MAX,
            hi: 0,
            antialias,
            weight: 1.0 / s as f32,
        };
        // Rows of more than two crossings whose edges keep their order through the row (most
        // rows of paths with holes or several parts) skip the sort and the winding walk.
        let pattern = if s > 1 && full && active.len() > 2 {
            SpanPattern::of(active, self.fill)
        } else {
            None
        };
        // Two edges through every sub-scanline (most rows of simple shapes): their crossings
        // are the sub-scanline's two, so its span is what `sort_crossings` and `span_of_two`
        // make of two, without the crossings written out. The winding after both decides for
        // the whole row: the span between them, or none. Two equal crossings or a NaN give
        // nothing here; sorted, they give an empty span or one with a NaN end, which
        // `add_span` drops.
        let two = match *active {
            [a, b] if full => Some((a, b, !self.fill.rule().inside(a.dir + b.dir))),
            _ => None,
        };
        // Rows whose edges keep one strict order from the first sub-scanline to the last (and
        // so on every one between: each crossing is linear in `k`) have the same spans on
        // every sub-scanline, each edge opening one, closing one, or neither. A row of two
        // such edges (most rows of simple shapes) is one span, whose pixels are painted
        // straight from the edges, without the coverage row (`CoverageRow::between`). In
        // other rows the steps go in edge by edge, and an edge's crossings that fall in one
        // pixel go in as one step. (Painting each span of such a row straight from its edges
        // where no two spans share a pixel measured no faster: `BENCHMARKS.md`, "Session
        // 27".)
        let by_edge = by_edge_allowed() && antialias && (s > 1 || two.is_some()) && {
            // Vertical edges (`s` 1) cross every sub-scanline at the same x. (A row of more
            // vertical edges has no span pattern at `s` 1, so it walks its one sub-scanline
            // whether or not it enters here.)
            debug_assert!(s == SUB_SCANLINES as i32 || vertical);
            let last = s - 1;
            if let Some((a, b, closed)) = two {
                let (a0, a1, b0, b1) = (a.x_at(0), a.x_at(last), b.x_at(0), b.x_at(last));
                let order = if a0 < b0 && a1 < b1 {
                    Some((a, b))
                } else if b0 < a0 && b1 < a1 {
                    Some((b, a))
                } else {
                    None
                };
                match order {
                    Some((left, right)) if closed => {
                        #[cfg(test)]
                        ROWS_BY_EDGE.set(ROWS_BY_EDGE.get() + 1);
                        let span = coverage.between(&left, &right);
                        self.paint_span(&span, colors, target, x_off);
                        return;
                    }
                    // Both crossings the same way under nonzero: no span on any sub-scanline.
                    // (Not met by closed contours, whose windings on a sub-scanline sum to
                    // zero; kept so that the shortcut draws what the walk would.)
                    Some(_) => true,
                    None => false,
                }
            } else if let Some(pattern) = &pattern
                && keeps_order(active, s)
            {
                for (p, a) in active.iter().enumerate() {
                    if let Some(sign) = pattern.sign(p) {
                        touched.add_edge(coverage, a, s, sign);
                    }
                }
                true
            } else {
                false
            }
        };
        #[cfg(test)]
        ROWS_BY_EDGE.set(ROWS_BY_EDGE.get() + usize::from(by_edge));
        for k in 0..if by_edge { 0 } else { s } {
            if let Some((a, b, closed)) = two {
                let (xa, xb) = (a.x_at(k), b.x_at(k));
                let (x0, x1) = if xb < xa { (xb, xa) } else { (xa, xb) };
                if closed && x0 < x1 {
                    touched.add(coverage, x0, x1);
                }
                continue;
            }
            let n = if full {
                for (c, a) in crossings.iter_mut().zip(&*active) {
                    *c = Crossing {
                        x: a.x_at(k),
                        winding: a.dir,
                    };
                }
                active.len()
            } else {
                let mut n = 0;
                for a in active.iter().filter(|a| a.k0 <= k && k < a.k1) {
                    crossings[n] = Crossing {
                        x: a.x_at(k),
                        winding: a.dir,
                    };
                    n += 1;
                }
                n
            };
            let crossings = &mut crossings[..n];
            if let Some(ends) = pattern.as_ref().and_then(|p| p.span_ends(crossings)) {
                for (x0, x1) in ends {
                    touched.add(coverage, x0, x1);
                }
                continue;
            }
            sort_crossings(crossings);
            if let [a, b] = *crossings {
                if let Some((x0, x1)) = span_of_two(a, b, self.fill) {
                    touched.add(coverage, x0, x1);
                }
                continue;
            }
            for (x0, x1) in walk_spans(crossings, self.fill) {
                touched.add(coverage, x0, x1);
            }
        }
        let Touched { lo, hi, .. } = touched;
        if lo >= hi {
            return;
        }
        match self.fill.paint() {
            PaintRef::Solid(color) => {
                let paint = RunPaint::new(color, self.fill.solid_rgba8(), self.layer_opacity);
                coverage.blend(lo, hi, target, x_off, paint, antialias);
            }
            PaintRef::Shader(i) => {
                let shader = self.scene.shader(i);
                let shade = |x0: usize, out: &mut [Pixel]| {
                    shader.shade_row(self.y, x0, out, self.tiles);
                };
                let opaque = opaque_shades(shader);
                coverage.blend_shaded(lo, hi, target, x_off, colors, shade, opaque, antialias);
            }
        }
    }
}

impl FillRow<'_> {
    /// Composites the path's paint over `span` onto `target` (a layer row starting at pixel
    /// `x_off`); `colors` as for [`FillRow::rasterize`].
    #[inline(always)]
    fn paint_span(&self, span: &Between, colors: &mut [Pixel], target: &mut [Pixel], x_off: usize) {
        match self.fill.paint() {
            PaintRef::Solid(color) => {
                let paint = RunPaint::new(color, self.fill.solid_rgba8(), self.layer_opacity);
                span.paint(target, x_off, paint);
            }
            PaintRef::Shader(i) => {
                let shader = self.scene.shader(i);
                let shade = |x0: usize, out: &mut [Pixel]| {
                    shader.shade_row(self.y, x0, out, self.tiles);
                };
                span.paint_shaded(target, x_off, colors, shade, opaque_shades(shader));
            }
        }
    }
}

/// Where a path's spans go: into the coverage row at `weight` each, their ends exact when
/// anti-aliasing; and the cells they touched, `lo..hi` (empty while `lo >= hi`).
struct Touched {
    lo: usize,
    hi: usize,
    antialias: bool,
    weight: f32,
}

impl Touched {
    /// Adds the steps of `edge`, which crosses every one of the row's `s` sub-scanlines and
    /// opens a span there (`sign` 1) or closes one (`sign` -1) on each: a step of the row's
    /// weight at each crossing, those in one pixel as one. Its crossings on the first and
    /// last sub-scanline must not be NaN; those between are not then either.
    #[inline(always)]
    fn add_edge(&mut self, coverage: &mut CoverageRow<'_>, edge: &ActiveEdge, s: i32, sign: f32) {
        debug_assert!(self.antialias);
        let crossings = (0..s).map(|k| edge.x_at(k));
        if let Some((first, last)) = coverage.add_steps(crossings, sign * self.weight) {
            self.lo = self.lo.min(first);
            self.hi = self.hi.max(last + 1);
        }
    }

    /// Adds the span from `x0` to `x1` to `coverage`.
    #[inline(always)]
    fn add(&mut self, coverage: &mut CoverageRow<'_>, x0: f32, x1: f32) {
        let (x0, x1) = if self.antialias {
            (x0, x1)
        } else {
            // Aliased: the pixels whose centres are inside, as tiny-skia rounds.
            ((x0 + 0.5).floor(), (x1 + 0.5).floor())
        };
        if let Some((first, last)) = coverage.add_span(x0, x1, self.weight) {
            self.lo = self.lo.min(first);
            self.hi = self.hi.max(last + 1);
        }
    }
}

#[cfg(test)]
thread_local! {
    /// Whether rows may take their steps edge by edge: tests turn it off on their thread to
    /// compare the shortcut with the walk of every sub-scanline.
    static BY_EDGE: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
    /// The path-rows drawn edge by edge on this thread: for the tests of which rows take
    /// the shortcut, which draws what the walk of every sub-scanline draws.
    static ROWS_BY_EDGE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Whether opaque shades may be written straight onto the pixels they cover fully:
    /// tests turn it off on their thread to compare with compositing them.
    static OPAQUE_SHADES: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether `shader`'s colours are opaque and may replace the pixels they cover fully
/// (always where they are, but in the tests that compare).
#[inline(always)]
fn opaque_shades(shader: &Shader) -> bool {
    #[cfg(test)]
    return shader.is_opaque() && OPAQUE_SHADES.get();
    #[cfg(not(test))]
    shader.is_opaque()
}

/// Whether rows may take their steps edge by edge (always, but in the tests that compare).
#[inline(always)]
fn by_edge_allowed() -> bool {
    #[cfg(test)]
    return BY_EDGE.get();
    #[cfg(not(test))]
    true
}

/// Whether `active` (every edge crossing every one of the row's `s` sub-scanlines) is in
/// strictly increasing x on the first sub-scanline and on the last. The crossings of every
/// sub-scanline between are then in that order too, as each is linear in `k`. A NaN
/// crossing fails the test.
fn keeps_order(active: &[ActiveEdge], s: i32) -> bool {
    active
        .windows(2)
        .all(|w| w[0].x_at(0) < w[1].x_at(0) && w[0].x_at(s - 1) < w[1].x_at(s - 1))
}

/// Whether `edge` crosses every one of the row's `subs` sub-scanlines at the same x.
#[inline(always)]
fn uniform(edge: &ActiveEdge, subs: i32) -> bool {
    edge.step == 0.0 && edge.k0 == 0 && edge.k1 == subs
}

#[cfg(test)]
mod tests {
    use crate::options::RenderOptions;
    use crate::render::Renderer;
    use crate::scene::Scene;

    /// The alpha of every pixel of row `y` of `svg` (black paint).
    fn alphas(svg: &str, y: usize) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
        let image = Renderer::new(&scene).unwrap().render(1).unwrap().0;
        let width = scene.width() as usize;
        image.data[y * width * 4..][..width * 4]
            .iter()
            .skip(3)
            .step_by(4)
            .copied()
            .collect()
    }

    #[test]
    fn vertical_sides_over_whole_rows_cover_their_pixels_exactly() {
        // Rows 1 and 2 see only the vertical sides (drawn once at the weight of all
        // sub-scanlines); row 0 also sees the top at a quarter pixel, so it takes every
        // sub-scanline. Both must give the sides' exact area.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path d="M1.25 0.25H5.5V3H1.25Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 191, 255, 255, 255, 128, 0, 0]);
        assert_eq!(alphas(svg, 2), alphas(svg, 1));
        assert_eq!(alphas(svg, 0), [0, 143, 191, 191, 191, 96, 0, 0]);
    }

    #[test]
    fn edges_that_start_within_a_row_cross_only_its_later_sub_scanlines() {
        // A hole from y 1.5 to 3 (even-odd): on row 1 its sides cross the two lower
        // sub-scanlines only, so pixels 3 and 4 are half covered; counting the sides on
        // every sub-scanline would empty them. Four edges on the row: the row has no span
        // pattern, as its edges do not all cross every sub-scanline.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path fill-rule="evenodd" d="M1 0H7V4H1Z M3 1.5H5V3H3Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 255, 255, 128, 128, 255, 255, 0]);
        assert_eq!(alphas(svg, 2), [0, 255, 255, 0, 0, 255, 255, 0]);
    }

    #[test]
    fn two_edges_that_cross_within_a_row_swap_their_span_ends() {
        // Two diagonals crossing at (4, 2), the only edges of rows 1 and 2: on row 1 the
        // down edge is left of the up edge, on row 2 right of it. Each row's sub-scanline
        // spans are 3.5, 2.5, 1.5 and 0.5 pixels wide around x = 4, so both rows cover
        // pixels 2 to 5 by a quarter, three quarters, three quarters and a quarter.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path d="M0 0L8 4H0L8 0Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 0, 64, 191, 191, 64, 0, 0]);
        assert_eq!(alphas(svg, 2), alphas(svg, 1));
    }

    /// Every pixel of `svg` as RGBA8, drawn on this thread with rows taking their steps edge
    /// by edge where they can (`by_edge`) or walking every sub-scanline.
    fn pixels(svg: &str, by_edge: bool) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
        super::BY_EDGE.set(by_edge);
        let before = super::ROWS_BY_EDGE.get();
        let image = Renderer::new(&scene).unwrap().render_here();
        super::BY_EDGE.set(true);
        if !by_edge {
            assert_eq!(
                super::ROWS_BY_EDGE.get(),
                before,
                "no row by edge when turned off"
            );
        }
        image.unwrap().0.data
    }

    #[test]
    fn steep_sides_within_a_pixel_per_row_cover_their_exact_area() {
        // The left side runs from x 1.1 at the top to 1.5 at y 4, the right from 5.7 to 5.3:
        // 0.1 pixel per row, so each row's four crossings of a side fall in one pixel and go
        // in as one step at their mean. Row 1 (y 1 to 2): the left side's mean x is 1.25, the
        // right's 5.55; row 2: 1.35 and 5.45. Pixel 1 is covered right of the mean, pixel 5
        // left of it. Both rows' edges keep their order, so they take the shortcut.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path d="M1.1 0H5.7L5.3 4H1.5Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 191, 255, 255, 255, 140, 0, 0]);
        assert_eq!(alphas(svg, 2), [0, 166, 255, 255, 255, 115, 0, 0]);
        // The same with a hole whose sides lean 0.1 pixel per row too: four edges in one
        // order. On row 1 the hole's sides have their mean at 2.85 and 4.05, so pixel 2 keeps
        // 0.85 of its area, pixel 3 none and pixel 4 0.95.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path fill-rule="evenodd" d="M1.1 0H5.7L5.3 4H1.5Z M2.7 0H3.9L4.3 4H3.1Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 191, 217, 0, 242, 140, 0, 0]);
    }

    #[test]
    fn slivers_within_a_pixel_or_two_cover_their_exact_area() {
        // Sides 0.4 pixel apart, leaning 0.1 pixel per four rows, within pixel 2 on every
        // row: it keeps 0.4 of its area.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path d="M2.2 0H2.6L2.7 4H2.3Z"/></svg>"#;
        for y in 0..4 {
            assert_eq!(alphas(svg, y), [0, 0, 102, 0, 0, 0, 0, 0], "row {y}");
        }
        // Sides 0.3 pixel apart across the boundary of pixels 2 and 3, so that no pixel is
        // inside on every sub-scanline. On row 1 the left side's mean crossing is 2.8375 and
        // the right's 3.1375: pixel 2 keeps 0.1625 of its area, pixel 3 0.1375.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path d="M2.8 0H3.1L3.2 4H2.9Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 0, 41, 35, 0, 0, 0, 0]);
        assert_eq!(rows_by_edge(svg), 4);
    }

    /// How many path-rows of `svg` are drawn edge by edge.
    fn rows_by_edge(svg: &str) -> usize {
        let before = super::ROWS_BY_EDGE.get();
        pixels(svg, true);
        super::ROWS_BY_EDGE.get() - before
    }

    #[test]
    fn rows_whose_edges_keep_their_order_are_drawn_edge_by_edge() {
        let svg = |d: &str| {
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="16">
                <path fill-rule="evenodd" d="{d}"/></svg>"#
            )
        };
        // Sloped sides through all 16 rows: every row, as two edges.
        assert_eq!(rows_by_edge(&svg("M1.1 0H5.7L5.3 16H1.5Z")), 16);
        // With a hole whose sides slope too, over rows 4 to 11: a span pattern of four edges
        // there, and the rows where the hole's sides start and end (4 and 11: its top at 4.5,
        // its bottom at 11.5) cross the row's sub-scanlines only in part, so walk them.
        assert_eq!(
            rows_by_edge(&svg("M1.1 0H7.7L7.3 16H1.5Z M2.7 4.5H3.9L4.3 11.5H3.1Z")),
            14
        );
        // Vertical sides: one sub-scanline at the weight of all, its one span painted
        // straight from the two edges on the first row; the rows below repeat it.
        assert_eq!(rows_by_edge(&svg("M1.25 0H5.5V16H1.25Z")), 1);
        // Four vertical sides (a rectangle with a bar inside it, nonzero): no shortcut.
        let bars = "M1.25 0H5.5V16H1.25Z M2.5 0H3.5V16H2.5Z";
        assert_eq!(rows_by_edge(&svg(bars).replace("evenodd", "nonzero")), 0);
        // Two diagonals crossing at y 4, a row boundary: rows 0 to 3 have one side left, rows
        // 4 to 7 the other, and every row keeps its order through its sub-scanlines.
        assert_eq!(rows_by_edge(&svg("M0 0L8 8H0L8 0Z")), 8);
        // Crossing at y 4.5, within row 4: that row's sides trade places, so it walks its
        // sub-scanlines.
        assert_eq!(rows_by_edge(&svg("M0 0L8 9H0L8 0Z")), 8);
        // Two sides meeting on a sub-scanline's centre cross it at one x, in no strict order
        // there, so that row walks its sub-scanlines: the apex of a triangle on the first
        // sub-scanline of row 0, and two diagonals (slopes 1 and -1: exact crossings)
        // crossing on the last of row 3 (rows 0 to 6 have both through every sub-scanline);
        // each with either side first.
        for d in ["M0 4L4 0.125L8 4Z", "M8 4L4 0.125L0 4Z"] {
            assert_eq!(rows_by_edge(&svg(d)), 3, "{d}");
        }
        for d in ["M0 0L7.75 7.75H0L7.75 0Z", "M0 0H7.75L0 7.75H7.75Z"] {
            assert_eq!(rows_by_edge(&svg(d)), 6, "{d}");
        }
        // The same with four edges (two triangles whose long sides cross), through the
        // span pattern: crossing on the last sub-scanline of row 3, then on the first of row
        // 4 (rows 0 to 7 through every sub-scanline), with the triangles in either order (the
        // pattern's sort keeps tied edges in the order it finds them).
        let nonzero = |d: &str| svg(d).replace("evenodd", "nonzero");
        let d = "M0 0L7.75 7.75H0Z M7.75 0L0 7.75H7.75Z";
        assert_eq!(rows_by_edge(&nonzero(d)), 6, "{d}");
        for d in [
            "M0 0L8.25 8.25H0Z M8.25 0L0 8.25H8.25Z",
            "M8.25 0L0 8.25H8.25Z M0 0L8.25 8.25H0Z",
        ] {
            assert_eq!(rows_by_edge(&nonzero(d)), 7, "{d}");
        }
    }

    #[test]
    fn a_circles_rows_are_drawn_edge_by_edge_but_at_its_top_and_bottom() {
        // A circle 200 px across over 201 rows, as four cubics. The flattener moves the
        // points of its steep parts between rows, so that no vertex splits a row there: only
        // rows near the top and bottom, where the curve is too flat to move a point so far,
        // and the row of the cubics' joins at the sides (y 128.3, inside row 128), walk their
        // sub-scanlines.
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">
            <circle cx="128" cy="128.3" r="100"/></svg>"#;
        // Without the moves, 174 rows are (27 walk); with them, 197.
        let rows = rows_by_edge(svg);
        assert!(rows >= 195, "{rows} of 201 rows drawn edge by edge");
    }

    /// Every pixel of `svg` as RGBA8, drawn on this thread with opaque shades written
    /// straight onto the pixels they cover fully, or composited.
    fn shaded_pixels(svg: &str, straight: bool) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let scene = Scene::build(&tree, &RenderOptions::default()).unwrap();
        super::OPAQUE_SHADES.set(straight);
        let image = Renderer::new(&scene).unwrap().render_here();
        super::OPAQUE_SHADES.set(true);
        image.unwrap().0.data
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        #[test]
        fn opaque_shades_written_straight_match_their_composite(
            contours in proptest::collection::vec(
                proptest::collection::vec((-20i32..=180, 0i32..=640), 3..7),
                1..4,
            ),
            even_odd: bool,
            paint in 0usize..4,
        ) {
            // Polygons (rows of one span, drawn from their edges, and rows of several,
            // walked) over a translucent background, filled with an opaque linear or radial
            // gradient, alone or in a group with opacity (a layer row), and with an opaque
            // gradient under a translucent one: every pixel the same whether the opaque
            // shades replace the pixels they cover fully or are composited onto them.
            let mut d = String::new();
            for c in &contours {
                for (i, (x, y)) in c.iter().enumerate() {
                    let op = if i == 0 { 'M' } else { 'L' };
                    d += &format!("{op}{} {} ", *x as f32 / 10.0, *y as f32 / 10.0);
                }
                d += "Z ";
            }
            let rule = if even_odd { "evenodd" } else { "nonzero" };
            let path = [
                format!(r#"<path fill-rule="{rule}" fill="url(#l)" d="{d}"/>"#),
                format!(r#"<path fill-rule="{rule}" fill="url(#r)" d="{d}"/>"#),
                format!(r#"<g opacity="0.6"><path fill-rule="{rule}" fill="url(#l)" d="{d}"/><path d="M0 0H3V3Z"/></g>"#),
                format!(r#"<path fill-rule="{rule}" fill="url(#r)" d="{d}"/><path fill-rule="{rule}" fill="url(#t)" d="{d}" transform="translate(1.3 2.1)"/>"#),
            ][paint].clone();
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="64">
                <linearGradient id="l" x1="0" x2="1" y2="0.3">
                <stop offset="0" stop-color="#e21"/><stop offset="1" stop-color="#14c"/>
                </linearGradient>
                <radialGradient id="r" cx="0.4" cy="0.5" r="0.6" fx="0.3">
                <stop offset="0" stop-color="#fe2"/><stop offset="1" stop-color="#30c"/>
                </radialGradient>
                <linearGradient id="t" x2="0" y2="1">
                <stop offset="0" stop-color="#0a8" stop-opacity="0.4"/>
                <stop offset="1" stop-color="#30c"/></linearGradient>
                <rect width="16" height="64" fill="#7a4" fill-opacity="0.5"/>{path}</svg>"##
            );
            let (straight, composited) = (shaded_pixels(&svg, true), shaded_pixels(&svg, false));
            proptest::prop_assert!(straight == composited, "{}", svg);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        #[test]
        fn rows_by_edge_match_rows_by_sub_scanline(
            contours in proptest::collection::vec(
                proptest::collection::vec((-20i32..=180, 0i32..=640), 3..7),
                1..4,
            ),
            even_odd: bool,
            paint in 0usize..4,
        ) {
            // Polygons on a 16 x 64 canvas at tenths of a pixel, reaching 2 px past its sides:
            // tall enough that many sides stay within a pixel through a row, with holes,
            // overlaps and sides that cross within a row, and spans cut at the canvas. Both
            // ways cover each pixel by the same area but for rounding (the mean of four
            // crossings against four steps, or a pixel's area computed at once against the
            // running sum of its steps), which may move a channel by one. Painted black, in a
            // translucent colour, alone in a group with opacity (drawn without a layer), and
            // with a gradient (a colour per pixel).
            let mut d = String::new();
            for c in &contours {
                for (i, (x, y)) in c.iter().enumerate() {
                    let op = if i == 0 { 'M' } else { 'L' };
                    d += &format!("{op}{} {} ", *x as f32 / 10.0, *y as f32 / 10.0);
                }
                d += "Z ";
            }
            let rule = if even_odd { "evenodd" } else { "nonzero" };
            let path = [
                format!(r#"<path fill-rule="{rule}" d="{d}"/>"#),
                format!(r##"<path fill-rule="{rule}" fill="#c83" fill-opacity="0.55" d="{d}"/>"##),
                format!(r##"<g opacity="0.6"><path fill-rule="{rule}" fill="#2a7" d="{d}"/></g>"##),
                format!(r#"<path fill-rule="{rule}" fill="url(#g)" d="{d}"/>"#),
            ][paint].clone();
            let svg = format!(
                r##"<svg xmlns="http://www.w3.org/2000/svg" width="16" height="64">
                <linearGradient id="g" x1="0" x2="1" y2="0.3">
                <stop offset="0" stop-color="#e21" stop-opacity="0.7"/>
                <stop offset="1" stop-color="#14c"/></linearGradient>{path}</svg>"##
            );
            let (by_edge, by_sub) = (pixels(&svg, true), pixels(&svg, false));
            for (i, (a, b)) in by_edge.iter().zip(&by_sub).enumerate() {
                proptest::prop_assert!(
                    a.abs_diff(*b) <= 1,
                    "pixel {} channel {}: {} by edge, {} by sub-scanline in {}",
                    i / 4, i % 4, a, b, svg
                );
            }
        }
    }

    #[test]
    fn a_sloped_side_keeps_every_sub_scanline() {
        // One side leans by a pixel per row: its row coverage is a trapezoid, which one
        // sub-scanline would get wrong (it would see a vertical side at the row's top).
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4">
            <path d="M1 0H6L7 1V4H1Z"/></svg>"#;
        assert_eq!(alphas(svg, 1), [0, 255, 255, 255, 255, 255, 255, 0]);
        let row0 = alphas(svg, 0);
        assert_eq!(row0[..6], [0, 255, 255, 255, 255, 255]);
        assert!(
            (100..=160).contains(&row0[6]),
            "half-covered pixel: {}",
            row0[6]
        );
    }
}
