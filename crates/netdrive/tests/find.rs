//! `find_connected` finds what `list` + `resolve` find, over a recorded mount table.
//! One test in its own binary: it sets the environment before any thread reads it.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::ffi::OsStr;

use netdrive::{find_connected, list, resolve, Scope, Win32Error};

#[test]
fn finds_by_mount_point_source_and_unc_name_as_list_and_resolve_do() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mountinfo-kernel.txt");
    let config = tempfile::tempdir().unwrap();
    std::env::set_var("NETDRIVE_MOUNTINFO", data);
    std::env::set_var("NETDRIVE_FSTAB", "/dev/null");
    std::env::set_var("XDG_CONFIG_HOME", config.path());
    std::env::remove_var("DBUS_SESSION_BUS_ADDRESS");

    let all = list(Scope::Connected).unwrap();
    assert!(all.len() >= 10);
    for c in &all {
        let found = find_connected(&c.local_name).unwrap();
        assert_eq!(&found, resolve(&all, &c.local_name).unwrap());
    }
    let nfs = find_connected(OsStr::new("/mnt/nfs/")).unwrap();
    assert_eq!((nfs.remote_name.to_str(), nfs.fstype.as_str()), (Some(r"\\10.0.0.5\srv\export"), "nfs"));
    let by_unc = find_connected(OsStr::new(r"\\NAS.local\volume1\homes")).unwrap();
    assert_eq!(by_unc.local_name, "/home/alice/nas");
    let by_source = find_connected(&nfs.source).unwrap();
    assert_eq!(by_source.local_name, "/mnt/nfs");
    let err = find_connected(OsStr::new("/mnt/none")).unwrap_err();
    assert_eq!(err.code(), Win32Error::ERROR_NOT_CONNECTED);
}
