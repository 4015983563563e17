//! The README's walkthrough in the window, on the test sshd with a real keyring: Map
//! Network Drive with "Remember my credentials" and "Reconnect at sign-in" ticked, then
//! Disconnect Network Drives showing the drive, connected and remembered, and
//! disconnecting it. Screenshots `walkthrough-1-connect` and `walkthrough-3-disconnect`
//! go to `target/screenshots/` for the README.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::keyring::Keyring;
use testbed::{is_mounted, Sshd, TEST_PASSWORD, TEST_USER};

const LONG: Duration = Duration::from_secs(20);

/// The helper's exit status and JSON answer, within [`LONG`].
fn finish(mut child: std::process::Child) -> (i32, serde_json::Value) {
    let deadline = std::time::Instant::now() + LONG;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the dialog did not end within {LONG:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let v = serde_json::from_str(out.lines().last().unwrap_or("")).unwrap_or_else(|_| panic!("{out}"));
    (status.code().unwrap_or(-1), v)
}

#[test]
fn map_with_remembered_credentials_then_disconnect_in_the_window() {
    if !private_mount_namespace("map_with_remembered_credentials_then_disconnect_in_the_window") {
        return;
    }
    testbed::ensure_test_user();
    let keyring = Keyring::start();
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let home = base.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let env: Vec<(String, String)> = keyring.env().into_iter().filter(|(n, _)| n != "HOME").collect();
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let local = home
        .join("Network")
        .join(format!("127.0.0.1 {}", sshd.export.file_name().unwrap().to_str().unwrap()));

    let helper = x
        .command(env!("CARGO_BIN_EXE_netdrive-dialog-gtk"))
        .args(["--connect", "--timeout=15"])
        .envs(env.clone())
        .env("HOME", &home)
        .env("NETDRIVE_FSTAB", "/dev/null")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let w = x.wait_window("Map Network Drive", LONG).expect("the window maps");
    x.wait_focus(w);
    let ok = x.command("xdotool").args(["type", "--delay", "20", &remote]).status().unwrap().success();
    assert!(ok, "xdotool type");
    // Past Browse… and the local folder to "Connect using different credentials" (tick),
    // past the user to the password; then "Remember my credentials" (tick).
    x.keys(w, &["Tab", "Tab", "Tab", "Tab", "space", "Tab", "Tab"]);
    let ok = x.command("xdotool").args(["type", "--delay", "20", TEST_PASSWORD]).status().unwrap().success();
    assert!(ok, "xdotool type");
    x.keys(w, &["Tab", "space"]);
    std::thread::sleep(Duration::from_millis(500));
    x.screenshot("walkthrough-1-connect");
    // Return on a check box ticks it: back to the password, whose Return connects.
    x.keys(w, &["shift+Tab", "Return"]);
    let (code, answer) = finish(helper);
    assert_eq!(code, 0, "{answer}");
    assert_eq!(answer["connected"]["local_name"], local.to_str().unwrap(), "{answer}");
    let _m = testbed::Mount::adopt(&local);
    assert!(is_mounted(&local));
    // Remember my credentials: the password is in the keyring, for gvfs' sftp schema.
    let stored = keyring.lookup(&["protocol", "sftp", "server", "127.0.0.1", "user", TEST_USER]);
    assert_eq!(stored.as_deref(), Some(TEST_PASSWORD), "the password is in the keyring");

    let helper = x
        .command(env!("CARGO_BIN_EXE_netdrive-dialog-gtk"))
        .envs(env)
        .env("HOME", &home)
        .env("NETDRIVE_FSTAB", "/dev/null")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let w = x.wait_window("Disconnect Network Drives", LONG).expect("the dialog maps");
    std::thread::sleep(Duration::from_millis(1500));
    x.keys(w, &common::keys_to(&local));
    std::thread::sleep(Duration::from_millis(300));
    x.screenshot("walkthrough-3-disconnect");
    x.keys(w, &["Return"]);
    let (code, answer) = finish(helper);
    assert_eq!(code, 0, "{answer}");
    assert_eq!(answer["outcome"], "disconnected", "{answer}");
    assert!(!is_mounted(&local));
}
