//! A bounded per-scan-line bump arena for real-time loops.
//!
//! A renderer (or an audio callback, a packet loop, a game frame) allocates a burst of small
//! temporaries per scan-line and throws them all away at the end of the line. `arena-core`
//! gives it one buffer allocated up front, bump allocation on 16-byte boundaries, an O(1)
//! reset per line, a hard capacity with a clear error, a budget computed at compile time, and
//! per-line statistics that show the budget holds.
//!
//! ```
//! use arena_core::{Budget, ScanArena, budget};
//!
//! #[derive(Clone, Copy)]
//! struct Crossing {
//!     x: f32,
//!     winding: i32,
//! }
//! # impl arena_core::ScanLocal for Crossing {
//! #     const SCAN_BOUND: usize = arena_core::slot_bound::<Crossing>();
//! # }
//!
//! // The worst line: 512 crossings and a coverage row of 1920 floats.
//! const LINE: Budget = budget!(Crossing * 512).reserve_slice::<f32>(1920);
//!
//! let mut arena = ScanArena::for_budget(LINE);
//! for y in 0..1080 {
//!     let line = arena.line(); // releases the previous line in O(1)
//!     let coverage = line.alloc_slice_fill_copy(1920, 0.0f32);
//!     let first = line.alloc(Crossing { x: 10.5, winding: 1 });
//!     coverage[first.x as usize] += first.winding as f32;
//! }
//! let stats = arena.stats();
//! assert_eq!(stats.lines, 1080);
//! assert!(stats.peak_bytes <= LINE.bytes());
//! ```
//!
//! # What you get
//!
//! - [`ScanArena`]: owns one heap buffer. [`ScanArena::line`] begins the next line and
//!   returns a [`Line`]; references it hands out live as long as that borrow, so the borrow
//!   checker rejects any use after the next `line()`.
//! - [`Line`]: `alloc`, `alloc_with`, `alloc_uninit`, `alloc_slice_copy`,
//!   `alloc_slice_fill_with`, `alloc_slice_fill_iter`, `alloc_str`, `alloc_layout`, each with
//!   a `try_` form returning [`ArenaFull`]; [`Line::scope`] for nested checkpoints.
//! - Data of unknown length, built in place and bounded: [`Line::alloc_iter`] collects any
//!   iterator (no `ExactSizeIterator`), [`LineVec`] is a vector whose capacity is taken up
//!   front and never grows, [`LineString`] its text counterpart (`fmt::Write`), and
//!   [`Line::alloc_fmt`] formats straight into the line.
//! - Fallible initialisers, `alloc_try_with` and `alloc_slice_try_fill_with` ([`InitError`]
//!   says whether the line was full or the closure failed; a failed value's room is given
//!   back); [`TipSlice`], a slice that grows and shrinks in place at the line's tip; and
//!   [`Checkpoint`], the guard form of a scope, released on drop (so `?` works).
//! - [`StaticArena`]: the same API over inline storage, `const fn new`, no heap.
//! - [`BorrowedArena`]: the same API over a buffer the caller lends (`&mut [MaybeUninit<u8>]`:
//!   a DMA region, a host's scratch memory), no heap.
//! - [`Budget`], [`budget!`], [`ScanLocal`], [`slot_bound`]: worst-case line sizes in `const`
//!   context, so `StaticArena<{ LINE.bytes() }>` is sized by the compiler.
//! - `LinePool` (with `std`): one arena per worker from one [`Budget`], rows run in parallel
//!   with `std::thread::scope` or (feature `rayon`) on a rayon pool, statistics merged.
//! - [`ArenaStats`]: lines begun, the last line's use, and the high-water mark of all lines.
//!
//! # Features
//!
//! - `std` (default): implies `alloc`; the page-protection guard needs it.
//! - `alloc`: [`ScanArena`] (needs a global allocator).
//! - `guard`: the stale-pointer [`Guard`] on by default in release builds too (it always is
//!   in debug builds).
//! - `derive` (default): `#[derive(ScanLocal)]`, re-exported here.
//! - `panicking` (default): the panicking forms (`alloc`, `alloc_slice_copy`, ..., a derived
//!   `new_in`). Without it only the `try_` forms exist, so code that must not panic (an
//!   audio callback) shows at compile time that it calls none.
//! - `rayon`: `LinePool::par_lines` and `try_par_lines` on the current rayon pool.
//! - `allocator-api2`: `Allocator` for `&Line<'_>`, so `allocator_api2::vec::Vec<T, &Line>`
//!   works. Never for the arena itself: a collection could then outlive a reset.
//!
//! # `no_std`
//!
//! With default features off the crate needs only `core`: [`StaticArena`], [`BorrowedArena`],
//! [`Line`], [`Budget`] and [`ScanLocal`] are all there. Enable `alloc` for [`ScanArena`].
//!
//! # Safety model
//!
//! What the crate guarantees to safe code: no allocation overlaps another live one; every
//! pointer is aligned for its type and inside the buffer; nothing is freed while a reference
//! to it can be used (lifetimes tie every allocation to its line; a scope's allocations to
//! the scope); capacity is never exceeded (a failed request changes nothing). The arena never
//! runs destructors, so types with drop glue are rejected at compile time:
//!
//! ```compile_fail
//! let mut arena = arena_core::ScanArena::with_capacity(64);
//! let line = arena.line();
//! line.alloc(String::from("leaks")); // error: arena-core never runs destructors
//! ```
//!
//! What it cannot guarantee: a raw pointer taken from an allocation and kept past its line
//! dangles like any other. The debug guard exists to turn such a use into a clear crash.
//!
//! # The debug guard
//!
//! Safe code never holds a reference past its line; raw pointers, `unsafe` code and C
//! libraries can. In debug builds a [`ScanArena`] runs a ring of line buffers (two by
//! default, up to eight) and, on Linux and macOS, makes each ended line's pages inaccessible
//! until the ring comes round again. A stale access then faults at the exact instruction and
//! the process dies after one line on stderr:
//!
//! ```text
//! arena-core: stale scan-line pointer: read of 0x7f3a12c04010, memory of scan-line 41 (released when scan-line 42 began); arena memory lives for one scan-line
//! ```
//!
//! Released memory (lines, and scopes within a line) is filled with [`GUARD_POISON`], so an
//! older pointer reads NaNs and all-ones. Where pages cannot be protected (other targets,
//! Miri, [`StaticArena`]) the guard only poisons. It costs a buffer per ring step, two system
//! calls per line and a fill of the bytes the line used; release builds skip all of it (one
//! buffer, one predictable branch in `line()`). Turn it on or off per arena with
//! [`ArenaBuilder::guard`], or on everywhere with the `guard` feature. [`Guard`] has the
//! details: what it catches, what it cannot, and why more buffers catch more.
//!
//! # Minimum supported Rust version
//!
//! Rust 1.89.
#![cfg_attr(not(feature = "std"), no_std)]
// On docs.rs (`--cfg docsrs`, nightly) every feature-gated item is labelled with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

#[cfg(all(test, not(feature = "std")))]
extern crate std;

#[cfg(feature = "alloc")]
mod arena;
mod borrowed;
mod bound;
mod error;
mod guard;
mod line;
mod log;
#[cfg(feature = "std")]
mod pool;
mod sanitizer;
mod static_arena;

#[cfg(feature = "allocator-api2")]
mod alloc_api;

#[cfg(feature = "alloc")]
pub use arena::{ArenaBuilder, BufferError, ScanArena};
pub use borrowed::BorrowedArena;
pub use bound::{
    Budget, BudgetOverflow, ScanLocal, extra_bound, layout_bound, slice_bound, slot_bound,
};
pub use error::{ArenaFull, ScanError};
pub use guard::GUARD_POISON;
#[cfg(feature = "alloc")]
pub use guard::Guard;
pub use line::{
    CapacityFull, Checkpoint, GrowError, InitError, Line, LineString, LineVec, TipSlice,
};
pub use log::ArenaStats;
#[cfg(feature = "std")]
pub use pool::{LinePool, PoolError};
pub use static_arena::StaticArena;

#[cfg(feature = "derive")]
pub use arena_derive::ScanLocal;

/// Every allocation starts on a boundary of this many bytes, and takes a multiple of it.
pub const ARENA_ALIGN: usize = 16;

/// Expands to its input with the `panicking` feature, to nothing without it: the derive
/// wraps the panicking constructors (`new_in`, ...) in it, so they exist exactly when the
/// panicking allocation methods do. Not public API.
#[cfg(feature = "panicking")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_panicking {
    ($($item:tt)*) => { $($item)* };
}

/// See the definition with the `panicking` feature.
#[cfg(not(feature = "panicking"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_panicking {
    ($($item:tt)*) => {};
}

#[doc(hidden)]
pub mod __private {
    //! Paths for code generated by `#[derive(ScanLocal)]`. Not public API.
    pub use crate::bound::{add_or_panic, mul_or_panic};
    pub use crate::line::narrow;

    /// `Err` unless `line` has at least `need` bytes left: a derived constructor checks the
    /// worst case of all its allocations first, so a failure leaves the line unchanged. The
    /// error describes one request of `need` bytes (a multiple of 16, or `usize::MAX`).
    #[inline]
    pub fn check_room(line: &crate::Line<'_>, need: usize) -> Result<(), crate::ArenaFull> {
        if need <= line.remaining() {
            Ok(())
        } else {
            Err(crate::ArenaFull {
                size: need,
                align: crate::ARENA_ALIGN,
                remaining: line.remaining(),
                capacity: line.capacity(),
                line: line.index(),
            })
        }
    }
}

// The registry page's example. (The workspace README and the derive's reference, which
// live outside this crate's folder, are doc-tested by the unpublished `arena-tests` crate.)
#[cfg(all(doctest, feature = "derive"))]
#[doc = include_str!("../README.md")]
mod readme {}
