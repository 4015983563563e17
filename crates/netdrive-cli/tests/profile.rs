//! Remembered connections through the command: remember, list, forget on disconnect,
//! system-remembered fstab entries, a damaged profile that is never overwritten, and
//! changes that hold the profile's lock: concurrent ones lose nothing, a killed one leaves
//! nothing behind for long, and waiting for the lock is bounded.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use common::{nd, nd_env};
use testbed::{is_mounted, Sshd};

#[test]
fn remembered_connections_are_listed_and_forgotten() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let config = tempfile::tempdir().unwrap();
    let cfg = config.path();
    let m = sshd.mount(&base.path().join("kept"));
    let mp = m.path.to_str().unwrap();

    let r = nd(cfg, ["remember", mp]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Remembered"), "{}", r.stdout);
    let profile = std::fs::read_to_string(cfg.join("netdrive/connections.toml")).unwrap();
    assert!(profile.contains(mp) && profile.contains("SSHFS"), "{profile}");

    let listed = nd(cfg, ["list", "--json"]).json();
    let e = listed.as_array().unwrap().iter().find(|c| c["local_name"] == mp).unwrap().clone();
    assert_eq!(e["remembered"], "user");
    assert_eq!(e["status"], "connected, remembered");

    // Disconnected but still remembered: --all lists it as not connected.
    let r = nd(cfg, ["disconnect", mp]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!is_mounted(&m.path));
    let all = nd(cfg, ["list", "--all", "--json"]).json();
    let e = all.as_array().unwrap().iter().find(|c| c["local_name"] == mp).unwrap().clone();
    assert_eq!(e["connected"], false);
    assert_eq!(e["remembered"], "user");
    let human = nd(cfg, ["list", "--remembered"]).stdout;
    assert!(human.contains(mp) && human.contains("remembered"), "{human}");

    let r = nd(cfg, ["disconnect", mp]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED (2250)") && r.stderr.contains("--forget"), "{}", r.stderr);
    let r = nd(cfg, ["disconnect", mp, "--forget", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()[0]["how"], "forgotten");
    let human = nd(cfg, ["list", "--remembered"]).stdout;
    assert_eq!(human.trim(), "No network drives are remembered.");

    // Connected and remembered: --forget unmounts and forgets in one go.
    let m2 = sshd.mount(&base.path().join("again"));
    let mp2 = m2.path.to_str().unwrap();
    assert_eq!(nd(cfg, ["remember", mp2]).code, 0);
    let r = nd(cfg, ["disconnect", mp2, "--forget"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("no longer remembered"), "{}", r.stdout);
    assert!(!std::fs::read_to_string(cfg.join("netdrive/connections.toml")).unwrap().contains(mp2));
}

#[test]
fn fstab_entries_are_remembered_by_the_system_and_read_only() {
    let config = tempfile::tempdir().unwrap();
    let fstab = config.path().join("fstab");
    std::fs::write(
        &fstab,
        "/dev/vda1 / ext4 defaults 0 1\n//nas/media /mnt/media cifs credentials=/etc/c,_netdev 0 0\n",
    )
    .unwrap();
    let env = [("NETDRIVE_FSTAB", fstab.as_os_str())];
    let v = nd_env(config.path(), &env, ["list", "--remembered", "--json"]).json();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["remote_name"], r"\\nas\media");
    assert_eq!(v[0]["remembered"], "system");
    let r = nd_env(config.path(), &env, [r"disconnect", r"\\nas\media", "--forget"]);
    assert_eq!(r.code, 3);
    // The message names the file that remembers it: here NETDRIVE_FSTAB's, not /etc/fstab.
    let named = fstab.to_str().unwrap();
    assert!(r.stderr.contains("ERROR_ACCESS_DENIED (5)") && r.stderr.contains(named), "{}", r.stderr);
}

#[test]
fn damaged_profile_is_reported_with_its_line_and_left_alone() {
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("netdrive");
    std::fs::create_dir_all(&dir).unwrap();
    let damaged = "[[connection]]\nlocal_name = \"/mnt/x\"\nremote_name = \\\\oops\n";
    std::fs::write(dir.join("connections.toml"), damaged).unwrap();
    let r = nd(config.path(), ["list", "--all"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("ERROR_BAD_PROFILE (1206)") && r.stderr.contains("line 3"), "{}", r.stderr);
    let r = nd(config.path(), ["disconnect", "/mnt/x", "--forget"]);
    assert_eq!(r.code, 3);
    assert_eq!(std::fs::read_to_string(dir.join("connections.toml")).unwrap(), damaged, "never overwritten");
    // Connected drives are still listed: a damaged profile only hides remembered ones.
    assert_eq!(nd(config.path(), ["list"]).code, 0);
}

#[test]
fn unknown_drive_is_not_connected() {
    let config = tempfile::tempdir().unwrap();
    let r = nd(config.path(), ["disconnect", "/no/such/drive", "--json"]);
    assert_eq!(r.code, 3);
    let v = r.json();
    assert_eq!(v[0]["code"], 2250);
    assert_eq!(v[0]["error"], "ERROR_NOT_CONNECTED");
    assert_eq!(v[0]["target"], "/no/such/drive");
    let r = nd(config.path(), ["who", "/no/such/drive"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED (2250)"), "{}", r.stderr);
}

/// `netdrive remember` of each of `mounts`, all started at once; their exit statuses.
fn remember_at_once(cfg: &std::path::Path, mounts: &[testbed::Mount]) -> Vec<(i32, String)> {
    let children: Vec<_> = mounts
        .iter()
        .map(|m| {
            std::process::Command::new(common::BIN)
                .arg("remember")
                .arg(&m.path)
                .env("XDG_CONFIG_HOME", cfg)
                .env("NETDRIVE_FSTAB", "/dev/null")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
        })
        .collect()
}

#[test]
fn concurrent_remembers_lose_nothing() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let mounts: Vec<_> = (0..6).map(|i| sshd.mount(&base.path().join(format!("d{i}")))).collect();
    for round in 0..4 {
        let config = tempfile::tempdir().unwrap();
        for (code, stderr) in remember_at_once(config.path(), &mounts) {
            assert_eq!(code, 0, "round {round}: {stderr}");
        }
        let v = nd(config.path(), ["list", "--remembered", "--json"]).json();
        let mut names: Vec<&str> =
            v.as_array().unwrap().iter().filter_map(|c| c["local_name"].as_str()).collect();
        names.sort();
        let mut want: Vec<&str> = mounts.iter().map(|m| m.path.to_str().unwrap()).collect();
        want.sort();
        assert_eq!(names, want, "round {round}: every remember that said so was remembered");
    }
}

#[test]
fn a_killed_writers_temporary_files_are_removed_by_the_next_change() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("kept"));
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("netdrive");
    std::fs::create_dir_all(&dir).unwrap();
    // What a writer killed between its temporary file and the rename leaves: ours, and
    // the `tempfile` crate's names of netdrive versions before the lock.
    let stale = [".connections.toml.tmp-4242-0", ".connections.Ab12Zz"];
    for s in stale {
        std::fs::write(dir.join(s), "[[connection]]\nlocal_name = \"/half").unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    std::fs::write(dir.join(".connections.toml.bak"), "mine").unwrap();
    let r = nd(config.path(), ["remember".as_ref(), m.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut left: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, [".connections.toml.bak", ".connections.toml.lock", "connections.toml", "notes.txt"]);
}

#[test]
fn a_change_waits_for_the_lock_only_within_its_bound() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let m = sshd.mount(&base.path().join("kept"));
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().join("netdrive");
    std::fs::create_dir_all(&dir).unwrap();
    // Another writer holds the lock (as a netdrive stuck on a dead server would).
    let lock = std::fs::File::create(dir.join(".connections.toml.lock")).unwrap();
    // SAFETY: flock on a descriptor we own.
    assert_eq!(unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX) }, 0);
    let r = nd(config.path(), ["remember".as_ref(), m.path.as_os_str()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.took < std::time::Duration::from_secs(5), "took {:?}", r.took);
    assert!(
        r.stderr.contains("lock") && r.stderr.contains("ERROR_CANNOT_OPEN_PROFILE (1205)"),
        "{}",
        r.stderr
    );
    assert!(!dir.join("connections.toml").exists(), "nothing written without the lock");
    drop(lock);
    let r = nd(config.path(), ["remember".as_ref(), m.path.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
