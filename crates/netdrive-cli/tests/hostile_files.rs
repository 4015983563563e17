//! A FIFO, a device or a huge file given as the mount table (`NETDRIVE_MOUNTINFO`), the
//! fstab (`NETDRIVE_FSTAB`) or the profile: netdrive neither hangs nor fills memory, and
//! says what is wrong with which file.
//!
//! netdrive runs with a hard time limit and a 2 GiB address-space limit, so a regression
//! fails the test instead of hanging the suite or exhausting the machine.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
    /// Peak resident memory, in MiB.
    max_rss_mib: i64,
}

#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives its peak memory
fn run(config: &Path, env: &[(&str, &OsStr)], args: &[&str]) -> Ran {
    let mut c = Command::new(common::BIN);
    c.args(args).env("XDG_CONFIG_HOME", config).env("NETDRIVE_FSTAB", "/dev/null");
    for (k, v) in env {
        c.env(k, v);
    }
    // SAFETY: setrlimit is async-signal-safe and touches only the new process.
    unsafe {
        c.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: 2 << 30, rlim_max: 2 << 30 };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let start = Instant::now();
    let mut child = c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (out, err) = common::drain(&mut child);
    let pid = child.id() as libc::pid_t;
    loop {
        let mut status = 0;
        // SAFETY: rusage is plain data that wait4 fills in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: our own child; valid out-pointers.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            let took = start.elapsed();
            let code =
                if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -libc::WTERMSIG(status) };
            return Ran {
                code,
                stdout: out.join().unwrap(),
                stderr: err.join().unwrap(),
                took,
                max_rss_mib: usage.ru_maxrss / 1024,
            };
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("netdrive {args:?} with {env:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A FIFO (nobody writes), a character device that never ends, and a sparse file of
/// `size` bytes, in `dir`.
fn hostile(dir: &Path, size: u64) -> [(&'static str, PathBuf, &'static str); 3] {
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let huge = dir.join("huge");
    std::fs::File::create(&huge).unwrap().set_len(size).unwrap();
    [
        ("FIFO", fifo, "not a regular file (a FIFO)"),
        ("/dev/zero", PathBuf::from("/dev/zero"), "not a regular file (a character device)"),
        ("huge", huge, "larger than"),
    ]
}

fn bounded(r: &Ran, what: &str) {
    assert!(r.took < Duration::from_secs(5), "{what}: took {:?}", r.took);
    assert!(r.max_rss_mib < 200, "{what}: used {} MiB", r.max_rss_mib);
}

#[test]
fn a_hostile_mount_table_is_refused_at_once() {
    let config = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    for (what, path, message) in hostile(files.path(), (64 << 20) + 1) {
        let r = run(config.path(), &[("NETDRIVE_MOUNTINFO", path.as_os_str())], &["list"]);
        bounded(&r, what);
        assert_eq!(r.code, 3, "{what}: {} {}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("ERROR_NO_NETWORK (1222)")
                && r.stderr.contains(path.to_str().unwrap())
                && r.stderr.contains(message),
            "{what}: {}",
            r.stderr
        );
    }
    assert!(run(config.path(), &[], &["list"]).stderr.is_empty(), "the real table is fine");
}

#[test]
fn a_hostile_fstab_is_reported_and_the_rest_listed() {
    let config = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let profile = config.path().join("netdrive/connections.toml");
    std::fs::create_dir_all(profile.parent().unwrap()).unwrap();
    let remembered =
        "[[connection]]\nlocal_name = \"/mnt/kept\"\nremote_name = '\\\\nas\\kept'\nprovider = \"SMB\"\n";
    std::fs::write(&profile, remembered).unwrap();
    for (what, path, message) in hostile(files.path(), 2 << 20) {
        let env = [("NETDRIVE_FSTAB", path.as_os_str())];
        let r = run(config.path(), &env, &["list", "--all"]);
        bounded(&r, what);
        assert_eq!(r.code, 3, "{what}: remembered drives may be missing: {}", r.stderr);
        assert!(r.stdout.contains("/mnt/kept"), "{what}: the profile is still listed: {}", r.stdout);
        assert!(
            r.stderr.contains("warning")
                && r.stderr.contains("ERROR_CANNOT_OPEN_PROFILE (1205)")
                && r.stderr.contains(path.to_str().unwrap())
                && r.stderr.contains(message),
            "{what}: {}",
            r.stderr
        );
        let r = run(config.path(), &env, &["list"]);
        bounded(&r, what);
        assert_eq!(r.code, 0, "{what}: connected drives are all listed: {}", r.stderr);
    }
}

#[test]
fn a_hostile_profile_is_reported_and_never_replaced() {
    let files = tempfile::tempdir().unwrap();
    for (what, path, message) in hostile(files.path(), 2 << 20) {
        let config = tempfile::tempdir().unwrap();
        let dir = config.path().join("netdrive");
        std::fs::create_dir_all(&dir).unwrap();
        let profile = dir.join("connections.toml");
        if what == "/dev/zero" {
            std::os::unix::fs::symlink(&path, &profile).unwrap();
        } else {
            std::fs::rename(&path, &profile).unwrap();
        }
        let kind = std::fs::symlink_metadata(&profile).unwrap().file_type();
        for args in [&["list", "--all"][..], &["list", "--remembered"], &["list"]] {
            let r = run(config.path(), &[], args);
            bounded(&r, what);
            let complete = args == ["list"];
            assert_eq!(r.code, if complete { 0 } else { 3 }, "{what} {args:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("ERROR_CANNOT_OPEN_PROFILE (1205)")
                    && r.stderr.contains(profile.to_str().unwrap())
                    && r.stderr.contains(message),
                "{what} {args:?}: {}",
                r.stderr
            );
        }
        let r = run(config.path(), &[], &["disconnect", "/mnt/none", "--forget"]);
        bounded(&r, what);
        assert_eq!(r.code, 3, "{what}: {}", r.stderr);
        assert_eq!(std::fs::symlink_metadata(&profile).unwrap().file_type(), kind, "{what}: left as it was");
    }
}
