//! The arena as arithmetic, and a checker that runs a [`Case`] against both arenas.
//!
//! An internal crate (`publish = false`) shared by arena-core's property test
//! (`arena-core/tests/model.rs`) and the fuzz target (`fuzz/fuzz_targets/arena_ops.rs`), so
//! both check the same definition.
//!
//! The model: every request starts on a 16-byte boundary (or its own larger alignment) and
//! takes its size rounded up to 16; it fails exactly when that does not fit; a scope gives
//! back what it took; a run of unknown length (`alloc_iter`, `alloc_fmt`) claims granules as
//! it goes and moves above anything allocated meanwhile; a line's use is its high-water mark.
//! [`check`] runs a case against an arena and the model side by side and asserts after every
//! step that no two live allocations overlap, that every pointer is aligned and inside the
//! buffer, that the contents of every live allocation survived, and that `used`, `remaining`,
//! `high_water` and the statistics are exact.

use core::alloc::Layout;

use arena_core::{
    ArenaStats, BorrowedArena, Checkpoint, GrowError, InitError, Line, LinePool, ScanArena,
    StaticArena,
};

/// One operation on a line.
#[derive(Debug, Clone)]
pub enum Op {
    /// `try_alloc_layout` with `size` bytes aligned to `1 << align_log2`.
    Raw {
        /// Bytes requested.
        size: usize,
        /// Base-2 logarithm of the alignment.
        align_log2: u32,
    },
    /// `try_alloc_slice_copy` of `len` u32s.
    Slice {
        /// Elements copied.
        len: usize,
    },
    /// `try_alloc_str` of `len` bytes.
    Str {
        /// Bytes copied.
        len: usize,
    },
    /// `try_alloc` of a 64-byte value aligned to 32.
    Wide,
    /// `try_alloc` of a zero-sized value.
    Zst,
    /// A nested scope running these operations.
    Scope(Vec<Op>),
    /// `try_alloc_iter` of `len` items of `[u32; 3]` from an iterator of unknown length
    /// that, for `alloc: Some((at, size))`, allocates `size` bytes from the same line just
    /// before it yields item `at` (or ends, for `at >= len`).
    Iter {
        /// Items the iterator yields.
        len: usize,
        /// When (before which item) and how many bytes the iterator allocates itself.
        alloc: Option<(usize, usize)>,
    },
    /// `try_vec_with_capacity::<u64>(cap)`, `try_push` of `push` values, a raw allocation
    /// of `between` bytes if `Some` (the vector is then no longer at the tip), `into_slice`.
    LineVec {
        /// The vector's capacity in elements.
        cap: usize,
        /// Values pushed (those past the capacity are handed back).
        push: usize,
        /// Bytes allocated after the vector before `into_slice`, if any.
        between: Option<usize>,
    },
    /// `try_string_with_capacity(cap)`, `try_push_str` of a piece of each length,
    /// `into_str`.
    LineString {
        /// The string's capacity in bytes.
        cap: usize,
        /// The length of each piece pushed.
        pieces: Vec<usize>,
    },
    /// `try_alloc_fmt` of `a` bytes of text, a value whose `Display` writes one byte (after
    /// allocating `alloc` bytes from the line, if `Some`), and `b` bytes of text.
    Fmt {
        /// Bytes of text before the value.
        a: usize,
        /// Bytes the value's `Display` allocates from the line, if any.
        alloc: Option<usize>,
        /// Bytes of text after the value.
        b: usize,
    },
    /// A `Checkpoint` running these operations; with `early`, the first `ArenaFull` ends it
    /// (as `?` would).
    Checkpoint {
        /// The operations run in the checkpoint.
        ops: Vec<Op>,
        /// Whether the first `ArenaFull` ends the checkpoint.
        early: bool,
    },
    /// `try_alloc_try_with` of a 48-byte value whose closure fails or not, and first
    /// allocates a `u32` from the same line or not.
    TryWith {
        /// Whether the closure fails.
        fail: bool,
        /// Whether the closure first allocates from the same line.
        inner: bool,
    },
    /// `try_alloc_slice_try_fill_with` of `len` u64s, failing at element `fail_at` if it is
    /// below `len`.
    TryFill {
        /// Elements requested.
        len: usize,
        /// The element whose initialiser fails, if below `len`.
        fail_at: usize,
    },
    /// A `TipSlice` of `start` u32s, a `u8` allocated after it if `between`, then grown to
    /// `grow` and shrunk to `shrink` values.
    Tip {
        /// Values the slice starts with.
        start: usize,
        /// Values it is grown to.
        grow: usize,
        /// Values it is then shrunk to.
        shrink: usize,
        /// Whether a `u8` is allocated after it first (so it is not at the tip).
        between: bool,
    },
    /// An `allocator_api2` `Vec<u8, &Line>` pushed to `len` bytes (while `try_reserve`
    /// succeeds), shrunk to `keep` bytes, then dropped.
    VecGrowFree {
        /// Bytes pushed.
        len: usize,
        /// Bytes kept when it shrinks.
        keep: usize,
    },
}

/// A test case: an arena of `capacity` bytes and the operations of each of its lines.
#[derive(Debug, Clone)]
pub struct Case {
    /// Bytes per line.
    pub capacity: usize,
    /// The operations of each line, in order.
    pub lines: Vec<Vec<Op>>,
}

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Wide([u8; 64]);

/// The arenas share one line API; the tests run each of them.
pub trait Arena {
    /// Begins the next line.
    fn line(&mut self) -> Line<'_>;
    /// The arena's statistics.
    fn stats(&self) -> ArenaStats;
}

impl Arena for ScanArena {
    fn line(&mut self) -> Line<'_> {
        ScanArena::line(self)
    }
    fn stats(&self) -> ArenaStats {
        ScanArena::stats(self)
    }
}

impl Arena for BorrowedArena<'_> {
    fn line(&mut self) -> Line<'_> {
        BorrowedArena::line(self)
    }
    fn stats(&self) -> ArenaStats {
        BorrowedArena::stats(self)
    }
}

impl<const N: usize> Arena for StaticArena<N> {
    fn line(&mut self) -> Line<'_> {
        StaticArena::line(self)
    }
    fn stats(&self) -> ArenaStats {
        StaticArena::stats(self)
    }
}

/// Where operations run: a line (or a scope's line) or a checkpoint of one.
pub trait Level {
    /// Calls `f` with the line to allocate from.
    fn with_line<R>(&self, f: impl FnOnce(&Line<'_>) -> R) -> R;
    /// Runs `f` in a nested closure scope.
    fn in_scope<R>(&mut self, f: impl FnOnce(&mut Line<'_>) -> R) -> R;
    /// Runs `f` in a nested checkpoint, dropped when `f` returns.
    fn in_checkpoint<R>(&mut self, f: impl FnOnce(&mut Checkpoint<'_, '_>) -> R) -> R;
}

impl Level for Line<'_> {
    fn with_line<R>(&self, f: impl FnOnce(&Line<'_>) -> R) -> R {
        f(self)
    }
    fn in_scope<R>(&mut self, f: impl FnOnce(&mut Line<'_>) -> R) -> R {
        self.scope(|inner| f(inner))
    }
    fn in_checkpoint<R>(&mut self, f: impl FnOnce(&mut Checkpoint<'_, '_>) -> R) -> R {
        let mut cp = self.checkpoint();
        f(&mut cp)
    }
}

impl Level for Checkpoint<'_, '_> {
    fn with_line<R>(&self, f: impl FnOnce(&Line<'_>) -> R) -> R {
        f(self)
    }
    fn in_scope<R>(&mut self, f: impl FnOnce(&mut Line<'_>) -> R) -> R {
        self.scope(|inner| f(inner))
    }
    fn in_checkpoint<R>(&mut self, f: impl FnOnce(&mut Checkpoint<'_, '_>) -> R) -> R {
        let mut cp = self.checkpoint();
        f(&mut cp)
    }
}

/// A live allocation: where it is and what it must still hold.
struct Live {
    addr: *const u8,
    len: usize,
    fill: u8,
}

/// The arena as arithmetic.
struct Model {
    cap: usize,
    /// Address of the line buffer, learned from the probe allocation at the start of a line.
    base: usize,
    pos: usize,
    high: usize,
    next_fill: u8,
}

/// `n` rounded up to the arena's 16-byte granule.
pub fn round16(n: usize) -> usize {
    n.div_ceil(16) * 16
}

impl Model {
    /// Where a request lands, or `None` when it must fail with `ArenaFull`.
    fn place(&self, size: usize, align: usize) -> Option<(usize, usize)> {
        if size == 0 {
            return Some((self.pos, self.pos));
        }
        let addr = self.base + self.pos;
        let pad = (align - addr % align) % align;
        let end = self.pos + pad + round16(size);
        (end <= self.cap).then_some((self.pos + pad, end))
    }
}

/// One step of a run of values written at the line's tip (`alloc_iter`, `alloc_fmt`).
enum Step {
    /// The run appends this many values.
    Push(usize),
    /// Something else allocates this many bytes (aligned to 16) from the line.
    Alloc(usize),
}

/// What the model says a tip run does.
struct TipOutcome {
    /// Where each `Step::Alloc` reached landed (offset in the line), `None` if it failed.
    blocks: Vec<Option<usize>>,
    /// The run's offset and length, or the failed request's size.
    result: Result<(usize, usize), usize>,
}

impl Model {
    /// A run of values of `elem` bytes (aligned to at most 16) written at the tip: nothing
    /// is reserved up front; granules are claimed as values need them; when something else
    /// allocated since the run's last claim, the run moves above it at its next claim (the
    /// bytes it had stay used); on failure the cursor returns to where the run (last) began.
    fn tip_run(&mut self, elem: usize, steps: &[Step]) -> TipOutcome {
        let mut blocks = Vec::new();
        let (mut from, mut start, mut claimed, mut count) = (self.pos, self.pos, self.pos, 0);
        for step in steps {
            match *step {
                Step::Alloc(size) => {
                    let placed = self.place(size, 16);
                    if let Some((at, end)) = placed {
                        self.pos = end;
                        blocks.push(Some(at));
                    } else {
                        blocks.push(None);
                    }
                }
                Step::Push(n) => {
                    let ptr = start + count * elem;
                    if ptr + n * elem > claimed {
                        if self.pos != claimed {
                            from = self.pos;
                            start = self.pos;
                            let need = (count + n) * elem;
                            if start + round16(need) > self.cap {
                                return TipOutcome {
                                    blocks,
                                    result: Err(need),
                                };
                            }
                            claimed = start + round16(need);
                        } else if ptr + n * elem > self.cap {
                            self.high = self.high.max(self.pos);
                            self.pos = from;
                            return TipOutcome {
                                blocks,
                                result: Err((count + n) * elem),
                            };
                        } else {
                            claimed = round16(ptr + n * elem);
                        }
                        self.pos = claimed;
                    }
                    count += n;
                }
            }
        }
        TipOutcome {
            blocks,
            result: Ok((start, count)),
        }
    }
}

/// An iterator of unknown length (a `filter_map`'s size hint) that may allocate from the
/// line it is being collected into.
struct AllocatingIter<'l, 'a> {
    line: &'l Line<'a>,
    next: usize,
    len: usize,
    alloc: Option<(usize, usize)>,
    block: &'l core::cell::Cell<Option<Option<*mut u8>>>,
}

impl Iterator for AllocatingIter<'_, '_> {
    type Item = [u32; 3];
    fn next(&mut self) -> Option<[u32; 3]> {
        if let Some((at, size)) = self.alloc
            && at.min(self.len) == self.next
            && self.block.get().is_none()
        {
            let layout = Layout::from_size_align(size, 16).unwrap();
            self.block.set(Some(
                self.line.try_alloc_layout(layout).ok().map(|p| p.as_ptr()),
            ));
        }
        (self.next < self.len).then(|| {
            self.next += 1;
            item(self.next - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.len - self.next))
    }
}

fn item(i: usize) -> [u32; 3] {
    let i = i as u32;
    [i, !i, i.wrapping_mul(7)]
}

/// A value whose `Display` writes `|`, first allocating from the line if `alloc` is set.
struct AllocatingDisplay<'l, 'a> {
    line: &'l Line<'a>,
    alloc: Option<usize>,
    block: &'l core::cell::Cell<Option<Option<*mut u8>>>,
}

impl core::fmt::Display for AllocatingDisplay<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(size) = self.alloc {
            let layout = Layout::from_size_align(size, 16).unwrap();
            self.block.set(Some(
                self.line.try_alloc_layout(layout).ok().map(|p| p.as_ptr()),
            ));
        }
        f.write_str("|")
    }
}

struct Run<'m> {
    model: &'m mut Model,
    live: Vec<Live>,
}

impl Run<'_> {
    fn check_line(&self, line: &Line<'_>) {
        assert_eq!(
            line.used(),
            self.model.pos,
            "used() disagrees with the model"
        );
        assert_eq!(line.remaining(), self.model.cap - self.model.pos);
        assert_eq!(line.capacity(), self.model.cap);
        for live in &self.live {
            // SAFETY: `addr..addr + len` is a live allocation of the current line or of an
            // enclosing one (scopes that ended were removed from `live`), written when it was
            // made and reached since only through this raw pointer.
            let bytes = unsafe { core::slice::from_raw_parts(live.addr, live.len) };
            assert!(
                bytes.iter().all(|&b| b == live.fill),
                "an allocation's contents changed after later allocations"
            );
        }
    }

    /// Checks a fresh allocation against the model and the live set, fills it, records it.
    fn record(&mut self, line: &Line<'_>, addr: *mut u8, size: usize, align: usize) {
        self.place_at(addr, size, align);
        self.keep(addr, size);
        self.check_line(line);
    }

    /// Checks that a request of `size` bytes aligned to `align` landed at `addr`, where the
    /// model puts it, and moves the model's cursor past it.
    fn place_at(&mut self, addr: *const u8, size: usize, align: usize) {
        let (start, end) = self
            .model
            .place(size, align)
            .expect("the arena granted a request the model says does not fit");
        assert_eq!(addr.addr() % align, 0, "misaligned allocation");
        if size > 0 {
            assert_eq!(
                addr.addr(),
                self.model.base + start,
                "allocation not where the model puts it"
            );
            assert!(end <= self.model.cap);
            self.model.pos = end;
        }
    }

    /// Fills `size` bytes at `addr` (a live allocation that overlaps no other) and records
    /// them, to check later that they survive.
    fn keep(&mut self, addr: *mut u8, size: usize) {
        if size > 0 {
            for live in &self.live {
                let (a, b) = (live.addr.addr(), live.addr.addr() + live.len);
                assert!(
                    addr.addr() + size <= a || b <= addr.addr(),
                    "two live allocations overlap"
                );
            }
        }
        let fill = self.model.next_fill;
        self.model.next_fill = self.model.next_fill.wrapping_add(1).max(1);
        // SAFETY: the arena handed out `size` writable bytes at `addr`, ours alone.
        unsafe { addr.write_bytes(fill, size) };
        self.live.push(Live {
            addr,
            len: size,
            fill,
        });
    }

    /// The model's cursor moves back to `to`; the high-water mark keeps where it was.
    fn rewind(&mut self, to: usize) {
        self.model.high = self.model.high.max(self.model.pos);
        self.model.pos = to;
    }

    /// Checks an allocation the model placed at `at` (an offset in the line) against the
    /// live set, fills it, records it.
    fn add_live(&mut self, addr: *mut u8, at: usize, len: usize) {
        if len > 0 {
            assert_eq!(
                addr.addr(),
                self.model.base + at,
                "allocation not where the model puts it"
            );
            assert!(at + len <= self.model.cap);
        }
        self.keep(addr, len);
    }

    /// Checks the blocks a tip run's iterator or `Display` impl allocated.
    fn tip_blocks(
        &mut self,
        expected: &[Option<usize>],
        got: Option<Option<*mut u8>>,
        size: usize,
    ) {
        match (expected.first(), got) {
            (None, None) => {}
            (Some(Some(at)), Some(Some(p))) => self.add_live(p, *at, size),
            (Some(None), Some(None)) => {}
            (e, g) => panic!("the run's inner allocation: model {e:?}, arena {g:?}"),
        }
    }

    /// Checks a failed tip run's error and the line it left.
    fn tip_full(&self, line: &Line<'_>, size: usize, align: usize, err: arena_core::ArenaFull) {
        assert_eq!(err.requested_size(), size, "the failed run's request");
        assert_eq!(err.requested_align(), align);
        assert_eq!(err.remaining(), self.model.cap - self.model.pos);
        assert_eq!(err.capacity(), self.model.cap);
        assert_eq!(err.line(), line.index());
        self.check_line(line);
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
    }

    fn expect_full(&self, line: &Line<'_>, size: usize, align: usize, err: arena_core::ArenaFull) {
        assert!(
            self.model.place(size, align).is_none(),
            "ArenaFull for a request the model says fits: {err}"
        );
        assert_eq!(err.remaining(), self.model.cap - self.model.pos);
        assert_eq!(err.capacity(), self.model.cap);
        assert_eq!(err.line(), line.index());
        self.check_line(line);
    }

    /// Runs `ops` at `level`. With `early`, stops at the first request that does not fit
    /// and returns `Err` (what `?` does in a checkpoint).
    fn run<L: Level>(&mut self, level: &mut L, ops: &[Op], early: bool) -> Result<(), ()> {
        for op in ops {
            let fitted = match op {
                Op::Raw { size, align_log2 } => level.with_line(|line| {
                    let align = 1usize << align_log2;
                    let layout = Layout::from_size_align(*size, align).unwrap();
                    match line.try_alloc_layout(layout) {
                        Ok(p) => {
                            self.record(line, p.as_ptr(), *size, align);
                            true
                        }
                        Err(e) => {
                            self.expect_full(line, *size, align, e);
                            false
                        }
                    }
                }),
                Op::Slice { len } => level.with_line(|line| {
                    let src: Vec<u32> = (0..*len as u32).collect();
                    match line.try_alloc_slice_copy(&src) {
                        Ok(s) => {
                            assert_eq!(&*s, &src[..], "slice copy differs from its source");
                            let addr = s.as_mut_ptr().cast::<u8>();
                            self.record(line, addr, len * 4, 4);
                            true
                        }
                        Err(e) => {
                            self.expect_full(line, len * 4, 4, e);
                            false
                        }
                    }
                }),
                Op::Str { len } => level.with_line(|line| {
                    let src = "é".repeat(len / 2) + &"x".repeat(len % 2);
                    match line.try_alloc_str(&src) {
                        Ok(s) => {
                            assert_eq!(&*s, &src[..]);
                            let addr = s.as_mut_ptr();
                            self.record(line, addr, *len, 1);
                            true
                        }
                        Err(e) => {
                            self.expect_full(line, *len, 1, e);
                            false
                        }
                    }
                }),
                Op::Wide => level.with_line(|line| match line.try_alloc(Wide([0; 64])) {
                    Ok(w) => {
                        let addr = core::ptr::from_mut(w).cast::<u8>();
                        self.record(line, addr, 64, 32);
                        true
                    }
                    Err(e) => {
                        self.expect_full(line, 64, 32, e);
                        false
                    }
                }),
                Op::Zst => level.with_line(|line| {
                    let z = line.try_alloc(()).expect("zero-sized values always fit");
                    self.record(line, core::ptr::from_mut(z).cast(), 0, 1);
                    true
                }),
                Op::Iter { len, alloc } => level.with_line(|line| self.iter(line, *len, *alloc)),
                Op::LineVec { cap, push, between } => {
                    level.with_line(|line| self.line_vec(line, *cap, *push, *between))
                }
                Op::LineString { cap, pieces } => {
                    level.with_line(|line| self.line_string(line, *cap, pieces))
                }
                Op::Fmt { a, alloc, b } => level.with_line(|line| self.fmt(line, *a, *alloc, *b)),
                Op::Scope(inner_ops) => {
                    self.nested(level, inner_ops, None);
                    true
                }
                Op::Checkpoint { ops, early } => {
                    self.nested(level, ops, Some(*early));
                    true
                }
                Op::TryWith { fail, inner } => {
                    level.with_line(|line| self.try_with(line, *fail, *inner))
                }
                Op::TryFill { len, fail_at } => {
                    level.with_line(|line| self.try_fill(line, *len, *fail_at))
                }
                Op::Tip {
                    start,
                    grow,
                    shrink,
                    between,
                } => level.with_line(|line| self.tip(line, *start, *grow, *shrink, *between)),
                Op::VecGrowFree { len, keep } => {
                    level.with_line(|line| self.vec_grow_free(line, *len, *keep))
                }
            };
            if early && !fitted {
                return Err(());
            }
        }
        Ok(())
    }

    /// A scope (`checkpoint == None`) or a checkpoint (`Some(early)`) running `ops`.
    fn nested<L: Level>(&mut self, level: &mut L, ops: &[Op], checkpoint: Option<bool>) {
        // `high` is per level: the high-water of the ended scopes of this line.
        let (pos, live, outer_high) = (self.model.pos, self.live.len(), self.model.high);
        self.model.high = pos;
        let inner_high = match checkpoint {
            None => level.in_scope(|inner| {
                let _ = self.run(inner, ops, false);
                let inner_high = self.model.high.max(self.model.pos);
                assert_eq!(inner.high_water(), inner_high);
                inner_high
            }),
            Some(early) => level.in_checkpoint(|cp| {
                let _ = self.run(cp, ops, early);
                let inner_high = self.model.high.max(self.model.pos);
                assert_eq!(cp.high_water(), inner_high);
                inner_high
            }),
        };
        self.model.pos = pos;
        self.model.high = outer_high.max(inner_high);
        self.live.truncate(live);
        level.with_line(|line| {
            self.check_line(line);
            assert_eq!(line.high_water(), self.model.high.max(pos));
        });
    }

    /// `try_alloc_try_with` of a 48-byte value; see [`Op::TryWith`].
    fn try_with(&mut self, line: &Line<'_>, fail: bool, inner: bool) -> bool {
        let before = self.model.pos;
        let placed = self.model.place(48, 1);
        let mut called = false;
        let mut inner_alloc: Option<*mut u8> = None;
        let result = line.try_alloc_try_with(|| {
            called = true;
            if inner && let Ok(x) = line.try_alloc(7u32) {
                inner_alloc = Some(core::ptr::from_mut(x).cast());
            }
            if fail {
                Err("closure failed")
            } else {
                Ok([0xAB_u8; 48])
            }
        });
        let Some((_, reserved_end)) = placed else {
            assert!(!called, "the closure ran although the line was full");
            match result {
                Err(InitError::Full(e)) => self.expect_full(line, 48, 1, e),
                other => panic!("expected InitError::Full, got {other:?}"),
            }
            return false;
        };
        assert!(called);
        let value_start = self.model.base + self.model.place(48, 1).unwrap().0;
        self.model.pos = reserved_end;
        if inner {
            match (self.model.place(4, 4), inner_alloc) {
                (Some(_), Some(p)) => {
                    self.place_at(p, 4, 4);
                    self.keep(p, 4);
                }
                (None, None) => {}
                (fits, got) => panic!("inner allocation: model {fits:?}, arena {got:?}"),
            }
        }
        match result {
            Ok(value) => {
                assert_eq!(*value, [0xAB; 48]);
                let addr = value.as_mut_ptr();
                assert_eq!(addr.addr(), value_start);
                self.keep(addr, 48);
            }
            Err(InitError::Init(e)) => {
                assert!(fail, "{e}");
                if inner_alloc.is_none() {
                    // Nothing was allocated after the reservation: it is given back.
                    self.rewind(before);
                }
            }
            Err(InitError::Full(e)) => panic!("ArenaFull for a request the model says fits: {e}"),
        }
        self.check_line(line);
        true
    }

    /// `try_alloc_slice_try_fill_with` of `len` u64s; see [`Op::TryFill`].
    fn try_fill(&mut self, line: &Line<'_>, len: usize, fail_at: usize) -> bool {
        let mut calls = 0;
        let result = line.try_alloc_slice_try_fill_with(len, |i| {
            calls += 1;
            if i == fail_at {
                Err(i)
            } else {
                Ok(i as u64 * 3)
            }
        });
        let Some((_, end)) = self.model.place(len * 8, 8) else {
            assert_eq!(calls, 0);
            match result {
                Err(InitError::Full(e)) => self.expect_full(line, len * 8, 8, e),
                other => panic!("expected InitError::Full, got {other:?}"),
            }
            return false;
        };
        match result {
            Ok(values) => {
                assert!(fail_at >= len);
                assert_eq!(calls, len);
                assert!(values.iter().enumerate().all(|(i, &v)| v == i as u64 * 3));
                self.record(line, values.as_mut_ptr().cast(), len * 8, 8);
            }
            Err(InitError::Init(at)) => {
                assert_eq!((at, calls), (fail_at, fail_at + 1));
                let before = self.model.pos;
                self.model.pos = end;
                self.rewind(before);
                self.check_line(line);
            }
            Err(InitError::Full(e)) => panic!("ArenaFull for a request the model says fits: {e}"),
        }
        true
    }

    /// A `TipSlice` grown and shrunk; see [`Op::Tip`].
    fn tip(
        &mut self,
        line: &Line<'_>,
        start: usize,
        grow: usize,
        shrink: usize,
        between: bool,
    ) -> bool {
        let src: Vec<u32> = (0..start as u32).collect();
        let mut tip = match line.try_alloc_tip_slice(&src) {
            Ok(tip) => tip,
            Err(e) => {
                self.expect_full(line, start * 4, 4, e);
                return false;
            }
        };
        // Where the slice's room starts in the model, if it owns any, and whether it is last.
        let mut owned = None;
        if start > 0 {
            let (s, _) = self.model.place(start * 4, 4).unwrap();
            self.place_at(tip.as_ptr().cast(), start * 4, 4);
            owned = Some(s);
        }
        let mut last = true;
        if between {
            match line.try_alloc(0x5Au8) {
                Ok(b) => {
                    self.record(line, core::ptr::from_mut(b), 1, 1);
                    last = owned.is_none();
                }
                Err(e) => self.expect_full(line, 1, 1, e),
            }
        }
        assert_eq!(tip.is_last(), last);
        let mut len = start;
        if grow > len {
            let result = tip.try_grow(grow, 0xF00D);
            match owned {
                None => match self.model.place(grow * 4, 4) {
                    Some((s, _)) => {
                        assert_eq!(result, Ok(()));
                        self.place_at(tip.as_ptr().cast(), grow * 4, 4);
                        (owned, last, len) = (Some(s), true, grow);
                    }
                    None => assert!(matches!(result, Err(GrowError::Full(_))), "{result:?}"),
                },
                Some(_) if !last => {
                    assert_eq!(
                        result,
                        Err(GrowError::NotLast {
                            len,
                            line: line.index()
                        })
                    );
                }
                Some(s) => {
                    let end = s + round16(grow * 4);
                    if end <= self.model.cap {
                        assert_eq!(result, Ok(()));
                        self.model.pos = end;
                        len = grow;
                    } else {
                        let Err(GrowError::Full(e)) = result else {
                            panic!("expected GrowError::Full, got {result:?}");
                        };
                        assert_eq!(e.remaining(), self.model.cap - self.model.pos);
                    }
                }
            }
            self.check_line(line);
        }
        assert_eq!(tip.len(), len);
        assert!(
            tip.iter()
                .enumerate()
                .all(|(i, &v)| v == if i < start { i as u32 } else { 0xF00D })
        );
        if shrink < len {
            let given = tip.shrink(shrink);
            match owned {
                Some(s) if last => {
                    let to = s + round16(shrink * 4);
                    assert_eq!(given, self.model.pos - to);
                    self.rewind(to);
                }
                _ => assert_eq!(given, 0),
            }
            len = shrink;
            self.check_line(line);
        }
        let done = tip.into_slice();
        assert_eq!(done.len(), len);
        self.keep(done.as_mut_ptr().cast(), len * 4);
        true
    }

    /// An `allocator_api2` vector grown, shrunk and freed; see [`Op::VecGrowFree`].
    fn vec_grow_free(&mut self, line: &Line<'_>, len: usize, keep: usize) -> bool {
        let mut v: allocator_api2::vec::Vec<u8, &Line<'_>> = allocator_api2::vec::Vec::new_in(line);
        let start = self.model.pos;
        let mut fitted = true;
        for i in 0..len {
            if v.len() == v.capacity() {
                let used = line.used();
                if v.try_reserve(1).is_err() {
                    assert_eq!(line.used(), used, "a failed growth changed the line");
                    fitted = false;
                    break;
                }
                if v.is_empty() {
                    self.place_at(v.as_ptr(), v.capacity(), 1);
                }
                // Growth at the tip is in place: the vector's room is all that moved.
                assert_eq!(v.as_ptr().addr(), self.model.base + start);
                self.model.pos = start + round16(v.capacity());
                self.check_line(line);
            }
            v.push(i as u8);
        }
        let pushed = v.len();
        v.truncate(keep);
        let kept = v.len();
        if v.capacity() > kept {
            v.shrink_to_fit();
            self.rewind(start + round16(kept));
            self.check_line(line);
        }
        assert!(
            v.iter().enumerate().all(|(i, &b)| b == i as u8),
            "{pushed} pushed"
        );
        let had_room = v.capacity() > 0;
        drop(v);
        if had_room {
            self.rewind(start);
        }
        self.check_line(line);
        fitted
    }
}

/// Runs one line's operations against the model, after a 1-byte probe that tells the model
/// where the buffer is; returns the line's high-water mark.
pub fn check_line(line: &mut Line<'_>, cap: usize, ops: &[Op]) -> usize {
    assert_eq!(line.used(), 0, "a new line starts empty");
    let mut model = Model {
        cap,
        base: 0,
        pos: 0,
        high: 0,
        next_fill: 1,
    };
    // Learn where the buffer is (it may move between lines when the debug guard rotates
    // buffers): a 1-byte probe lands at offset 0 if the line has room.
    if cap >= 16 {
        let probe = line
            .try_alloc(0xEEu8)
            .expect("a 1-byte probe fits a line of 16 bytes or more");
        model.base = core::ptr::from_mut(probe).addr();
        assert_eq!(model.base % 16, 0, "line buffer not 16-byte aligned");
        model.pos = 16;
    }
    let mut run = Run {
        model: &mut model,
        live: Vec::new(),
    };
    let _ = run.run(line, ops, false);
    let high = model.high.max(model.pos);
    assert_eq!(line.high_water(), high);
    high
}

impl Run<'_> {
    /// The op functions return whether everything fitted (no `ArenaFull`).
    fn iter(&mut self, line: &Line<'_>, len: usize, alloc: Option<(usize, usize)>) -> bool {
        let mut steps: Vec<Step> = Vec::new();
        for i in 0..=len {
            if alloc.is_some_and(|(at, _)| at.min(len) == i) {
                steps.push(Step::Alloc(alloc.unwrap().1));
            }
            if i < len {
                steps.push(Step::Push(1));
            }
        }
        let outcome = self.model.tip_run(12, &steps);
        let block = core::cell::Cell::new(None);
        let iter = AllocatingIter {
            line,
            next: 0,
            len,
            alloc,
            block: &block,
        };
        let got = line.try_alloc_iter(iter);
        let size = alloc.map_or(0, |(_, size)| size);
        self.tip_blocks(&outcome.blocks, block.get(), size);
        let fitted = match (outcome.result, got) {
            (Ok((at, count)), Ok(xs)) => {
                assert_eq!(xs.len(), count);
                assert!(
                    xs.iter().enumerate().all(|(i, x)| *x == item(i)),
                    "items differ"
                );
                assert_eq!(xs.as_ptr().addr() % 4, 0, "misaligned allocation");
                self.add_live(xs.as_mut_ptr().cast(), at, count * 12);
                self.check_line(line);
                true
            }
            (Err(size), Err(e)) => {
                self.tip_full(line, size, 4, e);
                false
            }
            (m, a) => panic!("alloc_iter: model {m:?}, arena {:?}", a.map(|xs| xs.len())),
        };
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
        fitted && outcome.blocks.iter().all(Option::is_some)
    }

    fn line_vec(
        &mut self,
        line: &Line<'_>,
        cap: usize,
        push: usize,
        between: Option<usize>,
    ) -> bool {
        let mut v = match line.try_vec_with_capacity::<u64>(cap) {
            Ok(v) => v,
            Err(e) => {
                self.expect_full(line, cap * 8, 8, e);
                return false;
            }
        };
        let (at, _) = self
            .model
            .place(cap * 8, 8)
            .expect("the arena granted a vector the model says does not fit");
        let reserved_end = self.model.pos + if cap > 0 { round16(cap * 8) } else { 0 };
        self.model.pos = reserved_end;
        for i in 0..push as u64 {
            match v.try_push(i * 3) {
                Ok(()) => assert!(i < cap as u64, "pushed past the capacity"),
                Err(e) => {
                    assert!(i >= cap as u64, "a push within the capacity failed");
                    assert_eq!((e.held(), e.capacity()), (cap, cap));
                    assert_eq!(e.into_rejected(), i * 3);
                }
            }
        }
        let len = push.min(cap);
        assert_eq!(v.len(), len);
        assert!(v.iter().enumerate().all(|(i, x)| *x == i as u64 * 3));
        self.check_line(line);
        let mut fitted = true;
        if let Some(size) = between {
            let layout = Layout::from_size_align(size, 16).unwrap();
            match line.try_alloc_layout(layout) {
                Ok(p) => self.record(line, p.as_ptr(), size, 16),
                Err(e) => {
                    self.expect_full(line, size, 16, e);
                    fitted = false;
                }
            }
        }
        let xs = v.into_slice();
        assert!(xs.iter().enumerate().all(|(i, x)| *x == i as u64 * 3));
        if cap > 0 && self.model.pos == reserved_end {
            self.model.high = self.model.high.max(self.model.pos);
            self.model.pos = at + round16(len * 8);
        }
        self.add_live(xs.as_mut_ptr().cast(), at, len * 8);
        self.check_line(line);
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
        fitted
    }

    fn line_string(&mut self, line: &Line<'_>, cap: usize, pieces: &[usize]) -> bool {
        let mut s = match line.try_string_with_capacity(cap) {
            Ok(s) => s,
            Err(e) => {
                self.expect_full(line, cap, 1, e);
                return false;
            }
        };
        let (at, end) = self
            .model
            .place(cap, 1)
            .expect("the arena granted a string the model says does not fit");
        self.model.pos = end;
        let mut text = String::new();
        for (i, &piece) in pieces.iter().enumerate() {
            let add: String =
                core::iter::repeat_n(char::from(b'a' + i as u8 % 26), piece).collect();
            match s.try_push_str(&add) {
                Ok(()) => text.push_str(&add),
                Err(e) => {
                    assert!(text.len() + piece > cap, "a piece that fits was refused");
                    assert_eq!(
                        (e.held(), e.capacity(), e.additional()),
                        (text.len(), cap, piece)
                    );
                }
            }
            assert_eq!(s.as_str(), text);
        }
        self.check_line(line);
        let out = s.into_str();
        assert_eq!(&*out, text);
        if cap > 0 {
            self.model.high = self.model.high.max(self.model.pos);
            self.model.pos = at + round16(text.len());
        }
        self.add_live(out.as_mut_ptr(), at, text.len());
        self.check_line(line);
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
        true
    }

    fn fmt(&mut self, line: &Line<'_>, a: usize, alloc: Option<usize>, b: usize) -> bool {
        let mut steps = vec![Step::Push(a)];
        if let Some(size) = alloc {
            steps.push(Step::Alloc(size));
        }
        steps.push(Step::Push(1));
        steps.push(Step::Push(b));
        let outcome = self.model.tip_run(1, &steps);
        let block = core::cell::Cell::new(None);
        let (ta, tb) = ("a".repeat(a), "é".repeat(b / 2) + &"b".repeat(b % 2));
        let mid = AllocatingDisplay {
            line,
            alloc,
            block: &block,
        };
        let got = line.try_alloc_fmt(format_args!("{ta}{mid}{tb}"));
        self.tip_blocks(&outcome.blocks, block.get(), alloc.unwrap_or(0));
        let fitted = match (outcome.result, got) {
            (Ok((at, len)), Ok(s)) => {
                assert_eq!(&*s, format!("{ta}|{tb}"));
                assert_eq!(len, s.len());
                self.add_live(s.as_mut_ptr(), at, len);
                self.check_line(line);
                true
            }
            (Err(size), Err(e)) => {
                self.tip_full(line, size, 1, e);
                false
            }
            (m, g) => panic!("alloc_fmt: model {m:?}, arena {g:?}"),
        };
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
        fitted && outcome.blocks.iter().all(Option::is_some)
    }
}

/// Runs `case` on `arena` (with `cap` bytes per line) and on the model side by side,
/// panicking with what differs at the first step where they disagree.
pub fn check(arena: &mut impl Arena, cap: usize, case: &Case) {
    let mut peak: Option<(usize, u64)> = None;
    for (index, ops) in case.lines.iter().enumerate() {
        let mut line = arena.line();
        assert_eq!(line.index(), index as u64);
        let high = check_line(&mut line, cap, ops);
        drop(line);
        if peak.is_none_or(|(bytes, _)| high > bytes) {
            peak = Some((high, index as u64));
        }
        let stats = arena.stats();
        assert_eq!(stats.lines, index as u64 + 1);
        assert_eq!(stats.capacity, cap);
        assert_eq!(
            stats.last_line_bytes, high,
            "last_line_bytes is the line's high-water"
        );
        assert_eq!(Some(stats.peak_bytes), peak.map(|p| p.0));
        assert_eq!(stats.peak_line, peak.map(|p| p.1));
    }
}

/// Runs every line of `case` as a row of a two-worker `LinePool` and checks the merged
/// statistics: every row counted, the peak and the first row that reached it, the last row.
pub fn check_pool(case: &Case) {
    let pool = LinePool::with_builder(2, ScanArena::builder().capacity(case.capacity)).unwrap();
    let cap = pool.capacity();
    let mut rows: Vec<(&[Op], usize)> = case.lines.iter().map(|ops| (&ops[..], 0)).collect();
    pool.scoped_lines(2, &mut rows, |_, (ops, high), line| {
        *high = check_line(line, cap, ops);
        Ok::<(), ()>(())
    })
    .unwrap();
    let stats = pool.stats();
    let highs: Vec<usize> = rows.iter().map(|r| r.1).collect();
    let peak = highs.iter().copied().max().unwrap();
    assert_eq!(stats.lines, highs.len() as u64);
    assert_eq!(stats.capacity, cap);
    assert_eq!(stats.peak_bytes, peak);
    assert_eq!(
        stats.peak_line,
        highs.iter().position(|&h| h == peak).map(|y| y as u64)
    );
    assert_eq!(stats.last_line_bytes, *highs.last().unwrap());
}
