//! Reading SVG files, with an error that says what is wrong with the input.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use usvg::roxmltree;

/// The built-in demo scene, embedded in the binary.
pub const BUILTIN_SCENE: &str = include_str!("builtin.svg");

/// A parsed SVG and what usvg cannot show of it.
pub struct Svg {
    /// The usvg tree.
    pub tree: usvg::Tree,
    /// Whether the document has `<text>` elements (usvg without its `text` feature drops
    /// them; they are reported as unsupported).
    pub has_text: bool,
}

/// Why an input file could not be read as SVG.
#[derive(Debug)]
pub enum LoadError {
    /// The file does not exist.
    Missing,
    /// The path is a directory where a file was expected.
    IsDirectory,
    /// The file has no bytes.
    Empty,
    /// The file is not an SVG document (binary data, plain text, or another XML format).
    NotSvg(String),
    /// The file looks like XML but does not parse.
    MalformedXml(String),
    /// usvg rejected the document (for example, no usable size).
    Invalid(String),
    /// An arc, circle or ellipse radius beyond [`MAX_RADIUS`]: usvg would split it into more
    /// curve segments than memory holds.
    AbsurdRadius {
        /// The element that has it.
        element: String,
        /// The radius, in user units.
        radius: f64,
    },
    /// Another I/O error.
    Io(io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing => write!(f, "no such file; check the path"),
            LoadError::IsDirectory => write!(f, "is a directory, expected an .svg file"),
            LoadError::Empty => write!(f, "the file is empty, expected an SVG document"),
            LoadError::NotSvg(why) => write!(f, "not an SVG file: {why}"),
            LoadError::MalformedXml(why) => write!(f, "malformed XML: {why}"),
            LoadError::Invalid(why) => write!(f, "invalid SVG: {why}"),
            LoadError::AbsurdRadius { element, radius } => write!(
                f,
                "a <{element}> has a radius of {radius:e} user units, beyond the {MAX_RADIUS:e} \
                 this renderer accepts; fix the file's coordinates"
            ),
            LoadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads and parses the SVG file at `path`.
pub fn load_file(path: &Path) -> Result<Svg, LoadError> {
    if path.is_dir() {
        return Err(LoadError::IsDirectory);
    }
    let bytes = fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => LoadError::Missing,
        io::ErrorKind::IsADirectory => LoadError::IsDirectory,
        _ => LoadError::Io(e),
    })?;
    parse(&bytes)
}

/// Parses an SVG document from memory.
pub fn parse(bytes: &[u8]) -> Result<Svg, LoadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty);
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| LoadError::NotSvg("binary data, not UTF-8 text".into()))?;
    let body = text.trim_start_matches('\u{feff}').trim_start();
    if !body.starts_with('<') {
        return Err(LoadError::NotSvg("plain text, no XML markup".into()));
    }
    // The same XML parser usvg uses: first to tell malformed XML from XML that is not SVG,
    // and to find text, which usvg drops without its text feature.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| LoadError::MalformedXml(e.to_string()))?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(LoadError::NotSvg(format!(
            "the root element is <{}>, expected <svg>",
            root.tag_name().name()
        )));
    }
    check_radii(&doc)?;
    let has_text = doc
        .descendants()
        .any(|n| n.is_element() && n.tag_name().name() == "text");
    let tree = usvg::Tree::from_str(text, &usvg::Options::default()).map_err(|e| match e {
        usvg::Error::ParsingFailed(e) => LoadError::MalformedXml(e.to_string()),
        usvg::Error::InvalidSize => LoadError::Invalid(
            "no usable size: give the <svg> element a positive width and height or a viewBox"
                .into(),
        ),
        other => LoadError::Invalid(other.to_string()),
    })?;
    Ok(Svg { tree, has_text })
}

/// The largest arc, circle or ellipse radius accepted, in user units.
///
/// usvg turns every arc into cubic curves at a fixed tolerance of 0.1 user units, so the
/// number of curves grows with the radius (as its sixth root): a radius of 1e50 asks for
/// about 10^8.5 curves and gigabytes of memory (found by the `demo_svg` fuzz target). At this
/// limit an arc is at most about 500 curves; no real drawing comes near it.
pub const MAX_RADIUS: f64 = 1e15;

/// Rejects radii that would make usvg's arc conversion exhaust memory, before usvg runs.
fn check_radii(doc: &roxmltree::Document<'_>) -> Result<(), LoadError> {
    let absurd = |node: roxmltree::Node<'_, '_>, radius: f64| LoadError::AbsurdRadius {
        element: node.tag_name().name().to_owned(),
        radius,
    };
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        for name in ["r", "rx", "ry"] {
            let radius = node
                .attribute(name)
                .and_then(|value| value.parse::<svgtypes::Length>().ok())
                .map_or(0.0, |length| length.number.abs());
            if radius > MAX_RADIUS {
                return Err(absurd(node, radius));
            }
        }
        let Some(data) = node.attribute("d") else {
            continue;
        };
        // The path parser of usvg's own parser crate, without the arc conversion; a segment
        // it cannot read ends the path for usvg too, so the check stops there as well.
        for segment in svgtypes::PathParser::from(data).map_while(Result::ok) {
            if let svgtypes::PathSegment::EllipticalArc { rx, ry, .. } = segment {
                let radius = rx.abs().max(ry.abs());
                if radius > MAX_RADIUS || radius.is_nan() {
                    return Err(absurd(node, radius));
                }
            }
        }
    }
    Ok(())
}

/// The `.svg` files in `dir`, sorted by name.
pub fn svg_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let is_svg = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
        if is_svg && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
