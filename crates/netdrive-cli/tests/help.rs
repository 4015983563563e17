//! The command teaches: help with examples, a man page, shell completions.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use common::nd;

#[test]
fn help_man_page_and_completions() {
    let config = tempfile::tempdir().unwrap();
    let help = nd(config.path(), ["--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("Examples:") && help.stdout.contains("netdrive disconnect"),
        "{}",
        help.stdout
    );
    assert!(help.stdout.contains("Exit status"), "{}", help.stdout);
    let sub = nd(config.path(), ["disconnect", "--help"]);
    assert!(sub.stdout.contains("--detach") && sub.stdout.contains("lazy"), "{}", sub.stdout);
    let man = nd(config.path(), ["man"]);
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH netdrive"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    let bash = nd(config.path(), ["completions", "bash"]);
    assert!(bash.code == 0 && bash.stdout.contains("disconnect"), "{}", bash.stderr);
    let bad = nd(config.path(), ["disconnect"]);
    assert_eq!(bad.code, 2, "usage errors exit 2");
}

#[test]
fn dialog_without_a_display_says_so() {
    let m = without_a_display(&["dialog", "--json"]);
    assert!(m.contains("netdrive disconnect"), "{m}");
}

#[test]
fn connect_dialog_without_a_display_says_so() {
    for args in [&["connect-dialog", "--json"][..], &["dialog", "--connect", "--json"]] {
        let m = without_a_display(args);
        assert!(!m.contains("disconnect"), "{args:?}: not the disconnect dialog's advice: {m}");
    }
}

/// `netdrive ARGS` with neither a display nor a terminal: its message.
fn without_a_display(args: &[&str]) -> String {
    let config = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new(common::BIN);
    c.args(args).env("XDG_CONFIG_HOME", config.path()).env_remove("DISPLAY").env_remove("WAYLAND_DISPLAY");
    // No controlling terminal either (a session of its own), wherever the tests run.
    // SAFETY: setsid is async-signal-safe and only changes the child being started.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut c, || {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = c.output().unwrap();
    assert_eq!(out.status.code(), Some(3), "errors exit 3");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "error");
    assert_eq!(v["code"], 1208);
    assert_eq!(v["error"], "ERROR_EXTENDED_ERROR");
    let m = v["message"].as_str().unwrap();
    // Without a display the terminal dialog is used; without a terminal either, it says so.
    assert!(m.contains("no display") && m.contains("no terminal"), "{m}");
    m.to_owned()
}
