//! A host that sets SIGCHLD to SIG_IGN: its children are reaped by the kernel, so a
//! disconnect that waited for its unmount child with `waitpid` saw "not responding"
//! (ERROR_SEM_TIMEOUT, 121) although the drive was gone. The result now comes over a pipe.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::process::Command;

use testbed::{is_mounted, Sshd};

#[test]
fn a_host_that_ignores_sigchld_gets_the_true_result() {
    let base = testbed::open_tempdir();
    let program = base.path().join("sigchld");
    common::compile("sigchld.c", base.path(), &program, false);

    let sshd = Sshd::start();
    let config = tempfile::tempdir().unwrap();
    let drive = sshd.mount(&base.path().join("drive"));
    let out = Command::new(&program)
        .arg(&drive.path)
        .env("XDG_CONFIG_HOME", config.path())
        .env("NETDRIVE_FSTAB", "/dev/null")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        "0",
        "WNetCancelConnection2A returned {said} (stderr: {})",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!is_mounted(&drive.path), "reported done but still mounted");
}
