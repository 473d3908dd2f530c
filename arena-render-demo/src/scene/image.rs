//! Decoding `<image>` data once per scene, with the decoders resvg uses (png, zune-jpeg,
//! gif, image-webp) and the same conversions, so that the pixels match the reference. An
//! image whose header declares more than [`MAX_IMAGE_PIXELS`] pixels is refused before any
//! memory is allocated for its pixels.

use std::io::Cursor;

use crate::options::{MAX_IMAGE_PIXELS, SceneError};
use crate::paint::Raster;
use crate::pixel::{Pixel, div255};

/// Decodes a raster image of usvg's (`None` for an SVG image, which is drawn as a tree).
pub(crate) fn decode(kind: &usvg::ImageKind) -> Option<Result<Raster, SceneError>> {
    Some(match kind {
        usvg::ImageKind::PNG(data) => decode_png(data),
        usvg::ImageKind::JPEG(data) => decode_jpeg(data),
        usvg::ImageKind::GIF(data) => decode_gif(data),
        usvg::ImageKind::WEBP(data) => decode_webp(data),
        usvg::ImageKind::SVG(_) => return None,
    })
}

/// Refuses a raster image whose header (as usvg read it, to lay the image out) declares
/// more than [`MAX_IMAGE_PIXELS`] pixels.
pub(crate) fn check_declared(kind: &usvg::ImageKind, size: usvg::Size) -> Result<(), SceneError> {
    let format = match kind {
        usvg::ImageKind::PNG(_) => "PNG",
        usvg::ImageKind::JPEG(_) => "JPEG",
        usvg::ImageKind::GIF(_) => "GIF",
        usvg::ImageKind::WEBP(_) => "WebP",
        usvg::ImageKind::SVG(_) => return Ok(()),
    };
    // The sizes are whole pixel counts in f32; anything beyond u32 saturates.
    check_size(format, size.width() as u32, size.height() as u32)
}

/// Refuses a declared size over the limit (before the pixels are allocated).
fn check_size(format: &'static str, width: u32, height: u32) -> Result<(), SceneError> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_IMAGE_PIXELS || width == 0 || height == 0 {
        return Err(SceneError::ImageTooLarge {
            format,
            width,
            height,
        });
    }
    Ok(())
}

fn broken(format: &'static str, why: impl std::fmt::Display) -> SceneError {
    SceneError::BrokenImage {
        format,
        reason: why.to_string(),
    }
}

/// Premultiplies straight RGBA8 (tiny-skia's `premultiply_u8`, a rounded `c * a / 255`).
fn premultiplied(rgba: &[u8]) -> Vec<Pixel> {
    rgba.chunks_exact(4)
        .map(|p| {
            let a = u16::from(p[3]);
            let c = |v: u8| div255(u16::from(v) * a) as u8;
            [c(p[0]), c(p[1]), c(p[2]), p[3]]
        })
        .collect()
}

fn raster(
    format: &'static str,
    width: u32,
    height: u32,
    pixels: Vec<Pixel>,
) -> Result<Raster, SceneError> {
    Raster::new(width, height, pixels).ok_or_else(|| broken(format, "the pixel data is short"))
}

/// As tiny-skia's `Pixmap::decode_png`: every colour type normalised to 8-bit RGB(A).
fn decode_png(data: &[u8]) -> Result<Raster, SceneError> {
    const PNG: &str = "PNG";
    let mut decoder = png::Decoder::new(Cursor::new(data));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| broken(PNG, e))?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(PNG, width, height)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| broken(PNG, "the image is too large"))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| broken(PNG, e))?;
    let rgba: Vec<u8> = match info.color_type {
        png::ColorType::Rgba => buf,
        png::ColorType::Rgb => buf
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::Grayscale => buf.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::GrayscaleAlpha => buf
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Indexed => return Err(broken(PNG, "indexed colour was not expanded")),
    };
    raster(PNG, info.width, info.height, premultiplied(&rgba))
}

/// As resvg: zune-jpeg, decoded to RGBA.
fn decode_jpeg(data: &[u8]) -> Result<Raster, SceneError> {
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    const JPEG: &str = "JPEG";
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::RGBA)
        .set_max_width(usize::MAX)
        .set_max_height(usize::MAX);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(data), options);
    decoder.decode_headers().map_err(|e| broken(JPEG, e))?;
    let (width, height) = decoder
        .dimensions()
        .ok_or_else(|| broken(JPEG, "no image size in the header"))?;
    let (width, height) = (width as u32, height as u32);
    check_size(JPEG, width, height)?;
    let rgba = decoder.decode().map_err(|e| broken(JPEG, e))?;
    if decoder.output_colorspace() != Some(ColorSpace::RGBA) {
        return Err(broken(JPEG, "the decoder did not produce RGBA"));
    }
    raster(JPEG, width, height, premultiplied(&rgba))
}

/// As resvg: the first frame, as RGBA.
fn decode_gif(data: &[u8]) -> Result<Raster, SceneError> {
    const GIF: &str = "GIF";
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(data).map_err(|e| broken(GIF, e))?;
    check_size(GIF, u32::from(decoder.width()), u32::from(decoder.height()))?;
    let frame = decoder
        .read_next_frame()
        .map_err(|e| broken(GIF, e))?
        .ok_or_else(|| broken(GIF, "no frame"))?;
    let (width, height) = (u32::from(frame.width), u32::from(frame.height));
    check_size(GIF, width, height)?;
    raster(GIF, width, height, premultiplied(&frame.buffer))
}

/// As resvg: image-webp, RGB or RGBA.
fn decode_webp(data: &[u8]) -> Result<Raster, SceneError> {
    const WEBP: &str = "WebP";
    let mut decoder =
        image_webp::WebPDecoder::new(Cursor::new(data)).map_err(|e| broken(WEBP, e))?;
    let (width, height) = decoder.dimensions();
    check_size(WEBP, width, height)?;
    let size = decoder
        .output_buffer_size()
        .ok_or_else(|| broken(WEBP, "the image is too large"))?;
    let mut buf = vec![0; size];
    decoder.read_image(&mut buf).map_err(|e| broken(WEBP, e))?;
    let rgba: Vec<u8> = if decoder.has_alpha() {
        buf
    } else {
        buf.chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect()
    };
    raster(WEBP, width, height, premultiplied(&rgba))
}
