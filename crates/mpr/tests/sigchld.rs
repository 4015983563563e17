//! A host that sets SIGCHLD to SIG_IGN: its children are reaped by the kernel, so a
//! disconnect that waited for its unmount child with `waitpid` saw "not responding"
//! (ERROR_SEM_TIMEOUT, 121) although the drive was gone. The result now comes over a pipe.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Command;

use testbed::{is_mounted, require, Sshd};

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
fn a_host_that_ignores_sigchld_gets_the_true_result() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let base = testbed::open_tempdir();
    let program = base.path().join("sigchld");
    // The program asks for the soname, libmpr.so.0, which the build output does not have.
    let lib = base.path().join("lib");
    std::fs::create_dir(&lib).unwrap();
    for name in ["libmpr.so", "libmpr.so.0"] {
        std::os::unix::fs::symlink(build_dir().join("libmpr.so"), lib.join(name)).unwrap();
    }
    let cc = Command::new(require("cc", "gcc"))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .arg("-I")
        .arg(repo.join("include"))
        .arg(repo.join("crates/mpr/tests/c/sigchld.c"))
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lmpr", "-o"])
        .arg(&program)
        .output()
        .unwrap();
    assert!(cc.status.success(), "cc: {}", String::from_utf8_lossy(&cc.stderr));

    let sshd = Sshd::start();
    let config = tempfile::tempdir().unwrap();
    let drive = sshd.mount(&base.path().join("drive"));
    let out = Command::new(&program)
        .arg(&drive.path)
        .env("XDG_CONFIG_HOME", config.path())
        .env("NETDRIVE_FSTAB", "/dev/null")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        "0",
        "WNetCancelConnection2A returned {said} (stderr: {})",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!is_mounted(&drive.path), "reported done but still mounted");
}
