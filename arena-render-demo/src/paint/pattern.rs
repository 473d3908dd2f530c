//! Patterns: a tile rendered once per image on the heap (by the renderer, from a scene of
//! its own), repeated over the plane and sampled per pixel with bilinear filtering.

use tiny_skia_path::Transform;

use crate::pixel::{Pixel, div255};

/// The largest tile side in pixels: a pattern asking for more is rendered at a lower
/// resolution and scaled up, so that a tile never takes more than 16 MiB.
pub(crate) const MAX_TILE_SIDE: u32 = 2048;

/// A rendered tile: premultiplied pixels, rows top to bottom.
///
/// Invariant: `pixels.len() == width * height`, both at least 1.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tile {
    width: u32,
    height: u32,
    pixels: Vec<Pixel>,
}

impl Tile {
    /// A tile of `width` x `height` pixels; `None` unless `pixels` holds exactly that many.
    pub fn new(width: u32, height: u32, pixels: Vec<Pixel>) -> Option<Tile> {
        let ok = width > 0 && height > 0 && pixels.len() == width as usize * height as usize;
        ok.then_some(Tile {
            width,
            height,
            pixels,
        })
    }

    /// The pixel at `(x, y)`, both wrapped into the tile.
    #[inline(always)]
    fn at(&self, x: i64, y: i64) -> Pixel {
        let x = x.rem_euclid(i64::from(self.width)) as usize;
        let y = y.rem_euclid(i64::from(self.height)) as usize;
        self.pixels[y * self.width as usize + x]
    }
}

/// A pattern paint: which tile, where it lies, and its opacity.
///
/// Invariant: `to_tile` maps device space to the tile's pixel space.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pattern {
    tile: u32,
    to_tile: Transform,
    opacity: u16,
}

impl Pattern {
    /// Tile number `tile`, placed by `tile_to_device` (tile pixels to device pixels),
    /// drawn with `opacity`; `None` if the placement cannot be inverted.
    pub(crate) fn new(tile: u32, tile_to_device: Transform, opacity: f32) -> Option<Pattern> {
        Some(Pattern {
            tile,
            to_tile: tile_to_device.invert()?,
            opacity: (opacity.clamp(0.0, 1.0) * 255.0 + 0.5) as u16,
        })
    }

    /// The index of the pattern's tile among the scene's tiles.
    pub(crate) fn tile(&self) -> u32 {
        self.tile
    }

    /// Writes the premultiplied colours of pixels `x0..x0 + out.len()` of row `y` to `out`,
    /// sampling `tile` (repeated) bilinearly at each pixel centre.
    pub(crate) fn shade_row(&self, tile: &Tile, y: u32, x0: usize, out: &mut [Pixel]) {
        let ts = self.to_tile;
        let py = y as f32 + 0.5;
        for (i, px) in out.iter_mut().enumerate() {
            let dx = (x0 + i) as f32 + 0.5;
            // Sample positions are pixel centres of the tile: shift by half a pixel.
            let u = ts.sx * dx + ts.kx * py + ts.tx - 0.5;
            let v = ts.ky * dx + ts.sy * py + ts.ty - 0.5;
            if !(u.is_finite() && v.is_finite()) {
                *px = [0; 4];
                continue;
            }
            let (fu, fv) = (u.floor(), v.floor());
            let (x, y) = (fu as i64, fv as i64);
            let (wx, wy) = (u - fu, v - fv);
            let p = [
                (tile.at(x, y), (1.0 - wx) * (1.0 - wy)),
                (tile.at(x + 1, y), wx * (1.0 - wy)),
                (tile.at(x, y + 1), (1.0 - wx) * wy),
                (tile.at(x + 1, y + 1), wx * wy),
            ];
            *px = std::array::from_fn(|k| {
                let c: f32 = p.iter().map(|(q, w)| f32::from(q[k]) * w).sum();
                div255((c + 0.5) as u16 * self.opacity) as u8
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_repeats_its_tile_and_blends_between_pixels() {
        let (red, blue) = ([255, 0, 0, 255], [0, 0, 255, 255]);
        let tile = Tile::new(2, 1, vec![red, blue]).unwrap();
        // One tile pixel per device pixel: device pixel x samples tile pixel x.
        let p = Pattern::new(0, Transform::identity(), 1.0).unwrap();
        let mut out = [[0; 4]; 5];
        p.shade_row(&tile, 0, 0, &mut out);
        assert_eq!(out, [red, blue, red, blue, red]);
        // Two device pixels per tile pixel: halfway samples mix the neighbours.
        let p = Pattern::new(0, Transform::from_scale(2.0, 2.0), 0.5).unwrap();
        p.shade_row(&tile, 0, 0, &mut out);
        assert_eq!(out[1], [96, 0, 32, 128]);
        assert!(Tile::new(2, 2, vec![red]).is_none());
    }
}
