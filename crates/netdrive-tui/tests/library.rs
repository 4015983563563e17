//! A program that calls the library without a display gets the terminal dialog on its
//! terminal: `disconnect_dialog` (cancelled by the person; closed by the host, the terminal
//! given back) and `disconnect_dialog1`'s question. The host is this test binary, run in a
//! tmux terminal; each test in a private mount namespace, over a real sshfs drive.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::time::Duration;

use netdrive_dialog::{
    disconnect_dialog, disconnect_dialog1, DiscDlg, Owner, DISC_NO_FORCE, RESOURCETYPE_DISK,
};
use testbed::gui::private_mount_namespace;
use testbed::tmux::Tmux;
use testbed::{is_mounted, FileHolder, Sshd};

const LONG: Duration = Duration::from_secs(15);

/// Not a test of its own: the host program the tests below run in a terminal. It calls the
/// library as `NETDRIVE_TEST_HOST` says, and writes what it got to `NETDRIVE_TEST_OUT`.
#[test]
#[ignore = "the host program the terminal tests run, not a test of its own"]
fn host_in_a_terminal() {
    let mode = std::env::var("NETDRIVE_TEST_HOST").expect("run only by the terminal tests, as their host");
    let out = std::env::var("NETDRIVE_TEST_OUT").unwrap();
    // No display: the terminal dialog it is.
    std::env::remove_var("DISPLAY");
    std::env::remove_var("WAYLAND_DISPLAY");
    let answer = match mode.split_once(':') {
        Some(("ask", drive)) => {
            let d = DiscDlg { local_name: Some(drive.into()), flags: DISC_NO_FORCE, ..DiscDlg::default() };
            format!("{:?}", disconnect_dialog1(&d).map_err(|e| e.code().0))
        }
        _ => {
            let h = disconnect_dialog(Owner::None, RESOURCETYPE_DISK).unwrap();
            if let Some(("close", ms)) = mode.split_once(':') {
                std::thread::sleep(Duration::from_millis(ms.parse().unwrap()));
                h.close();
            }
            let o = h.wait_timeout(LONG).expect("an outcome");
            format!("{}", o.to_json())
        }
    };
    std::fs::write(out, answer).unwrap();
}

/// Run the host in an 80x24 terminal with `mode`; it answers into `dir/out`.
fn host(mode: &str, dir: &Path) -> Tmux {
    let cmd = format!(
        "{} --exact host_in_a_terminal --ignored --nocapture > {log} 2>&1; sleep 30",
        std::env::current_exe().unwrap().display(),
        log = dir.join("log").display()
    );
    let out = dir.join("out");
    Tmux::start(
        &cmd,
        80,
        24,
        &[
            ("NETDRIVE_TEST_HOST", mode),
            ("NETDRIVE_TEST_OUT", out.to_str().unwrap()),
            ("NETDRIVE_DIALOG_TUI_HELPER", env!("CARGO_BIN_EXE_netdrive-dialog-tui")),
        ],
    )
}

fn answer(dir: &Path) -> String {
    let deadline = std::time::Instant::now() + LONG;
    while !dir.join("out").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(dir.join("out")).unwrap_or_else(|_| {
        panic!("no answer: {}", std::fs::read_to_string(dir.join("log")).unwrap_or_default())
    })
}

#[test]
fn a_program_without_a_display_gets_the_terminal_dialog() {
    if !private_mount_namespace("a_program_without_a_display_gets_the_terminal_dialog") {
        return;
    }
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("termdrive"));
    let dir = tempfile::tempdir().unwrap();
    let t = host("dialog", dir.path());
    let screen = t.wait_for("termdrive", LONG).unwrap_or_else(|s| panic!("no list:\n{s}"));
    assert!(screen.contains("Disconnect Network Drives") && screen.contains("SSHFS"), "{screen}");
    t.keys(&["Escape"]);
    let v: serde_json::Value = serde_json::from_str(&answer(dir.path())).unwrap();
    assert_eq!((v["outcome"].as_str(), v["code"].as_i64()), (Some("cancelled"), Some(-1)), "{v}");
    assert_eq!(v["reason"], "person");
    assert!(is_mounted(&m.path));
}

#[test]
fn closing_the_terminal_dialog_gives_the_terminal_back() {
    if !private_mount_namespace("closing_the_terminal_dialog_gives_the_terminal_back") {
        return;
    }
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let _m = sshd.mount(&base.path().join("closed"));
    let dir = tempfile::tempdir().unwrap();
    let t = host("close:2500", dir.path());
    t.wait_for("closed", LONG).unwrap_or_else(|s| panic!("no list:\n{s}"));
    let v: serde_json::Value = serde_json::from_str(&answer(dir.path())).unwrap();
    assert_eq!((v["outcome"].as_str(), v["reason"].as_str()), (Some("cancelled"), Some("closed")), "{v}");
    let after = t.wait_until(|s| !s.contains("Disconnect Network Drives"), LONG);
    assert!(after.is_ok(), "the alternate screen is gone:\n{}", after.unwrap_or_else(|s| s));
}

#[test]
fn disconnect_dialog1_asks_in_the_terminal() {
    if !private_mount_namespace("disconnect_dialog1_asks_in_the_terminal") {
        return;
    }
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("asked"));
    let holder = FileHolder::open(&m.path.join("hello.txt"));
    let dir = tempfile::tempdir().unwrap();
    let t = host(&format!("ask:{}", m.path.display()), dir.path());
    let screen = t
        .wait_until(|s| s.contains("[y] Disconnect anyway") && s.contains("[n] Cancel"), LONG)
        .unwrap_or_else(|s| panic!("no question:\n{s}"));
    assert!(screen.contains("Disconnect network drive?"), "{screen}");
    assert!(screen.contains(&format!("sleep (PID {})", holder.pid())), "names the process:\n{screen}");
    t.keys(&["n"]);
    assert_eq!(answer(dir.path()), "Err(1223)", "no is ERROR_CANCELLED");
    assert!(is_mounted(&m.path));
}
