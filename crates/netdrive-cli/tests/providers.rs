//! Each real provider, end to end: listed with the right provider and UNC name,
//! disconnected; a process holding a file makes the disconnect fail with
//! ERROR_OPEN_FILES naming it, `who` names it, and --force / --detach then succeed.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::Path;

use common::{listed, nd};
use testbed::{is_mounted, FileHolder, Mount, Smbd, Sshd, WebDav};

/// Everything a person does with one kind of drive. `mounts` makes three fresh mounts.
fn exercise(provider: &str, unc: &str, mut mount: impl FnMut(&Path) -> Mount, base: &Path) {
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path();

    // Listed, and a plain disconnect removes it.
    let plain = mount(&base.join("plain"));
    let entry = listed(cfg, &plain.path).expect("the drive is listed");
    assert_eq!(entry["provider"], provider, "{entry}");
    assert_eq!(entry["remote_name"], unc, "{entry}");
    assert_eq!(entry["connected"], true);
    assert!(entry["mount_id"].as_u64().is_some());
    let human = nd(cfg, ["list"]);
    assert!(human.stdout.contains(unc) && human.stdout.contains(provider), "{}", human.stdout);
    let r = nd(cfg, [&plain.path]);
    assert_ne!(r.code, 0); // no subcommand
    let r = nd(cfg, ["disconnect".as_ref(), plain.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Disconnected"), "{}", r.stdout);
    assert!(!is_mounted(&plain.path));

    // A process holding a file: refused, named; then forced.
    let busy = mount(&base.join("busy"));
    let holder = FileHolder::open(&busy.path.join("hello.txt"));
    let r = nd(cfg, ["disconnect".as_ref(), busy.path.as_os_str()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_OPEN_FILES (2401)"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("sleep (PID {})", holder.pid())), "{}", r.stderr);
    assert!(is_mounted(&busy.path), "a refused disconnect must leave the drive alone");
    let r = nd(cfg, ["disconnect".as_ref(), busy.path.as_os_str(), "--json".as_ref()]);
    let v = r.json();
    assert_eq!(v[0]["code"], 2401);
    assert_eq!(v[0]["error"], "ERROR_OPEN_FILES");
    assert_eq!(v[0]["holders"][0]["pid"], holder.pid());

    let r = nd(cfg, ["who".as_ref(), busy.path.as_os_str(), "--json".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let who = r.json();
    let h = who.as_array().unwrap().iter().find(|h| h["pid"] == holder.pid()).expect("who names the holder");
    assert_eq!(h["name"], "sleep");
    assert_eq!(h["user"], "root");
    assert!(h["path"].as_str().unwrap().ends_with("/busy/hello.txt"), "{h}");
    let r = nd(cfg, ["who".as_ref(), busy.path.as_os_str()]);
    assert!(r.stdout.contains("sleep") && r.stdout.contains(&holder.pid().to_string()), "{}", r.stdout);

    let r = nd(cfg, ["disconnect".as_ref(), busy.path.as_os_str(), "--force".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!is_mounted(&busy.path));
    drop(holder);

    // Detach with a file open: gone from the tree at once.
    let lazy = mount(&base.join("lazy"));
    let holder = FileHolder::open(&lazy.path.join("hello.txt"));
    let r = nd(cfg, ["disconnect".as_ref(), lazy.path.as_os_str(), "--detach".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Detached"), "{}", r.stdout);
    assert!(!is_mounted(&lazy.path));
    drop(holder);
}

#[test]
fn sshfs_drive() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let unc = format!(r"\\127.0.0.1{}", sshd.export.display().to_string().replace('/', "\\"));
    exercise("SSHFS", &unc, |p| sshd.mount(p), base.path());
}

#[test]
fn rclone_smb_drive() {
    let smbd = Smbd::start();
    let base = testbed::open_tempdir();
    exercise("rclone", r"\\127.0.0.1\share", |p| smbd.rclone_mount(p), base.path());
}

#[test]
fn davfs2_webdav_drive() {
    let dav = WebDav::start();
    let base = testbed::open_tempdir();
    let unc = format!(r"\\127.0.0.1@{}\DavWWWRoot", dav.server.port);
    exercise("WebDAV", &unc, |p| dav.davfs_mount(p), base.path());
}
