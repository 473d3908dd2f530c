//! Images, text and the fidelity details (issue 12, items 5 to 7): each fixture against resvg
//! at 64 and 256 pixels and at its own size, within the budget; and for each, proof that a
//! renderer ignoring the feature fails the same check.

use std::path::{Path, PathBuf};

use arena_render_demo::fonts::Fonts;
use arena_render_demo::load::{self, Svg};
use arena_render_demo::{
    Comparison, Geometry, Image, RenderOptions, Renderer, Scene, render_reference,
};

/// How a renderer that ignores a fixture's feature sees the fixture.
enum Ignoring {
    /// The SVG with the feature taken out (`(from, to)` replacements).
    Stripped(&'static [(&'static str, &'static str)]),
    /// The render options that turn the feature off.
    Options(fn(&mut RenderOptions)),
}

/// The fixtures of this file, and how a renderer ignoring each one's feature sees it.
const FIXTURES: &[(&str, Ignoring)] = &[
    (
        "text",
        Ignoring::Stripped(&[("<text ", "<desc "), ("</text>", "</desc>")]),
    ),
    (
        "background-viewbox",
        Ignoring::Stripped(&[(r##"background-color="#dcb""##, "")]),
    ),
    (
        "crisp-edges",
        Ignoring::Stripped(&[
            (r#"shape-rendering="crispEdges""#, ""),
            (r#"shape-rendering="optimizeSpeed""#, ""),
        ]),
    ),
    ("hairlines", Ignoring::Options(|o| o.hairlines = false)),
    (
        "images-raster",
        Ignoring::Stripped(&[("<image ", "<desc ")]),
    ),
    ("images-svg", Ignoring::Stripped(&[("<image ", "<desc ")])),
    (
        "image-rendering",
        Ignoring::Stripped(&[(r#"image-rendering="optimizeSpeed""#, "")]),
    ),
];

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Only the fonts the tests ship, so that the result does not depend on the machine.
fn test_fonts() -> Fonts {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts");
    Fonts::with_dirs(&[dir], false).expect("the test fonts load")
}

fn source(name: &str) -> String {
    std::fs::read_to_string(fixture_dir().join(format!("{name}.svg"))).expect("fixture exists")
}

fn parse(text: &str) -> Svg {
    let svg = load::parse_with(text.as_bytes(), &test_fonts(), Some(&fixture_dir()))
        .expect("fixture parses");
    assert!(svg.missing_fonts.is_empty(), "{:?}", svg.missing_fonts);
    assert!(!svg.text_dropped());
    svg
}

/// Renders with the arena renderer, checking that no line exceeds the budget.
fn ours(svg: &Svg, options: &RenderOptions) -> Image {
    let scene = Scene::build(&svg.tree, options).expect("the fixture builds");
    let unsupported: Vec<_> = scene.unsupported().collect();
    assert!(unsupported.is_empty(), "unsupported: {unsupported:?}");
    let (image, use_) = Renderer::new(&scene)
        .unwrap()
        .render(2)
        .expect("no line exceeds the budget");
    assert!(use_.peak <= use_.budget, "{} > {}", use_.peak, use_.budget);
    image
}

fn reference(svg: &Svg, options: &RenderOptions) -> Image {
    let geometry = Geometry::of(&svg.tree, options).unwrap();
    render_reference(&svg.tree, &geometry, options)
}

/// 64 px, 256 px and the SVG's own size.
fn sizes() -> [RenderOptions; 3] {
    [Some(64), Some(256), None].map(|size| RenderOptions {
        size,
        ..RenderOptions::default()
    })
}

#[test]
fn media_fixtures_match_resvg_at_64_256_and_1_to_1() {
    for &(name, _) in FIXTURES {
        let svg = parse(&source(name));
        for options in sizes() {
            let c = Comparison::of(&ours(&svg, &options), &reference(&svg, &options));
            assert!(c.passes(), "{name} at {:?}: {c:?}", options.size);
        }
    }
}

#[test]
fn a_renderer_ignoring_the_feature_fails_each_fixture() {
    for (name, ignoring) in FIXTURES {
        let original = source(name);
        let mut stripped = original.clone();
        let mut turn_off: fn(&mut RenderOptions) = |_| {};
        match ignoring {
            Ignoring::Stripped(removal) => {
                for (from, to) in *removal {
                    assert!(stripped.contains(from), "{name}: {from:?} not found");
                    stripped = stripped.replace(from, to);
                }
            }
            Ignoring::Options(f) => turn_off = *f,
        }
        let (svg, without) = (parse(&original), parse(&stripped));
        // At 64 px and at the fixture's own size (at 256 px the hairlines are wide enough
        // to be caught by sub-scanlines anyway).
        for options in [Some(64), None].map(|size| RenderOptions {
            size,
            ..RenderOptions::default()
        }) {
            let mut off = options;
            turn_off(&mut off);
            let c = Comparison::of(&ours(&without, &off), &reference(&svg, &options));
            assert!(
                !c.passes(),
                "{name} without its feature passed at {:?}: {c:?}",
                options.size
            );
        }
    }
}

#[test]
fn the_background_fills_the_viewbox_where_it_is_drawn() {
    // At its own size the 48x40 viewBox is scaled by 2 and centred: rows 8 to 87.
    let svg = parse(&source("background-viewbox"));
    let image = ours(&svg, &RenderOptions::default());
    let w = image.width as usize;
    let pixel = |x: usize, y: usize| &image.data[(y * w + x) * 4..][..4];
    for (x, y) in [(0, 8), (95, 8), (0, 87), (95, 87)] {
        assert_eq!(pixel(x, y), [0xdd, 0xcc, 0xbb, 0xff], "pixel ({x}, {y})");
    }
    for (x, y) in [(0, 7), (95, 7), (0, 88), (95, 88)] {
        assert_eq!(pixel(x, y), [0; 4], "pixel ({x}, {y})");
    }
}
