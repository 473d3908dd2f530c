//! The command line: the default run, the commands, and a test per bad input (a one-line
//! error naming the file, a non-zero exit, no panic, no output file).

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use image_cases::{base64, png_header};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_arena-render-demo");

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("arena-render-demo-{name}-"))
        .tempdir()
        .expect("a scratch directory in the system's temporary directory")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Files in `dir` other than the inputs the test wrote.
fn outputs(dir: &Path, inputs: &[&str]) -> Vec<String> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !inputs.contains(&n.as_str()))
        .collect();
    names.sort();
    names
}

/// Runs a command that must fail on bad input, and returns its one error line.
fn expect_error(dir: &Path, args: &[&str], inputs: &[&str]) -> String {
    let out = run(dir, args);
    let stderr = text(&out.stderr);
    assert!(
        !out.status.success(),
        "{args:?} succeeded; stderr: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{args:?}: not one line: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed {}",
        text(&out.stdout)
    );
    assert_eq!(
        outputs(dir, inputs),
        Vec::<String>::new(),
        "{args:?} left files"
    );
    stderr
}

const CIRCLE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">
  <circle cx="10" cy="10" r="8" fill="#08f"/></svg>"##;

#[test]
fn no_arguments_renders_the_builtin_scene_to_scene_png() {
    let tmp = scratch("default");
    let dir = tmp.path();
    let out = run(dir, &["--size", "160"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for part in ["scene.png", "160x120 px", "thread", "budget", "peak"] {
        assert!(stdout.contains(part), "summary lacks {part:?}: {stdout}");
    }
    let png = fs::read(dir.join("scene.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert_eq!(
        outputs(dir, &[]),
        ["scene.png"],
        "no temporary file is left"
    );
}

#[test]
fn render_writes_the_named_output_and_a_directory_of_outputs() {
    let tmp = scratch("render");
    let dir = tmp.path();
    fs::write(dir.join("a.svg"), CIRCLE).unwrap();
    let out = run(dir, &["render", "a.svg", "-o", "out.png", "--threads", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("out.png").is_file());

    fs::create_dir(dir.join("in")).unwrap();
    fs::write(dir.join("in/b.svg"), CIRCLE).unwrap();
    fs::write(dir.join("in/c.svg"), CIRCLE).unwrap();
    fs::write(dir.join("in/notes.txt"), "not an svg, not rendered").unwrap();
    let out = run(dir, &["in", "-o", "pngs"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(outputs(&dir.join("pngs"), &[]), ["b.png", "c.png"]);
}

#[test]
fn check_passes_the_fixtures_and_reports_the_measures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let out = run(
        scratch("check").path(),
        &["check", fixtures.to_str().unwrap(), "--size", "64"],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert_eq!(
        stdout.lines().count(),
        fs::read_dir(&fixtures)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "svg"))
            .count()
    );
    for line in stdout.lines() {
        for part in ["max diff", "edge MAE", "PSNR", ": pass"] {
            assert!(line.contains(part), "{line}");
        }
    }
}

#[test]
fn stats_reports_budget_peak_and_histogram() {
    let out = run(scratch("stats").path(), &["stats", "--size", "100"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for part in [
        "line budget:",
        "peak:",
        "peak/budget = ",
        "histogram of 75 rows",
    ] {
        assert!(stdout.contains(part), "stats lacks {part:?}: {stdout}");
    }
    let ratio: f64 = stdout
        .split("peak/budget = ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .and_then(|s| s.parse().ok())
        .expect("a peak/budget ratio");
    assert!(ratio > 0.5 && ratio <= 1.0, "peak/budget {ratio}");
}

#[test]
fn bench_reports_ratios_for_one_and_all_threads() {
    let tmp = scratch("bench");
    let dir = tmp.path();
    fs::write(dir.join("a.svg"), CIRCLE).unwrap();
    let out = run(dir, &["bench", "a.svg", "--threads", "2"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains("resvg") && stdout.contains("1 thread"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2 threads") && stdout.matches("x resvg").count() >= 1,
        "{stdout}"
    );
}

#[test]
fn missing_file() {
    let tmp = scratch("missing");
    let dir = tmp.path();
    let err = expect_error(dir, &["render", "nope.svg", "-o", "out.png"], &[]);
    assert!(
        err.contains("nope.svg") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn directory_where_a_file_was_expected() {
    let tmp = scratch("isdir");
    let dir = tmp.path();
    fs::create_dir(dir.join("d.svg")).unwrap();
    let err = expect_error(dir, &["stats", "d.svg"], &["d.svg"]);
    assert!(
        err.contains("d.svg") && err.contains("is a directory"),
        "{err}"
    );
    let err = expect_error(dir, &["check", "d.svg"], &["d.svg"]);
    assert!(err.contains("the directory has no .svg files"), "{err}");
}

#[test]
fn not_svg() {
    let tmp = scratch("notsvg");
    let dir = tmp.path();
    fs::write(
        dir.join("image.svg"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
    )
    .unwrap();
    fs::write(dir.join("notes.svg"), "just some words").unwrap();
    fs::write(dir.join("page.svg"), "<html><body>hi</body></html>").unwrap();
    let inputs = ["image.svg", "notes.svg", "page.svg"];
    for (file, why) in [
        ("image.svg", "not UTF-8"),
        ("notes.svg", "no XML markup"),
        ("page.svg", "root element is <html>"),
    ] {
        let err = expect_error(dir, &["render", file, "-o", "out.png"], &inputs);
        assert!(
            err.contains(file) && err.contains("not an SVG file"),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn malformed_xml() {
    let tmp = scratch("malformed");
    let dir = tmp.path();
    fs::write(
        dir.join("bad.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>",
    )
    .unwrap();
    let err = expect_error(dir, &["render", "bad.svg", "-o", "out.png"], &["bad.svg"]);
    assert!(
        err.contains("bad.svg") && err.contains("malformed XML"),
        "{err}"
    );
}

#[test]
fn empty_file() {
    let tmp = scratch("empty");
    let dir = tmp.path();
    fs::write(dir.join("empty.svg"), "").unwrap();
    let err = expect_error(
        dir,
        &["render", "empty.svg", "-o", "out.png"],
        &["empty.svg"],
    );
    assert!(err.contains("empty.svg") && err.contains("empty"), "{err}");
}

#[test]
fn zero_and_absurd_sizes() {
    let tmp = scratch("size");
    let dir = tmp.path();
    fs::write(dir.join("a.svg"), CIRCLE).unwrap();
    for size in ["0", "16385", "1000000"] {
        let err = expect_error(
            dir,
            &["render", "a.svg", "-o", "o.png", "--size", size],
            &["a.svg"],
        );
        assert!(
            err.contains("a.svg") && err.contains("out of range"),
            "{err}"
        );
    }
    // An SVG whose own size is absurd needs --size.
    fs::write(
        dir.join("huge.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="10"/>"#,
    )
    .unwrap();
    let err = expect_error(
        dir,
        &["render", "huge.svg", "-o", "o.png"],
        &["a.svg", "huge.svg"],
    );
    assert!(err.contains("huge.svg") && err.contains("--size"), "{err}");
}

#[test]
fn no_renderable_content_warns_and_writes_a_blank_image() {
    let tmp = scratch("blank");
    let dir = tmp.path();
    fs::write(
        dir.join("blank.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><g/></svg>"#,
    )
    .unwrap();
    let out = run(dir, &["render", "blank.svg", "-o", "blank.png"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.starts_with("warning: blank.svg") && stderr.contains("blank"),
        "{stderr}"
    );
    let png = fs::read(dir.join("blank.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn unsupported_features_are_named_in_a_warning() {
    let tmp = scratch("unsupported");
    let dir = tmp.path();
    // A one-pixel PNG.
    const PNG: &str = concat!(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ",
        "AAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    );
    fs::write(
        dir.join("u.svg"),
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
            width="40" height="40">
          <defs>
            <clipPath id="c"><rect width="10" height="10"/></clipPath>
            <mask id="m"><rect width="20" height="20" fill="white"/></mask>
            <filter id="f"><feGaussianBlur stdDeviation="2"/></filter>
            <pattern id="p" width="4" height="4" patternUnits="userSpaceOnUse">
              <rect width="2" height="2" fill="red"/></pattern>
            <linearGradient id="g"><stop offset="0" stop-color="red"/>
              <stop offset="1" stop-color="blue"/></linearGradient>
          </defs>
          <rect width="20" height="20" fill="green" clip-path="url(#c)"/>
          <rect x="20" width="20" height="20" fill="green" mask="url(#m)"/>
          <rect y="20" width="20" height="20" fill="green" filter="url(#f)"/>
          <rect x="20" y="20" width="10" height="10" fill="url(#p)"/>
          <circle cx="35" cy="35" r="5" fill="url(#g)" style="mix-blend-mode:multiply"/>
          <image width="5" height="5" xlink:href="data:image/png;base64,{PNG}"/>
          <text x="2" y="15">hi</text>
        </svg>"##
        ),
    )
    .unwrap();
    let out = run(dir, &["render", "u.svg", "-o", "u.png"]);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "warning: u.svg: skipped unsupported SVG features: filters"
    );
    assert!(
        dir.join("u.png").is_file(),
        "the supported parts are still rendered"
    );
}

#[test]
fn unwritable_output() {
    let tmp = scratch("unwritable");
    let dir = tmp.path();
    fs::write(dir.join("a.svg"), CIRCLE).unwrap();
    let err = expect_error(
        dir,
        &["render", "a.svg", "-o", "missing/dir/out.png"],
        &["a.svg"],
    );
    assert!(
        err.contains("a.svg") && err.contains("cannot write missing/dir/out.png"),
        "{err}"
    );
}

#[test]
fn output_that_would_overwrite_the_input() {
    let tmp = scratch("overwrite");
    let dir = tmp.path();
    fs::write(dir.join("a.png"), CIRCLE).unwrap();
    let err = expect_error(dir, &["render", "a.png"], &["a.png"]);
    assert!(err.contains("would overwrite the input"), "{err}");
    assert_eq!(fs::read_to_string(dir.join("a.png")).unwrap(), CIRCLE);
}

#[test]
fn a_failed_render_keeps_an_existing_output() {
    // Atomic output: the old file survives a failed render untouched.
    let tmp = scratch("atomic");
    let dir = tmp.path();
    fs::write(dir.join("out.png"), b"previous").unwrap();
    fs::write(dir.join("bad.svg"), "<svg").unwrap();
    let out = run(dir, &["render", "bad.svg", "-o", "out.png"]);
    assert!(!out.status.success());
    assert_eq!(fs::read(dir.join("out.png")).unwrap(), b"previous");
    assert_eq!(outputs(dir, &["bad.svg"]), ["out.png"]);
}

#[test]
fn a_missing_font_is_named_in_a_warning_and_a_fallback_draws_the_text() {
    let tmp = scratch("missing-font");
    let dir = tmp.path();
    fs::write(
        dir.join("t.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">
          <text x="2" y="15" font-family="No Such Font" font-size="12">hi</text></svg>"#,
    )
    .unwrap();
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts");
    let out = run(
        dir,
        &[
            "render",
            "t.svg",
            "-o",
            "t.png",
            "--font-dir",
            fonts.to_str().unwrap(),
        ],
    );
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "warning: t.svg: no font of font-family \"No Such Font\" is available; the text uses \
         a fallback font (pass --font-dir DIR to add fonts)"
    );
    assert!(dir.join("t.png").is_file());
}

#[test]
fn a_bad_font_directory_is_an_error() {
    let tmp = scratch("font-dir");
    let dir = tmp.path();
    fs::write(dir.join("a.svg"), CIRCLE).unwrap();
    fs::create_dir(dir.join("empty")).unwrap();
    let err = expect_error(
        dir,
        &["render", "a.svg", "-o", "a.png", "--font-dir", "nope"],
        &["a.svg", "empty"],
    );
    assert!(err.contains("--font-dir nope: no such directory"), "{err}");
    let err = expect_error(
        dir,
        &["render", "a.svg", "-o", "a.png", "--font-dir", "empty"],
        &["a.svg", "empty"],
    );
    assert!(err.contains("no readable font files"), "{err}");
}

fn image_svg(data: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
          width="20" height="20"><image width="10" height="10" xlink:href="{data}"/></svg>"#
    )
}

#[test]
fn an_image_bomb_is_refused_before_it_is_decoded() {
    let tmp = scratch("image-bomb");
    let dir = tmp.path();
    let bomb = format!(
        "data:image/png;base64,{}",
        base64(&png_header(100_000, 100_000))
    );
    fs::write(dir.join("bomb.svg"), image_svg(&bomb)).unwrap();
    let start = std::time::Instant::now();
    let err = expect_error(
        dir,
        &["render", "bomb.svg", "-o", "bomb.png"],
        &["bomb.svg"],
    );
    assert!(
        err.contains("bomb.svg")
            && err.contains("a PNG image declares 100000x100000 pixels")
            && err.contains("scale the image down"),
        "{err}"
    );
    // Refused from the header: nothing near 40 GB was allocated or decoded.
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}

#[test]
fn broken_image_data_is_an_error_naming_the_format() {
    let tmp = scratch("broken-image");
    let dir = tmp.path();
    // A valid header for 4x4 pixels, and no image data after it.
    let truncated = format!("data:image/png;base64,{}", base64(&png_header(4, 4)));
    fs::write(dir.join("png.svg"), image_svg(&truncated)).unwrap();
    // A GIF screen descriptor for 4x4 pixels, then garbage where the first frame belongs.
    let gif = b"GIF89a\x04\x00\x04\x00\x00\x00\x00\x2cjunk";
    let gif = format!("data:image/gif;base64,{}", base64(gif));
    fs::write(dir.join("gif.svg"), image_svg(&gif)).unwrap();
    let inputs = ["png.svg", "gif.svg"];
    for (file, format) in [("png.svg", "PNG"), ("gif.svg", "GIF")] {
        let err = expect_error(dir, &["render", file, "-o", "out.png"], &inputs);
        assert!(
            err.contains(file)
                && err.contains(&format!("a {format} image cannot be decoded"))
                && err.contains("fix or replace the image"),
            "{err}"
        );
    }
}

#[test]
fn a_panic_inside_usvg_is_one_error_line_without_a_panic_report() {
    // An <image> box far thinner than its distance from the origin makes usvg panic; the
    // loader catches it. The user must see the error, not a "thread panicked" report (with
    // a backtrace under RUST_BACKTRACE) that reads like a crash.
    let tmp = scratch("usvg-panic");
    let dir = tmp.path();
    let kept = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus/demo_svg/usvg-panic-thin-image.svg");
    fs::copy(kept, dir.join("thin.svg")).unwrap();
    let out = Command::new(BIN)
        .args(["render", "thin.svg", "-o", "thin.png"])
        .current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "a panic report: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "not one line: {stderr}");
    assert!(
        stderr.starts_with("error: thin.svg: invalid SVG: usvg, the SVG parser, failed"),
        "{stderr}"
    );
    assert_eq!(
        outputs(dir, &["thin.svg"]),
        Vec::<String>::new(),
        "files left"
    );
}
