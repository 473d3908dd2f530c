//! The guard form of a scope: [`Checkpoint`], released when it is dropped, so it works with
//! `?` and early returns where a closure scope does not fit.

use core::fmt;
use core::ops::Deref;

use super::Line;

/// A nested checkpoint of a line, released when it is dropped: the guard form of
/// [`Line::scope`]. From [`Line::checkpoint`].
///
/// It dereferences to a [`Line`] whose allocations live for `'g`, the checkpoint's mutable
/// borrow of the outer line. When the checkpoint is dropped (at the end of a block, on `?`,
/// on an early `return`, on a panic), the outer line goes on from where it was when the
/// checkpoint began; its high-water mark (and so the arena's statistics) counts what the
/// checkpoint used at its peak.
///
/// ```
/// use arena_core::{ArenaFull, Line, ScanArena};
///
/// /// Sums the bytes of `record` after a scratch copy, or fails: either way the copy is
/// /// released when the function returns.
/// fn checksum(line: &mut Line<'_>, record: &[u8]) -> Result<u32, ArenaFull> {
///     let tmp = line.checkpoint();
///     let copy = tmp.try_alloc_slice_copy(record)?; // an early return releases it too
///     copy.reverse();
///     Ok(copy.iter().map(|&b| u32::from(b)).sum())
/// }
///
/// let mut arena = ScanArena::with_capacity(64);
/// let mut line = arena.line();
/// let kept = line.try_alloc(7u8)?;
/// assert_eq!(checksum(&mut line, &[1, 0, 0, 0, 2, 0, 0, 0])?, 3);
/// assert!(checksum(&mut line, &[0; 64]).is_err()); // 64 bytes do not fit after `kept`
/// assert_eq!((line.used(), line.high_water()), (16, 32));
/// assert_eq!(*kept, 7);
/// # Ok::<(), ArenaFull>(())
/// ```
///
/// # Why it is sound
///
/// Allocations through the checkpoint live for `'g`, the mutable borrow of the outer line
/// that the checkpoint holds. They may outlive the checkpoint value itself, but while any of
/// them is in use, the borrow `'g` is alive, so the outer line can neither allocate nor
/// begin another checkpoint or scope: nothing can be placed over them. Once `'g` ends they
/// are all unusable, and the outer line reuses their bytes. So releasing on drop needs no
/// check at run time, and misuse is a compile error:
///
/// ```compile_fail
/// # let mut arena = arena_core::ScanArena::with_capacity(64);
/// let mut line = arena.line();
/// let early = { let tmp = line.checkpoint(); tmp.alloc(1u32) };
/// let later = line.alloc(2u32); // error: `line` is still borrowed by `early`
/// assert_eq!(*early + *later, 3);
/// ```
///
/// Because its allocations may outlive it, a checkpoint does not fill released memory with
/// [`GUARD_POISON`](crate::GUARD_POISON) when it ends (a scope does); the line's own end
/// still does. A checkpoint leaked with `mem::forget` releases its memory all the same (the
/// outer line's cursor never moved) but its use is not counted in the high-water mark.
///
/// It gives out only `&Line`: a `&mut` would let two checkpoints of one lifetime swap their
/// lines. [`scope`](Checkpoint::scope) and [`checkpoint`](Checkpoint::checkpoint) nest.
pub struct Checkpoint<'g, 'a> {
    // Invariant: `inner` is a line over the outer line's buffer that starts at the outer
    // line's cursor as it was when the checkpoint began; the outer line does not move its
    // cursor while `'g` lasts (it is mutably borrowed).
    inner: Line<'g>,
    outer: &'g mut Line<'a>,
}

impl<'a> Line<'a> {
    /// Begins a checkpoint: allocate through it, and everything it allocated is released
    /// when it is dropped. See [`Checkpoint`].
    pub fn checkpoint(&mut self) -> Checkpoint<'_, 'a> {
        let start = self.used();
        let cap = self.capacity();
        // SAFETY:
        // - `base` is aligned and valid for `cap` bytes for `'a`, which outlives the
        //   checkpoint's borrow `'_` of this line;
        // - bytes `start..cap` are unused by this line (type invariant), which cannot
        //   allocate while it is mutably borrowed by the checkpoint, so for the borrow only
        //   the inner line touches them (its allocations live no longer than the borrow);
        // - `cap` and `start` keep their multiple-of-16 and ordering invariants.
        let inner = unsafe { Line::new(self.base, cap, start, self.log, false, self.poison) };
        Checkpoint { inner, outer: self }
    }
}

impl<'g> Checkpoint<'g, '_> {
    /// A nested checkpoint of this one.
    pub fn checkpoint(&mut self) -> Checkpoint<'_, 'g> {
        self.inner.checkpoint()
    }

    /// A nested closure scope of this checkpoint (see [`Line::scope`]).
    pub fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut Line<'s>) -> R) -> R {
        self.inner.scope(f)
    }
}

impl<'g> Deref for Checkpoint<'g, '_> {
    type Target = Line<'g>;

    #[inline]
    fn deref(&self) -> &Line<'g> {
        &self.inner
    }
}

impl Drop for Checkpoint<'_, '_> {
    fn drop(&mut self) {
        // The outer line's cursor never moved; record how far the checkpoint reached.
        let top = self.inner.top();
        if top > self.outer.high.get() {
            self.outer.high.set(top);
        }
    }
}

impl fmt::Debug for Checkpoint<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Checkpoint")
            .field("line", &self.inner)
            .finish()
    }
}

#[cfg(all(test, feature = "panicking"))]
mod tests {
    use crate::{ArenaFull, Line, StaticArena};

    fn fill(line: &mut Line<'_>, n: usize) -> Result<usize, ArenaFull> {
        let tmp = line.checkpoint();
        let xs = tmp.try_alloc_slice_fill_copy(n, 1u32)?;
        Ok(xs.len())
    }

    #[test]
    fn released_on_drop_and_on_early_return_with_the_peak_counted() {
        let mut arena = StaticArena::<256>::new();
        let mut line = arena.line();
        line.alloc(0u8);
        assert_eq!(fill(&mut line, 20), Ok(20));
        assert_eq!((line.used(), line.high_water()), (16, 96));
        assert!(fill(&mut line, 100).is_err());
        assert_eq!(line.used(), 16);
        {
            let mut tmp = line.checkpoint();
            tmp.alloc([0u8; 32]);
            let mut inner = tmp.checkpoint();
            inner.alloc([0u8; 160]);
            assert_eq!(inner.used(), 16 + 32 + 160);
            let sum = inner.scope(|s| s.alloc(3u8).wrapping_add(1));
            assert_eq!((sum, inner.high_water()), (4, 224));
        }
        assert_eq!((line.used(), line.high_water()), (16, 224));
        drop(line);
        assert_eq!(arena.stats().peak_bytes, 224);
    }

    #[test]
    fn allocations_may_outlive_the_checkpoint_value_while_the_line_waits() {
        let mut arena = StaticArena::<128>::new();
        let mut line = arena.line();
        let kept = {
            let tmp = line.checkpoint();
            tmp.alloc(5u64)
        };
        assert_eq!(*kept, 5);
        // `kept` is dead from here; the line reuses its bytes.
        let next = line.alloc(6u64);
        assert_eq!((*next, line.used()), (6, 16));
    }

    #[test]
    fn a_forgotten_checkpoint_still_releases() {
        let mut arena = StaticArena::<128>::new();
        let mut line = arena.line();
        let tmp = line.checkpoint();
        tmp.alloc(1u8);
        core::mem::forget(tmp);
        assert_eq!(line.used(), 0);
    }
}
