//! Hostile mount-point names (spaces, tabs, newlines, backslashes, escape sequences,
//! bidi overrides, invisible characters, trailing spaces, bytes that are not UTF-8)
//! round-trip through `list`, `list --json` and `disconnect`, never reach the terminal
//! raw, and no two of them are shown alike.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use common::{json_name, listed, nd};
use testbed::{is_mounted, Sshd};

const NAMES: &[&[u8]] = &[
    b"with space",
    b"with\ttab",
    b"with\nnewline",
    b"back\\slash",
    b"back\\nslash",
    b"back\nslash",
    "soft\u{ad}hyphen".as_bytes(),
    "zero\u{200b}width".as_bytes(),
    "tag\u{e0041}\u{e007f}chars".as_bytes(),
    b"trailing ",
    b"trailing",
    b"esc\x1b[31mred\x1b[0m",
    "bidi\u{202e}txt.exe".as_bytes(),
    b"bytes\xff\xfe",
];

#[test]
fn hostile_names_round_trip_and_are_shown_escaped() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path();
    let mounts: Vec<_> = NAMES.iter().map(|n| sshd.mount(&base.path().join(OsStr::from_bytes(n)))).collect();

    let human = nd(cfg, ["list"]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(!human.stdout.contains('\x1b'), "a raw escape reached the terminal: {:?}", human.stdout);
    assert!(!human.stdout.contains('\u{202e}'), "a raw bidi override reached the terminal");
    for (shown, raw) in [
        ("with space", "with space"),
        ("with\\u{09}tab", "with\ttab"),
        ("with\\u{0a}newline", "with\nnewline"),
        ("back\\slash", "back\\slash"),
        ("back\\nslash", "back\\nslash"),
        ("back\\u{0a}slash", "back\nslash"),
        ("esc\\u{1b}[31mred\\u{1b}[0m", "\x1b"),
        ("bidi\\u{202e}txt.exe", "\u{202e}"),
        ("soft\\u{ad}hyphen", "\u{ad}"),
        ("zero\\u{200b}width", "\u{200b}"),
        ("tag\\u{e0041}\\u{e007f}chars", "\u{e0041}"),
        // (Its raw form is in every padded line; the cells below tell it apart.)
        ("trailing\\u{20}", "trailing\\u{20}"),
        ("bytes\\x{ff}\\x{fe}", "\u{fffd}"),
    ] {
        let line = human.stdout.lines().find(|l| l.contains(shown));
        assert!(line.is_some(), "{shown:?} not shown in:\n{}", human.stdout);
        assert!(
            !human.stdout.contains(raw) || shown == raw || raw.starts_with("back\\"),
            "{raw:?} shown raw"
        );
    }
    // No two names look the same: every drive's cell is different.
    let mut cells: Vec<&str> = human
        .stdout
        .lines()
        .filter_map(|l| l.split("  ").next())
        .filter(|c| c.contains(base.path().to_str().unwrap()))
        .collect();
    cells.sort_unstable();
    cells.dedup();
    assert_eq!(cells.len(), NAMES.len(), "{}", human.stdout);
    // One line per drive (plus the header): no name broke a line.
    let ours = human.stdout.lines().filter(|l| l.contains(base.path().to_str().unwrap())).count();
    assert_eq!(ours, NAMES.len(), "{}", human.stdout);

    for m in &mounts {
        let entry = listed(cfg, &m.path).unwrap_or_else(|| panic!("{:?} not in list --json", m.path));
        let name = json_name(&entry, "local_name");
        assert_eq!(name.as_bytes(), m.path.as_os_str().as_bytes());
        let r = nd(cfg, ["disconnect".as_ref(), name.as_os_str()]);
        assert_eq!(r.code, 0, "{:?}: {}", m.path, r.stderr);
        assert!(!r.stdout.contains('\x1b') && r.stdout.lines().count() == 1, "{:?}", r.stdout);
        assert!(!is_mounted(&m.path), "{:?} still mounted", m.path);
    }
}

#[test]
fn a_drive_named_deleted_is_busy_while_a_program_works_in_it() {
    // The kernel shows a removed working folder as "PATH (deleted)": a drive whose own
    // name ends so must still be seen as the working folder of a program at its root.
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path();
    let m = sshd.mount(&base.path().join("x (deleted)"));
    let worker =
        testbed::Reaped(std::process::Command::new("sleep").arg("600").current_dir(&m.path).spawn().unwrap());
    let pid = worker.0.id();

    let r = nd(cfg, ["who".as_ref(), m.path.as_os_str(), "--json".as_ref()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let who = r.json();
    assert!(
        who.as_array().unwrap().iter().any(|h| h["pid"] == pid && h["use"] == "cwd"),
        "who names the program working at the drive's root: {who}"
    );
    let r = nd(cfg, ["disconnect".as_ref(), m.path.as_os_str()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("sleep (PID {pid})")), "the refusal names it: {}", r.stderr);
    assert!(is_mounted(&m.path));
    drop(worker);
    let r = nd(cfg, ["disconnect".as_ref(), m.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!is_mounted(&m.path));
}
