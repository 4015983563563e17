//! A second, unprivileged user disconnects their own sshfs drive (through fusermount3)
//! and gets ERROR_ACCESS_DENIED for root's, with a reason.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use common::nd_as_test_user;
use testbed::{is_mounted, Sshd};

#[test]
fn users_disconnect_their_own_drives_only() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let roots = sshd.mount(&base.path().join("roots"));
    let theirs = sshd.mount_as_test_user(&base.path().join("theirs"));

    let r = nd_as_test_user(["list", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = r.json();
    let mine =
        list.as_array().unwrap().iter().find(|c| c["local_name"] == theirs.path.to_str().unwrap()).unwrap();
    let uid: u32 = String::from_utf8(
        std::process::Command::new("id").args(["-u", testbed::TEST_USER]).output().unwrap().stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap();
    assert_eq!(mine["owner_uid"], uid);

    let r = nd_as_test_user(["disconnect".as_ref(), roots.path.as_os_str()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_ACCESS_DENIED (5)"), "{}", r.stderr);
    assert!(r.stderr.contains("connected by root"), "the message says why: {}", r.stderr);
    assert!(is_mounted(&roots.path));

    let r = nd_as_test_user(["disconnect".as_ref(), theirs.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!is_mounted(&theirs.path));
}

/// A user's fstab entry for a folder mounts what the entry names: connecting another
/// remote to that folder is ERROR_ACCESS_DENIED naming the entry, never a `mount FOLDER`
/// of something else than was asked.
#[test]
fn an_fstab_entry_is_not_used_for_another_remote() {
    use std::os::unix::fs::PermissionsExt;
    testbed::ensure_test_user();
    let base = testbed::open_tempdir();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let local = base.path().join("films");
    std::fs::create_dir(&local).unwrap();
    let fstab = base.path().join("fstab");
    std::fs::write(&fstab, format!("//fstab-nas/films {} cifs user,noauto 0 0\n", local.display())).unwrap();
    std::fs::set_permissions(&fstab, std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut c = testbed::as_test_user(common::BIN);
    c.env("NETDRIVE_FSTAB", &fstab).args(["connect", r"\\other-nas\films"]).arg(&local).arg("--json");
    let r = common::run_with_input(c, None);
    let v = r.json();
    assert_eq!(v["error"], "ERROR_ACCESS_DENIED", "{v} {}", r.stderr);
    let said = v["message"].as_str().unwrap();
    assert!(said.contains("//fstab-nas/films") && said.contains(r"\\other-nas\films"), "{said}");
    assert!(!is_mounted(&local));
}
