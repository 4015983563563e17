//! The dialog as a person and a host program use it: a real GTK4 window under Xvfb,
//! driven with the keyboard (XTEST via xdotool), over real sshfs drives.
//!
//! Each test runs in a private mount namespace (see `testbed::gui`), so the only drive
//! in the dialog is its own. Screenshots of each state go to `target/screenshots/`.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::time::Duration;

use common::keys_on;
use netdrive_dialog::{disconnect_dialog, CancelledBy, Disconnected, Outcome, Owner, RESOURCETYPE_DISK};
use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::{is_mounted, FileHolder, Mount, Sshd};

const TITLE: &str = "Disconnect Network Drives";
const LONG: Duration = Duration::from_secs(15);

/// An X server, a server, one drive; the dialog helper and display for this process.
fn setup() -> (Xvfb, Sshd, tempfile::TempDir, Mount) {
    let x = Xvfb::start();
    // Single-threaded here: the test runs alone in its namespace child.
    std::env::set_var("DISPLAY", &x.display);
    std::env::set_var("NETDRIVE_DIALOG_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-gtk"));
    std::env::set_var("GTK_A11Y", "none");
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("drive"));
    (x, sshd, base, m)
}

/// Wait for the dialog and for its list to show the drive (rows load off the GUI thread).
fn dialog_window(x: &Xvfb) -> u32 {
    let w = x.wait_window(TITLE, LONG).expect("the dialog window appears");
    std::thread::sleep(Duration::from_millis(700));
    w
}

fn connection(m: &Mount) -> netdrive::Connection {
    netdrive::list(netdrive::Scope::Connected)
        .unwrap()
        .into_iter()
        .find(|c| c.local_name == m.path.as_os_str())
        .expect("the drive is listed")
}

fn disconnected(m: &Mount) -> Outcome {
    let c = connection(m);
    Outcome::Disconnected(vec![Disconnected { local_name: c.local_name, remote_name: c.remote_name }])
}

#[test]
fn keyboard_disconnect_over_an_owner_window() {
    if !private_mount_namespace("keyboard_disconnect_over_an_owner_window") {
        return;
    }
    let (x, _sshd, _base, m) = setup();
    let want = disconnected(&m);
    let owner = x.owner_window();
    let h = disconnect_dialog(Owner::X11(owner.id), RESOURCETYPE_DISK).unwrap();
    let w = dialog_window(&x);
    assert_eq!(x.transient_for(w), Some(owner.id), "WM_TRANSIENT_FOR names the owner");
    x.screenshot("dialog-list");
    x.keys(w, &keys_on(&m.path, &["Return"]));
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert_eq!(o, want);
    assert_eq!(o.code(), 0);
    assert!(!is_mounted(&m.path));
    assert!(x.find_window(TITLE).is_none(), "the dialog is gone");
}

#[test]
fn escape_cancels_and_leaves_everything() {
    if !private_mount_namespace("escape_cancels_and_leaves_everything") {
        return;
    }
    let (x, _sshd, _base, m) = setup();
    let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    let w = dialog_window(&x);
    x.keys(w, &keys_on(&m.path, &["Escape"]));
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert_eq!(o, Outcome::Cancelled(CancelledBy::Person));
    assert_eq!(o.code(), 0xFFFF_FFFF, "-1, as Win32 returns for cancel");
    assert!(is_mounted(&m.path));
}

#[test]
fn busy_drive_asks_naming_the_process() {
    if !private_mount_namespace("busy_drive_asks_naming_the_process") {
        return;
    }
    let (x, _sshd, _base, m) = setup();
    let want = disconnected(&m);
    let holder = FileHolder::open(&m.path.join("hello.txt"));
    let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    let w = dialog_window(&x);
    x.screenshot("dialog-busy-row");
    x.keys(w, &keys_on(&m.path, &["Return"]));
    let ask = x.wait_window("Files are open", LONG).expect("a confirmation");
    // No window manager here: the dialog itself puts its question over it, not in a corner.
    assert!(
        x.centred_over(ask, w),
        "the confirmation is over the dialog: {:?} {:?}",
        x.frame(ask),
        x.frame(w)
    );
    x.screenshot("dialog-busy-confirm");
    // What the confirmation says (the window text itself is checked by eye and AT-SPI).
    let usage = netdrive::who_uses(&connection(&m), Duration::from_secs(2)).unwrap();
    let text = netdrive_dialog::texts::describe_holders(&usage.holders);
    assert!(text.contains(&format!("sleep (PID {})", holder.pid())), "{text}");
    x.keys(ask, &["Escape"]);
    std::thread::sleep(Duration::from_millis(500));
    assert!(is_mounted(&m.path), "Cancel leaves the drive");
    let early = h.try_outcome();
    assert!(early.is_none(), "the dialog stays open after Cancel: {early:?}");
    x.screenshot("dialog-busy-after-cancel");
    x.keys(w, &keys_on(&m.path, &["Return"]));
    let ask = x.wait_window("Files are open", LONG).expect("asked again");
    // Cancel has the focus (the safe default); Tab to "Disconnect anyway", then Return.
    x.keys(ask, &["Tab", "Return"]);
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert_eq!(o, want);
    assert!(!is_mounted(&m.path));
    drop(holder);
}

#[test]
fn owner_destroyed_takes_the_dialog_away() {
    if !private_mount_namespace("owner_destroyed_takes_the_dialog_away") {
        return;
    }
    let (x, _sshd, _base, m) = setup();
    let owner = x.owner_window();
    let h = disconnect_dialog(Owner::X11(owner.id), RESOURCETYPE_DISK).unwrap();
    dialog_window(&x);
    owner.destroy();
    let o = h.wait_timeout(LONG).expect("an outcome");
    assert_eq!(o, Outcome::Cancelled(CancelledBy::OwnerGone));
    assert!(x.find_window(TITLE).is_none());
    assert!(is_mounted(&m.path));
}

#[test]
fn close_takes_the_dialog_away_at_once() {
    if !private_mount_namespace("close_takes_the_dialog_away_at_once") {
        return;
    }
    let (x, _sshd, _base, _m) = setup();
    let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    dialog_window(&x);
    let rx = h.receiver();
    h.close();
    let o = rx.recv_timeout(Duration::from_secs(2)).expect("the completion channel fires");
    assert_eq!(o, Outcome::Cancelled(CancelledBy::Closed));
    assert!(x.find_window(TITLE).is_none());
}

/// Not a test of its own: the host process that `host_killed_leaves_no_dialog` starts
/// (with `--ignored`) and kills.
#[test]
#[ignore = "the host process host_killed_leaves_no_dialog starts and kills, not a test of its own"]
fn host_process_for_kill_test() {
    assert!(
        std::env::var_os("NETDRIVE_TEST_HOST").is_some(),
        "run only by host_killed_leaves_no_dialog, as the host it kills"
    );
    let _h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
    std::thread::sleep(Duration::from_secs(60));
}

#[test]
fn host_killed_leaves_no_dialog() {
    if !private_mount_namespace("host_killed_leaves_no_dialog") {
        return;
    }
    let (x, _sshd, _base, _m) = setup();
    let mut host = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "host_process_for_kill_test", "--ignored", "--nocapture"])
        .env("NETDRIVE_TEST_HOST", "1")
        .spawn()
        .unwrap();
    dialog_window(&x);
    host.kill().unwrap();
    host.wait().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while x.find_window(TITLE).is_some() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(x.find_window(TITLE).is_none(), "no orphan dialog survives its host");
}

#[test]
fn wrong_resource_type_is_invalid_parameter() {
    for t in [0, 2, 3, 0xFFFF_FFFF] {
        let e = disconnect_dialog(Owner::None, t).unwrap_err();
        assert_eq!(e.code().0, 87);
        assert_eq!(netdrive::last_error().unwrap().code.0, 87);
    }
}
