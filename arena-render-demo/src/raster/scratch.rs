//! Where a row's scratch memory comes from: the [`Scratch`] trait the row walker is generic
//! over, and its implementation for a line of the arena.

use std::ops::DerefMut;

use arena_core::{ArenaFull, Line};

/// Where a row's scratch memory comes from: slices that live until the enclosing scope
/// ends, and nested scopes that release what they took.
pub trait Scratch {
    /// What running out of scratch memory reports.
    type Error;
    /// A slice of scratch memory holding `T`s.
    type Slice<T: Copy + 'static>: DerefMut<Target = [T]>;
    /// The scratch of a nested scope.
    type Scope<'s>: Scratch<Error = Self::Error>;

    /// A copy of `src`.
    fn slice_copy<T: Copy + 'static>(&self, src: &[T]) -> Result<Self::Slice<T>, Self::Error>;

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
    fn slice_copy<T: Copy + 'static>(&self, src: &[T]) -> Result<&'a mut [T], ArenaFull> {
        self.try_alloc_slice_copy(src)
    }

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
