//! Images: the PNG writer, the resvg reference and the pixel-by-pixel comparison.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::options::{Geometry, RenderOptions};

/// An RGBA8 image, premultiplied (as resvg's pixmaps are), rows top to bottom.
///
/// Invariant: `data.len() == width * height * 4`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Premultiplied RGBA8 pixels.
    pub data: Vec<u8>,
}

impl Image {
    /// A transparent image.
    pub fn new(width: u32, height: u32) -> Image {
        Image {
            width,
            height,
            data: vec![0; width as usize * height as usize * 4],
        }
    }

    /// The pixels with straight (not premultiplied) alpha, as PNG stores them.
    pub fn unpremultiplied(&self) -> Vec<u8> {
        let mut out = self.data.clone();
        for px in out.chunks_exact_mut(4) {
            let a = u32::from(px[3]);
            if a != 0 && a != 255 {
                for c in &mut px[..3] {
                    *c = ((u32::from(*c) * 255 + a / 2) / a).min(255) as u8;
                }
            }
        }
        out
    }

    /// Writes the image as a PNG, atomically: into a temporary file next to `path`, renamed
    /// over it only when complete, so an error never leaves a partial file behind.
    pub fn write_png(&self, path: &Path) -> io::Result<()> {
        let tmp = temp_path(path);
        let result = self
            .write_png_to(&tmp)
            .and_then(|()| fs::rename(&tmp, path));
        if result.is_err() {
            // The temporary may not exist (creation failed); nothing else to clean up.
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    fn write_png_to(&self, path: &Path) -> io::Result<()> {
        let mut encoded = Vec::new();
        let mut encoder = png::Encoder::new(&mut encoded, self.width, self.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(io::Error::other)?;
        writer
            .write_image_data(&self.unpremultiplied())
            .map_err(io::Error::other)?;
        writer.finish().map_err(io::Error::other)?;
        let mut file = fs::File::create(path)?;
        file.write_all(&encoded)?;
        file.sync_all()
    }
}

/// `dir/.name.tmp-PID`: hidden, in the same directory so the rename is atomic.
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Renders `tree` with resvg at the same size and transform the scan-line renderer uses.
pub fn render_reference(tree: &usvg::Tree, geometry: &Geometry, options: &RenderOptions) -> Image {
    let mut image = Image::new(geometry.width, geometry.height);
    // The size was validated (1..=16384 on each side), so the pixmap always exists.
    if let Some(mut pixmap) =
        resvg::tiny_skia::PixmapMut::from_bytes(&mut image.data, geometry.width, geometry.height)
    {
        resvg::render(tree, geometry.transform(options), &mut pixmap);
    }
    image
}

/// How far one image is from another.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// The largest difference of any channel of any pixel (0..=255).
    pub max_diff: u8,
    /// Mean over edge pixels (pixels that are neither empty nor full in either image) of
    /// the pixel's largest channel difference. 0 when there are no edge pixels.
    pub edge_mae: f64,
    /// Edge pixels counted.
    pub edge_pixels: usize,
    /// Peak signal-to-noise ratio over all channels in dB (infinite for equal images).
    pub psnr: f64,
}

impl Comparison {
    /// The most any channel may differ.
    pub const MAX_DIFF: u8 = 128;
    /// The most the edge pixels may differ on average.
    pub const MAX_EDGE_MAE: f64 = 32.0;

    /// Compares two premultiplied images of the same size.
    ///
    /// # Panics
    ///
    /// If the sizes differ.
    pub fn of(ours: &Image, reference: &Image) -> Comparison {
        assert_eq!(
            (ours.width, ours.height),
            (reference.width, reference.height),
            "compared images must have the same size"
        );
        let mut max_diff = 0u8;
        let mut edge_sum = 0u64;
        let mut edge_pixels = 0usize;
        let mut square_sum = 0u64;
        for (a, b) in ours
            .data
            .chunks_exact(4)
            .zip(reference.data.chunks_exact(4))
        {
            let mut pixel_max = 0u8;
            for (x, y) in a.iter().zip(b) {
                let d = x.abs_diff(*y);
                pixel_max = pixel_max.max(d);
                square_sum += u64::from(d) * u64::from(d);
            }
            max_diff = max_diff.max(pixel_max);
            let partial = |alpha: u8| alpha != 0 && alpha != 255;
            if partial(a[3]) || partial(b[3]) {
                edge_sum += u64::from(pixel_max);
                edge_pixels += 1;
            }
        }
        let mse = square_sum as f64 / ours.data.len().max(1) as f64;
        Comparison {
            max_diff,
            edge_mae: if edge_pixels == 0 {
                0.0
            } else {
                edge_sum as f64 / edge_pixels as f64
            },
            edge_pixels,
            psnr: if mse == 0.0 {
                f64::INFINITY
            } else {
                10.0 * (255.0f64 * 255.0 / mse).log10()
            },
        }
    }

    /// Whether the image is close enough to the reference.
    pub fn passes(&self) -> bool {
        self.max_diff <= Self::MAX_DIFF && self.edge_mae <= Self::MAX_EDGE_MAE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(pixels: &[[u8; 4]]) -> Image {
        Image {
            width: pixels.len() as u32,
            height: 1,
            data: pixels.concat(),
        }
    }

    #[test]
    fn comparison_measures_edges_only_where_alpha_is_partial() {
        let a = image(&[[0, 0, 0, 0], [100, 0, 0, 128], [255, 255, 255, 255]]);
        let b = image(&[[0, 0, 0, 0], [90, 0, 0, 120], [255, 255, 255, 255]]);
        let c = Comparison::of(&a, &b);
        assert_eq!((c.max_diff, c.edge_pixels, c.edge_mae), (10, 1, 10.0));
        assert!(c.passes());
        assert_eq!(Comparison::of(&a, &a).psnr, f64::INFINITY);
    }

    #[test]
    fn comparison_fails_on_either_limit() {
        let full = image(&[[0, 0, 0, 255]]);
        let empty = image(&[[0, 0, 0, 0]]);
        // A solid pixel against an empty one: 255 apart, though not an edge pixel.
        let c = Comparison::of(&full, &empty);
        assert_eq!((c.max_diff, c.edge_pixels), (255, 0));
        assert!(!c.passes());
        // Edge pixels 40 apart on average, none more than 128.
        let a = image(&[[0, 0, 0, 100], [0, 0, 0, 100]]);
        let b = image(&[[0, 0, 0, 140], [0, 0, 0, 60]]);
        let c = Comparison::of(&a, &b);
        assert_eq!((c.max_diff, c.edge_mae), (40, 40.0));
        assert!(!c.passes());
    }

    #[test]
    fn png_pixels_are_unpremultiplied() {
        let a = image(&[[64, 32, 0, 128], [10, 20, 30, 0], [1, 2, 3, 255]]);
        assert_eq!(
            a.unpremultiplied(),
            [[128, 64, 0, 128], [10, 20, 30, 0], [1, 2, 3, 255]].concat()
        );
    }
}
