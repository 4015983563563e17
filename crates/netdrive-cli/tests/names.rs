//! Hostile mount-point names (spaces, tabs, newlines, backslashes, escape sequences,
//! bidi overrides, bytes that are not UTF-8) round-trip through `list`, `list --json`
//! and `disconnect`, and never reach the terminal raw.
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
        ("with\\ttab", "with\ttab"),
        ("with\\nnewline", "with\nnewline"),
        ("back\\slash", "back\\slash"),
        ("esc\\e[31mred\\e[0m", "\x1b"),
        ("bidi\\u{202e}txt.exe", "\u{202e}"),
        ("bytes\\xff\\xfe", "\u{fffd}"),
    ] {
        let line = human.stdout.lines().find(|l| l.contains(shown));
        assert!(line.is_some(), "{shown:?} not shown in:\n{}", human.stdout);
        assert!(!human.stdout.contains(raw) || shown == raw || raw == "back\\slash", "{raw:?} shown raw");
    }
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
