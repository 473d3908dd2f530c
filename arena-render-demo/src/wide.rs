//! Runtime dispatch of per-pixel loops to AVX2 or AVX-512, where the CPU has them.
//!
//! The demo's pixel loops are plain Rust written so that they vectorise (fixed-size chunks,
//! no dependency from one pixel to the next). Compiled for the x86-64 baseline they get SSE2's
//! four `f32` lanes; run through [`Wide::run`] on a CPU with AVX2, the same code is compiled
//! a second time with AVX2 enabled and gets eight, and on one with AVX-512 (the Ice Lake set
//! `fearless_simd` asks for) a third time with sixteen. The results are the same bit for bit:
//! Rust never fuses a multiplication and an addition on its own, and every operation these
//! loops use (add, multiply, divide, square root, compare, min, max) is exactly rounded in
//! any width. `fearless_simd` detects the CPU once and holds the one `unsafe` call, so the
//! demo stays free of `unsafe`.

/// Where per-pixel loops run: the baseline build, or its AVX2 or AVX-512 copy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Wide {
    /// Proof that the CPU has AVX2 (and the x86-64-v3 features with it), if it does.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    avx2: Option<fearless_simd::Avx2>,
    /// Proof that the CPU has AVX-512 (Ice Lake's set), if it does.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    avx512: Option<fearless_simd::Avx512>,
}

impl Wide {
    /// The widest this CPU runs (detected once per process).
    pub(crate) fn detect() -> Wide {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        let level = fearless_simd::Level::new();
        Wide {
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            avx2: level.as_avx2(),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            avx512: level.as_avx512(),
        }
    }

    /// At most AVX2, whatever else the CPU has.
    #[cfg(test)]
    pub(crate) fn at_most_avx2() -> Wide {
        Wide {
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            avx512: None,
            ..Wide::detect()
        }
    }

    /// The baseline build only, whatever the CPU has.
    #[cfg(test)]
    pub(crate) fn baseline() -> Wide {
        Wide {
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            avx2: None,
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            avx512: None,
        }
    }

    /// Every copy this CPU can run, baseline first: what the tests compare.
    #[cfg(test)]
    pub(crate) fn all() -> [Wide; 3] {
        [Wide::baseline(), Wide::at_most_avx2(), Wide::detect()]
    }

    /// The widest copy [`Wide::run`] runs, for messages: `baseline`, `AVX2` or `AVX-512`.
    #[cfg(test)]
    pub(crate) fn name(self) -> &'static str {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        if self.avx512.is_some() {
            return "AVX-512";
        }
        if self.is_avx2() { "AVX2" } else { "baseline" }
    }

    /// Whether [`Wide::run`] runs the AVX2 copy.
    #[cfg(test)]
    pub(crate) fn is_avx2(self) -> bool {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        return self.avx2.is_some();
        #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
        false
    }

    /// Runs `f`, compiled with AVX-512 or AVX2 enabled where the CPU has it. Only what `f`
    /// inlines gets the wider code: pass a closure marked `#[inline(always)]` whose loops are
    /// `#[inline(always)]` too.
    #[inline(always)]
    pub(crate) fn run<R>(self, f: impl FnOnce() -> R) -> R {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        if let Some(avx512) = self.avx512 {
            return fearless_simd::Simd::vectorize(avx512, f);
        }
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        if let Some(avx2) = self.avx2 {
            return fearless_simd::Simd::vectorize(avx2, f);
        }
        f()
    }
}
