// Must pass: one and several lifetimes, borrowed fields, no lifetime, and a helper fn generic
// over the line's lifetime.
use arena_core::{Line, ScanArena, ScanLocal, slot_bound};

#[derive(Clone, Copy, ScanLocal)]
struct Style {
    width: f32,
}

#[derive(ScanLocal)]
struct Poly<'l> {
    #[scan(max = 8)]
    pts: &'l [[f32; 2]],
    #[scan(child)]
    style: &'l Style,
    cov: f32,
}

#[derive(ScanLocal)]
struct Label<'l, 'f> {
    #[scan(max = 16)]
    text: &'l str,
    #[scan(borrowed)]
    font: &'f str,
    // Unmarked: borrowed from the line, counted by whoever allocated it.
    owner: Option<&'l Poly<'l>>,
}

#[derive(ScanLocal)]
struct Span {
    x0: u16,
    x1: u16,
}

fn build<'l>(line: &Line<'l>, pts: &[[f32; 2]]) -> &'l Poly<'l> {
    Poly::new_in(line, pts, Style { width: 1.0 }, 0.5)
}

fn main() {
    let font = String::from("Serif");
    let mut arena = ScanArena::with_capacity(2048);
    for y in 0..3 {
        let line = arena.line();
        let pts = [[y as f32, 0.0], [1.0, 1.0], [0.0, 2.0]];
        let poly = Poly::new_in(&line, &pts, Style { width: 2.0 }, 0.5);
        let other = build(&line, &pts[..2]);
        let label = Label::new_in(&line, "edge", &font, Some(other));
        let span = Span::new_in(&line, 3, 9);
        assert_eq!(poly.pts[0][0], y as f32);
        assert_eq!(label.text, "edge");
        assert_eq!(label.font, "Serif");
        assert_eq!(label.owner.map(|p| p.pts.len()), Some(2));
        assert_eq!((span.x0, span.x1), (3, 9));
        assert_eq!(Span::SCAN_BOUND, slot_bound::<Span>());
    }
}
