//! netdrive-tui: the "Disconnect Network Drives" dialog in a terminal (ratatui).
//!
//! What it is for: the terminal front end of [`netdrive_dialog::Conversation`], run as the
//! helper program `netdrive-dialog-tui` that `netdrive_dialog` starts when there is no
//! display (or when asked for the terminal). The conversation decides everything (the
//! list, marking several drives, the open-files question naming the processes, the
//! not-responding choice, the outcome); this crate turns keys into events and draws.
//!
//! What it is not: a toolkit-free library: it owns the terminal while it runs, and puts it
//! back on every way out (see `terminal`). Every name it draws comes escaped from the
//! conversation, so no control character or escape sequence reaches the terminal.
//!
//! With `--connect` it shows the Map Network Drive dialog instead (`connect`: the
//! connect conversation's fields, Tab between them, Enter connects, Esc cancels).
//!
//! Keys: arrows or j/k move, Space marks, `a` marks all, Enter disconnects, Esc or q
//! cancels, `?` shows help. A mouse click moves to a row. `NO_COLOR` turns colour off.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

mod app;
mod connect;
mod draw;
mod terminal;

use netdrive_dialog::{texts, Outcome, Request};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// Show what `request` asks for on the controlling terminal until the person ends it (or
/// SIGTERM, SIGHUP or SIGINT cancels it).
pub fn run(request: &Request) -> Outcome {
    let screen = match terminal::tty() {
        Ok(t) => t,
        Err(e) => return Outcome::extended(texts::no_terminal(&e.to_string())),
    };
    let stop = terminal::stop_on_signals();
    let guard = match terminal::TerminalGuard::new() {
        Ok(g) => g,
        Err(e) => return Outcome::extended(texts::cannot_use_terminal(&e.to_string())),
    };
    let outcome = match Terminal::new(CrosstermBackend::new(screen)) {
        Ok(mut t) => match request.show() {
            netdrive_dialog::Show::Connect(setup) => connect::ConnectApp::new(setup).run(&mut t, &stop),
            _ => app::App::new(request).run(&mut t, &stop),
        },
        Err(e) => Outcome::extended(texts::cannot_use_terminal(&e.to_string())),
    };
    drop(guard);
    outcome
}
