//! Interleaved timing of the scan-line renderer against its peers, resvg and (with the
//! `vello` feature) vello_cpu, used by the `bench` command and `cargo bench --bench peers`.
//!
//! The machine these run on is shared and noisy, so every renderer is timed in the same
//! process on the same parsed tree, in rounds: each round runs every renderer once, in a
//! freshly shuffled order, so load changes hit them all alike and none always runs right
//! after another. Parsing is excluded; building each renderer's scene from the tree is
//! included (ours builds its scene index, resvg its pixmap, vello_cpu its strips).
//!
//! Before timing, each renderer's pixels are compared with resvg's under the tests' gate
//! ([`Comparison::passes`]); a [`Summary`] takes only images where every peer passes, so a
//! renderer that draws less than the others can never look fast.

use std::time::{Duration, Instant};

use crate::image::{Comparison, Image, render_reference};
use crate::options::{Geometry, RenderOptions};
use crate::render::Renderer;
use crate::scene::Scene;

/// The renderers a race times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Racer {
    /// resvg (single-threaded).
    Resvg,
    /// The scan-line renderer on one thread.
    OursOne,
    /// The scan-line renderer on all cores.
    OursAll,
    /// vello_cpu on one thread.
    VelloOne,
    /// vello_cpu on all cores.
    VelloAll,
}

impl Racer {
    /// Every racer, in report order.
    pub const ALL: [Racer; 5] = [
        Racer::Resvg,
        Racer::OursOne,
        Racer::OursAll,
        Racer::VelloOne,
        Racer::VelloAll,
    ];

    /// A short name for reports.
    pub fn label(self) -> &'static str {
        match self {
            Racer::Resvg => "resvg",
            Racer::OursOne => "ours 1t",
            Racer::OursAll => "ours all",
            Racer::VelloOne => "vello 1t",
            Racer::VelloAll => "vello all",
        }
    }
}

/// The renderers and their warm thread pools, kept for a whole corpus.
pub struct Racers {
    one: rayon::ThreadPool,
    all: rayon::ThreadPool,
    #[cfg(feature = "vello")]
    vello_one: crate::vello::VelloRenderer,
    #[cfg(feature = "vello")]
    vello_all: crate::vello::VelloRenderer,
}

impl std::fmt::Debug for Racers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Racers")
            .field("threads", &self.threads())
            .finish_non_exhaustive()
    }
}

impl Racers {
    /// Starts the pools: ours on one thread and on `threads` (0: one per core); vello_cpu
    /// single-threaded and with its own default for all cores.
    pub fn new(threads: usize) -> Result<Racers, rayon::ThreadPoolBuildError> {
        Ok(Racers {
            one: rayon::ThreadPoolBuilder::new().num_threads(1).build()?,
            all: rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?,
            #[cfg(feature = "vello")]
            vello_one: crate::vello::VelloRenderer::single_threaded(),
            #[cfg(feature = "vello")]
            vello_all: crate::vello::VelloRenderer::all_cores(),
        })
    }

    /// Threads of our all-cores pool.
    pub fn threads(&self) -> usize {
        self.all.current_num_threads()
    }

    /// The racers this build has (vello_cpu only with the `vello` feature).
    pub fn racers(&self) -> &'static [Racer] {
        if cfg!(feature = "vello") {
            &Racer::ALL
        } else {
            &Racer::ALL[..3]
        }
    }

    /// Renders `tree` with one racer (parse excluded, scene build included): what a race
    /// times, once. The image goes to `black_box` or to the check; `examples/render_loop.rs`
    /// calls it in a loop.
    pub fn run(
        &mut self,
        racer: Racer,
        tree: &usvg::Tree,
        geometry: &Geometry,
        options: &RenderOptions,
    ) -> Result<Image, Box<dyn std::error::Error + Send + Sync>> {
        Ok(match racer {
            Racer::Resvg => render_reference(tree, geometry, options),
            Racer::OursOne | Racer::OursAll => {
                let pool = if racer == Racer::OursOne {
                    &self.one
                } else {
                    &self.all
                };
                let scene = Scene::build(tree, options)?;
                Renderer::new(&scene)?.render_in(pool)?.0
            }
            #[cfg(feature = "vello")]
            Racer::VelloOne => self.vello_one.render(tree, geometry, options),
            #[cfg(feature = "vello")]
            Racer::VelloAll => self.vello_all.render(tree, geometry, options),
            #[cfg(not(feature = "vello"))]
            Racer::VelloOne | Racer::VelloAll => unreachable!("not in `racers()`"),
        })
    }

    /// Checks every racer against resvg, then times them in shuffled rounds: at least
    /// `MIN_ROUNDS`, then more while `budget` lasts, at most `MAX_ROUNDS`.
    pub fn race(
        &mut self,
        tree: &usvg::Tree,
        options: &RenderOptions,
        budget: Duration,
    ) -> Result<ImageTimes, Box<dyn std::error::Error + Send + Sync>> {
        const MIN_ROUNDS: usize = 5;
        const MAX_ROUNDS: usize = 200;
        let geometry = Geometry::of(tree, options)?;
        let racers = self.racers();
        let reference = render_reference(tree, &geometry, options);
        let mut checks = [None; 5];
        for &r in racers {
            let image = self.run(r, tree, &geometry, options)?;
            checks[r as usize] = Some(Comparison::of(&image, &reference));
        }
        let mut samples: [Vec<Duration>; 5] = Default::default();
        let mut order = racers.to_vec();
        // A fixed seed: the order differs from round to round, the same from run to run.
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let begin = Instant::now();
        let mut rounds = 0;
        while rounds < MIN_ROUNDS || (begin.elapsed() < budget && rounds < MAX_ROUNDS) {
            rng.shuffle(&mut order);
            for &r in &order {
                let start = Instant::now();
                std::hint::black_box(self.run(r, tree, &geometry, options)?);
                samples[r as usize].push(start.elapsed());
            }
            rounds += 1;
        }
        Ok(ImageTimes {
            width: geometry.width,
            height: geometry.height,
            rounds,
            best: samples.each_ref().map(|s| s.iter().copied().min()),
            median: samples.map(|mut s| {
                s.sort_unstable();
                s.get(s.len() / 2).copied()
            }),
            checks,
        })
    }
}

/// One image's race.
#[derive(Clone, Debug)]
pub struct ImageTimes {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Rounds timed.
    pub rounds: usize,
    /// Each racer's fastest time, indexed by `Racer as usize` (`None`: not in this build).
    /// On a shared machine noise only adds time, so the fastest is the steadiest estimate.
    pub best: [Option<Duration>; 5],
    /// Each racer's median time.
    pub median: [Option<Duration>; 5],
    /// Each racer's pixels against resvg's.
    pub checks: [Option<Comparison>; 5],
}

impl ImageTimes {
    /// `theirs`'s best time over `ours`'s: above 1 means ours is faster.
    pub fn ratio(&self, theirs: Racer, ours: Racer) -> Option<f64> {
        let (t, o) = (self.best[theirs as usize]?, self.best[ours as usize]?);
        Some(t.as_secs_f64() / o.as_secs_f64().max(1e-12))
    }

    /// The racers whose pixels fail the gate against resvg.
    pub fn failures(&self) -> impl Iterator<Item = Racer> + '_ {
        Racer::ALL
            .into_iter()
            .filter(|&r| self.checks[r as usize].is_some_and(|c| !c.passes()))
    }
}

/// The ratios a summary reports: (label, their racer, our racer).
pub const RATIOS: [(&str, Racer, Racer); 4] = [
    ("vello/ours 1 thread", Racer::VelloOne, Racer::OursOne),
    ("vello/ours all cores", Racer::VelloAll, Racer::OursAll),
    ("resvg/ours 1 thread", Racer::Resvg, Racer::OursOne),
    ("resvg/ours all cores", Racer::Resvg, Racer::OursAll),
];

/// Per-image ratios over a corpus.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Per-image ratios, one list per entry of [`RATIOS`].
    ratios: [Vec<f64>; 4],
    /// Images left out because some racer failed the gate.
    excluded: usize,
}

impl Summary {
    /// Adds an image; left out (and counted) when any racer's pixels fail the gate.
    pub fn add(&mut self, image: &ImageTimes) {
        if image.failures().next().is_some() {
            self.excluded += 1;
            return;
        }
        for (list, &(_, theirs, ours)) in self.ratios.iter_mut().zip(&RATIOS) {
            list.extend(image.ratio(theirs, ours));
        }
    }

    /// Images summarised.
    pub fn images(&self) -> usize {
        self.ratios[2].len()
    }

    /// Images left out because a racer failed the gate against resvg.
    pub fn excluded(&self) -> usize {
        self.excluded
    }

    /// `(geometric mean, median)` of ratio `i` of [`RATIOS`], if any image has it.
    pub fn stats(&self, i: usize) -> Option<(f64, f64)> {
        let list = &self.ratios[i];
        if list.is_empty() {
            return None;
        }
        let geomean = (list.iter().map(|r| r.ln()).sum::<f64>() / list.len() as f64).exp();
        let mut sorted = list.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some((geomean, median))
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} images ({} left out: a renderer failed the check against resvg); time \
             ratios, above 1 = ours faster:",
            self.images(),
            self.excluded
        )?;
        for (i, (label, _, _)) in RATIOS.iter().enumerate() {
            match self.stats(i) {
                Some((g, m)) => writeln!(f, "  {label:<22} geo-mean {g:.2}  median {m:.2}")?,
                None => writeln!(f, "  {label:<22} (not measured)")?,
            }
        }
        Ok(())
    }
}

/// Marsaglia's xorshift64: enough to shuffle a handful of racers.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Fisher-Yates.
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(best_ms: [u64; 5], failing: Option<Racer>) -> ImageTimes {
        let pass = Comparison {
            max_diff: 0,
            edge_mae: 0.0,
            edge_pixels: 0,
            psnr: f64::INFINITY,
        };
        let mut checks = [Some(pass); 5];
        if let Some(r) = failing {
            checks[r as usize] = Some(Comparison {
                max_diff: 255,
                ..pass
            });
        }
        ImageTimes {
            width: 1,
            height: 1,
            rounds: 1,
            best: best_ms.map(|ms| Some(Duration::from_millis(ms))),
            median: [None; 5],
            checks,
        }
    }

    #[test]
    fn summary_gives_geometric_mean_and_median_and_leaves_out_failures() {
        let mut s = Summary::default();
        // resvg, ours 1t, ours all, vello 1t, vello all.
        s.add(&times([4, 2, 1, 1, 1], None));
        s.add(&times([8, 2, 2, 4, 2], None));
        s.add(&times([2, 2, 1, 8, 1], None));
        // A peer that fails the check against resvg does not count, however fast.
        s.add(&times([100, 1, 1, 1000, 1000], Some(Racer::VelloOne)));
        assert_eq!((s.images(), s.excluded()), (3, 1));
        let (g, m) = s.stats(0).unwrap();
        // vello/ours 1 thread: 0.5, 2, 4.
        assert!(
            (g - 4f64.powf(1.0 / 3.0)).abs() < 1e-12 && m == 2.0,
            "{g} {m}"
        );
        let (g, m) = s.stats(2).unwrap();
        // resvg/ours 1 thread: 2, 4, 1.
        assert!((g - 2.0).abs() < 1e-12 && m == 2.0, "{g} {m}");
    }

    #[test]
    fn shuffle_is_a_permutation_and_varies() {
        let mut rng = XorShift(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..50 {
            let mut v = [0, 1, 2, 3, 4];
            rng.shuffle(&mut v);
            let mut sorted = v;
            sorted.sort_unstable();
            assert_eq!(sorted, [0, 1, 2, 3, 4]);
            seen.insert(v);
        }
        assert!(seen.len() > 10, "only {} orders in 50 shuffles", seen.len());
    }
}
