//! Edges to crossings to spans: a path's edges on one row as active edges, their crossings
//! of one sub-scanline, sorted, and the spans between them that are inside under the fill
//! rule.

use arena_core::ScanLocal;

use crate::options::SUB_SCANLINES;
use crate::scene::{FillItem, Scene};

/// An edge that touches the current row, with its x stepped per sub-scanline.
///
/// Invariant: `0 <= k0 < k1 <= sub_scanlines`; on sub-scanline `k` of the row (for `k` in
/// `k0..k1`) the edge crosses at `x + k * step`.
#[derive(Clone, Copy, Debug, Default, PartialEq, ScanLocal)]
pub struct ActiveEdge {
    /// x on the row's first sub-scanline (extrapolated if the edge starts lower).
    pub x: f32,
    /// x change from one sub-scanline to the next.
    pub step: f32,
    /// First sub-scanline of the row the edge crosses.
    pub k0: i32,
    /// One past the last sub-scanline of the row the edge crosses.
    pub k1: i32,
    /// +1 going down, -1 going up.
    pub dir: i32,
}

impl ActiveEdge {
    /// The edge's x on sub-scanline `k` of the row: how every crossing is computed, so that
    /// shortcuts see the same values as the crossings.
    #[inline(always)]
    pub(super) fn x_at(&self, k: i32) -> f32 {
        self.x + k as f32 * self.step
    }
}

/// Where an edge crosses a sub-scanline, and which way it winds.
#[derive(Clone, Copy, Debug, Default, PartialEq, ScanLocal)]
pub struct Crossing {
    /// x in pixels.
    pub x: f32,
    /// +1 or -1.
    pub winding: i32,
}

/// A horizontal run of a sub-scanline that is inside the path.
#[derive(Clone, Copy, Debug, Default, PartialEq, ScanLocal)]
pub struct Span {
    /// Left end in pixels.
    pub x0: f32,
    /// Right end in pixels.
    pub x1: f32,
}

/// Edges of row `y` (`entries`, indices into the scene's edges, from the row index), as
/// active edges.
pub(crate) fn activate<'s>(
    scene: &'s Scene,
    y: u32,
    entries: &'s [u32],
) -> impl ExactSizeIterator<Item = ActiveEdge> + 's {
    let s = scene.sub_scanlines() as i32;
    let row_sub = y as i32 * s;
    // `s` is a power of two: multiplying by its reciprocal is exact, and cheaper than a
    // division per edge.
    let per_sub = 1.0 / s as f32;
    entries.iter().map(move |&e| {
        let e = scene.edge(e);
        let subs = e.subs();
        let active = ActiveEdge {
            x: e.x_at_sub(row_sub, s),
            step: e.dxdy() * per_sub,
            k0: (subs.start - row_sub).max(0),
            k1: (subs.end - row_sub).min(s),
            dir: e.dir(),
        };
        // The row index lists only edges that cross a sub-scanline of the row.
        debug_assert!(0 <= active.k0 && active.k0 < active.k1 && active.k1 <= s);
        active
    })
}

/// The most crossings on one sub-scanline of the row: what the scene's `max_sub_crossings`
/// bounds.
pub(super) fn most_crossings(active: &[ActiveEdge], sub_scanlines: u32) -> usize {
    // One pass over the edges, counting into a small table (a row has at most
    // `SUB_SCANLINES` sub-scanlines), rather than one pass per sub-scanline.
    let mut live = [0usize; SUB_SCANLINES as usize];
    let live = &mut live[..sub_scanlines as usize];
    for a in active {
        for n in &mut live[a.k0 as usize..a.k1 as usize] {
            *n += 1;
        }
    }
    live.iter().copied().max().unwrap_or(0)
}

/// Sorts one sub-scanline's crossings by x. Most paths cross a sub-scanline twice: two
/// crossings are ordered inline (swapped only when the second is strictly less, as the
/// library's insertion sort does), without the call and the loop of a general sort.
#[inline(always)]
pub(super) fn sort_crossings(crossings: &mut [Crossing]) {
    match crossings {
        [] | [_] => {}
        [a, b] => {
            if b.x.total_cmp(&a.x).is_lt() {
                std::mem::swap(a, b);
            }
        }
        _ => crossings.sort_unstable_by(|a, b| a.x.total_cmp(&b.x)),
    }
}

/// The span of two sorted crossings `a` and `b`, if it is inside under the fill rule: from
/// the first (a winding of 1 or -1 is inside under either rule) up to the second, unless the
/// winding after both is still inside (both crossings the same way, under nonzero). What
/// [`walk_spans`] gives for two crossings, without the walk: most paths cross a sub-scanline
/// twice.
#[inline(always)]
pub(super) fn span_of_two(a: Crossing, b: Crossing, fill: &FillItem) -> Option<(f32, f32)> {
    (!fill.rule().inside(a.winding + b.winding)).then_some((a.x, b.x))
}

/// The spans of sorted `crossings` that are inside under the fill rule, one `(x0, x1)` at a
/// time, left to right: the winding number walked along them, with no slice of spans
/// written and read back.
#[inline(always)]
pub(super) fn walk_spans<'a>(
    crossings: &'a [Crossing],
    fill: &FillItem,
) -> impl Iterator<Item = (f32, f32)> + 'a {
    let rule = fill.rule();
    let (mut winding, mut start, mut rest) = (0, 0.0, crossings.iter());
    std::iter::from_fn(move || {
        for c in rest.by_ref() {
            let was = rule.inside(winding);
            winding += c.winding;
            let is = rule.inside(winding);
            if !was && is {
                start = c.x;
            } else if was && !is {
                return Some((start, c.x));
            }
        }
        None
    })
}

/// The spans [`walk_spans`] gives, collected: the form the tests compare.
#[cfg(test)]
pub(super) fn walked(crossings: &[Crossing], fill: &FillItem) -> Vec<Span> {
    walk_spans(crossings, fill)
        .map(|(x0, x1)| Span { x0, x1 })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paint::PaintRef;
    use crate::scene::{FillRule, PixelBounds};

    #[test]
    fn two_crossings_give_the_spans_of_the_winding_walk() {
        for rule in [FillRule::NonZero, FillRule::EvenOdd] {
            let fill = FillItem::new(
                0..2,
                PixelBounds::default(),
                PaintRef::Solid([0.0; 4]),
                rule,
                true,
            );
            for (w0, w1) in [(1, -1), (-1, 1), (1, 1), (-1, -1)] {
                let crossings = [
                    Crossing {
                        x: 2.5,
                        winding: w0,
                    },
                    Crossing {
                        x: 7.25,
                        winding: w1,
                    },
                ];
                let [a, b] = crossings;
                let inline = span_of_two(a, b, &fill).map(|(x0, x1)| Span { x0, x1 });
                let expected = walked(&crossings, &fill);
                assert_eq!(Vec::from_iter(inline), expected);
                // Opposite windings close the span under both rules; equal ones only
                // under even-odd (winding 2 or -2 is still inside under nonzero).
                let closed = w0 != w1 || rule == FillRule::EvenOdd;
                let span = [Span { x0: 2.5, x1: 7.25 }];
                assert_eq!(expected, if closed { &span[..] } else { &[] });
            }
        }
    }

    #[test]
    fn most_crossings_counts_the_busiest_sub_scanline() {
        // The kernel's check that its crossing scratch has room rests on this count.
        let edge = |k0, k1| ActiveEdge {
            x: 0.0,
            step: 0.0,
            k0,
            k1,
            dir: 1,
        };
        // Sub-scanlines 0 to 3 are crossed by 1, 2, 3 and 2 of these edges.
        let active = [edge(0, 4), edge(1, 3), edge(2, 3), edge(3, 4)];
        assert_eq!(most_crossings(&active, 4), 3);
        assert_eq!(most_crossings(&active[..2], 4), 2);
        assert_eq!(most_crossings(&[], 4), 0);
    }
}
