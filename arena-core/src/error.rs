//! The errors a line can report.

use core::fmt;

use crate::bound::layout_bound;

/// A line had no room for a request: its budget is too small.
///
/// The arena is unchanged by the failed request, so a smaller request can still succeed.
/// `Display` says what was asked, what was left and what to do:
///
/// ```
/// use arena_core::ScanArena;
///
/// let mut arena = ScanArena::with_capacity(64);
/// let line = arena.line();
/// line.alloc([0u8; 48]);
/// let err = line.try_alloc([0u64; 4]).unwrap_err();
/// assert_eq!(err.remaining(), 16);
/// assert_eq!(
///     err.to_string(),
///     "scan-line arena full on scan-line 0: a request for 32 bytes (align 8) takes 32 \
///      bytes but only 16 of 64 bytes remain; the line budget is too small: reserve more \
///      in its Budget (or ScanArena::with_capacity), or allocate less per line"
/// );
/// // Nothing changed; a request that fits still succeeds.
/// assert_eq!(line.used(), 48);
/// assert!(line.try_alloc(7u64).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArenaFull {
    pub(crate) size: usize,
    pub(crate) align: usize,
    pub(crate) remaining: usize,
    pub(crate) capacity: usize,
    pub(crate) line: u64,
}

impl ArenaFull {
    /// The size in bytes of the request that failed (`usize::MAX` when the request's own
    /// size overflowed, such as a slice of `usize::MAX` elements).
    pub fn requested_size(&self) -> usize {
        self.size
    }

    /// The alignment of the request that failed.
    pub fn requested_align(&self) -> usize {
        self.align
    }

    /// The layout of the request that failed, if it was a valid layout.
    pub fn requested_layout(&self) -> Option<core::alloc::Layout> {
        core::alloc::Layout::from_size_align(self.size, self.align).ok()
    }

    /// The most bytes the request could take from the line, padding included
    /// (`None` if it does not fit in `usize`).
    pub fn requested_bound(&self) -> Option<usize> {
        layout_bound(self.size, self.align)
    }

    /// The bytes that were left in the line.
    pub fn remaining(&self) -> usize {
        self.remaining
    }

    /// The line buffer's capacity in bytes.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The index of the scan-line that ran out of room.
    pub fn line(&self) -> u64 {
        self.line
    }
}

impl fmt::Display for ArenaFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "scan-line arena full on scan-line {}: a request for ",
            self.line
        )?;
        if self.size == usize::MAX {
            f.write_str("more than usize::MAX bytes")?;
        } else {
            write!(f, "{} bytes", self.size)?;
        }
        write!(f, " (align {}) takes ", self.align)?;
        match self.requested_bound() {
            Some(bound) => write!(f, "{bound} bytes")?,
            None => f.write_str("more bytes than fit in usize")?,
        }
        write!(
            f,
            " but only {} of {} bytes remain; the line budget is too small: reserve more in \
             its Budget (or ScanArena::with_capacity), or allocate less per line",
            self.remaining, self.capacity
        )
    }
}

impl core::error::Error for ArenaFull {}

/// Why a `#[derive(ScanLocal)]` constructor could not build its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScanError {
    /// The line had no room left.
    Full(ArenaFull),
    /// An input was longer than the `#[scan(max = N)]` its field declares; the value was
    /// not built (never silently truncated).
    TooLong {
        /// The type being constructed.
        type_name: &'static str,
        /// The field whose input was too long.
        field: &'static str,
        /// The declared maximum (elements, or bytes for `&str`).
        max: usize,
        /// The length of the input.
        len: usize,
    },
}

impl From<ArenaFull> for ScanError {
    fn from(full: ArenaFull) -> Self {
        ScanError::Full(full)
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::Full(full) => fmt::Display::fmt(full, f),
            ScanError::TooLong {
                type_name,
                field,
                max,
                len,
            } => write!(
                f,
                "`{type_name}::{field}` holds at most {max} elements (bytes, for a `&str`) as \
                 declared by #[scan(max = {max})], but was given {len}; raise the field's max \
                 (and with it the line budget) or split the input"
            ),
        }
    }
}

impl core::error::Error for ScanError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            ScanError::Full(full) => Some(full),
            ScanError::TooLong { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn too_long_names_type_field_max_and_len() {
        let err = ScanError::TooLong {
            type_name: "Polygon",
            field: "points",
            max: 8,
            len: 12,
        };
        let text = err.to_string();
        assert!(
            text.starts_with("`Polygon::points` holds at most 8 elements"),
            "{text}"
        );
        assert!(text.contains("was given 12"), "{text}");
    }

    #[test]
    fn arena_full_reports_the_request_and_the_line() {
        let mut arena = crate::StaticArena::<64>::new();
        // Line 2: an index that is neither of the constants a wrong accessor might return.
        drop(arena.line());
        drop(arena.line());
        let line = arena.line();
        line.alloc(0u8);
        let err = line.try_alloc([0u32; 13]).unwrap_err();
        assert_eq!(err.requested_size(), 52);
        assert_eq!(err.requested_align(), 4);
        assert_eq!(
            err.requested_layout(),
            Some(core::alloc::Layout::new::<[u32; 13]>())
        );
        assert_eq!(err.requested_bound(), Some(64));
        assert_eq!(err.remaining(), 48);
        assert_eq!(err.capacity(), 64);
        assert_eq!(err.line(), 2);
    }

    #[test]
    fn a_full_line_is_the_source_of_a_scan_error_and_too_long_has_none() {
        use core::error::Error;
        let full = ArenaFull {
            size: 32,
            align: 8,
            remaining: 16,
            capacity: 64,
            line: 2,
        };
        let err = ScanError::from(full);
        let source = err.source().expect("Full wraps the arena's error");
        assert_eq!(source.to_string(), full.to_string());
        assert_eq!(err.to_string(), full.to_string());
        let too_long = ScanError::TooLong {
            type_name: "Polygon",
            field: "points",
            max: 8,
            len: 12,
        };
        assert!(too_long.source().is_none());
    }

    #[test]
    fn overflowed_request_says_so() {
        let err = ArenaFull {
            size: usize::MAX,
            align: 4,
            remaining: 16,
            capacity: 32,
            line: 3,
        };
        let text = err.to_string();
        assert!(text.contains("more than usize::MAX bytes"), "{text}");
        assert_eq!(err.requested_layout(), None);
    }
}
