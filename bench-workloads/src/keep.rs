//! Kept pointers: where a line's objects are remembered until its checksum reads them.

use std::ptr;

use crate::objects::Span;

/// One pointer slot per object of a line, allocated once. Raw pointers because the slots
/// outlive every line; they are only read back within the line that wrote them.
pub(crate) struct Keep<T> {
    pub(crate) slots: Vec<*const T>,
}

impl<T> Keep<T> {
    pub(crate) fn new(k: usize) -> Self {
        Keep {
            slots: vec![ptr::null(); k],
        }
    }

    /// Sums `field` over the objects the slots point to.
    ///
    /// # Safety
    ///
    /// Every slot points to a live, initialised `T` (all written during the current line).
    #[inline(always)]
    pub(crate) unsafe fn sum(&self, field: impl Fn(&T) -> u32) -> u32 {
        self.slots.iter().fold(0u32, |acc, &p| {
            // SAFETY: the caller promises every slot points to a live `T`.
            acc.wrapping_add(field(unsafe { &*p }))
        })
    }
}

/// The mixed workload keeps its spans; their lifetime is the line, erased while kept.
pub(crate) type SpanSlot = Span<'static>;
