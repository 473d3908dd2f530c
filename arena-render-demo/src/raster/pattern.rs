//! The inside spans of a row whose crossings keep one order on every sub-scanline, found
//! once per row instead of once per sub-scanline.

#[cfg(test)]
use super::crossing::Span;
use super::crossing::{ActiveEdge, Crossing};
use crate::scene::FillItem;

/// Which crossings open and close the inside spans of a sub-scanline whose crossings come
/// in a known order: that of a row's active edges sorted by x, when every edge crosses
/// every sub-scanline and no two trade places within the row. The spans depend only on the
/// order of the windings, so they are found once per row, and each sub-scanline only checks
/// that its crossings are still in that order, instead of sorting them and walking the
/// winding number.
///
/// Invariant: bit `p` of `opens` (of `closes`) is set when the `p`-th crossing in that order
/// opens (closes) a span; no bit is set in both.
#[derive(Clone, Copy, Debug)]
pub(super) struct SpanPattern {
    opens: u64,
    closes: u64,
}

impl SpanPattern {
    /// The most crossings a pattern describes: one bit each.
    const MOST: usize = 64;

    /// Sorts `active` by x on the row's first sub-scanline (a NaN x lands anywhere) and
    /// returns its pattern under `fill`'s rule, if there are at most [`SpanPattern::MOST`]
    /// edges; `None` otherwise (and `active` is left as it was). Every edge must cross every
    /// sub-scanline of the row (the caller knows whether they do, having checked it for its
    /// own use).
    pub(super) fn of(active: &mut [ActiveEdge], fill: &FillItem) -> Option<Self> {
        debug_assert!(
            active.iter().all(|a| a.k0 == 0 && a.k1 == active[0].k1),
            "edges that cross every sub-scanline"
        );
        if active.len() > Self::MOST {
            return None;
        }
        // An insertion sort on `<`, cheaper than a library sort on `total_cmp` for the few
        // edges of a row. Any order would be correct: `spans` uses the pattern only on a
        // sub-scanline whose crossings strictly increase in this order, which is then their
        // sorted order (so the order among equal or NaN x never matters, only how often the
        // pattern applies).
        for i in 1..active.len() {
            let edge = active[i];
            let mut j = i;
            while j > 0 && edge.x < active[j - 1].x {
                active[j] = active[j - 1];
                j -= 1;
            }
            active[j] = edge;
        }
        let rule = fill.rule();
        let (mut opens, mut closes, mut winding) = (0, 0, 0);
        for (p, a) in active.iter().enumerate() {
            let was = rule.inside(winding);
            winding += a.dir;
            let is = rule.inside(winding);
            opens |= u64::from(!was && is) << p;
            closes |= u64::from(was && !is) << p;
        }
        Some(SpanPattern { opens, closes })
    }

    /// Whether the `p`-th crossing in the pattern's order opens a span (1), closes one
    /// (-1), or neither (`None`).
    #[inline(always)]
    pub(super) fn sign(&self, p: usize) -> Option<f32> {
        if self.opens & (1 << p) != 0 {
            Some(1.0)
        } else if self.closes & (1 << p) != 0 {
            Some(-1.0)
        } else {
            None
        }
    }

    /// The spans of `crossings` (one per active edge, in the order the pattern was made
    /// for), one `(x0, x1)` at a time, if the crossings are in strictly increasing x: then
    /// sorting them would keep that order, and the winding walk
    /// ([`walk_spans`](super::crossing::walk_spans)) would give the same spans. `None`
    /// if two are out of order or equal.
    #[inline(always)]
    pub(super) fn span_ends<'a>(
        &self,
        crossings: &'a [Crossing],
    ) -> Option<impl Iterator<Item = (f32, f32)> + 'a> {
        if !crossings.is_sorted_by(|a, b| a.x < b.x) {
            return None;
        }
        let (opens, mut ends, mut start) = (self.opens, self.opens | self.closes, 0.0);
        Some(std::iter::from_fn(move || {
            while ends != 0 {
                let p = ends.trailing_zeros() as usize;
                ends &= ends - 1;
                if opens & (1 << p) != 0 {
                    start = crossings[p].x;
                } else {
                    return Some((start, crossings[p].x));
                }
            }
            None
        }))
    }

    /// The spans of [`SpanPattern::span_ends`] written to the front of `spans`: the form
    /// the tests compare with the winding walk.
    #[cfg(test)]
    fn spans<'a>(&self, crossings: &[Crossing], spans: &'a mut [Span]) -> Option<&'a [Span]> {
        let mut n = 0;
        for (x0, x1) in self.span_ends(crossings)? {
            spans[n] = Span { x0, x1 };
            n += 1;
        }
        Some(&spans[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paint::PaintRef;
    use crate::raster::crossing::{sort_crossings, walked};
    use crate::scene::{FillRule, PixelBounds};

    #[test]
    fn a_span_pattern_gives_the_spans_of_the_sorted_walk() {
        // A ring (outer and inner contour) and a self-overlap, as edges crossing all four
        // sub-scanlines, drifting apart but keeping their order.
        let edge = |x: f32, step: f32, dir: i32| ActiveEdge {
            x,
            step,
            k0: 0,
            k1: 4,
            dir,
        };
        let shapes = [
            vec![
                edge(9.0, -0.5, 1),
                edge(1.0, 0.25, -1),
                edge(3.5, 0.0, 1),
                edge(6.0, 0.1, -1),
            ],
            vec![
                edge(1.0, 0.0, 1),
                edge(2.0, 0.0, 1),
                edge(5.0, 0.0, -1),
                edge(7.0, 0.0, -1),
            ],
        ];
        for rule in [FillRule::NonZero, FillRule::EvenOdd] {
            let fill = FillItem::new(
                0..4,
                PixelBounds::default(),
                PaintRef::Solid([0.0; 4]),
                rule,
                true,
            );
            for mut active in shapes.clone() {
                let pattern = SpanPattern::of(&mut active, &fill).unwrap();
                assert!(active.is_sorted_by(|a, b| a.x <= b.x));
                for k in 0..4 {
                    let mut crossings: Vec<Crossing> = active
                        .iter()
                        .map(|a| Crossing {
                            x: a.x + k as f32 * a.step,
                            winding: a.dir,
                        })
                        .collect();
                    let mut known = [Span::default(); 2];
                    let known = pattern.spans(&crossings, &mut known).unwrap();
                    sort_crossings(&mut crossings);
                    assert_eq!(known, walked(&crossings, &fill));
                }
            }
        }
        // Nonzero fills the overlap as one span, even-odd leaves a hole in it.
        let fill = FillItem::new(
            0..4,
            PixelBounds::default(),
            PaintRef::Solid([0.0; 4]),
            FillRule::NonZero,
            true,
        );
        let mut active = shapes[1].clone();
        let pattern = SpanPattern::of(&mut active, &fill).unwrap();
        let crossings: Vec<Crossing> = active
            .iter()
            .map(|a| Crossing {
                x: a.x,
                winding: a.dir,
            })
            .collect();
        assert_eq!(
            pattern
                .spans(&crossings, &mut [Span::default(); 2])
                .unwrap(),
            [Span { x0: 1.0, x1: 7.0 }]
        );
    }

    #[test]
    fn a_span_pattern_refuses_crossings_out_of_order() {
        let fill = FillItem::new(
            0..3,
            PixelBounds::default(),
            PaintRef::Solid([0.0; 4]),
            FillRule::EvenOdd,
            true,
        );
        let edge = |x: f32| ActiveEdge {
            x,
            step: 0.0,
            k0: 0,
            k1: 4,
            dir: 1,
        };
        let mut active = [edge(1.0), edge(2.0), edge(3.0)];
        let pattern = SpanPattern::of(&mut active, &fill).unwrap();
        let crossing = |x: f32| Crossing { x, winding: 1 };
        let mut spans = [Span::default(); 1];
        // Two crossings traded places, or met: the order the pattern knows is not theirs.
        assert!(
            pattern
                .spans(&[crossing(1.0), crossing(3.0), crossing(2.0)], &mut spans)
                .is_none()
        );
        assert!(
            pattern
                .spans(&[crossing(1.0), crossing(2.0), crossing(2.0)], &mut spans)
                .is_none()
        );
        assert!(
            pattern
                .spans(&[crossing(1.0), crossing(2.0), crossing(3.0)], &mut spans)
                .is_some()
        );
    }

    #[test]
    fn a_span_pattern_covers_up_to_sixty_four_crossings_and_no_more() {
        // Edges given right to left, windings alternating: 32 spans on every sub-scanline.
        let edges = |n: usize| -> Vec<ActiveEdge> {
            (0..n)
                .rev()
                .map(|i| ActiveEdge {
                    x: i as f32,
                    step: 0.0,
                    k0: 0,
                    k1: 4,
                    dir: if i % 2 == 0 { 1 } else { -1 },
                })
                .collect()
        };
        for rule in [FillRule::NonZero, FillRule::EvenOdd] {
            let fill = FillItem::new(
                0..65,
                PixelBounds::default(),
                PaintRef::Solid([0.0; 4]),
                rule,
                true,
            );
            // Sixty-four, one bit each: the pattern gives the spans of the sorted walk.
            let mut active = edges(SpanPattern::MOST);
            let pattern = SpanPattern::of(&mut active, &fill).unwrap();
            let mut crossings: Vec<Crossing> = active
                .iter()
                .map(|a| Crossing {
                    x: a.x,
                    winding: a.dir,
                })
                .collect();
            let mut known = [Span::default(); 32];
            let known = pattern.spans(&crossings, &mut known).unwrap();
            assert_eq!(known.len(), 32);
            assert_eq!(known[31], Span { x0: 62.0, x1: 63.0 });
            sort_crossings(&mut crossings);
            assert_eq!(known, walked(&crossings, &fill));
            // Sixty-five do not fit the bits: refused, and the edges are left unsorted.
            let mut active = edges(SpanPattern::MOST + 1);
            assert!(SpanPattern::of(&mut active, &fill).is_none());
            assert_eq!(active[0].x, 64.0);
        }
    }
}
