//! The images usvg loads while it parses. usvg drops an `<image>` it cannot load with at
//! most a log line: a media type it does not read, a header without a size, an SVG image
//! that does not parse, a linked file that is missing. Here each of those is recorded and
//! the file refused with the reason. And the loads are bounded: usvg loads an image again
//! for every `<use>` of it, and parses an SVG image's own images as it goes, so a few
//! kilobytes of SVG images that each draw the one below ten times ask for millions of loads.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use usvg::roxmltree;

use crate::options::{
    MAX_IMAGE_ASPECT, MAX_IMAGE_BYTES, MAX_IMAGE_LOADS, MAX_IMAGE_PIXELS, MAX_PIXELS_PER_BYTE,
    SPARSE_IMAGE_FLOOR,
};

/// Why an `<image>` could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// A data URL of a media type usvg does not load.
    Unsupported {
        /// The data URL's media type.
        media_type: String,
    },
    /// A PNG, JPEG, GIF or WebP image whose header gives no size.
    NoSize {
        /// PNG, JPEG, GIF or WebP.
        format: &'static str,
        /// What the header reader reported.
        reason: String,
    },
    /// A raster image whose header declares no pixels.
    Empty {
        /// PNG, JPEG, GIF or WebP.
        format: &'static str,
        /// Declared width.
        width: usize,
        /// Declared height.
        height: usize,
    },
    /// A raster image whose header declares more than [`MAX_IMAGE_PIXELS`] pixels or a
    /// side more than [`MAX_IMAGE_ASPECT`] times the other: refused before usvg lays it out
    /// (at an extreme aspect ratio usvg's layout panics).
    TooLarge {
        /// PNG, JPEG, GIF or WebP.
        format: &'static str,
        /// Declared width.
        width: usize,
        /// Declared height.
        height: usize,
    },
    /// A raster image declaring more pixels than its data can describe: more than
    /// [`SPARSE_IMAGE_FLOOR`] and more than [`MAX_PIXELS_PER_BYTE`] per byte.
    Sparse {
        /// PNG, JPEG, GIF or WebP.
        format: &'static str,
        /// Declared width.
        width: usize,
        /// Declared height.
        height: usize,
        /// The size of the image's data.
        bytes: usize,
    },
    /// An SVG image (or a `text/plain` data URL, which usvg tries as SVG when it is no
    /// raster format) that does not parse.
    BadSvg {
        /// What is wrong with it.
        reason: String,
    },
    /// A link to a file that is missing or not an image.
    Unreadable {
        /// The link.
        href: String,
    },
    /// More than [`MAX_IMAGE_LOADS`] images, or more than [`MAX_IMAGE_BYTES`] of image data,
    /// in all (each `<use>` of an image, and each image in an SVG image, counts).
    TooMany {
        /// Images loaded when the limit was reached.
        loads: usize,
        /// Bytes of image data loaded by then.
        bytes: u64,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Unsupported { media_type } => write!(
                f,
                "an image has the media type {media_type}, which this renderer does not load; \
                 convert it to PNG, JPEG, GIF, WebP or SVG"
            ),
            ImageError::NoSize { format, reason } => write!(
                f,
                "a {format} image's header gives no size ({reason}); fix or replace the image"
            ),
            ImageError::Empty {
                format,
                width,
                height,
            } => write!(
                f,
                "a {format} image declares {width}x{height} pixels, which is empty; fix or \
                 replace the image"
            ),
            ImageError::TooLarge {
                format,
                width,
                height,
            } => write!(
                f,
                "a {format} image declares {width}x{height} pixels, beyond the \
                 {MAX_IMAGE_PIXELS} pixels or the {MAX_IMAGE_ASPECT}:1 aspect ratio this \
                 renderer lays out; scale the image down"
            ),
            ImageError::Sparse {
                format,
                width,
                height,
                bytes,
            } => write!(
                f,
                "a {format} image declares {width}x{height} pixels in {bytes} bytes, more than \
                 its data can describe (over {MAX_PIXELS_PER_BYTE} pixels per byte): it is \
                 truncated or crafted; fix or replace the image"
            ),
            ImageError::BadSvg { reason } => write!(
                f,
                "an SVG image cannot be read ({reason}); fix or replace the image"
            ),
            ImageError::Unreadable { href } => write!(
                f,
                "an image links to '{href}', which is missing or not a PNG, JPEG, GIF, WebP or \
                 SVG file; check the link"
            ),
            ImageError::TooMany { loads, bytes } => write!(
                f,
                "the SVG loads {loads} images ({bytes} bytes) and counting, beyond the \
                 {MAX_IMAGE_LOADS} images and {MAX_IMAGE_BYTES} bytes this renderer reads \
                 (every <use> of an image, and every image inside an SVG image, loads it \
                 again); use fewer images"
            ),
        }
    }
}

impl std::error::Error for ImageError {}

/// What the loads so far took, and the first image that could not be loaded.
#[derive(Debug, Default)]
pub(super) struct Loads {
    count: usize,
    bytes: u64,
    problem: Option<ImageError>,
    /// The depths of the documents being converted, added up: the file's, and those of the
    /// SVG images being loaded inside it (see [`super::MAX_DEPTH`]).
    depth: usize,
}

impl Loads {
    /// No loads yet, in a document `depth` levels deep.
    pub(super) fn within(depth: usize) -> Loads {
        Loads {
            depth,
            ..Loads::default()
        }
    }

    /// The first image that could not be loaded.
    pub(super) fn into_problem(self) -> Option<ImageError> {
        self.problem
    }
}

/// Counts one load of `bytes` bytes; `false` once a load failed or the limits are passed
/// (usvg then skips the image, and every later one, which also cuts a fan-out short).
fn admit(loads: &Mutex<Loads>, bytes: usize) -> bool {
    let mut loads = loads.lock().unwrap_or_else(PoisonError::into_inner);
    if loads.problem.is_some() {
        return false;
    }
    loads.count += 1;
    loads.bytes += bytes as u64;
    if loads.count > MAX_IMAGE_LOADS || loads.bytes > MAX_IMAGE_BYTES {
        loads.problem = Some(ImageError::TooMany {
            loads: loads.count,
            bytes: loads.bytes,
        });
        return false;
    }
    true
}

/// Records `problem` (the first one wins).
fn refuse(loads: &Mutex<Loads>, problem: ImageError) {
    let mut loads = loads.lock().unwrap_or_else(PoisonError::into_inner);
    loads.problem.get_or_insert(problem);
}

/// Runs `load` (usvg loading an image) inside the documents being converted, the image
/// being `checked` levels deep by [`check_svg_image`] (0 for a raster image): `None`, and the
/// problem recorded, without running it if the check failed or the depths of those
/// documents and its own add up beyond [`super::MAX_DEPTH`].
fn nested<T>(
    loads: &Mutex<Loads>,
    checked: Result<usize, ImageError>,
    load: impl FnOnce() -> T,
) -> Option<T> {
    let depth = checked.map_err(|problem| refuse(loads, problem)).ok()?;
    {
        let mut loads = loads.lock().unwrap_or_else(PoisonError::into_inner);
        let total = loads.depth + depth;
        if total > super::MAX_DEPTH {
            let reason = super::LoadError::TooDeep { depth: total }.to_string();
            loads.problem.get_or_insert(ImageError::BadSvg { reason });
            return None;
        }
        loads.depth = total;
    }
    // Not holding the lock: an SVG image's own images come back here.
    let loaded = load();
    loads.lock().unwrap_or_else(PoisonError::into_inner).depth -= depth;
    Some(loaded)
}

/// usvg's own image loaders, with every load counted in `loads` and every image they would
/// drop recorded there.
pub(super) fn resolver<'m>(loads: &'m Mutex<Loads>) -> usvg::ImageHrefResolver<'m> {
    let data = usvg::ImageHrefResolver::default_data_resolver();
    let string = usvg::ImageHrefResolver::default_string_resolver();
    usvg::ImageHrefResolver {
        resolve_data: Box::new(move |media_type, bytes: Arc<Vec<u8>>, options| {
            if !admit(loads, bytes.len()) {
                return None;
            }
            // usvg parses an SVG image on its own, without the checks the file itself
            // passed: check it here, before usvg turns its arcs into curves or follows its
            // references.
            let kind = nested(loads, check_svg_data(media_type, &bytes), || {
                data(media_type, Arc::clone(&bytes), options)
            })?;
            let checked = match &kind {
                Some(kind) => check(kind),
                None => Err(why_not(media_type, &bytes)),
            };
            match checked {
                Ok(()) => kind,
                Err(problem) => {
                    refuse(loads, problem);
                    None
                }
            }
        }),
        resolve_string: Box::new(move |href, options| {
            if !admit(loads, 0) {
                return None;
            }
            // The same for a linked SVG file.
            let loaded = nested(loads, check_svg_file(href, options), || {
                string(href, options)
            })?;
            let checked = match loaded {
                Some(kind) => check(&kind).map(|()| kind),
                None => Err(ImageError::Unreadable {
                    href: href.to_owned(),
                }),
            };
            checked.map_err(|problem| refuse(loads, problem)).ok()
        }),
    }
}

/// Whether usvg can lay `kind` out: a raster image needs a size of at least one pixel in
/// its header (read as usvg reads it).
fn check(kind: &usvg::ImageKind) -> Result<(), ImageError> {
    let (format, data) = match kind {
        usvg::ImageKind::PNG(data) => ("PNG", data),
        usvg::ImageKind::JPEG(data) => ("JPEG", data),
        usvg::ImageKind::GIF(data) => ("GIF", data),
        usvg::ImageKind::WEBP(data) => ("WebP", data),
        usvg::ImageKind::SVG(_) => return Ok(()),
    };
    let size = imagesize::blob_size(data).map_err(|e| ImageError::NoSize {
        format,
        reason: e.to_string(),
    })?;
    let (width, height) = (size.width, size.height);
    if width == 0 || height == 0 {
        return Err(ImageError::Empty {
            format,
            width,
            height,
        });
    }
    let (long, short) = (width.max(height) as u64, width.min(height) as u64);
    let pixels = long.saturating_mul(short);
    if pixels > MAX_IMAGE_PIXELS || long / short > MAX_IMAGE_ASPECT {
        return Err(ImageError::TooLarge {
            format,
            width,
            height,
        });
    }
    if pixels > SPARSE_IMAGE_FLOOR && pixels / MAX_PIXELS_PER_BYTE > data.len() as u64 {
        return Err(ImageError::Sparse {
            format,
            width,
            height,
            bytes: data.len(),
        });
    }
    Ok(())
}

/// The checks of [`super::check_document`] on data usvg will parse as an SVG image (an
/// `image/svg+xml` data URL, or `text/plain` that is XML), and its depth; anything else
/// passes, as 0 levels deep.
fn check_svg_data(media_type: &str, bytes: &[u8]) -> Result<usize, ImageError> {
    if !matches!(media_type, "image/svg+xml" | "text/plain") {
        return Ok(0);
    }
    check_svg_image(bytes)
}

/// The checks of [`super::check_document`] on the file an image links to, if usvg will
/// parse it as an SVG image (an `.svg` or `.svgz` file, as usvg tells them), and its depth;
/// anything else passes as 0 levels deep, and so does a file that cannot be read (usvg
/// then reports it).
fn check_svg_file(href: &str, options: &usvg::Options<'_>) -> Result<usize, ImageError> {
    let path = options.get_abs_path(std::path::Path::new(href));
    let svg = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg") || e.eq_ignore_ascii_case("svgz"));
    match std::fs::read(&path) {
        Ok(bytes) if svg => check_svg_image(&bytes),
        _ => Ok(0),
    }
}

/// The checks of [`super::check_document`] on the bytes of an SVG image, and its depth;
/// bytes that are not an XML document pass as 0 levels deep (usvg refuses them: this build
/// of usvg reads no gzip-compressed SVG).
fn check_svg_image(bytes: &[u8]) -> Result<usize, ImageError> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(0);
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(text, options) else {
        return Ok(0);
    };
    super::check_document(&doc).map_err(|problem| ImageError::BadSvg {
        reason: problem.to_string(),
    })
}

/// Why usvg's data URL loader gave nothing for `bytes` of `media_type`.
fn why_not(media_type: &str, bytes: &[u8]) -> ImageError {
    if !matches!(media_type, "image/svg+xml" | "text/plain") {
        return ImageError::Unsupported {
            media_type: media_type.to_owned(),
        };
    }
    // usvg tried the bytes as SVG (`text/plain` when they are no raster format it knows);
    // say what is wrong without parsing the document again as SVG (which would load its
    // images again).
    let reason = match std::str::from_utf8(bytes) {
        Err(_) if media_type == "text/plain" => {
            "the data is neither PNG, JPEG, GIF, WebP nor SVG text".to_owned()
        }
        Err(_) => "the data is not UTF-8 text".to_owned(),
        Ok(text) => match roxmltree::Document::parse(text) {
            Err(e) => format!("malformed XML: {e}"),
            Ok(_) => "usvg cannot read it as SVG, for example it has no usable size".to_owned(),
        },
    };
    ImageError::BadSvg { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_stop_at_the_count_or_the_bytes_and_after_a_problem() {
        let loads = Mutex::new(Loads::default());
        for _ in 0..MAX_IMAGE_LOADS {
            assert!(admit(&loads, 0));
        }
        assert!(!admit(&loads, 0));
        let problem = loads.into_inner().unwrap().into_problem();
        assert_eq!(
            problem,
            Some(ImageError::TooMany {
                loads: MAX_IMAGE_LOADS + 1,
                bytes: 0
            })
        );

        let loads = Mutex::new(Loads::default());
        assert!(admit(&loads, MAX_IMAGE_BYTES as usize));
        assert!(!admit(&loads, 1));
        let problem = loads.into_inner().unwrap().into_problem().unwrap();
        assert!(
            problem
                .to_string()
                .starts_with("the SVG loads 2 images (268435457 bytes)"),
            "{problem}"
        );

        // After the first problem nothing more is loaded, and the first problem stays.
        let loads = Mutex::new(Loads::default());
        let bmp = ImageError::Unsupported {
            media_type: "image/bmp".into(),
        };
        refuse(&loads, bmp.clone());
        refuse(&loads, ImageError::BadSvg { reason: "x".into() });
        assert!(!admit(&loads, 0));
        assert_eq!(loads.into_inner().unwrap().into_problem(), Some(bmp));
    }
}
