//! Paint servers as the scene stores them: a colour stays a colour, a gradient becomes a
//! shader, and a pattern's tile is walked as a scene of its own (rendered once per image),
//! which the pattern shader repeats.

use std::collections::BTreeSet;

use tiny_skia_path::Transform;

use super::build::{Allowance, Content, WalkOptions, walk};
use crate::options::SceneError;
use crate::paint::{MAX_TILE_SIDE, Pattern, Shader, Tables};
use crate::pixel::Paint;

/// A usvg paint, converted.
pub(super) enum Converted {
    /// One premultiplied colour, opacity applied.
    Solid(Paint),
    /// A colour per pixel.
    Shader(Shader),
}

/// Converts the paints of one walk, and keeps the pattern tiles it walked and the colour
/// tables of its gradients.
///
/// Invariant: `allowance.tile_pixels` is what tiles may still take over the whole image,
/// nested patterns included; `tiles[i]` is the content of the tile the `i`-th pattern
/// shader refers to.
pub(super) struct Paints<'t> {
    options: WalkOptions,
    sub_scanlines: u32,
    pub(super) allowance: &'t mut Allowance,
    tiles: Vec<(Content, (u32, u32))>,
    tables: Tables,
}

impl<'t> Paints<'t> {
    /// No tiles yet; tiles are walked with `options` at `sub_scanlines`, within
    /// `allowance`.
    pub(super) fn new(
        options: WalkOptions,
        sub_scanlines: u32,
        allowance: &'t mut Allowance,
    ) -> Self {
        Paints {
            options,
            sub_scanlines,
            allowance,
            tiles: Vec::new(),
            tables: Tables::default(),
        }
    }

    /// The tiles walked, each with its size in pixels.
    pub(super) fn into_tiles(self) -> Vec<(Content, (u32, u32))> {
        self.tiles
    }

    /// `paint` drawn with `opacity` in the coordinate system `ts` maps to device pixels;
    /// `None` when it draws nothing; features skipped are added to `unsupported`. An error
    /// when an image in a pattern's tile cannot be decoded.
    pub(super) fn convert(
        &mut self,
        paint: &usvg::Paint,
        opacity: f32,
        ts: Transform,
        unsupported: &mut BTreeSet<&'static str>,
    ) -> Result<Option<Converted>, SceneError> {
        if opacity <= 0.0 {
            return Ok(None);
        }
        if let usvg::Paint::Color(c) = paint {
            let a = opacity;
            return Ok(Some(Converted::Solid([
                f32::from(c.red) / 255.0 * a,
                f32::from(c.green) / 255.0 * a,
                f32::from(c.blue) / 255.0 * a,
                a,
            ])));
        }
        let shader = match paint {
            usvg::Paint::Pattern(pattern) => self.pattern(pattern, opacity, ts, unsupported)?,
            _ => Shader::gradient(paint, opacity, ts, &mut self.tables),
        };
        Ok(shader.map(Converted::Shader))
    }

    /// A pattern drawn with `opacity` under `ts`: as resvg, its tile is rendered at the
    /// device scale of `ts` and the pattern's transform (at most [`MAX_TILE_SIDE`] pixels a
    /// side), and repeated. `None` for a tile under one pixel, which draws nothing, and for
    /// one beyond the tile memory left (recorded in `unsupported`).
    fn pattern(
        &mut self,
        pattern: &usvg::Pattern,
        opacity: f32,
        ts: Transform,
        unsupported: &mut BTreeSet<&'static str>,
    ) -> Result<Option<Shader>, SceneError> {
        let placed = ts.pre_concat(pattern.transform());
        let (mut sx, mut sy) = placed.get_scale();
        let rect = pattern.rect();
        let longest = (rect.width() * sx).max(rect.height() * sy);
        if longest > MAX_TILE_SIDE as f32 {
            let k = MAX_TILE_SIDE as f32 / longest;
            (sx, sy) = (sx * k, sy * k);
        }
        let (w, h) = ((rect.width() * sx).round(), (rect.height() * sy).round());
        if !(w >= 1.0 && h >= 1.0) {
            return Ok(None);
        }
        let size = (w as u32, h as u32);
        let pixels = u64::from(size.0) * u64::from(size.1);
        if pixels > self.allowance.tile_pixels {
            unsupported.insert("patterns beyond the tile memory limit");
            return Ok(None);
        }
        self.allowance.tile_pixels -= pixels;
        let scale = Transform::from_scale(sx, sy);
        let sub = self.sub_scanlines;
        let content = walk(
            pattern.root(),
            scale,
            size,
            sub,
            self.options,
            self.allowance,
        )?;
        unsupported.extend(content.unsupported.iter().copied());
        self.tiles.push((content, size));
        let tile_to_device = placed
            .pre_translate(rect.x(), rect.y())
            .pre_scale(1.0 / sx, 1.0 / sy);
        let tile = self.tiles.len() as u32 - 1;
        Ok(Pattern::new(tile, tile_to_device, opacity).map(Shader::Pattern))
    }
}
