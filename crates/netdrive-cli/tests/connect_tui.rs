//! The Map Network Drive dialog in a real terminal (tmux), as a person uses it with the
//! keyboard: a real sshfs folder of the test sshd typed in, a wrong password asked again,
//! then connected; and a server that never answers, told within the bound, and Escape.
//! Each test in a private mount namespace. The screen is saved to
//! `target/screenshots/connect-tui.txt` for the README.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use testbed::gui::private_mount_namespace;
use testbed::tmux::Tmux;
use testbed::{is_mounted, Sshd, TEST_PASSWORD, TEST_USER};

const LONG: Duration = Duration::from_secs(20);

/// `netdrive ARGS --json` in an 80x24 terminal, its answer and exit status in `dir`.
fn run_in_terminal(args: &str, dir: &Path, home: &Path) -> Tmux {
    let cmd = format!(
        "{} {args} --json > {out}; echo $? > {code}; sleep 30",
        common::BIN,
        out = dir.join("out.json").display(),
        code = dir.join("code").display()
    );
    Tmux::start(&cmd, 80, 24, &[("HOME", home.to_str().unwrap()), ("NETDRIVE_FSTAB", "/dev/null")])
}

fn answer(dir: &Path) -> (serde_json::Value, i32) {
    let deadline = Instant::now() + LONG;
    while !dir.join("code").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let code = std::fs::read_to_string(dir.join("code")).unwrap().trim().parse().unwrap();
    (serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap(), code)
}

fn save(name: &str, screen: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(name), screen);
}

#[test]
fn map_an_sshfs_folder_in_a_terminal_after_a_wrong_password() {
    if !private_mount_namespace("map_an_sshfs_folder_in_a_terminal_after_a_wrong_password") {
        return;
    }
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let home = base.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let t = run_in_terminal("connect-dialog --tui", base.path(), &home);
    let screen = t.wait_for("Map Network Drive", LONG).unwrap_or_else(|s| panic!("no dialog:\n{s}"));
    for text in ["Folder", "Local folder", "Reconnect at sign-in", "Connect using different credentials"] {
        assert!(screen.contains(text), "{text}:\n{screen}");
    }
    assert!(screen.contains("Enter connect") && screen.contains("Esc cancel"), "{screen}");
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    t.keys(&[remote.as_str()]);
    let screen = t.wait_for("/Network/127.0.0.1 export", LONG).unwrap_or_else(|s| panic!("suggested:\n{s}"));
    assert!(screen.contains("[x] Reconnect at sign-in"), "{screen}");
    // Tab past Browse… to "Connect using different credentials", tick it, Tab to the password.
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Space", "Tab", "Tab", "not-the-password", "Enter"]);
    // A password given and refused: ERROR_INVALID_PASSWORD (a missing one is 1326).
    let screen = t.wait_for("(86)", LONG).unwrap_or_else(|s| panic!("asked again:\n{s}"));
    assert!(screen.contains("password is not right"), "{screen}");
    assert!(screen.contains("> Password:"), "the password has the keyboard, emptied:\n{screen}");
    assert!(!screen.contains('•'), "the wrong password is gone:\n{screen}");
    save("connect-tui.txt", &screen);
    t.keys(&[TEST_PASSWORD, "Enter"]);
    let (out, code) = answer(base.path());
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["outcome"], "connected", "{out}");
    let local = home
        .join("Network")
        .join(format!("127.0.0.1 {}", sshd.export.file_name().unwrap().to_str().unwrap()));
    assert_eq!(out["connected"]["local_name"], local.to_str().unwrap(), "{out}");
    let _m = testbed::Mount::adopt(&local);
    assert!(is_mounted(&local));
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from sshd\n");
    // "Reconnect at sign-in" was ticked: the drive is remembered.
    let config = std::env::var("XDG_CONFIG_HOME").expect("the private namespace's profile folder");
    let remembered = common::nd(Path::new(&config), ["list", "--remembered", "--json"]).json();
    assert!(remembered.to_string().contains(local.to_str().unwrap()), "{remembered}");
    drop(t);
    // The next dialog offers the folder among the recent ones (CONNDLG_USE_MRU).
    let again = base.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    let t = run_in_terminal("connect-dialog --tui", &again, &home);
    let screen = t.wait_for("Recent servers", LONG).unwrap_or_else(|s| panic!("no recent list:\n{s}"));
    assert!(screen.contains("> Folder"), "the folder has the keyboard:\n{screen}");
    // Up to the recent folders, then Right to the newest.
    t.keys(&["Up", "Right"]);
    let screen = t.wait_for("/Network/127.0.0.1 export", LONG).unwrap_or_else(|s| panic!("chosen:\n{s}"));
    assert!(screen.contains(&format!("127.0.0.1:{}", sshd.server.port)), "{screen}");
    t.keys(&["Escape"]);
    assert_eq!(answer(&again).1, 1);
}

#[test]
fn a_server_that_never_answers_is_told_within_the_bound_and_escape_cancels_at_once() {
    if !private_mount_namespace(
        "a_server_that_never_answers_is_told_within_the_bound_and_escape_cancels_at_once",
    ) {
        return;
    }
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    // Take connections and say nothing, as a hung server does.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in silent.incoming() {
            held.push(c);
        }
    });
    let base = testbed::open_tempdir();
    let home = base.path().join("home");
    let local = base.path().join("silent");
    let t = run_in_terminal(
        &format!(
            "dialog --connect --tui --timeout 2 --remote sftp://127.0.0.1:{port}/srv --local {}",
            local.display()
        ),
        base.path(),
        &home,
    );
    t.wait_for("Map Network Drive", LONG).unwrap_or_else(|s| panic!("no dialog:\n{s}"));
    let start = Instant::now();
    t.keys(&["Enter"]);
    t.wait_for("Connecting to", LONG).unwrap_or_else(|s| panic!("no progress:\n{s}"));
    let screen =
        t.wait_for("did not answer within 2 seconds", LONG).unwrap_or_else(|s| panic!("no bound:\n{s}"));
    assert!(start.elapsed() < Duration::from_secs(8), "told after {:?}", start.elapsed());
    assert!(screen.contains("(121)"), "{screen}");
    assert!(!is_mounted(&local));
    // Again, and Escape while it connects: cancelled at once.
    t.keys(&["Enter"]);
    t.wait_for("Connecting to", LONG).unwrap_or_else(|s| panic!("no progress:\n{s}"));
    let start = Instant::now();
    t.keys(&["Escape"]);
    let (out, code) = answer(base.path());
    assert!(start.elapsed() < Duration::from_secs(2), "Escape took {:?}", start.elapsed());
    assert_eq!((code, out["outcome"].as_str()), (1, Some("cancelled")), "{out}");
    assert!(!is_mounted(&local));
}

/// The drive connects but "Reconnect at sign-in" cannot be saved (the profile cannot be
/// changed): the terminal dialog says so before it goes, Enter (OK) closes it, and the
/// answer is "connected" with the drive there.
#[test]
fn a_drive_that_cannot_be_remembered_is_said_in_the_terminal() {
    if !private_mount_namespace("a_drive_that_cannot_be_remembered_is_said_in_the_terminal") {
        return;
    }
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let home = base.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // The profile reads as empty but cannot be changed: its lock is a folder.
    let config = std::env::var("XDG_CONFIG_HOME").expect("the private namespace's profile folder");
    std::fs::create_dir_all(Path::new(&config).join("netdrive/.connections.toml.lock")).unwrap();
    let t = run_in_terminal("connect-dialog --tui", base.path(), &home);
    t.wait_for("Map Network Drive", LONG).unwrap_or_else(|s| panic!("no dialog:\n{s}"));
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    t.keys(&[remote.as_str()]);
    let screen = t.wait_for("/Network/127.0.0.1 export", LONG).unwrap_or_else(|s| panic!("suggested:\n{s}"));
    assert!(screen.contains("[x] Reconnect at sign-in"), "{screen}");
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Space", "Tab", "Tab", TEST_PASSWORD, "Enter"]);
    let screen = t.wait_for("not remembered for sign-in", LONG).unwrap_or_else(|s| {
        panic!("told:\n{s}\n{:?}", std::fs::read_to_string(base.path().join("out.json")))
    });
    assert!(screen.contains("Connected."), "{screen}");
    assert!(screen.contains("Enter OK") && screen.contains("Esc close"), "{screen}");
    let local = home
        .join("Network")
        .join(format!("127.0.0.1 {}", sshd.export.file_name().unwrap().to_str().unwrap()));
    let _m = testbed::Mount::adopt(&local);
    assert!(is_mounted(&local), "connected while it says so");
    t.keys(&["Enter"]);
    let (out, code) = answer(base.path());
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["outcome"], "connected", "{out}");
    assert_eq!(out["connected"]["local_name"], local.to_str().unwrap(), "{out}");
    assert!(is_mounted(&local));
}
