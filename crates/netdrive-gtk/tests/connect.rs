//! The Map Network Drive window (`netdrive-dialog-gtk --connect`) under Xvfb, typed at
//! with xdotool as a person would and read over AT-SPI as a screen reader would: a real
//! sshfs folder of the test sshd (127.0.0.1), a wrong password asked again, and Cancel
//! during a connect to a server that never answers.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::{require, Sshd, TEST_PASSWORD, TEST_USER};

const TITLE: &str = "Map Network Drive";

fn mounted_at(path: &Path) -> bool {
    let table = std::fs::read("/proc/self/mountinfo").unwrap();
    let want = path.to_str().unwrap().replace(' ', "\\040");
    String::from_utf8_lossy(&table).lines().any(|l| l.split(' ').nth(4) == Some(want.as_str()))
}

/// Type `text` into the focused window as a keyboard would.
fn type_text(x: &Xvfb, window: u32, text: &str) {
    x.wait_focus(window);
    let ok = x.command("xdotool").args(["type", "--delay", "20", text]).status().unwrap().success();
    assert!(ok, "xdotool type");
    std::thread::sleep(Duration::from_millis(200));
}

#[test]
fn a_person_maps_an_sshfs_folder_after_a_wrong_password() {
    if !private_mount_namespace("a_person_maps_an_sshfs_folder_after_a_wrong_password") {
        return;
    }
    testbed::ensure_test_user();
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let home = base.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    require("dbus-run-session", "dbus");
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let (tree1, tree2, go) = (base.path().join("tree1"), base.path().join("tree2"), base.path().join("go"));
    // The window runs on its own accessibility bus; its tree is read when it is up, and
    // again when the test says so (after the wrong password).
    let script = format!(
        "/usr/libexec/at-spi-bus-launcher --launch-immediately > /dev/null 2>&1 & bus=$!; sleep 1; \
         {helper} --connect --timeout=15 < /dev/null & dialog=$!; sleep 3; \
         /usr/bin/python3 {py} 10 > \"$T1.part\"; mv \"$T1.part\" \"$T1\"; \
         while [ ! -e \"$GO\" ] && kill -0 $dialog 2>/dev/null; do sleep 0.2; done; \
         /usr/bin/python3 {py} 10 > \"$T2.part\"; mv \"$T2.part\" \"$T2\"; \
         wait $dialog; status=$?; kill $bus; exit $status",
        helper = env!("CARGO_BIN_EXE_netdrive-dialog-gtk"),
        py = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/a11y_tree.py"),
    );
    let mut run = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("DISPLAY", &x.display)
        .env("HOME", &home)
        .env("T1", &tree1)
        .env("T2", &tree2)
        .env("GO", &go)
        .env_remove("GTK_A11Y")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let w = x.wait_window(TITLE, Duration::from_secs(20)).expect("the window maps");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !tree1.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let tree = std::fs::read_to_string(&tree1).unwrap();
    for (role, name) in [
        ("frame", TITLE),
        ("text", "Folder"),
        ("text", "Local folder"),
        ("check box", "Reconnect at sign-in"),
        ("check box", "Connect using different credentials"),
        ("push button", "Connect"),
        ("push button", "Cancel"),
    ] {
        assert!(tree.contains(&format!("|{role}|{name}\n")), "{role} {name:?} in:\n{tree}");
    }
    // Folder has the keyboard: type the remote; Tab past Browse… to the local folder (suggested), to
    // "Reconnect at sign-in", to "Connect using different credentials" (tick it), to the
    // user (named in the folder already) and the password.
    type_text(&x, w, &remote);
    x.screenshot("connect-dialog");
    x.keys(w, &["Tab", "Tab", "Tab", "Tab", "space", "Tab", "Tab"]);
    type_text(&x, w, "not-the-password");
    x.keys(w, &["Return"]);
    // Asked again: the window stays, says why, and the password field has the keyboard.
    std::thread::sleep(Duration::from_secs(4));
    assert!(x.window_exists(w), "a wrong password does not end the dialog");
    x.screenshot("connect-wrong-password");
    std::fs::write(&go, "").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !tree2.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let again = std::fs::read_to_string(&tree2).unwrap();
    assert!(again.contains("password"), "the message asks for the password again:\n{again}");
    // A password given and refused (a missing one would be ERROR_LOGON_FAILURE).
    assert!(again.contains("ERROR_INVALID_PASSWORD (86))"), "with its Win32 code:\n{again}");
    type_text(&x, w, TEST_PASSWORD);
    x.keys(w, &["Return"]);
    let status = run.wait().unwrap();
    let mut out = String::new();
    run.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let mut err = String::new();
    run.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(out.lines().last().unwrap_or("")).unwrap_or_else(|_| panic!("{out}\n{err}"));
    assert!(status.success(), "{answer}\n{err}");
    assert_eq!(answer["outcome"], "connected", "{answer}");
    assert_eq!(answer["code"], 0);
    let export_name = sshd.export.file_name().unwrap().to_str().unwrap();
    let local = home.join("Network").join(format!("127.0.0.1 {export_name}"));
    assert_eq!(answer["connected"]["local_name"], local.to_str().unwrap(), "{answer}");
    let _m = testbed::Mount::adopt(&local);
    assert!(mounted_at(&local), "{} is mounted", local.display());
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from sshd\n");
}

#[test]
fn cancel_during_a_connect_to_a_silent_server_returns_at_once() {
    if !private_mount_namespace("cancel_during_a_connect_to_a_silent_server_returns_at_once") {
        return;
    }
    let x = Xvfb::start();
    // A server that takes the connection and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let base = testbed::open_tempdir();
    let local = base.path().join("silent");
    let mut helper = x
        .command(env!("CARGO_BIN_EXE_netdrive-dialog-gtk"))
        .args(["--connect", "--timeout=30", &format!("--remote=sftp://127.0.0.1:{port}/srv")])
        .arg(format!("--local={}", local.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let w = x.wait_window(TITLE, Duration::from_secs(20)).expect("the window maps");
    x.keys(w, &["Return"]);
    let (_conn, _) = silent.accept().unwrap();
    std::thread::sleep(Duration::from_secs(1));
    x.screenshot("connect-connecting");
    assert!(x.window_exists(w), "still connecting");
    let start = Instant::now();
    x.keys(w, &["Escape"]);
    let status = helper.wait().unwrap();
    let took = start.elapsed();
    let mut out = String::new();
    helper.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(took < Duration::from_secs(2), "Cancel took {took:?}");
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.contains(r#""outcome":"cancelled""#), "{out}");
    // Nothing is left trying: no sshfs for that port, and no drive appears later.
    std::thread::sleep(Duration::from_secs(1));
    let needle = format!("127.0.0.1 -p {port}");
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains("sshfs") && (c.contains(&needle) || c.contains(&format!("-p {port} "))))
        .collect();
    assert!(left.is_empty(), "the cancelled connect's tool is still running: {left:?}");
    assert!(!mounted_at(&local));
}

#[test]
fn the_window_belongs_to_its_owner_and_closes_with_it() {
    if !private_mount_namespace("the_window_belongs_to_its_owner_and_closes_with_it") {
        return;
    }
    use netdrive_dialog::{connect_dialog, CancelledBy, Outcome, Owner, RESOURCETYPE_DISK};
    let x = Xvfb::start();
    // Single-threaded here: the test runs alone in its namespace child.
    std::env::set_var("DISPLAY", &x.display);
    std::env::set_var("NETDRIVE_DIALOG_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-gtk"));
    std::env::set_var("GTK_A11Y", "none");
    let owner = x.owner_window();
    let start = Instant::now();
    let h = connect_dialog(Owner::X11(owner.id), RESOURCETYPE_DISK).unwrap();
    assert!(start.elapsed() < Duration::from_millis(100), "the call returns at once");
    let w = x.wait_window(TITLE, Duration::from_secs(20)).expect("the window maps");
    assert_eq!(x.transient_for(w), Some(owner.id), "WM_TRANSIENT_FOR names the owner");
    assert!(h.try_outcome().is_none());
    owner.destroy();
    let o = h.wait_timeout(Duration::from_secs(10)).expect("an outcome");
    assert_eq!(o, Outcome::Cancelled(CancelledBy::OwnerGone));
    assert_eq!(o.code(), 0xFFFF_FFFF, "-1, as Win32 returns for cancel");
    assert!(x.find_window(TITLE).is_none(), "the window is gone");
}

/// `sshfs` processes aimed at `port`, now.
fn sshfs_for(port: u16) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.starts_with("sshfs ") && c.contains(&format!("-p {port} ")))
        .collect()
}

#[test]
fn close_during_a_connect_leaves_nothing_behind() {
    if !private_mount_namespace("close_during_a_connect_leaves_nothing_behind") {
        return;
    }
    use netdrive_dialog::connect::NetResource;
    use netdrive_dialog::{connect_dialog1_with, CancelledBy, ConnectDlg, DialogOptions, Outcome, Surface};
    let x = Xvfb::start();
    // Single-threaded here: the test runs alone in its namespace child.
    std::env::set_var("DISPLAY", &x.display);
    std::env::set_var("NETDRIVE_DIALOG_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-gtk"));
    std::env::set_var("GTK_A11Y", "none");
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let base = testbed::open_tempdir();
    let local = base.path().join("closed");
    let d = ConnectDlg {
        net_resource: NetResource {
            remote_name: Some(format!("sftp://127.0.0.1:{port}/srv").into()),
            local_name: Some(local.clone().into()),
            ..NetResource::default()
        },
        ..ConnectDlg::default()
    };
    let options = DialogOptions { timeout: Duration::from_secs(30), surface: Surface::Window };
    let h = connect_dialog1_with(&d, &options).unwrap();
    let w = x.wait_window(TITLE, Duration::from_secs(20)).expect("the window maps");
    x.keys(w, &["Return"]);
    let (_conn, _) = silent.accept().unwrap();
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(sshfs_for(port).len(), 1, "connecting");
    // The host takes the dialog away while it connects.
    h.close();
    let o = h.wait_timeout(Duration::from_secs(5)).expect("an outcome");
    assert_eq!(o, Outcome::Cancelled(CancelledBy::Closed));
    std::thread::sleep(Duration::from_secs(1));
    assert!(sshfs_for(port).is_empty(), "the closed dialog's connect goes on: {:?}", sshfs_for(port));
    assert!(!mounted_at(&local), "the closed dialog's connect left a drive");
}

/// The drive connects but "Reconnect at sign-in" cannot be saved (the profile cannot be
/// changed): the window says so, read over AT-SPI as a screen reader would, its button
/// becomes OK, and however it is closed the answer is "connected" with the drive there.
#[test]
fn a_drive_that_cannot_be_remembered_is_said_in_the_window() {
    if !private_mount_namespace("a_drive_that_cannot_be_remembered_is_said_in_the_window") {
        return;
    }
    testbed::ensure_test_user();
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    require("dbus-run-session", "dbus");
    // The profile reads as empty but cannot be changed: its lock is a folder.
    let config = std::env::var("XDG_CONFIG_HOME").expect("the private namespace's profile folder");
    std::fs::create_dir_all(Path::new(&config).join("netdrive/.connections.toml.lock")).unwrap();
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let local = base.path().join("ssh");
    let (tree, go) = (base.path().join("tree"), base.path().join("go"));
    let script = format!(
        "/usr/libexec/at-spi-bus-launcher --launch-immediately > /dev/null 2>&1 & bus=$!; sleep 1; \
         {helper} --connect --timeout=15 --remote={remote} --local={local} < /dev/null & dialog=$!; \
         while [ ! -e \"$GO\" ] && kill -0 $dialog 2>/dev/null; do sleep 0.2; done; \
         /usr/bin/python3 {py} 10 > \"$T.part\"; mv \"$T.part\" \"$T\"; \
         wait $dialog; status=$?; kill $bus; exit $status",
        helper = env!("CARGO_BIN_EXE_netdrive-dialog-gtk"),
        local = local.display(),
        py = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/a11y_tree.py"),
    );
    let mut run = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .env("DISPLAY", &x.display)
        .env("T", &tree)
        .env("GO", &go)
        .env_remove("GTK_A11Y")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let w = x.wait_window(TITLE, Duration::from_secs(20)).expect("the window maps");
    // Tab past Browse…, the local folder and "Reconnect at sign-in" (ticked) to "Connect
    // using different credentials" (tick it), past the user to the password.
    x.keys(w, &["Tab", "Tab", "Tab", "Tab", "space", "Tab", "Tab"]);
    type_text(&x, w, TEST_PASSWORD);
    x.keys(w, &["Return"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !mounted_at(&local) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _m = testbed::Mount::adopt(&local);
    std::thread::sleep(Duration::from_secs(1));
    assert!(x.window_exists(w), "the window stays to say it");
    std::fs::write(&go, "").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !tree.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let said = std::fs::read_to_string(&tree).unwrap();
    assert!(said.contains("is connected, but not remembered for sign-in"), "told:\n{said}");
    assert!(said.contains("|push button|OK\n"), "Connect became OK:\n{said}");
    x.screenshot("connect-not-remembered");
    x.keys(w, &["Escape"]);
    let status = run.wait().unwrap();
    let mut out = String::new();
    run.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let answer: serde_json::Value = serde_json::from_str(out.lines().last().unwrap_or("")).unwrap();
    assert!(status.success(), "{answer}");
    assert_eq!(answer["outcome"], "connected", "{answer}");
    assert_eq!(answer["connected"]["local_name"], local.to_str().unwrap(), "{answer}");
    assert!(mounted_at(&local), "{} is mounted", local.display());
}
