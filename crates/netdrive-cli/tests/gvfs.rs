//! GNOME GVfs drives, over a private D-Bus session bus of the test's own.
//!
//! - A bus without gvfsd (KDE, Xfce, an SSH login): listing, `WNetGetConnection`-style
//!   lookups and disconnects neither run `gio` nor start gvfsd, and return at once.
//! - A real gvfsd with an `sftp://` mount of the test's sshd (made with `gio mount`):
//!   `netdrive list` shows it as a GVfs drive with its UNC name, and `netdrive disconnect`
//!   unmounts it.
//!
//! Everything runs with `XDG_RUNTIME_DIR` in the test's folder, so every process the test
//! starts (the bus, gvfsd, its backends, their ssh) is found again by it, and stopped.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{nd_env, Run};
use testbed::{bus, require, Sshd};

/// A private session bus on which gvfsd can be started (by name, as on a desktop), plus a
/// `gio` that leaves a mark when anything runs it.
struct SessionBus(bus::SessionBus);

impl SessionBus {
    fn start() -> SessionBus {
        let real_gio = require("gio", "libglib2.0-bin");
        SessionBus(bus::SessionBus::start(|d| {
            bus::gvfsd_service(d);
            bus::write_script(
                &d.join("bin/gio"),
                &format!(
                    "#!/bin/sh\necho \"$@\" >> {}/gio-ran\nexec {} \"$@\"\n",
                    d.display(),
                    real_gio.display()
                ),
            );
        }))
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path(name)
    }

    /// The environment of a program in this session: its bus, its runtime folder, its `gio`.
    fn env(&self) -> Vec<(String, String)> {
        self.0.env()
    }

    fn netdrive(&self, args: &[&str]) -> Run {
        let config = self.path("config");
        let env: Vec<(String, String)> = self.env();
        let env: Vec<(&str, &OsStr)> = env.iter().map(|(k, v)| (k.as_str(), OsStr::new(v))).collect();
        nd_env(&config, &env, args)
    }

    fn gio(&self, args: &[&str]) -> std::process::Output {
        Command::new("timeout")
            .arg("30")
            .arg(self.path("bin/gio"))
            .args(args)
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Whether anyone owns gvfsd's name on this bus (asked without starting it).
    fn gvfsd_running(&self) -> bool {
        self.0.has_owner("org.gtk.vfs.Daemon")
    }

    fn gio_ran(&self) -> Option<String> {
        fs::read_to_string(self.path("gio-ran")).ok()
    }

    /// Processes of this session, the bus among them.
    fn processes(&self) -> Vec<i32> {
        self.0.processes()
    }
}

/// The tests change the process environment (for the library call): one at a time, and
/// back as it was after.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct EnvGuard(Vec<(String, Option<std::ffi::OsString>)>);

impl EnvGuard {
    fn set(vars: &[(String, String)]) -> EnvGuard {
        let old = vars.iter().map(|(k, _)| (k.clone(), std::env::var_os(k))).collect();
        for (k, v) in vars {
            std::env::set_var(k, v);
        }
        EnvGuard(old)
    }
}

impl Drop for EnvGuard {
    fn drop(&mut self) {
        for (k, v) in &self.0 {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
}

fn gvfs_rows(r: &Run) -> Vec<serde_json::Value> {
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().unwrap().iter().filter(|c| c["provider"] == "GVfs").cloned().collect()
}

#[test]
fn a_bus_without_gvfsd_costs_nothing_and_starts_nothing() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let bus = SessionBus::start();

    let r = bus.netdrive(&["list", "--json"]);
    assert!(gvfs_rows(&r).is_empty(), "{}", r.stdout);
    assert_eq!(bus.gio_ran(), None, "gio was run");
    assert!(!bus.gvfsd_running(), "gvfsd was started on a bus that did not run it");
    // Timings belong in bench/run; this bound only catches a wait for something (gio and
    // gvfsd starting took about half a second).
    assert!(r.took < Duration::from_millis(250), "list took {:?}", r.took);
    let r = bus.netdrive(&["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    // A disconnect of a GVfs name finds nothing, and starts nothing either.
    let r = bus.netdrive(&["disconnect", "sftp://me@files.example.org/"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED (2250)"), "{}", r.stderr);

    // The library call, as libmpr and the dialog make it.
    let env = EnvGuard::set(&bus.env());
    let start = Instant::now();
    let conns = netdrive::list(netdrive::Scope::Connected).unwrap();
    let took = start.elapsed();
    assert!(conns.iter().all(|c| c.provider != netdrive::Provider::Gvfs), "{conns:?}");
    assert!(took < Duration::from_millis(250), "list took {took:?}");
    let err = netdrive::cancel_listed(
        &netdrive::Connection {
            local_name: "sftp://me@files.example.org/".into(),
            remote_name: r"\\files.example.org".into(),
            source: "sftp://me@files.example.org/".into(),
            provider: netdrive::Provider::Gvfs,
            backend: Some("sftp".into()),
            fstype: "gvfs".into(),
            mount_id: None,
            device: None,
            owner_uid: None,
            options: "".into(),
            connected: true,
            remembered: None,
        },
        &netdrive::CancelOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.code().0, 2250, "{err}");
    drop(env);

    assert_eq!(bus.gio_ran(), None, "gio was run");
    assert!(!bus.gvfsd_running(), "gvfsd was started on a bus that did not run it");
    assert!(bus
        .processes()
        .iter()
        .all(|&p| fs::read_to_string(format!("/proc/{p}/comm")).is_ok_and(|c| c.trim() == "dbus-daemon")));
}

#[test]
fn gvfs_sftp_drive_is_listed_and_disconnected() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sshd = Sshd::start();
    let bus = SessionBus::start();
    // gvfsd-sftp runs `ssh` from PATH: log in with the test key, and keep the test's
    // throwaway host key out of root's known_hosts.
    bus::ssh_with_key(bus.0.dir(), &sshd.key);
    let uri = format!("sftp://root@127.0.0.1:{}/", sshd.server.port);
    let mount = |bus: &SessionBus| {
        let out = bus.gio(&["mount", &uri]);
        assert!(out.status.success(), "gio mount: {}", String::from_utf8_lossy(&out.stderr));
        let listed = bus.gio(&["mount", "-l"]);
        assert!(String::from_utf8_lossy(&listed.stdout).contains(&uri), "gio mount -l: {listed:?}");
    };
    mount(&bus);
    assert!(bus.gvfsd_running());

    let r = bus.netdrive(&["list", "--json"]);
    let rows = gvfs_rows(&r);
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert_eq!(rows[0]["local_name"], uri.as_str());
    assert_eq!(rows[0]["remote_name"], r"\\127.0.0.1");
    assert_eq!(rows[0]["backend"], "sftp");
    assert_eq!(rows[0]["connected"], true);
    let human = bus.netdrive(&["list"]);
    assert!(human.stdout.contains(&uri) && human.stdout.contains("GVfs (sftp)"), "{}", human.stdout);

    // Disconnected by the UNC name the list shows.
    let r = bus.netdrive(&["disconnect", r"\\127.0.0.1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Disconnected"), "{}", r.stdout);
    let listed = bus.gio(&["mount", "-l"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(&uri), "still mounted: {listed:?}");
    assert!(gvfs_rows(&bus.netdrive(&["list", "--json"])).is_empty());
    let r = bus.netdrive(&["disconnect", &uri]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED (2250)"), "{}", r.stderr);

    // Mounted again, and disconnected by its URI with --force.
    mount(&bus);
    let r = bus.netdrive(&["disconnect", &uri, "--force", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let listed = bus.gio(&["mount", "-l"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(&uri), "still mounted: {listed:?}");
}

/// Win32 `WNetAddConnection2` without a local name, then `WNetCancelConnection2` by the
/// remote name used ("If the parameter specifies a remote network resource, all
/// connections without devices are canceled", learn.microsoft.com), as libmpr makes the
/// calls: the connection is a GVfs mount (made with `gio mount`), listed by its URI, and
/// cancelled by the remote name it was made with.
#[test]
fn a_deviceless_connection_is_a_gvfs_mount_cancelled_by_its_remote_name() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let sshd = Sshd::start();
    let bus = SessionBus::start();
    // As above: gvfsd-sftp's ssh logs in with the test key.
    bus::ssh_with_key(bus.0.dir(), &sshd.key);
    let remote =
        format!(r"\\127.0.0.1@{}{}", sshd.server.port, sshd.export.display().to_string().replace('/', "\\"));
    let env = EnvGuard::set(&bus.env());
    let req = netdrive::ConnectRequest {
        remote_name: remote.clone().into(),
        provider: Some("SSHFS".into()),
        user: Some("root".into()),
        timeout: Duration::from_secs(30),
        ..Default::default()
    };
    let conn = netdrive::connect(&req).unwrap();
    assert_eq!(conn.provider, netdrive::Provider::Gvfs, "{conn:?}");
    assert!(conn.is_deviceless() && conn.connected, "{conn:?}");
    let uri = conn.local_name.to_str().unwrap().to_owned();
    assert!(
        bus.gio_ran().is_some_and(|ran| ran.contains("mount sftp://root@127.0.0.1:")),
        "{:?}",
        bus.gio_ran()
    );
    let listed = bus.gio(&["mount", "-l"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains(&uri), "gio mount -l: {listed:?}");

    let opts = netdrive::CancelOptions::default();
    let done = netdrive::cancel_device_or_deviceless(OsStr::new(&remote), &opts).unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    let listed = bus.gio(&["mount", "-l"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(&uri), "still mounted: {listed:?}");
    let err = netdrive::cancel_device_or_deviceless(OsStr::new(&remote), &opts).unwrap_err();
    assert_eq!(err.code().0, 2250, "{err}");
    drop(env);
}

/// A deviceless SMB connection with a user and password: gio is given `domain;user@` in
/// the URI, so the one line it reads is the password (it asked User, Domain, then
/// Password in turn, and took the password for the user name).
#[test]
fn a_deviceless_smb_connection_logs_in_with_the_password_given() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let smbd = testbed::Smbd::start_with_user();
    let bus = SessionBus::start();
    let remote = format!(r"\\127.0.0.1@{}\secure", smbd.server.port);
    let env = EnvGuard::set(&bus.env());
    let req = netdrive::ConnectRequest {
        remote_name: remote.clone().into(),
        provider: Some("SMB".into()),
        user: Some(testbed::TEST_USER.into()),
        password: Some(testbed::TEST_PASSWORD.into()),
        timeout: Duration::from_secs(30),
        ..Default::default()
    };
    let conn = netdrive::connect(&req).unwrap_or_else(|e| panic!("{e} (gio ran: {:?})", bus.gio_ran()));
    assert!(conn.is_deviceless() && conn.connected, "{conn:?}");
    let ran = bus.gio_ran().unwrap_or_default();
    assert!(ran.contains(&format!("mount smb://WORKGROUP;{}@127.0.0.1:", testbed::TEST_USER)), "{ran}");
    assert!(!ran.contains(testbed::TEST_PASSWORD), "never on the command line: {ran}");
    let opts = netdrive::CancelOptions::default();
    let done = netdrive::cancel_device_or_deviceless(OsStr::new(&remote), &opts).unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    drop(env);
}
