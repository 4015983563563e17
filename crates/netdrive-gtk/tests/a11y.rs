//! What a screen reader gets from the dialog, read over AT-SPI (Debian's `pyatspi`) on a
//! real accessibility bus: the window's title, the list's name, every row's cells, and
//! buttons named as they read.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::process::Command;

use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::{require, Sshd};

#[test]
fn screen_readers_read_the_rows_and_controls() {
    if !private_mount_namespace("screen_readers_read_the_rows_and_controls") {
        return;
    }
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("spoken"));
    let evil = sshd.mount(&base.path().join("evil\x1b[31m<b>bold</b>\u{202e}txt"));
    require("dbus-run-session", "dbus");
    assert!(
        std::path::Path::new("/usr/libexec/at-spi-bus-launcher").exists(),
        "apt-get install -y at-spi2-core"
    );
    let script = format!(
        "/usr/libexec/at-spi-bus-launcher --launch-immediately > /dev/null 2>&1 & bus=$!; sleep 1; \
         {helper} < /dev/null > /dev/null 2>&1 & dialog=$!; sleep 3; \
         /usr/bin/python3 {py} 10; status=$?; kill $dialog $bus; exit $status",
        helper = env!("CARGO_BIN_EXE_netdrive-dialog-gtk"),
        py = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/a11y_tree.py"),
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("DISPLAY", &x.display)
        .env_remove("GTK_A11Y")
        .output()
        .unwrap();
    let tree = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{tree}\n{}", String::from_utf8_lossy(&out.stderr));
    let nodes: Vec<(&str, &str)> =
        tree.lines().filter_map(|l| l.split_once('|')).filter_map(|(_, r)| r.split_once('|')).collect();
    let has = |role: &str, name: &str| nodes.iter().any(|(r, n)| *r == role && *n == name);

    assert!(has("application", "netdrive"), "{tree}");
    assert!(has("frame", "Disconnect Network Drives"), "{tree}");
    assert!(
        nodes.iter().any(|(r, n)| *r == "tree table" && n.starts_with("Network drives")),
        "the list has a name: {tree}"
    );
    for header in ["Drive", "Network path", "Provider", "Status"] {
        assert!(has("label", header), "column {header}: {tree}");
    }
    let mp = m.path.to_str().unwrap();
    assert!(has("label", mp), "the row reads its drive: {tree}");
    assert!(has("label", "SSHFS") && has("label", "connected"), "{tree}");
    assert!(nodes.iter().any(|(r, n)| *r == "label" && n.starts_with(r"\\127.0.0.1\")), "{tree}");
    // A hostile name is shown escaped, and its markup is text, not formatting.
    let shown = format!("{}/evil\\u{{1b}}[31m<b>bold</b>\\u{{202e}}txt", base.path().display());
    assert!(has("label", &shown), "{shown:?} in {tree}");
    assert!(
        !tree.contains('\x1b') && !tree.contains('\u{202e}'),
        "raw control characters reached the window"
    );
    drop(evil);
    assert!(has("push button", "Disconnect") && has("push button", "Cancel"), "buttons read plainly: {tree}");
}

#[test]
fn the_window_says_it_is_looking_until_the_first_listing() {
    if !private_mount_namespace("the_window_says_it_is_looking_until_the_first_listing") {
        return;
    }
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("awaited"));
    require("dbus-run-session", "dbus");
    // The first listing is held back (a test hook) so the window can be read before it:
    // once when it is up, then until the drive is there.
    let script = format!(
        "/usr/libexec/at-spi-bus-launcher --launch-immediately > /dev/null 2>&1 & bus=$!; sleep 1; \
         {helper} < /dev/null > /dev/null 2>&1 & dialog=$!; sleep 3; \
         /usr/bin/python3 {py} 10; echo '=== listed'; \
         for i in $(seq 40); do /usr/bin/python3 {py} 10 > \"$TREE\"; grep -qF \"$DRIVE\" \"$TREE\" && ! grep -q 'Looking for network' \"$TREE\" && break; sleep 1; done; \
         cat \"$TREE\"; kill $dialog $bus",
        helper = env!("CARGO_BIN_EXE_netdrive-dialog-gtk"),
        py = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/a11y_tree.py"),
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("DISPLAY", &x.display)
        .env("NETDRIVE_TEST_FIRST_LIST_DELAY_MS", "12000")
        .env("TREE", base.path().join("tree"))
        .env("DRIVE", &m.path)
        .env_remove("GTK_A11Y")
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&out.stdout).into_owned();
    let (before, after) = all.split_once("=== listed\n").unwrap_or_else(|| panic!("{all}"));
    let mp = m.path.to_str().unwrap();
    assert!(
        before.contains("|label|Looking for network drives…"),
        "a screen reader hears it looking:\n{before}"
    );
    assert!(
        !before.contains("No network drives are connected."),
        "not 'no drives' before it knows:\n{before}"
    );
    assert!(!before.contains(mp), "the hook held the listing back:\n{before}");
    assert!(after.contains(&format!("|label|{mp}")), "then the drive:\n{after}");
    assert!(!after.contains("Looking for network drives"), "and no longer looking:\n{after}");
}
