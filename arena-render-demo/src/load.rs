//! Reading SVG files, with an error that says what is wrong with the input.

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use usvg::roxmltree;

use crate::fonts::Fonts;

mod images;
mod references;

pub use images::ImageError;

/// The built-in demo scene, embedded in the binary.
pub const BUILTIN_SCENE: &str = include_str!("builtin.svg");

/// A parsed SVG and what usvg cannot show of it.
pub struct Svg {
    /// The usvg tree.
    pub tree: usvg::Tree,
    /// Whether the document has `<text>` elements.
    pub has_text: bool,
    /// The `font-family` lists of text for which no font of the list is installed (usvg
    /// drew that text in a fallback font), one entry per list.
    pub missing_fonts: Vec<String>,
}

impl Svg {
    /// Whether the document has text but usvg could not lay any of it out (no font at
    /// all): the image lacks that text.
    pub fn text_dropped(&self) -> bool {
        self.has_text && !self.tree.has_text_nodes()
    }
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
    /// A coordinate or radius beyond [`MAX_COORDINATE`]: usvg would turn its arcs into more
    /// curve segments than memory or time allow.
    Absurd {
        /// The element that has it.
        element: String,
        /// The attribute (`d` for path data).
        attribute: String,
        /// The value, in user units.
        value: f64,
    },
    /// Elements that name each other in a ring (masks, clip paths, filters, patterns,
    /// markers, `<use>` or `<feImage>`): usvg would follow it until the stack overflows.
    ReferenceCycle {
        /// The ring, as `#id` (or `<tag>` for an element without an id), the first one
        /// again at the end.
        elements: Vec<String>,
        /// The attribute each step goes through (`mask`, `href`, ...), or `content` for a
        /// step into an element's children: one fewer than `elements`.
        through: Vec<&'static str>,
    },
    /// The document is deeper than [`MAX_DEPTH`]: elements inside elements, and references
    /// from them, would overflow the stack of usvg's recursive conversion.
    TooDeep {
        /// Its depth.
        depth: usize,
    },
    /// An `<image>` could not be loaded, or the file loads too many images.
    Image(ImageError),
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
            LoadError::Absurd {
                element,
                attribute,
                value,
            } => write!(
                f,
                "a <{element}> has {attribute} = {value:e} user units, beyond the \
                 {MAX_COORDINATE:e} this renderer accepts; fix the file's coordinates"
            ),
            LoadError::ReferenceCycle { elements, through } => {
                write!(f, "its references form a cycle: ")?;
                write_ring(f, elements, through)?;
                write!(
                    f,
                    "; an element may not use itself, directly or through others: remove one \
                     of these references"
                )
            }
            LoadError::TooDeep { depth } => write!(
                f,
                "it nests {depth} levels deep (elements inside elements, and references to \
                 masks, clip paths, filters, patterns and used elements), beyond the \
                 {MAX_DEPTH} this renderer accepts; flatten its groups or chains of masks"
            ),
            LoadError::Image(e) => e.fmt(f),
            LoadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Writes a reference ring as `#a → #b (mask) → #a (clip-path)`, eliding the middle of a
/// long one.
fn write_ring(
    f: &mut fmt::Formatter<'_>,
    elements: &[String],
    through: &[&'static str],
) -> fmt::Result {
    /// The steps shown at each end of a longer ring.
    const SHOWN: usize = 4;
    let Some(first) = elements.first() else {
        return Ok(());
    };
    write!(f, "{first}")?;
    let steps = elements[1..].iter().zip(through);
    let n = through.len();
    for (i, (element, attribute)) in steps.enumerate() {
        if n > 2 * SHOWN + 1 && i == SHOWN {
            write!(f, " → … ({} more)", n - 2 * SHOWN)?;
        }
        if n <= 2 * SHOWN + 1 || i < SHOWN || i >= n - SHOWN {
            write!(f, " → {element} ({attribute})")?;
        }
    }
    Ok(())
}

/// Reads and parses the SVG file at `path`, with the system's fonts.
pub fn load_file(path: &Path) -> Result<Svg, LoadError> {
    load_file_with(path, &Fonts::system())
}

/// Reads and parses the SVG file at `path`, laying text out with `fonts`; linked images
/// are found relative to the file.
pub fn load_file_with(path: &Path, fonts: &Fonts) -> Result<Svg, LoadError> {
    if path.is_dir() {
        return Err(LoadError::IsDirectory);
    }
    let bytes = fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => LoadError::Missing,
        io::ErrorKind::IsADirectory => LoadError::IsDirectory,
        _ => LoadError::Io(e),
    })?;
    parse_with(&bytes, fonts, path.parent())
}

/// Parses an SVG document from memory, with the system's fonts; linked images are found
/// relative to the working directory.
pub fn parse(bytes: &[u8]) -> Result<Svg, LoadError> {
    parse_with(bytes, &Fonts::system(), None)
}

/// Parses an SVG document from memory, laying text out with `fonts`; linked images are
/// found relative to `resources_dir` (the working directory if `None`).
pub fn parse_with(
    bytes: &[u8],
    fonts: &Fonts,
    resources_dir: Option<&Path>,
) -> Result<Svg, LoadError> {
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
    // and to find text, which usvg drops when it has no font at all.
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
    let depth = check_document(&doc)?;
    let has_text = doc
        .descendants()
        .any(|n| n.is_element() && n.tag_name().name() == "text");
    let missing = Mutex::new(BTreeSet::new());
    let loads = Mutex::new(images::Loads::within(depth));
    let options = usvg::Options {
        image_href_resolver: images::resolver(&loads),
        ..fonts.usvg_options(resources_dir, &missing)
    };
    // usvg panics on some inputs (an `<image>` whose box, scaled to the image's aspect
    // ratio, is thinner than the precision of its position: an `unwrap` in
    // tiny-skia-path's `Size::to_non_zero_rect`). A panic there is a bug in the dependency
    // and says nothing about the tree being built, which is dropped: report it as an error
    // instead of aborting with a half-written output.
    let parsed =
        quietly_catch_unwind(|| usvg::Tree::from_str(text, &options)).map_err(|panic| {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            LoadError::Invalid(format!(
                "usvg, the SVG parser, failed on this file ({why}); this is a bug in usvg, often \
             an <image> whose box is far thinner than its distance from the origin: check \
             the images' sizes"
            ))
        })?;
    let tree = parsed.map_err(|e| match e {
        usvg::Error::ParsingFailed(e) => LoadError::MalformedXml(e.to_string()),
        usvg::Error::InvalidSize => LoadError::Invalid(
            "no usable size: give the <svg> element a positive width and height or a viewBox"
                .into(),
        ),
        other => LoadError::Invalid(other.to_string()),
    })?;
    drop(options);
    let loads = loads.into_inner().unwrap_or_else(PoisonError::into_inner);
    if let Some(problem) = loads.into_problem() {
        return Err(LoadError::Image(problem));
    }
    let missing_fonts = missing
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .collect();
    Ok(Svg {
        tree,
        has_text,
        missing_fonts,
    })
}

/// The largest coordinate or radius accepted in shapes and path data, in user units.
///
/// usvg turns every arc into cubic curves at a fixed tolerance of 0.1 user units, so the
/// number of curves grows with the radius (as its sixth root), and an arc whose endpoint is
/// far away gets its radius scaled up to reach it: a radius of 1e54 asked for gigabytes of
/// curves, an endpoint at 1e29 for tens of thousands of curves that took seconds to stroke
/// (both found by the `demo_svg` fuzz target). At this limit an arc is at most about 50
/// curves; no real drawing comes near it.
pub const MAX_COORDINATE: f64 = 1e9;

/// The deepest document accepted: the most elements on one path from the root, going into
/// child elements and along references to masks, clip paths, filters, patterns and
/// `<use>`d elements.
///
/// usvg converts a document by recursion, a level per step of such a path, and so does the
/// scene build after it: a chain of 3000 masks, each masked by the next, overflowed the
/// stack of a release build (1000 of a debug build, 1000 nested groups too), which aborts
/// the process. An SVG image is converted inside the conversion of the document that shows
/// it, so the depths of a document and of the SVG images nested in it add up against the
/// limit. Real drawings stay far below it: of the 28,725 Adwaita and Papirus icons
/// and the fixtures, the deepest is 6.
pub const MAX_DEPTH: usize = 256;

/// The shape attributes that are lengths or coordinates.
const GEOMETRY_ATTRIBUTES: [&str; 13] = [
    "x", "y", "width", "height", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2",
];

/// Rejects coordinates and radii that would make usvg's arc conversion (or the stroker after
/// it) exhaust memory or time, before usvg runs.
fn check_geometry(doc: &roxmltree::Document<'_>) -> Result<(), LoadError> {
    let absurd = |node: roxmltree::Node<'_, '_>, attribute: &str, value: f64| LoadError::Absurd {
        element: node.tag_name().name().to_owned(),
        attribute: attribute.to_owned(),
        value,
    };
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        for name in GEOMETRY_ATTRIBUTES {
            let value = node
                .attribute(name)
                .and_then(|value| value.parse::<svgtypes::Length>().ok())
                .map_or(0.0, |length| length.number);
            if is_absurd(value) {
                return Err(absurd(node, name, value));
            }
        }
        let Some(data) = node.attribute("d") else {
            continue;
        };
        // The path parser of usvg's own parser crate, without the arc conversion; a segment
        // it cannot read ends the path for usvg too, so the check stops there as well.
        for segment in svgtypes::PathParser::from(data).map_while(Result::ok) {
            if let Some(value) = segment_numbers(&segment)
                .into_iter()
                .find(|&v| is_absurd(v))
            {
                return Err(absurd(node, "d", value));
            }
        }
    }
    Ok(())
}

/// What must hold of a document before usvg parses it (the file itself, and every SVG image
/// it loads, which usvg parses on its own): no coordinate beyond [`MAX_COORDINATE`], no
/// ring of references, and no deeper than [`MAX_DEPTH`] (see `references.rs`).
///
/// Returns the document's depth.
fn check_document(doc: &roxmltree::Document<'_>) -> Result<usize, LoadError> {
    check_geometry(doc)?;
    match references::depth(doc) {
        Err(cycle) => Err(LoadError::ReferenceCycle {
            elements: cycle.ids,
            through: cycle.through,
        }),
        Ok(depth) if depth > MAX_DEPTH => Err(LoadError::TooDeep { depth }),
        Ok(depth) => Ok(depth),
    }
}

/// Whether a coordinate is beyond [`MAX_COORDINATE`] (or not a number).
fn is_absurd(value: f64) -> bool {
    value.is_nan() || value.abs() > MAX_COORDINATE
}

/// Every coordinate and radius of a path segment (unused slots are 0).
fn segment_numbers(segment: &svgtypes::PathSegment) -> [f64; 6] {
    use svgtypes::PathSegment as S;
    match *segment {
        S::MoveTo { x, y, .. } | S::LineTo { x, y, .. } | S::SmoothQuadratic { x, y, .. } => {
            [x, y, 0.0, 0.0, 0.0, 0.0]
        }
        S::HorizontalLineTo { x, .. } => [x, 0.0, 0.0, 0.0, 0.0, 0.0],
        S::VerticalLineTo { y, .. } => [y, 0.0, 0.0, 0.0, 0.0, 0.0],
        S::CurveTo {
            x1,
            y1,
            x2,
            y2,
            x,
            y,
            ..
        } => [x1, y1, x2, y2, x, y],
        S::SmoothCurveTo { x2, y2, x, y, .. } => [x2, y2, x, y, 0.0, 0.0],
        S::Quadratic { x1, y1, x, y, .. } => [x1, y1, x, y, 0.0, 0.0],
        S::EllipticalArc { rx, ry, x, y, .. } => [rx, ry, x, y, 0.0, 0.0],
        S::ClosePath { .. } => [0.0; 6],
    }
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

thread_local! {
    /// Whether this thread is inside [`quietly_catch_unwind`].
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, catching a panic as `catch_unwind` does, without the panic hook's report on
/// stderr for it: the caller turns the panic into an error with its own message, and a
/// "thread panicked" report (with a backtrace under `RUST_BACKTRACE`) before that error
/// would tell the user the program crashed when it did not.
///
/// The first call wraps the process's panic hook once: panics on a thread inside this
/// function stay quiet, every other panic goes to the hook that was there before.
fn quietly_catch_unwind<R>(f: impl FnOnce() -> R) -> std::thread::Result<R> {
    static WRAP_HOOK: std::sync::Once = std::sync::Once::new();
    WRAP_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    result
}
