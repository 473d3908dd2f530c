//! Raw image bytes through the demo's whole pipeline: the first byte picks the declared kind
//! (PNG, JPEG, GIF, WebP, SVG, sniffed, unsupported), the `image-rendering` mode, the aspect
//! ratio and whether the size comes from the header; the rest is the image, embedded as a
//! data URL in a small SVG (`image_cases::Input`). Parse, build the scene (which decodes the
//! image), compute the budget and render. Bad images must come back as an error with a
//! message, never a panic, an abort, a hang or unbounded memory; an image that renders stays
//! within its size and its line budget.
#![no_main]

use arena_render_demo::{RenderOptions, Renderer, Scene, load};
use image_cases::{CANVAS, Input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some(input) = Input::parse(bytes) else {
        return;
    };
    let svg = match load::parse(input.document().as_bytes()) {
        Ok(svg) => svg,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an empty load error");
            return;
        }
    };
    let options = RenderOptions {
        size: Some(CANVAS),
        ..RenderOptions::default()
    };
    let scene = match Scene::build(&svg.tree, &options) {
        Ok(scene) => scene,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an empty scene error");
            return;
        }
    };
    let Ok(renderer) = Renderer::new(&scene) else {
        return;
    };
    if let Ok((image, use_)) = renderer.render(1) {
        assert!(use_.peak <= use_.budget, "a line went over the computed budget");
        assert!(image.width <= CANVAS && image.height <= CANVAS);
    }
});
