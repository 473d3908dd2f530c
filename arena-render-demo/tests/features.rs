//! The fixtures of each SVG feature really test it: a renderer that ignores the feature (or
//! one of its details) fails the check against resvg on the feature's fixture.
//!
//! A renderer that ignores a feature draws what resvg draws for the fixture with the feature
//! taken out of the file, so each case strips an attribute or a paint from the fixture,
//! renders that with resvg, and requires the comparison with resvg's image of the real
//! fixture to fail. (`fixtures.rs` checks that this renderer passes the same comparison.)

use std::path::PathBuf;

use arena_render_demo::load;
use arena_render_demo::{
    Comparison, Geometry, Image, RenderOptions, Renderer, Scene, render_reference,
};

/// resvg's image of `svg` at 256 px.
fn reference(svg: &str) -> Image {
    reference_at(svg, 256)
}

/// resvg's image of `svg` fitted into `size` px.
fn reference_at(svg: &str, size: u32) -> Image {
    let svg = load::parse(svg.as_bytes()).expect("the SVG parses");
    let options = RenderOptions {
        size: Some(size),
        ..RenderOptions::default()
    };
    let geometry = Geometry::of(&svg.tree, &options).unwrap();
    render_reference(&svg.tree, &geometry, &options)
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{name}.svg"));
    std::fs::read_to_string(path).expect("the fixture exists")
}

/// `svg` without any `name="..."` attribute.
fn without_attribute(svg: &str, name: &str) -> String {
    let needle = format!(" {name}=\"");
    let mut out = String::new();
    let mut rest = svg;
    while let Some(at) = rest.find(&needle) {
        out.push_str(&rest[..at]);
        let value = &rest[at + needle.len()..];
        rest = &value[value.find('"').expect("a closed attribute") + 1..];
    }
    out.push_str(rest);
    out
}

/// `svg` with every `url(#...)` paint replaced by `replacement`.
fn with_paint_servers_as(svg: &str, replacement: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    while let Some(at) = rest.find("url(#") {
        out.push_str(&rest[..at]);
        out.push_str(replacement);
        rest = &rest[at + rest[at..].find(')').expect("a closed url") + 1..];
    }
    out.push_str(rest);
    out
}

/// Each altered file must fail the check against resvg's image of the fixture.
fn assert_each_fails(name: &str, altered: &[(&str, String)]) {
    let real = reference(&fixture(name));
    for (what, svg) in altered {
        assert_ne!(
            *svg,
            fixture(name),
            "{name}: stripping {what} changed nothing"
        );
        let c = Comparison::of(&reference(svg), &real);
        assert!(
            !c.passes(),
            "{name}: a renderer ignoring {what} passed: {c:?}"
        );
    }
}

#[test]
fn renderers_ignoring_gradients_or_their_details_fail_the_gradient_fixtures() {
    for name in ["gradients-linear", "gradients-radial"] {
        let svg = fixture(name);
        assert_each_fails(
            name,
            &[
                ("gradients", with_paint_servers_as(&svg, "none")),
                ("gradients (grey)", with_paint_servers_as(&svg, "#888")),
                ("spreadMethod", without_attribute(&svg, "spreadMethod")),
                ("gradientUnits", without_attribute(&svg, "gradientUnits")),
                (
                    "gradientTransform",
                    without_attribute(&svg, "gradientTransform"),
                ),
                ("stop-opacity", without_attribute(&svg, "stop-opacity")),
            ],
        );
    }
    let radial = fixture("gradients-radial");
    let no_focus = without_attribute(&without_attribute(&radial, "fx"), "fy");
    let no_focal_radius = without_attribute(&radial, "fr");
    assert_each_fails(
        "gradients-radial",
        &[
            ("the focal point", no_focus),
            ("the focal radius", no_focal_radius),
        ],
    );
}

/// Gradients that SVG defines as degenerate or broken draw what resvg draws (usvg's
/// fallbacks, from the SVG specification): no stops paints nothing, one stop paints its
/// colour, coincident end points paint the last stop (pad) or the average colour, a zero
/// radius paints the last stop, a gradient that inherits from itself or from nothing is
/// read as far as it goes. None of them panics or is reported as unsupported.
#[test]
fn degenerate_and_broken_gradients_draw_what_resvg_draws() {
    let cases = [
        r##"<linearGradient id="g"/>"##,
        r##"<linearGradient id="g"><stop offset="0.5" stop-color="#c33"/></linearGradient>"##,
        r##"<linearGradient id="g" x1="0.5" x2="0.5"><stop stop-color="#c33"/>
            <stop offset="1" stop-color="#33c"/></linearGradient>"##,
        r##"<linearGradient id="g" x1="0.5" x2="0.5" spreadMethod="repeat">
            <stop stop-color="#c33"/><stop offset="1" stop-color="#33c"/></linearGradient>"##,
        r##"<radialGradient id="g" r="0"><stop stop-color="#c33"/>
            <stop offset="1" stop-color="#33c"/></radialGradient>"##,
        r##"<linearGradient id="g" href="#g"><stop stop-color="#c33"/>
            <stop offset="1" stop-color="#33c"/></linearGradient>"##,
        r##"<linearGradient id="g" href="#missing"/>"##,
        r##"<linearGradient id="g" gradientTransform="scale(0)"><stop stop-color="#c33"/>
            <stop offset="1" stop-color="#33c"/></linearGradient>"##,
        r##"<radialGradient id="g" fx="2" fy="2"><stop stop-color="#c33"/>
            <stop offset="1" stop-color="#33c"/></radialGradient>"##,
    ];
    for gradient in cases {
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
            <defs>{gradient}</defs><rect x="4" y="4" width="32" height="32" fill="url(#g)"
            stroke="#000" stroke-width="2"/></svg>"##
        );
        let parsed = load::parse(svg.as_bytes()).expect("parses");
        let options = RenderOptions {
            size: Some(64),
            ..RenderOptions::default()
        };
        let scene = Scene::build(&parsed.tree, &options).expect("builds");
        assert_eq!(scene.unsupported().count(), 0, "{gradient}");
        let (ours, use_) = Renderer::new(&scene).unwrap().render(1).expect("renders");
        assert!(use_.peak <= use_.budget);
        let c = Comparison::of(&ours, &reference_at(&svg, 64));
        assert!(c.passes(), "{gradient}: {c:?}");
    }
}
