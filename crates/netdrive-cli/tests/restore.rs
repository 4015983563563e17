//! `netdrive restore`, as at sign-in: remembered drives on real servers (SMB with a user,
//! SFTP with a password, WebDAV with basic auth) come back with the keyring's passwords,
//! asking nobody; two drives on a stopped server and one on a port where nothing listens
//! fail with their codes, and the whole run ends within one bound, not one per dead drive.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{folder, run_with_input, Run, BIN};
use serde_json::Value;
use testbed::keyring::Keyring;
use testbed::{is_mounted, Mount, Smbd, Sshd, WebDav, TEST_PASSWORD, TEST_USER};

fn nd(k: &Keyring, config: &Path, stdin: Option<&str>, args: &[&str]) -> Run {
    let mut c = common::command(config);
    c.args(args).envs(k.env());
    run_with_input(c, stdin)
}

/// Connect with a password, saving it and remembering the drive; then disconnect (the
/// drive stays remembered, the password stays in the keyring).
fn remember(k: &Keyring, cfg: &Path, remote: &str, local: &Path, password: &str) {
    let l = local.to_str().unwrap();
    let r = nd(
        k,
        cfg,
        Some(password),
        &["connect", remote, l, "--password-stdin", "--save-password", "--remember"],
    );
    assert_eq!(r.code, 0, "{remote}: {}", r.stderr);
    let _m = Mount::adopt(local);
    let r = nd(k, cfg, None, &["disconnect", l]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!is_mounted(local));
}

fn by_local<'a>(v: &'a Value, local: &Path) -> &'a Value {
    v.as_array()
        .unwrap()
        .iter()
        .find(|e| e["local_name"] == local.to_str().unwrap())
        .unwrap_or_else(|| panic!("{} not in {v}", local.display()))
}

#[test]
fn remembered_drives_come_back_and_dead_ones_cost_one_bound() {
    let keyring = Keyring::start();
    let smbd = Smbd::start_with_user();
    let sshd = Sshd::start();
    sshd.forget_host_key();
    let dead_sshd = Sshd::start();
    dead_sshd.forget_host_key();
    let dav = WebDav::start();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");

    let smb = folder(base.path(), "smb");
    let sftp = folder(base.path(), "sftp");
    let webdav = folder(base.path(), "dav");
    remember(
        &keyring,
        &cfg,
        &format!("smb://{TEST_USER}@127.0.0.1:{}/secure", smbd.server.port),
        &smb,
        TEST_PASSWORD,
    );
    let export = sshd.export.display().to_string();
    remember(
        &keyring,
        &cfg,
        &format!("sftp://{TEST_USER}@127.0.0.1:{}{export}", sshd.server.port),
        &sftp,
        TEST_PASSWORD,
    );
    remember(
        &keyring,
        &cfg,
        &format!("http://{}@127.0.0.1:{}/", netdrive_loopback::WebDav::USER, dav.server.port),
        &webdav,
        netdrive_loopback::WebDav::PASSWORD,
    );

    // Two drives on a server that stops answering, one where nothing listens.
    let stuck1 = folder(base.path(), "stuck1");
    let stuck2 = folder(base.path(), "stuck2");
    let refused = folder(base.path(), "refused");
    let dead_port = testbed::free_port().unwrap();
    let profile = cfg.join("netdrive/connections.toml");
    let mut text = std::fs::read_to_string(&profile).unwrap();
    let export2 = dead_sshd.export.display().to_string();
    for (local, source, provider) in [
        (&stuck1, format!("sftp://root@127.0.0.1:{}{export2}", dead_sshd.server.port), "SSHFS"),
        (&stuck2, format!("sftp://root@127.0.0.1:{}{export2}", dead_sshd.server.port), "SSHFS"),
        (&refused, format!("smb://127.0.0.1:{dead_port}/share"), "SMB"),
    ] {
        text.push_str(&format!(
            "\n[[connection]]\nlocal_name = {:?}\nremote_name = 'x'\nsource = {source:?}\nprovider = {provider:?}\n",
            local.to_str().unwrap()
        ));
    }
    std::fs::write(&profile, text).unwrap();
    let _frozen = dead_sshd.server.freeze();

    // What is said on the bus: the notification is sent even with nobody to show it.
    let monitor = testbed::Reaped(
        Command::new("dbus-monitor")
            .args(["--address", keyring.address(), "interface='org.freedesktop.Notifications'"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(300));

    let timeout = 4;
    let r = nd(&keyring, &cfg, None, &["restore", "--json", "--timeout", &timeout.to_string()]);
    let mounts: Vec<Mount> = [&smb, &sftp, &webdav].iter().map(|p| Mount::adopt(p)).collect();
    assert_eq!(r.code, 3, "some drives could not be restored: {}", r.stderr);
    // In parallel: the two stuck drives together cost one bound, not two.
    assert!(
        r.took < Duration::from_secs(2 * timeout),
        "restore took {:?}, more than two bounds of {timeout} s",
        r.took
    );
    assert!(
        r.took >= Duration::from_secs(timeout - 1),
        "the stuck drives were given their bound: {:?}",
        r.took
    );
    let v = r.json();
    assert_eq!(v.as_array().unwrap().len(), 6, "{v}");
    for local in [&smb, &sftp, &webdav] {
        let e = by_local(&v, local);
        assert_eq!(e["outcome"], "connected", "{e}");
        assert_eq!(e["message"], "Connected with the password from the keyring.", "{e}");
        assert!(std::fs::read_to_string(local.join("hello.txt")).unwrap().starts_with("hello from"));
    }
    for local in [&stuck1, &stuck2] {
        let e = by_local(&v, local);
        assert_eq!(
            (e["outcome"].as_str(), e["error"].as_str()),
            (Some("failed"), Some("ERROR_SEM_TIMEOUT")),
            "{e}"
        );
        // sshfs mounts before the server answers: nothing may be left on the folder.
        assert!(!is_mounted(local), "{} was left mounted", local.display());
    }
    let e = by_local(&v, &refused);
    assert_eq!(e["error"], "ERROR_BAD_NETPATH", "{e}");
    // The journal's line; and no notification service on this bus: said, not waited for.
    assert!(r.stderr.contains("could not reconnect 3 of 6 network drives"), "{}", r.stderr);
    assert!(r.stderr.contains("no desktop notification could be shown"), "{}", r.stderr);
    let mut monitor = monitor;
    let _ = monitor.0.kill();
    let said = std::io::read_to_string(monitor.0.stdout.take().unwrap()).unwrap();
    assert!(
        said.contains("member=Notify") && said.contains("Could not reconnect all network drives"),
        "the notification went out on the bus: {said}"
    );

    // Again: the restored ones are left as they are.
    let r = nd(&keyring, &cfg, None, &["restore", "--json", "--timeout", "2", "--no-notify"]);
    let v = r.json();
    assert_eq!(by_local(&v, &smb)["outcome"], "already-connected", "{v}");
    assert!(!r.stderr.contains("notification"), "{}", r.stderr);
    drop(mounts);
}

#[test]
fn the_install_script_puts_a_valid_unit_and_autostart_entry_in_place() {
    let d = tempfile::tempdir().unwrap();
    let bindir = Path::new(BIN).parent().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/install-restore");
    let out = Command::new(script)
        .arg("--prefix")
        .arg(d.path())
        .arg("--sysconfdir")
        .arg(d.path().join("etc"))
        .arg("--bindir")
        .arg(bindir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let unit = d.path().join("lib/systemd/user/netdrive-restore.service");
    let entry = d.path().join("etc/xdg/autostart/netdrive-restore.desktop");
    let exec = format!("{}/netdrive restore", bindir.display());
    assert!(std::fs::read_to_string(&unit).unwrap().contains(&format!("ExecStart={exec}")));
    assert!(std::fs::read_to_string(&entry).unwrap().contains(&format!("Exec={exec}")));
    let run = d.path().join("run");
    std::fs::create_dir(&run).unwrap();
    testbed::require("systemd-analyze", "systemd");
    let v = Command::new("systemd-analyze")
        .args(["--user", "verify"])
        .arg(&unit)
        .env("XDG_RUNTIME_DIR", &run)
        .output()
        .unwrap();
    assert!(v.status.success(), "systemd-analyze: {}", String::from_utf8_lossy(&v.stderr));
    testbed::require("desktop-file-validate", "desktop-file-utils");
    let v = Command::new("desktop-file-validate").arg(&entry).output().unwrap();
    assert!(v.status.success() && v.stdout.is_empty(), "{}", String::from_utf8_lossy(&v.stdout));
}

/// A notification service of the test's own on `bus`: it records each `Notify` (summary
/// and actions, one JSON line in `log`) and, a moment later, as a person would, clicks
/// the first notification (`ActionInvoked` with its default action, when it has one) and
/// closes the others (`NotificationClosed`, dismissed).
const FAKE_NOTIFICATIONS: &str = r#"
import json, sys
import dbus, dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

DBusGMainLoop(set_as_default=True)
log = sys.argv[1]
IFACE = "org.freedesktop.Notifications"

class Server(dbus.service.Object):
    shown = 0

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout):
        with open(log, "a") as f:
            f.write(json.dumps({"summary": str(summary), "actions": [str(a) for a in actions]}) + "\n")
        self.shown += 1
        id = self.shown
        if id == 1 and "default" in actions:
            GLib.timeout_add(1500, lambda: self.ActionInvoked(id, "default") and False)
        else:
            GLib.timeout_add(1500, lambda: self.NotificationClosed(id, 2) and False)
        return id

    @dbus.service.method(IFACE, out_signature="as")
    def GetCapabilities(self):
        return ["actions", "body"]

    @dbus.service.method(IFACE, out_signature="ssss")
    def GetServerInformation(self):
        return ("fake", "netdrive-tests", "1", "1.2")

    @dbus.service.method(IFACE, in_signature="u")
    def CloseNotification(self, id):
        self.NotificationClosed(id, 3)

    @dbus.service.signal(IFACE, signature="us")
    def ActionInvoked(self, id, action):
        pass

    @dbus.service.signal(IFACE, signature="uu")
    def NotificationClosed(self, id, reason):
        pass

name = dbus.service.BusName(IFACE, dbus.SessionBus())
Server(dbus.SessionBus(), "/org/freedesktop/Notifications")
print("ready", flush=True)
GLib.MainLoop().run()
"#;

#[test]
fn clicking_the_notification_opens_the_list_of_drives() {
    use std::io::BufRead;
    let bus = Keyring::bus_only();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let log = base.path().join("notifications.log");
    let script = base.path().join("notifications.py");
    std::fs::write(&script, FAKE_NOTIFICATIONS).unwrap();
    let mut server = testbed::Reaped(
        Command::new("/usr/bin/python3")
            .arg(&script)
            .arg(&log)
            .envs(bus.env())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut ready = String::new();
    std::io::BufReader::new(server.0.stdout.take().unwrap()).read_line(&mut ready).unwrap();
    assert_eq!(ready.trim(), "ready");

    // The dialog's window program: one that records how it was started.
    let opened = base.path().join("opened");
    let helper = base.path().join("dialog-helper");
    std::fs::write(&helper, format!("#!/bin/sh\necho \"$@\" >> '{}'\n", opened.display())).unwrap();
    std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    // One remembered drive where nothing listens: it cannot be restored.
    let local = folder(base.path(), "refused");
    std::fs::create_dir_all(cfg.join("netdrive")).unwrap();
    std::fs::write(
        cfg.join("netdrive/connections.toml"),
        format!(
            "[[connection]]\nlocal_name = {:?}\nremote_name = 'x'\nsource = 'smb://127.0.0.1:{}/share'\nprovider = 'SMB'\n",
            local.to_str().unwrap(),
            testbed::free_port().unwrap()
        ),
    )
    .unwrap();

    let r = finish_restore(&bus, &cfg, &helper);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(!r.stderr.contains("no desktop notification"), "{}", r.stderr);
    // `netdrive restore` ended before the click (a oneshot unit's process ends at once).
    assert!(!opened.exists(), "the list opened before the notification was clicked");
    assert!(running(&cfg), "a process of its own waits for the click");
    let shown = std::fs::read_to_string(&log).unwrap();
    assert!(
        shown.contains("Could not reconnect all network drives")
            && shown.contains(r#""actions": ["default""#),
        "the notification has an action: {shown}"
    );

    // The click opens the list: `netdrive dialog`'s window.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !opened.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let args = std::fs::read_to_string(&opened).unwrap_or_default();
    assert!(!args.is_empty(), "clicking the notification opened no list");
    // The Disconnect Network Drives dialog: connected and remembered drives.
    assert!(args.contains("--owner=") && !args.contains("--connect"), "{args}");
    assert_gone(&cfg, "the notice's process (now the dialog)");

    // Dismissed: nothing opens, and the waiting ends.
    let r = finish_restore(&bus, &cfg, &helper);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
    assert_gone(&cfg, "the notice's process, once the notification was closed");
    assert_eq!(std::fs::read_to_string(&opened).unwrap(), args, "nothing more opened");
}

/// Whether a process runs with `cfg` as its XDG_CONFIG_HOME (started by the test's
/// `netdrive restore`).
fn running(cfg: &Path) -> bool {
    let needle = format!("XDG_CONFIG_HOME={}\0", cfg.display());
    std::fs::read_dir("/proc").unwrap().flatten().any(|p| {
        std::fs::read(p.path().join("environ"))
            .is_ok_and(|e| e.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

/// Wait (bounded) until no process runs with `cfg` as its XDG_CONFIG_HOME.
fn assert_gone(cfg: &Path, what: &str) {
    let running = || running(cfg);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while running() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!running(), "{what} is still running");
}

/// `netdrive restore` on `bus`, with `helper` as the dialog's window program and a display
/// to show it on.
fn finish_restore(bus: &Keyring, cfg: &Path, helper: &Path) -> Run {
    let start = std::time::Instant::now();
    let out = Command::new(BIN)
        .args(["restore", "--timeout", "2"])
        .env("XDG_CONFIG_HOME", cfg)
        .env("NETDRIVE_FSTAB", "/dev/null")
        .env("NETDRIVE_DIALOG_HELPER", helper)
        .env("DISPLAY", ":netdrive-test")
        .envs(bus.env())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}
