//! More of the dialog as people and programs meet it: a server that stops answering,
//! drives that come and go while it is open, `WNetDisconnectDialog1`, a host that runs its
//! own GTK4 main loop, and no display at all.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::time::{Duration, Instant};

use common::keys_on;
use gtk::glib;
use gtk::prelude::*;
use netdrive::Win32Error;
use netdrive_dialog::{
    disconnect_dialog, disconnect_dialog1, disconnect_dialog_with_timeout, CancelledBy, DiscDlg, Outcome,
    Owner, DISC_NO_FORCE, DISC_UPDATE_PROFILE, RESOURCETYPE_DISK,
};
use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::{is_mounted, FileHolder, Sshd};

const TITLE: &str = "Disconnect Network Drives";
const LONG: Duration = Duration::from_secs(20);

fn display() -> Xvfb {
    let x = Xvfb::start();
    // Single-threaded here: each test runs alone in its namespace child.
    std::env::set_var("DISPLAY", &x.display);
    std::env::set_var("NETDRIVE_DIALOG_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-gtk"));
    std::env::set_var("GTK_A11Y", "none");
    x
}

#[test]
fn not_responding_offers_detach() {
    if !private_mount_namespace("not_responding_offers_detach") {
        return;
    }
    let x = display();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("dead"));
    let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    let w = x.wait_window(TITLE, LONG).expect("the dialog");
    std::thread::sleep(Duration::from_millis(700));
    let frozen = sshd.server.freeze();
    x.keys(w, &keys_on(&m.path, &["Return"]));
    std::thread::sleep(Duration::from_millis(500));
    x.screenshot("dialog-waiting-for-server");
    let ask = x.wait_window("Server not responding", LONG).expect("the not-responding question");
    std::thread::sleep(Duration::from_millis(300)); // drawn and placed, as a person sees it
    x.screenshot("dialog-not-responding");
    // Cancel has the focus; Tab past "Keep waiting" to "Detach".
    x.keys(ask, &["Tab", "Tab", "Return"]);
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert!(matches!(&o, Outcome::Disconnected(d) if d[0].local_name == m.path.as_os_str()), "{o:?}");
    assert!(!is_mounted(&m.path));
    drop(frozen);
}

#[test]
fn the_window_waits_for_a_server_as_long_as_it_was_told() {
    if !private_mount_namespace("the_window_waits_for_a_server_as_long_as_it_was_told") {
        return;
    }
    let x = display();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("patient"));
    // `netdrive dialog --timeout 10` comes here: far longer than the default 3 s.
    let told = Duration::from_secs(10);
    let h = disconnect_dialog_with_timeout(Owner::None, RESOURCETYPE_DISK, told).unwrap();
    let w = x.wait_window(TITLE, LONG).expect("the dialog");
    std::thread::sleep(Duration::from_millis(700));
    let frozen = sshd.server.freeze();
    let asked_at = Instant::now();
    x.keys(w, &keys_on(&m.path, &["Return"]));
    let ask = x.wait_window("Server not responding", told + LONG).expect("the not-responding question");
    let waited = asked_at.elapsed();
    assert!(waited >= told - Duration::from_millis(500), "asked after {waited:?}, told to wait {told:?}");
    x.keys(ask, &["Escape"]);
    x.keys(w, &["Escape"]);
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert_eq!(o, Outcome::Cancelled(CancelledBy::Person));
    assert!(is_mounted(&m.path));
    drop(frozen);
}

#[test]
fn drives_that_appear_while_open_are_listed() {
    if !private_mount_namespace("drives_that_appear_while_open_are_listed") {
        return;
    }
    let x = display();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    let w = x.wait_window(TITLE, LONG).expect("the dialog");
    std::thread::sleep(Duration::from_millis(700));
    x.screenshot("dialog-empty");
    let m = sshd.mount(&base.path().join("late"));
    std::thread::sleep(Duration::from_millis(1200));
    x.screenshot("dialog-refreshed");
    x.keys(w, &keys_on(&m.path, &["Return"]));
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert!(matches!(&o, Outcome::Disconnected(d) if d[0].local_name == m.path.as_os_str()), "{o:?}");
}

#[test]
fn disconnect_dialog1_forces_unless_told_not_to() {
    if !private_mount_namespace("disconnect_dialog1_forces_unless_told_not_to") {
        return;
    }
    let x = display();
    let config = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_CONFIG_HOME", config.path());
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();

    // Without DISC_NO_FORCE: open files are closed without asking.
    let m = sshd.mount(&base.path().join("forced"));
    let holder = FileHolder::open(&m.path.join("hello.txt"));
    let d = DiscDlg { local_name: Some(m.path.clone().into()), ..DiscDlg::default() };
    disconnect_dialog1(&d).unwrap();
    assert!(!is_mounted(&m.path));
    drop(holder);

    // With DISC_NO_FORCE: the person is asked; "no" is ERROR_CANCELLED.
    let m = sshd.mount(&base.path().join("asked"));
    let holder = FileHolder::open(&m.path.join("hello.txt"));
    let d = DiscDlg { local_name: Some(m.path.clone().into()), flags: DISC_NO_FORCE, ..DiscDlg::default() };
    let asker = std::thread::spawn(move || disconnect_dialog1(&d));
    let ask = x.wait_window(TITLE, LONG).expect("the question");
    std::thread::sleep(Duration::from_millis(500));
    x.screenshot("dialog1-question");
    x.keys(ask, &["Escape"]);
    let e = asker.join().unwrap().unwrap_err();
    assert_eq!(e.code(), Win32Error::ERROR_CANCELLED);
    assert!(is_mounted(&m.path));

    // "Yes" retries with force; DISC_UPDATE_PROFILE also forgets it. The remote name
    // alone is enough.
    let c = netdrive::list(netdrive::Scope::Connected)
        .unwrap()
        .into_iter()
        .find(|c| c.local_name == m.path.as_os_str())
        .unwrap();
    netdrive::profile::remember(netdrive::profile::RememberedEntry {
        local_name: m.path.to_str().unwrap().into(),
        remote_name: c.remote_name.to_str().unwrap().into(),
        source: c.source.to_str().unwrap().into(),
        provider: "SSHFS".into(),
        fstype: c.fstype.clone(),
        options: String::new(),
    })
    .unwrap();
    let d = DiscDlg {
        local_name: Some(m.path.clone().into()),
        flags: DISC_NO_FORCE | DISC_UPDATE_PROFILE,
        ..DiscDlg::default()
    };
    let asker = std::thread::spawn(move || disconnect_dialog1(&d));
    let ask = x.wait_window(TITLE, LONG).expect("the question");
    // "Cancel" has the focus (the safe default); Tab to "Disconnect anyway".
    x.keys(ask, &["Tab", "Return"]);
    asker.join().unwrap().unwrap();
    assert!(!is_mounted(&m.path));
    assert!(netdrive::profile::load().unwrap().is_empty(), "forgotten");
    drop(holder);

    // Bad input: unknown flags, no names.
    let e = disconnect_dialog1(&DiscDlg { flags: 0x1000, ..DiscDlg::default() }).unwrap_err();
    assert_eq!(e.code(), Win32Error::ERROR_INVALID_PARAMETER);
    let e = disconnect_dialog1(&DiscDlg::default()).unwrap_err();
    assert_eq!(e.code(), Win32Error::ERROR_INVALID_PARAMETER);
}

#[test]
fn a_gtk_host_gets_the_outcome_on_its_own_main_loop() {
    if !private_mount_namespace("a_gtk_host_gets_the_outcome_on_its_own_main_loop") {
        return;
    }
    let x = display();
    gtk::init().unwrap();
    let host = gtk::Window::builder().title("GTK host").default_width(600).default_height(400).build();
    host.present();
    let ctx = glib::MainContext::default();
    while x.find_window("GTK host").is_none() {
        ctx.iteration(false);
    }
    let xid = host.surface().and_downcast::<gdk4_x11::X11Surface>().unwrap().xid() as u32;
    let h = disconnect_dialog(Owner::X11(xid), RESOURCETYPE_DISK).unwrap();
    let got = std::rc::Rc::new(std::cell::RefCell::new(None));
    let (tx, rx) = std::sync::mpsc::channel();
    h.on_complete(move |o| tx.send(o).unwrap());
    let deadline = std::time::Instant::now() + LONG;
    let mut pressed = false;
    while got.borrow().is_none() && std::time::Instant::now() < deadline {
        ctx.iteration(false);
        if !pressed {
            if let Some(w) = x.find_window(TITLE) {
                assert_eq!(x.transient_for(w), Some(xid));
                std::thread::sleep(Duration::from_millis(500));
                x.keys(w, &["Escape"]);
                pressed = true;
            }
        }
        if let Ok(o) = rx.try_recv() {
            *got.borrow_mut() = Some(o);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(got.borrow().clone(), Some(Outcome::Cancelled(CancelledBy::Person)));
    assert!(host.is_visible(), "the host's own window lives on");
}

#[test]
fn no_display_is_an_extended_error() {
    if !private_mount_namespace("no_display_is_an_extended_error") {
        return;
    }
    std::env::remove_var("DISPLAY");
    std::env::remove_var("WAYLAND_DISPLAY");
    std::env::set_var("NETDRIVE_DIALOG_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-gtk"));
    let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    match h.wait_timeout(LONG).expect("an outcome") {
        Outcome::Failed { code, message } => {
            assert_eq!(code, Win32Error::ERROR_EXTENDED_ERROR);
            assert!(message.contains("no display"), "{message}");
            let last = netdrive::last_error().unwrap();
            assert_eq!(last.code, Win32Error::ERROR_EXTENDED_ERROR);
            assert_eq!(last.text, message);
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn bad_owners_are_invalid_parameters() {
    if !private_mount_namespace("bad_owners_are_invalid_parameters") {
        return;
    }
    let _x = display();
    for owner in [Owner::X11(0x7fff_fff0), Owner::Wayland("not-exported".into())] {
        let h = disconnect_dialog(owner.clone(), RESOURCETYPE_DISK).unwrap();
        match h.wait_timeout(LONG).expect("an outcome") {
            Outcome::Failed { code, message } => {
                assert_eq!(code, Win32Error::ERROR_INVALID_PARAMETER, "{owner:?}: {message}");
            }
            o => panic!("{owner:?}: {o:?}"),
        }
    }
}
