//! `#[derive(ScanLocal)]` for arena-core.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

/// Derives `arena_core::ScanLocal`.
#[proc_macro_derive(ScanLocal, attributes(scan))]
pub fn derive_scan_local(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
