//! `netdrive-dialog-gtk`: the "Disconnect Network Drives" window (GTK4), and the "Map
//! Network Drive" one (`connect`) for `--connect`.
//!
//! What it is for: the helper process that `netdrive_dialog` starts when there is a
//! display. It reads a [`netdrive_dialog::Request`] from its command line, shows the
//! dialog (or, for `WNetDisconnectDialog1`, one question or message) for its owner, and
//! answers with one JSON line. Exit status: 0 disconnected ("yes"), 1 cancelled ("no"),
//! 3 error.
//!
//! What it is not: a library, or a place for the dialog's flow: that is
//! `netdrive_dialog::Conversation`; this program draws it (`window`, `list`, `messages`)
//! and places it over its owner (`owner`, over `x11` or `wayland`). Every blocking step
//! runs off the GUI thread (`gio::spawn_blocking`).

#![deny(unsafe_op_in_unsafe_fn)]

mod connect;
mod list;
mod messages;
mod owner;
mod wayland;
mod window;
mod x11;

use gtk::glib;
use netdrive_dialog::{exit_with, texts, watch_host, Outcome, Request, Show};

fn main() {
    // A list dialog needs no GPU: GTK's software renderer starts as fast and uses a fifth
    // of the memory (31 MB, not 162 MB, measured by bench/run). Only when the person has
    // not chosen otherwise; set before any thread starts.
    for (var, value) in [("GSK_RENDERER", "cairo"), ("GDK_DEBUG", "gl-disable")] {
        if std::env::var_os(var).is_none() {
            std::env::set_var(var, value);
        }
    }
    let request = Request::from_env().unwrap_or_else(|o| exit_with(o));
    let connecting = request.connect;
    watch_host(move || {
        if connecting {
            // A connect under way is undone first: the host is gone, nobody wants it.
            netdrive_dialog::connect::abandon_children();
        }
        // SAFETY: _exit ends the process at once, without running GTK's handlers from
        // this thread.
        unsafe { libc::_exit(1) }
    });
    // GTK 4.8 reads a mnemonic's underscore into buttons' accessible names ("_Cancel
    // Cancel"), so buttons here have plain labels: Enter, Escape and Tab reach them all.
    // GTK names the application (for screen readers, and WM_CLASS) after the program name.
    glib::set_prgname(Some("netdrive"));
    glib::set_application_name(match request.show() {
        Show::Connect(_) => texts::connect::TITLE,
        _ => texts::TITLE,
    });
    if let Err(e) = gtk::init() {
        let display =
            std::env::var("DISPLAY").or_else(|_| std::env::var("WAYLAND_DISPLAY")).unwrap_or_default();
        exit_with(Outcome::extended(if display.is_empty() {
            texts::WINDOW_NO_DISPLAY.to_owned()
        } else {
            texts::cannot_open_display(&display, &e.to_string())
        }));
    }
    let owner = owner::resolve(&request.owner).unwrap_or_else(|o| exit_with(o));
    let main_loop = glib::MainLoop::new(None, false);
    match request.show() {
        Show::Dialog => window::open(owner, request.timeout),
        Show::Ask(q) | Show::Tell(q) => messages::alone(owner, &q),
        Show::Connect(setup) => connect::open(owner, setup),
    }
    main_loop.run();
}
