//! The README's walkthrough, in a real terminal (tmux) on the test sshd with a real
//! keyring: map a drive in the terminal dialog with "Remember my credentials" and
//! "Reconnect at sign-in" ticked; sign out (the drive unmounted, still remembered);
//! `netdrive restore` brings it back with the keyring's password, asking nobody; the
//! Disconnect Network Drives dialog disconnects it. Screens and outputs go to
//! `target/screenshots/walkthrough-*.txt` for the README.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use testbed::gui::private_mount_namespace;
use testbed::keyring::Keyring;
use testbed::tmux::Tmux;
use testbed::{is_mounted, Sshd, TEST_PASSWORD, TEST_USER};

const LONG: Duration = Duration::from_secs(20);

fn save(name: &str, text: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(name), text);
}

/// The session's environment: the keyring's bus, our home, the private profile.
fn session(k: &Keyring, home: &Path) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = k.env().into_iter().filter(|(n, _)| n != "HOME").collect();
    env.push(("HOME".into(), home.display().to_string()));
    env.push(("NETDRIVE_FSTAB".into(), "/dev/null".into()));
    env
}

/// `netdrive ARGS --json` in an 80x24 terminal, its answer and exit status in `dir`.
fn run_in_terminal(args: &str, dir: &Path, env: &[(String, String)]) -> Tmux {
    let cmd = format!(
        "{} {args} --json > {out}; echo $? > {code}; sleep 30",
        common::BIN,
        out = dir.join("out.json").display(),
        code = dir.join("code").display()
    );
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    Tmux::start(&cmd, 80, 24, &env)
}

/// The command's JSON answer and exit status, once it ended; what its terminal shows if
/// it did not within twice [`LONG`].
fn answer(dir: &Path, t: &Tmux) -> (serde_json::Value, i32) {
    // A connect may take the tool's time and the keyring's (its first store is slow).
    let deadline = Instant::now() + 2 * LONG;
    while !dir.join("code").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let Ok(code) = std::fs::read_to_string(dir.join("code")) else {
        panic!("the dialog did not end within {:?}; its terminal shows:\n{}", 2 * LONG, t.screen())
    };
    let code = code.trim().parse().unwrap();
    let out = serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap();
    std::fs::remove_file(dir.join("code")).unwrap();
    (out, code)
}

/// `netdrive ARGS` as a person types it (no terminal to ask on): status and output.
fn nd(env: &[(String, String)], args: &[&str]) -> (i32, String) {
    let out = Command::new(common::BIN)
        .args(args)
        .envs(env.iter().map(|(n, v)| (n, v)))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn map_restore_at_sign_in_with_the_keyring_and_disconnect() {
    if !private_mount_namespace("map_restore_at_sign_in_with_the_keyring_and_disconnect") {
        return;
    }
    testbed::ensure_test_user();
    let keyring = Keyring::start();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let home = base.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let env = session(&keyring, &home);
    let remote = format!("sftp://{TEST_USER}@127.0.0.1:{}{}", sshd.server.port, sshd.export.display());
    let local = home
        .join("Network")
        .join(format!("127.0.0.1 {}", sshd.export.file_name().unwrap().to_str().unwrap()));
    let l = local.to_str().unwrap();

    // 1. Map Network Drive: the folder, "Connect using different credentials", the
    // password, "Remember my credentials"; "Reconnect at sign-in" is ticked already.
    let t = run_in_terminal("connect-dialog --tui", base.path(), &env);
    t.wait_for("Map Network Drive", LONG).unwrap_or_else(|s| panic!("no dialog:\n{s}"));
    t.keys(&[remote.as_str()]);
    t.wait_for("/Network/127.0.0.1 export", LONG).unwrap_or_else(|s| panic!("suggested:\n{s}"));
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Space", "Tab", "Tab", TEST_PASSWORD, "Tab", "Space"]);
    let screen =
        t.wait_for("[x] Remember my credentials", LONG).unwrap_or_else(|s| panic!("not ticked:\n{s}"));
    assert!(screen.contains("[x] Reconnect at sign-in"), "{screen}");
    assert!(!screen.contains(TEST_PASSWORD), "the password is not shown:\n{screen}");
    save("walkthrough-1-connect.txt", &screen);
    t.keys(&["Enter"]);
    let (out, code) = answer(base.path(), &t);
    assert_eq!((code, &out["outcome"]), (0, &serde_json::json!("connected")), "{out}");
    assert_eq!(out["connected"]["local_name"], l, "{out}");
    drop(t);
    assert!(is_mounted(&local));
    let (code, list) = nd(&env, &["list", "--all"]);
    assert_eq!(code, 0, "{list}");
    assert!(list.contains("connected, remembered"), "{list}");
    save("walkthrough-1-list.txt", &list);

    // Sign out: the drive goes, the profile keeps it.
    let (code, text) = nd(&env, &["disconnect", l]);
    assert_eq!(code, 0, "{text}");
    assert!(!is_mounted(&local));

    // 2. Sign in: `netdrive restore`, as the user unit runs it; nobody is asked.
    let (code, restored) = nd(&env, &["restore"]);
    let _m = testbed::Mount::adopt(&local);
    assert_eq!(code, 0, "{restored}");
    assert!(restored.contains("reconnected"), "{restored}");
    assert!(is_mounted(&local));
    assert_eq!(std::fs::read_to_string(local.join("hello.txt")).unwrap(), "hello from sshd\n");
    // And where the password came from, in `--json` (after another sign-out).
    let (code, text) = nd(&env, &["disconnect", l]);
    assert_eq!(code, 0, "{text}");
    let (code, json) = nd(&env, &["restore", "--json"]);
    assert_eq!(code, 0, "{json}");
    assert!(json.contains("Connected with the password from the keyring."), "{json}");
    assert!(is_mounted(&local));
    save(
        "walkthrough-2-restore.txt",
        &format!("$ netdrive restore\n{restored}$ netdrive restore --json\n{json}"),
    );

    // 3. Disconnect Network Drives: the drive, chosen, Enter.
    let again = base.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    let t = run_in_terminal("dialog --tui", &again, &env);
    let screen = t.wait_for("127.0.0.1 export", LONG).unwrap_or_else(|s| panic!("no list:\n{s}"));
    assert!(screen.contains("Disconnect Network Drives"), "{screen}");
    t.select_row("127.0.0.1 export");
    let screen = t.screen();
    save("walkthrough-3-disconnect.txt", &screen);
    t.keys(&["Enter"]);
    let (out, code) = answer(&again, &t);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["outcome"], "disconnected", "{out}");
    assert_eq!(out["disconnected"][0]["local_name"], l, "{out}");
    assert!(!is_mounted(&local));
    // Still remembered: it comes back at the next sign-in.
    let (code, list) = nd(&env, &["list", "--remembered"]);
    assert_eq!(code, 0, "{list}");
    assert!(list.contains("127.0.0.1 export"), "{list}");
}
