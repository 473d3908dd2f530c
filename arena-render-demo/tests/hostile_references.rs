//! The kept hostile inputs of the `demo_svg` fuzz target (`fuzz/corpus/demo_svg`): clip paths
//! and masks that reference themselves or each other in a cycle or nest 64 deep, gradients
//! whose `href`s form a cycle, with 300 stops, or with degenerate geometry. Each must come back
//! as an error that says what is wrong or as an image within the size and the line budget, on
//! one thread and on two, never as a panic.

use std::path::PathBuf;

use arena_render_demo::{RenderOptions, Renderer, Scene, load};

/// What the pipeline made of a file: an image's size, or the error's text.
fn outcome(bytes: &[u8], threads: usize) -> Result<(u32, u32), String> {
    let svg = load::parse(bytes).map_err(|e| e.to_string())?;
    let options = RenderOptions {
        size: Some(48),
        ..RenderOptions::default()
    };
    let scene = Scene::build(&svg.tree, &options).map_err(|e| e.to_string())?;
    let renderer = Renderer::new(&scene).map_err(|e| e.to_string())?;
    let (image, use_) = renderer.render(threads).map_err(|e| e.to_string())?;
    assert!(
        use_.peak <= use_.budget,
        "a line went over the computed budget"
    );
    Ok((image.width, image.height))
}

#[test]
fn hostile_references_render_or_fail_with_a_message_never_panic() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/demo_svg");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the kept corpus is in the repository")
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    // Guard against a silently shrinking suite.
    assert!(
        files.len() >= 9,
        "only {} kept inputs in {}",
        files.len(),
        dir.display()
    );
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let one = outcome(&bytes, 1);
        match &one {
            Ok((width, height)) => {
                assert!(
                    *width <= 48 && *height <= 48,
                    "{}: {width}x{height}",
                    file.display()
                );
            }
            Err(message) => assert!(!message.is_empty(), "{}: an empty error", file.display()),
        }
        // The same answer on two threads.
        assert_eq!(one, outcome(&bytes, 2), "{}", file.display());
        eprintln!("{}: {one:?}", file.file_name().unwrap().to_string_lossy());
    }
}
