//! The terminal dialog in a real terminal (tmux), over real sshfs drives, as a person uses
//! it: the list, marking and disconnecting, a busy drive naming its holder, Escape, a
//! hostile name shown escaped, 80x24 and resizing. Each test in a private mount namespace,
//! so the only drives on screen are its own.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::Path;
use std::time::Duration;

use testbed::gui::private_mount_namespace;
use testbed::tmux::Tmux;
use testbed::{is_mounted, FileHolder, Sshd};

const LONG: Duration = Duration::from_secs(15);

/// `netdrive ARGS --json` in an 80x24 terminal, its answer and exit status in `dir`.
fn run_in_terminal(args: &str, dir: &Path, config: &Path, env: &[(&str, &str)]) -> Tmux {
    let cmd = format!(
        "{} {args} --json > {out}; echo $? > {code}; sleep 30",
        common::BIN,
        out = dir.join("out.json").display(),
        code = dir.join("code").display()
    );
    let mut all = vec![("XDG_CONFIG_HOME", config.to_str().unwrap()), ("NETDRIVE_FSTAB", "/dev/null")];
    all.extend_from_slice(env);
    Tmux::start(&cmd, 80, 24, &all)
}

/// `netdrive dialog --tui --json` in an 80x24 terminal.
fn dialog(dir: &Path, config: &Path) -> Tmux {
    run_in_terminal("dialog --tui", dir, config, &[])
}

fn answer(dir: &Path) -> (serde_json::Value, i32) {
    let deadline = std::time::Instant::now() + LONG;
    while !dir.join("code").exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let code = std::fs::read_to_string(dir.join("code")).unwrap().trim().parse().unwrap();
    (serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap(), code)
}

#[test]
fn mark_disconnect_and_busy_drive_in_a_terminal() {
    if !private_mount_namespace("mark_disconnect_and_busy_drive_in_a_terminal") {
        return;
    }
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let a = sshd.mount(&base.path().join("alpha"));
    let b = sshd.mount(&base.path().join("bravo"));
    let c = sshd.mount(&base.path().join("esc\x1b[31mred"));
    let holder = FileHolder::open(&b.path.join("hello.txt"));
    let config = tempfile::tempdir().unwrap();
    let t = dialog(base.path(), config.path());

    let screen = t.wait_for("bravo", LONG).unwrap_or_else(|s| panic!("no list:\n{s}"));
    assert!(screen.contains("Disconnect Network Drives"), "{screen}");
    assert!(screen.contains("alpha") && screen.contains("SSHFS"), "{screen}");
    assert!(screen.contains(r"esc\u{1b}[31mred"), "the escape sequence is shown escaped:\n{screen}");
    assert!(screen.contains("Enter disconnect") && screen.contains("Esc cancel"), "{screen}");
    let screen = t.wait_for("in use by 1 process", LONG).unwrap_or_else(|s| panic!("busy row:\n{s}"));
    assert!(screen.lines().any(|l| l.contains("bravo") && l.contains("in use")), "{screen}");

    // The busy drive: asked, naming the process; "n" keeps it.
    t.select_row("/bravo");
    t.keys(&["Enter"]);
    let screen = t.wait_for("Files are open", LONG).unwrap_or_else(|s| panic!("no question:\n{s}"));
    assert!(screen.contains(&format!("sleep (PID {})", holder.pid())), "{screen}");
    t.keys(&["n"]);
    assert!(is_mounted(&b.path));

    // Mark alpha with Space and disconnect it: only alpha goes.
    t.select_row("/alpha");
    t.keys(&["Space", "Enter"]);
    let (out, code) = answer(base.path());
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["outcome"], "disconnected");
    assert_eq!(out["disconnected"][0]["local_name"], a.path.to_str().unwrap());
    assert!(!is_mounted(&a.path) && is_mounted(&b.path) && is_mounted(&c.path));
}

#[test]
fn escape_cancels_and_resizing_keeps_the_dialog_whole() {
    if !private_mount_namespace("escape_cancels_and_resizing_keeps_the_dialog_whole") {
        return;
    }
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("kept"));
    let config = tempfile::tempdir().unwrap();
    let t = dialog(base.path(), config.path());
    let screen = t.wait_for("kept", LONG).unwrap_or_else(|s| panic!("{s}"));
    assert!(screen.lines().count() <= 24 && screen.lines().all(|l| l.chars().count() <= 80), "{screen}");
    t.resize(120, 40);
    let wide = t.wait_for("kept", LONG).unwrap();
    assert!(wide.lines().any(|l| l.chars().count() > 80), "uses the wider terminal:\n{wide}");
    t.resize(60, 15);
    let small = t.wait_for("kept", LONG).unwrap();
    assert!(small.contains("Disconnect Network Drives"), "{small}");
    t.keys(&["?"]);
    t.wait_for("any key closes this help", LONG).unwrap_or_else(|s| panic!("help:\n{s}"));
    t.keys(&["x", "Escape"]);
    let (out, code) = answer(base.path());
    assert_eq!(code, 1, "cancel exits 1, as zenity");
    assert_eq!(out["outcome"], "cancelled");
    assert_eq!(out["code"], -1);
    assert!(is_mounted(&m.path));
}

#[test]
fn demo_shows_real_drives_and_leaves_nothing_behind() {
    let config = tempfile::tempdir().unwrap();
    let mut demo = std::process::Command::new(common::BIN)
        .args(["demo", "--no-dialog"])
        .env("XDG_CONFIG_HOME", config.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(demo.stderr.take().unwrap()));
    let mut drives = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("  /") {
            drives.push(line.trim().to_owned());
        }
        if line.contains("Ctrl-C ends the demo") {
            break;
        }
    }
    assert_eq!(drives.len(), 3, "{drives:?}");
    let base = Path::new(&drives[0]).parent().unwrap().to_path_buf();
    let list = common::nd(config.path(), ["list", "--json"]).json();
    let ours: Vec<&serde_json::Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| drives.iter().any(|d| c["local_name"] == d.as_str()))
        .collect();
    let mut providers: Vec<&str> = ours.iter().map(|c| c["provider"].as_str().unwrap()).collect();
    providers.sort();
    assert_eq!(providers, ["SSHFS", "WebDAV", "rclone"]);
    let who =
        common::nd(config.path(), ["who".as_ref(), base.join("Projects").as_os_str(), "--json".as_ref()])
            .json();
    assert!(who.as_array().unwrap().iter().any(|h| h["name"] == "sleep"), "one drive is busy: {who}");

    // SAFETY: signalling our own child.
    unsafe { libc::kill(demo.id() as i32, libc::SIGTERM) };
    let status = demo.wait().unwrap();
    assert!(status.success(), "{status}");
    for d in &drives {
        assert!(!is_mounted(Path::new(d)), "{d} still mounted");
    }
    assert!(!base.exists(), "{} left behind", base.display());
    let leftovers =
        std::process::Command::new("pgrep").args(["-f", base.to_str().unwrap()]).output().unwrap();
    assert!(leftovers.stdout.is_empty(), "processes left: {}", String::from_utf8_lossy(&leftovers.stdout));
}

#[test]
fn not_responding_offers_detach_and_sigterm_restores_the_terminal() {
    if !private_mount_namespace("not_responding_offers_detach_and_sigterm_restores_the_terminal") {
        return;
    }
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("stalled"));
    let config = tempfile::tempdir().unwrap();
    let t = run_in_terminal("dialog --tui --timeout 1", base.path(), config.path(), &[("NO_COLOR", "1")]);
    t.wait_for("stalled", LONG).unwrap_or_else(|s| panic!("{s}"));
    let coloured = t.screen_with_attributes();
    assert!(!coloured.contains("\x1b[36m") && !coloured.contains("\x1b[38;5"), "NO_COLOR: no colours");
    let frozen = sshd.server.freeze();
    t.select_row("/stalled");
    t.keys(&["Enter"]);
    // The row's spinner keeps the screen moving: wait for the whole question at once.
    let question = ["The server is not responding", "[d] Detach", "[w] Keep waiting", "Detach removes"];
    t.wait_until(|s| question.iter().all(|q| s.contains(q)), LONG).unwrap_or_else(|s| panic!("{s}"));
    t.keys(&["d"]);
    let (out, code) = answer(base.path());
    assert_eq!((code, out["outcome"].as_str()), (0, Some("disconnected")), "{out}");
    assert!(!is_mounted(&m.path));
    drop(frozen);

    // SIGTERM: the dialog ends as cancelled and the terminal is given back.
    let m2 = sshd.mount(&base.path().join("second"));
    std::fs::remove_file(base.path().join("code")).unwrap();
    let t = dialog(base.path(), config.path());
    t.wait_for("second", LONG).unwrap_or_else(|s| panic!("{s}"));
    let pids = t.children_named("netdrive");
    assert_eq!(pids.len(), 1, "the dialog's own process");
    // SAFETY: signalling the process this test started.
    unsafe { libc::kill(pids[0], libc::SIGTERM) };
    let (out, code) = answer(base.path());
    assert_eq!((code, out["outcome"].as_str()), (1, Some("cancelled")), "{out}");
    let after = t.screen();
    assert!(!after.contains("Disconnect Network Drives"), "the alternate screen is gone:\n{after}");
    assert!(is_mounted(&m2.path));
}

#[test]
fn demo_opens_the_terminal_dialog_and_cleans_up() {
    // In its own namespace, so the screen holds the demo's drives and no others.
    if !private_mount_namespace("demo_opens_the_terminal_dialog_and_cleans_up") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = tempfile::tempdir().unwrap();
    let cmd = format!(
        "{} demo --tui --json > {out}; echo $? > {code}; sleep 30",
        common::BIN,
        out = dir.path().join("out.json").display(),
        code = dir.path().join("code").display()
    );
    // Wide enough to show whole paths: this demo's folder is read off the screen.
    let t = Tmux::start(&cmd, 200, 30, &[("XDG_CONFIG_HOME", config.path().to_str().unwrap())]);
    // The demo's own lines name the drives too; wait for what only the dialog draws.
    let screen = t
        .wait_until(|s| s.contains("Office share") && s.contains("rclone (smb)"), Duration::from_secs(40))
        .unwrap_or_else(|s| panic!("{s}"));
    assert!(screen.contains("/WebDAV"), "{screen}");
    let screen = t.wait_for("in use by 1 process", LONG).unwrap_or_else(|s| panic!("{s}"));
    let projects = screen
        .split_whitespace()
        .find(|w| w.contains("netdrive-demo.") && w.ends_with("/Projects"))
        .unwrap_or_else(|| panic!("{screen}"))
        .to_owned();
    let base = Path::new(&projects).parent().unwrap().to_path_buf();
    t.keys(&["Escape"]);
    let (out, code) = answer(dir.path());
    assert_eq!((code, out["outcome"].as_str()), (1, Some("cancelled")), "{out}");
    for d in ["Projects", "Office share", "WebDAV"] {
        assert!(!is_mounted(&base.join(d)), "{d} still mounted");
    }
    assert!(!base.exists(), "{} left behind", base.display());
    let left = std::process::Command::new("pgrep").args(["-f", base.to_str().unwrap()]).output().unwrap();
    assert!(left.stdout.is_empty(), "processes left: {}", String::from_utf8_lossy(&left.stdout));
}
