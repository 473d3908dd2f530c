//! `LinePool`: one line arena per worker, sized from one budget, for rendering rows in
//! parallel (with rayon, or with `std::thread::scope`), and statistics merged over all of
//! them.

use core::fmt;
use core::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::vec::Vec;

use crate::arena::{ArenaBuilder, BufferError, ScanArena};
use crate::bound::Budget;
use crate::line::Line;
use crate::log::ArenaStats;

/// One line arena per worker, all sized from one [`Budget`]: each row (scan-line, packet,
/// audio block) of a parallel loop gets a fresh [`Line`] from the arena of the worker that
/// runs it.
///
/// The arenas are made up front and kept warm across calls: rendering the next image makes
/// no allocation (a worker arena is only added if more rows run at once than ever before,
/// which rayon's work stealing can cause when a row itself waits on parallel work).
/// [`stats`](LinePool::stats) merges the statistics of all of them, with the peak's row.
///
/// With the `rayon` feature, [`par_lines`](LinePool::par_lines) and
/// [`try_par_lines`](LinePool::try_par_lines) run on the current rayon pool (call them
/// inside [`ThreadPool::install`][install] for your own);
/// [`scoped_lines`](LinePool::scoped_lines) needs only `std`.
///
/// [install]: https://docs.rs/rayon/latest/rayon/struct.ThreadPool.html#method.install
///
/// ```
/// use arena_core::{LinePool, budget};
///
/// let (width, height) = (64usize, 48usize);
/// let pool = LinePool::try_new(4, budget!(f32 * 64))?;
/// let mut image = vec![0u8; width * height];
/// let mut rows: Vec<&mut [u8]> = image.chunks_mut(width).collect();
/// pool.scoped_lines(4, &mut rows, |y, row, line| {
///     // Per-row scratch from this worker's arena, released when the row ends.
///     let coverage = line.try_alloc_slice_fill_with(width, |x| ((x + y) % 4) as f32 / 4.0)?;
///     for (px, c) in row.iter_mut().zip(coverage.iter()) {
///         *px = (c * 255.0) as u8;
///     }
///     Ok::<(), arena_core::ArenaFull>(())
/// })?;
/// assert_eq!(image[width + 3], 0); // row 1, x 3: (3 + 1) % 4 == 0
/// let stats = pool.stats();
/// assert_eq!((stats.lines, stats.peak_bytes, stats.peak_line), (48, 256, Some(0)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct LinePool {
    /// How every worker arena is built (capacity, guard).
    builder: ArenaBuilder,
    /// The arenas not in use by a row right now: all of them between calls.
    idle: Mutex<Vec<Worker>>,
    /// Worker arenas made so far.
    made: AtomicUsize,
    /// Calls begun, numbering them so the statistics can tell rows of different calls apart.
    calls: AtomicU64,
    /// The capacity of every arena.
    capacity: usize,
}

/// A worker's arena and what its rows used.
struct Worker {
    arena: ScanArena,
    /// The largest row use, with the first (call, row) that reached it.
    peak: Option<(usize, u64, usize)>,
    /// The use of the last row: the highest (call, row) this worker ran.
    last: Option<(u64, usize, usize)>,
}

impl Worker {
    fn new(arena: ScanArena) -> Self {
        Worker {
            arena,
            peak: None,
            last: None,
        }
    }

    /// Runs `f` for row `y` of call `call` on a fresh line, and records the line's use.
    fn run<T, E>(
        &mut self,
        call: u64,
        y: usize,
        item: T,
        f: &impl Fn(usize, T, &mut Line<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let (result, used) = {
            let mut line = self.arena.line();
            let result = f(y, item, &mut line);
            (result, line.high_water())
        };
        if self
            .peak
            .is_none_or(|(b, c, r)| used > b || (used == b && (call, y) < (c, r)))
        {
            self.peak = Some((used, call, y));
        }
        if self.last.is_none_or(|(c, r, _)| (call, y) > (c, r)) {
            self.last = Some((call, y, used));
        }
        result
    }
}

/// A worker taken from the pool for one thread's share of a call; it goes back on drop.
struct Lease<'p> {
    pool: &'p LinePool,
    worker: Option<Worker>,
}

impl Lease<'_> {
    fn worker(&mut self) -> &mut Worker {
        // Only `drop` takes the worker out.
        self.worker.as_mut().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(worker) = self.worker.take() {
            self.pool.idle().push(worker);
        }
    }
}

/// Why a parallel call of a [`LinePool`] stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolError<E> {
    /// A worker arena had to be added (more rows ran at once than workers existed) and its
    /// buffer could not be allocated.
    Arena(BufferError),
    /// A row's closure failed; other rows may or may not have run.
    Row {
        /// The row's index.
        row: usize,
        /// Its error.
        error: E,
    },
}

impl<E: fmt::Display> fmt::Display for PoolError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Arena(e) => write!(f, "adding a worker arena to the line pool: {e}"),
            PoolError::Row { row, error } => write!(f, "row {row}: {error}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for PoolError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            PoolError::Arena(e) => Some(e),
            PoolError::Row { error, .. } => Some(error),
        }
    }
}

impl LinePool {
    /// A pool of `workers` arenas (at least one), each of `budget`'s size, built with the
    /// default [`Guard`](crate::Guard) setting; an error if a buffer cannot be allocated.
    pub fn try_new(workers: usize, budget: Budget) -> Result<Self, BufferError> {
        Self::with_builder(workers, ScanArena::builder().budget(budget))
    }

    /// A pool of `workers` arenas (at least one), each built by `builder`.
    pub fn with_builder(workers: usize, builder: ArenaBuilder) -> Result<Self, BufferError> {
        let first = builder.clone().try_build()?;
        let capacity = first.capacity();
        let pool = LinePool {
            builder,
            idle: Mutex::new(Vec::new()),
            made: AtomicUsize::new(0),
            calls: AtomicU64::new(0),
            capacity,
        };
        pool.made.fetch_add(1, Ordering::Relaxed);
        pool.idle().push(Worker::new(first));
        pool.ensure(workers)?;
        Ok(pool)
    }

    /// The capacity of every worker's lines, in bytes.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The worker arenas made so far.
    pub fn workers(&self) -> usize {
        self.made.load(Ordering::Relaxed)
    }

    /// Statistics merged over every worker: `lines` is the total of all workers' lines,
    /// `peak_bytes` the largest use of any row, `peak_line` the index of the first row that
    /// reached it (of the earliest call that did), `last_line_bytes` the use of the row with
    /// the highest index in the latest call. Rows still running on another thread are not
    /// counted yet.
    pub fn stats(&self) -> ArenaStats {
        let idle = self.idle();
        let mut stats = ArenaStats {
            lines: 0,
            capacity: self.capacity,
            last_line_bytes: 0,
            peak_bytes: 0,
            peak_line: None,
        };
        let mut peak: Option<(usize, u64, usize)> = None;
        let mut last: Option<(u64, usize, usize)> = None;
        for worker in idle.iter() {
            stats.lines += worker.arena.stats().lines;
            if let Some((b, c, r)) = worker.peak
                && peak.is_none_or(|(pb, pc, pr)| b > pb || (b == pb && (c, r) < (pc, pr)))
            {
                peak = Some((b, c, r));
            }
            if let Some((c, r, b)) = worker.last
                && last.is_none_or(|(lc, lr, _)| (c, r) > (lc, lr))
            {
                last = Some((c, r, b));
            }
        }
        if let Some((bytes, _, row)) = peak {
            stats.peak_bytes = bytes;
            stats.peak_line = Some(row as u64);
        }
        if let Some((_, _, bytes)) = last {
            stats.last_line_bytes = bytes;
        }
        stats
    }

    /// Runs `f(y, row, line)` for every element of `rows`, spread over `threads` threads
    /// (at least one; each takes a contiguous share of the rows) with `std::thread::scope`.
    /// Each row gets a fresh line from its thread's worker arena.
    ///
    /// Stops at a row's error (the rows of other threads run to the end of their share or
    /// their own error) and returns the first one.
    pub fn scoped_lines<R, E, F>(
        &self,
        threads: usize,
        rows: &mut [R],
        f: F,
    ) -> Result<(), PoolError<E>>
    where
        R: Send,
        E: Send,
        F: Fn(usize, &mut R, &mut Line<'_>) -> Result<(), E> + Sync,
    {
        if rows.is_empty() {
            return Ok(());
        }
        let threads = threads.clamp(1, rows.len());
        let share = rows.len().div_ceil(threads);
        let mut leases = Vec::with_capacity(threads);
        for _ in 0..threads {
            leases.push(self.lease().map_err(PoolError::Arena)?);
        }
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        let f = &f;
        std::thread::scope(|s| {
            let handles: Vec<_> = leases
                .iter_mut()
                .zip(rows.chunks_mut(share))
                .enumerate()
                .map(|(t, (lease, chunk))| {
                    s.spawn(move || {
                        let worker = lease.worker();
                        for (i, row) in chunk.iter_mut().enumerate() {
                            let y = t * share + i;
                            worker
                                .run(call, y, row, f)
                                .map_err(|error| PoolError::Row { row: y, error })?;
                        }
                        Ok(())
                    })
                })
                .collect();
            let mut first = Ok(());
            for handle in handles {
                let result = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                if first.is_ok() {
                    first = result;
                }
            }
            first
        })
    }

    /// The arenas not in use. A row that panicked while holding the lock cannot have left
    /// the list inconsistent (pushes and pops are whole), so a poisoned lock is used as is.
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Makes a worker arena (not yet idle: the caller uses it or pushes it).
    fn make(&self) -> Result<Worker, BufferError> {
        let arena = self.builder.clone().try_build()?;
        self.made.fetch_add(1, Ordering::Relaxed);
        Ok(Worker::new(arena))
    }

    /// Makes arenas until there are at least `workers`.
    fn ensure(&self, workers: usize) -> Result<(), BufferError> {
        while self.workers() < workers {
            let worker = self.make()?;
            self.idle().push(worker);
        }
        Ok(())
    }

    /// Takes an idle worker, making one if none is idle.
    fn lease(&self) -> Result<Lease<'_>, BufferError> {
        let idle = self.idle().pop();
        let worker = match idle {
            Some(worker) => worker,
            None => self.make()?,
        };
        Ok(Lease {
            pool: self,
            worker: Some(worker),
        })
    }
}

#[cfg(feature = "rayon")]
impl LinePool {
    /// Runs `f(y, item, line)` for every item of an indexed parallel iterator (rows of an
    /// image from `par_chunks_mut`, a zip of several, a range of row indices) on the current
    /// rayon pool, each row on a fresh line of the worker that runs it.
    ///
    /// Makes sure there are as many worker arenas as the pool has threads first, so the
    /// pool's arenas are reused from call to call.
    ///
    /// ```
    /// use arena_core::{LinePool, budget};
    /// use rayon::prelude::*;
    ///
    /// let threads = rayon::ThreadPoolBuilder::new().num_threads(3).build()?;
    /// let pool = LinePool::try_new(1, budget!(u32 * 32))?;
    /// let mut image = vec![0u32; 32 * 20];
    /// threads.install(|| {
    ///     pool.par_lines(image.par_chunks_mut(32), |y, row, line| {
    ///         // Scratch from this worker's arena: 32 values fit the budget.
    ///         if let Ok(tmp) = line.try_alloc_slice_fill_with(32, |x| (x * y) as u32) {
    ///             row.copy_from_slice(tmp);
    ///         }
    ///     })
    /// })?;
    /// assert_eq!(image[32 * 19 + 2], 38);
    /// assert_eq!((pool.workers(), pool.stats().lines), (3, 20));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn par_lines<I, F>(&self, items: I, f: F) -> Result<(), BufferError>
    where
        I: rayon::iter::IntoParallelIterator,
        I::Iter: rayon::iter::IndexedParallelIterator,
        F: Fn(usize, I::Item, &mut Line<'_>) + Sync + Send,
    {
        self.try_par_lines(items, |y, item, line| {
            f(y, item, line);
            Ok::<(), core::convert::Infallible>(())
        })
        .map_err(|e| match e {
            PoolError::Arena(e) => e,
            PoolError::Row { error, .. } => match error {},
        })
    }

    /// [`par_lines`](LinePool::par_lines) for a row closure that can fail: stops at the
    /// first error (rows already running finish) and returns it.
    pub fn try_par_lines<I, E, F>(&self, items: I, f: F) -> Result<(), PoolError<E>>
    where
        I: rayon::iter::IntoParallelIterator,
        I::Iter: rayon::iter::IndexedParallelIterator,
        E: Send,
        F: Fn(usize, I::Item, &mut Line<'_>) -> Result<(), E> + Sync + Send,
    {
        use rayon::iter::{IndexedParallelIterator, ParallelIterator};

        self.ensure(rayon::current_num_threads())
            .map_err(PoolError::Arena)?;
        let call = self.calls.fetch_add(1, Ordering::Relaxed);
        items.into_par_iter().enumerate().try_for_each_init(
            || self.lease(),
            |lease, (y, item)| match lease {
                Ok(lease) => lease
                    .worker()
                    .run(call, y, item, &f)
                    .map_err(|error| PoolError::Row { row: y, error }),
                Err(e) => Err(PoolError::Arena(*e)),
            },
        )
    }
}

impl fmt::Debug for LinePool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinePool")
            .field("capacity", &self.capacity)
            .field("workers", &self.workers())
            .field("stats", &self.stats())
            .finish()
    }
}

#[cfg(all(test, feature = "panicking"))]
mod tests {
    use std::vec::Vec;

    use super::{LinePool, PoolError};
    use crate::{ArenaFull, budget};

    /// Row `y` allocates `uses[y]` granules of 16 bytes.
    fn uses() -> Vec<usize> {
        std::vec![1, 3, 7, 2, 7, 0, 5, 7, 1, 4, 6, 2]
    }

    #[test]
    fn scoped_rows_merge_their_statistics_and_keep_the_arenas() {
        let pool = LinePool::try_new(3, budget!([u8; 16] * 8)).unwrap();
        assert_eq!((pool.workers(), pool.capacity()), (3, 128));
        let mut rows: Vec<(usize, u64)> = uses().into_iter().map(|u| (u, 0)).collect();
        for threads in [3, 2, 3, 1] {
            pool.scoped_lines(threads, &mut rows, |y, (granules, out), line| {
                let scratch = line.try_alloc_slice_fill_copy(*granules, [y as u8; 16])?;
                *out = scratch.iter().map(|g| u64::from(g[0])).sum();
                Ok::<(), ArenaFull>(())
            })
            .unwrap();
        }
        assert_eq!(pool.workers(), 3, "the arenas are reused, not remade");
        for (y, (granules, out)) in rows.iter().enumerate() {
            assert_eq!(*out, (*granules * y) as u64);
        }
        let stats = pool.stats();
        assert_eq!(stats.lines, 4 * 12);
        assert_eq!((stats.peak_bytes, stats.peak_line), (112, Some(2)));
        assert_eq!(stats.last_line_bytes, 32, "row 11 of the last call");
        assert_eq!(stats.capacity, 128);
    }

    /// Under `par_lines`, rayon may hand a worker a lower row after a higher one (work
    /// stealing), so a worker's peak must keep the earliest row that reached it whatever the
    /// order the rows came in, and never trade a larger use for an earlier row.
    #[test]
    fn a_worker_keeps_the_earliest_row_of_its_peak_whatever_the_order() {
        let mut worker = super::Worker::new(crate::ScanArena::with_capacity(256));
        let take = |granules: usize| {
            move |_: usize, (): (), line: &mut crate::Line<'_>| {
                line.try_alloc_slice_fill_copy(granules, [0u8; 16])
                    .map(|_| ())
            }
        };
        // Call 1: row 5 uses 64 bytes, then row 2 only 32: the peak stays at row 5.
        worker.run(1, 5, (), &take(4)).unwrap();
        worker.run(1, 2, (), &take(2)).unwrap();
        assert_eq!(worker.peak, Some((64, 1, 5)));
        // Row 3 reaches the same 64 bytes: it is earlier than row 5, so it is the peak's row.
        worker.run(1, 3, (), &take(4)).unwrap();
        assert_eq!(worker.peak, Some((64, 1, 3)));
        // Row 0 of an earlier call ties too, and is earlier still.
        worker.run(0, 9, (), &take(4)).unwrap();
        assert_eq!(worker.peak, Some((64, 0, 9)));
        assert_eq!(worker.last, Some((1, 5, 64)), "the highest (call, row) run");
    }

    #[test]
    fn a_failing_row_is_reported_with_its_index() {
        let pool = LinePool::try_new(2, budget!([u8; 16] * 4)).unwrap();
        let mut rows = uses();
        let err = pool
            .scoped_lines(1, &mut rows, |_, granules, line| {
                line.try_alloc_slice_fill_copy(*granules, [0u8; 16])
                    .map(|_| ())
            })
            .unwrap_err();
        let PoolError::Row { row, error } = err else {
            panic!("expected a row error, got {err:?}");
        };
        assert_eq!((row, error.remaining()), (2, 64));
        assert!(
            err.to_string().starts_with("row 2: scan-line arena full"),
            "{err}"
        );
        assert!(
            pool.scoped_lines(4, &mut [0u8; 0], |_, _, _| Ok::<(), ()>(()))
                .is_ok()
        );
        // Rows before the failure ran and were measured; the failed one at its high water.
        assert_eq!(pool.stats().peak_bytes, 48);
    }

    #[test]
    #[cfg(feature = "rayon")]
    fn par_lines_on_a_custom_pool_makes_one_arena_per_thread_once() {
        use rayon::prelude::*;

        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let pool = LinePool::try_new(1, budget!([u8; 16] * 8)).unwrap();
        let granules = uses();
        let mut out = std::vec![0u64; granules.len()];
        for _ in 0..3 {
            threads
                .install(|| {
                    pool.par_lines(out.par_iter_mut().zip(&granules), |y, (o, &g), line| {
                        let scratch = line.alloc_slice_fill_copy(g, [y as u8; 16]);
                        *o = scratch.iter().map(|s| u64::from(s[15])).sum();
                    })
                })
                .unwrap();
        }
        assert!(pool.workers() >= 3, "one arena per thread of the pool");
        let after_first = pool.workers();
        threads
            .install(|| pool.par_lines(0..4usize, |_, _, _| {}))
            .unwrap();
        assert_eq!(
            pool.workers(),
            after_first,
            "no new arena for the next image"
        );
        for (y, o) in out.iter().enumerate() {
            assert_eq!(*o, (granules[y] * y) as u64);
        }
        let stats = pool.stats();
        assert_eq!(
            (stats.lines, stats.peak_bytes, stats.peak_line),
            (40, 112, Some(2))
        );
        let err = threads
            .install(|| {
                pool.try_par_lines(
                    0..8usize,
                    |y, _, _| if y == 5 { Err("bad row") } else { Ok(()) },
                )
            })
            .unwrap_err();
        assert_eq!(
            err,
            PoolError::Row {
                row: 5,
                error: "bad row"
            }
        );
    }
}
