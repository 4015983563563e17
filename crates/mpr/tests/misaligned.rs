//! The W functions given WCHAR strings, DWORDs and structures at odd addresses, as Windows
//! code does from packed structures and byte buffers: `tests/c/misaligned.c` against real
//! sshfs drives, plain and under AddressSanitizer and UndefinedBehaviorSanitizer. A debug
//! libmpr that made `&[u16]` or `*p` of such a pointer aborted ("misaligned pointer
//! dereference").
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Command;

use testbed::{require, Sshd};

/// target/<profile>, where libmpr.so is.
fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    assert!(
        dir.join("libmpr.so").exists(),
        "libmpr.so is missing: build the workspace (cargo build --workspace)"
    );
    dir
}

#[test]
fn w_functions_take_misaligned_strings_and_structures() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let base = testbed::open_tempdir();
    // The program asks for the soname, libmpr.so.0, which the build output does not have.
    let lib = base.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    for name in ["libmpr.so", "libmpr.so.0"] {
        std::os::unix::fs::symlink(build_dir().join("libmpr.so"), lib.join(name)).unwrap();
    }
    let sshd = Sshd::start();
    let config = tempfile::tempdir().unwrap();
    let unc = format!(r"\\127.0.0.1{}", sshd.export.display().to_string().replace('/', "\\"));

    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let dir = base.path().join(name);
        let folder = dir.join("empty");
        std::fs::create_dir_all(&folder).unwrap();
        let program = dir.join("misaligned");
        let mut cc = Command::new(require("cc", "gcc"));
        cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g"])
            .arg("-I")
            .arg(repo.join("include"))
            .arg(repo.join("crates/mpr/tests/c/misaligned.c"))
            .arg("-L")
            .arg(&lib)
            .arg(format!("-Wl,-rpath,{}", lib.display()))
            .args(["-lmpr", "-o"])
            .arg(&program);
        if sanitize {
            cc.args(["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all"]);
        }
        let r = cc.output().unwrap();
        assert!(r.status.success(), "cc: {}", String::from_utf8_lossy(&r.stderr));

        let drive = sshd.mount(&dir.join("drive"));
        let drive2 = sshd.mount(&dir.join("drive2"));
        let out = Command::new(&program)
            .arg(&drive.path)
            .arg(&unc)
            .arg(&drive2.path)
            .arg(&folder)
            .env("XDG_CONFIG_HOME", config.path())
            .env("NETDRIVE_FSTAB", "/dev/null")
            .env("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1:abort_on_error=0")
            .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {}\n{stdout}\n{stderr}", out.status);
        assert!(
            stdout.contains("misaligned: ") && stdout.contains(" 0 failed"),
            "{name}: {stdout}\n{stderr}"
        );
        for report in ["AddressSanitizer", "LeakSanitizer", "runtime error:"] {
            assert!(!stderr.contains(report), "{name}: sanitizer report:\n{stderr}");
        }
        println!("{name}: {}", stdout.trim());
    }
}
