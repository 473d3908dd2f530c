//! The arena as arithmetic, and a checker that runs a [`Case`] against both.
//!
//! Shared by the property test (`tests/model.rs`) and the fuzz target
//! (`fuzz/fuzz_targets/arena_ops.rs`), so both check the same definition.
#![allow(dead_code, unreachable_pub)]

use core::alloc::Layout;

use arena_core::{ArenaStats, Line, ScanArena, StaticArena};

#[derive(Debug, Clone)]
pub enum Op {
    /// `try_alloc_layout` with `size` bytes aligned to `1 << align_log2`.
    Raw { size: usize, align_log2: u32 },
    /// `try_alloc_slice_copy` of `len` u32s.
    Slice { len: usize },
    /// `try_alloc_str` of `len` bytes.
    Str { len: usize },
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
        len: usize,
        alloc: Option<(usize, usize)>,
    },
    /// `try_vec_with_capacity::<u64>(cap)`, `try_push` of `push` values, a raw allocation
    /// of `between` bytes if `Some` (the vector is then no longer at the tip), `into_slice`.
    LineVec {
        cap: usize,
        push: usize,
        between: Option<usize>,
    },
    /// `try_string_with_capacity(cap)`, `try_push_str` of a piece of each length,
    /// `into_str`.
    LineString { cap: usize, pieces: Vec<usize> },
    /// `try_alloc_fmt` of `a` bytes of text, a value whose `Display` writes one byte (after
    /// allocating `alloc` bytes from the line, if `Some`), and `b` bytes of text.
    Fmt {
        a: usize,
        alloc: Option<usize>,
        b: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Case {
    pub capacity: usize,
    pub lines: Vec<Vec<Op>>,
}

#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Wide([u8; 64]);

/// The two arenas share one line API; the test runs both.
pub trait Arena {
    fn line(&mut self) -> Line<'_>;
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

    /// Checks an allocation the model placed at `at` (an offset in the line) against the
    /// live set, fills it, records it.
    fn add_live(&mut self, line: &Line<'_>, addr: *mut u8, at: usize, len: usize) {
        if len > 0 {
            assert_eq!(
                addr.addr(),
                self.model.base + at,
                "allocation not where the model puts it"
            );
            assert!(at + len <= self.model.cap);
            for live in &self.live {
                let (a, b) = (live.addr.addr(), live.addr.addr() + live.len);
                assert!(
                    addr.addr() + len <= a || b <= addr.addr(),
                    "two live allocations overlap"
                );
            }
        }
        let fill = self.model.next_fill;
        self.model.next_fill = self.model.next_fill.wrapping_add(1).max(1);
        // SAFETY: the arena handed out `len` writable bytes at `addr`, ours alone.
        unsafe { addr.write_bytes(fill, len) };
        self.live.push(Live { addr, len, fill });
        let _ = line;
    }

    /// Checks the blocks a tip run's iterator or `Display` impl allocated.
    fn tip_blocks(
        &mut self,
        line: &Line<'_>,
        expected: &[Option<usize>],
        got: Option<Option<*mut u8>>,
        size: usize,
    ) {
        match (expected.first(), got) {
            (None, None) => {}
            (Some(Some(at)), Some(Some(p))) => self.add_live(line, p, *at, size),
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
                Op::Iter { len, alloc } => self.iter(line, *len, *alloc),
                Op::LineVec { cap, push, between } => self.line_vec(line, *cap, *push, *between),
                Op::LineString { cap, pieces } => self.line_string(line, *cap, pieces),
                Op::Fmt { a, alloc, b } => self.fmt(line, *a, *alloc, *b),
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

impl Run<'_> {
    fn iter(&mut self, line: &Line<'_>, len: usize, alloc: Option<(usize, usize)>) {
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
        self.tip_blocks(line, &outcome.blocks, block.get(), size);
        match (outcome.result, got) {
            (Ok((at, count)), Ok(xs)) => {
                assert_eq!(xs.len(), count);
                assert!(
                    xs.iter().enumerate().all(|(i, x)| *x == item(i)),
                    "items differ"
                );
                assert_eq!(xs.as_ptr().addr() % 4, 0, "misaligned allocation");
                self.add_live(line, xs.as_mut_ptr().cast(), at, count * 12);
                self.check_line(line);
            }
            (Err(size), Err(e)) => self.tip_full(line, size, 4, e),
            (m, a) => panic!("alloc_iter: model {m:?}, arena {:?}", a.map(|xs| xs.len())),
        }
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
    }

    fn line_vec(&mut self, line: &Line<'_>, cap: usize, push: usize, between: Option<usize>) {
        let mut v = match line.try_vec_with_capacity::<u64>(cap) {
            Ok(v) => v,
            Err(e) => return self.expect_full(line, cap * 8, 8, e),
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
        if let Some(size) = between {
            let layout = Layout::from_size_align(size, 16).unwrap();
            match line.try_alloc_layout(layout) {
                Ok(p) => self.record(line, p.as_ptr(), size, 16),
                Err(e) => self.expect_full(line, size, 16, e),
            }
        }
        let xs = v.into_slice();
        assert!(xs.iter().enumerate().all(|(i, x)| *x == i as u64 * 3));
        if cap > 0 && self.model.pos == reserved_end {
            self.model.high = self.model.high.max(self.model.pos);
            self.model.pos = at + round16(len * 8);
        }
        self.add_live(line, xs.as_mut_ptr().cast(), at, len * 8);
        self.check_line(line);
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
    }

    fn line_string(&mut self, line: &Line<'_>, cap: usize, pieces: &[usize]) {
        let mut s = match line.try_string_with_capacity(cap) {
            Ok(s) => s,
            Err(e) => return self.expect_full(line, cap, 1, e),
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
        self.add_live(line, out.as_mut_ptr(), at, text.len());
        self.check_line(line);
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
    }

    fn fmt(&mut self, line: &Line<'_>, a: usize, alloc: Option<usize>, b: usize) {
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
        self.tip_blocks(line, &outcome.blocks, block.get(), alloc.unwrap_or(0));
        match (outcome.result, got) {
            (Ok((at, len)), Ok(s)) => {
                assert_eq!(&*s, format!("{ta}|{tb}"));
                assert_eq!(len, s.len());
                self.add_live(line, s.as_mut_ptr(), at, len);
                self.check_line(line);
            }
            (Err(size), Err(e)) => self.tip_full(line, size, 1, e),
            (m, g) => panic!("alloc_fmt: model {m:?}, arena {g:?}"),
        }
        assert_eq!(line.high_water(), self.model.high.max(self.model.pos));
    }
}

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
            let probe = line.alloc(0xEEu8);
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
