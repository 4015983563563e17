//! Browse… in the terminal Map Network Drive dialog (tmux), on real announcers: the world
//! of `testbed::netns` (avahi announcing smbd with two shares, sshd, and a silent host)
//! in a network namespace of the test's own. A person opens the tree, expands SMB, then
//! the smbd's server and the silent host at once: the shares come while the silent host
//! is still asked, its error shows within its bound, and the share chosen fills Folder.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::time::{Duration, Instant};

use testbed::netns::{in_namespace, World};
use testbed::tmux::Tmux;

const LONG: Duration = Duration::from_secs(20);

/// Up or Down until the selected row names `name` (a whole word of it).
fn select(t: &Tmux, name: &str) {
    let names = |l: &str| l.split_whitespace().any(|w| w == name);
    for _ in 0..30 {
        let screen = t.screen();
        let lines: Vec<&str> = screen.lines().collect();
        let at = lines.iter().position(|l| l.trim_start_matches(['│', ' ']).starts_with("> "));
        let want = lines.iter().position(|l| l.contains('│') && names(l));
        match (at, want) {
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) if a > b => t.keys(&["Up"]),
            _ => t.keys(&["Down"]),
        }
    }
    panic!("no row {name}:\n{}", t.screen());
}

fn save(name: &str, screen: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(name), screen);
}

#[test]
fn browse_finds_a_share_and_fills_folder_in_the_terminal() {
    if !in_namespace("browse_finds_a_share_and_fills_folder_in_the_terminal") {
        return;
    }
    let w = World::start();
    let home = w.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let cmd = format!("{} connect-dialog --tui; sleep 30", common::BIN);
    let mut env: Vec<(&str, &str)> = w.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.push(("HOME", home.to_str().unwrap()));
    let t = Tmux::start(&cmd, 160, 40, &env);
    let screen = t.wait_for("Map Network Drive", LONG).unwrap_or_else(|s| panic!("no dialog:\n{s}"));
    assert!(screen.contains("Browse…") && screen.contains("F2 browse"), "{screen}");

    t.keys(&["F2"]);
    let screen = t.wait_for("WebDAV", LONG).unwrap_or_else(|s| panic!("no tree:\n{s}"));
    assert!(
        screen.contains("Network") && screen.contains("→ expand") && screen.contains("Enter choose"),
        "{screen}"
    );
    select(&t, "SMB");
    t.keys(&["Right"]);
    let screen = t
        .wait_until(|s| s.contains("ndsrv.local") && s.contains("silent.local"), LONG)
        .unwrap_or_else(|s| panic!("no servers:\n{s}"));
    assert!(screen.contains("10.231.0.1"), "the server of a drive:\n{screen}");
    assert!(screen.contains("Files"), "the DNS-SD name as the comment:\n{screen}");

    // Both servers asked at once: the shares come, the silent host is still being asked.
    select(&t, "silent.local");
    t.keys(&["Right"]);
    let asked = Instant::now();
    select(&t, "ndsrv.local");
    t.keys(&["Right"]);
    let screen = t
        .wait_until(|s| s.contains("public") && s.contains("media"), LONG)
        .unwrap_or_else(|s| panic!("no shares:\n{s}"));
    assert!(screen.contains("Files for everyone") && screen.contains("Films and music"), "{screen}");
    assert!(!screen.contains("did not answer"), "the shares came first:\n{screen}");
    let screen = t.wait_for("did not answer", LONG).unwrap_or_else(|s| panic!("no error:\n{s}"));
    // Its bound (3 s) and some slack for a loaded machine.
    assert!(asked.elapsed() < Duration::from_secs(8), "the silent host took {:?}", asked.elapsed());
    let error = screen.lines().find(|l| l.contains("did not answer")).unwrap();
    assert!(error.contains("121"), "{error}");
    save("connect-browse-tui.txt", &screen);

    // Still usable: choose a share.
    select(&t, "public");
    t.keys(&["Enter"]);
    let screen = t
        .wait_until(|s| s.contains(r"\\ndsrv.local\public") && !s.contains("→ expand"), LONG)
        .unwrap_or_else(|s| panic!("Folder not filled:\n{s}"));
    assert!(screen.contains("ndsrv.local public"), "the local folder suggested:\n{screen}");
    t.keys(&["Escape"]);
    t.wait_until(|s| !s.contains("Map Network Drive"), LONG).unwrap_or_else(|s| panic!("still open:\n{s}"));
}
