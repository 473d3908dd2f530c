//! The kept seed corpus of the `demo_image` fuzz target, generated from the four 12x9 images
//! of the demo's `images-raster.svg` fixture (which the demo's tests check against resvg).

use crate::encode::{base64, crc32, unbase64};
use crate::{CANVAS, Input, Kind, SVG_OPEN};

/// The fixture whose data URLs hold the valid images the seeds start from.
const FIXTURE: &str = include_str!("../../arena-render-demo/fixtures/images-raster.svg");

/// The side every huge seed declares, where its format can express it (PNG, WebP's
/// extended header); JPEG and GIF store sizes in 16 bits and declare 65535 instead.
pub(crate) const HUGE: u32 = 100_000;

/// What the demo must make of a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An image, with no warning.
    Renders,
    /// An image, with this among the skipped features the scene names.
    Skips(&'static str),
    /// An error whose message contains this.
    Fails(&'static str),
}

/// One kept input: its file name in the corpus, its bytes and what the demo must make of it.
#[derive(Clone, Debug)]
pub struct Seed {
    /// The file name.
    pub name: String,
    /// The fuzz input (selector byte, then the image's bytes).
    pub bytes: Vec<u8>,
    /// What the demo must do with it.
    pub outcome: Outcome,
}

/// The fixture's embedded image of `media_type` (`image/png` ...), decoded.
fn fixture_image(media_type: &str) -> Vec<u8> {
    let start = FIXTURE
        .find(&format!("data:{media_type};base64,"))
        .expect("the fixture embeds one image of each raster format")
        + media_type.len()
        + 13;
    let end = start + FIXTURE[start..].find('"').expect("a closed attribute");
    unbase64(&FIXTURE[start..end]).expect("the fixture's base64 is valid")
}

/// A PNG whose header declares `width` x `height` (the IHDR's CRC recomputed).
fn png_declaring(png: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut png = png.to_vec();
    png[16..20].copy_from_slice(&width.to_be_bytes());
    png[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}

/// A JPEG whose frame header (SOF0 to SOF2) declares `width` x `height`.
fn jpeg_declaring(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = jpeg.to_vec();
    let sof = jpeg
        .windows(2)
        .position(|w| w[0] == 0xFF && (0xC0..=0xC2).contains(&w[1]))
        .expect("the fixture's JPEG has a frame header");
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

/// A GIF whose logical screen declares `width` x `height` (its frame unchanged).
fn gif_screen(gif: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut gif = gif.to_vec();
    gif[6..8].copy_from_slice(&width.to_le_bytes());
    gif[8..10].copy_from_slice(&height.to_le_bytes());
    gif
}

/// A GIF whose first frame's descriptor declares `width` x `height` (its screen unchanged).
fn gif_frame(gif: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut gif = gif.to_vec();
    // The image descriptor: 0x2C, left, top, width, height (little-endian u16s); the
    // fixture's comes after the header, its global colour table and one extension.
    let descriptor = gif
        .windows(5)
        .position(|w| w == [0x2C, 0, 0, 0, 0])
        .expect("the fixture's GIF has a frame at (0, 0)");
    gif[descriptor + 5..descriptor + 7].copy_from_slice(&width.to_le_bytes());
    gif[descriptor + 7..descriptor + 9].copy_from_slice(&height.to_le_bytes());
    gif
}

/// The fixture's lossless WebP behind an extended (VP8X) header declaring a `width` x
/// `height` canvas (24-bit sides, so 100000 fits).
fn webp_extended(webp: &[u8], width: u32, height: u32) -> Vec<u8> {
    // "RIFF" size "WEBP", then the VP8L chunk.
    let vp8l = &webp[12..];
    let mut chunk = b"VP8X".to_vec();
    chunk.extend_from_slice(&10u32.to_le_bytes());
    // Flags: alpha (0x10); 3 reserved bytes.
    chunk.extend_from_slice(&[0x10, 0, 0, 0]);
    chunk.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    chunk.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut out = b"RIFF".to_vec();
    let size = 4 + chunk.len() + vp8l.len();
    out.extend_from_slice(&(size as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&chunk);
    out.extend_from_slice(vp8l);
    out
}

/// The fixture's lossless WebP with its VP8L header declaring `width` x `height` (14-bit
/// sides: at most 16384).
fn webp_lossless_declaring(webp: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut webp = webp.to_vec();
    // After "RIFF" size "WEBP" "VP8L" size and the 0x2F signature: 14 bits width - 1,
    // 14 bits height - 1, the alpha bit and a 3-bit version, little-endian.
    let at = 21;
    let mut bits = u32::from_le_bytes(webp[at..at + 4].try_into().unwrap());
    bits = (bits & !0x0FFF_FFFF) | (width - 1) | (height - 1) << 14;
    webp[at..at + 4].copy_from_slice(&bits.to_le_bytes());
    webp
}

/// `bytes` with every byte from `from` (a fraction of the length) to four bytes before the
/// end flipped: the header survives, the data does not.
fn corrupt(bytes: &[u8], from: f32) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    let start = (bytes.len() as f32 * from) as usize;
    let end = bytes.len().saturating_sub(4);
    for b in &mut bytes[start..end] {
        *b ^= 0x5A;
    }
    bytes
}

/// An SVG document of `CANVAS` x `CANVAS` units with `body` inside.
fn svg(body: &str) -> String {
    format!(r#"{SVG_OPEN} width="{CANVAS}" height="{CANVAS}">{body}</svg>"#)
}

/// An `<image>` of `media_type` holding `bytes`, filling the canvas.
fn image_element(media_type: &str, bytes: &[u8], extra: &str) -> String {
    let data = base64(bytes);
    format!(
        r#"<image width="{CANVAS}" height="{CANVAS}"{extra} {}"#,
        format_args!(r#"xlink:href="data:{media_type};base64,{data}"/>"#)
    )
}

/// SVG images nested `depth` deep, the innermost drawing a square.
fn nested_svg(depth: usize) -> String {
    let mut doc = svg(r##"<rect x="4" y="4" width="24" height="24" fill="#36c"/>"##);
    for _ in 1..depth {
        doc = svg(&image_element("image/svg+xml", doc.as_bytes(), ""));
    }
    doc
}

/// SVG images nested `depth` deep where each level draws the one below `fan_out` times
/// (one `<image>` and `fan_out - 1` `<use>`s of it): `fan_out ^ depth` drawings from a file
/// that grows only linearly with the depth (each level is base64 of the last).
fn fanned_svg(depth: usize, fan_out: usize) -> String {
    let mut doc = svg(r#"<rect width="8" height="8"/>"#);
    for _ in 1..depth {
        let mut body = image_element("image/svg+xml", doc.as_bytes(), r#" id="i""#);
        for k in 1..fan_out {
            body += &format!(r##"<use xlink:href="#i" x="{k}"/>"##);
        }
        doc = svg(&body);
    }
    doc
}

/// The seed corpus, for a demo that draws SVG images nested at most `max_depth` deep.
pub fn seeds(max_depth: usize) -> Vec<Seed> {
    let png = fixture_image("image/png");
    let jpeg = fixture_image("image/jpeg");
    let gif = fixture_image("image/gif");
    let webp = fixture_image("image/webp");
    let rasters = [
        (
            "png",
            Kind::Png,
            &png,
            "PNG",
            "a PNG image's header gives no size",
        ),
        (
            "jpeg",
            Kind::Jpeg,
            &jpeg,
            "JPEG",
            "a JPEG image's header gives no size",
        ),
        (
            "gif",
            Kind::Gif,
            &gif,
            "GIF",
            "a GIF image's header gives no size",
        ),
        (
            "webp",
            Kind::Webp,
            &webp,
            "WebP",
            "a WebP image's header gives no size",
        ),
    ];
    let mut seeds = Vec::new();
    let mut add = |name: &str, input: Input<'_>, outcome| {
        seeds.push(Seed {
            name: name.to_owned(),
            bytes: input.to_bytes(),
            outcome,
        });
    };
    let huge_png = png_declaring(&png, HUGE, HUGE);
    let huge_jpeg = jpeg_declaring(&jpeg, 65535, 65535);
    let huge_gif = gif_screen(&gif, 65535, 65535);
    let huge_webp = webp_extended(&webp, HUGE, HUGE);
    let huge_webp_lossless = webp_lossless_declaring(&webp, 16384, 16384);
    let huge = [
        (
            "png",
            Kind::Png,
            &huge_png,
            "a PNG image declares 100000x100000 pixels",
        ),
        (
            "jpeg",
            Kind::Jpeg,
            &huge_jpeg,
            "a JPEG image declares 65535x65535 pixels",
        ),
        (
            "gif",
            Kind::Gif,
            &huge_gif,
            "a GIF image declares 65535x65535 pixels",
        ),
        (
            "webp",
            Kind::Webp,
            &huge_webp,
            "a WebP image declares 100000x100000 pixels",
        ),
    ];
    for (name, kind, bytes, format, no_size) in rasters {
        add(
            &format!("valid-{name}"),
            Input::new(kind, bytes),
            Outcome::Renders,
        );
        // Every rendering mode and aspect ratio, and the size from the header.
        let bits = (kind as u8 + 1) << 3 | (kind as u8) << 5 | 0x80;
        add(
            &format!("valid-{name}-modes"),
            Input::new(kind, bytes).with_bits(bits),
            Outcome::Renders,
        );
        add(
            &format!("sniffed-{name}"),
            Input::new(Kind::Sniffed, bytes),
            Outcome::Renders,
        );
        add(
            &format!("truncated-{name}"),
            Input::new(kind, &bytes[..bytes.len() / 2]),
            Outcome::Fails(format),
        );
        add(
            &format!("truncated-{name}-header"),
            Input::new(kind, &bytes[..10]),
            Outcome::Fails(no_size),
        );
        add(
            &format!("corrupt-{name}"),
            Input::new(kind, &corrupt(bytes, 0.3)),
            Outcome::Fails(format),
        );
    }
    for (name, kind, bytes, message) in huge {
        add(
            &format!("huge-{name}"),
            Input::new(kind, bytes),
            Outcome::Fails(message),
        );
        add(
            &format!("huge-{name}-natural-size"),
            Input::new(kind, bytes).with_bits(0x80),
            Outcome::Fails(message),
        );
    }
    add(
        "huge-webp-lossless",
        Input::new(Kind::Webp, &huge_webp_lossless),
        Outcome::Fails("a WebP image declares 16384x16384 pixels"),
    );
    let gif_big_frame = gif_frame(&gif, 65535, 65535);
    add(
        "huge-gif-frame",
        Input::new(Kind::Gif, &gif_big_frame),
        Outcome::Fails("GIF"),
    );
    // usvg's layout panics when an image's short side, scaled into its box, falls below
    // the precision of the box's position: a 8192:1 image is refused before that.
    let png_strip = png_declaring(&png, 8192, 1);
    add(
        "png-aspect-8192-to-1",
        Input::new(Kind::Png, &png_strip),
        Outcome::Fails("a PNG image declares 8192x1 pixels, beyond"),
    );
    // A JPEG whose header declares 16.6 million pixels (within the limits) for the data
    // of 108: zune-jpeg fills in what the data does not reach, and took seconds over it.
    let sparse = jpeg_declaring(&jpeg, 65000, 255);
    add(
        "sparse-jpeg-65000x255",
        Input::new(Kind::Jpeg, &sparse),
        Outcome::Fails("a JPEG image declares 65000x255 pixels in 680 bytes"),
    );
    let png_zero = png_declaring(&png, 0, 9);
    add(
        "png-zero-width",
        Input::new(Kind::Png, &png_zero),
        Outcome::Fails("a PNG image declares 0x9 pixels, which is empty"),
    );
    add(
        "mismatched-png-as-jpeg",
        Input::new(Kind::Jpeg, &png),
        Outcome::Fails("JPEG"),
    );
    add(
        "png-as-jpg",
        Input::new(Kind::Jpg, &png),
        Outcome::Fails("JPEG"),
    );
    add(
        "unsupported-bmp",
        Input::new(Kind::Unsupported, &png),
        Outcome::Fails("the media type image/bmp"),
    );
    add(
        "empty-png",
        Input::new(Kind::Png, &[]),
        Outcome::Fails("a PNG image's header gives no size"),
    );
    add(
        "sniffed-garbage",
        Input::new(Kind::Sniffed, b"\x00\x01garbage"),
        Outcome::Fails("an SVG image cannot be read (malformed XML"),
    );

    let small = svg(r##"<circle cx="16" cy="16" r="12" fill="#c33"/>"##);
    add(
        "valid-svg",
        Input::new(Kind::Svg, small.as_bytes()),
        Outcome::Renders,
    );
    add(
        "sniffed-svg",
        Input::new(Kind::Sniffed, small.as_bytes()),
        Outcome::Renders,
    );
    let with_png = svg(&image_element("image/png", &png, ""));
    add(
        "svg-with-png",
        Input::new(Kind::Svg, with_png.as_bytes()),
        Outcome::Renders,
    );
    let with_huge = svg(&image_element("image/png", &huge_png, ""));
    add(
        "svg-with-huge-png",
        Input::new(Kind::Svg, with_huge.as_bytes()),
        Outcome::Fails("a PNG image declares 100000x100000 pixels"),
    );
    add(
        "truncated-svg",
        Input::new(Kind::Svg, &small.as_bytes()[..small.len() / 2]),
        Outcome::Fails("an SVG image cannot be read (malformed XML"),
    );
    // An SVG image whose arc would become gigabytes of curves in usvg: the coordinate
    // check the demo runs on files runs on SVG images too.
    let arc = svg(r#"<path d="M 0 0 A 5e54 5e54 0 0 1 10 10" stroke="red"/>"#);
    add(
        "svg-with-absurd-arc",
        Input::new(Kind::Svg, arc.as_bytes()),
        Outcome::Fails("d = 5e54 user units"),
    );
    // An SVG image whose masks name each other in a ring, which usvg would follow until the
    // stack overflows: the reference check the demo runs on files runs on SVG images too.
    let ring = svg(
        r##"<mask id="a"><rect width="9" height="9" fill="#fff" mask="url(#b)"/></mask>
        <mask id="b"><rect width="9" height="9" fill="#fff" mask="url(#c)"/></mask>
        <mask id="c"><rect width="9" height="9" fill="#fff" mask="url(#a)"/></mask>
        <rect width="9" height="9" mask="url(#a)"/>"##,
    );
    add(
        "svg-with-mask-ring",
        Input::new(Kind::Svg, ring.as_bytes()),
        Outcome::Fails("its references form a cycle: #a → #b (mask) → #c (mask) → #a (mask)"),
    );
    let at_limit = nested_svg(max_depth);
    add(
        "svg-nested-at-limit",
        Input::new(Kind::Svg, at_limit.as_bytes()),
        Outcome::Renders,
    );
    let too_deep = nested_svg(max_depth + 2);
    add(
        "svg-nested-too-deep",
        Input::new(Kind::Svg, too_deep.as_bytes()),
        Outcome::Skips("SVG images nested too deep"),
    );
    // An SVG image naming a file (itself, were it one): as the SVG specification asks, an
    // SVG image loads no files (usvg ignores the link), so it draws nothing.
    let linked = svg(r#"<image width="8" height="8" xlink:href="self.svg"/>"#);
    add(
        "svg-linking-a-file",
        Input::new(Kind::Svg, linked.as_bytes()),
        Outcome::Renders,
    );
    let fanned = fanned_svg(7, 10);
    add(
        "svg-fanned-out",
        Input::new(Kind::Svg, fanned.as_bytes()),
        Outcome::Fails("the SVG loads 1025 images"),
    );
    seeds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_huge_headers_declare_what_they_say() {
        let png = png_declaring(&fixture_image("image/png"), HUGE, 7);
        assert_eq!(&png[16..24], &[0, 1, 0x86, 0xA0, 0, 0, 0, 7]);
        assert_eq!(
            u32::from_be_bytes(png[29..33].try_into().unwrap()),
            crc32(&png[12..29])
        );
        let webp = webp_extended(&fixture_image("image/webp"), HUGE, 3);
        assert_eq!(&webp[12..16], b"VP8X");
        assert_eq!(&webp[24..30], &[0x9F, 0x86, 0x01, 2, 0, 0]);
        assert_eq!(
            u32::from_le_bytes(webp[4..8].try_into().unwrap()) as usize,
            webp.len() - 8
        );
    }

    #[test]
    fn seeds_have_unique_names_and_stay_small() {
        let seeds = seeds(8);
        let mut names: Vec<_> = seeds.iter().map(|s| &s.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), seeds.len());
        for seed in &seeds {
            assert!(
                seed.bytes.len() < 16 << 10,
                "{} is {} bytes",
                seed.name,
                seed.bytes.len()
            );
        }
    }
}
