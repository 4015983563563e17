//! The profile on a network drive whose server stopped (an NFS home folder, say): `list`,
//! `list --all`, `who`, `remember` and `disconnect --detach` return within a bound, list
//! the connected drives, and say that the profile is not available and why.
//!
//! netdrive runs in a child with a hard time limit: a regression fails the test instead
//! of hanging the suite. The server is thawed on every way out (the guard's drop runs
//! while a failed assertion unwinds), so a child stuck on it ends and cleanup works.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testbed::Sshd;

/// What a command may take with the profile unreachable: the bound (3 s) and a margin.
const BOUND: Duration = Duration::from_secs(5);
/// When a command counts as hung.
const HUNG: Duration = Duration::from_secs(20);

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Run netdrive with `env` (on top of a clean one), or fail if it does not end in time.
fn run(env: &[(&str, &OsStr)], args: &[&OsStr]) -> Ran {
    let mut c = Command::new(common::BIN);
    c.args(args).env_remove("XDG_CONFIG_HOME").env("NETDRIVE_FSTAB", "/dev/null");
    for (k, v) in env {
        c.env(k, v);
    }
    let start = Instant::now();
    let mut child = c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (out, err) = common::drain(&mut child);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let took = start.elapsed();
            return Ran {
                code: status.code().unwrap_or(-1),
                stdout: out.join().unwrap(),
                stderr: err.join().unwrap(),
                took,
            };
        }
        if start.elapsed() > HUNG {
            // Stuck in the kernel it cannot be killed; the server is thawed as this unwinds.
            let _ = child.kill();
            panic!("netdrive {args:?} hung (still running after {HUNG:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn os(s: &str) -> &OsStr {
    OsStr::new(s)
}

#[test]
fn a_profile_on_a_stopped_server_never_hangs_netdrive() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    // The server's side of the folders, to set up and check without the mounts.
    for d in ["cfg", "home/.config", "work"] {
        std::fs::create_dir_all(sshd.export.join(d)).unwrap();
    }
    let cfg = sshd.mount_remote(&sshd.export.join("cfg"), &base.path().join("cfg"));
    let home = sshd.mount_remote(&sshd.export.join("home"), &base.path().join("home"));
    let work = sshd.mount_remote(&sshd.export.join("work"), &base.path().join("work"));
    let xdg = [("XDG_CONFIG_HOME", cfg.path.as_os_str())];
    let profile = cfg.path.join("netdrive/connections.toml");
    let shown = profile.to_str().unwrap();

    // Written through sshfs while the server answers: under its lock, atomically.
    let r = run(&xdg, &[os("remember"), work.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let stored = std::fs::read_to_string(sshd.export.join("cfg/netdrive/connections.toml")).unwrap();
    assert!(stored.contains(work.path.to_str().unwrap()), "{stored}");
    std::fs::create_dir_all(sshd.export.join("home/.config/netdrive")).unwrap();
    std::fs::write(sshd.export.join("home/.config/netdrive/connections.toml"), &stored).unwrap();
    let r = run(&xdg, &[os("list"), os("--remembered")]);
    assert!(r.code == 0 && r.stdout.contains(work.path.to_str().unwrap()), "{} {}", r.stdout, r.stderr);

    let frozen = sshd.server.freeze();
    let listed = |r: &Ran| {
        for m in [&cfg, &home, &work] {
            assert!(
                r.stdout.contains(m.path.to_str().unwrap()),
                "{} is listed: {}",
                m.path.display(),
                r.stdout
            );
        }
    };
    let warned = |r: &Ran, profile: &str, drive: &Path| {
        assert!(
            r.stderr.contains("warning")
                && r.stderr.contains(profile)
                && r.stderr.contains("ERROR_CANNOT_OPEN_PROFILE (1205)")
                && r.stderr.contains("not responding")
                && r.stderr.contains(drive.to_str().unwrap()),
            "the warning names the profile, the drive it is on and why: {}",
            r.stderr
        );
        assert_eq!(r.stderr.matches("warning").count(), 1, "the fstab was read: {}", r.stderr);
    };

    eprintln!("step: list");
    let r = run(&xdg, &[os("list")]);
    assert!(r.took < BOUND, "list took {:?}", r.took);
    assert_eq!(r.code, 0, "connected drives are all there: {}", r.stderr);
    listed(&r);
    warned(&r, shown, &cfg.path);

    eprintln!("step: list --all");
    let r = run(&xdg, &[os("list"), os("--all")]);
    assert!(r.took < BOUND, "list --all took {:?}", r.took);
    assert_eq!(r.code, 3, "remembered drives are missing: {} {}", r.stdout, r.stderr);
    listed(&r);
    warned(&r, shown, &cfg.path);

    eprintln!("step: list --json");
    let r = run(&xdg, &[os("list"), os("--json")]);
    assert!(r.took < BOUND, "list --json took {:?}", r.took);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<&str> = v.as_array().unwrap().iter().filter_map(|c| c["local_name"].as_str()).collect();
    assert!(names.contains(&work.path.to_str().unwrap()), "{names:?}");
    warned(&r, shown, &cfg.path);

    eprintln!("step: who");
    let r = run(&xdg, &[os("who"), work.path.as_os_str()]);
    assert!(r.took < BOUND, "who took {:?}", r.took);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("No process is using"), "{}", r.stdout);

    eprintln!("step: remember");
    let r = run(&xdg, &[os("remember"), home.path.as_os_str()]);
    assert!(r.took < BOUND, "remember took {:?}", r.took);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_CANNOT_OPEN_PROFILE (1205)"), "{}", r.stderr);

    eprintln!("step: HOME");
    let r = run(&[("HOME", home.path.as_os_str())], &[os("list"), os("--all")]);
    assert!(r.took < BOUND, "list --all with HOME on the drive took {:?}", r.took);
    listed(&r);
    let home_profile = home.path.join(".config/netdrive/connections.toml");
    warned(&r, home_profile.to_str().unwrap(), &home.path);

    eprintln!("step: disconnect --detach");
    // The way out for a drive on the stopped server; the profile is not needed for it.
    let r = run(&xdg, &[os("disconnect"), work.path.as_os_str(), os("--detach")]);
    assert!(r.took < BOUND, "disconnect took {:?}", r.took);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!testbed::is_mounted(&work.path));

    eprintln!("step: thaw");
    drop(frozen);
    // Once the server answers again, so does the profile: the detached drive is listed as
    // remembered, and nothing is missing.
    let r = run(&xdg, &[os("list"), os("--all")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let line = r.stdout.lines().find(|l| l.starts_with(work.path.to_str().unwrap())).unwrap_or_default();
    assert!(line.ends_with("  remembered"), "{}", r.stdout);
}
