//! Where a row's scratch memory comes from: the [`Scratch`] trait the row walker is generic
//! over, and its implementation for a line of the arena.

use std::ops::DerefMut;

use arena_core::{ArenaFull, Line};

/// Where a row's scratch memory comes from: slices that live until the enclosing scope
/// ends, and nested scopes that release what they took.
///
/// There is deliberately no copy of a slice: a fresh row is a fill. A row-sized `memcpy`
/// (more than about 2 KiB) is glibc's `rep movsb`, which on AMD Zen 3 and later runs about
/// 25 times slower when the destination sits 1 to 31 bytes past the source modulo 4 KiB
/// (glibc bug 30994). Copying fresh rows from a row of zeros kept in the scene hit that at
/// some image sizes and heap layouts, 3x on a whole render; a fill (`memset`) has no
/// source to alias.
pub trait Scratch {
    /// What running out of scratch memory reports.
    type Error;
    /// A slice of scratch memory holding `T`s.
    type Slice<T: Copy + 'static>: DerefMut<Target = [T]>;
    /// The scratch of a nested scope.
    type Scope<'s>: Scratch<Error = Self::Error>;

    /// `len` copies of `value`.
    fn slice_fill<T: Copy + 'static>(
        &self,
        len: usize,
        value: T,
    ) -> Result<Self::Slice<T>, Self::Error>;

    /// The items of `iter`, in order.
    fn slice_from_iter<T: Copy + 'static, I: ExactSizeIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<Self::Slice<T>, Self::Error>;

    /// Runs `f` in a nested scope: what it takes is released when it returns.
    fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut Self::Scope<'s>) -> R) -> R;
}

/// A line of the arena: the renderer's scratch. A scope is a [`Line::scope`].
impl<'a> Scratch for Line<'a> {
    type Error = ArenaFull;
    type Slice<T: Copy + 'static> = &'a mut [T];
    type Scope<'s> = Line<'s>;

    #[inline(always)]
    fn slice_fill<T: Copy + 'static>(
        &self,
        len: usize,
        value: T,
    ) -> Result<&'a mut [T], ArenaFull> {
        self.try_alloc_slice_fill_copy(len, value)
    }

    #[inline(always)]
    fn slice_from_iter<T: Copy + 'static, I: ExactSizeIterator<Item = T>>(
        &self,
        iter: I,
    ) -> Result<&'a mut [T], ArenaFull> {
        self.try_alloc_slice_fill_iter(iter)
    }

    #[inline(always)]
    fn scope<R>(&mut self, f: impl for<'s> FnOnce(&mut Line<'s>) -> R) -> R {
        Line::scope(self, f)
    }
}

#[cfg(test)]
mod tests {
    use arena_core::{Budget, ScanArena};

    use super::Scratch;

    #[test]
    fn a_line_gives_the_slices_its_scratch_methods_promise() {
        let mut arena = ScanArena::builder()
            .budget(Budget::from_bytes(1024))
            .try_build()
            .unwrap();
        let line = arena.line();
        assert_eq!(*line.slice_fill(3, 7u16).unwrap(), [7, 7, 7]);
        let from_iter = line.slice_from_iter([2.5f32, 0.5].into_iter()).unwrap();
        assert_eq!(*from_iter, [2.5, 0.5]);
        // More than the line holds: the error, not a short slice.
        assert!(line.slice_fill(4096, 0u8).is_err());
    }
}
