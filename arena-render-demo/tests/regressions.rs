//! Inputs the fuzzer (`fuzz/fuzz_targets/demo_svg.rs`) found, each kept as a test.

use arena_render_demo::{Geometry, RenderOptions, Renderer, Scene, load};

/// `--size 48` on a 180 x 100 view box came out 49 pixels wide: `180 * (48 / 180)` rounds to
/// 48.000004 in `f32`, and `ceil` made it 49. The size is a box the image must fit in.
#[test]
fn size_is_a_hard_box_even_when_the_scale_rounds_up() {
    let svg = load::parse(
        br##"<svg xmlns="http://www.w3.org/2000/svg" height="100" viewBox="0 0 180 100">
            <path d="M 25 3 L 39 45 L 3 18 L 47 18 L 11 45 Z" fill="#123"/></svg>"##,
    )
    .expect("a valid SVG");
    for size in [48, 47, 100, 333] {
        let options = RenderOptions {
            size: Some(size),
            ..RenderOptions::default()
        };
        let geometry = Geometry::of(&svg.tree, &options).expect("a valid size");
        assert!(
            geometry.width <= size && geometry.height <= size,
            "{}x{} does not fit in {size}x{size}",
            geometry.width,
            geometry.height
        );
        let scene = Scene::build(&svg.tree, &options).expect("the scene builds");
        let (image, use_) = Renderer::new(&scene)
            .expect("the budget fits")
            .render(1)
            .expect("the scene renders");
        assert_eq!(
            (image.width, image.height),
            (geometry.width, geometry.height)
        );
        assert!(use_.peak <= use_.budget);
    }
}

/// An arc with a radius of 5e51 made usvg split it into about 10^9 cubic curves and run out of
/// memory inside `usvg::Tree::from_str`. Absurd radii are now refused before usvg runs, with
/// an error that names the element; a large but sane radius still renders.
#[test]
fn absurd_arc_radii_are_refused_before_usvg_runs() {
    let arc = |radius: &str| {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
                <path d="M 10 95 A {radius} 20 0 1 1 90 95" fill="none" stroke="#248"/></svg>"##
        )
    };
    let err =
        load::parse(arc("5555555555555555555555555555555555555555555555555555520").as_bytes())
            .err()
            .expect("an absurd radius is an error");
    let text = err.to_string();
    assert!(text.contains("<path> has d = 5.5"), "{text}");
    assert!(text.contains("fix the file's coordinates"), "{text}");

    let err = load::parse(
        br##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
            <circle cx="5" cy="5" r="3e38" fill="#123"/></svg>"##,
    )
    .err()
    .expect("an absurd circle is an error");
    assert!(err.to_string().contains("<circle> has r = 3e38"), "{err}");

    assert!(load::parse(arc("1e6").as_bytes()).is_ok());
}

/// An arc whose endpoint was at 7.7e28 got its radius scaled up to reach it, and the tens of
/// thousands of curves usvg made of it took seconds to stroke and flatten (a fuzzer timeout).
#[test]
fn far_away_coordinates_are_refused_before_usvg_runs() {
    let err = load::parse(
        br##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
            <path d="M 10 95 A 20 12 0 0 1 50 77777777777777777777777777795" stroke="#248"/>
            </svg>"##,
    )
    .err()
    .expect("a far-away endpoint is an error");
    assert!(err.to_string().contains("<path> has d = 7.7"), "{err}");
}
