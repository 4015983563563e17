//! A server that stops answering (SIGSTOP) must never freeze netdrive: `list` and `who`
//! return within a second, `disconnect` says "not responding" within its bound, and
//! `--detach` then removes the drive.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{listed, nd};
use testbed::{is_mounted, Sshd};

#[test]
fn stopped_server_never_hangs_netdrive() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path();
    let mount = sshd.mount(&base.path().join("dead"));
    let frozen = sshd.server.freeze();

    // A process that is stuck on the mount, as `df` or a file manager would be.
    let mut stuck = Command::new("stat")
        .arg(mount.path.join("not-cached-yet"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(stuck.try_wait().unwrap().is_none(), "the stopped server should block stat()");

    eprintln!("step: list");
    let r = nd(cfg, ["list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < Duration::from_secs(1), "list took {:?}", r.took);
    assert!(listed(cfg, &mount.path).is_some(), "the dead drive is still listed");

    eprintln!("step: who");
    let r = nd(cfg, ["who".as_ref(), mount.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < Duration::from_secs(1), "who took {:?}", r.took);

    eprintln!("step: connect on a folder inside the dead drive");
    let inside = mount.path.join("sub");
    let r = nd(
        cfg,
        [
            "connect".as_ref(),
            "sftp://127.0.0.1/x".as_ref(),
            inside.as_os_str(),
            "--timeout".as_ref(),
            "2".as_ref(),
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not responding"), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(4), "connect took {:?} with a 2 s bound", r.took);

    eprintln!("step: disconnect");
    let r = nd(cfg, ["disconnect".as_ref(), mount.path.as_os_str(), "--timeout".as_ref(), "2".as_ref()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not responding"), "{}", r.stderr);
    assert!(r.stderr.contains("--detach"), "the message says what to do next: {}", r.stderr);
    assert!(r.took < Duration::from_secs(4), "disconnect took {:?} with a 2 s bound", r.took);
    assert!(is_mounted(&mount.path), "a failed disconnect leaves the drive");

    eprintln!("step: detach");
    let r = nd(cfg, ["disconnect".as_ref(), mount.path.as_os_str(), "--detach".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < Duration::from_secs(1), "detach took {:?}", r.took);
    assert!(!is_mounted(&mount.path));

    eprintln!("step: thaw");
    drop(frozen);
    let _ = stuck.kill();
    let _ = stuck.wait();
}

#[test]
fn a_disconnect_still_waiting_is_not_a_program_with_open_files() {
    // What a timed-out disconnect leaves behind: netdrive's unmount child, still on the
    // drive. Stood in for by a program started under that name (the kernel names a
    // process after the name it was started by), holding a file there.
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let config = tempfile::tempdir().unwrap();
    let mount = sshd.mount(&base.path().join("pending"));
    let bin = tempfile::tempdir().unwrap();
    let child_name = bin.path().join(netdrive::UNMOUNT_CHILD_NAME);
    std::os::unix::fs::symlink(testbed::require("sleep", "coreutils"), &child_name).unwrap();
    std::fs::write(mount.path.join("held.txt"), "x").unwrap();
    let held = std::fs::File::open(mount.path.join("held.txt")).unwrap();
    let pending = testbed::Reaped(Command::new(&child_name).arg("600").stdin(held).spawn().unwrap());
    let pid = pending.0.id();
    std::thread::sleep(Duration::from_millis(200));

    let r = nd(config.path(), ["who".as_ref(), mount.path.as_os_str(), "--json".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.json().as_array().unwrap().iter().any(|h| h["pid"] == pid), "not a holder: {}", r.stdout);
    let r = nd(config.path(), ["who".as_ref(), mount.path.as_os_str()]);
    assert!(r.stdout.contains("No process is using"), "{}", r.stdout);
    assert!(
        r.stderr.contains(&format!(
            "a previous disconnect of {} is still waiting for the server (PID {pid})",
            mount.path.display()
        )),
        "{}",
        r.stderr
    );
}
