//! `WNetRestoreSingleConnectionW` and `WNetRestoreConnectionW` bring a remembered drive
//! back as `netdrive restore` does: by the form it was connected with (user, port) and
//! with the password the desktop keyring holds for it, asking nobody; a drive GNOME Files
//! had connected too.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;

use testbed::keyring::Keyring;
use testbed::{is_mounted, Mount, Sshd, TEST_PASSWORD, TEST_USER};

const NO_ERROR: u32 = 0;
const ERROR_ALREADY_ASSIGNED: u32 = 85;
const ERROR_BAD_DEVICE: u32 = 1200;

fn wide(p: &Path) -> Vec<u16> {
    p.to_str().unwrap().encode_utf16().chain([0]).collect()
}

/// The user the mount table shows for the sshfs drive at `local` (its source: `[sftp://]user@host...`).
fn user_of(local: &Path) -> Option<String> {
    let conns = netdrive::list(netdrive::Scope::Connected).unwrap();
    let c = netdrive::resolve(&conns, local.as_os_str()).ok()?;
    let source = c.source.to_str()?;
    let source = source.split_once("://").map_or(source, |(_, rest)| rest);
    source.split_once('@').map(|(u, _)| u.to_owned())
}

#[test]
fn a_remembered_drive_comes_back_with_the_keyrings_password() {
    let keyring = Keyring::start();
    let sshd = Sshd::start();
    sshd.forget_host_key();
    let base = testbed::open_tempdir();
    // This test binary is the program: its profile and keyring are the test's own.
    for (k, v) in keyring.env() {
        std::env::set_var(k, v);
    }
    std::env::set_var("XDG_CONFIG_HOME", base.path().join("config"));
    std::env::set_var("NETDRIVE_FSTAB", "/dev/null");

    let local = base.path().join("sftp");
    std::fs::create_dir_all(&local).unwrap();
    // Connected once with the password, saved in the keyring, remembered.
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let req = netdrive::ConnectRequest {
        local_name: local.clone().into(),
        remote_name: remote.clone().into(),
        password: Some(TEST_PASSWORD.into()),
        remember_credentials: true,
        update_profile: true,
        ..Default::default()
    };
    let c = netdrive::connect_report(&req);
    let _m = Mount::adopt(&local);
    assert!(c.unwrap().password_saved, "the password went to the keyring");
    assert_eq!(user_of(&local).as_deref(), Some(TEST_USER));
    let w = wide(&local);
    // SAFETY: a NUL-terminated string.
    let r = unsafe { mpr::WNetCancelConnection2W(w.as_ptr(), 0, 1) };
    assert_eq!(r, NO_ERROR);
    assert!(!is_mounted(&local));

    // SAFETY: NULL window, a NUL-terminated string.
    let r = unsafe { mpr::WNetRestoreSingleConnectionW(std::ptr::null_mut(), w.as_ptr(), 0) };
    assert_eq!(r, NO_ERROR, "restored: {:?}", netdrive::last_error());
    assert!(is_mounted(&local));
    assert_eq!(user_of(&local).as_deref(), Some(TEST_USER), "as the remembered user");
    assert!(std::fs::read_to_string(local.join("hello.txt")).unwrap().starts_with("hello from"));
    // SAFETY: as above.
    let r = unsafe { mpr::WNetRestoreSingleConnectionW(std::ptr::null_mut(), w.as_ptr(), 0) };
    assert_eq!(r, ERROR_ALREADY_ASSIGNED);

    // All remembered drives (NULL), the same way.
    // SAFETY: a NUL-terminated string.
    assert_eq!(unsafe { mpr::WNetCancelConnection2W(w.as_ptr(), 0, 1) }, NO_ERROR);
    // SAFETY: NULL window and device.
    let r = unsafe { mpr::WNetRestoreConnectionW(std::ptr::null_mut(), std::ptr::null()) };
    assert_eq!(r, NO_ERROR, "restored all: {:?}", netdrive::last_error());
    assert_eq!(user_of(&local).as_deref(), Some(TEST_USER));

    // A drive GNOME Files had connected, remembered from the list: its remote name is
    // gvfs's (`\\host\path`, no port, no user); it is connected by its form.
    // SAFETY: a NUL-terminated string.
    assert_eq!(unsafe { mpr::WNetCancelConnection2W(w.as_ptr(), 0, 1) }, NO_ERROR);
    let mut entry = netdrive::profile::load().unwrap().into_iter().next().unwrap();
    entry.remote_name = format!("\\\\127.0.0.1{}", sshd.export.display()).replace('/', "\\");
    entry.source = remote.clone();
    entry.provider = netdrive::Provider::Gvfs.name().into();
    netdrive::profile::remember(entry).unwrap();
    // SAFETY: as above.
    let r = unsafe { mpr::WNetRestoreSingleConnectionW(std::ptr::null_mut(), w.as_ptr(), 0) };
    assert_eq!(r, NO_ERROR, "the GVfs drive restored: {:?}", netdrive::last_error());
    assert_eq!(user_of(&local).as_deref(), Some(TEST_USER));

    // Forgotten: nothing remembered there.
    // SAFETY: a NUL-terminated string.
    assert_eq!(unsafe { mpr::WNetCancelConnection2W(w.as_ptr(), 1, 1) }, NO_ERROR);
    // SAFETY: as above.
    let r = unsafe { mpr::WNetRestoreSingleConnectionW(std::ptr::null_mut(), w.as_ptr(), 0) };
    assert_eq!(r, ERROR_BAD_DEVICE);
}
