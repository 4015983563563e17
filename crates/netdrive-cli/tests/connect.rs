//! `netdrive connect` on real servers with passwords (smbd with a user, sshd accepting the
//! test user's password, WebDAV with basic auth), with a real GNOME Keyring on a private
//! session bus: wrong password → ERROR_INVALID_PASSWORD and nothing stored; none →
//! ERROR_LOGON_FAILURE; right + --save-password → found by a separate `secret-tool
//! lookup`; the next connect uses it without being given one; a password GNOME Files
//! saved (gvfs's attributes) is found. While all that runs, no process's command line or
//! environment ever holds the password.

#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{folder, run_with_input, Run, BIN};
use serde_json::Value;
use testbed::keyring::Keyring;
use testbed::{is_mounted, Mount, Smbd, Sshd, WebDav, TEST_PASSWORD, TEST_USER};

/// `netdrive ARGS` in a keyring session, with `stdin` as its standard input.
fn nd_in(k: Option<&Keyring>, config: &Path, stdin: Option<&str>, args: &[&str]) -> Run {
    let mut c = common::command(config);
    c.args(args).env_remove("DBUS_SESSION_BUS_ADDRESS");
    if let Some(k) = k {
        c.envs(k.env());
    } else {
        // No bus: neither an address nor a runtime folder with one.
        c.env("XDG_RUNTIME_DIR", config);
    }
    run_with_input(c, stdin)
}

/// `netdrive connect REMOTE LOCAL --json ARGS`, its JSON; the mount adopted for cleanup.
fn connect(
    k: Option<&Keyring>,
    cfg: &Path,
    remote: &str,
    local: &Path,
    pw: Option<&str>,
    args: &[&str],
) -> Value {
    let local_s = local.to_str().unwrap();
    let mut all = vec!["connect", remote, local_s, "--json", "--timeout", "20"];
    if pw.is_some() {
        all.push("--password-stdin");
    }
    all.extend_from_slice(args);
    let r = nd_in(k, cfg, pw, &all);
    let v = r.json();
    assert_eq!(r.code == 0, v["code"] == 0, "exit status and JSON agree: {v} {}", r.stderr);
    v
}

fn disconnect(cfg: &Path, local: &Path) {
    let r = nd_in(None, cfg, None, &["disconnect", local.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!is_mounted(local));
}

/// Watches every process this test starts (its descendants, and anything mentioning the
/// test's folder: rclone's mount daemon outlives netdrive) for `secret` in its command
/// line or environment, until stopped; returns what it saw.
struct Watch {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<(usize, Vec<String>)>,
}

fn descendants_of(root: u32) -> HashSet<u32> {
    let mut parent = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else { continue };
        let ppid = stat.rsplit_once(") ").and_then(|(_, r)| r.split(' ').nth(1)?.parse::<u32>().ok());
        parent.push((pid, ppid.unwrap_or(0)));
    }
    let mut out: HashSet<u32> = [root].into();
    loop {
        let before = out.len();
        for (p, pp) in &parent {
            if out.contains(pp) {
                out.insert(*p);
            }
        }
        if out.len() == before {
            return out;
        }
    }
}

impl Watch {
    fn start(secret: &str, mark: &Path) -> Watch {
        let stop = Arc::new(AtomicBool::new(false));
        let (s, secret, mark) =
            (stop.clone(), secret.as_bytes().to_vec(), mark.as_os_str().as_encoded_bytes().to_vec());
        let me = std::process::id();
        // The servers (started before: the WebDAV server takes its password as an
        // argument) and the keyring are not what is checked.
        let before = descendants_of(me);
        let thread = std::thread::spawn(move || {
            let mut seen = HashSet::new();
            let mut found = Vec::new();
            let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
            while !s.load(Ordering::Relaxed) {
                let ours = descendants_of(me);
                for e in std::fs::read_dir("/proc").unwrap().flatten() {
                    let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                        continue;
                    };
                    let cmdline = std::fs::read(e.path().join("cmdline")).unwrap_or_default();
                    if before.contains(&pid) || !(ours.contains(&pid) || has(&cmdline, &mark)) {
                        continue;
                    }
                    seen.insert(pid);
                    let environ = std::fs::read(e.path().join("environ")).unwrap_or_default();
                    if (has(&cmdline, &secret) || has(&environ, &secret)) && found.len() < 5 {
                        found.push(format!(
                            "PID {pid}: {}",
                            String::from_utf8_lossy(&cmdline).replace('\0', " ")
                        ));
                    }
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            (seen.len(), found)
        });
        Watch { stop, thread }
    }

    fn finish(self) -> (usize, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// The rclone processes whose command line names `local`.
fn rclone_serving(local: &Path) -> Vec<u32> {
    let want = local.as_os_str().as_encoded_bytes();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
            args.first().is_some_and(|a| a.ends_with(b"rclone")) && args.contains(&want)
        })
        .collect()
}

#[test]
fn smb_password_codes_keyring_and_reuse() {
    let keyring = Keyring::start();
    let k = Some(&keyring);
    let smbd = Smbd::start_with_user();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let local = folder(base.path(), "smb");
    let port = smbd.server.port;
    let remote = format!("smb://{TEST_USER}@127.0.0.1:{port}/secure");
    let watch = Watch::start(TEST_PASSWORD, base.path());

    // Wrong password: the code a dialog asks again on, nothing mounted, nothing stored.
    let v = connect(k, &cfg, &remote, &local, Some("not-the-password"), &["--save-password"]);
    assert_eq!((v["code"].as_u64(), v["error"].as_str()), (Some(86), Some("ERROR_INVALID_PASSWORD")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("refused the user name or password"), "{v}");
    assert!(!is_mounted(&local));
    assert_eq!(
        keyring.lookup(&["protocol", "smb", "server", "127.0.0.1"]),
        None,
        "a refused password is not stored"
    );

    // No password and none in the keyring: "a password is needed".
    let v = connect(k, &cfg, &remote, &local, None, &[]);
    assert_eq!(v["error"], "ERROR_LOGON_FAILURE", "{v}");
    // No such share; nothing listening.
    let v = connect(
        k,
        &cfg,
        &format!("smb://{TEST_USER}@127.0.0.1:{port}/nosuch"),
        &local,
        Some(TEST_PASSWORD),
        &[],
    );
    assert_eq!(v["error"], "ERROR_BAD_NET_NAME", "{v}");
    let dead = testbed::free_port().unwrap();
    let v = connect(k, &cfg, &format!("smb://127.0.0.1:{dead}/secure"), &local, Some(TEST_PASSWORD), &[]);
    assert_eq!(v["error"], "ERROR_BAD_NETPATH", "{v}");
    let v = connect(k, &cfg, "smb://no-such-host.invalid/secure", &local, Some(TEST_PASSWORD), &[]);
    assert_eq!(v["error"], "ERROR_BAD_NETPATH", "{v}");

    // An older password of the same account, saved once for another share (before the
    // password changed): the newer one, saved below, is the one used.
    let port_s = port.to_string();
    let mut stale = Command::new("secret-tool");
    stale
        .args(["store", "--label", "old smb password", "xdg:schema", "org.gnome.keyring.NetworkPassword"])
        .args(["user", TEST_USER, "server", "127.0.0.1", "protocol", "smb", "port", &port_s])
        .args(["object", "other-share"])
        .envs(keyring.env())
        .stdin(Stdio::piped());
    let mut child = stale.spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"the-old-password").unwrap();
    assert!(child.wait().unwrap().success());
    std::thread::sleep(Duration::from_millis(1100)); // the keyring keeps seconds

    // Right password, saved: a separate secret-tool finds it, by gvfs's attributes.
    let v = connect(k, &cfg, &remote, &local, Some(TEST_PASSWORD), &["--save-password", "--remember"]);
    assert_eq!(v["code"], 0, "{v}");
    let _m = Mount::adopt(&local);
    assert_eq!(v["remote_name"], r"\\127.0.0.1\secure", "{v}");
    assert_eq!(v["password_saved"], true, "{v}");
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from smbd\n");
    // The rclone serving the drive keeps its standard input: its configuration (with the
    // reversible obscured password) must not be readable there.
    let served = rclone_serving(&local);
    assert!(!served.is_empty(), "an rclone process serves {}", local.display());
    for pid in served {
        let stdin = std::fs::read(format!("/proc/{pid}/fd/0")).unwrap_or_default();
        let text = String::from_utf8_lossy(&stdin);
        assert!(
            !text.contains("pass"),
            "rclone {pid}'s standard input still holds its configuration: {text}"
        );
    }
    let found = keyring.lookup(&[
        "protocol",
        "smb",
        "server",
        "127.0.0.1",
        "user",
        TEST_USER,
        "port",
        &port_s,
        "object",
        "secure",
    ]);
    assert_eq!(found.as_deref(), Some(TEST_PASSWORD));
    let schema = keyring.secret_tool(&["search", "--all", "protocol", "smb", "server", "127.0.0.1"]);
    let text = String::from_utf8_lossy(&schema.stdout);
    assert!(text.contains("schema = org.gnome.keyring.NetworkPassword"), "{text}");
    disconnect(&cfg, &local);

    // The next connect uses it without being given one (and without a user: the keyring's).
    let v = connect(k, &cfg, &format!("smb://127.0.0.1:{port}/secure"), &local, None, &[]);
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(v["password_from_keyring"], true, "{v}");
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from smbd\n");
    disconnect(&cfg, &local);

    let (seen, found) = watch.finish();
    assert!(seen >= 5, "the watch saw the tools run ({seen} processes)");
    assert!(found.is_empty(), "the password was on a command line or in an environment: {found:?}");
}

#[test]
fn sshfs_with_a_password_and_a_password_gnome_files_saved() {
    let keyring = Keyring::start();
    let k = Some(&keyring);
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    sshd.forget_host_key();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let local = folder(base.path(), "ssh");
    let port = sshd.server.port;
    let export = sshd.export.display().to_string();
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{port}{export}");
    let watch = Watch::start(TEST_PASSWORD, base.path());

    let v = connect(k, &cfg, &remote, &local, Some("not-the-password"), &["--save-password"]);
    assert_eq!(v["error"], "ERROR_INVALID_PASSWORD", "{v}");
    assert_eq!(keyring.lookup(&["protocol", "sftp", "server", "127.0.0.1"]), None);
    let v = connect(k, &cfg, &remote, &local, None, &[]);
    assert_eq!(v["error"], "ERROR_LOGON_FAILURE", "{v}");
    let v = connect(
        k,
        &cfg,
        &format!("sftp://{TEST_USER}@127.0.0.1:{port}/no/such/folder"),
        &local,
        Some(TEST_PASSWORD),
        &[],
    );
    assert_eq!(v["error"], "ERROR_BAD_NET_NAME", "{v}");

    let v = connect(k, &cfg, &remote, &local, Some(TEST_PASSWORD), &[]);
    assert_eq!(v["code"], 0, "{v}");
    let _m = Mount::adopt(&local);
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from sshd\n");
    disconnect(&cfg, &local);

    // Saved the way gvfs saves an sftp password (GNOME Files, "Remember forever"):
    // found and used by a connect that is given none.
    let port_s = port.to_string();
    let mut store = Command::new("secret-tool");
    store
        .args(["store", "--label", "sftp password (gvfs)", "xdg:schema", "org.gnome.keyring.NetworkPassword"])
        .args([
            "user",
            TEST_USER,
            "server",
            "127.0.0.1",
            "protocol",
            "sftp",
            "authtype",
            "password",
            "port",
            &port_s,
        ])
        .envs(keyring.env())
        .stdin(Stdio::piped());
    let mut child = store.spawn().unwrap();
    child.stdin.take().unwrap().write_all(TEST_PASSWORD.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    let v = connect(k, &cfg, &remote, &local, None, &[]);
    assert_eq!((v["code"].as_u64(), v["password_from_keyring"].as_bool()), (Some(0), Some(true)), "{v}");
    disconnect(&cfg, &local);

    let (seen, found) = watch.finish();
    assert!(seen >= 3, "the watch saw the tools run ({seen} processes)");
    assert!(found.is_empty(), "the password was on a command line or in an environment: {found:?}");
}

#[test]
fn webdav_with_basic_auth() {
    let keyring = Keyring::start();
    let k = Some(&keyring);
    let dav = WebDav::start();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let local = folder(base.path(), "dav");
    let remote = format!("http://dav@127.0.0.1:{}/", dav.server.port);
    const PW: &str = netdrive_loopback::WebDav::PASSWORD;
    let watch = Watch::start(PW, base.path());

    let v = connect(k, &cfg, &remote, &local, Some("wrong"), &["--save-password"]);
    assert_eq!(v["error"], "ERROR_INVALID_PASSWORD", "{v}");
    let v = connect(k, &cfg, &remote, &local, None, &[]);
    assert_eq!(v["error"], "ERROR_LOGON_FAILURE", "{v}");
    assert_eq!(keyring.lookup(&["protocol", "dav", "server", "127.0.0.1"]), None);

    let v = connect(k, &cfg, &remote, &local, Some(PW), &["--save-password"]);
    assert_eq!(v["code"], 0, "{v}");
    let _m = Mount::adopt(&local);
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from webdav\n");
    assert_eq!(
        keyring.lookup(&["protocol", "dav", "server", "127.0.0.1", "user", "dav"]).as_deref(),
        Some(PW)
    );
    disconnect(&cfg, &local);
    let v = connect(k, &cfg, &remote, &local, None, &[]);
    assert_eq!((v["code"].as_u64(), v["password_from_keyring"].as_bool()), (Some(0), Some(true)), "{v}");
    disconnect(&cfg, &local);

    let (_, found) = watch.finish();
    assert!(found.is_empty(), "the password was on a command line or in an environment: {found:?}");
}

#[test]
fn without_a_keyring_it_says_so_and_never_waits() {
    let smbd = Smbd::start_with_user();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let local = folder(base.path(), "smb");
    let remote = format!("smb://{TEST_USER}@127.0.0.1:{}/secure", smbd.server.port);

    // A session bus with no Secret Service on it (and none startable by name).
    let bus = Keyring::bus_only();
    let local_s = local.to_str().unwrap();
    let r = nd_in(
        Some(&bus),
        &cfg,
        Some(TEST_PASSWORD),
        &["connect", &remote, local_s, "--password-stdin", "--save-password"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let _m = Mount::adopt(&local);
    assert!(r.stderr.contains("keyring is not available"), "it says why nothing was saved: {}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    disconnect(&cfg, &local);

    // No bus at all: nothing is tried, the answer is at once, and it says why no saved
    // password was used.
    let r = nd_in(None, &cfg, None, &["connect", &remote, local_s]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("ERROR_LOGON_FAILURE (1326)") && r.stderr.contains("no session bus"),
        "{}",
        r.stderr
    );
    assert!(r.took < Duration::from_secs(5), "took {:?}", r.took);
}

#[test]
fn the_watch_catches_a_password_on_a_command_line_or_in_an_environment() {
    let base = testbed::open_tempdir();
    let watch = Watch::start("netdrive-watch-probe", base.path());
    Command::new("sh").args(["-c", "sleep 0.3", "netdrive-watch-probe"]).status().unwrap();
    Command::new("sleep").arg("0.3").env("X", "netdrive-watch-probe").status().unwrap();
    let (_, found) = watch.finish();
    assert!(found.iter().any(|f| f.contains("sh -c")), "{found:?}");
    assert!(found.iter().any(|f| f.contains("sleep 0.3")), "{found:?}");
}

#[test]
fn interactive_asks_on_the_terminal_again_after_a_wrong_password() {
    let smbd = Smbd::start_with_user();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let local = folder(base.path(), "smb");
    let remote = format!("smb://{TEST_USER}@127.0.0.1:{}/secure", smbd.server.port);
    let command =
        format!("{BIN} connect '{remote}' '{}' --interactive; echo EXIT=$?; sleep 60", local.display());
    let cfg_s = cfg.display().to_string();
    let run_dir = base.path().display().to_string();
    let env = [
        ("XDG_CONFIG_HOME", cfg_s.as_str()),
        ("NETDRIVE_FSTAB", "/dev/null"),
        ("XDG_RUNTIME_DIR", run_dir.as_str()),
    ];
    let term = testbed::tmux::Tmux::start(&command, 400, 40, &env);
    // No password anywhere: the server's refusal, then the question.
    term.wait_for("Password for", Duration::from_secs(20)).unwrap();
    let screen = term.screen();
    assert!(screen.contains("ERROR_LOGON_FAILURE (1326)"), "{screen}");
    term.keys(&["not-the-password", "Enter"]);
    let screen =
        term.wait_until(|s| s.matches("Password for").count() == 2, Duration::from_secs(20)).unwrap();
    assert!(screen.contains("ERROR_INVALID_PASSWORD (86)"), "{screen}");
    term.keys(&[TEST_PASSWORD, "Enter"]);
    let screen = term.wait_for("EXIT=", Duration::from_secs(20)).unwrap();
    let _m = Mount::adopt(&local);
    assert!(screen.contains("EXIT=0") && screen.contains(r"Connected \\127.0.0.1\secure"), "{screen}");
    assert!(!screen.contains(TEST_PASSWORD) && !screen.contains("not-the-password"), "no echo: {screen}");
    assert!(is_mounted(&local));
    disconnect(&cfg, &local);
}

/// A user name that reads as an ssh option (`-oProxyCommand=...`), in the remote name or
/// given with --user (WNetAddConnection2's lpUserName), is refused with
/// ERROR_BAD_USERNAME before any tool runs: the command it names never runs.
#[test]
fn a_user_name_never_becomes_an_ssh_option() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let local = folder(base.path(), "h");
    let trap = folder(base.path(), "trap");
    let port = sshd.server.port;
    let export = sshd.export.display().to_string();
    // What ssh would run as its ProxyCommand: `touch TRAP/ran...`.
    let command = format!("touch {}/ran", trap.display());
    let encoded = command.replace(' ', "%20").replace('/', "%2F");
    let in_name = format!("sftp://-oProxyCommand={encoded}@127.0.0.1:{port}{export}");
    let v = connect(None, &cfg, &in_name, &local, None, &[]);
    assert_eq!(v["error"], "ERROR_BAD_USERNAME", "{v}");
    let apart = format!("sftp://127.0.0.1:{port}{export}");
    let user = format!("-oProxyCommand={command}");
    let v = connect(None, &cfg, &apart, &local, None, &[&format!("--user={user}")]);
    assert_eq!(v["error"], "ERROR_BAD_USERNAME", "{v}");
    let scp = format!("-oProxyCommand={command}@127.0.0.1:{export}");
    let args = ["connect", "--json", "--timeout", "20", "--", &scp, local.to_str().unwrap()];
    let v = nd_in(None, &cfg, None, &args).json();
    assert_eq!(v["error"], "ERROR_BAD_USERNAME", "{v}");
    // ssh gives up on a ProxyCommand that exits at once, but only after running it.
    std::thread::sleep(Duration::from_millis(300));
    let ran: Vec<_> = std::fs::read_dir(&trap).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(ran.is_empty(), "the user name ran a command: {ran:?}");
    assert!(!is_mounted(&local));
}

/// A drive that connected is not taken back, nor reported as failed, when it cannot be
/// remembered (the profile cannot be written): success, with a note that says so. (It
/// was an error that left the drive mounted all the same.)
#[test]
fn a_profile_that_cannot_be_written_leaves_a_working_drive_and_says_so() {
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    sshd.forget_host_key();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let profile_dir = folder(&cfg, "netdrive");
    // Read-only even for root: a bind mount of the profile's folder on itself.
    for args in [&["--bind"][..], &["-o", "remount,bind,ro"]] {
        let ok = Command::new("mount").args(args).arg(&profile_dir).arg(&profile_dir).status().unwrap();
        assert!(ok.success(), "mount {args:?}");
    }
    let _ro = Mount::adopt(&profile_dir);
    let local = folder(base.path(), "ssh");
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let local_s = local.to_str().unwrap();
    let args = ["connect", &remote, local_s, "--json", "--timeout", "20", "--password-stdin", "--remember"];
    let r = nd_in(None, &cfg, Some(TEST_PASSWORD), &args);
    let v = r.json();
    let _m = Mount::adopt(&local);
    assert_eq!(v["code"], 0, "{v} {}", r.stderr);
    assert!(r.stderr.contains("connected, but not remembered for sign-in"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from sshd\n");
    disconnect(&cfg, &local);
}

/// A folder reached through a symlink is connected at the real folder (where the tool
/// mounts it), and listed, remembered and disconnected there; the same folder again
/// through the symlink is "already assigned", never a second drive on top; a symlink
/// into a drive whose server has stopped gets "not responding" within the bound, never
/// a hang.
#[test]
fn folders_reached_through_symlinks() {
    testbed::ensure_test_user();
    let sshd = Sshd::start();
    sshd.forget_host_key();
    std::fs::create_dir_all(sshd.export.join("sub")).unwrap();
    let base = testbed::open_tempdir();
    let cfg = base.path().join("config");
    let real = folder(base.path(), "real");
    let link = base.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());

    let v = connect(None, &cfg, &remote, &link, Some(TEST_PASSWORD), &["--remember"]);
    assert_eq!(v["code"], 0, "{v}");
    let _m = Mount::adopt(&real);
    assert_eq!(v["local_name"], real.to_str().unwrap(), "{v}");
    assert_eq!(std::fs::read_to_string(link.join("hello.txt")).unwrap(), "hello from sshd\n");
    let listed = common::listed(&cfg, &real).expect("listed at the real folder");
    assert_eq!(listed["connected"], true, "{listed}");

    let v = connect(None, &cfg, &remote, &link, Some(TEST_PASSWORD), &[]);
    assert_eq!(v["error"], "ERROR_ALREADY_ASSIGNED", "a second drive on the same folder: {v}");

    // Into the drive, its server stopped.
    let into = base.path().join("into-drive");
    std::os::unix::fs::symlink(real.join("sub"), &into).unwrap();
    let frozen = sshd.server.freeze();
    let r = nd_in(
        None,
        &cfg,
        Some(TEST_PASSWORD),
        &["connect", &remote, into.to_str().unwrap(), "--password-stdin", "--json", "--timeout", "2"],
    );
    assert!(r.took < Duration::from_secs(10), "connect took {:?}", r.took);
    assert_eq!(r.json()["error"], "ERROR_SEM_TIMEOUT", "{}", r.stdout);
    drop(frozen);
    disconnect(&cfg, &real);
}
