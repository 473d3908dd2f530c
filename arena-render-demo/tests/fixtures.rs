//! Every fixture against resvg at 64 and 256 pixels and at its own size, within the budget;
//! and proof that the comparison catches a broken renderer.

use std::path::PathBuf;

use arena_render_demo::baseline::render_with_vecs;
use arena_render_demo::fonts::Fonts;
use arena_render_demo::load::{self, Svg};
use arena_render_demo::{
    Comparison, Geometry, Image, RenderOptions, Renderer, Scene, render_reference,
};

/// Output sizes: fitted into 64 and 256 px boxes, and the SVG's own size (1:1).
const SIZES: [Option<u32>; 3] = [Some(64), Some(256), None];

fn fixtures() -> Vec<(String, Svg)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let files = load::svg_files(&dir).expect("the fixtures directory is readable");
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    // Guard against a silently shrinking suite: every feature has its fixture.
    for needed in [
        "blend-modes",
        "caps",
        "clip-paths",
        "curves",
        "fill-rules",
        "gradients-linear",
        "gradients-radial",
        "joins",
        "masks",
        "nested-transforms",
        "nested-viewports",
        "opacity",
        "patterns",
        "slivers",
    ] {
        assert!(
            names.iter().any(|n| n == needed),
            "fixture {needed}.svg is missing"
        );
    }
    // The fonts the tests ship, so that text fixtures draw text on any machine.
    let fonts = Fonts::with_dirs(&[dir.join("../tests/fonts")], false).expect("fonts load");
    files
        .iter()
        .zip(names)
        .map(|(f, n)| (n, load::load_file_with(f, &fonts).expect("fixtures parse")))
        .collect()
}

/// Renders with the arena renderer and with resvg, and checks the budget held.
fn render_both(svg: &Svg, options: &RenderOptions) -> (Image, Image) {
    let scene = Scene::build(&svg.tree, options).expect("fixture sizes are valid");
    assert_eq!(
        scene.unsupported().count(),
        0,
        "fixtures use supported features only"
    );
    let (image, use_) = Renderer::new(&scene)
        .unwrap()
        .render(2)
        .expect("no line exceeds the budget");
    assert!(
        use_.peak <= use_.budget,
        "peak {} > budget {}",
        use_.peak,
        use_.budget
    );
    assert!(use_.per_row.iter().all(|&b| b <= use_.budget));
    assert_eq!(use_.per_row.iter().copied().max(), Some(use_.peak));
    let geometry = Geometry::of(&svg.tree, options).unwrap();
    (image, render_reference(&svg.tree, &geometry, options))
}

#[test]
fn every_fixture_matches_resvg_at_64_and_256_px_and_1_to_1() {
    for (name, svg) in fixtures() {
        for size in SIZES {
            let options = RenderOptions {
                size,
                ..RenderOptions::default()
            };
            let (ours, reference) = render_both(&svg, &options);
            if let Some(size) = size {
                assert_eq!((ours.width, ours.height), (size, size));
            } else {
                let own = svg.tree.size();
                let own = (own.width().ceil() as u32, own.height().ceil() as u32);
                assert_eq!((ours.width, ours.height), own);
            }
            let c = Comparison::of(&ours, &reference);
            assert!(c.passes(), "{name} at {size:?} px: {c:?}");
            // Each fixture draws anti-aliased edges, so the edge measure is meaningful.
            assert!(
                c.edge_pixels > 0,
                "{name} at {size:?} px has no edge pixels"
            );
        }
    }
}

/// The fixtures whose paint is opaque. In `opacity.svg` almost every covered pixel is
/// translucent, so by the specified definition (neither empty nor full) almost every pixel
/// is an "edge" pixel, and the unchanged interiors dilute the edge error of a broken
/// renderer below the limit there; the gradient fixtures have large translucent areas too
/// (stop opacity, luminance masks). Their correctness rests on the check of the real
/// renderer, and for gradients and masks on `features.rs`.
fn opaque_fixtures() -> Vec<(String, Svg)> {
    const TRANSLUCENT: [&str; 4] = ["opacity", "gradients-linear", "gradients-radial", "masks"];
    let fixtures: Vec<_> = fixtures()
        .into_iter()
        .filter(|(n, _)| !TRANSLUCENT.contains(&n.as_str()))
        .collect();
    assert!(fixtures.len() >= 6);
    fixtures
}

#[test]
fn the_check_fails_a_renderer_shifted_half_a_pixel() {
    for (name, svg) in opaque_fixtures() {
        let shifted = RenderOptions {
            size: Some(256),
            offset: (0.5, 0.5),
            ..RenderOptions::default()
        };
        let scene = Scene::build(&svg.tree, &shifted).unwrap();
        let (ours, _) = Renderer::new(&scene).unwrap().render(2).unwrap();
        let geometry = Geometry::of(&svg.tree, &shifted).unwrap();
        // The reference is drawn where it belongs.
        let reference = render_reference(&svg.tree, &geometry, &RenderOptions::default());
        let c = Comparison::of(&ours, &reference);
        assert!(!c.passes(), "{name}: a half-pixel shift passed: {c:?}");
    }
}

#[test]
fn the_check_fails_a_renderer_without_anti_aliasing() {
    for (name, svg) in opaque_fixtures() {
        let aliased = RenderOptions {
            size: Some(256),
            antialias: false,
            ..RenderOptions::default()
        };
        let scene = Scene::build(&svg.tree, &aliased).unwrap();
        let (ours, _) = Renderer::new(&scene).unwrap().render(2).unwrap();
        let geometry = Geometry::of(&svg.tree, &aliased).unwrap();
        let reference = render_reference(&svg.tree, &geometry, &aliased);
        let c = Comparison::of(&ours, &reference);
        assert!(!c.passes(), "{name}: an aliased render passed: {c:?}");
    }
}

#[test]
fn arena_and_vec_renderers_draw_identical_pixels() {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    for (name, svg) in fixtures() {
        let options = RenderOptions {
            size: Some(64),
            ..RenderOptions::default()
        };
        let scene = Scene::build(&svg.tree, &options).unwrap();
        // Every row through the pool, small as the scenes are.
        let renderer = Renderer::new(&scene).unwrap().parallel_above(0);
        let (arena, use_) = renderer.render_in(&pool).unwrap();
        assert_eq!(use_.arenas, pool.current_num_threads(), "{name}");
        assert!(arena == render_with_vecs(&scene, &pool), "{name} differs");
    }
}

#[test]
fn one_thread_and_many_draw_identical_pixels() {
    let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).unwrap();
    let options = RenderOptions {
        size: Some(200),
        ..RenderOptions::default()
    };
    let scene = Scene::build(&svg.tree, &options).unwrap();
    // Small as the scene is, every row goes through the pool of four.
    let renderer = Renderer::new(&scene).unwrap().parallel_above(0);
    let (one, use_one) = renderer.render(1).unwrap();
    let (four, use_four) = renderer.render(4).unwrap();
    assert!(one == four);
    assert_eq!((use_one.arenas, use_four.arenas), (1, 4));
    assert_eq!(use_one.per_row, use_four.per_row);
}

#[test]
fn a_line_over_its_budget_is_an_error_naming_the_line() {
    let svg = load::parse(load::BUILTIN_SCENE.as_bytes()).unwrap();
    let options = RenderOptions {
        size: Some(128),
        ..RenderOptions::default()
    };
    let scene = Scene::build(&svg.tree, &options).unwrap();
    let (_, use_) = Renderer::new(&scene).unwrap().render(1).unwrap();
    let peak_row = use_.per_row.iter().position(|&b| b == use_.peak).unwrap();
    // One granule short of what the worst line needs: every other line still fits.
    let mut arena = arena_core::ScanArena::with_capacity(use_.peak - 16);
    let renderer = Renderer::new(&scene).unwrap();
    let mut out = vec![0u8; scene.width() as usize * 4];
    let mut failed = Vec::new();
    for y in 0..scene.height() {
        let mut line = arena.line();
        if let Err(e) = renderer.render_row(y, &mut line, &mut out) {
            failed.push((e.row, e.to_string()));
        }
    }
    assert!(!failed.is_empty());
    assert!(
        failed.iter().any(|(row, _)| *row as usize == peak_row),
        "{failed:?}"
    );
    let (row, message) = &failed[0];
    assert!(
        message.starts_with(&format!("scan-line {row} exceeded")),
        "{message}"
    );
    assert!(use_.per_row[*row as usize] > use_.peak - 16);
}
