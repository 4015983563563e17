//! A private D-Bus session bus with a real gvfsd, for connections without a local device
//! (GVfs mounts), as `crates/netdrive-cli/tests/gvfs.rs` sets one up: everything it starts
//! has `XDG_RUNTIME_DIR` in its folder, so it is found again and stopped.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use testbed::require;

const GVFSD: &str = "/usr/libexec/gvfsd";

pub struct SessionBus {
    dir: tempfile::TempDir,
    address: String,
    daemon: Child,
}

impl SessionBus {
    /// The bus, with gvfsd started on first use of its name (without FUSE) and an `ssh` that
    /// logs in with `key` (gvfsd-sftp runs `ssh` from `PATH`) and keeps host keys out of
    /// `known_hosts`.
    pub fn start(key: &Path) -> SessionBus {
        let dbus_daemon = require("dbus-daemon", "dbus-daemon");
        require("gio", "libglib2.0-bin");
        assert!(Path::new(GVFSD).exists(), "{GVFSD} is missing: apt-get install gvfs gvfs-backends");
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["bin", "run", "services"] {
            std::fs::create_dir(d.join(sub)).unwrap();
        }
        std::fs::set_permissions(d.join("run"), std::fs::Permissions::from_mode(0o700)).unwrap();
        std::fs::write(
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
        .unwrap();
        std::fs::write(
            d.join("services/org.gtk.vfs.Daemon.service"),
            format!("[D-BUS Service]\nName=org.gtk.vfs.Daemon\nExec={GVFSD} --no-fuse\n"),
        )
        .unwrap();
        let ssh = d.join("bin/ssh");
        std::fs::write(
            &ssh,
            format!(
                "#!/bin/sh\nexec {} -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o IdentitiesOnly=yes \
                 -o BatchMode=yes -o LogLevel=ERROR -i {} \"$@\"\n",
                require("ssh", "openssh-client").display(),
                key.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut daemon = Command::new(dbus_daemon)
            .arg(format!("--config-file={}/bus.conf", d.display()))
            .args(["--nofork", "--print-address"])
            .envs(env_of(d))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().to_owned();
        assert!(address.starts_with("unix:"), "dbus-daemon printed {line:?}");
        SessionBus { dir, address, daemon }
    }

    /// The environment of a program in this session: its bus, its runtime folder, its `ssh`.
    pub fn env(&self) -> Vec<(String, String)> {
        let mut e = env_of(self.dir.path());
        e.push(("DBUS_SESSION_BUS_ADDRESS".into(), self.address.clone()));
        e
    }

    /// `gio mount -l` in this session.
    pub fn mounts(&self) -> String {
        let out = Command::new("timeout")
            .args(["30", "gio", "mount", "-l"])
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "gio mount -l: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Processes of this session: those with its runtime folder in their environment.
    fn processes(&self) -> Vec<i32> {
        let mark = format!("XDG_RUNTIME_DIR={}", self.dir.path().join("run").display()).into_bytes();
        let me = std::process::id() as i32;
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
            .filter(|&pid| pid != me)
            .filter(|pid| {
                std::fs::read(format!("/proc/{pid}/environ"))
                    .is_ok_and(|env| env.split(|&b| b == 0).any(|v| v == mark))
            })
            .collect()
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        // Only this session's processes, each by its id.
        let signal = |pids: &[i32], sig: &str| {
            for p in pids {
                let _ = Command::new("kill").arg(sig).arg(p.to_string()).status();
            }
        };
        signal(&self.processes(), "-TERM");
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        let deadline = Instant::now() + Duration::from_secs(3);
        while !self.processes().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        signal(&self.processes(), "-KILL");
    }
}

fn env_of(dir: &Path) -> Vec<(String, String)> {
    let path: PathBuf = dir.join("bin");
    vec![
        ("PATH".into(), format!("{}:{}", path.display(), std::env::var("PATH").unwrap_or_default())),
        ("XDG_RUNTIME_DIR".into(), format!("{}/run", dir.display())),
    ]
}
