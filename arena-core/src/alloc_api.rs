//! `allocator_api2::alloc::Allocator` for `&Line<'_>`.
//!
//! Implemented for a shared reference to a line, never for an arena: a collection holding
//! `&'l Line<'_>` cannot outlive the line, so the O(1) reset can never free memory a
//! collection still uses.

use core::alloc::Layout;
use core::ptr::NonNull;

use allocator_api2::alloc::{AllocError, Allocator};

use crate::line::Line;

// SAFETY:
// - memory returned by `allocate` stays valid until the line ends, and the allocator value
//   (`&Line`) cannot outlive the line, so it is valid for as long as any collection using
//   this allocator (or a copy of it) can reach it;
// - copies of `&Line` are the same allocator: memory from one can be passed to another;
// - `allocate` returns blocks that fit the layout (size and alignment) and never overlap
//   other live blocks: each comes from a fresh bump or an in-place resize of the last block.
unsafe impl Allocator for &Line<'_> {
    #[inline]
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        let ptr = self.try_alloc_layout(layout).map_err(|_| AllocError)?;
        Ok(NonNull::slice_from_raw_parts(ptr, layout.size()))
    }

    #[inline]
    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // Memory is released when the line ends; only the most recent block is given back
        // early, so a temporary collection that is dropped frees its bytes for the next one.
        let _ = self.resize_last(ptr, layout.size(), 0);
    }

    unsafe fn grow(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if new.align() <= old.align() && self.resize_last(ptr, old.size(), new.size()).is_ok() {
            return Ok(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        let fresh = self.allocate(new)?;
        // SAFETY:
        // - the caller guarantees `ptr` is a block of this allocator valid for `old.size()`
        //   bytes, and `old.size() <= new.size()`, so `fresh` is valid for that many writes;
        // - `fresh` was just bumped past everything live, so the two do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.cast::<u8>().as_ptr(), old.size());
        }
        Ok(fresh)
    }

    unsafe fn grow_zeroed(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        // SAFETY: the caller's guarantees for `grow_zeroed` are those of `grow`.
        let grown = unsafe { self.grow(ptr, old, new)? };
        // SAFETY: `grown` is valid for `new.size() >= old.size()` bytes, so the offset stays
        // inside the block.
        let tail = unsafe { grown.cast::<u8>().add(old.size()) };
        // SAFETY: the tail after the old contents is inside the block, ours to write.
        unsafe { tail.write_bytes(0, new.size() - old.size()) };
        Ok(grown)
    }

    unsafe fn shrink(
        &self,
        ptr: NonNull<u8>,
        old: Layout,
        new: Layout,
    ) -> Result<NonNull<[u8]>, AllocError> {
        if new.align() <= old.align() || ptr.as_ptr().addr().is_multiple_of(new.align()) {
            // The block is already aligned for `new` and large enough; give back the tail if
            // it is the last block.
            let _ = self.resize_last(ptr, old.size(), new.size());
            return Ok(NonNull::slice_from_raw_parts(ptr, new.size()));
        }
        let fresh = self.allocate(new)?;
        // SAFETY: `ptr` is valid for `old.size() >= new.size()` bytes (caller), `fresh` for
        // `new.size()`; `fresh` is new memory, so they do not overlap.
        unsafe {
            core::ptr::copy_nonoverlapping(ptr.as_ptr(), fresh.cast::<u8>().as_ptr(), new.size());
        }
        Ok(fresh)
    }
}

// The tests allocate with the panicking forms.
#[cfg(all(test, feature = "panicking"))]
mod tests {
    use allocator_api2::vec::Vec;

    use crate::StaticArena;

    #[test]
    fn vec_grows_in_place_at_the_top_of_the_line() {
        let mut arena = StaticArena::<4096>::new();
        let line = arena.line();
        let mut v: Vec<u32, _> = Vec::new_in(&line);
        for i in 0..100 {
            v.push(i);
        }
        assert_eq!(v.iter().sum::<u32>(), 4950);
        // In-place growth: the vector never left a trail of abandoned buffers.
        assert!(line.used() <= 512, "used {}", line.used());
        let mut other: Vec<u8, _> = Vec::new_in(&line);
        other.extend_from_slice(b"abc");
        v.push(100);
        assert_eq!(v.len(), 101);
        assert_eq!(&other[..], b"abc");
    }

    #[test]
    fn full_line_is_an_alloc_error() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let mut v: Vec<u64, _> = Vec::new_in(&line);
        assert!(v.try_reserve_exact(9).is_err());
        assert!(v.try_reserve_exact(8).is_ok());
    }

    #[test]
    fn dropping_the_last_collection_gives_its_bytes_back() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let keep = line.alloc(1u8);
        {
            let mut v: Vec<u8, _> = Vec::with_capacity_in(100, &line);
            v.push(3);
        }
        assert_eq!(line.used(), 16);
        assert_eq!(*keep, 1);
    }

    #[test]
    fn a_vector_grown_then_freed_still_counts_at_its_peak() {
        let mut arena = StaticArena::<1024>::new();
        let line = arena.line();
        let mut v: Vec<u8, _> = Vec::new_in(&line);
        for i in 0..=255u8 {
            v.push(i);
        }
        v.truncate(10);
        v.shrink_to_fit();
        assert_eq!(line.used(), 16);
        drop(v);
        assert_eq!(line.used(), 0);
        assert!(line.high_water() >= 256, "high water {}", line.high_water());
        drop(line);
        assert!(arena.stats().peak_bytes >= 256, "{:?}", arena.stats());
    }
}
