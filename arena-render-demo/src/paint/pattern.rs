//! Patterns: a tile rendered once per image on the heap (by the renderer, from a scene of
//! its own), repeated over the plane and sampled per pixel with bilinear filtering.

use tiny_skia_path::Transform;

use super::floor;
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

    /// The pixel at `(x, y)`, both within the tile.
    #[inline(always)]
    fn at(&self, x: usize, y: usize) -> Pixel {
        self.pixels[y * self.width as usize + x]
    }
}

/// `v` wrapped into `0..len` (a tile side), as the pixel it falls in, the next pixel
/// (wrapping too), and the weight of the next one in 1/256.
#[inline(always)]
fn wrap(v: f32, len: u32) -> (usize, usize, u32) {
    let n = len as f32;
    let w = v - n * floor(v / n);
    let f = floor(w);
    // Rounding can leave `w` a hair below 0 or at `n`: clamp into the tile.
    let i = (f.max(0.0) as usize).min(len as usize - 1);
    let next = if i + 1 == len as usize { 0 } else { i + 1 };
    (i, next, ((w - f) * 256.0) as u32)
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
    #[inline(always)]
    pub(crate) fn shade_row(&self, tile: &Tile, y: u32, x0: usize, out: &mut [Pixel]) {
        let ts = self.to_tile;
        let (dx, py) = (x0 as f32 + 0.5, y as f32 + 0.5);
        // Sample positions are pixel centres of the tile: shift by half a pixel. The
        // position is affine in x, so it steps by a constant per pixel.
        let u = ts.sx * dx + ts.kx * py + ts.tx - 0.5;
        let v = ts.ky * dx + ts.sy * py + ts.ty - 0.5;
        if !(u.is_finite() && v.is_finite() && ts.sx.is_finite() && ts.ky.is_finite()) {
            out.fill([0; 4]);
            return;
        }
        if ts.ky == 0.0 && ts.sx.abs() < tile.width as f32 {
            self.shade_level_row(tile, u, v, out);
            return;
        }
        let (mut u, mut v) = (u, v);
        // The taps at `(u, v)` across and down the tile, then the point stepped to the next
        // pixel.
        let mut next_taps = || {
            let taps = (wrap(u, tile.width), wrap(v, tile.height));
            u += ts.sx;
            v += ts.ky;
            taps
        };
        let mut chunks = out.chunks_exact_mut(CHUNK);
        for chunk in &mut chunks {
            let taps: [_; CHUNK] = std::array::from_fn(|_| next_taps());
            let at = |i: usize, right: bool, below: bool| {
                let ((x0, x1, _), (y0, y1, _)) = taps[i];
                tile.at(if right { x1 } else { x0 }, if below { y1 } else { y0 })
            };
            let mixed = bilinear_chunk(
                std::array::from_fn(|i| at(i, false, false)),
                std::array::from_fn(|i| at(i, true, false)),
                std::array::from_fn(|i| at(i, false, true)),
                std::array::from_fn(|i| at(i, true, true)),
                taps.map(|t| t.0.2),
                taps.map(|t| t.1.2),
                self.opacity,
            );
            chunk.copy_from_slice(mixed.as_chunks::<4>().0);
        }
        for px in chunks.into_remainder() {
            let ((x0, x1, wx), (y0, y1, wy)) = next_taps();
            let p = [
                tile.at(x0, y0),
                tile.at(x1, y0),
                tile.at(x0, y1),
                tile.at(x1, y1),
            ];
            *px = self.mix(p, wx, wy);
        }
    }

    /// [`Pattern::shade_row`] for a row along which the tile's y does not change (no rotation
    /// or skew, the common case): the two tile rows are found once, and x wraps by a
    /// subtraction per pixel instead of a division. Whole chunks of [`CHUNK`] pixels are
    /// mixed in 16-bit lanes by [`bilinear_chunk`]; the tail goes through [`bilinear`].
    fn shade_level_row(&self, tile: &Tile, u: f32, v: f32, out: &mut [Pixel]) {
        let width = tile.width as usize;
        let (y0, y1, wy) = wrap(v, tile.height);
        let (row0, row1) = (
            &tile.pixels[y0 * width..][..width],
            &tile.pixels[y1 * width..][..width],
        );
        let n = tile.width as f32;
        let step = self.to_tile.sx;
        let mut u = u - n * floor(u / n);
        // The tap at `u` (left pixel, right pixel, right weight in 1/256), then `u` stepped to
        // the next pixel.
        let mut next_tap = || {
            // `u` stays within -1..=n (n at most `MAX_TILE_SIDE`), finite: its floor through
            // an `i32` cast is exact, and cheaper than through `floor` and a `usize` cast.
            let t = u as i32;
            let f = t - i32::from(t as f32 > u);
            let x0 = (f.max(0) as usize).min(width - 1);
            let x1 = if x0 + 1 == width { 0 } else { x0 + 1 };
            let wx = ((u - f as f32) * 256.0) as i32 as u32;
            // |step| < n, so one correction keeps u in 0..n.
            u += step;
            if u >= n {
                u -= n;
            } else if u < 0.0 {
                u += n;
            }
            (x0, x1, wx)
        };
        let mut chunks = out.chunks_exact_mut(CHUNK);
        for chunk in &mut chunks {
            let taps: [(usize, usize, u32); CHUNK] = std::array::from_fn(|_| next_tap());
            let mixed = bilinear_chunk(
                std::array::from_fn(|i| row0[taps[i].0]),
                std::array::from_fn(|i| row0[taps[i].1]),
                std::array::from_fn(|i| row1[taps[i].0]),
                std::array::from_fn(|i| row1[taps[i].1]),
                taps.map(|t| t.2),
                [wy; CHUNK],
                self.opacity,
            );
            chunk.copy_from_slice(mixed.as_chunks::<4>().0);
        }
        for px in chunks.into_remainder() {
            let (x0, x1, wx) = next_tap();
            *px = self.mix([row0[x0], row0[x1], row1[x0], row1[x1]], wx, wy);
        }
    }

    /// The bilinear mix of `p` (top left, top right, bottom left, bottom right) with the
    /// right and bottom weights `wx` and `wy` in 1/256, at the pattern's opacity: each
    /// channel `c = sum(p * w) / 65536`, rounded, with `w` the products of the weights.
    #[inline(always)]
    fn mix(&self, p: [Pixel; 4], wx: u32, wy: u32) -> Pixel {
        let px = bilinear(p, wx, wy);
        if self.opacity == 255 {
            px
        } else {
            px.map(|c| div255(u16::from(c) * self.opacity) as u8)
        }
    }
}

/// The bilinear mix of [`Pattern::mix`], two channels per machine word: the products are
/// regrouped (exactly: integers) as the two rows mixed across x, then the rows across y.
/// A row mix fits a 16-bit lane (at most 255 * 256), so red and blue (then green and alpha)
/// go through one multiplication; the mix of the rows needs 32-bit lanes (at most
/// 255 * 65536), two in a `u64`.
#[inline(always)]
fn bilinear(p: [Pixel; 4], wx: u32, wy: u32) -> Pixel {
    debug_assert!(wx <= 256 && wy <= 256);
    const LANES: u32 = 0x00ff_00ff;
    let lanes = |p: Pixel| {
        let w = u32::from_le_bytes(p);
        [w & LANES, (w >> 8) & LANES]
    };
    let widen = |v: u32| u64::from(v & 0xffff) | (u64::from(v >> 16) << 32);
    let [tl, tr, bl, br] = p.map(lanes);
    let (ix, iy) = (256 - wx, 256 - wy);
    let mut out = 0u32;
    for k in 0..2 {
        let top = widen(tl[k] * ix + tr[k] * wx);
        let bottom = widen(bl[k] * ix + br[k] * wx);
        let sum = top * u64::from(iy) + bottom * u64::from(wy);
        // Per lane `(c + 32768) >> 16`: the rounded channel, at bits 0 and 32.
        let rounded = ((sum + 0x0000_8000_0000_8000) >> 16) & 0x0000_00ff_0000_00ff;
        out |= (rounded as u32 | ((rounded >> 32) as u32) << 16) << (8 * k);
    }
    out.to_le_bytes()
}

/// Pixels per chunk of [`bilinear_chunk`]: 32 channels, as in `pixel::lanes`.
const CHUNK: usize = 8;

/// [`Pattern::mix`] of [`CHUNK`] pixels at once, one channel per lane, from the chunk's top
/// left, top right, bottom left and bottom right taps and each pixel's right and bottom
/// weights `wx` and `wy` (all weights at most 256). Written as plain loops over arrays so
/// that LLVM makes them SSE2: the row mixes fit 16-bit lanes (at most 255 * 256), and the
/// mix of the rows a 16 x 16 -> 32-bit product (`pmullw` and `pmulhuw`).
#[inline(always)]
fn bilinear_chunk(
    tl: [Pixel; CHUNK],
    tr: [Pixel; CHUNK],
    bl: [Pixel; CHUNK],
    br: [Pixel; CHUNK],
    wx: [u32; CHUNK],
    wy: [u32; CHUNK],
    opacity: u16,
) -> [u8; CHUNK * 4] {
    debug_assert!(wx.iter().chain(&wy).all(|&w| w <= 256));
    type Lanes = [u16; CHUNK * 4];
    // Through the bytes of whole pixels: built channel by channel instead, LLVM inserts each
    // channel into its lane (`pinsrw`), which cost more than the mix saves.
    let channels = |p: [Pixel; CHUNK]| -> Lanes {
        let mut bytes = [0u8; CHUNK * 4];
        bytes.copy_from_slice(p.as_flattened());
        bytes.map(u16::from)
    };
    let (tl, tr, bl, br) = (channels(tl), channels(tr), channels(bl), channels(br));
    let wx: Lanes = std::array::from_fn(|i| wx[i / 4] as u16);
    let ix: Lanes = std::array::from_fn(|i| 256 - wx[i]);
    let wy: Lanes = std::array::from_fn(|i| wy[i / 4] as u16);
    let iy: Lanes = std::array::from_fn(|i| 256 - wy[i]);
    let top: Lanes = std::array::from_fn(|i| tl[i] * ix[i] + tr[i] * wx[i]);
    let bottom: Lanes = std::array::from_fn(|i| bl[i] * ix[i] + br[i] * wx[i]);
    // At most 255 * 65536 + 32768: the rounded channel is at most 255.
    let mixed: Lanes = std::array::from_fn(|i| {
        let sum = u32::from(top[i]) * u32::from(iy[i]) + u32::from(bottom[i]) * u32::from(wy[i]);
        ((sum + 32768) >> 16) as u16
    });
    if opacity == 255 {
        mixed.map(|c| c as u8)
    } else {
        mixed.map(|c| div255(c * opacity) as u8)
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

    #[test]
    fn the_word_wise_mix_is_the_per_channel_formula() {
        let mut next = crate::xorshift(0x2545_f491_u32);
        for _ in 0..20_000 {
            let p: [Pixel; 4] = std::array::from_fn(|_| next().to_le_bytes());
            let (wx, wy) = (next() % 256, next() % 256);
            let w = [
                (256 - wx) * (256 - wy),
                wx * (256 - wy),
                (256 - wx) * wy,
                wx * wy,
            ];
            let want: Pixel = std::array::from_fn(|k| {
                let c: u32 = (0..4).map(|i| u32::from(p[i][k]) * w[i]).sum();
                ((c + 32768) >> 16) as u8
            });
            assert_eq!(bilinear(p, wx, wy), want, "{p:?} {wx} {wy}");
        }
        let white = [[255; 4]; 4];
        assert_eq!(bilinear(white, 255, 255), [255; 4]);
    }

    /// The row of [`Pattern::shade_level_row`] one pixel at a time, as it was before the
    /// chunks: each pixel's taps from `u` stepped and wrapped per pixel, mixed per pixel.
    fn level_row_per_pixel(p: &Pattern, tile: &Tile, u: f32, v: f32, len: usize) -> Vec<Pixel> {
        let width = tile.width as usize;
        let (y0, y1, wy) = wrap(v, tile.height);
        let n = tile.width as f32;
        let mut u = u - n * floor(u / n);
        (0..len)
            .map(|_| {
                let f = floor(u) as i32;
                let x0 = (f.max(0) as usize).min(width - 1);
                let x1 = (x0 + 1) % width;
                let wx = ((u - f as f32) * 256.0) as u32;
                let px = p.mix(
                    [
                        tile.at(x0, y0),
                        tile.at(x1, y0),
                        tile.at(x0, y1),
                        tile.at(x1, y1),
                    ],
                    wx,
                    wy,
                );
                u += p.to_tile.sx;
                if u >= n {
                    u -= n;
                } else if u < 0.0 {
                    u += n;
                }
                px
            })
            .collect()
    }

    #[test]
    fn the_chunked_level_row_is_the_per_pixel_mix() {
        let mut next = crate::xorshift(0x9e37_79b9_u32);
        for case in 0..3000 {
            let (w, h) = (1 + next() % 13, 1 + next() % 5);
            let pixels = (0..w * h).map(|_| next().to_le_bytes()).collect();
            let tile = Tile::new(w, h, pixels).unwrap();
            // Scales from a tenth of a tile pixel per device pixel to almost a whole tile,
            // mirrored or not, at any offset: taps wrap forwards and backwards.
            let sx = (0.1 + (next() % 1000) as f32 / 1000.0 * (w as f32 - 0.2)) * 0.999;
            let sx = if next().is_multiple_of(2) { sx } else { -sx };
            let sy = 0.25 + (next() % 400) as f32 / 100.0;
            let (tx, ty) = (
                (next() % 20_000) as f32 / 7.0 - 1400.0,
                (next() % 900) as f32 / 3.0,
            );
            let opacity = [1.0, 0.5, 0.8, 0.0][case % 4];
            let to_device = Transform::from_row(1.0 / sx, 0.0, 0.0, 1.0 / sy, tx, ty);
            let p = Pattern::new(0, to_device, opacity).unwrap();
            let (y, x0, len) = (
                next() % 300,
                (next() % 500) as usize,
                (next() % 70) as usize,
            );
            let mut out = vec![[0; 4]; len];
            p.shade_row(&tile, y, x0, &mut out);
            let ts = p.to_tile;
            let (dx, py) = (x0 as f32 + 0.5, y as f32 + 0.5);
            let u = ts.sx * dx + ts.kx * py + ts.tx - 0.5;
            let v = ts.ky * dx + ts.sy * py + ts.ty - 0.5;
            assert_eq!(ts.ky, 0.0);
            assert!(ts.sx.abs() < w as f32, "case {case}: not a level row");
            let want = level_row_per_pixel(&p, &tile, u, v, len);
            assert_eq!(
                out, want,
                "case {case}: {w}x{h} tile, {ts:?}, row {y} from {x0}"
            );
        }
    }

    #[test]
    fn the_chunked_rotated_row_is_the_per_pixel_mix() {
        let mut next = crate::xorshift(0x85eb_ca6b_u32);
        let mut general = 0;
        for case in 0..3000 {
            let (w, h) = (1 + next() % 11, 1 + next() % 11);
            let pixels = (0..w * h).map(|_| next().to_le_bytes()).collect();
            let tile = Tile::new(w, h, pixels).unwrap();
            // Any rotation and scale, and every fourth case level but with more than a tile
            // per device pixel: both go through the general path.
            let angle = (next() % 3600) as f32 / 10.0;
            let scale = 0.05 + (next() % 600) as f32 / 100.0;
            let mut to_device = Transform::from_rotate(angle).pre_scale(scale, scale * 0.7);
            if case % 4 == 0 {
                to_device = Transform::from_scale(0.5 / w as f32, 1.5);
            }
            let to_device = to_device.post_translate(
                (next() % 20_000) as f32 / 7.0 - 1400.0,
                (next() % 9000) as f32 / 3.0 - 1500.0,
            );
            let opacity = [1.0, 0.5, 0.8, 0.0][case % 4 / 2 + case % 2];
            let Some(p) = Pattern::new(0, to_device, opacity) else {
                continue;
            };
            let (y, x0, len) = (
                next() % 300,
                (next() % 500) as usize,
                (next() % 70) as usize,
            );
            let mut out = vec![[0; 4]; len];
            p.shade_row(&tile, y, x0, &mut out);
            let ts = p.to_tile;
            let (dx, py) = (x0 as f32 + 0.5, y as f32 + 0.5);
            let mut u = ts.sx * dx + ts.kx * py + ts.tx - 0.5;
            let mut v = ts.ky * dx + ts.sy * py + ts.ty - 0.5;
            if ts.ky == 0.0 && ts.sx.abs() < w as f32 {
                // A rotation by a multiple of 90 degrees: a level row, tested above.
                continue;
            }
            general += 1;
            let want: Vec<Pixel> = (0..len)
                .map(|_| {
                    let (x0, x1, wx) = wrap(u, w);
                    let (y0, y1, wy) = wrap(v, h);
                    let q = [
                        tile.at(x0, y0),
                        tile.at(x1, y0),
                        tile.at(x0, y1),
                        tile.at(x1, y1),
                    ];
                    u += ts.sx;
                    v += ts.ky;
                    p.mix(q, wx, wy)
                })
                .collect();
            assert_eq!(
                out, want,
                "case {case}: {w}x{h} tile, {ts:?}, row {y} from {x0}"
            );
        }
        assert!(general > 2500, "only {general} rows on the general path");
    }
}
