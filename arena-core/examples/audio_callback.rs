//! An audio block callback that allocates per block from a line arena and uses only the
//! `try_` forms: nothing it calls can panic on a full arena. In a crate that depends on
//! arena-core with the `panicking` feature off the compiler proves it, because the panicking
//! forms do not exist there (`tests/no_panicking.rs` builds such a crate). As an example of
//! arena-core itself it is built with the package's dev-dependencies, whose features turn
//! `panicking` back on, so here it shows the code, not the proof.
//!
//! ```text
//! cargo run -p arena-core --example audio_callback --no-default-features --features std
//! ```
//!
//! The host owns the scratch memory (a `BorrowedArena` over it; no heap in the callback).
//! Each block mixes a few voices whose count changes per block, through per-voice scratch
//! in a `Checkpoint` that an early `?` also releases; parses the block's gain automation
//! with `try_alloc_try_with` (a malformed value is reported, its space given back); and
//! formats a meter label with `try_alloc_fmt`. A block that does not fit is skipped with
//! silence and counted, never a panic. The example checks the mix against a direct
//! computation and the arena's statistics against the budget, and exits non-zero if
//! anything disagrees.

use core::mem::MaybeUninit;
use std::process::ExitCode;

use arena_core::{ArenaFull, BorrowedArena, Budget, InitError, Line};

const FRAMES: usize = 64;
const MAX_VOICES: usize = 6;

/// The worst block: the parsed gain, one voice's scratch at a time (checkpoints release
/// each before the next), and the meter label.
const BLOCK: Budget = Budget::new()
    .reserve::<f32>(1)
    .reserve_slice::<f32>(FRAMES)
    .reserve_slice::<u8>(32);

/// Why a block could not be rendered.
#[derive(Debug)]
enum BlockError {
    Full(ArenaFull),
    BadGain(&'static str),
}

impl From<ArenaFull> for BlockError {
    fn from(e: ArenaFull) -> Self {
        BlockError::Full(e)
    }
}

/// One voice: a sawtooth at `step` per frame, scaled by `level`.
fn voice(step: f32, level: f32, frame: usize) -> f32 {
    ((step * frame as f32) % 1.0 - 0.5) * level
}

/// The callback: renders block `n` into `out` with scratch from `line`.
fn render_block(
    line: &mut Line<'_>,
    n: usize,
    gain_text: &'static str,
    out: &mut [f32; FRAMES],
) -> Result<usize, BlockError> {
    let voices = 1 + n % MAX_VOICES;
    let gain = match line.try_alloc_try_with(|| gain_text.parse::<f32>()) {
        Ok(gain) => *gain,
        Err(InitError::Full(e)) => return Err(e.into()),
        Err(InitError::Init(_)) => return Err(BlockError::BadGain(gain_text)),
    };
    out.fill(0.0);
    for v in 0..voices {
        // Per-voice scratch, released at the end of each iteration (or by `?`).
        let scratch = line.checkpoint();
        let step = 0.01 * (v + 1) as f32;
        let samples = scratch.try_alloc_slice_fill_with(FRAMES, |i| voice(step, gain, i))?;
        for (o, s) in out.iter_mut().zip(samples.iter()) {
            *o += *s;
        }
    }
    let peak = out.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    let label = line.try_alloc_fmt(format_args!("block {n}: {voices} voices, peak {peak:.2}"))?;
    Ok(label.len())
}

fn main() -> ExitCode {
    // Scratch memory the host hands the plugin, sized from the budget plus alignment slack.
    let mut host_scratch = vec![MaybeUninit::<u8>::uninit(); BLOCK.bytes() + 15];
    let mut arena = BorrowedArena::new(&mut host_scratch);
    assert!(arena.capacity() >= BLOCK.bytes());
    let gains = ["0.5", "1.0", "0.25", "loud", "0.75", "1.0", "0.5", "0.125"];
    let mut out = [0.0f32; FRAMES];
    let (mut rendered, mut skipped) = (0, 0);
    for (n, gain_text) in gains.iter().enumerate() {
        let mut line = arena.line();
        match render_block(&mut line, n, gain_text, &mut out) {
            Ok(label_len) => {
                rendered += 1;
                // The mix, computed directly.
                let gain: f32 = gain_text.parse().unwrap_or(0.0);
                for (i, &o) in out.iter().enumerate() {
                    let want: f32 = (0..1 + n % MAX_VOICES)
                        .map(|v| voice(0.01 * (v + 1) as f32, gain, i))
                        .sum();
                    if (o - want).abs() > 1e-5 {
                        eprintln!("block {n}, frame {i}: mixed {o}, expected {want}");
                        return ExitCode::FAILURE;
                    }
                }
                if label_len < "block 0: 1 voices, peak 0.00".len() {
                    eprintln!("block {n}: label of {label_len} bytes is too short");
                    return ExitCode::FAILURE;
                }
            }
            Err(BlockError::BadGain(text)) => {
                // A real callback would keep the previous gain; here the block is silence.
                out.fill(0.0);
                skipped += 1;
                if text != "loud" {
                    eprintln!("block {n}: gain {text:?} rejected");
                    return ExitCode::FAILURE;
                }
            }
            Err(BlockError::Full(e)) => {
                eprintln!("block {n}: {e}");
                return ExitCode::FAILURE;
            }
        }
        // After the checkpoints ended, only the gain and the label remain in the line.
        if line.used() > 16 + 32 {
            eprintln!("block {n}: {} bytes still in use", line.used());
            return ExitCode::FAILURE;
        }
    }
    let stats = arena.stats();
    println!(
        "{rendered} blocks rendered, {skipped} skipped; peak {} of {} bytes (line {:?})",
        stats.peak_bytes, stats.capacity, stats.peak_line
    );
    let ok = rendered == 7
        && skipped == 1
        && stats.lines == gains.len() as u64
        && stats.peak_bytes <= BLOCK.bytes()
        // The gain and one voice's scratch; the label comes after the scratch is released.
        && stats.peak_bytes == 16 + 256;
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("unexpected totals: {stats:?}");
        ExitCode::FAILURE
    }
}
