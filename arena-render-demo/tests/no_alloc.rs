//! After setup, rendering the lines of an image makes no heap allocation: every per-line
//! temporary comes from the line arena.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use arena_core::ScanArena;
use arena_render_demo::fonts::Fonts;
use arena_render_demo::load;
use arena_render_demo::{RenderOptions, Renderer, Scene};

/// The system allocator, counting the allocations made on a thread while it is watched.
struct Counting;

thread_local! {
    // `const` initialisation: using them never allocates. Per thread, so that tests running
    // in parallel do not count each other's allocations.
    static WATCHED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    if WATCHED.with(Cell::get) {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so
// `System`'s guarantees (valid, aligned blocks of the requested layout; `dealloc` and
// `realloc` accept what `alloc` returned) hold for `Counting` too. Counting touches only
// const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract (non-zero size), which
        // is `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: the caller passes a block from this allocator (hence from `System`) with
        // its layout, and a valid new size: `System::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a block from this allocator (hence from `System`) with
        // the layout it was allocated with.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Counts the allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    WATCHED.with(|w| w.set(true));
    f();
    WATCHED.with(|w| w.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

fn check_scene(name: &str, svg: &[u8], resources: Option<&std::path::Path>, size: u32) {
    // Setup: parse, build the scene index, size and create the arena, the output buffer.
    // The fonts the tests ship, so that text fixtures draw text on any machine.
    let fonts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fonts");
    let fonts = Fonts::with_dirs(&[fonts], false).expect("the test fonts load");
    let svg = load::parse_with(svg, &fonts, resources).expect("parses");
    let options = RenderOptions {
        size: Some(size),
        ..RenderOptions::default()
    };
    let scene = Scene::build(&svg.tree, &options).expect("builds");
    let renderer = Renderer::new(&scene).expect("budget fits");
    let mut arena = ScanArena::for_budget(renderer.budget());
    let row_bytes = scene.width() as usize * 4;
    let mut pixels = vec![0u8; row_bytes * scene.height() as usize];

    // The allocator must see nothing while the rows render.
    let allocations = allocations_in(|| {
        for (y, out) in pixels.chunks_exact_mut(row_bytes).enumerate() {
            let mut line = arena.line();
            renderer
                .render_row(y as u32, &mut line, out)
                .expect("within budget");
        }
    });
    assert_eq!(allocations, 0, "{name}: rendering the rows allocated");

    // The rows really were rendered: the same pixels as the parallel renderer.
    let (image, _) = renderer.render(1).expect("renders");
    assert!(image.data == pixels, "{name}: row-by-row render differs");
    assert!(pixels.iter().any(|&b| b != 0), "{name}: nothing was drawn");
    assert_eq!(arena.stats().lines, u64::from(scene.height()));
}

#[test]
fn the_counter_sees_allocations() {
    // Proves the test below can fail: a Vec made while watched is counted.
    let n = allocations_in(|| drop(std::hint::black_box(vec![1u8; 100])));
    assert_eq!(n, 1);
}

#[test]
fn rendering_rows_makes_no_heap_allocation() {
    check_scene("built-in scene", load::BUILTIN_SCENE.as_bytes(), None, 128);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for file in load::svg_files(&dir).expect("fixtures are readable") {
        let svg = std::fs::read(&file).expect("fixture is readable");
        check_scene(&file.display().to_string(), &svg, Some(&dir), 64);
    }
}
