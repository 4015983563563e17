//! The library's disconnect against a real sshfs drive: it refuses a drive that changed
//! since it was listed, and records failures as the thread's last error.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use netdrive::{cancel_listed, last_error, CancelOptions, Error, Scope, Win32Error};
use testbed::{is_mounted, Sshd};

#[test]
fn refuses_a_drive_that_changed_since_it_was_listed() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let mp = base.path().join("swapped");
    let first = sshd.mount(&mp);
    let listed = netdrive::list(Scope::Connected).unwrap();
    let old = listed.iter().find(|c| c.local_name == mp.as_os_str()).unwrap().clone();

    // Someone unmounts it and mounts another share at the same place. (The kernel may
    // reuse the mount id; the source tells them apart.)
    let r = cancel_listed(&old, &CancelOptions::default()).unwrap();
    assert_eq!(r.how, netdrive::How::Unmounted);
    drop(first);
    let other = sshd.export.join("other");
    std::fs::create_dir(&other).unwrap();
    let second = sshd.mount_remote(&other, &mp);

    netdrive::clear_last_error();
    let err = cancel_listed(&old, &CancelOptions::default()).unwrap_err();
    assert_eq!(err.code(), Win32Error::ERROR_NOT_CONNECTED, "{err}");
    assert!(
        err.to_string().contains("changed since it was listed") || matches!(err, Error::NotConnected { .. })
    );
    assert!(is_mounted(&second.path), "the new drive was not chosen and must stay");
    let last = last_error().unwrap();
    assert_eq!(last.code, Win32Error::ERROR_NOT_CONNECTED);
    assert_eq!(last.text, err.to_string());

    // A listing whose source no longer matches the table is refused too.
    let now = netdrive::list(Scope::Connected).unwrap();
    let mut forged = now.iter().find(|c| c.local_name == mp.as_os_str()).unwrap().clone();
    forged.source = "someone@else:/".into();
    let err = cancel_listed(&forged, &CancelOptions::default()).unwrap_err();
    assert!(matches!(err, Error::ChangedSinceListed { .. }), "{err}");
    assert!(err.to_string().contains("changed since it was listed"), "{err}");
    assert!(is_mounted(&second.path));
}

/// `WNetDisconnectDialog1`'s "Disconnect anyway" retries with the name the error carries:
/// it must be the real name, not the one escaped for display.
#[test]
fn an_error_carries_the_real_name_for_a_retry() {
    use std::os::unix::ffi::OsStrExt;
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let mp = base.path().join(std::ffi::OsStr::from_bytes(b"tab\there\xff newline\nend"));
    let drive = sshd.mount(&mp);
    let holder = testbed::FileHolder::open(&drive.path.join("hello.txt"));
    let err = netdrive::cancel(mp.as_os_str(), &CancelOptions::default()).unwrap_err();
    let Error::OpenFiles { target, .. } = err else { panic!("expected open files: {err}") };
    assert_eq!(target.as_os_str(), mp.as_os_str());
    assert!(target.to_string().contains(r"tab\u{09}here\x{ff} newline\u{0a}end"), "shown escaped: {target}");
    let forced = CancelOptions { force: true, ..CancelOptions::default() };
    let done = netdrive::cancel(target.as_os_str(), &forced).unwrap();
    // The holder keeps it busy after MNT_FORCE, so it is detached, and says so.
    assert_eq!(done.how, netdrive::How::Detached);
    assert!(!is_mounted(&mp));
    drop(holder);
}
