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

use core::hint::spin_loop;
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering, fence};

use super::Guard;

/// How often a reader retries a slot a writer is updating before giving up on it.
const READ_RETRIES: usize = 10_000;

/// One protected range, `start..end` (empty when nothing is protected), holding the memory
/// of scan-line `line`.
struct Entry {
    claimed: AtomicBool,
    seq: AtomicU64,
    start: AtomicUsize,
    end: AtomicUsize,
    line: AtomicU64,
}

impl Entry {
    const fn new() -> Self {
        Entry {
            claimed: AtomicBool::new(false),
            seq: AtomicU64::new(0),
            start: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
            line: AtomicU64::new(0),
        }
    }
}

static TABLE: [Entry; Guard::MAX_PROTECTED_BUFFERS] =
    [const { Entry::new() }; Guard::MAX_PROTECTED_BUFFERS];

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
            spin_loop();
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

#[cfg(test)]
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
}
