//! The terminal, taken and given back: raw mode, the alternate screen and the mouse, put
//! back on every way out (normal end, error, panic through a hook; SIGTERM, SIGHUP and
//! SIGINT become a cancel so the normal end runs).

use std::fs::File;
use std::io;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};

/// The controlling terminal. The dialog draws there, not on standard output, so
/// `netdrive dialog --json | jq` works: the answer goes to stdout, the screen to the tty.
pub fn tty() -> io::Result<File> {
    std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")
}

/// Restores the terminal when dropped, whatever the way out.
pub struct TerminalGuard(());

impl TerminalGuard {
    /// Take the terminal; the panic hook puts it back too.
    pub fn new() -> io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        enable_raw_mode()?;
        let guard = TerminalGuard(());
        execute!(tty()?, EnterAlternateScreen, EnableMouseCapture)?;
        Ok(guard)
    }
}

fn restore_terminal() {
    let _ = disable_raw_mode();
    if let Ok(mut t) = tty() {
        let _ = execute!(t, DisableMouseCapture, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
        let _ = std::panic::take_hook();
    }
}

/// A flag raised by SIGTERM, SIGHUP or SIGINT: the dialog then ends as cancelled.
pub fn stop_on_signals() -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP, signal_hook::consts::SIGINT] {
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    stop
}
