//! Messages to standard error that can fail without a panic (`eprintln!` panics when
//! standard error cannot be written, e.g. `2>/dev/full`). A failed write is remembered,
//! so the command exits non-zero instead of losing the message silently.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static FAILED: AtomicBool = AtomicBool::new(false);

/// Write one line to standard error.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut err = std::io::stderr().lock();
    if err.write_fmt(args).and_then(|()| err.write_all(b"\n")).and_then(|()| err.flush()).is_err() {
        FAILED.store(true, Ordering::Relaxed);
    }
}

/// Whether a message could not be written.
pub fn failed() -> bool {
    FAILED.load(Ordering::Relaxed)
}

/// `eprintln!` that never panics: see [`line()`].
macro_rules! say {
    ($($t:tt)*) => {
        $crate::stderr::line(format_args!($($t)*))
    };
}
pub(crate) use say;
