//! Strokes as tiny-skia draws them: the outline of a stroke (dashed, stroked, in device
//! space), which strokes are hairlines, and how strongly a hairline is drawn.

use tiny_skia_path::{LineCap, Path, PathStroker, Stroke, Transform};

/// What a stroke draws, in device space.
pub(super) enum StrokeOutline {
    /// The (dashed) path itself, drawn as a hairline; `capped` for square and round caps.
    Hairline { device: Path, capped: bool },
    /// The area of the stroke's outline, filled with the nonzero rule.
    Area(Path),
}

/// The device-space outline of `stroke` along `path` (in user space, which `ts` maps to
/// device pixels), or the path itself as a `hairline`; `None` when nothing is drawn (a
/// dash pattern or an outline that leaves nothing, a transform that cannot be applied).
pub(super) fn outline(
    path: &Path,
    stroke: &Stroke,
    ts: Transform,
    hairline: bool,
) -> Option<StrokeOutline> {
    // As tiny-skia does: dash and stroke in user space at the device resolution, then
    // transform the outline; the outline is filled with the nonzero rule.
    let res_scale = PathStroker::compute_resolution_scale(&ts);
    let dashed;
    let source = match &stroke.dash {
        Some(dash) => {
            dashed = path.dash(dash, res_scale)?;
            &dashed
        }
        None => path,
    };
    if hairline {
        let capped = stroke.line_cap != LineCap::Butt;
        return source
            .clone()
            .transform(ts)
            .map(|device| StrokeOutline::Hairline { device, capped });
    }
    source
        .stroke(stroke, res_scale)?
        .transform(ts)
        .map(StrokeOutline::Area)
}

/// The coverage a stroke `width` wide under `ts` is drawn with as a hairline, or `None`
/// when it is wider than a pixel: tiny-skia's test (its `treat_as_hairline`), which
/// measures the transformed width with a fast approximation of the length.
pub(super) fn hairline_coverage(width: f32, ts: Transform) -> Option<f32> {
    if width == 0.0 {
        return Some(1.0);
    }
    let fast_len = |x: f32, y: f32| {
        let (x, y) = (x.abs(), y.abs());
        let (long, short) = if x < y { (y, x) } else { (x, y) };
        long + short / 2.0
    };
    // The images of (width, 0) and (0, width) under the transform without translation.
    let len0 = fast_len(ts.sx * width, ts.ky * width);
    let len1 = fast_len(ts.kx * width, ts.sy * width);
    (len0 <= 1.0 && len1 <= 1.0).then_some((len0 + len1) / 2.0)
}

/// The alpha tiny-skia scales a hairline's paint by for `coverage`: quantised to 1/256
/// and then to 8 bits, as it does.
pub(super) fn hairline_alpha(coverage: f32) -> f32 {
    if coverage >= 1.0 {
        return 1.0;
    }
    let scale = (coverage * 256.0) as i32;
    ((255 * scale) >> 8) as f32 / 255.0
}
