//! A private D-Bus session bus with a real gvfsd, for connections without a local device
//! (GVfs mounts), as `crates/netdrive-cli/tests/gvfs.rs` sets one up (both on
//! `testbed::bus`).

use std::path::Path;
use std::process::{Command, Stdio};

use testbed::bus;
use testbed::require;

pub struct SessionBus(bus::SessionBus);

impl SessionBus {
    /// The bus, with gvfsd started on first use of its name (without FUSE) and an `ssh` that
    /// logs in with `key` (gvfsd-sftp runs `ssh` from `PATH`) and keeps host keys out of
    /// `known_hosts`.
    pub fn start(key: &Path) -> SessionBus {
        require("gio", "libglib2.0-bin");
        SessionBus(bus::SessionBus::start(|d| {
            bus::gvfsd_service(d);
            bus::ssh_with_key(d, key);
        }))
    }

    /// The environment of a program in this session: its bus, its runtime folder, its `ssh`.
    pub fn env(&self) -> Vec<(String, String)> {
        self.0.env()
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
}
