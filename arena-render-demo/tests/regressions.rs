//! Inputs the fuzzer (`fuzz/fuzz_targets/demo_svg.rs`) found, each kept as a test.

use arena_render_demo::{Geometry, RenderOptions, Scene, load};

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
        let (image, use_) = Scene::build(&svg.tree, &options)
            .expect("the scene builds")
            .render(1)
            .expect("the scene renders");
        assert_eq!(
            (image.width, image.height),
            (geometry.width, geometry.height)
        );
        assert!(use_.peak <= use_.budget);
    }
}
