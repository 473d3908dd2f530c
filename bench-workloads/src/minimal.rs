//! The physical limit of a bump allocator, the baseline every variant is compared with.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::{align_of, size_of};
use std::ptr::{self, NonNull};

use crate::bump::{LineAlloc, LineArena};

/// The physical limit: a bump over a fixed buffer as one would write it by hand. One
/// capacity check per allocation, 16-byte granules (the same rounding as arena-core), a
/// line that is just a cursor, no statistics, a failure path that only panics.
pub struct MinimalBump {
    buf: Box<[Granule]>,
}

#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Granule([u8; 16]);

impl MinimalBump {
    /// A buffer of `bytes` (rounded down to 16-byte granules).
    pub fn new(bytes: usize) -> Self {
        MinimalBump {
            buf: vec![Granule([0; 16]); bytes / 16].into_boxed_slice(),
        }
    }
}

/// The cursor of one line of a [`MinimalBump`].
pub struct MinimalLine<'a> {
    base: NonNull<u8>,
    cap: usize,
    pos: Cell<usize>,
    _buf: PhantomData<&'a mut [Granule]>,
}

impl LineArena for MinimalBump {
    type Line<'a> = MinimalLine<'a>;
    #[inline(always)]
    fn line(&mut self) -> MinimalLine<'_> {
        MinimalLine {
            cap: self.buf.len() * 16,
            base: NonNull::from(&mut *self.buf).cast(),
            pos: Cell::new(0),
            _buf: PhantomData,
        }
    }
}

#[cold]
#[inline(never)]
fn minimal_full() -> ! {
    panic!("minimal bump: line buffer full")
}

impl MinimalLine<'_> {
    /// `size` must be the size of a real value or slice (so at most `isize::MAX`) and
    /// `align` at most 16.
    #[inline(always)]
    fn bump(&self, size: usize, align: usize) -> NonNull<u8> {
        assert!(
            align <= 16,
            "the minimal bump only serves alignments up to 16"
        );
        let pos = self.pos.get();
        let rounded = (size + 15) & !15;
        if rounded > self.cap - pos {
            minimal_full();
        }
        self.pos.set(pos + rounded);
        // SAFETY: `pos + rounded <= cap`, the length of the buffer `base` points to.
        unsafe { self.base.add(pos) }
    }
}

impl<'a> LineAlloc<'a> for MinimalLine<'a> {
    #[inline(always)]
    fn alloc<T: Copy>(&self, value: T) -> &'a mut T {
        let ptr = self.bump(size_of::<T>(), align_of::<T>()).cast::<T>();
        // SAFETY: `ptr` is 16-aligned (granule buffer, granule offsets), so aligned for `T`
        // (align <= 16 checked in `bump`), and valid for `size_of::<T>()` bytes.
        unsafe { ptr.write(value) };
        // SAFETY: initialised just above; the bytes belong to this line alone until the
        // buffer is borrowed for the next line, which `'a` prevents.
        unsafe { &mut *ptr.as_ptr() }
    }
    #[inline(always)]
    fn alloc_slice_copy<T: Copy>(&self, src: &[T]) -> &'a mut [T] {
        let ptr = self.bump(size_of_val(src), align_of::<T>()).cast::<T>();
        // SAFETY: `ptr` is aligned and valid for `src.len()` values, fresh memory that
        // cannot overlap `src`.
        unsafe { ptr::copy_nonoverlapping(src.as_ptr(), ptr.as_ptr(), src.len()) };
        // SAFETY: all `src.len()` values were initialised above; ours alone for `'a`.
        unsafe { std::slice::from_raw_parts_mut(ptr.as_ptr(), src.len()) }
    }
}
