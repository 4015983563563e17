//! `WNetConnectionDialog1W` from C (`tests/c/test_connect_dialog.c`): the structure's
//! checks, the Ex form, then the real window under Xvfb mapping an sshfs folder of the
//! test sshd, the password typed as a person would; `dwDevNum` and the folder written back.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::time::Duration;

use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::{is_mounted, Sshd, TEST_PASSWORD, TEST_USER};

#[test]
fn a_c_program_maps_a_folder_with_wnetconnectiondialog1w() {
    if !private_mount_namespace("a_c_program_maps_a_folder_with_wnetconnectiondialog1w") {
        return;
    }
    testbed::ensure_test_user();
    let scratch = testbed::open_tempdir();
    let program = scratch.path().join("test_connect_dialog");
    common::compile("test_connect_dialog.c", scratch.path(), &program, false);
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let local = scratch.path().join("mapped");
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let mut c = x
        .command(&program)
        .env("MPR_REMOTE", &remote)
        .env("MPR_LOCAL", &local)
        .env("NETDRIVE_DIALOG_HELPER", common::build_dir().join("netdrive-dialog-gtk"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(c.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    // The Ex form's window, closed by the program, must be gone before the real one opens,
    // or the keys could go to it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while x.find_window("Map Network Drive").is_some() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(x.find_window("Map Network Drive").is_none(), "WNetDialogClose took the window away");
    c.stdin.take().unwrap().write_all(b"go\n").unwrap();
    let w = x.wait_window("Map Network Drive", Duration::from_secs(20)).expect("the window maps");
    // The folder is read-only, so the local folder has the keyboard; "Reconnect at
    // sign-in" is hidden: Tab to "Connect using different credentials" (tick it), to the
    // user, to the password.
    x.keys(w, &["Tab", "space", "Tab", "Tab"]);
    let typed = x.command("xdotool").args(["type", "--delay", "20", TEST_PASSWORD]).status().unwrap();
    assert!(typed.success());
    x.keys(w, &["Return"]);
    let status = c.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    c.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let _m = testbed::Mount::adopt(&local);
    assert!(status.success(), "{rest}\n{err}");
    assert!(rest.contains(&format!("result=0 devnum=4294967295 local={}", local.display())), "{rest}");
    assert!(is_mounted(&local));
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from sshd\n");
}
