//! What reaches a person's terminal besides the tables: usage errors that quote a hostile
//! argument, errors that name the profile's path, and output that cannot be written.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::process::{Command, Stdio};

use common::{nd, BIN};

/// Run `netdrive ARGS` on a real terminal (`script` gives it one, as a person's shell
/// would; the argument parser writes differently to a terminal than to a pipe), and
/// return everything the terminal got.
fn on_a_terminal(args: &[&[u8]]) -> Vec<u8> {
    let script = testbed::require("script", "bsdutils");
    let mut c = Command::new(script);
    // The arguments travel in the environment, so no shell reads them.
    let mut call = String::from("exec \"$ND\"");
    for (i, a) in args.iter().enumerate() {
        c.env(format!("ARG{i}"), OsStr::from_bytes(a));
        call.push_str(&format!(" \"$ARG{i}\""));
    }
    let out = c
        .args(["--quiet", "--return", "--command", &call, "/dev/null"])
        .env("ND", BIN)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    out.stdout
}

#[test]
fn usage_errors_show_hostile_arguments_escaped() {
    for (args, shown) in [
        (&[&b"who"[..], b"x", b"\x1b]0;x\x07"][..], r"'\u{1b}]0;x\u{07}'"),
        (&[&b"disconnect"[..], b"/mnt/a", b"--\x1b[31mbogus"][..], r"'--\u{1b}[31mbogus'"),
        (&[&b"\x1b[2Jlist"[..]][..], r"'\u{1b}[2Jlist'"),
        (&[&b"list"[..], b"--bogus\xff"][..], "--bogus"),
    ] {
        let seen = on_a_terminal(args);
        let text = String::from_utf8_lossy(&seen);
        assert!(
            !seen.contains(&0x1b) && !seen.contains(&0x07),
            "raw control bytes reached the terminal: {text:?}"
        );
        assert!(text.contains(shown), "{shown} in {text:?}");
        assert!(text.contains("Usage: netdrive"), "{text:?}");
    }
}

#[test]
fn the_profile_path_is_shown_escaped() {
    let base = tempfile::tempdir().unwrap();
    let config = base.path().join("cfg\x1b]0;owned\x07");
    let profile = config.join("netdrive/connections.toml");
    std::fs::create_dir_all(profile.parent().unwrap()).unwrap();

    // Damaged: ERROR_BAD_PROFILE, naming the file.
    std::fs::write(&profile, "[[connection]]\nlocal_name = oops\n").unwrap();
    let r = nd(&config, ["list", "--remembered"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(r"cfg\u{1b}]0;owned\u{07}/netdrive/connections.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_BAD_PROFILE (1206)"), "{}", r.stderr);
    assert!(!r.stderr.contains('\x1b') && !r.stderr.contains('\x07'), "{:?}", r.stderr);

    // Unreadable (a folder where the file should be): ERROR_CANNOT_OPEN_PROFILE.
    std::fs::remove_file(&profile).unwrap();
    std::fs::create_dir(&profile).unwrap();
    let r = nd(&config, ["list", "--remembered"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_CANNOT_OPEN_PROFILE (1205)"), "{}", r.stderr);
    assert!(r.stderr.contains(r"cfg\u{1b}]0;owned\u{07}/"), "{}", r.stderr);
    assert!(!r.stderr.contains('\x1b') && !r.stderr.contains('\x07'), "{:?}", r.stderr);
}

/// `netdrive ARGS` with standard output and standard error as given.
fn run_to(args: &[&str], stdout: Stdio, stderr: Stdio) -> (Option<i32>, String) {
    let config = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(args)
        .env("XDG_CONFIG_HOME", config.path())
        .env("NETDRIVE_FSTAB", "/dev/null")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn full() -> Stdio {
    File::options().write(true).open("/dev/full").unwrap().into()
}

#[test]
fn output_that_cannot_be_written_is_a_failure() {
    // Standard output full: the list is lost, so the command failed, and says why.
    for args in
        [&["list"][..], &["list", "--json"], &["list", "--all"], &["--help"], &["completions", "bash"]]
    {
        let (code, stderr) = run_to(args, full(), Stdio::piped());
        assert_eq!(code, Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("cannot write the output") || args == ["--help"], "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // Standard error full: no panic (101), the failure's own status.
    for args in [&["disconnect", "/nonexistent"][..], &["who", "/nonexistent"], &["list", "--bogus"]] {
        let (code, _) = run_to(args, Stdio::null(), full());
        let want = if args[1] == "--bogus" { 2 } else { 3 };
        assert_eq!(code, Some(want), "{args:?}");
    }
    // Nothing for standard error: nothing lost, success.
    let (code, _) = run_to(&["list"], Stdio::null(), full());
    assert_eq!(code, Some(0));
}
