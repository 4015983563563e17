//! Building the C test programs against this build's libmpr.
#![allow(dead_code, clippy::unwrap_used)] // each test file uses a part; a panic is the failure report

pub mod bus;

use std::path::{Path, PathBuf};
use std::process::Command;

use testbed::require;

/// The flags that make a sanitizer report fail the program.
pub const SANITIZE: [&str; 3] =
    ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=all"];

/// The environment that makes a sanitizer stop at the first report.
pub const SANITIZER_ENV: [(&str, &str); 2] = [
    ("ASAN_OPTIONS", "detect_leaks=1:halt_on_error=1:abort_on_error=0"),
    ("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1"),
];

/// Fail the test (naming `run`) if a sanitized program's `stderr` holds a sanitizer report.
pub fn assert_no_sanitizer_report(run: &str, stderr: &str) {
    for report in ["AddressSanitizer", "LeakSanitizer", "runtime error:"] {
        assert!(!stderr.contains(report), "{run}: sanitizer report:\n{stderr}");
    }
}

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// target/<profile>, where libmpr.so is.
pub fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    assert!(
        dir.join("libmpr.so").exists(),
        "libmpr.so is missing: build the workspace (cargo build --workspace)"
    );
    dir
}

/// Compile `crates/mpr/tests/c/<source>` into `out` against `include/winnetwk.h` and this
/// build's libmpr (through a folder under `scratch` that also has the soname,
/// libmpr.so.0, which the build output lacks).
pub fn compile(source: &str, scratch: &Path, out: &Path, sanitize: bool) {
    cc(source, scratch, out, sanitize, &[], false);
}

/// [`compile`] with more `cc` arguments (include folders, `-fshort-wchar`, warnings a
/// published sample needs switched off) and a source path relative to `tests/c`.
pub fn compile_with(source: &str, scratch: &Path, out: &Path, sanitize: bool, extra: &[&str]) {
    cc(source, scratch, out, sanitize, extra, true);
}

/// `cc`, with `tests/c/shim` (a small `windows.h`) on the include path if `shim`.
fn cc(source: &str, scratch: &Path, out: &Path, sanitize: bool, extra: &[&str], shim: bool) {
    let lib = scratch.join("lib");
    if !lib.exists() {
        std::fs::create_dir_all(&lib).unwrap();
        for name in ["libmpr.so", "libmpr.so.0"] {
            std::os::unix::fs::symlink(build_dir().join("libmpr.so"), lib.join(name)).unwrap();
        }
    }
    let c_dir = repo().join("crates/mpr/tests/c");
    let mut cc = Command::new(require("cc", "gcc"));
    cc.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g"]).args(extra);
    if shim {
        cc.arg("-I").arg(c_dir.join("shim"));
    }
    cc.arg("-I")
        .arg(repo().join("include"))
        .arg(c_dir.join(source))
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lmpr", "-o"])
        .arg(out);
    if sanitize {
        cc.args(SANITIZE);
    }
    let r = cc.output().unwrap();
    assert!(r.status.success(), "cc {source}: {}", String::from_utf8_lossy(&r.stderr));
}

/// Forget the host key of the test's sshd on `port` (root's `known_hosts`), so a key from
/// an earlier server on that port does not stop a login.
pub fn forget_host_key(port: u16) {
    let _ = Command::new("ssh-keygen").args(["-R", &format!("[127.0.0.1]:{port}")]).output();
}
