//! The stale-pointer guard: poison for released line memory and, where the platform allows, a
//! ring of page-protected line buffers whose faults explain themselves (see [`Guard`]).
//!
//! - `mod.rs`: the poison, the [`Guard`] setting and the [`Ring`] a guarded `ScanArena` runs.
//! - `mmap.rs`: line buffers as their own mappings, protected with `mprotect` (Linux, macOS).
//! - `heap.rs`: line buffers from the global allocator, poison only (Miri, other targets).
//! - `table.rs`: the lock-free table of protected ranges the fault handler reads.
//! - `signal.rs`: the SIGSEGV/SIGBUS handler that names the scan-line of a stale pointer.

use core::ptr::NonNull;

/// The byte the guard fills released arena memory with.
///
/// `0xFF` makes every `f32` and `f64` read from it a NaN, every integer `-1` or its type's
/// maximum (an index far out of bounds), and every pointer one that faults when followed.
///
/// ```
/// # #[cfg(feature = "alloc")] {
/// use arena_core::{GUARD_POISON, Guard, ScanArena};
///
/// let mut arena = ScanArena::builder().capacity(64).guard(Guard::On { buffers: 2 }).build();
/// let mut line = arena.line();
/// line.scope(|tmp| {
///     tmp.alloc(7u64);
/// });
/// // The scope's memory is poisoned once the scope ends; a fresh allocation of the same
/// // bytes without initialising them shows it.
/// let reused = line.alloc_uninit::<u64>();
/// // SAFETY: the guard filled these bytes, and every bit pattern is a valid `u64`.
/// let value = unsafe { reused.assume_init_read() };
/// assert_eq!(value, u64::from_ne_bytes([GUARD_POISON; 8]));
/// # }
/// ```
pub const GUARD_POISON: u8 = 0xFF;

/// Whether arenas without a guard setting (`StaticArena`) poison released memory.
pub(crate) const POISON_BY_DEFAULT: bool = cfg!(any(debug_assertions, feature = "guard"));

/// Fills `len` released bytes at `ptr` with [`GUARD_POISON`].
///
/// Out of line and cold: only guarded arenas call it, and the fast paths must not grow.
///
/// # Safety
///
/// - `ptr` is valid for writes of `len` bytes;
/// - no reference to any of those bytes is live, and none is used afterwards.
#[cold]
#[inline(never)]
pub(crate) unsafe fn poison(ptr: NonNull<u8>, len: usize) {
    // Under AddressSanitizer the released bytes are already poisoned for ASan; the guard's
    // own fill must not count as a use-after-poison, and afterwards they stay poisoned.
    crate::sanitizer::unpoison(ptr, len);
    // SAFETY: `ptr` is valid for writes of `len` bytes (caller), `u8` needs no alignment, and
    // no live reference observes the change (caller).
    unsafe { ptr.as_ptr().write_bytes(GUARD_POISON, len) };
    crate::sanitizer::release(ptr, len);
}

#[cfg(feature = "alloc")]
mod ring;
#[cfg(feature = "alloc")]
pub use ring::Guard;
#[cfg(feature = "alloc")]
pub(crate) use ring::Ring;

/// Splits items between the page-protection build (std on Linux or macOS with 64-bit
/// atomics, not Miri) and the poison-only one (`alloc` otherwise): the one place that states
/// the condition, so the two sides cannot drift apart.
macro_rules! page_protection {
    (if { $($protected:item)* } else { $($poison_only:item)* }) => {
        $(
            #[cfg(all(
                feature = "std",
                any(target_os = "linux", target_os = "macos"),
                target_has_atomic = "64",
                not(miri)
            ))]
            $protected
        )*
        $(
            #[cfg(all(
                feature = "alloc",
                not(all(
                    feature = "std",
                    any(target_os = "linux", target_os = "macos"),
                    target_has_atomic = "64",
                    not(miri)
                ))
            ))]
            $poison_only
        )*
    };
}

// Page protection: the buffer backend with `mprotect`, the table of protected ranges and the
// fault handler; elsewhere line buffers from the global allocator, poison only.
page_protection! {
    if {
        mod mmap;
        mod signal;
        mod table;
        use mmap as backend;
    } else {
        mod heap;
        use heap as backend;
    }
}
