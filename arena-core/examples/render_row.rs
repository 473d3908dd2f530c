//! A renderer's row loop on a `ScanArena` sized from a `Budget`: per scan-line, the edge
//! crossings are collected from a `filter_map` with `alloc_iter` (their count is not known up
//! front), the filled spans go into a `LineVec`, coverage into a row of floats, and the row
//! is drawn as text in a `LineString`. Nothing touches the heap inside the loop.
//!
//! ```text
//! cargo run -p arena-core --example render_row
//! ```
//!
//! It checks every row against a per-pixel winding-number test, and that the arena's
//! statistics stay within the budget, and exits non-zero if anything disagrees.

use arena_core::{Budget, ScanArena, ScanLocal, budget};

const WIDTH: usize = 64;
const HEIGHT: usize = 32;

/// One polygon edge, from `a` to `b` (x, y in pixels).
#[derive(Clone, Copy)]
struct Edge {
    a: (f32, f32),
    b: (f32, f32),
}

/// Where an edge crosses a scan-line, and which way it goes.
#[derive(Clone, Copy, ScanLocal)]
struct Crossing {
    x: f32,
    winding: i32,
}

/// A run of covered pixels `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, ScanLocal)]
struct Span {
    start: u16,
    end: u16,
}

impl Edge {
    /// The crossing with the horizontal line at `y`, if the edge spans it (half-open in y,
    /// so a vertex shared by two edges counts once).
    fn crossing(&self, y: f32) -> Option<Crossing> {
        let ((x0, y0), (x1, y1)) = (self.a, self.b);
        if (y0 <= y) == (y1 <= y) {
            return None;
        }
        let t = (y - y0) / (y1 - y0);
        Some(Crossing {
            x: x0 + t * (x1 - x0),
            winding: if y1 > y0 { 1 } else { -1 },
        })
    }
}

/// A closed polygon's edges.
fn polygon(points: &[(f32, f32)]) -> impl Iterator<Item = Edge> + '_ {
    points.iter().enumerate().map(|(i, &a)| Edge {
        a,
        b: points[(i + 1) % points.len()],
    })
}

/// The scene: a frame (an outer rectangle and a hole wound the other way) and a triangle
/// that overlaps it.
fn scene() -> Vec<Edge> {
    let outer = [(4.0, 3.0), (40.0, 3.0), (40.0, 28.0), (4.0, 28.0)];
    let hole = [(12.0, 9.0), (12.0, 22.0), (30.0, 22.0), (30.0, 9.0)];
    let triangle = [(34.0, 1.0), (62.5, 16.0), (36.0, 31.0)];
    polygon(&outer)
        .chain(polygon(&hole))
        .chain(polygon(&triangle))
        .collect()
}

/// The most edges a scene may have: every row's crossings fit in the budget.
const MAX_EDGES: usize = 16;

/// The longest row label: "yy n spans" for a two-digit row and span count.
const LABEL: usize = 16;

/// The worst line: every edge crossing it, a span per crossing pair, the coverage row, the
/// row drawn as text, its label.
const LINE: Budget = budget!()
    .reserve_slice::<Crossing>(MAX_EDGES)
    .reserve_slice::<Span>(MAX_EDGES / 2)
    .reserve_slice::<f32>(WIDTH)
    .reserve_slice::<u8>(WIDTH)
    .reserve_slice::<u8>(LABEL);

/// Whether the pixel centre `(x, y)` is inside the scene (non-zero winding), tested point
/// by point: the reference the scan-line rows are checked against.
fn inside(edges: &[Edge], x: f32, y: f32) -> bool {
    let winding: i32 = edges
        .iter()
        .filter_map(|e| e.crossing(y))
        .filter(|c| c.x < x)
        .map(|c| c.winding)
        .sum();
    winding != 0
}

fn main() {
    let edges = scene();
    assert!(
        edges.len() <= MAX_EDGES,
        "the budget assumes at most {MAX_EDGES} edges"
    );
    let mut arena = ScanArena::for_budget(LINE);
    let mut covered = 0usize;
    let mut most_spans = 0usize;

    for y in 0..HEIGHT {
        let line = arena.line();
        let yc = y as f32 + 0.5;

        // Crossings of unknown count, collected in place from a filter_map.
        let crossings = line.alloc_iter(edges.iter().filter_map(|e| e.crossing(yc)));
        crossings.sort_unstable_by(|p, q| p.x.total_cmp(&q.x));

        // Spans where the winding number is non-zero, in a bounded vector: a crossing pair
        // makes at most one span.
        let mut spans = line.vec_with_capacity::<Span>(crossings.len() / 2);
        let mut winding = 0;
        let mut open = 0.0f32;
        for c in crossings.iter() {
            let was_inside = winding != 0;
            winding += c.winding;
            if !was_inside && winding != 0 {
                open = c.x;
            } else if was_inside && winding == 0 {
                // Pixels whose centre lies in [open, c.x).
                let start = (open - 0.5).ceil().max(0.0) as u16;
                let end = ((c.x - 0.5).ceil().max(0.0) as u16).min(WIDTH as u16);
                if start < end {
                    spans.push(Span { start, end });
                }
            }
        }
        most_spans = most_spans.max(spans.len());
        let spans = spans.into_slice();

        let coverage = line.alloc_slice_fill_copy(WIDTH, 0.0f32);
        for span in spans.iter() {
            coverage[usize::from(span.start)..usize::from(span.end)].fill(1.0);
        }

        let mut text = line.string_with_capacity(WIDTH);
        for (x, &c) in coverage.iter().enumerate() {
            let expected = inside(&edges, x as f32 + 0.5, yc);
            assert_eq!(
                c == 1.0,
                expected,
                "pixel ({x}, {y}) disagrees with the reference"
            );
            text.push(if c == 1.0 { '#' } else { '.' });
            covered += usize::from(c == 1.0);
        }
        let text = text.into_str();
        assert_eq!(text.len(), WIDTH);
        let label = line.alloc_fmt(format_args!("{y:>2} {} spans", spans.len()));
        assert!(label.len() <= LABEL);
        println!("{text} {label}");
    }

    let stats = arena.stats();
    println!(
        "{covered} pixels covered; at most {most_spans} spans in a row; {} lines, peak {} of \
         {} bytes ({:.0}%) on line {:?}; budget {} bytes",
        stats.lines,
        stats.peak_bytes,
        stats.capacity,
        stats.peak_fraction() * 100.0,
        stats.peak_line,
        LINE.bytes(),
    );
    assert_eq!(stats.lines, HEIGHT as u64);
    assert!(
        stats.peak_bytes <= LINE.bytes(),
        "a line went over its budget"
    );
    // Rows through the hole have two spans; the triangle overlaps the frame's right bar
    // (winding 2 there, still inside), so it merges with it instead of adding a third.
    assert_eq!(most_spans, 2);
    let frame = 36 * 25 - 18 * 13;
    assert!(
        covered > frame,
        "the triangle adds pixels to the frame's {frame}"
    );
}
