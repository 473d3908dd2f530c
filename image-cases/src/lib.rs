//! Hostile images for the demo, shared by the `demo_image` fuzz target and the demo's tests.
//!
//! An input is raw image bytes behind one selector byte ([`Input`]): the selector picks the
//! declared kind (the data URL's media type), the `image-rendering` mode, the
//! `preserveAspectRatio` and whether the `<image>` gives its own size; [`Input::document`]
//! embeds the bytes in a small SVG as a base64 data URL, which is how usvg, and so the demo,
//! loads them. [`seeds`] generates the kept seed corpus (`fuzz/corpus/demo_image`) from the
//! four 12x9 images of the demo's `images-raster.svg` fixture: valid, truncated, corrupt,
//! declaring 100000 x 100000 pixels (or the most the format can express), and SVG images
//! nested deeper than the demo draws.

mod encode;
mod seeds;

pub use encode::{base64, png_header};
pub use seeds::{Outcome, Seed, seeds};

/// The side of the square canvas every input is drawn on, in SVG units.
pub const CANVAS: u32 = 32;

/// The start of every SVG document made here, up to the size attributes.
const SVG_OPEN: &str = concat!(
    r#"<svg xmlns="http://www.w3.org/2000/svg""#,
    r#" xmlns:xlink="http://www.w3.org/1999/xlink""#
);

/// The media type of a data URL, by the selector's low three bits.
const MEDIA_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/svg+xml",
    // usvg sniffs the format from the bytes (and tries SVG when it knows none).
    "text/plain",
    // A format usvg does not load.
    "image/bmp",
    "image/jpg",
];

/// The `image-rendering` attribute, by the selector's bits 3 and 4.
const RENDERING: [&str; 4] = [
    "",
    r#" image-rendering="optimizeSpeed""#,
    r#" image-rendering="optimizeQuality""#,
    r#" style="image-rendering:pixelated""#,
];

/// The `preserveAspectRatio` attribute, by the selector's bits 5 and 6.
const ASPECT: [&str; 4] = [
    "",
    r#" preserveAspectRatio="none""#,
    r#" preserveAspectRatio="xMinYMin slice""#,
    r#" preserveAspectRatio="xMaxYMax meet""#,
];

/// One fuzz input: a selector byte and the image's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Input<'a> {
    /// Bits 0 to 2: the media type ([`Kind`]); bits 3 and 4: `image-rendering`; bits 5 and
    /// 6: `preserveAspectRatio`; bit 7 set: the `<image>` has no `width` and `height`, so
    /// its size is the one the image's header declares.
    pub selector: u8,
    /// The image file's bytes.
    pub payload: &'a [u8],
}

/// The declared kind of an image: its data URL's media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `image/png`.
    Png = 0,
    /// `image/jpeg`.
    Jpeg = 1,
    /// `image/gif`.
    Gif = 2,
    /// `image/webp`.
    Webp = 3,
    /// `image/svg+xml`.
    Svg = 4,
    /// `text/plain`: usvg tells the format from the bytes.
    Sniffed = 5,
    /// `image/bmp`, which usvg does not load.
    Unsupported = 6,
    /// `image/jpg`, the other name usvg accepts for JPEG.
    Jpg = 7,
}

impl<'a> Input<'a> {
    /// Splits a fuzz input into selector and payload (`None` for no bytes at all).
    pub fn parse(bytes: &'a [u8]) -> Option<Input<'a>> {
        let (&selector, payload) = bytes.split_first()?;
        Some(Input { selector, payload })
    }

    /// The input `payload` declared as `kind`, drawn with the default rendering mode and
    /// aspect ratio in a 28 x 24 box.
    pub fn new(kind: Kind, payload: &'a [u8]) -> Input<'a> {
        Input {
            selector: kind as u8,
            payload,
        }
    }

    /// The same input with the selector's other bits (rendering, aspect, size) set to
    /// `bits` (its low three bits are ignored).
    pub fn with_bits(self, bits: u8) -> Input<'a> {
        Input {
            selector: (self.selector & 7) | (bits & !7),
            ..self
        }
    }

    /// The fuzz input's bytes: the selector, then the payload.
    pub fn to_bytes(self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(1 + self.payload.len());
        bytes.push(self.selector);
        bytes.extend_from_slice(self.payload);
        bytes
    }

    /// The data URL's media type.
    pub fn media_type(self) -> &'static str {
        MEDIA_TYPES[usize::from(self.selector & 7)]
    }

    /// A `CANVAS` x `CANVAS` SVG document that draws the payload as one `<image>`.
    pub fn document(self) -> String {
        let rendering = RENDERING[usize::from(self.selector >> 3 & 3)];
        let aspect = ASPECT[usize::from(self.selector >> 5 & 3)];
        let size = if self.selector & 0x80 == 0 {
            r#" width="28" height="24""#
        } else {
            ""
        };
        let (media_type, data) = (self.media_type(), base64(self.payload));
        let attributes = format!(r#"x="2" y="3"{size}{rendering}{aspect}"#);
        format!(
            r#"{SVG_OPEN} width="{CANVAS}" height="{CANVAS}"><image {attributes} {}</svg>"#,
            format_args!(r#"xlink:href="data:{media_type};base64,{data}"/>"#)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selector_picks_type_rendering_aspect_and_size() {
        let input = Input::new(Kind::Gif, b"GIF").with_bits(0b1011_1000);
        assert_eq!(input.selector, 0b1011_1010);
        let svg = input.document();
        assert!(
            svg.contains(r#"xlink:href="data:image/gif;base64,R0lG""#),
            "{svg}"
        );
        assert!(
            svg.contains(r#"style="image-rendering:pixelated""#),
            "{svg}"
        );
        assert!(svg.contains(r#"preserveAspectRatio="none""#), "{svg}");
        assert!(!svg.contains("width=\"28\""), "{svg}");
        let plain = Input::new(Kind::Sniffed, b"").document();
        assert!(plain.contains(r#"<image x="2" y="3" width="28" height="24" xlink"#));
        assert!(plain.contains("data:text/plain;base64,\""), "{plain}");
        assert_eq!(Input::parse(&input.to_bytes()), Some(input));
        assert_eq!(Input::parse(&[]), None);
    }
}
