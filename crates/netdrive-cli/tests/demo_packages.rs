//! `netdrive demo` on a machine without its servers: it names the packages and the exact
//! apt-get line, and with --install runs apt-get itself. The servers (and mount.davfs) are
//! hidden by an empty /usr/sbin in a private mount namespace; apt-get is a stand-in.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use testbed::gui::private_mount_namespace;

const BIN: &str = env!("CARGO_BIN_EXE_netdrive");

#[test]
fn missing_servers_are_named_and_installed_only_when_asked() {
    if !private_mount_namespace("missing_servers_are_named_and_installed_only_when_asked") {
        return;
    }
    // sshd, smbd and mount.davfs live in /usr/sbin (/sbin links there).
    let st = Command::new("mount").args(["-t", "tmpfs", "hidden", "/usr/sbin"]).status().unwrap();
    assert!(st.success());

    let r = Command::new(BIN).args(["demo", "--no-dialog"]).stdin(Stdio::null()).output().unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(3), "{err}");
    assert!(err.contains("netdrive demo needs: openssh-server samba davfs2\n"), "{err}");
    assert!(err.contains("run: apt-get update && apt-get install -y openssh-server samba davfs2\n"), "{err}");
    assert!(err.contains("netdrive demo --install"), "{err}");

    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("apt-get.log");
    let fake = bin.path().join("apt-get");
    std::fs::write(&fake, format!("#!/bin/sh\necho \"$DEBIAN_FRONTEND $*\" >> {}\n", log.display())).unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let r = Command::new(BIN)
        .args(["demo", "--no-dialog", "--install"])
        .env("PATH", path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("installing openssh-server samba davfs2\n"), "{err}");
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        calls.lines().collect::<Vec<_>>(),
        [
            "noninteractive update",
            "noninteractive install -y --no-install-recommends openssh-server samba davfs2"
        ],
        "{calls}"
    );
    // The stand-in installed nothing: the demo says what failed and ends, leaving nothing.
    assert_eq!(r.status.code(), Some(3), "{err}");
    assert!(err.contains("sshd is not installed"), "{err}");
}
