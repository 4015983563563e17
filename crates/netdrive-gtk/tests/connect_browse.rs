//! Browse… in the Map Network Drive window, under Xvfb, typed at with xdotool and read
//! over AT-SPI as a screen reader would, on real announcers: the world of
//! `testbed::netns` (avahi announcing smbd with two shares, sshd, and a silent host) in a
//! network namespace of the test's own. The tree fills as answers arrive, the silent
//! host's error shows within its bound while the rest stays usable, and the share chosen
//! fills Folder.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testbed::gui::Xvfb;
use testbed::netns::{in_namespace, World};
use testbed::require;

const TITLE: &str = "Map Network Drive";

/// The window's accessible tree, asked of `a11y_serve.py`.
struct Reader {
    ask: PathBuf,
    out: PathBuf,
}

impl Reader {
    fn tree(&self) -> String {
        let _ = std::fs::remove_file(&self.out);
        std::fs::write(&self.ask, "").unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.out.exists() {
            let err = std::fs::read_to_string(self.out.with_extension("err")).unwrap_or_default();
            assert!(Instant::now() < deadline, "no answer from the accessibility bus: {err}");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::fs::read_to_string(&self.out).unwrap()
    }

    /// Until `ok` holds of the tree.
    fn wait(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let t = self.tree();
            if ok(&t) {
                return t;
            }
            assert!(Instant::now() < deadline, "{what}:\n{t}");
            std::thread::sleep(Duration::from_millis(150));
        }
    }
}

/// The rows of the tree named "Network": (name, selected).
fn rows(tree: &str) -> Vec<(String, bool)> {
    let lines: Vec<Vec<&str>> = tree.lines().map(|l| l.split('|').collect()).collect();
    let Some(start) = lines.iter().position(|l| l.len() > 2 && l[1] == "list" && l[2] == "Network") else {
        return Vec::new();
    };
    let depth: usize = lines[start][0].parse().unwrap();
    let mut out = Vec::new();
    for l in &lines[start + 1..] {
        let d: usize = l[0].parse().unwrap();
        if d <= depth {
            break;
        }
        if d == depth + 1 && l[1] == "list item" {
            out.push((String::new(), l[3].contains("selected")));
        } else if let Some(last) = out.last_mut() {
            if last.0.is_empty() && !l[2].is_empty() {
                last.0 = l[2].to_owned();
            }
        }
    }
    out
}

fn has_row(tree: &str, start: &str) -> bool {
    rows(tree).iter().any(|(n, _)| n.starts_with(start))
}

/// Down (or Up) until the selected row's name starts with `name`.
fn select(x: &Xvfb, w: u32, r: &Reader, name: &str) {
    for _ in 0..20 {
        let t = r.tree();
        let rows = rows(&t);
        let at = rows.iter().position(|(_, s)| *s);
        let want = rows.iter().position(|(n, _)| n.starts_with(name));
        match (at, want) {
            (Some(a), Some(b)) if a == b => return,
            (Some(a), Some(b)) if a > b => x.keys(w, &["Up"]),
            _ => x.keys(w, &["Down"]),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("cannot select {name}:\n{}", r.tree());
}

fn folder_text(tree: &str) -> String {
    tree.lines()
        .map(|l| l.split('|').collect::<Vec<_>>())
        .find(|l| l.len() > 4 && l[1] == "text" && l[2] == "Folder")
        .map(|l| l[4].to_owned())
        .unwrap_or_default()
}

#[test]
fn browse_finds_a_share_and_fills_folder_in_the_window() {
    if !in_namespace("browse_finds_a_share_and_fills_folder_in_the_window") {
        return;
    }
    let w = World::start();
    let x = Xvfb::start();
    require("dbus-run-session", "dbus");
    let dir: &Path = w.dir.path();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let r = Reader { ask: dir.join("ask"), out: dir.join("tree") };
    let script = format!(
        "/usr/libexec/at-spi-bus-launcher --launch-immediately > /dev/null 2>&1 & bus=$!; sleep 1; \
         {helper} --connect --timeout=15 < /dev/null & dialog=$!; \
         /usr/bin/python3 -u {py} \"$ASK\" \"$OUT\" 2> \"$OUT.err\" & reader=$!; \
         wait $dialog; status=$?; kill $reader $bus; exit $status",
        helper = env!("CARGO_BIN_EXE_netdrive-dialog-gtk"),
        py = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/a11y_serve.py"),
    );
    let mut run = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .envs(w.env.iter().map(|(k, v)| (k, v)))
        .env("DISPLAY", &x.display)
        .env("HOME", &home)
        // GVfs is not what is tested, and its daemons on this private network only slow it.
        .env("GIO_USE_VFS", "local")
        .env("ASK", &r.ask)
        .env("OUT", &r.out)
        .env_remove("GTK_A11Y")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let win = x.wait_window(TITLE, Duration::from_secs(20)).expect("the window maps");
    let t = r.wait("the Browse button", |t| t.contains("|push button|Browse|"));
    assert!(!t.contains("|list|Network|"), "no tree before Browse…:\n{t}");

    // Folder has the keyboard; Tab to Browse…, press it: the tree, with the keyboard.
    x.keys(win, &["Tab", "Return"]);
    r.wait("the providers", |t| has_row(t, "SMB") && has_row(t, "WebDAV"));
    select(&x, win, &r, "SMB");
    x.keys(win, &["Right"]);
    let t = r.wait("the servers", |t| has_row(t, "ndsrv.local") && has_row(t, "silent.local"));
    assert!(has_row(&t, "10.231.0.1"), "the server of a drive:\n{t}");
    assert!(rows(&t).iter().any(|(n, _)| n == "ndsrv.local, Files"), "with its DNS-SD name:\n{t}");

    // The silent host and the smbd's server asked at once. (Which answers first is the
    // terminal test's to check: reading this tree over AT-SPI takes seconds on a loaded
    // machine, as long as the silent host's bound.)
    select(&x, win, &r, "silent.local");
    x.keys(win, &["Right"]);
    let asked = Instant::now();
    select(&x, win, &r, "ndsrv.local");
    x.keys(win, &["Right"]);
    r.wait("the shares", |t| {
        has_row(t, "public, Files for everyone") && has_row(t, "media, Films and music")
    });
    let t = r.wait("the silent host's error", |t| t.contains("did not answer"));
    // Its bound (3 s) and slack for a loaded machine.
    assert!(asked.elapsed() < Duration::from_secs(10), "the silent host took {:?}", asked.elapsed());
    assert!(rows(&t).iter().any(|(n, _)| n.contains("did not answer") && n.contains("121")), "{t}");
    x.screenshot("connect-browse");

    // Still usable: Enter on a share fills Folder and closes the tree.
    select(&x, win, &r, "public");
    x.keys(win, &["Return"]);
    let t = r.wait("Folder filled", |t| folder_text(t) == r"\\ndsrv.local\public");
    assert!(!t.contains("|list|Network|") || rows(&t).is_empty(), "the tree closed:\n{t}");
    let local = t.lines().find(|l| l.contains("|text|Local folder|")).unwrap_or("").to_owned();
    assert!(local.ends_with("ndsrv.local public"), "the local folder suggested: {local}");

    // Escape: the dialog ends, cancelled.
    x.keys(win, &["Escape"]);
    run.wait().unwrap();
    let mut out = String::new();
    std::io::Read::read_to_string(&mut run.stdout.take().unwrap(), &mut out).unwrap();
    let answer: serde_json::Value =
        serde_json::from_str(out.lines().last().unwrap_or("")).unwrap_or_else(|_| panic!("{out}"));
    assert_eq!(answer["outcome"], "cancelled", "{answer}");
}
