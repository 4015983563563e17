//! A private D-Bus session bus of the test's own, under a temporary folder: `bin/` (put
//! first on the session's `PATH`, for wrapper scripts), `run/` (its `XDG_RUNTIME_DIR`) and
//! `services/` (what the bus may start by name). Every program of the session has that
//! `XDG_RUNTIME_DIR` in its environment, so on drop each is found again and stopped.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::require;

/// GNOME's gvfsd, as Debian installs it.
pub const GVFSD: &str = "/usr/libexec/gvfsd";

/// A session bus; it and everything started in its session are stopped on drop.
pub struct SessionBus {
    dir: tempfile::TempDir,
    address: String,
    daemon: Child,
}

impl SessionBus {
    /// The bus, after `prepare` has filled its folder (service files, scripts in `bin/`).
    pub fn start(prepare: impl FnOnce(&Path)) -> SessionBus {
        let dbus_daemon = require("dbus-daemon", "dbus-daemon");
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        for sub in ["bin", "run", "services"] {
            fs::create_dir(d.join(sub)).expect("folder");
        }
        fs::set_permissions(d.join("run"), fs::Permissions::from_mode(0o700)).expect("chmod");
        fs::write(
            d.join("bus.conf"),
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
                 <busconfig><type>session</type><listen>unix:path={d}/bus</listen><auth>EXTERNAL</auth>\
                 <servicedir>{d}/services</servicedir><policy context=\"default\">\
                 <allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/><allow own=\"*\"/>\
                 </policy></busconfig>\n",
                d = d.display()
            ),
        )
        .expect("bus.conf");
        prepare(d);
        let mut daemon = Command::new(dbus_daemon)
            .arg(format!("--config-file={}/bus.conf", d.display()))
            .args(["--nofork", "--print-address"])
            .envs(env_of(d))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("start dbus-daemon");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().expect("stdout")).read_line(&mut line).expect("bus address");
        let address = line.trim().to_owned();
        assert!(address.starts_with("unix:"), "dbus-daemon printed {line:?}");
        SessionBus { dir, address, daemon }
    }

    /// The bus's folder.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `name` in the bus's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `DBUS_SESSION_BUS_ADDRESS` of the bus.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The environment of a program in this session: its bus, its runtime folder, its `bin/`.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut e = env_of(self.dir.path());
        e.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()));
        e
    }

    /// Whether anyone owns `name` on this bus (asked without starting it), bounded.
    pub fn has_owner(&self, name: &str) -> bool {
        let out = Command::new("timeout")
            .args([
                "10",
                "dbus-send",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
            ])
            .arg("org.freedesktop.DBus.NameHasOwner")
            .arg(format!("string:{name}"))
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .expect("dbus-send");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("boolean"), "dbus-send: {text}");
        text.contains("boolean true")
    }

    /// Processes of this session: those with its runtime folder in their environment.
    pub fn processes(&self) -> Vec<i32> {
        let mark = format!("XDG_RUNTIME_DIR={}", self.path("run").display()).into_bytes();
        let me = std::process::id();
        let Ok(entries) = fs::read_dir("/proc") else { return Vec::new() };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|&pid| u32::try_from(pid).is_ok_and(|p| p != me))
            .filter(|pid| {
                fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|&b| b == 0).any(|v| v == mark))
            })
            .collect()
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let signal = |pids: &[i32], sig| {
            for &p in pids {
                // SAFETY: kill has no memory preconditions; these are this session's processes.
                unsafe { libc::kill(p, sig) };
            }
        };
        signal(&self.processes(), libc::SIGTERM);
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let deadline = Instant::now() + Duration::from_secs(3);
        while !self.processes().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        signal(&self.processes(), libc::SIGKILL);
    }
}

fn env_of(dir: &Path) -> Vec<(String, String)> {
    let path = format!("{}/bin:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    vec![("PATH".into(), path), ("XDG_RUNTIME_DIR".into(), format!("{}/run", dir.display()))]
}

/// An executable script at `path`.
pub fn write_script(path: &Path, text: &str) {
    fs::write(path, text).expect("script");
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// In a bus folder (for [`SessionBus::start`]): gvfsd as a desktop has it, started on first
/// use of its name; without FUSE, so nothing is mounted on the test machine.
pub fn gvfsd_service(dir: &Path) {
    assert!(Path::new(GVFSD).exists(), "{GVFSD} is missing: apt-get install gvfs gvfs-backends");
    fs::write(
        dir.join("services/org.gtk.vfs.Daemon.service"),
        format!("[D-BUS Service]\nName=org.gtk.vfs.Daemon\nExec={GVFSD} --no-fuse\n"),
    )
    .expect("service file");
}

/// In a bus folder: the `ssh` gvfsd-sftp runs from `PATH`, which logs in with `key` and
/// keeps the test's throwaway host keys out of `known_hosts`.
pub fn ssh_with_key(dir: &Path, key: &Path) {
    write_script(
        &dir.join("bin/ssh"),
        &format!(
            "#!/bin/sh\nexec {} -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o IdentitiesOnly=yes \
             -o BatchMode=yes -o LogLevel=ERROR -i {} \"$@\"\n",
            require("ssh", "openssh-client").display(),
            key.display()
        ),
    );
}
