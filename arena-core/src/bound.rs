//! Budget arithmetic: how many bytes a line can take, computed in `const` context.
//!
//! Every allocation starts on an [`ARENA_ALIGN`] boundary and takes a whole number of
//! 16-byte granules, so the bytes one allocation takes depend only on its layout, never on
//! what was allocated before it (for alignments up to 16). That is what makes a budget a
//! plain sum, computable at compile time.

use core::fmt;
use core::marker::PhantomData;
use core::mem::{align_of, size_of};

use crate::ARENA_ALIGN;

/// Rounds `bytes` up to the next multiple of [`ARENA_ALIGN`], or `None` on overflow.
#[inline(always)]
pub(crate) const fn round_to_granule(bytes: usize) -> Option<usize> {
    match bytes.checked_add(ARENA_ALIGN - 1) {
        Some(b) => Some(b & !(ARENA_ALIGN - 1)),
        None => None,
    }
}

/// The most bytes an allocation of `size` bytes aligned to `align` can take from a line,
/// padding included, or `None` if that does not fit in `usize`.
///
/// A zero-sized request takes nothing. Otherwise the request is rounded up to the 16-byte
/// granule; an alignment above 16 can cost up to `align - 16` bytes of padding in front,
/// because the bump pointer is only known to sit on a 16-byte boundary.
///
/// ```
/// use arena_core::layout_bound;
///
/// assert_eq!(layout_bound(0, 64), Some(0));
/// assert_eq!(layout_bound(20, 4), Some(32));
/// assert_eq!(layout_bound(20, 64), Some(32 + 48));
/// assert_eq!(layout_bound(usize::MAX, 1), None);
/// ```
pub const fn layout_bound(size: usize, align: usize) -> Option<usize> {
    if size == 0 {
        return Some(0);
    }
    let slack = align.saturating_sub(ARENA_ALIGN);
    match round_to_granule(size) {
        Some(rounded) => rounded.checked_add(slack),
        None => None,
    }
}

/// The most bytes one allocation of a `T` can take from a line, padding included.
///
/// This is the size of `T` rounded up to the 16-byte granule, plus `align_of::<T>() - 16`
/// when `T` is aligned above 16; zero-sized types take nothing.
///
/// ```
/// use arena_core::slot_bound;
///
/// assert_eq!(slot_bound::<u8>(), 16);
/// assert_eq!(slot_bound::<[u64; 3]>(), 32);
/// assert_eq!(slot_bound::<()>(), 0);
///
/// #[repr(align(64))]
/// struct CacheLine([u8; 64]);
/// assert_eq!(slot_bound::<CacheLine>(), 64 + 48);
/// ```
pub const fn slot_bound<T>() -> usize {
    match layout_bound(size_of::<T>(), align_of::<T>()) {
        Some(bound) => bound,
        // `size_of::<T>() <= isize::MAX`, so rounding it up to 16 and adding an alignment
        // below `isize::MAX` cannot overflow `usize`.
        None => panic!("a type's size is at most isize::MAX, so its slot fits in usize"),
    }
}

/// The most bytes one slice of `len` elements of `T` can take from a line, padding
/// included, or `None` if that does not fit in `usize`.
///
/// ```
/// use arena_core::slice_bound;
///
/// assert_eq!(slice_bound::<u32>(32), Some(128));
/// assert_eq!(slice_bound::<u32>(5), Some(32));
/// assert_eq!(slice_bound::<u32>(0), Some(0));
/// assert_eq!(slice_bound::<u64>(usize::MAX), None);
/// ```
pub const fn slice_bound<T>(len: usize) -> Option<usize> {
    match size_of::<T>().checked_mul(len) {
        Some(bytes) => layout_bound(bytes, align_of::<T>()),
        None => None,
    }
}

/// A type whose worst-case use of a scan-line is known at compile time.
///
/// `SCAN_BOUND` is the most bytes one value of the type can take from a line: the slot of
/// the value itself ([`slot_bound`]) plus everything its constructor copies into the line
/// (arena-backed slices, strings and child values). For plain data the bound is just the
/// slot. Implement it with `#[derive(ScanLocal)]` (feature `derive`); this crate implements
/// it for primitives, references, arrays, tuples and `Option`.
///
/// A wrong bound cannot cause undefined behaviour: the arena checks every allocation
/// against its capacity. It can only make a budget too small, which shows up as
/// [`ArenaFull`](crate::ArenaFull) instead of a guarantee.
///
/// ```
/// use arena_core::{ScanLocal, slot_bound};
///
/// assert_eq!(<f32 as ScanLocal>::SCAN_BOUND, 16);
/// assert_eq!(<[f32; 5] as ScanLocal>::SCAN_BOUND, slot_bound::<[f32; 5]>());
/// assert_eq!(<(u8, u64) as ScanLocal>::SCAN_BOUND, 16);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not declare a scan-line bound",
    label = "`{Self}` is not `ScanLocal`",
    note = "add `#[derive(ScanLocal)]` to the type, or implement `ScanLocal` by hand for a type you own"
)]
pub trait ScanLocal {
    /// The most bytes one value of this type (with everything it copies into the line)
    /// can take from a line, padding included.
    const SCAN_BOUND: usize;
}

/// The bytes a `T` takes from a line beyond its own slot: what its constructor copies in.
///
/// ```
/// use arena_core::{ScanLocal, extra_bound, slice_bound, slot_bound};
///
/// // Plain data copies nothing in.
/// assert_eq!(extra_bound::<[f32; 4]>(), 0);
///
/// // A value whose constructor also copies up to 8 points into the line.
/// struct Polygon;
/// impl ScanLocal for Polygon {
///     const SCAN_BOUND: usize = slot_bound::<Polygon>() + 128;
/// }
/// assert_eq!(extra_bound::<Polygon>(), 128);
/// assert_eq!(slice_bound::<[f32; 4]>(8), Some(128));
/// ```
pub const fn extra_bound<T: ScanLocal>() -> usize {
    match T::SCAN_BOUND.checked_sub(slot_bound::<T>()) {
        Some(extra) => extra,
        None => panic!("a ScanLocal bound is smaller than the slot of the value itself"),
    }
}

macro_rules! plain_bound {
    ($($t:ty),* $(,)?) => {
        $(impl ScanLocal for $t {
            const SCAN_BOUND: usize = slot_bound::<$t>();
        })*
    };
}

plain_bound!(
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    bool,
    char,
    ()
);

impl<T: ?Sized> ScanLocal for &T {
    const SCAN_BOUND: usize = slot_bound::<&T>();
}

impl<T: ?Sized> ScanLocal for &mut T {
    const SCAN_BOUND: usize = slot_bound::<&mut T>();
}

impl<T: ?Sized> ScanLocal for PhantomData<T> {
    const SCAN_BOUND: usize = 0;
}

impl<T: ScanLocal> ScanLocal for Option<T> {
    const SCAN_BOUND: usize = add_or_panic(slot_bound::<Option<T>>(), extra_bound::<T>());
}

impl<T: ScanLocal, const N: usize> ScanLocal for [T; N] {
    const SCAN_BOUND: usize =
        add_or_panic(slot_bound::<[T; N]>(), mul_or_panic(N, extra_bound::<T>()));
}

macro_rules! tuple_bound {
    ($(($($t:ident),+))*) => {
        $(impl<$($t: ScanLocal),+> ScanLocal for ($($t,)+) {
            const SCAN_BOUND: usize = {
                let mut bound = slot_bound::<($($t,)+)>();
                $(bound = add_or_panic(bound, extra_bound::<$t>());)+
                bound
            };
        })*
    };
}

tuple_bound! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
    (A, B, C, D, E, F, G, H, I, J, K)
    (A, B, C, D, E, F, G, H, I, J, K, L)
}

/// `a + b` in `const` context, failing compilation (or panicking at run time) on overflow.
#[doc(hidden)]
pub const fn add_or_panic(a: usize, b: usize) -> usize {
    match a.checked_add(b) {
        Some(sum) => sum,
        None => panic!("scan-line bound overflows usize"),
    }
}

/// `a * b` in `const` context, failing compilation (or panicking at run time) on overflow.
#[doc(hidden)]
pub const fn mul_or_panic(a: usize, b: usize) -> usize {
    match a.checked_mul(b) {
        Some(product) => product,
        None => panic!("scan-line bound overflows usize"),
    }
}

/// The byte budget of one scan-line: a sum of worst cases, computable in `const` context.
///
/// Build it from the counts a line may allocate; size an arena with it. In `const` context
/// an overflowing budget is a compile error; at run time use the `try_` forms, which
/// return [`BudgetOverflow`] instead of wrapping.
///
/// ```
/// use arena_core::{Budget, ScanArena, StaticArena, budget};
///
/// // Fixed counts: sized at compile time, the buffer lives inline.
/// const LINE: Budget = budget!(u32 * 64, [f32; 4] * 16, (u8, u64) * 2);
/// assert_eq!(LINE.bytes(), 64 * 16 + 16 * 16 + 2 * 16);
/// let mut fixed = StaticArena::<{ LINE.bytes() }>::new();
/// assert_eq!(fixed.line().remaining(), LINE.bytes());
///
/// // Counts known only at run time (from the scene): the same arithmetic, checked.
/// let edges = 300;
/// let budget = Budget::new().try_reserve::<[f32; 4]>(edges)?.try_reserve_slice::<u8>(1920)?;
/// let mut arena = ScanArena::for_budget(budget);
/// assert_eq!(arena.line().remaining(), budget.bytes());
/// # Ok::<(), arena_core::BudgetOverflow>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[must_use = "a Budget is a value; the methods return a new one"]
pub struct Budget {
    bytes: usize,
}

/// A [`Budget`] that does not fit in `usize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BudgetOverflow {
    budget: usize,
    adding: Option<usize>,
}

impl fmt::Display for BudgetOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.adding {
            Some(adding) => write!(
                f,
                "scan-line budget overflows usize: {} bytes plus {adding} more; \
                 the counts are implausibly large, check the scene parameters",
                self.budget
            ),
            None => write!(
                f,
                "scan-line budget overflows usize: {} bytes plus a reservation whose own \
                 size does not fit in usize; check the counts",
                self.budget
            ),
        }
    }
}

impl core::error::Error for BudgetOverflow {}

impl Budget {
    /// An empty budget (zero bytes).
    pub const fn new() -> Self {
        Budget { bytes: 0 }
    }

    /// A budget of exactly `bytes` bytes, rounded up to the 16-byte granule.
    ///
    /// # Panics
    ///
    /// If rounding overflows `usize` (a compile error in `const` context).
    pub const fn from_bytes(bytes: usize) -> Self {
        Budget::new().reserve_bytes(bytes)
    }

    /// The total in bytes: the capacity an arena needs for this budget.
    pub const fn bytes(self) -> usize {
        self.bytes
    }

    const fn try_add(self, bound: Option<usize>) -> Result<Self, BudgetOverflow> {
        let Some(bound) = bound else {
            return Err(BudgetOverflow {
                budget: self.bytes,
                adding: None,
            });
        };
        match self.bytes.checked_add(bound) {
            Some(bytes) => Ok(Budget { bytes }),
            None => Err(BudgetOverflow {
                budget: self.bytes,
                adding: Some(bound),
            }),
        }
    }

    const fn unwrap(result: Result<Self, BudgetOverflow>) -> Self {
        match result {
            Ok(budget) => budget,
            Err(_) => panic!(
                "scan-line budget overflows usize; use the try_reserve forms for counts \
                 known only at run time"
            ),
        }
    }

    /// Room for `count` separate values of `T`, each with everything it copies into the
    /// line (`count * T::SCAN_BOUND`).
    pub const fn try_reserve<T: ScanLocal>(self, count: usize) -> Result<Self, BudgetOverflow> {
        self.try_add(T::SCAN_BOUND.checked_mul(count))
    }

    /// Room for `count` separate values of `T` (`count * T::SCAN_BOUND`).
    ///
    /// # Panics
    ///
    /// On overflow: a compile error in `const` context. Use [`Budget::try_reserve`] for
    /// counts known only at run time.
    pub const fn reserve<T: ScanLocal>(self, count: usize) -> Self {
        Self::unwrap(self.try_reserve::<T>(count))
    }

    /// Room for one slice of `len` elements of `T`, plus what each element copies in.
    pub const fn try_reserve_slice<T: ScanLocal>(self, len: usize) -> Result<Self, BudgetOverflow> {
        let extra = match extra_bound::<T>().checked_mul(len) {
            Some(extra) => extra,
            None => return self.try_add(None),
        };
        let slot = match slice_bound::<T>(len) {
            Some(slot) => slot.checked_add(extra),
            None => None,
        };
        self.try_add(slot)
    }

    /// Room for one slice of `len` elements of `T`.
    ///
    /// # Panics
    ///
    /// On overflow: a compile error in `const` context. Use [`Budget::try_reserve_slice`]
    /// for lengths known only at run time.
    pub const fn reserve_slice<T: ScanLocal>(self, len: usize) -> Self {
        Self::unwrap(self.try_reserve_slice::<T>(len))
    }

    /// Room for one raw allocation of `bytes` bytes aligned to at most 16.
    pub const fn try_reserve_bytes(self, bytes: usize) -> Result<Self, BudgetOverflow> {
        self.try_add(layout_bound(bytes, 1))
    }

    /// Room for one raw allocation of `bytes` bytes aligned to at most 16.
    ///
    /// # Panics
    ///
    /// On overflow: a compile error in `const` context.
    pub const fn reserve_bytes(self, bytes: usize) -> Self {
        Self::unwrap(self.try_reserve_bytes(bytes))
    }

    /// Room for one allocation of `layout` (for example through `alloc_layout`).
    pub const fn try_reserve_layout(
        self,
        layout: core::alloc::Layout,
    ) -> Result<Self, BudgetOverflow> {
        self.try_add(layout_bound(layout.size(), layout.align()))
    }

    /// The sum of two budgets (for example, two phases of one line that both stay live).
    pub const fn try_add_budget(self, other: Budget) -> Result<Self, BudgetOverflow> {
        self.try_add(Some(other.bytes))
    }

    /// The larger of two budgets (for phases of a line that never overlap, such as two
    /// scopes one after the other).
    pub const fn max(self, other: Budget) -> Self {
        if other.bytes > self.bytes {
            other
        } else {
            self
        }
    }
}

/// A [`Budget`] from counts: `budget!(Crossing * 512, Span * 64, f32 * 1024)`.
///
/// Each term is `Type * count` (room for `count` values, `count * Type::SCAN_BOUND`) or
/// just `Type` (one value). In `const` context an overflowing budget is a compile error.
///
/// ```
/// use arena_core::{Budget, budget, slot_bound};
///
/// const LINE: Budget = budget!(u64 * 10, [u8; 3], (f32, f32) * 4);
/// assert_eq!(LINE.bytes(), 10 * 16 + 16 + 4 * 16);
/// assert_eq!(budget!().bytes(), 0);
/// ```
///
/// ```compile_fail
/// use arena_core::{Budget, budget};
/// // Does not fit in usize: rejected at compile time.
/// const TOO_BIG: Budget = budget!(u64 * usize::MAX);
/// ```
#[macro_export]
macro_rules! budget {
    () => { $crate::Budget::new() };
    ($($terms:tt)+) => {
        $crate::__budget_terms!(@acc [$crate::Budget::new()] @ty [] $($terms)+)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __budget_terms {
    (@acc [$acc:expr] @ty [$($ty:tt)+] * $n:expr , $($rest:tt)*) => {
        $crate::__budget_terms!(@acc [$acc.reserve::<$($ty)+>($n)] @ty [] $($rest)*)
    };
    (@acc [$acc:expr] @ty [$($ty:tt)+] * $n:expr) => {
        $acc.reserve::<$($ty)+>($n)
    };
    (@acc [$acc:expr] @ty [$($ty:tt)+] , $($rest:tt)*) => {
        $crate::__budget_terms!(@acc [$acc.reserve::<$($ty)+>(1)] @ty [] $($rest)*)
    };
    (@acc [$acc:expr] @ty []) => {
        $acc
    };
    (@acc [$acc:expr] @ty [$($ty:tt)+]) => {
        $acc.reserve::<$($ty)+>(1)
    };
    (@acc [$acc:expr] @ty [$($ty:tt)*] $next:tt $($rest:tt)*) => {
        $crate::__budget_terms!(@acc [$acc] @ty [$($ty)* $next] $($rest)*)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[repr(align(32))]
    struct Wide(#[allow(dead_code)] [u8; 40]);

    #[test]
    fn slots_round_to_granule_and_add_alignment_slack() {
        assert_eq!(slot_bound::<u8>(), 16);
        assert_eq!(slot_bound::<[u8; 16]>(), 16);
        assert_eq!(slot_bound::<[u8; 17]>(), 32);
        assert_eq!(slot_bound::<Wide>(), 64 + 16);
        assert_eq!(slot_bound::<[Wide; 0]>(), 0);
        assert_eq!(layout_bound(usize::MAX, 1), None);
        assert_eq!(layout_bound(usize::MAX - 15, 1), Some(usize::MAX - 15));
    }

    #[test]
    fn composite_bounds_add_extras_of_parts() {
        struct WithChild;
        impl ScanLocal for WithChild {
            const SCAN_BOUND: usize = 16 + 100;
        }
        // A ZST with 116 bytes of extra per value.
        assert_eq!(extra_bound::<WithChild>(), 116);
        assert_eq!(<[WithChild; 3] as ScanLocal>::SCAN_BOUND, 3 * 116);
        assert_eq!(<(u8, WithChild) as ScanLocal>::SCAN_BOUND, 16 + 116);
        // `Option<WithChild>` has a one-byte tag, so it takes a granule of its own.
        assert_eq!(<Option<WithChild> as ScanLocal>::SCAN_BOUND, 16 + 116);
    }

    #[test]
    fn budget_sums_and_reports_overflow() {
        let b = Budget::new()
            .reserve::<u64>(3)
            .reserve_slice::<u32>(5)
            .reserve_bytes(1);
        assert_eq!(b.bytes(), 48 + 32 + 16);
        assert_eq!(
            b.try_reserve::<u64>(usize::MAX / 8),
            Err(BudgetOverflow {
                budget: 96,
                adding: None
            })
        );
        let near = Budget::from_bytes(usize::MAX - 31);
        let err = near.try_reserve::<u8>(2).unwrap_err();
        assert!(err.to_string().contains("overflows usize"), "{err}");
        assert_eq!(
            Budget::from_bytes(5).max(Budget::from_bytes(40)).bytes(),
            48
        );
    }

    #[test]
    #[should_panic(expected = "scan-line budget overflows usize")]
    fn reserve_panics_at_run_time_instead_of_wrapping() {
        let count = core::hint::black_box(usize::MAX);
        let _ = Budget::new().reserve::<u32>(count);
    }

    #[test]
    fn budget_macro_accepts_generic_and_array_types() {
        const B: Budget = budget!(Option<u8> * 2, [u16; 9], PhantomData<u8> * 1000,);
        assert_eq!(B.bytes(), 2 * 16 + 32);
    }
}
