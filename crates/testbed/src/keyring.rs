//! A private desktop keyring: a session bus of the test's own and a real
//! `gnome-keyring-daemon` on it, unlocked, its files under a temporary folder.

use std::fs;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::bus::SessionBus;
use crate::require;

/// A session bus, with or without a keyring on it; both stopped on drop.
pub struct Keyring {
    daemon: Option<Child>,
    // Dropped after the daemon is stopped.
    bus: SessionBus,
}

fn stop(c: &mut Child) {
    if let Ok(pgid) = i32::try_from(c.id()) {
        // SAFETY: kill has no memory preconditions; the group is the child's own.
        unsafe { libc::kill(-pgid, libc::SIGTERM) };
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline && matches!(c.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = c.kill();
    let _ = c.wait();
}

impl Drop for Keyring {
    fn drop(&mut self) {
        if let Some(d) = self.daemon.as_mut() {
            stop(d);
        }
    }
}

impl Keyring {
    /// A bus with an unlocked GNOME Keyring (login password `password`) on it.
    pub fn start() -> Keyring {
        let mut k = Keyring::bus_only();
        let gkd = require("gnome-keyring-daemon", "gnome-keyring");
        require("secret-tool", "libsecret-tools");
        let mut daemon = Command::new(gkd)
            .args(["--unlock", "--components=secrets", "--foreground"])
            .envs(k.env())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start gnome-keyring-daemon");
        // --unlock reads the login keyring's password to the end of standard input.
        let mut stdin = daemon.stdin.take().expect("stdin");
        stdin.write_all(b"netdrive-test-login").expect("unlock password");
        drop(stdin);
        k.daemon = Some(daemon);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if k.bus.has_owner("org.freedesktop.secrets") {
                return k;
            }
            assert!(Instant::now() < deadline, "gnome-keyring-daemon did not come up on the private bus");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A bus on which nothing provides org.freedesktop.secrets (and nothing can be
    /// started by name): a desktop without a keyring.
    pub fn bus_only() -> Keyring {
        let bus = SessionBus::start(|d| {
            for sub in ["home", "data"] {
                fs::create_dir(d.join(sub)).expect("folder");
            }
        });
        Keyring { daemon: None, bus }
    }

    /// `DBUS_SESSION_BUS_ADDRESS` of the bus.
    pub fn address(&self) -> &str {
        self.bus.address()
    }

    /// The environment of a program in this session (its bus, and a home of its own so
    /// the keyring's files stay in the temporary folder).
    pub fn env(&self) -> Vec<(String, String)> {
        let mut e = self.bus.env();
        e.push(("XDG_DATA_HOME".into(), self.bus.path("data").display().to_string()));
        e.push(("HOME".into(), self.bus.path("home").display().to_string()));
        e
    }

    /// `secret-tool ARGS` in this session (no input), bounded.
    pub fn secret_tool(&self, args: &[&str]) -> Output {
        Command::new("timeout")
            .arg("10")
            .arg("secret-tool")
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .expect("secret-tool")
    }

    /// `secret-tool lookup ATTR VALUE...`: the password, if one is stored.
    pub fn lookup(&self, attrs: &[&str]) -> Option<String> {
        let mut args = vec!["lookup"];
        args.extend_from_slice(attrs);
        let out = self.secret_tool(&args);
        (out.status.success() && !out.stdout.is_empty())
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}
