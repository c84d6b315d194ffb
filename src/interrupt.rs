//! Ctrl-C (SIGINT) and SIGTERM while a command waits: the waiting loop notices, logs what it was
//! doing (e.g. a message as undelivered) and returns, instead of dying with nothing logged.
//! Only the CLI installs the handler; the MCP server never does.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Turn SIGINT and SIGTERM into a flag that waiting loops check.
pub fn install() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: `on_signal` only stores to an atomic, which is async-signal-safe; installing a
    // handler for these two signals has no other effect on the process.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Ask the waiting loops to stop, as a signal would (e.g. when stdout's reader went away).
pub fn request() {
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Whether a stop was asked for since `install`.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
