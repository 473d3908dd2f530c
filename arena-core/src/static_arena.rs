//! `StaticArena`: the same line API over inline storage, for `no_std` and fixed budgets.

use core::cell::UnsafeCell;
use core::fmt;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use crate::ARENA_ALIGN;
use crate::line::Line;
use crate::log::{ArenaStats, LineLog};

/// A line arena over `BYTES` bytes of inline storage: no heap, `const fn new`.
///
/// Size it from a [`Budget`](crate::Budget) at compile time. The usable capacity is `BYTES`
/// rounded down to a multiple of 16. Put large ones in a `static` cell or a `Box`, not on a
/// small stack.
///
/// ```
/// use arena_core::{Budget, StaticArena, budget};
///
/// const LINE: Budget = budget!(u32 * 8, [f32; 3] * 2);
/// let mut arena = StaticArena::<{ LINE.bytes() }>::new();
/// let line = arena.line();
/// for i in 0..8 {
///     line.alloc(i as u32);
/// }
/// line.alloc([0.0f32; 3]);
/// line.alloc([1.0f32; 3]);
/// assert_eq!(line.remaining(), 0);
/// ```
#[repr(C, align(16))]
pub struct StaticArena<const BYTES: usize> {
    // Invariant: `storage` is at offset 0 of a 16-aligned struct, so it is 16-aligned. Its
    // bytes are reached only through the line that mutably borrows the arena.
    storage: UnsafeCell<[MaybeUninit<u8>; BYTES]>,
    log: LineLog,
}

// SAFETY: the storage and counters are owned inline, with no pointers to anything else;
// moving the arena to another thread moves all of it. Not `Sync` (`UnsafeCell`, `Cell`).
unsafe impl<const BYTES: usize> Send for StaticArena<BYTES> {}

impl<const BYTES: usize> StaticArena<BYTES> {
    /// The usable bytes per line: `BYTES` rounded down to a multiple of 16.
    pub const CAPACITY: usize = BYTES & !(ARENA_ALIGN - 1);

    /// A new arena; its storage is left uninitialised.
    pub const fn new() -> Self {
        StaticArena {
            storage: UnsafeCell::new([MaybeUninit::uninit(); BYTES]),
            log: LineLog::new(Self::CAPACITY),
        }
    }

    /// Begins the next scan-line, releasing everything the previous one allocated.
    ///
    /// In debug builds (and with the `guard` feature) the released bytes are filled with
    /// [`GUARD_POISON`](crate::GUARD_POISON) first, as are a scope's when it ends: a stale
    /// raw pointer reads poison until the new line allocates over it. No page protection:
    /// that needs a [`ScanArena`](crate::ScanArena) and its [`Guard`](crate::Guard).
    #[inline]
    pub fn line(&mut self) -> Line<'_> {
        let base = NonNull::from(self.storage.get_mut()).cast::<u8>();
        if crate::guard::POISON_BY_DEFAULT {
            let used = self.log.take_released_extent();
            // SAFETY: `base` is valid for writes of `CAPACITY >= used` bytes, and `&mut self`
            // proves the previous line and every reference it handed out have ended.
            unsafe { crate::guard::poison(base, used) };
        }
        self.log.begin();
        // SAFETY:
        // - `base` points to our inline storage, 16-aligned (struct invariant) and valid for
        //   `BYTES >= CAPACITY` bytes while `self` is borrowed;
        // - `self` is mutably borrowed for the line's lifetime and the previous line has
        //   ended, so only this line touches the storage;
        // - `CAPACITY` is a multiple of 16 and at most `isize::MAX` (the array exists).
        unsafe {
            Line::new(
                base,
                Self::CAPACITY,
                0,
                &self.log,
                true,
                crate::guard::POISON_BY_DEFAULT,
            )
        }
    }

    /// The capacity of each line in bytes.
    pub const fn capacity(&self) -> usize {
        Self::CAPACITY
    }

    /// Statistics over the lines so far.
    pub fn stats(&self) -> ArenaStats {
        self.log.stats()
    }
}

impl<const BYTES: usize> Default for StaticArena<BYTES> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const BYTES: usize> fmt::Debug for StaticArena<BYTES> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticArena")
            .field("capacity", &Self::CAPACITY)
            .field("stats", &self.stats())
            .finish()
    }
}
