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

/// The error `load::parse` gives for `body` inside an `<svg>` 40 px square, if any.
fn load_error(body: &str) -> Option<String> {
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
            width="40" height="40">{body}</svg>"#
    );
    load::parse(svg.as_bytes()).err().map(|e| e.to_string())
}

/// usvg breaks reference cycles of one or two elements only: a ring of three masks (or clip
/// paths, filters through `<feImage>`, patterns, `<use>`s) made it recurse until the stack
/// overflowed, which aborts the process. The loader refuses every ring, whichever way its
/// references are written, with a message that shows the ring.
#[test]
fn reference_rings_are_refused_with_the_ring_in_the_message() {
    let rings = [
        (
            "masks",
            r##"<mask id="a"><rect width="9" height="9" fill="white" mask="url(#b)"/></mask>
               <mask id="b"><rect width="9" height="9" fill="white" mask="url(#c)"/></mask>
               <mask id="c"><rect width="9" height="9" fill="white" mask="url(#a)"/></mask>
               <rect width="40" height="40" mask="url(#a)"/>"##,
            "#a → #b (mask) → #c (mask) → #a (mask)",
        ),
        (
            "clip paths",
            r##"<clipPath id="a"><rect width="9" height="9" clip-path="url(#b)"/></clipPath>
               <clipPath id="b"><rect width="9" height="9" clip-path="url(#c)"/></clipPath>
               <clipPath id="c"><rect width="9" height="9" clip-path="url(#a)"/></clipPath>
               <rect width="40" height="40" clip-path="url(#a)"/>"##,
            "#a → #b (clip-path) → #c (clip-path) → #a (clip-path)",
        ),
        (
            "filters through feImage",
            r##"<filter id="a"><feImage xlink:href="#ra"/></filter>
               <rect id="ra" width="9" height="9" filter="url(#b)"/>
               <filter id="b"><feImage href="#rb"/></filter>
               <rect id="rb" width="9" height="9" filter="url(#a)"/>
               <rect width="40" height="40" filter="url(#a)"/>"##,
            "#a → #ra (href) → #b (filter) → #rb (href) → #a (filter)",
        ),
        (
            "patterns through a fill with a fallback",
            r##"<pattern id="a" width="9" height="9" patternUnits="userSpaceOnUse">
                 <rect width="5" height="5" fill="url(#b) red"/></pattern>
               <pattern id="b" width="9" height="9" patternUnits="userSpaceOnUse">
                 <rect width="5" height="5" stroke="url('#c')"/></pattern>
               <pattern id="c" width="9" height="9" patternUnits="userSpaceOnUse">
                 <rect width="5" height="5" fill="url(#a)"/></pattern>
               <rect width="40" height="40" fill="url(#a)"/>"##,
            "#a → #b (fill) → #c (stroke) → #a (fill)",
        ),
        (
            "a fill inherited into a pattern from its parent",
            r##"<g fill="url(#a)"><pattern id="a" width="9" height="9"
                 patternUnits="userSpaceOnUse"><rect width="5" height="5"/></pattern></g>
               <rect width="40" height="40" fill="url(#a)"/>"##,
            "#a → #a (fill)",
        ),
        (
            "uses",
            r##"<g id="a"><use href="#b"/></g><g id="b"><use href="#c"/></g>
               <g id="c"><use xlink:href="#a"/></g>"##,
            "#a → #b (href) → #c (href) → #a (href)",
        ),
        (
            "a pattern whose content, taken through its href, fills with it",
            r##"<pattern id="q" href="#p"/>
               <pattern id="p" width="9" height="9" patternUnits="userSpaceOnUse">
                 <rect width="5" height="5" fill="url(#q)"/></pattern>
               <rect width="40" height="40" fill="url(#q)"/>"##,
            "#q → <rect> (href) → #q (fill)",
        ),
        (
            "masks named in a style attribute",
            r##"<mask id="a"><rect width="9" height="9" style="fill: white; mask: url(#b)"/></mask>
               <mask id="b"><rect width="9" height="9" fill="white" mask="url(#c)"/></mask>
               <mask id="c"><rect width="9" height="9" fill="white" mask="url(#a)"/></mask>"##,
            "#a → #b (mask) → #c (mask) → #a (mask)",
        ),
        (
            "masks named in a style sheet",
            r##"<style>mask > .inner { mask: url(#b) } #c rect:first-child { mask: url(#a) }</style>
               <mask id="a"><rect class="inner" width="9" height="9" fill="white"/></mask>
               <mask id="b"><rect width="9" height="9" fill="white" mask="url(#c)"/></mask>
               <mask id="c"><rect width="9" height="9" fill="white"/></mask>"##,
            "#a → #b (mask) → #c (mask) → #a (mask)",
        ),
        (
            "a duplicate id that closes a chain (what the fuzzer found)",
            r##"<mask id="a"><rect width="9" height="9" fill="white" mask="url(#b)"/></mask>
               <mask id="b"><rect width="9" height="9" fill="white" mask="url(#c)"/></mask>
               <mask id="c"><rect width="9" height="9" fill="white"/></mask>
               <mask id="c"><rect width="9" height="9" fill="white" mask="url(#a)"/></mask>"##,
            "#a → #b (mask) → #c (mask) → #a (mask)",
        ),
        (
            "a mask that uses its own ancestor",
            r##"<g id="top"><mask id="m"><use href="#top"/></mask>
               <rect width="40" height="40" mask="url(#m)"/></g>"##,
            "#top → #m (content) → #top (href)",
        ),
    ];
    for (what, body, ring) in rings {
        let message = load_error(body).unwrap_or_else(|| panic!("{what}: the ring loaded"));
        assert!(
            message.contains("references form a cycle") && message.contains(ring),
            "{what}: {message}"
        );
        assert!(
            message.contains("remove one of these references"),
            "{what}: {message}"
        );
    }
}

/// What usvg follows without recursing for ever loads as before: a mask used twice, chains
/// of masks, clip paths and patterns, gradients that inherit through `href`, a style sheet
/// rule for elements outside the masks it names, the one- and two-element cycles usvg
/// breaks itself, a cycle of pattern `href`s, and a ring of markers (usvg skips a marker it
/// is already inside of).
#[test]
fn documents_without_reference_rings_still_load() {
    let fine = [
        r##"<mask id="m"><rect width="9" height="9" fill="white"/></mask>
           <rect width="20" height="20" mask="url(#m)"/><rect x="20" width="20" height="20"
           mask="url(#m)"/>"##,
        r##"<mask id="a"><rect width="9" height="9" fill="white" mask="url(#b)"/></mask>
           <mask id="b"><rect width="9" height="9" fill="white" mask="url(#c)"/></mask>
           <mask id="c"><rect width="9" height="9" fill="white" clip-path="url(#k)"/></mask>
           <clipPath id="k"><rect width="9" height="9"/></clipPath>
           <rect width="40" height="40" mask="url(#a)"/>"##,
        r##"<linearGradient id="g1"><stop offset="0" stop-color="red"/></linearGradient>
           <linearGradient id="g2" href="#g1" x2="0.5"/>
           <pattern id="p" width="9" height="9" patternUnits="userSpaceOnUse">
             <rect width="5" height="5" fill="url(#g2)"/></pattern>
           <pattern id="q" href="#p" x="2"/>
           <rect width="40" height="40" fill="url(#q)" stroke="url(#g1)"/>"##,
        r##"<style>.masked { mask: url(#m) }</style>
           <mask id="m"><rect width="9" height="9" fill="white"/></mask>
           <rect class="masked" width="40" height="40"/>"##,
        r##"<g id="layer" fill="url(#p)"><rect id="r" width="9" height="9"/></g>
           <pattern id="p" width="9" height="9" patternUnits="userSpaceOnUse">
             <circle r="3" fill="blue"/></pattern>
           <use href="#r" x="20"/>"##,
        r##"<mask id="m" mask="url(#n)"><rect width="9" height="9" fill="white"/></mask>
           <mask id="n"><rect width="9" height="9" fill="white" mask="url(#m)"/></mask>
           <clipPath id="c"><rect width="9" height="9" clip-path="url(#c)"/></clipPath>
           <rect width="40" height="40" mask="url(#m)" clip-path="url(#c)"/>"##,
        r##"<pattern id="p" href="#q"/><pattern id="q" href="#p" width="9" height="9"
           patternUnits="userSpaceOnUse"><rect width="5" height="5"/></pattern>
           <rect width="40" height="40" fill="url(#p)"/>"##,
        r##"<marker id="a"><path d="M0 0 L5 5" stroke="red" marker-end="url(#b)"/></marker>
           <marker id="b"><path d="M0 0 L5 5" stroke="red" marker-start="url(#a)"/></marker>
           <path d="M5 5 L30 30" stroke="red" marker-mid="url(#a)"/>"##,
    ];
    for body in fine {
        assert_eq!(load_error(body), None, "{body}");
    }
}

/// usvg parses an SVG file an `<image>` links to on its own: the loader checks that file for
/// rings too, and names the problem as the image's; a linked file without one still loads.
#[test]
fn a_ring_in_a_linked_svg_file_is_refused_too() {
    // Removed when the test ends, passed or failed.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let ring = r##"<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">
        <clipPath id="a"><rect width="9" height="9" clip-path="url(#b)"/></clipPath>
        <clipPath id="b"><rect width="9" height="9" clip-path="url(#c)"/></clipPath>
        <clipPath id="c"><rect width="9" height="9" clip-path="url(#a)"/></clipPath>
        <rect width="9" height="9" clip-path="url(#a)"/></svg>"##;
    let fine = ring.replace(r#"clip-path="url(#a)"/></clipPath>"#, "/></clipPath>");
    std::fs::write(dir.join("ring.svg"), ring).unwrap();
    std::fs::write(dir.join("fine.svg"), fine).unwrap();
    let main = |href: &str| {
        let path = dir.join(format!("main-{href}"));
        std::fs::write(
            &path,
            format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">
                <image width="20" height="20" href="{href}"/></svg>"#
            ),
        )
        .unwrap();
        load::load_file(&path).map(|svg| svg.tree.root().children().len())
    };
    let message = main("ring.svg")
        .expect_err("the ring is refused")
        .to_string();
    assert!(
        message.contains("an SVG image cannot be read")
            && message.contains("#a → #b (clip-path) → #c (clip-path) → #a (clip-path)"),
        "{message}"
    );
    assert_eq!(
        main("fine.svg").ok(),
        Some(1),
        "the image without a ring loads"
    );
}

/// `n` groups with opacity nested in an `<svg>`, around one rectangle: `n + 2` levels deep.
fn nested_groups(n: usize) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">{}<rect width="9"
        height="9"/>{}</svg>"#,
        r#"<g opacity="0.9">"#.repeat(n),
        "</g>".repeat(n)
    )
}

/// usvg converts a document by recursion, and a chain of 3000 masks (1000 nested groups in
/// a debug build) overflowed the stack. A document deeper than `MAX_DEPTH`, counting child
/// elements and references alike, is refused with its depth; one at the limit loads.
#[test]
fn documents_deeper_than_the_limit_are_refused_with_their_depth() {
    assert_eq!(load::MAX_DEPTH, 256);
    assert!(load::parse(nested_groups(254).as_bytes()).is_ok());
    let message = load::parse(nested_groups(255).as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("it nests 257 levels deep") && message.contains("beyond the 256"),
        "{message}"
    );
    // A chain of masks, each masked by the next: two levels per mask (the mask and the
    // rectangle in it), plus the `<svg>` and the masked rectangle, plus the last mask's two.
    let chain = |n: usize| {
        let masks: String = (0..n)
            .map(|i| {
                format!(
                    r#"<mask id="m{i}"><rect width="9" height="9" fill="white"
                    mask="url(#m{})"/></mask>"#,
                    i + 1
                )
            })
            .collect();
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">{masks}
            <mask id="m{n}"><rect width="9" height="9" fill="white"/></mask>
            <rect width="40" height="40" mask="url(#m0)"/></svg>"#
        )
    };
    assert!(load::parse(chain(126).as_bytes()).is_ok());
    let message = load::parse(chain(127).as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(message.contains("it nests 258 levels deep"), "{message}");
}

/// An SVG image is converted inside the document that shows it: their depths add up
/// against the limit.
#[test]
fn an_svg_image_adds_its_depth_to_the_documents() {
    let with_image = |outer: usize, inner: usize| {
        let image = image_cases::base64(nested_groups(inner).as_bytes());
        let groups = r#"<g opacity="0.9">"#.repeat(outer);
        let close = "</g>".repeat(outer);
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">{groups}<image
            width="40" height="40" href="data:image/svg+xml;base64,{image}"/>{close}</svg>"#
        )
    };
    // The outer document is `outer + 2` deep, the image `inner + 2`.
    assert!(load::parse(with_image(100, 150).as_bytes()).is_ok());
    let message = load::parse(with_image(100, 160).as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("an SVG image cannot be read (it nests 264 levels deep"),
        "{message}"
    );
}
