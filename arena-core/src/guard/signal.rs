//! The SIGSEGV/SIGBUS handler that explains a fault in a protected arena buffer.
//!
//! Installed once per process, before the first buffer is protected. For a fault inside a
//! protected range (see `table.rs`) it writes one line to stderr and lets the process die by
//! the same signal. Every other fault goes to the handler that was installed before it, as
//! if this one were not there: Rust's runtime installs one at startup to report stack
//! overflows, and other libraries may have theirs.
//!
//! Everything the handler does is async-signal-safe: atomic loads, arithmetic into a stack
//! buffer, `write(2)`, `sigaction(2)`, `raise(3)`. No allocation, no lock, no `fmt`.

use core::cell::UnsafeCell;
use core::ffi::{c_int, c_void};
use core::mem::MaybeUninit;
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

use super::table;

/// The signals a protection fault raises: SIGSEGV, or SIGBUS on some systems (older macOS).
const SIGNALS: [c_int; 2] = [libc::SIGSEGV, libc::SIGBUS];

/// The actions installed before ours, one per entry of [`SIGNALS`].
///
/// Written only inside `INSTALL`, before `SAVED` is set and before our handler is installed;
/// read only by the handler, after it sees `SAVED`.
struct Previous(UnsafeCell<[MaybeUninit<libc::sigaction>; 2]>);

// SAFETY: the cell is written once, by the thread running `INSTALL`, before `SAVED` is set
// (release); every read happens after an acquire load of `SAVED` returned true. There is
// never a write concurrent with a read.
unsafe impl Sync for Previous {}

static PREVIOUS: Previous = Previous(UnsafeCell::new([const { MaybeUninit::uninit() }; 2]));
static SAVED: AtomicBool = AtomicBool::new(false);
static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Installs the handler (once per process); true if it is in place for both signals.
pub(super) fn install() -> bool {
    INSTALL.call_once(|| INSTALLED.store(install_handlers(), Ordering::Release));
    INSTALLED.load(Ordering::Acquire)
}

fn install_handlers() -> bool {
    // Save every previous action first and install after, so a fault on another thread the
    // moment our handler is in place finds the actions it chains to complete.
    let previous = PREVIOUS.0.get().cast::<libc::sigaction>();
    for (i, sig) in SIGNALS.into_iter().enumerate() {
        // SAFETY: `i < 2`, inside the array of two actions in `PREVIOUS`.
        let old = unsafe { previous.add(i) };
        // SAFETY: a null new action only queries; `old` is valid for writing one
        // `sigaction` and nothing reads it yet (`SAVED` is false, we are inside `INSTALL`).
        if unsafe { libc::sigaction(sig, ptr::null(), old) } != 0 {
            return false;
        }
    }
    SAVED.store(true, Ordering::Release);

    // SAFETY: `sigaction` is a plain C struct; all zeroes is a valid value (no handler, no
    // flags, empty mask), and every field we rely on is set below.
    let mut action: libc::sigaction = unsafe { MaybeUninit::zeroed().assume_init() };
    let handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void) = on_fault;
    action.sa_sigaction = handler as libc::sighandler_t;
    // SA_ONSTACK: a stack overflow must still reach Rust's handler, on the alternate stack.
    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
    // SAFETY: `action.sa_mask` is a valid `sigset_t` to initialise.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    SIGNALS.into_iter().all(|sig| {
        // SAFETY: `action` is fully initialised with a handler of the SA_SIGINFO signature;
        // a null old-action pointer is allowed.
        unsafe { libc::sigaction(sig, &action, ptr::null_mut()) == 0 }
    })
}

extern "C" fn on_fault(sig: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    // `write` may change errno; the interrupted code must not notice.
    let errno = errno();
    // SAFETY: the kernel passes a valid `siginfo_t` (or null) to a SA_SIGINFO handler.
    let fault = unsafe { kernel_fault_address(info) };
    match fault.and_then(|addr| Some((addr, table::lookup(addr)?))) {
        Some((addr, line)) => {
            // SAFETY: `context` is the `ucontext_t` the kernel passed (or null).
            let access = unsafe { access_kind(context) };
            report(access, addr, line);
            die(sig);
        }
        // SAFETY: `sig`, `info` and `context` are exactly what the kernel passed us.
        None => unsafe { chain(sig, info, context) },
    }
    set_errno(errno);
}

/// The faulting address, if the kernel raised the signal for a memory access (not `kill`).
///
/// # Safety
///
/// `info` is null or points to a valid `siginfo_t`.
unsafe fn kernel_fault_address(info: *const libc::siginfo_t) -> Option<usize> {
    // SAFETY: non-null `info` points to a valid `siginfo_t` (caller).
    let info = unsafe { info.as_ref()? };
    // Signals sent by a process carry si_code <= 0 on Linux and >= 0x10000 on macOS; the
    // kernel's fault codes (SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR, ...) are small positives.
    if !(1..0x10000).contains(&info.si_code) {
        return None;
    }
    // SAFETY: for SIGSEGV and SIGBUS raised by a fault, `si_addr` is the field the kernel
    // filled in.
    Some(unsafe { info.si_addr() }.addr())
}

/// "read", "write" or "instruction fetch", from the x86 page-fault error code.
///
/// # Safety
///
/// `context` is null or the `ucontext_t` the kernel passed to the handler.
#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    any(target_env = "gnu", target_env = "musl")
))]
unsafe fn access_kind(context: *mut c_void) -> &'static str {
    // SAFETY: non-null `context` points to the interrupted thread's `ucontext_t` (caller).
    let Some(context) = (unsafe { context.cast::<libc::ucontext_t>().as_ref() }) else {
        return "access";
    };
    let code = context.uc_mcontext.gregs[libc::REG_ERR as usize];
    // Bit 4: instruction fetch; bit 1: write (else read).
    if code & 0x10 != 0 {
        "instruction fetch"
    } else if code & 0x2 != 0 {
        "write"
    } else {
        "read"
    }
}

/// Where the kind of access is not decoded: "access".
///
/// # Safety
///
/// None needed; `unsafe` only to match the decoding version.
#[cfg(not(all(
    target_os = "linux",
    target_arch = "x86_64",
    any(target_env = "gnu", target_env = "musl")
)))]
unsafe fn access_kind(context: *mut c_void) -> &'static str {
    let _ = context;
    "access"
}

/// Writes the one-line explanation to stderr.
fn report(access: &str, addr: usize, line: u64) {
    let mut message = Message::new();
    message.push("arena-core: stale scan-line pointer: ");
    message.push(access);
    message.push(" of ");
    message.hex(addr);
    message.push(", memory of scan-line ");
    message.decimal(line);
    message.push(" (released when scan-line ");
    message.decimal(line.wrapping_add(1));
    message.push(" began); arena memory lives for one scan-line\n");
    message.write_to_stderr();
}

/// Ends the process by `sig` with its default action (terminate, dump core): set SIG_DFL,
/// then raise `sig`, which stays pending while the handler runs and kills the process as the
/// handler returns. Raising (rather than only returning to re-run the access) also ends a
/// signal that was sent rather than caused, and a fault whose page another thread has made
/// accessible since.
fn die(sig: c_int) {
    reset_to_default(sig);
    // SAFETY: `raise` is async-signal-safe and has no memory preconditions.
    unsafe { libc::raise(sig) };
}

fn reset_to_default(sig: c_int) {
    // SAFETY: as in `install_handlers`, all zeroes is a valid `sigaction`: SIG_DFL (0), no
    // flags, an empty mask.
    let action: libc::sigaction = unsafe { MaybeUninit::zeroed().assume_init() };
    // SAFETY: `action` is initialised; a null old-action pointer is allowed.
    unsafe { libc::sigaction(sig, &action, ptr::null_mut()) };
}

/// Hands a fault that is not ours to the action installed before ours.
///
/// # Safety
///
/// `sig`, `info` and `context` are the handler's own arguments, from the kernel.
unsafe fn chain(sig: c_int, info: *mut libc::siginfo_t, context: *mut c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == sig) else {
        return die(sig);
    };
    if !SAVED.load(Ordering::Acquire) {
        return die(sig);
    }
    // SAFETY: `i < 2`, inside the array of two actions in `PREVIOUS`.
    let slot = unsafe { PREVIOUS.0.get().cast::<libc::sigaction>().add(i) };
    // SAFETY: `SAVED` is set, so this entry was initialised by `install_handlers`, and it is
    // never written again.
    let previous = unsafe { slot.read() };
    // SAFETY: `info` is null or valid (caller).
    let caused = unsafe { kernel_fault_address(info) }.is_some();
    match previous.sa_sigaction {
        libc::SIG_DFL => die(sig),
        // Ignoring a fault would re-run the access forever; the kernel kills instead.
        libc::SIG_IGN if caused => die(sig),
        libc::SIG_IGN => {}
        handler => {
            if previous.sa_flags & libc::SA_RESETHAND != 0 {
                reset_to_default(sig);
            }
            if previous.sa_flags & libc::SA_SIGINFO != 0 {
                // SAFETY: a handler installed with SA_SIGINFO has this signature.
                let handler = unsafe {
                    core::mem::transmute::<
                        libc::sighandler_t,
                        extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void),
                    >(handler)
                };
                handler(sig, info, context);
            } else {
                // SAFETY: a handler installed without SA_SIGINFO has this signature.
                let handler = unsafe {
                    core::mem::transmute::<libc::sighandler_t, extern "C" fn(c_int)>(handler)
                };
                handler(sig);
            }
        }
    }
}

/// A message built on the stack: no allocation, numbers formatted by hand.
struct Message {
    bytes: [u8; 320],
    len: usize,
}

impl Message {
    fn new() -> Self {
        Message {
            bytes: [0; 320],
            len: 0,
        }
    }

    /// Appends `text`, silently cut at the buffer's end (which the message never reaches).
    fn push(&mut self, text: &str) {
        self.push_bytes(text.as_bytes());
    }

    fn push_bytes(&mut self, text: &[u8]) {
        for &byte in text {
            if let Some(slot) = self.bytes.get_mut(self.len) {
                *slot = byte;
                self.len += 1;
            }
        }
    }

    fn decimal(&mut self, mut n: u64) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push_bytes(&digits[start..]);
    }

    fn hex(&mut self, n: usize) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut digits = [0u8; 2 * size_of::<usize>()];
        let mut start = digits.len();
        let mut n = n;
        loop {
            start -= 1;
            digits[start] = DIGITS[n & 0xf];
            n >>= 4;
            if n == 0 {
                break;
            }
        }
        self.push("0x");
        self.push_bytes(&digits[start..]);
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn write_to_stderr(&self) {
        let mut rest = self.as_bytes();
        while !rest.is_empty() {
            // SAFETY: `rest` is valid for reads of `rest.len()` bytes.
            let written =
                unsafe { libc::write(libc::STDERR_FILENO, rest.as_ptr().cast(), rest.len()) };
            match usize::try_from(written) {
                Ok(n) if n > 0 => rest = &rest[n.min(rest.len())..],
                _ if written < 0 && errno() == libc::EINTR => {}
                // stderr is closed or full: nothing more to do; the process dies anyway.
                _ => return,
            }
        }
    }
}

#[cfg(target_os = "linux")]
fn errno_location() -> *mut c_int {
    // SAFETY: returns the calling thread's errno slot; no preconditions.
    unsafe { libc::__errno_location() }
}

#[cfg(target_os = "macos")]
fn errno_location() -> *mut c_int {
    // SAFETY: returns the calling thread's errno slot; no preconditions.
    unsafe { libc::__error() }
}

fn errno() -> c_int {
    // SAFETY: the thread's errno slot is valid for the thread's lifetime and aligned.
    unsafe { errno_location().read() }
}

fn set_errno(value: c_int) {
    // SAFETY: as in `errno`; only this thread writes its own slot.
    unsafe { errno_location().write(value) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_by_hand_like_fmt_would() {
        for n in [0u64, 7, 10, 41, 1_000_000, u64::MAX] {
            let mut message = Message::new();
            message.decimal(n);
            assert_eq!(message.as_bytes(), std::format!("{n}").as_bytes());
        }
        for n in [0usize, 0xf, 0x10, 0x7f3a_12c0_4010, usize::MAX] {
            let mut message = Message::new();
            message.hex(n);
            assert_eq!(message.as_bytes(), std::format!("{n:#x}").as_bytes());
        }
    }

    #[test]
    fn a_long_message_is_cut_not_overrun() {
        let mut message = Message::new();
        for _ in 0..100 {
            message.push("0123456789");
        }
        assert_eq!(message.as_bytes().len(), 320);
    }
}
