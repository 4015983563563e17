//! The dialog on Wayland (sway, headless), owned by another program's window through
//! xdg-foreign: it opens as the owner's child, it closes when the owner goes, and a handle
//! the compositor does not know is ERROR_INVALID_PARAMETER.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use gdk4_wayland::WaylandToplevel;
use gtk::glib;
use gtk::prelude::*;
use netdrive::Win32Error;
use netdrive_dialog::{disconnect_dialog, CancelledBy, Outcome, Owner, RESOURCETYPE_DISK};
use serde_json::Value;
use testbed::wayland::Sway;

const TITLE: &str = "Disconnect Network Drives";
const LONG: Duration = Duration::from_secs(20);

/// Each test runs alone in its own process (nextest), so the environment is its own.
fn desktop() -> Sway {
    let sway = Sway::start();
    std::env::remove_var("DISPLAY");
    std::env::set_var("XDG_RUNTIME_DIR", &sway.runtime_dir);
    std::env::set_var("WAYLAND_DISPLAY", &sway.display);
    std::env::set_var("NETDRIVE_DIALOG_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-gtk"));
    std::env::set_var("GTK_A11Y", "none");
    // No drives of other tests in the list: this test is about the owner.
    std::env::set_var("NETDRIVE_MOUNTINFO", "/dev/null");
    sway
}

/// Windows in sway's tree named `name`, each with whether it floats.
fn windows(tree: &Value, name: &str, floating: bool, out: &mut Vec<bool>) {
    if tree["name"].as_str() == Some(name) && tree["pid"].is_number() {
        out.push(floating);
    }
    for (key, float) in [("nodes", floating), ("floating_nodes", true)] {
        for n in tree[key].as_array().into_iter().flatten() {
            windows(n, name, float, out);
        }
    }
}

fn find(sway: &Sway, name: &str) -> Vec<bool> {
    let mut out = Vec::new();
    if let Ok(tree) = serde_json::from_str::<Value>(&sway.tree()) {
        windows(&tree, name, false, &mut out);
    }
    out
}

/// Iterate the main loop until `done`, or panic after LONG.
fn run_until(mut done: impl FnMut() -> bool, what: &str) {
    let ctx = glib::MainContext::default();
    let deadline = Instant::now() + LONG;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        ctx.iteration(false);
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn owned_by_a_wayland_window_and_closed_with_it() {
    let sway = desktop();
    gtk::init().unwrap();
    let host = gtk::Window::builder().title("Wayland host").default_width(600).default_height(400).build();
    host.present();
    run_until(|| !find(&sway, "Wayland host").is_empty(), "the host window");
    let handle = Rc::new(RefCell::new(None));
    let toplevel = host.surface().and_downcast::<WaylandToplevel>().expect("a Wayland window");
    let got = handle.clone();
    assert!(toplevel.export_handle(move |_, h| *got.borrow_mut() = Some(h.map(str::to_owned))));
    run_until(|| handle.borrow().is_some(), "the exported handle");
    let handle = handle.borrow_mut().take().unwrap().unwrap();

    let h = disconnect_dialog(Owner::Wayland(handle), RESOURCETYPE_DISK).unwrap();
    run_until(|| !find(&sway, TITLE).is_empty(), "the dialog");
    // sway floats a window that has a parent, and tiles one that has none.
    assert_eq!(find(&sway, TITLE), [true], "the dialog is the host's child");
    assert_eq!(find(&sway, "Wayland host"), [false]);

    host.destroy();
    run_until(|| h.try_outcome().is_some(), "an outcome after the owner went");
    assert_eq!(h.try_outcome(), Some(Outcome::Cancelled(CancelledBy::OwnerGone)));
    run_until(|| find(&sway, TITLE).is_empty(), "the dialog to close");
}

#[test]
fn an_unknown_wayland_handle_is_an_invalid_parameter() {
    let _sway = desktop();
    let h = disconnect_dialog(Owner::Wayland("no-such-handle".into()), RESOURCETYPE_DISK).unwrap();
    match h.wait_timeout(LONG) {
        Some(Outcome::Failed { code, message }) => {
            assert_eq!(code, Win32Error::ERROR_INVALID_PARAMETER);
            assert!(message.contains("does not know the window wayland:no-such-handle"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}
