//! A gradient's stops: read from usvg as tiny-skia reads them, and turned into the colour
//! table the shader looks colours up in.

use crate::pixel::{CLEAR, Paint, Pixel, to_u8};

/// One stop: its offset and its straight-alpha colour.
#[derive(Clone, Copy, Debug)]
struct Stop {
    offset: f32,
    color: [f32; 4],
}

/// A gradient's stops, interpolated with straight alpha as tiny-skia does.
///
/// Invariant: at least two stops, offsets non-decreasing from exactly 0 to exactly 1.
#[derive(Clone, Debug)]
pub(super) struct Stops(Vec<Stop>);

/// Entries of a gradient's colour table: neighbouring entries differ by at most a 1024th of
/// the gradient's colour range, under one 8-bit step for any gradient.
pub(super) const LUT_SIZE: usize = 1024;

impl Stops {
    /// The stops of `g` drawn with `opacity`: offsets bracketed by 0 and 1 and made
    /// non-decreasing; `None` without stops.
    pub(super) fn of(g: &usvg::BaseGradient, opacity: f32) -> Option<Stops> {
        let mut stops: Vec<Stop> = Vec::with_capacity(g.stops().len() + 2);
        let mut previous = 0.0f32;
        for s in g.stops() {
            let c = s.color();
            // Stop opacity times paint opacity, in 8 bits as tiny-skia stores it.
            let alpha = f32::from(to_u8(s.opacity().get() * opacity)) / 255.0;
            let offset = s.offset().get().clamp(previous, 1.0);
            previous = offset;
            let color = [c.red, c.green, c.blue].map(|v| f32::from(v) / 255.0);
            stops.push(Stop {
                offset,
                color: [color[0], color[1], color[2], alpha],
            });
        }
        let (first, last) = (*stops.first()?, *stops.last()?);
        if first.offset > 0.0 {
            stops.insert(
                0,
                Stop {
                    offset: 0.0,
                    ..first
                },
            );
        }
        if last.offset < 1.0 {
            stops.push(Stop {
                offset: 1.0,
                ..last
            });
        }
        Some(Stops(stops))
    }

    /// The premultiplied colour at `t = i / (LUT_SIZE - 1)` for every `i`, then a
    /// transparent entry: what `Stops::color_at` (the tests' reference) gives for each `t`,
    /// computed stop pair by stop pair. The entries of one pair take the same operations in
    /// the same order, so the loop over them has no branch and vectorises; finding where a
    /// pair's entries end is a comparison per entry.
    pub(super) fn lut(&self) -> Vec<Pixel> {
        let stops = &self.0;
        let t = |i: usize| i as f32 / (LUT_SIZE - 1) as f32;
        let mut lut = Vec::with_capacity(LUT_SIZE + 1);
        let mut i = 0;
        // `color_at` takes pair `j` (stops `j` and `j + 1`) for the `t` that have exactly
        // `j` stops after the first at or before them: those from stop `j`'s offset (the
        // entries before it went to earlier pairs) to below stop `j + 1`'s.
        for pair in stops.windows(2) {
            let (s0, s1) = (pair[0], pair[1]);
            let start = i;
            // Stops by `LUT_SIZE`: its `t` is above 1, and no offset is.
            while t(i) < s1.offset {
                i += 1;
            }
            // A pair with entries has `s0.offset <= t < s1.offset`, so a span above zero,
            // the case in which `color_at` divides by it.
            let span = s1.offset - s0.offset;
            lut.extend((start..i).map(|i| {
                let f = (t(i) - s0.offset) / span;
                let color = std::array::from_fn(|k| s0.color[k] + (s1.color[k] - s0.color[k]) * f);
                premultiply(color).map(to_u8)
            }));
        }
        // At and past the last stop's offset (always 1): the last stop's colour.
        let last = self.last_color().map(to_u8);
        lut.resize(LUT_SIZE, last);
        lut.push(CLEAR);
        lut
    }

    /// The stops' offsets and colours, bit for bit: two gradients whose stops have the same
    /// bits have the same table.
    fn bits(&self) -> impl Iterator<Item = u32> + '_ {
        self.0
            .iter()
            .flat_map(|s| std::iter::once(s.offset).chain(s.color))
            .map(f32::to_bits)
    }

    /// The last stop's colour, premultiplied.
    pub(super) fn last_color(&self) -> Paint {
        premultiply(self.0[self.0.len() - 1].color)
    }

    /// The premultiplied colour at `t` in `0..=1`: the definition [`Stops::lut`] computes
    /// in bulk, kept for the test that compares them.
    #[cfg(test)]
    pub(super) fn color_at(&self, t: f32) -> Paint {
        let stops = &self.0;
        // The last stop whose offset is at or before t; the first is at 0.
        let i = stops[1..].iter().take_while(|s| s.offset <= t).count();
        let color = if i + 1 >= stops.len() {
            stops[stops.len() - 1].color
        } else {
            let (s0, s1) = (stops[i], stops[i + 1]);
            let span = s1.offset - s0.offset;
            let f = if span > 0.0 {
                (t - s0.offset) / span
            } else {
                0.0
            };
            std::array::from_fn(|k| s0.color[k] + (s1.color[k] - s0.color[k]) * f)
        };
        premultiply(color)
    }

    /// The colour averaged over `t` in `0..=1` (the stops span exactly that),
    /// premultiplied.
    pub(super) fn average_color(&self) -> Paint {
        let mut sum = [0.0f32; 4];
        for pair in self.0.windows(2) {
            let w = pair[1].offset - pair[0].offset;
            for (k, v) in sum.iter_mut().enumerate() {
                *v += 0.5 * w * (pair[0].color[k] + pair[1].color[k]);
            }
        }
        premultiply(sum)
    }
}

impl PartialEq for Stops {
    fn eq(&self, other: &Stops) -> bool {
        self.bits().eq(other.bits())
    }
}

impl Eq for Stops {}

impl std::hash::Hash for Stops {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for b in self.bits() {
            b.hash(state);
        }
    }
}

/// A straight-alpha colour, premultiplied.
fn premultiply(color: [f32; 4]) -> Paint {
    let a = color[3];
    [color[0] * a, color[1] * a, color[2] * a, a]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_holds_the_colour_at_each_entry_then_a_clear_one() {
        let mut rng = crate::xorshift(0x4f6c_dd1d);
        let mut next = |n: u64| u64::from(rng()) % n;
        let t = |i: u64| i as f32 / (LUT_SIZE - 1) as f32;
        let mut boundaries = 0;
        for case in 0..2000 {
            // Inner offsets: some exactly at an entry's t (where a stop's colour starts),
            // some between entries, some equal to the one before (a sharp change of colour),
            // and some at 0 or at 1.
            let inner = next(5) as usize;
            let mut offsets: Vec<f32> = (0..inner)
                .map(|_| match next(5) {
                    0 => t(next(LUT_SIZE as u64)),
                    1 => [0.0, 1.0][next(2) as usize],
                    _ => next(1_000_001) as f32 / 1_000_000.0,
                })
                .collect();
            offsets.sort_by(f32::total_cmp);
            if case % 3 == 0 && inner > 1 {
                offsets[1] = offsets[0];
            }
            boundaries += offsets
                .iter()
                .filter(|&&o| (0..LUT_SIZE as u64).any(|i| t(i) == o))
                .count();
            let stops = Stops(
                std::iter::once(0.0)
                    .chain(offsets)
                    .chain(std::iter::once(1.0))
                    .map(|offset| Stop {
                        offset,
                        color: std::array::from_fn(|_| next(256) as f32 / 255.0),
                    })
                    .collect(),
            );
            let lut = stops.lut();
            assert_eq!(lut.len(), LUT_SIZE + 1);
            for (i, entry) in lut[..LUT_SIZE].iter().enumerate() {
                let want = stops.color_at(t(i as u64)).map(to_u8);
                assert_eq!(*entry, want, "entry {i} of {stops:?}");
            }
            assert_eq!(lut[LUT_SIZE], CLEAR);
        }
        assert!(boundaries > 500, "{boundaries} stops on an entry");
    }

    #[test]
    fn stops_are_equal_when_every_offset_and_colour_has_the_same_bits() {
        let stops = |offset: f32, alpha: f32| {
            Stops(vec![
                Stop {
                    offset: 0.0,
                    color: [0.2, 0.4, 0.6, 1.0],
                },
                Stop {
                    offset,
                    color: [1.0, 0.0, 0.0, alpha],
                },
                Stop {
                    offset: 1.0,
                    color: [0.0, 0.0, 1.0, 1.0],
                },
            ])
        };
        let state = std::hash::RandomState::new();
        let hash = |s: &Stops| std::hash::BuildHasher::hash_one(&state, s);
        assert!(stops(0.5, 1.0) == stops(0.5, 1.0));
        assert_eq!(hash(&stops(0.5, 1.0)), hash(&stops(0.5, 1.0)));
        assert!(stops(0.5, 1.0) != stops(0.5, 0.5));
        assert!(stops(0.5, 1.0) != stops(0.25, 1.0));
        assert_ne!(hash(&stops(0.5, 1.0)), hash(&stops(0.25, 1.0)));
    }
}
