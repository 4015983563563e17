//! A terminal for TUI tests: a private tmux server (its own socket), typed at with
//! send-keys and read with capture-pane, as a person at a terminal would.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::require;

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Run `command` (through `sh -c`) in a new `width`x`height` terminal.
    pub fn start(command: &str, width: u16, height: u16, env: &[(&str, &str)]) -> Tmux {
        require("tmux", "tmux");
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let socket = format!("netdrive-test-{}-{n}", std::process::id());
        let mut c = Command::new("tmux");
        c.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", "main"]).args([
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
        for (k, v) in env {
            c.arg("-e").arg(format!("{k}={v}"));
        }
        c.arg(command);
        let ok = c.status().map(|s| s.success()).unwrap_or(false);
        assert!(ok, "tmux new-session failed");
        Tmux { socket }
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-L", &self.socket]);
        c
    }

    /// Press keys, in tmux's names (`Down`, `Enter`, `Escape`, `Space`, `y`).
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let _ = self.tmux().args(["send-keys", "-t", "main", k]).status();
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Put the terminal dialog's cursor on the row that shows `text` (Home, then Down to
    /// it), as a person finds their drive by its name: never "the first row", which on a
    /// machine with network drives of its own may be someone else's. Panics, showing the
    /// screen, when no row shows it.
    pub fn select_row(&self, text: &str) {
        let screen = self.screen();
        let rows: Vec<&str> = screen
            .lines()
            .map(|l| l.trim_start_matches(['│', ' ']))
            .filter(|l| l.starts_with("[ ] ") || l.starts_with("[x] "))
            .collect();
        let at = rows
            .iter()
            .position(|r| r.contains(text))
            .unwrap_or_else(|| panic!("no row shows {text:?}:\n{screen}"));
        self.keys(&["Home"]);
        for _ in 0..at {
            self.keys(&["Down"]);
        }
    }

    /// The pids of processes named `comm` running under the pane's shell.
    pub fn children_named(&self, comm: &str) -> Vec<i32> {
        let out = self.tmux().args(["list-panes", "-t", "main", "-F", "#{pane_pid}"]).output();
        let Some(shell) =
            out.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<i32>().ok())
        else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
            let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
            let Some((head, tail)) = stat.rsplit_once(") ") else { continue };
            let name = head.split_once(" (").map(|x| x.1).unwrap_or("");
            let ppid = tail.split(' ').nth(1).and_then(|s| s.parse::<i32>().ok());
            if ppid == Some(shell) && name == comm {
                found.push(pid);
            }
        }
        found
    }

    /// The screen as text.
    pub fn screen(&self) -> String {
        self.tmux()
            .args(["capture-pane", "-p", "-t", "main"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// The screen with its colours and attributes, as escape sequences.
    pub fn screen_with_attributes(&self) -> String {
        self.tmux()
            .args(["capture-pane", "-p", "-e", "-t", "main"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Wait (up to `timeout`) for the screen to show `text`; the screen then.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> Result<String, String> {
        let s = self.wait_until(|s| s.contains(text), timeout)?;
        // tmux takes a program's output in pieces, so a capture can catch a frame half
        // drawn: wait (briefly; a spinner never settles) for two captures that agree.
        let mut last = s;
        for _ in 0..10 {
            std::thread::sleep(Duration::from_millis(100));
            let now = self.screen();
            if now == last || !now.contains(text) {
                break;
            }
            last = now;
        }
        Ok(last)
    }

    /// Wait until the screen satisfies `pred`; the screen, or the last one seen as the error.
    pub fn wait_until(&self, pred: impl Fn(&str) -> bool, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if pred(&s) {
                return Ok(s);
            }
            if Instant::now() > deadline {
                return Err(s);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Resize the terminal.
    pub fn resize(&self, width: u16, height: u16) {
        let _ = self
            .tmux()
            .args(["resize-window", "-t", "main", "-x", &width.to_string(), "-y", &height.to_string()])
            .status();
        std::thread::sleep(Duration::from_millis(300));
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").output();
    }
}
