//! The stale-pointer guard, seen by a user: a raw pointer kept past its scan-line either
//! faults with a message naming the line, or reads poison.
//!
//! A stale access kills the process, so each scenario runs in a child process: the test
//! re-executes this test binary with `--exact <test name>` and an environment variable
//! naming the scenario; in the child, the same test function runs the scenario instead of
//! spawning. The parent checks how the child died and what it wrote to stderr.
//!
//! The scenarios set the guard explicitly, so they behave the same in debug and release
//! builds. They are skipped, with the reason printed, where the guard cannot protect pages.
//!
//! Not compiled at all under Miri (it cannot start child processes, protect pages or run
//! signal handlers) or AddressSanitizer (ASan reports the stale access before the guard's
//! handler can run; `tests/asan.rs` checks that report instead): `.ci/safety` prints both
//! skips with these reasons.

// The children allocate with the panicking forms (the default build).
#![cfg(all(feature = "alloc", feature = "panicking", not(miri), not(arena_asan)))]

use arena_core::{GUARD_POISON, Guard, Line, ScanArena, StaticArena};

/// The scenario a child process runs: the name of the test that started it.
const SCENARIO: &str = "ARENA_CORE_GUARD_SCENARIO";
/// A parameter of the scenario, when it has one.
const PARAMETER: &str = "ARENA_CORE_GUARD_PARAMETER";

/// How a child process ended and what it wrote.
#[derive(Debug)]
struct Ended {
    status: std::process::ExitStatus,
    stdout: String,
    stderr: String,
}

impl Ended {
    /// The signal that killed the child, if one did.
    fn signal(&self) -> Option<i32> {
        #[cfg(unix)]
        {
            std::os::unix::process::ExitStatusExt::signal(&self.status)
        }
        #[cfg(not(unix))]
        {
            None
        }
    }

    /// Asserts the child died of a memory fault (SIGSEGV, or SIGBUS on some systems).
    #[track_caller]
    fn assert_faulted(&self) {
        let signal = self.signal();
        assert!(
            signal == Some(SIGSEGV) || signal == Some(SIGBUS),
            "expected death by SIGSEGV or SIGBUS, got {:?}\n{}",
            self.status,
            self.stderr
        );
    }

    /// Asserts the child finished normally.
    #[track_caller]
    fn assert_succeeded(&self) {
        assert!(
            self.status.success(),
            "the child failed: {:?}\n{}",
            self.status,
            self.stderr
        );
    }

    /// The number the child printed as `key=0x...` or `key=123` on its stdout.
    #[track_caller]
    fn printed(&self, key: &str) -> u64 {
        printed(&self.stdout, key)
            .unwrap_or_else(|| panic!("the child printed no `{key}=`:\n{}", self.stdout))
    }
}

fn printed(text: &str, key: &str) -> Option<u64> {
    let rest = text.split(&format!("{key}=")).nth(1)?;
    let word = rest.split_whitespace().next()?;
    match word.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    }
}

const SIGSEGV: i32 = 11;
#[cfg(target_os = "macos")]
const SIGBUS: i32 = 10;
#[cfg(not(target_os = "macos"))]
const SIGBUS: i32 = 7;
const SIGABRT: i32 = 6;

/// Runs `scenario` in a child process and returns how it ended; in the child, runs it and
/// exits. `None` (after printing why) where the scenario cannot run.
///
/// `test` must be the name of the calling test function; `needs_protection` says whether the
/// scenario relies on page protection (else it needs only the poison).
fn in_child(
    test: &str,
    parameter: &str,
    needs_protection: bool,
    scenario: impl FnOnce(&str),
) -> Option<Ended> {
    if std::env::var(SCENARIO).as_deref() == Ok(test) {
        no_core_dumps();
        let parameter = std::env::var(PARAMETER).unwrap_or_default();
        scenario(&parameter);
        std::process::exit(0);
    }
    if !cfg!(unix) {
        eprintln!("skipped {test}: the guard's faults and this harness need a unix system");
        return None;
    }
    if needs_protection && !Guard::PAGE_PROTECTION {
        eprintln!(
            "skipped {test}: this build of arena-core cannot protect pages (it poisons only)"
        );
        return None;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let output = std::process::Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(SCENARIO, test)
        .env(PARAMETER, parameter)
        .output()
        .expect("the test binary runs again as a child");
    Some(Ended {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Keeps the children's deliberate crashes from writing core files.
fn no_core_dumps() {
    #[cfg(all(feature = "std", any(target_os = "linux", target_os = "macos")))]
    {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `none` is a valid `rlimit`; lowering our own limit affects only this process.
        unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
        #[cfg(target_os = "linux")]
        // SAFETY: PR_SET_DUMPABLE with 0 only marks this process as not dumpable.
        unsafe {
            libc::prctl(libc::PR_SET_DUMPABLE, 0);
        }
    }
}

fn guarded(capacity: usize, guard: Guard) -> ScanArena {
    ScanArena::builder().capacity(capacity).guard(guard).build()
}

/// Runs `count` lines that each allocate a little, so the ring has turned and been used.
fn run_lines(arena: &mut ScanArena, count: u64) {
    for y in 0..count {
        arena.line().alloc_slice_fill_copy(8, y);
    }
}

/// Allocates `value` in the next line and returns a raw pointer to it that outlives the line.
fn escape(arena: &mut ScanArena, value: u64) -> *mut u64 {
    let line = arena.line();
    line.alloc(value)
}

/// Reads through a stale pointer: the bug the guard exists for.
fn read_stale(stale: *const u64) -> u64 {
    // SAFETY: none; the pointer is stale and this read is undefined behaviour. It runs only
    // in a child process, where the guard makes it fault (or read poison) at this instruction.
    unsafe { stale.read_volatile() }
}

/// Writes through a stale pointer.
fn write_stale(stale: *mut u64, value: u64) {
    // SAFETY: none, as in `read_stale`: a deliberate stale write in a child process.
    unsafe { stale.write_volatile(value) }
}

/// The message the guard must print for an access to `addr` in memory of scan-line `line`.
fn message(access: &str, addr: u64, line: u64) -> String {
    format!(
        "arena-core: stale scan-line pointer: {access} of {addr:#x}, memory of scan-line {line} \
         (released when scan-line {} began); arena memory lives for one scan-line",
        line + 1
    )
}

/// The access the guard names for a write: decoded on x86-64 Linux only.
const WRITE: &str = if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
    "write"
} else {
    "access"
};
const READ: &str = if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
    "read"
} else {
    "access"
};

#[test]
fn one_line_stale_read_faults_and_names_the_line() {
    let Some(child) = in_child(
        "one_line_stale_read_faults_and_names_the_line",
        "",
        true,
        |_| {
            let mut arena = guarded(4096, Guard::On { buffers: 2 });
            run_lines(&mut arena, 41);
            let stale = escape(&mut arena, 7);
            println!("stale-address={:#x}", stale.addr());
            arena.line().alloc(1u64);
            println!("value={}", read_stale(stale));
        },
    ) else {
        return;
    };
    child.assert_faulted();
    let addr = child.printed("stale-address");
    assert!(
        child.stderr.contains(&message(READ, addr, 41)),
        "{}",
        child.stderr
    );
    assert!(
        !child.stdout.contains("value="),
        "the stale read returned: {}",
        child.stdout
    );
    // One message, nothing else from the guard.
    assert_eq!(
        child.stderr.matches("arena-core:").count(),
        1,
        "{}",
        child.stderr
    );
}

#[test]
fn one_line_stale_write_faults_and_names_the_line() {
    let Some(child) = in_child(
        "one_line_stale_write_faults_and_names_the_line",
        "",
        true,
        |_| {
            let mut arena = guarded(64 * 1024, Guard::On { buffers: 2 });
            run_lines(&mut arena, 6);
            // Deep in the buffer, past the first page.
            let line = arena.line();
            line.alloc_slice_fill_copy(5000, 0u8);
            let stale: *mut u64 = line.alloc(3u64);
            drop(line);
            println!("stale-address={:#x}", stale.addr());
            run_lines(&mut arena, 1);
            write_stale(stale, 9);
            println!("wrote=1");
        },
    ) else {
        return;
    };
    child.assert_faulted();
    let addr = child.printed("stale-address");
    assert!(
        child.stderr.contains(&message(WRITE, addr, 6)),
        "{}",
        child.stderr
    );
    assert!(!child.stdout.contains("wrote="), "{}", child.stdout);
}

#[test]
fn with_three_buffers_a_two_line_stale_read_faults() {
    let Some(child) = in_child(
        "with_three_buffers_a_two_line_stale_read_faults",
        "",
        true,
        |_| {
            let mut arena = guarded(4096, Guard::On { buffers: 3 });
            run_lines(&mut arena, 9);
            let stale = escape(&mut arena, 7);
            println!("stale-address={:#x}", stale.addr());
            run_lines(&mut arena, 2);
            println!("value={}", read_stale(stale));
        },
    ) else {
        return;
    };
    child.assert_faulted();
    let addr = child.printed("stale-address");
    assert!(
        child.stderr.contains(&message(READ, addr, 9)),
        "{}",
        child.stderr
    );
}

#[test]
fn a_pointer_as_stale_as_the_ring_is_long_reads_poison() {
    let Some(child) = in_child(
        "a_pointer_as_stale_as_the_ring_is_long_reads_poison",
        "",
        false,
        |_| {
            for buffers in [2, 3, 8] {
                let mut arena = guarded(4096, Guard::On { buffers });
                run_lines(&mut arena, 5);
                let line = arena.line();
                let kept = line.alloc_slice_fill_copy(4, 42u64);
                let stale: *const u64 = &kept[3];
                drop(line);
                // `buffers - 1` more lines: the next line reuses the stale pointer's buffer.
                run_lines(&mut arena, buffers as u64 - 1);
                let reused = arena.line();
                println!("buffers-{buffers}={:#x}", read_stale(stale));
                drop(reused);
            }
        },
    ) else {
        return;
    };
    child.assert_succeeded();
    let poison = u64::from_ne_bytes([GUARD_POISON; 8]);
    for buffers in [2, 3, 8] {
        assert_eq!(
            child.printed(&format!("buffers-{buffers}")),
            poison,
            "{}",
            child.stdout
        );
    }
}

#[test]
fn a_stale_pointer_into_a_released_scope_reads_poison() {
    let Some(child) = in_child(
        "a_stale_pointer_into_a_released_scope_reads_poison",
        "",
        false,
        |_| {
            let mut arena = guarded(4096, Guard::On { buffers: 2 });
            let mut line = arena.line();
            line.alloc(1u64);
            let stale: *const u64 = line.scope(|tmp: &mut Line<'_>| {
                let inner: *const u64 = tmp.alloc(5u64);
                inner
            });
            println!("value={:#x}", read_stale(stale));
        },
    ) else {
        return;
    };
    child.assert_succeeded();
    assert_eq!(
        child.printed("value"),
        u64::from_ne_bytes([GUARD_POISON; 8])
    );
}

#[test]
fn with_the_guard_off_a_stale_read_does_not_fault() {
    let Some(child) = in_child(
        "with_the_guard_off_a_stale_read_does_not_fault",
        "",
        false,
        |_| {
            let mut arena = guarded(4096, Guard::Off);
            run_lines(&mut arena, 3);
            let stale = escape(&mut arena, 7);
            run_lines(&mut arena, 1);
            println!("value={}", read_stale(stale));
        },
    ) else {
        return;
    };
    child.assert_succeeded();
    // Without the guard the stale pointer reads whatever the next line left there: the bug
    // the guard exists to expose. Here: the next line's first value, 0.
    assert_eq!(child.printed("value"), 0);
    assert!(!child.stderr.contains("arena-core:"), "{}", child.stderr);
}

#[test]
fn a_stack_overflow_is_still_reported_by_rust_with_a_guarded_arena_alive() {
    let Some(child) = in_child(
        "a_stack_overflow_is_still_reported_by_rust_with_a_guarded_arena_alive",
        "",
        true,
        |_| {
            let mut arena = guarded(4096, Guard::On { buffers: 2 });
            run_lines(&mut arena, 3);
            let overflow = std::thread::Builder::new()
                .name("deep".into())
                .stack_size(256 * 1024)
                .spawn(|| recurse(0))
                .expect("a thread");
            println!("depth={}", overflow.join().unwrap_or(0));
            run_lines(&mut arena, 1);
        },
    ) else {
        return;
    };
    assert_eq!(
        child.signal(),
        Some(SIGABRT),
        "{:?}\n{}",
        child.status,
        child.stderr
    );
    // Rust's own report ("thread 'deep' (id) has overflowed its stack", the id since 1.91).
    assert!(child.stderr.contains("thread 'deep'"), "{}", child.stderr);
    assert!(
        child.stderr.contains("has overflowed its stack"),
        "{}",
        child.stderr
    );
    assert!(!child.stderr.contains("arena-core:"), "{}", child.stderr);
}

/// Recurses until the stack runs out (the branch keeps it from being a loop).
fn recurse(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 32]);
    if std::hint::black_box(depth) < u64::MAX {
        recurse(depth + 1) + frame[7]
    } else {
        frame[0]
    }
}

#[test]
fn arenas_on_several_threads_each_report_their_own_line() {
    const THREADS: u64 = 4;
    /// The line thread `t` keeps a pointer from.
    fn stale_line(t: u64) -> u64 {
        100 + 37 * t
    }
    for victim in 0..THREADS {
        let Some(child) = in_child(
            "arenas_on_several_threads_each_report_their_own_line",
            &victim.to_string(),
            true,
            |parameter| {
                let victim: u64 = parameter.parse().expect("the victim thread");
                let ready = std::sync::Barrier::new(THREADS as usize);
                std::thread::scope(|threads| {
                    for t in 0..THREADS {
                        let ready = &ready;
                        threads.spawn(move || {
                            let mut arena = guarded(8192, Guard::On { buffers: 2 });
                            run_lines(&mut arena, stale_line(t));
                            let stale = escape(&mut arena, t);
                            if t == victim {
                                println!("stale-address={:#x}", stale.addr());
                            }
                            run_lines(&mut arena, 1);
                            ready.wait();
                            if t == victim {
                                println!("value={}", read_stale(stale));
                            } else {
                                // Keep the other arenas turning (and their table entries
                                // changing) while the victim faults.
                                run_lines(&mut arena, 200_000);
                            }
                        });
                    }
                });
            },
        ) else {
            return;
        };
        child.assert_faulted();
        let addr = child.printed("stale-address");
        assert!(
            child
                .stderr
                .contains(&message(READ, addr, stale_line(victim))),
            "thread {victim}: {}",
            child.stderr
        );
    }
}

#[test]
fn buffers_past_the_table_are_poisoned_not_protected() {
    let Some(child) = in_child(
        "buffers_past_the_table_are_poisoned_not_protected",
        "",
        true,
        |_| {
            // Fill the table: every one of these buffers is protected when not in use.
            let per_arena = 2;
            let mut full: Vec<ScanArena> = (0..Guard::MAX_PROTECTED_BUFFERS / per_arena)
                .map(|_| guarded(16, Guard::On { buffers: per_arena }))
                .collect();
            let mut extra = guarded(4096, Guard::On { buffers: 2 });
            let stale = escape(&mut extra, 7);
            run_lines(&mut extra, 1);
            println!("value={:#x}", read_stale(stale));
            // The table has room again once an arena is gone; new buffers are protected again.
            full.truncate(full.len() - 1);
            let mut again = guarded(4096, Guard::On { buffers: 2 });
            let stale = escape(&mut again, 7);
            run_lines(&mut again, 1);
            println!("stale-address={:#x}", stale.addr());
            println!("value-again={}", read_stale(stale));
        },
    ) else {
        return;
    };
    child.assert_faulted();
    assert_eq!(
        child.printed("value"),
        u64::from_ne_bytes([GUARD_POISON; 8])
    );
    assert!(
        child
            .stderr
            .contains(&message(READ, child.printed("stale-address"), 0)),
        "{}",
        child.stderr
    );
    assert!(!child.stdout.contains("value-again"), "{}", child.stdout);
}

#[test]
fn static_arena_poisons_released_lines_in_debug_builds() {
    if !cfg!(any(debug_assertions, feature = "guard")) {
        eprintln!("skipped: StaticArena poisons only in debug builds or with the `guard` feature");
        return;
    }
    let mut arena = StaticArena::<256>::new();
    arena.line().alloc_slice_fill_copy(40, 7u8);
    let line = arena.line();
    // Fresh, uninitialised memory where the last line's 48 bytes were: no stale pointer
    // needed to see the poison.
    let seen = line.alloc_slice_uninit::<u8>(48);
    // SAFETY: the arena filled these 48 bytes with poison when this line began.
    let seen: Vec<u8> = seen.iter().map(|b| unsafe { b.assume_init() }).collect();
    assert_eq!(seen, [GUARD_POISON; 48]);
}
