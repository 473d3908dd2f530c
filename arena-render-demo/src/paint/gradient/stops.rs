//! A gradient's stops: read from usvg as tiny-skia reads them, and turned into the colour
//! table the shader looks colours up in.

use crate::pixel::{Paint, Pixel, to_u8};

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

    /// The premultiplied colour at `t = i / (LUT_SIZE - 1)` for every `i`.
    pub(super) fn lut(&self) -> Vec<Pixel> {
        (0..LUT_SIZE)
            .map(|i| self.color_at(i as f32 / (LUT_SIZE - 1) as f32).map(to_u8))
            .collect()
    }

    /// The last stop's colour, premultiplied.
    pub(super) fn last_color(&self) -> Paint {
        premultiply(self.0[self.0.len() - 1].color)
    }

    /// The premultiplied colour at `t` in `0..=1`.
    fn color_at(&self, t: f32) -> Paint {
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

/// A straight-alpha colour, premultiplied.
fn premultiply(color: [f32; 4]) -> Paint {
    let a = color[3];
    [color[0] * a, color[1] * a, color[2] * a, a]
}
