//! The arena as arithmetic, and a checker that runs a [`Case`] against both arenas.
//!
//! An internal crate (`publish = false`) shared by arena-core's property test
//! (`arena-core/tests/model.rs`) and the fuzz target (`fuzz/fuzz_targets/arena_ops.rs`), so
//! both check the same definition.
//!
//! The model: every request starts on a 16-byte boundary (or its own larger alignment) and
//! takes its size rounded up to 16; it fails exactly when that does not fit; a scope gives
//! back what it took; a line's use is its high-water mark. [`check`] runs a case against an
//! arena and the model side by side and asserts after every step that no two live
//! allocations overlap, that every pointer is aligned and inside the buffer, that the
//! contents of every live allocation survived, and that `used`, `remaining` and the
//! statistics are exact.

use core::alloc::Layout;

use arena_core::{ArenaStats, Line, ScanArena, StaticArena};

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

/// The two arenas share one line API; the test runs both.
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

impl<const N: usize> Arena for StaticArena<N> {
    fn line(&mut self) -> Line<'_> {
        StaticArena::line(self)
    }
    fn stats(&self) -> ArenaStats {
        StaticArena::stats(self)
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
            for live in &self.live {
                let (a, b) = (live.addr.addr(), live.addr.addr() + live.len);
                assert!(
                    addr.addr() + size <= a || b <= addr.addr(),
                    "two live allocations overlap"
                );
            }
            self.model.pos = end;
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
        self.check_line(line);
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

    fn run(&mut self, line: &mut Line<'_>, ops: &[Op]) {
        for op in ops {
            match op {
                Op::Raw { size, align_log2 } => {
                    let align = 1usize << align_log2;
                    let layout = Layout::from_size_align(*size, align).unwrap();
                    match line.try_alloc_layout(layout) {
                        Ok(p) => self.record(line, p.as_ptr(), *size, align),
                        Err(e) => self.expect_full(line, *size, align, e),
                    }
                }
                Op::Slice { len } => {
                    let src: Vec<u32> = (0..*len as u32).collect();
                    match line.try_alloc_slice_copy(&src) {
                        Ok(s) => {
                            assert_eq!(&*s, &src[..], "slice copy differs from its source");
                            let addr = s.as_mut_ptr().cast::<u8>();
                            self.record(line, addr, len * 4, 4);
                        }
                        Err(e) => self.expect_full(line, len * 4, 4, e),
                    }
                }
                Op::Str { len } => {
                    let src = "é".repeat(len / 2) + &"x".repeat(len % 2);
                    match line.try_alloc_str(&src) {
                        Ok(s) => {
                            assert_eq!(&*s, &src[..]);
                            let addr = s.as_mut_ptr();
                            self.record(line, addr, *len, 1);
                        }
                        Err(e) => self.expect_full(line, *len, 1, e),
                    }
                }
                Op::Wide => match line.try_alloc(Wide([0; 64])) {
                    Ok(w) => {
                        let addr = core::ptr::from_mut(w).cast::<u8>();
                        self.record(line, addr, 64, 32);
                    }
                    Err(e) => self.expect_full(line, 64, 32, e),
                },
                Op::Zst => {
                    let z = line.try_alloc(()).expect("zero-sized values always fit");
                    self.record(line, core::ptr::from_mut(z).cast(), 0, 1);
                }
                Op::Scope(inner_ops) => {
                    // `high` is per level: the high-water of the ended scopes of this line.
                    let (pos, live, outer_high) =
                        (self.model.pos, self.live.len(), self.model.high);
                    self.model.high = pos;
                    let inner_high = line.scope(|inner| {
                        self.run(inner, inner_ops);
                        let inner_high = self.model.high.max(self.model.pos);
                        assert_eq!(inner.high_water(), inner_high);
                        inner_high
                    });
                    self.model.pos = pos;
                    self.model.high = outer_high.max(inner_high);
                    self.live.truncate(live);
                    self.check_line(line);
                    assert_eq!(line.high_water(), self.model.high.max(pos));
                }
            }
        }
    }
}

/// Runs `case` on `arena` (with `cap` bytes per line) and on the model side by side,
/// panicking with what differs at the first step where they disagree.
pub fn check(arena: &mut impl Arena, cap: usize, case: &Case) {
    let mut peak: Option<(usize, u64)> = None;
    for (index, ops) in case.lines.iter().enumerate() {
        let mut line = arena.line();
        assert_eq!(line.index(), index as u64);
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
        }
        let mut run = Run {
            model: &mut model,
            live: Vec::new(),
        };
        if cap >= 16 {
            run.model.pos = 16;
        }
        run.run(&mut line, ops);
        drop(line);
        let high = model.high.max(model.pos);
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
