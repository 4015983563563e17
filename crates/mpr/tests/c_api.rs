//! libmpr from C: `tests/c/test_mpr.c` compiled with `cc` against `include/winnetwk.h` and
//! the shared library, run against real sshfs drives and a real X display, then built and
//! run again with AddressSanitizer and UndefinedBehaviorSanitizer, failing on any report.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use testbed::gui::{private_mount_namespace, Xvfb};
use testbed::{require, Sshd, TEST_PASSWORD, TEST_USER};

/// The folder with libmpr.so and netdrive-dialog-gtk: this test binary's `target/<profile>`.
fn build_dir() -> PathBuf {
    let dir = common::build_dir();
    assert!(dir.join("netdrive-dialog-gtk").exists(), "netdrive-dialog-gtk is missing: build the workspace");
    dir
}

/// Install into `prefix` with the documented step, as a user would.
fn install(prefix: &Path) {
    let r = Command::new(common::repo().join("scripts/install-mpr"))
        .arg("--prefix")
        .arg(prefix)
        .arg("--from")
        .arg(build_dir())
        .output()
        .unwrap();
    assert!(r.status.success(), "install-mpr: {}", String::from_utf8_lossy(&r.stderr));
}

/// `pkg-config --cflags --libs [--static] netdrive-mpr` for an install under `prefix`.
fn pkg_config(prefix: &Path, static_: bool) -> Vec<String> {
    let mut c = Command::new(require("pkg-config", "pkg-config"));
    c.env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig")).args(["--cflags", "--libs"]);
    if static_ {
        c.arg("--static");
    }
    let r = c.arg("netdrive-mpr").output().unwrap();
    assert!(r.status.success(), "pkg-config: {}", String::from_utf8_lossy(&r.stderr));
    String::from_utf8(r.stdout).unwrap().split_whitespace().map(str::to_owned).collect()
}

/// Compile the C test with `cc` and the flags pkg-config gives.
fn compile(prefix: &Path, out: &Path, sanitize: bool) {
    let cc = require("cc", "gcc");
    let mut c = Command::new(cc);
    c.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-D_GNU_SOURCE"])
        .arg(common::repo().join("crates/mpr/tests/c/test_mpr.c"))
        .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()))
        .args(pkg_config(prefix, false))
        .args(["-lpthread", "-o"])
        .arg(out);
    if sanitize {
        c.args(common::SANITIZE);
    }
    let r = c.output().unwrap();
    assert!(r.status.success(), "cc failed:\n{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn c_program_uses_every_export_against_real_drives() {
    if !private_mount_namespace("c_program_uses_every_export_against_real_drives") {
        return;
    }
    let x = Xvfb::start();
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let config = tempfile::tempdir().unwrap();
    let prefix = tempfile::tempdir().unwrap();
    install(prefix.path());
    common::forget_host_key(sshd.server.port);

    for (name, sanitize) in [("plain", false), ("sanitized", true)] {
        let dir = base.path().join(name);
        std::fs::create_dir_all(dir.join("add")).unwrap();
        let drive = sshd.mount(&dir.join("drive"));
        let busy = sshd.mount(&dir.join("busy"));
        let program = dir.join("test_mpr");
        compile(prefix.path(), &program, sanitize);
        let unc = format!(r"\\127.0.0.1{}", sshd.export.display().to_string().replace('/', "\\"));
        let add_remote = format!(
            r"\\127.0.0.1@{}{}",
            sshd.server.port,
            sshd.export.display().to_string().replace('/', "\\")
        );
        let out = Command::new(&program)
            .env("MPR_DRIVE", &drive.path)
            .env("MPR_DRIVE_UNC", &unc)
            .env("MPR_BUSY", &busy.path)
            .env("MPR_ADD_LOCAL", dir.join("add"))
            .env("MPR_ADD_REMOTE", &add_remote)
            .env("MPR_ADD_USER", TEST_USER)
            .env("MPR_ADD_PASSWORD", TEST_PASSWORD)
            .env("DISPLAY", &x.display)
            // Found on PATH, where the install put it.
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    prefix.path().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("GTK_A11Y", "none")
            .env("XDG_CONFIG_HOME", config.path())
            .envs(common::SANITIZER_ENV)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{name}: {}\n{stdout}\n{stderr}", out.status);
        assert!(stdout.contains(" 0 failed"), "{name}: {stdout}\n{stderr}");
        common::assert_no_sanitizer_report(name, &stderr);
        println!("{name}: {}", stdout.trim());
    }
    common::forget_host_key(sshd.server.port);
}

#[test]
fn installs_with_soname_static_library_and_pkg_config() {
    let prefix = tempfile::tempdir().unwrap();
    install(prefix.path());
    let lib = prefix.path().join("lib");
    assert!(lib.join("libmpr.a").exists() && prefix.path().join("include/netdrive/winnetwk.h").exists());
    assert_eq!(std::fs::read_link(lib.join("libmpr.so")).unwrap(), Path::new("libmpr.so.0"));
    let soname = Command::new("readelf").arg("-d").arg(lib.join("libmpr.so.0")).output().unwrap();
    assert!(String::from_utf8_lossy(&soname.stdout).contains("Library soname: [libmpr.so.0]"));
    // A program linked statically needs neither the .so nor an rpath.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hello.c");
    std::fs::write(
        &src,
        "#include <winnetwk.h>\n#include <stdio.h>\nint main(void){DWORD c=1;\n\
         DWORD r=WNetGetLastErrorA(&c,NULL,0,NULL,0);\n\
         DWORD r2=WNetCancelConnection2A(\"/no/such\",0,FALSE);\n\
         printf(\"%u %u %u\\n\",r,c,r2);return 0;}\n",
    )
    .unwrap();
    let exe = dir.path().join("hello");
    let mut flags = pkg_config(prefix.path(), true);
    // Prefer the archive: drop the shared library from the search.
    flags.retain(|f| f != "-lmpr");
    let r = Command::new("cc")
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .args(&flags)
        .arg(lib.join("libmpr.a"))
        .args(["-lgcc_s", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let out = Command::new(&exe).env("XDG_CONFIG_HOME", dir.path()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0 0 2250");
}
