//! The Debian packages as a person gets them: `scripts/package` builds netdrive, libmpr0
//! and libmpr-dev (lintian must pass), `apt-get install ./…deb` installs them, and then
//! only installed files are used: `/usr/bin/netdrive list` names a real sshfs drive, the
//! installed dialog opens under Xvfb (from the command, and from a C program built with
//! `pkg-config --cflags --libs netdrive-mpr`, which finds its helper in
//! /usr/libexec/netdrive with no PATH help), `dpkg-shlibdeps` gives that program a
//! dependency on libmpr0, and `apt-get purge` leaves nothing of what was installed.
//!
//! Safe beside the other tests: they run `target/` binaries and their own install
//! prefixes, never /usr; two runs of this test (two worktrees) take turns on a lock.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::BTreeSet;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use testbed::gui::Xvfb;
use testbed::{require, Sshd};

const PACKAGES: [&str; 3] = ["netdrive", "libmpr0", "libmpr-dev"];
const TITLE: &str = "Disconnect Network Drives";
const GTK_HELPER: &str = "/usr/libexec/netdrive/netdrive-dialog-gtk";
const LONG: Duration = Duration::from_secs(20);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// The target folder this test was built in (`target/debug/deps/package-…`), shared so
/// the release build scripts/test prepared is reused.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn apt_get() -> Command {
    let mut c = Command::new(require("apt-get", "apt"));
    // Other runs (another worktree's suite) may hold dpkg's lock for a while.
    c.env("DEBIAN_FRONTEND", "noninteractive").args(["-o", "DPkg::Lock::Timeout=300", "-y", "-q"]);
    c
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("ok installed"))
        .unwrap_or(false)
}

fn purge() {
    run(apt_get().arg("purge").args(PACKAGES));
}

/// Purges the packages however the test ends.
struct Installed;
impl Drop for Installed {
    fn drop(&mut self) {
        if PACKAGES.iter().any(|p| installed(p)) {
            let _ = apt_get().arg("purge").args(PACKAGES).stdin(Stdio::null()).output();
        }
    }
}

/// One run of this test at a time on a machine (another worktree's suite may run it).
fn machine_lock() -> std::fs::File {
    let f = std::fs::File::create("/run/lock/netdrive-package-test.lock").unwrap();
    // SAFETY: flock on a descriptor this function owns; it blocks until the lock is ours.
    assert_eq!(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) }, 0, "flock");
    f
}

/// The paths a package holds, as `dpkg-deb -c` lists them (`/usr/bin/netdrive`, ...).
fn contents(deb: &Path) -> Vec<PathBuf> {
    text(&run(Command::new("dpkg-deb").arg("-c").arg(deb)))
        .lines()
        .filter_map(|l| l.split_whitespace().nth(5))
        .map(|p| PathBuf::from(p.trim_start_matches('.')))
        .filter(|p| p != Path::new("/"))
        .collect()
}

/// Wait for the installed GTK helper, started by `parent`, to show its window.
fn installed_window(x: &Xvfb, parent: &Child) -> u32 {
    let w = x.wait_window(TITLE, LONG).expect("the installed dialog opens");
    let helper = helper_of(parent.id()).expect("the dialog's process is a child of the program");
    assert_eq!(helper, Path::new(GTK_HELPER), "the dialog is the installed helper");
    // Rows load off the GUI thread.
    std::thread::sleep(Duration::from_millis(700));
    w
}

/// The executable of `parent`'s child that runs netdrive-dialog-gtk, if any.
fn helper_of(parent: u32) -> Option<PathBuf> {
    let deadline = Instant::now() + LONG;
    while Instant::now() < deadline {
        for e in std::fs::read_dir("/proc").ok()?.flatten() {
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
            // "pid (comm) state ppid ...": comm may hold spaces, so split after the ')'.
            let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1));
            if ppid != Some(&parent.to_string()) {
                continue;
            }
            let exe = std::fs::read_link(e.path().join("exe")).ok()?;
            if exe.file_name().is_some_and(|n| n == "netdrive-dialog-gtk") {
                return Some(exe);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// The environment of a person's shell: installed programs only, no test helpers.
fn clean<'a>(cmd: &'a mut Command, x: &Xvfb) -> &'a mut Command {
    cmd.env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
        .env("DISPLAY", &x.display)
        .env("GTK_A11Y", "none")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
}

#[test]
fn packages_install_work_and_purge_cleanly() {
    let _lock = machine_lock();
    let debs = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let mut package = Command::new(repo().join("scripts/package"));
    // Cargo's variables from this test's own build must not steer the inner cargo.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("CARGO_") && k != "CARGO_HOME" {
            package.env_remove(k);
        }
    }
    // It fails on a lintian error.
    run(package.env("CARGO_TARGET_DIR", target_dir()).arg("--fast").arg("--out").arg(debs.path()));
    println!("scripts/package: {:.0?}", started.elapsed());

    let files: Vec<PathBuf> = PACKAGES
        .iter()
        .map(|p| {
            let found = std::fs::read_dir(debs.path())
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .find(|f| f.file_name().unwrap().to_string_lossy().starts_with(&format!("{p}_")));
            found.unwrap_or_else(|| panic!("scripts/package made no {p} package"))
        })
        .collect();
    let _purge_on_exit = Installed;
    if PACKAGES.iter().any(|p| installed(p)) {
        purge(); // left by an earlier run that was killed
    }
    let listed: BTreeSet<PathBuf> = files.iter().flat_map(|f| contents(f)).collect();
    let there_before: BTreeSet<PathBuf> =
        listed.iter().filter(|p| p.symlink_metadata().is_ok()).cloned().collect();
    assert!(
        !there_before.contains(Path::new("/usr/bin/netdrive")),
        "/usr/bin/netdrive is there before the install"
    );

    run(apt_get().arg("install").args(&files));
    for p in PACKAGES {
        assert!(installed(p), "{p} is installed");
    }
    let dpkg_l: BTreeSet<PathBuf> = text(&run(Command::new("dpkg").arg("-L").args(PACKAGES)))
        .lines()
        .filter(|l| *l != "/.") // dpkg's name for the root folder
        .map(PathBuf::from)
        .collect();
    for f in [
        "/usr/bin/netdrive",
        GTK_HELPER,
        "/usr/share/man/man1/netdrive.1.gz",
        "/usr/include/netdrive/winnetwk.h",
        "/usr/share/applications/netdrive-connect.desktop",
        // Reconnect at sign-in, running the installed command.
        "/usr/lib/systemd/user/netdrive-restore.service",
        "/etc/xdg/autostart/netdrive-restore.desktop",
    ] {
        assert!(dpkg_l.contains(Path::new(f)), "dpkg -L lists {f}");
        assert!(Path::new(f).exists(), "{f} is installed");
    }
    let unit = std::fs::read_to_string("/usr/lib/systemd/user/netdrive-restore.service").unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/netdrive restore"), "{unit}");
    // Enabled for every user (the autostart entry steps aside under systemd): without
    // the link, nothing reconnects at sign-in after an install.
    assert_eq!(
        std::fs::read_link(ENABLED).ok().as_deref(),
        Some(Path::new("/usr/lib/systemd/user/netdrive-restore.service")),
        "the restore unit is enabled for the graphical session"
    );

    // The command: a real drive, listed by the installed program.
    let x = Xvfb::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let drive = sshd.mount(&base.path().join("packaged drive"));
    let config = tempfile::tempdir().unwrap();
    let list = clean(&mut Command::new("/usr/bin/netdrive"), &x)
        .env("XDG_CONFIG_HOME", config.path())
        .arg("list")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&list.stdout);
    assert!(list.status.success(), "netdrive list: {}", String::from_utf8_lossy(&list.stderr));
    assert!(
        shown.contains("packaged drive") && shown.contains("SSHFS"),
        "netdrive list shows the drive:\n{shown}"
    );

    // The man page and completions are where man and the shells look.
    let man = run(Command::new("gzip").args(["-dc", "/usr/share/man/man1/netdrive.1.gz"]));
    assert!(text(&man).contains(".TH netdrive"), "a roff manual page");
    assert!(Path::new("/usr/share/bash-completion/completions/netdrive").is_file());

    // The dialog, from the installed command: Escape cancels (exit 1, as the README says).
    let dialog = clean(&mut Command::new("/usr/bin/netdrive"), &x)
        .env("XDG_CONFIG_HOME", config.path())
        .args(["dialog", "--json"])
        .spawn()
        .unwrap();
    let w = installed_window(&x, &dialog);
    x.screenshot("package-installed-dialog");
    x.keys(w, &["Escape"]);
    let out = wait_output(dialog, LONG);
    assert_eq!(out.status.code(), Some(1), "cancelled: {}", String::from_utf8_lossy(&out.stderr));
    assert!(text(&out).contains("\"cancelled\""), "JSON outcome: {}", text(&out));

    // C, against the installed header and library only.
    let build = tempfile::tempdir().unwrap();
    let flags = text(&run(Command::new(require("pkg-config", "pkg-config")).args([
        "--cflags",
        "--libs",
        "netdrive-mpr",
    ])));
    assert!(flags.contains("-I/usr/include/netdrive") && flags.contains("-lmpr"), "pkg-config: {flags}");
    let program = build.path().join("installed");
    run(Command::new(require("cc", "gcc"))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .arg(repo().join("crates/netdrive-cli/tests/package/installed.c"))
        .arg("-o")
        .arg(&program)
        .args(flags.split_whitespace()));
    // The symbols file at work: a package of this program would depend on libmpr0.
    std::fs::create_dir(build.path().join("debian")).unwrap();
    std::fs::write(
        build.path().join("debian/control"),
        "Source: installed\n\nPackage: installed\nArchitecture: any\n",
    )
    .unwrap();
    let deps = text(&run(Command::new("dpkg-shlibdeps").arg("-O").arg(&program).current_dir(build.path())));
    let version = env!("CARGO_PKG_VERSION");
    assert!(deps.contains(&format!("libmpr0 (>= {version})")), "dpkg-shlibdeps: {deps}");

    let c = clean(&mut Command::new(&program), &x).arg(&drive.path).spawn().unwrap();
    let w = installed_window(&x, &c);
    x.keys(w, &["Escape"]);
    let out = wait_output(c, LONG);
    assert!(out.status.success(), "the C program: {}", String::from_utf8_lossy(&out.stderr));
    let said = text(&out);
    assert!(said.contains("remote \\\\127.0.0.1\\"), "WNetGetConnectionA names the drive: {said}");
    // NO_ERROR from the wait; 0xFFFFFFFF: cancelled.
    assert!(said.contains("wait 0 result 4294967295"), "the dialog was cancelled: {said}");
    drop(drive);

    // Purge: every path the packages brought is gone; what was there before stays.
    purge();
    for p in PACKAGES {
        assert!(!installed(p), "{p} is purged");
    }
    let left: Vec<&PathBuf> = dpkg_l
        .union(&listed)
        .filter(|p| !there_before.contains(*p) && p.symlink_metadata().is_ok())
        .collect();
    assert!(left.is_empty(), "left behind after apt-get purge: {left:?}");
    assert!(Path::new(ENABLED).symlink_metadata().is_err(), "{ENABLED} is left after apt-get purge");
}

/// The link that enables the restore unit for every user's graphical session.
const ENABLED: &str = "/etc/systemd/user/graphical-session.target.wants/netdrive-restore.service";

/// The output of a child that is expected to end by itself within `within`.
fn wait_output(mut child: Child, within: Duration) -> Output {
    let deadline = Instant::now() + within;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{} did not end within {within:?}", child.id());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}
