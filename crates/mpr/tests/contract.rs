//! libmpr against Microsoft's documented contract: `tests/c/contract.c`, written from the
//! learn.microsoft.com pages of each function (Wine's mpr where they are silent), against
//! real sshfs drives, plain and under AddressSanitizer and UndefinedBehaviorSanitizer. Its
//! last part stops the server to check what a C caller is told when it does not answer, and
//! that a connected drive is found while the profile is on that stopped server.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use testbed::{is_mounted, require, Mount, Sshd, TEST_PASSWORD, TEST_USER};

fn check(name: &str, phase: &str, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name} {phase}: {}\n{stdout}\n{stderr}", out.status);
    // The program says it ran its checks, and that none failed.
    assert!(
        stdout.contains(&format!("contract {phase}: ")) && stdout.contains(" 0 failed"),
        "{name} {phase}: {stdout}\n{stderr}"
    );
    common::assert_no_sanitizer_report(&format!("{name} {phase}"), &stderr);
    println!("{name}: {}", stdout.trim());
}

/// `path` + `tail`, as bytes (either may be other than UTF-8).
fn join_bytes(path: &Path, tail: &[u8]) -> PathBuf {
    let mut b = path.as_os_str().as_bytes().to_vec();
    b.extend_from_slice(tail);
    PathBuf::from(OsString::from_vec(b))
}

/// sshfs of the server's folder `remote` at `mount_point`, as root, with the names passed
/// as the bytes they are (testbed's sshfs command takes text).
fn mount_bytes(sshd: &Sshd, remote: &Path, mount_point: &Path) -> Mount {
    std::fs::create_dir_all(mount_point).unwrap();
    let mut source = b"root@127.0.0.1:".to_vec();
    source.extend_from_slice(remote.as_os_str().as_bytes());
    let r = Command::new(require("sshfs", "sshfs"))
        .arg("-p")
        .arg(sshd.server.port.to_string())
        .arg("-o")
        .arg(format!(
            "IdentityFile={},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes,LogLevel=ERROR",
            sshd.key.display()
        ))
        .arg(OsString::from_vec(source))
        .arg(mount_point)
        .output()
        .unwrap();
    assert!(r.status.success(), "sshfs: {}", String::from_utf8_lossy(&r.stderr));
    let deadline = Instant::now() + Duration::from_secs(10);
    while !is_mounted(mount_point) {
        assert!(Instant::now() < deadline, "sshfs did not mount {}", mount_point.display());
        std::thread::sleep(Duration::from_millis(20));
    }
    Mount::adopt(mount_point)
}

#[test]
fn c_program_written_from_the_docs_gets_what_they_say() {
    let base = testbed::open_tempdir();
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    let export = sshd.export.display().to_string().replace('/', "\\");
    let unc = format!(r"\\127.0.0.1{export}");
    let add_remote = format!(r"\\127.0.0.1@{}{export}", sshd.server.port);
    common::forget_host_key(sshd.server.port);

    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let dir = base.path().join(name);
        let add = dir.join("add");
        let fstab_mp = dir.join("fstab-mp");
        std::fs::create_dir_all(&add).unwrap();
        std::fs::create_dir_all(&fstab_mp).unwrap();
        let fstab = dir.join("system-table");
        std::fs::write(&fstab, format!("//nas/media {} cifs defaults 0 0\n", fstab_mp.display())).unwrap();
        let config = tempfile::tempdir().unwrap();
        let program = dir.join("contract");
        common::compile("contract.c", base.path(), &program, sanitize);

        let drive = sshd.mount(&dir.join("drive"));
        let drive2 = sshd.mount(&dir.join("drive2"));
        // A mount point that is not UTF-8 (Latin-1 "café").
        let mut raw_path = dir.as_os_str().as_bytes().to_vec();
        raw_path.extend_from_slice(b"/caf\xe9");
        let raw = sshd.mount(std::path::Path::new(OsStr::from_bytes(&raw_path)));
        // Bytes that are not UTF-8 in both names: the mount point has the three bytes of
        // an encoded surrogate (ED A0 80, which UTF-8 forbids) and UTF-8 "Zürich"; the
        // server's folder is Latin-1 "été".
        let remote2 = join_bytes(&sshd.export, b"/\xe9t\xe9");
        std::fs::create_dir_all(&remote2).unwrap();
        let raw2 = mount_bytes(&sshd, &remote2, &join_bytes(&dir, b"/\xed\xa0\x80-Z\xc3\xbcrich"));
        let unc2 = join_bytes(Path::new(&unc), b"\\\xe9t\xe9");
        let raw2_path = raw2.path.clone();

        let run = |phase: &str| {
            Command::new(&program)
                .arg(phase)
                .env("CT_DRIVE", &drive.path)
                .env("CT_DRIVE2", &drive2.path)
                .env("CT_UNC", &unc)
                .env("CT_RAW", &raw.path)
                .env("CT_RAW2", &raw2_path)
                .env("CT_UNC2", &unc2)
                .env("CT_ADD_LOCAL", &add)
                .env("CT_ADD_REMOTE", &add_remote)
                .env("CT_USER", TEST_USER)
                .env("CT_PASSWORD", TEST_PASSWORD)
                .env("CT_FSTAB", &fstab)
                .env("CT_FSTAB_MP", &fstab_mp)
                .env("NETDRIVE_FSTAB", &fstab)
                .env(
                    "XDG_CONFIG_HOME",
                    if phase == "frozen" { drive2.path.join(name) } else { config.path().into() },
                )
                // No session bus: a deviceless connection (GVfs) is not available.
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .envs(common::SANITIZER_ENV)
                .output()
                .unwrap()
        };
        let out = run("main");
        // The C program cancels it; whatever a failed run left is unmounted here.
        drop(raw2);
        check(name, "main", &out);
        // The profile's folder on a drive of the server about to stop.
        std::fs::create_dir_all(drive2.path.join(name)).unwrap();
        let frozen = sshd.server.freeze();
        let out = run("frozen");
        drop(frozen);
        check(name, "frozen", &out);
    }
    common::forget_host_key(sshd.server.port);
}
