//! The demo's whole pipeline on arbitrary bytes and mutated SVG files: parse, build the scene
//! index, compute the budget, render every row in the line arena. Bad input must come back as
//! an error, never a panic, an abort or a hang; a scene that renders must stay in its budget.
#![no_main]

use arena_render_demo::{RenderOptions, Renderer, Scene, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(svg) = load::parse(bytes) else {
        return;
    };
    // A fixed small output keeps each run bounded in time and memory whatever size the file
    // claims; the geometry code still sees the file's own coordinates and transforms.
    let options = RenderOptions {
        size: Some(48),
        ..RenderOptions::default()
    };
    let Ok(scene) = Scene::build(&svg.tree, &options) else {
        return;
    };
    let Ok(renderer) = Renderer::new(&scene) else {
        return;
    };
    if let Ok((image, use_)) = renderer.render(1) {
        assert!(use_.peak <= use_.budget, "a line went over the computed budget");
        assert!(image.width <= 48 && image.height <= 48);
    }
});
