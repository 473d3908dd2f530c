//! `#[derive(ScanLocal)]` for [arena-core]: a type declares once how many scan-line bytes one
//! of its values can take, and gets constructors that copy it (and its arena-backed fields)
//! into a line without ever exceeding that bound.
//!
//! Use it through arena-core, which re-exports it next to the trait of the same name:
//! `use arena_core::ScanLocal;`. The full reference, with an example of every attribute, the
//! rejected inputs and an annotated expansion, is on [`ScanLocal`](macro@ScanLocal).
//!
//! ```
//! use arena_core::{Budget, ScanArena, ScanLocal, budget, slot_bound, slice_bound};
//!
//! #[derive(Clone, Copy, ScanLocal)]
//! struct Style {
//!     width: f32,
//! }
//!
//! #[derive(ScanLocal)]
//! struct Poly<'l> {
//!     #[scan(max = 8)]
//!     points: &'l [[f32; 2]],
//!     #[scan(child)]
//!     style: &'l Style,
//!     coverage: f32,
//! }
//!
//! // Declared in the type, summed by the compiler.
//! assert_eq!(
//!     Poly::SCAN_BOUND,
//!     slot_bound::<Poly<'_>>() + slice_bound::<[f32; 2]>(8).unwrap() + slot_bound::<Style>()
//! );
//! const LINE: Budget = budget!(Poly<'_> * 16);
//!
//! let mut arena = ScanArena::for_budget(LINE);
//! let line = arena.line();
//! let poly = Poly::new_in(&line, &[[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]], Style { width: 1.0 }, 0.5);
//! assert_eq!(poly.points.len(), 3);
//! // Longer input than declared is an error, never a truncation.
//! assert!(Poly::try_new_in(&line, &[[0.0; 2]; 9], Style { width: 1.0 }, 0.5).is_err());
//! ```
//!
//! [arena-core]: https://docs.rs/arena-core
#![forbid(unsafe_code)]

mod attr;
mod errors;
mod expand;
mod model;

use proc_macro::TokenStream;

#[doc = include_str!("scan_local.md")]
#[proc_macro_derive(ScanLocal, attributes(scan))]
pub fn derive_scan_local(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input).into()
}
