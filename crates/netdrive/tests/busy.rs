//! Who uses a mount when a path alone could name two: a mount stacked on the same folder,
//! and a process in another mount namespace with its own copy of the mount. Only users
//! of the very mount scanned are reported (the ones that keep it busy).
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use netdrive::mountinfo::{read_table, MountEntry};
use netdrive::{who_uses_mount, Usage, Use};
use testbed::gui::private_mount_namespace;
use testbed::{require, FileHolder};

fn mount_tmpfs(name: &str, at: &Path) {
    let st = Command::new(require("mount", "mount")).args(["-t", "tmpfs", name]).arg(at).status().unwrap();
    assert!(st.success(), "mount tmpfs {name}");
}

fn entry<'a>(table: &'a [MountEntry], at: &Path, source: &str) -> &'a MountEntry {
    table.iter().find(|e| e.mount_point == at.as_os_str() && e.source == source).unwrap()
}

fn who(table: &[MountEntry], e: &MountEntry) -> Usage {
    who_uses_mount(
        table,
        e.mount_id,
        (e.major, e.minor),
        &e.mount_point,
        Instant::now() + Duration::from_secs(10),
    )
}

fn holds(u: &Usage, pid: u32) -> bool {
    u.holders.iter().any(|h| h.pid == pid && h.how == Use::File(0))
}

/// A child killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `sleep` in a new mount namespace, with the file opened there (on its copy of the mount).
fn foreign_holder(file: &Path) -> Killed {
    let child = Killed(
        Command::new(require("unshare", "util-linux"))
            .args(["--mount", "--propagation", "private", "--", "sh", "-c", "exec sleep 86400 < \"$0\""])
            .arg(file)
            .spawn()
            .unwrap(),
    );
    let fd0 = format!("/proc/{}/fd/0", child.0.id());
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_link(&fd0).map_or(true, |l| !l.ends_with("held.txt")) {
        assert!(Instant::now() < deadline, "the foreign holder did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn stacked_mounts_and_other_namespaces_are_told_apart() {
    if !private_mount_namespace("stacked_mounts_and_other_namespaces_are_told_apart") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("m");
    std::fs::create_dir(&at).unwrap();
    mount_tmpfs("netdrive-lower", &at);
    std::fs::write(at.join("held.txt"), "lower\n").unwrap();
    let lower_user = FileHolder::open(&at.join("held.txt"));
    let foreign = foreign_holder(&at.join("held.txt"));

    // Another mount on the same folder: /m/held.txt now names a file on neither for us.
    mount_tmpfs("netdrive-upper", &at);
    std::fs::write(at.join("top.txt"), "upper\n").unwrap();
    let upper_user = FileHolder::open(&at.join("top.txt"));

    let table = read_table().unwrap();
    let lower = who(&table, entry(&table, &at, "netdrive-lower"));
    let upper = who(&table, entry(&table, &at, "netdrive-upper"));
    assert!(holds(&lower, lower_user.pid()), "{lower:?}");
    assert!(!holds(&lower, upper_user.pid()), "{lower:?}");
    assert!(holds(&upper, upper_user.pid()), "{upper:?}");
    assert!(!holds(&upper, lower_user.pid()), "the lower mount's user is not the upper's: {upper:?}");
    // Its copy of the mount is not ours: it does not keep ours busy.
    assert!(!holds(&lower, foreign.0.id()) && !holds(&upper, foreign.0.id()), "{lower:?}");
    // The namespace, and its mounts, go when this process ends.
}
