//! The W functions given WCHAR strings, DWORDs and structures at odd addresses, as Windows
//! code does from packed structures and byte buffers: `tests/c/misaligned.c` against real
//! sshfs drives, plain and under AddressSanitizer and UndefinedBehaviorSanitizer. A debug
//! libmpr that made `&[u16]` or `*p` of such a pointer aborted ("misaligned pointer
//! dereference").
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::process::Command;

use testbed::Sshd;

#[test]
fn w_functions_take_misaligned_strings_and_structures() {
    let base = testbed::open_tempdir();
    let sshd = Sshd::start();
    let config = tempfile::tempdir().unwrap();
    let unc = format!(r"\\127.0.0.1{}", sshd.export.display().to_string().replace('/', "\\"));

    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let dir = base.path().join(name);
        let folder = dir.join("empty");
        std::fs::create_dir_all(&folder).unwrap();
        let program = dir.join("misaligned");
        common::compile("misaligned.c", base.path(), &program, sanitize);

        let drive = sshd.mount(&dir.join("drive"));
        let drive2 = sshd.mount(&dir.join("drive2"));
        let out = Command::new(&program)
            .arg(&drive.path)
            .arg(&unc)
            .arg(&drive2.path)
            .arg(&folder)
            .env("XDG_CONFIG_HOME", config.path())
            .env("NETDRIVE_FSTAB", "/dev/null")
            .envs(common::SANITIZER_ENV)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {}\n{stdout}\n{stderr}", out.status);
        assert!(
            stdout.contains("misaligned: ") && stdout.contains(" 0 failed"),
            "{name}: {stdout}\n{stderr}"
        );
        common::assert_no_sanitizer_report(name, &stderr);
        println!("{name}: {}", stdout.trim());
    }
}
