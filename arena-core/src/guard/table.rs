//! The protected ranges of every guarded buffer in the process, readable from a signal
//! handler.
//!
//! A fixed array of slots made of atomics: no allocation and no lock, so the fault handler
//! can read it whatever the interrupted thread was doing. Each protected buffer claims one
//! slot for its lifetime and is the only writer of it; writes are rare (two per line of a
//! guarded arena), reads happen only when a process is about to die. Each slot is a seqlock:
//! the writer makes `seq` odd, writes, makes it even again; a reader retries when `seq` was
//! odd or changed while it read, so it never combines the range of one line with the line
//! number of another.

//!
//! Why a reader never sees a torn range (checked by the loom model at the end of this file,
//! `RUSTFLAGS="--cfg loom" cargo test -p arena-core --lib --release loom`, which explores every
//! interleaving of a writer and a reader under the C11 memory model):
//! - The writer's `seq` store that makes it odd is sequenced before a release fence, and the
//!   data stores after it. A reader whose relaxed data loads see any of those new stores, and
//!   that then passes its acquire fence, synchronises with the writer's release fence; so its
//!   second `seq` load sees the odd value or a later one, differs from its first, and retries.
//! - The writer's final `seq` store (even) is a release; a reader whose first `seq` load
//!   (acquire) sees it also sees every data store before it, so it reads the new range whole.
//! - One writer per entry (the `Slot` invariant), so `seq` only grows and the first and second
//!   loads can be equal only if no write started in between: the ABA case would need 2^63
//!   writes while one reader reads three words.

#[cfg(not(all(loom, test)))]
use core::hint::spin_loop;
#[cfg(not(all(loom, test)))]
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};
#[cfg(all(loom, test))]
use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};

use super::Guard;

/// How often a reader retries a slot a writer is updating before giving up on it. The loom
/// model retries twice: one retry already covers every way a write can overlap a read, and
/// each iteration multiplies the interleavings loom explores.
const READ_RETRIES: usize = if cfg!(all(loom, test)) { 2 } else { 10_000 };

/// How many entries the table has. The loom model uses two: every property it checks
/// involves at most two writers, and a longer table only adds interleavings.
const TABLE_LEN: usize = if cfg!(all(loom, test)) { 2 } else { Guard::MAX_PROTECTED_BUFFERS };

/// One protected range, `start..end` (empty when nothing is protected), holding the memory
/// of scan-line `line`.
struct Entry {
    claimed: AtomicBool,
    seq: AtomicU64,
    start: AtomicUsize,
    end: AtomicUsize,
    line: AtomicU64,
}

/// An empty, unclaimed entry. A macro, not a `const fn`, because loom's atomics have no
/// `const` constructors: the real table is a plain `static`, the loom model's a lazy one.
macro_rules! empty_entry {
    () => {
        Entry {
            claimed: AtomicBool::new(false),
            seq: AtomicU64::new(0),
            start: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            line: AtomicU64::new(0),
        }
    };
}

#[cfg(not(all(loom, test)))]
static TABLE: [Entry; TABLE_LEN] = [const { empty_entry!() }; TABLE_LEN];

// Loom resets a lazy static at the start of each explored execution.
#[cfg(all(loom, test))]
loom::lazy_static! {
    static ref TABLE: [Entry; TABLE_LEN] = core::array::from_fn(|_| empty_entry!());
}

/// The right to publish one protected range: one entry of the table, owned until dropped.
///
/// Invariant: `TABLE[index].claimed` is true, set by this slot, and no other `Slot` has the
/// same index; so this slot is the only writer of the entry.
#[derive(Debug)]
pub(super) struct Slot {
    index: usize,
}

impl Slot {
    /// Claims a free entry, or `None` if all [`Guard::MAX_PROTECTED_BUFFERS`] are taken.
    pub(super) fn claim() -> Option<Slot> {
        TABLE
            .iter()
            .position(|entry| {
                entry
                    .claimed
                    .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            })
            .map(|index| Slot { index })
    }

    /// Announces that `start..end` holds the memory of scan-line `line` and is (about to be)
    /// protected. Publish before protecting, so that a fault always finds its range.
    pub(super) fn publish(&self, start: usize, end: usize, line: u64) {
        self.write(start, end, line);
    }

    /// Announces that nothing of this buffer is protected any more.
    pub(super) fn clear(&self) {
        self.write(0, 0, 0);
    }

    fn write(&self, start: usize, end: usize, line: u64) {
        let entry = &TABLE[self.index];
        // Only this slot writes the entry (type invariant), so a plain load-and-store of
        // `seq` cannot lose an update.
        let seq = entry.seq.load(Ordering::Relaxed);
        entry.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        // Orders the odd `seq` before the data: a reader that sees new data sees `seq` moved.
        fence(Ordering::Release);
        entry.start.store(start, Ordering::Relaxed);
        entry.end.store(end, Ordering::Relaxed);
        entry.line.store(line, Ordering::Relaxed);
        entry.seq.store(seq.wrapping_add(2), Ordering::Release);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.clear();
        TABLE[self.index].claimed.store(false, Ordering::Release);
    }
}

/// The scan-line whose protected memory holds `addr`, if any.
///
/// Async-signal-safe: atomic loads and a bounded number of retries, nothing else.
pub(super) fn lookup(addr: usize) -> Option<u64> {
    TABLE.iter().find_map(|entry| read(entry, addr))
}

fn read(entry: &Entry, addr: usize) -> Option<u64> {
    for _ in 0..READ_RETRIES {
        let before = entry.seq.load(Ordering::Acquire);
        if before % 2 == 1 {
            // A writer on another thread is mid-update; it finishes in a few instructions.
            #[cfg(not(all(loom, test)))]
            spin_loop();
            // Loom must be told the thread waits for another, or it explores the spin alone.
            #[cfg(all(loom, test))]
            loom::thread::yield_now();
            continue;
        }
        let start = entry.start.load(Ordering::Relaxed);
        let end = entry.end.load(Ordering::Relaxed);
        let line = entry.line.load(Ordering::Relaxed);
        // Orders the data loads before the second `seq` load.
        fence(Ordering::Acquire);
        if entry.seq.load(Ordering::Relaxed) != before {
            continue;
        }
        return (start <= addr && addr < end).then_some(line);
    }
    None
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn published_ranges_are_found_and_cleared_ones_are_not() {
        let a = Slot::claim().unwrap();
        let b = Slot::claim().unwrap();
        // Addresses no mapping in this process uses (the test never touches them).
        let base = usize::MAX - 0x10_0000;
        a.publish(base, base + 0x2000, 41);
        b.publish(base + 0x4000, base + 0x5000, 7);
        assert_eq!(lookup(base), Some(41));
        assert_eq!(lookup(base + 0x1fff), Some(41));
        assert_eq!(lookup(base + 0x2000), None);
        assert_eq!(lookup(base + 0x4800), Some(7));
        a.clear();
        assert_eq!(lookup(base + 0x10), None);
        drop(b);
        assert_eq!(lookup(base + 0x4800), None);
    }

    /// The loom model's first property at full speed on real threads (and under
    /// ThreadSanitizer in CI): while two owners move their ranges back and forth between two
    /// places and a third claims and releases entries, a reader never finds an address in a
    /// range that was never published with that line.
    #[test]
    fn readers_never_see_a_torn_range_while_owners_move_theirs() {
        use std::sync::atomic::AtomicBool;
        use std::thread;
        // Each lookup reads all 1024 entries; the owners write until the reader is done.
        const ROUNDS: u64 = 200;
        // Far from any mapping (never touched), one window per owner, two ranges each.
        let window = |owner: usize| usize::MAX - 0x100_0000 + owner * 0x10_0000;
        let range = |owner: usize, which: u64| {
            let start = window(owner) + which as usize * 0x8000;
            (start, start + 0x1000)
        };
        // Owner `o` publishes range `which` with line `o * 2 + which`: any other pairing of
        // an address with a line is a torn read.
        let expected = |owner: usize, which: u64| owner as u64 * 2 + which;
        let done = AtomicBool::new(false);
        thread::scope(|threads| {
            for owner in 0..2 {
                let done = &done;
                threads.spawn(move || {
                    let slot = Slot::claim().expect("a free entry");
                    for round in 0.. {
                        if done.load(Ordering::Relaxed) {
                            break;
                        }
                        let which = round % 2;
                        let (start, end) = range(owner, which);
                        slot.publish(start, end, expected(owner, which));
                        if round % 7 == 0 {
                            slot.clear();
                        }
                    }
                });
            }
            threads.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    drop(Slot::claim());
                }
            });
            threads.spawn(|| {
                for round in 0..ROUNDS {
                    for owner in 0..2 {
                        for which in 0..2 {
                            let (start, end) = range(owner, which);
                            let addr = start + (round as usize % (end - start));
                            let found = lookup(addr);
                            assert!(
                                found.is_none() || found == Some(expected(owner, which)),
                                "{addr:#x} found as line {found:?}"
                            );
                            // Between the two ranges of an owner: never inside anything.
                            assert_eq!(lookup(end + 0x100), None);
                        }
                    }
                }
                done.store(true, Ordering::Relaxed);
            });
        });
    }
}

/// The loom model: every interleaving (up to loom's default bounds) of writers publishing and
/// clearing ranges while a reader looks them up, as the fault handler does.
#[cfg(all(test, loom))]
mod loom_model {
    use super::*;
    use loom::thread;

    // Two ranges far apart: a reader that mixed the bounds or line of one with the other's
    // would report an address of `FIRST` as line 2, or `GAP` as inside a range.
    const FIRST: (usize, usize, u64) = (0x1000, 0x2000, 1);
    const SECOND: (usize, usize, u64) = (0x8000, 0x9000, 2);
    const IN_FIRST: usize = 0x1800;
    const GAP: usize = 0x4000;
    const IN_SECOND: usize = 0x8800;

    #[test]
    fn a_reader_sees_a_whole_range_or_none_never_a_mix() {
        loom::model(|| {
            let slot = Slot::claim().expect("an empty table has a free entry");
            slot.publish(FIRST.0, FIRST.1, FIRST.2);
            let reader = thread::spawn(|| [lookup(IN_FIRST), lookup(GAP), lookup(IN_SECOND)]);
            slot.publish(SECOND.0, SECOND.1, SECOND.2);
            let [in_first, gap, in_second] = reader.join().unwrap();
            // The old range or nothing (the write was in progress, or already done).
            assert!(matches!(in_first, Some(1) | None), "{in_first:?}");
            assert_eq!(gap, None);
            assert!(matches!(in_second, Some(2) | None), "{in_second:?}");
            // Once the writer is done (joined), a lookup finds exactly the new range.
            assert_eq!(lookup(IN_FIRST), None);
            assert_eq!(lookup(IN_SECOND), Some(2));
        });
    }

    #[test]
    fn a_range_published_before_a_fault_is_always_found() {
        // The guard publishes, then protects; the fault comes after the protection. Model the
        // order with a flag the "fault" waits for: the reader must then find the range, on any
        // thread, even while another buffer's owner clears its own entry.
        loom::model(|| {
            let protected = loom::sync::Arc::new(AtomicBool::new(false));
            let other = Slot::claim().expect("two free entries");
            other.publish(SECOND.0, SECOND.1, SECOND.2);
            let slot = Slot::claim().expect("two free entries");
            let flag = protected.clone();
            let faulting = thread::spawn(move || {
                if flag.load(Ordering::Acquire) {
                    assert_eq!(lookup(IN_FIRST), Some(1));
                }
            });
            let clearing = thread::spawn(move || drop(other));
            slot.publish(FIRST.0, FIRST.1, FIRST.2);
            protected.store(true, Ordering::Release);
            faulting.join().unwrap();
            clearing.join().unwrap();
            assert_eq!(lookup(IN_SECOND), None);
        });
    }

    #[test]
    fn two_threads_never_claim_the_same_entry() {
        loom::model(|| {
            let first = thread::spawn(Slot::claim);
            let second = Slot::claim();
            let first = first.join().unwrap();
            let (Some(a), Some(b)) = (first, second) else {
                panic!("a two-entry table has room for two claims");
            };
            assert_ne!(a.index, b.index);
            // Both full now; one release makes room for exactly one more.
            assert!(Slot::claim().is_none());
            drop(a);
            assert!(Slot::claim().is_some());
        });
    }
}
