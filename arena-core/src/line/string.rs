//! Text in a line: `LineString` (bounded, `fmt::Write`) and `alloc_fmt`.

use core::fmt;
use core::ops::{Deref, DerefMut};

use super::Line;
#[cfg(feature = "panicking")]
use super::fail;
use super::tip::TipRun;
use super::vec::{CapacityFull, LineVec};
use crate::error::ArenaFull;

/// A string in a line with a hard capacity in bytes, taken from the line when it is made;
/// it never grows. Implements [`fmt::Write`], so `write!` formats straight into the line.
///
/// Made by [`Line::string_with_capacity`] / [`Line::try_string_with_capacity`];
/// [`into_str`](LineString::into_str) turns it into a `&str` that lives as long as the line,
/// giving the unused capacity back when nothing was allocated after it.
///
/// ```
/// use core::fmt::Write;
///
/// # let mut arena = arena_core::ScanArena::with_capacity(256);
/// let line = arena.line();
/// let mut label = line.try_string_with_capacity(32)?;
/// write!(label, "row {}: {:.1}%", 17, 99.5).unwrap();
/// label.try_push_str(" done").unwrap();
/// assert!(label.try_push_str(" and much more text than fits").is_err());
/// let label: &str = label.into_str();
/// assert_eq!(label, "row 17: 99.5% done");
/// assert_eq!(line.used(), 32); // 18 bytes: two granules kept, the rest given back
/// # Ok::<(), arena_core::ArenaFull>(())
/// ```
pub struct LineString<'l> {
    // Invariant: `bytes` holds valid UTF-8 (only whole `str`s and `char`s are appended, and
    // only whole `char`s removed).
    bytes: LineVec<'l, u8>,
}

impl<'a> Line<'a> {
    /// A [`LineString`] with room for `capacity` bytes, taken from the line now.
    ///
    /// # Errors
    ///
    /// [`ArenaFull`] if the line has no room for `capacity` bytes; the line is unchanged.
    #[inline]
    pub fn try_string_with_capacity(&self, capacity: usize) -> Result<LineString<'_>, ArenaFull> {
        Ok(LineString {
            bytes: self.try_vec_with_capacity(capacity)?,
        })
    }

    /// [`try_string_with_capacity`](Line::try_string_with_capacity) that panics when the
    /// line is full.
    #[cfg(feature = "panicking")]
    #[inline]
    #[track_caller]
    pub fn string_with_capacity(&self, capacity: usize) -> LineString<'_> {
        self.try_string_with_capacity(capacity)
            .unwrap_or_else(|e| fail(e))
    }

    /// Formats `args` straight into the line (no heap `String` in between) and returns the
    /// text: `line.try_alloc_fmt(format_args!(..))`.
    ///
    /// The text is written at the line's tip as the formatter produces it, and takes what
    /// [`try_alloc_str`](Line::try_alloc_str) of the same text would. A `Display` impl that
    /// allocates from this line is handled as [`try_alloc_iter`](Line::try_alloc_iter)
    /// handles an iterator that does: the text written so far moves above its allocation.
    ///
    /// # Errors
    ///
    /// [`ArenaFull`] when the text does not fit, describing one request for the text up to
    /// and including the piece that did not fit. The line is then left as it was (allocations
    /// made by the formatted values excepted); its high-water mark counts the bytes written.
    ///
    /// # Panics
    ///
    /// If a formatting trait implementation returns an error of its own (the line did not
    /// fail), as `format!` does: `fmt::Display` promises to fail only when its writer does.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(64);
    /// let line = arena.line();
    /// let (y, peak) = (41, 1.5);
    /// let label = line.try_alloc_fmt(format_args!("line {y}: peak {peak:.2} ms"))?;
    /// assert_eq!(label, "line 41: peak 1.50 ms");
    /// assert_eq!(line.used(), 32);
    ///
    /// let long = ["far too long for what is left"; 3];
    /// assert!(line.try_alloc_fmt(format_args!("{long:?}")).is_err());
    /// assert_eq!(line.used(), 32);
    /// # Ok::<(), arena_core::ArenaFull>(())
    /// ```
    // Always inlined, also into large callers, where `#[inline]` left it out of line: the
    // run's set-up and finish take fewer instructions than the call.
    #[inline(always)]
    pub fn try_alloc_fmt(&self, args: fmt::Arguments<'_>) -> Result<&'a mut str, ArenaFull> {
        if let Some(text) = args.as_str() {
            return self.try_alloc_str(text);
        }
        let mut out = FmtRun {
            run: TipRun::new(self),
            full: None,
        };
        let result = fmt::write(&mut out, args);
        match (result, out.full) {
            (Ok(()), None) => {
                let bytes = out.run.finish();
                // SAFETY: the run holds whole `str`s written one after another (each
                // `write_str` appends all of its piece or none), so it is valid UTF-8.
                Ok(unsafe { core::str::from_utf8_unchecked_mut(bytes) })
            }
            // The line ran out (even if a `Display` impl swallowed our error and went on).
            (_, Some(full)) => {
                out.run.abandon();
                Err(full)
            }
            (Err(fmt::Error), None) => {
                out.run.abandon();
                formatter_failed()
            }
        }
    }

    /// [`try_alloc_fmt`](Line::try_alloc_fmt) that panics when the line is full.
    ///
    /// ```
    /// # let mut arena = arena_core::ScanArena::with_capacity(64);
    /// let line = arena.line();
    /// assert_eq!(line.alloc_fmt(format_args!("{:>4}|", 7)), "   7|");
    /// ```
    #[cfg(feature = "panicking")]
    #[inline(always)]
    #[track_caller]
    pub fn alloc_fmt(&self, args: fmt::Arguments<'_>) -> &'a mut str {
        self.try_alloc_fmt(args).unwrap_or_else(|e| fail(e))
    }
}

/// The `fmt::Write` sink of `alloc_fmt`: keeps the line's error, which `fmt::Error` cannot
/// carry.
struct FmtRun<'l, 'a> {
    run: TipRun<'l, 'a, u8>,
    full: Option<ArenaFull>,
}

impl fmt::Write for FmtRun<'_, '_> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.full.is_some() {
            return Err(fmt::Error);
        }
        self.run.push_slice(s.as_bytes()).map_err(|full| {
            self.full = Some(full);
            fmt::Error
        })
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn formatter_failed() -> ! {
    panic!(
        "alloc_fmt: a formatting trait implementation returned an error although the line \
         did not fail; fmt::Display and friends must fail only when their writer does"
    )
}

impl<'l> LineString<'l> {
    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        // SAFETY: `bytes` holds valid UTF-8 (type invariant).
        unsafe { core::str::from_utf8_unchecked(&self.bytes) }
    }

    /// The text, mutably (`str` methods keep it valid UTF-8).
    #[inline]
    pub fn as_mut_str(&mut self) -> &mut str {
        // SAFETY: `bytes` holds valid UTF-8 (type invariant), and safe `&mut str` methods
        // keep it so.
        unsafe { core::str::from_utf8_unchecked_mut(&mut self.bytes) }
    }

    /// Its length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether it is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Its capacity in bytes: fixed when it was made.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    /// Appends `s`, all or nothing.
    ///
    /// # Errors
    ///
    /// [`CapacityFull`] when `s` does not fit in the bytes left; the string is unchanged.
    #[inline]
    pub fn try_push_str(&mut self, s: &str) -> Result<(), CapacityFull> {
        self.bytes.try_extend_from_slice(s.as_bytes())
    }

    /// [`try_push_str`](LineString::try_push_str) that panics when `s` does not fit.
    #[cfg(feature = "panicking")]
    #[inline]
    #[track_caller]
    pub fn push_str(&mut self, s: &str) {
        if let Err(e) = self.try_push_str(s) {
            super::vec::full_panic(e.held(), e.capacity(), e.additional());
        }
    }

    /// Appends `c`, or hands it back when its UTF-8 bytes do not fit.
    ///
    /// # Errors
    ///
    /// [`CapacityFull`] holding `c`; the string is unchanged.
    #[inline]
    pub fn try_push(&mut self, c: char) -> Result<(), CapacityFull<char>> {
        let mut buf = [0; 4];
        self.try_push_str(c.encode_utf8(&mut buf))
            .map_err(|e| CapacityFull::new(c, e.held(), e.capacity(), e.additional()))
    }

    /// [`try_push`](LineString::try_push) that panics when `c` does not fit.
    #[cfg(feature = "panicking")]
    #[inline]
    #[track_caller]
    pub fn push(&mut self, c: char) {
        if let Err(e) = self.try_push(c) {
            super::vec::full_panic(e.held(), e.capacity(), e.additional());
        }
    }

    /// Removes and returns the last `char`.
    #[inline]
    pub fn pop(&mut self) -> Option<char> {
        let c = self.as_str().chars().next_back()?;
        self.bytes.truncate(self.len() - c.len_utf8());
        Some(c)
    }

    /// Empties it; the capacity stays.
    #[inline]
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// The text, as a `&mut str` that lives as long as the line. If nothing was allocated
    /// from the line after the string, the capacity it does not use is given back.
    #[inline]
    pub fn into_str(self) -> &'l mut str {
        let bytes = self.bytes.into_slice();
        // SAFETY: `bytes` held valid UTF-8 (type invariant).
        unsafe { core::str::from_utf8_unchecked_mut(bytes) }
    }
}

impl fmt::Write for LineString<'_> {
    /// Appends `s`, or fails (appending nothing) when it does not fit. A `write!` whose later
    /// pieces do not fit keeps the pieces before them.
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.try_push_str(s).map_err(|_| fmt::Error)
    }
}

impl Deref for LineString<'_> {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl DerefMut for LineString<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut str {
        self.as_mut_str()
    }
}

impl fmt::Display for LineString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for LineString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

// The tests use the panicking forms; the `try_` forms are what those call.
#[cfg(all(test, feature = "panicking"))]
mod tests {
    use core::fmt::Write;
    use std::string::ToString;

    use crate::StaticArena;

    #[test]
    fn alloc_fmt_writes_in_place() {
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        line.alloc(0u8);
        let s = line.alloc_fmt(format_args!("{}-{:03}-{}", "a", 7, 'é'));
        assert_eq!(s, "a-007-é");
        assert_eq!(s.as_ptr().addr() - line.base.as_ptr().addr(), 16);
        assert_eq!(line.used(), 32);
        // A constant string takes the plain copy path.
        assert_eq!(line.alloc_fmt(format_args!("const")), "const");
        assert_eq!(line.used(), 48);
    }

    #[test]
    fn alloc_fmt_failure_leaves_the_line_and_counts_the_high_water() {
        let mut arena = StaticArena::<48>::new();
        let line = arena.line();
        line.alloc(0u8);
        let err = line
            .try_alloc_fmt(format_args!("{}{}", "x".repeat(20), "y".repeat(20)))
            .unwrap_err();
        assert_eq!(err.requested_size(), 40);
        assert_eq!(err.remaining(), 32);
        assert_eq!(line.used(), 16);
        assert_eq!(line.high_water(), 48);
    }

    #[test]
    fn a_display_impl_that_allocates_from_the_line_is_handled() {
        struct Noisy<'l, 'a>(&'l crate::Line<'a>);
        impl core::fmt::Display for Noisy<'_, '_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let kept = self.0.alloc_str("INNER");
                f.write_str("[")?;
                f.write_str(kept)?;
                f.write_str("]")
            }
        }
        let mut arena = StaticArena::<256>::new();
        let line = arena.line();
        let s = line.alloc_fmt(format_args!("{}{}", "0123456789ab", Noisy(&line)));
        assert_eq!(s, "0123456789ab[INNER]");
        // The text's first granule, then "INNER", then the text moved above it.
        assert_eq!(s.as_ptr().addr() - line.base.as_ptr().addr(), 32);
        assert_eq!(line.used(), 32 + 32);
    }

    #[test]
    #[should_panic(expected = "returned an error although the line did not fail")]
    fn a_display_impl_failing_on_its_own_panics_like_format() {
        struct Broken;
        impl core::fmt::Display for Broken {
            fn fmt(&self, _: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                Err(core::fmt::Error)
            }
        }
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let _ = line.try_alloc_fmt(format_args!("{}", Broken));
    }

    #[test]
    fn line_string_is_bounded_and_gives_back_its_tail() {
        let mut arena = StaticArena::<128>::new();
        let line = arena.line();
        let mut s = line.string_with_capacity(40);
        assert_eq!(line.used(), 48);
        s.push_str("ab");
        s.push('ç');
        write!(s, "{}", 12).unwrap();
        assert_eq!(s.as_str(), "abç12");
        assert_eq!(s.pop(), Some('2'));
        assert_eq!(s.pop(), Some('1'));
        assert_eq!(s.pop(), Some('ç'));
        assert_eq!(s.len(), 2);
        let err = s.try_push_str(&"z".repeat(39)).unwrap_err();
        assert_eq!((err.held(), err.capacity(), err.additional()), (2, 40, 39));
        assert_eq!(s.to_string(), "ab");
        s.make_ascii_uppercase();
        assert_eq!(s.into_str(), "AB");
        assert_eq!(line.used(), 16);
        assert_eq!(line.high_water(), 48);
    }

    #[test]
    fn line_string_clear_keeps_the_capacity_and_empties_the_text() {
        let mut arena = StaticArena::<128>::new();
        let line = arena.line();
        let mut s = line.string_with_capacity(20);
        assert!(s.is_empty());
        assert_eq!(s.capacity(), 20);
        s.push_str("scan-line");
        assert!(!s.is_empty());
        s.clear();
        assert!(s.is_empty());
        assert_eq!((s.as_str(), s.capacity()), ("", 20));
        // The whole capacity is free again after `clear`.
        s.push_str(&"x".repeat(20));
        assert_eq!((s.len(), s.capacity()), (20, 20));
        assert!(s.try_push('y').is_err());
    }

    #[test]
    fn line_string_write_fails_cleanly_when_full() {
        let mut arena = StaticArena::<64>::new();
        let line = arena.line();
        let mut s = line.string_with_capacity(4);
        assert!(write!(s, "{}", 123_456).is_err());
        assert!(s.is_empty());
        s.push('€');
        assert_eq!(s.try_push('é').unwrap_err().into_rejected(), 'é');
        s.push('x');
        assert_eq!(s.try_push('y').unwrap_err().into_rejected(), 'y');
        assert_eq!(&*s, "€x");
    }
}
