//! Disconnect exactly the drive that was checked, as an attacker or a busy desktop would
//! test it: a parent folder swapped for a symlink, a tmpfs stacked over the drive before
//! or during the disconnect, a recorded mount table naming a real mount. The races are
//! made deterministic by stopping the server (SIGSTOP) while the disconnect waits for it.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::{listed, nd, nd_env, BIN};
use testbed::{as_test_user, ensure_test_user, is_mounted, Sshd, TEST_USER};

/// Detaches whatever is still mounted at these paths when the test ends.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for p in self.0.iter().rev() {
            while is_mounted(p) {
                if !Command::new("umount").arg("-l").arg(p).status().map(|s| s.success()).unwrap_or(false) {
                    break;
                }
            }
        }
    }
}

/// A root-only tmpfs on the folder `at`, with mount(2) itself: mount(8) (or a check that
/// the folder exists) would stat it, which waits for a stopped server when the folder is
/// the root of its drive.
fn tmpfs(at: &Path) {
    let path = std::ffi::CString::new(at.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: valid C strings for source, target, type and data.
    let r = unsafe {
        libc::mount(
            c"netdrive-test-tmpfs".as_ptr(),
            path.as_ptr(),
            c"tmpfs".as_ptr(),
            0,
            c"mode=700".as_ptr().cast(),
        )
    };
    assert_eq!(r, 0, "mount tmpfs at {}: {}", at.display(), std::io::Error::last_os_error());
}

/// The topmost filesystem type at `path`, from the mount table.
fn fstype_at(path: &Path) -> Option<String> {
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let want = path.to_str().unwrap();
    table
        .lines()
        .rfind(|l| l.split(' ').nth(4) == Some(want))
        .and_then(|l| l.split(" - ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .map(str::to_owned)
}

/// `netdrive disconnect ARGS` started in the background with a private profile.
fn disconnect_in_background(cfg: &Path, args: &[&OsStr]) -> Child {
    Command::new(BIN)
        .arg("disconnect")
        .args(args)
        .env("XDG_CONFIG_HOME", cfg)
        .env("NETDRIVE_FSTAB", "/dev/null")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!("stdout: {}\nstderr: {}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Long enough for the disconnect to have checked the drive and to wait on the stopped
/// server in its flush.
const SETTLE: Duration = Duration::from_millis(1500);

#[test]
fn a_parent_folder_swapped_for_a_symlink_does_not_redirect_the_unmount() {
    ensure_test_user();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    // The other user owns a folder above root's drive.
    let home = base.path().join("home");
    std::fs::create_dir(&home).unwrap();
    assert!(Command::new("chown").arg(TEST_USER).arg(&home).status().unwrap().success());
    let mp = home.join("owned/drive");
    let drive = sshd.mount(&mp);
    // A root-only tmpfs somewhere else, reachable by the same path through a symlink.
    let elsewhere = base.path().join("elsewhere/drive");
    std::fs::create_dir_all(&elsewhere).unwrap();
    tmpfs(&elsewhere);
    let moved = home.join("owned.old/drive");
    let _cleanup = Cleanup(vec![elsewhere.clone(), moved.clone(), drive.path.clone()]);

    let frozen = sshd.server.freeze();
    let run = disconnect_in_background(cfg.path(), &["--timeout".as_ref(), "30".as_ref(), mp.as_os_str()]);
    std::thread::sleep(SETTLE);
    let swap = as_test_user("sh")
        .args(["-c", "mv owned owned.old && ln -s ../elsewhere owned"])
        .current_dir(&home)
        .status()
        .unwrap();
    assert!(swap.success(), "the other user could not swap the folder");
    drop(frozen);
    let out = run.wait_with_output().unwrap();

    assert!(is_mounted(&elsewhere), "the tmpfs the symlink leads to was unmounted: {}", text(&out));
    assert_eq!(fstype_at(&elsewhere).as_deref(), Some("tmpfs"));
    // The drive that was chosen is the one that was disconnected (it moved with its folder).
    assert!(!is_mounted(&moved), "the chosen drive is still mounted: {}", text(&out));
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn detach_never_takes_a_tmpfs_stacked_over_the_drive() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("stacked");
    let drive = sshd.mount(&mp);
    let unc = listed(cfg.path(), &mp).unwrap()["remote_name"].as_str().unwrap().to_owned();
    tmpfs(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);

    for flags in [&["--detach"][..], &["--force"], &[]] {
        let mut args: Vec<&OsStr> = vec!["disconnect".as_ref()];
        args.extend(flags.iter().map(OsStr::new));
        args.push(unc.as_ref());
        let r = nd(cfg.path(), &args);
        assert_eq!(r.code, 3, "{flags:?}: {}\n{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("ERROR_DEVICE_IN_USE"), "{flags:?}: {}", r.stderr);
        assert!(r.stderr.contains("tmpfs"), "the message names what is in the way: {}", r.stderr);
        assert_eq!(fstype_at(&mp).as_deref(), Some("tmpfs"), "{flags:?}: the tmpfs was unmounted");
    }
    assert!(Command::new("umount").arg(&mp).status().unwrap().success());
    assert_eq!(fstype_at(&mp).as_deref(), Some("fuse.sshfs"), "the drive is still there underneath");
}

#[test]
fn a_tmpfs_mounted_over_the_drive_during_the_disconnect_is_left_alone() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("raced");
    let drive = sshd.mount(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);

    let frozen = sshd.server.freeze();
    let run = disconnect_in_background(cfg.path(), &["--timeout".as_ref(), "30".as_ref(), mp.as_os_str()]);
    std::thread::sleep(SETTLE);
    tmpfs(&mp);
    drop(frozen);
    let out = run.wait_with_output().unwrap();

    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mounted over it") && err.contains("tmpfs"), "{err}");
    assert_eq!(fstype_at(&mp).as_deref(), Some("tmpfs"), "the tmpfs was unmounted");
    assert!(Command::new("umount").arg(&mp).status().unwrap().success());
    assert_eq!(fstype_at(&mp).as_deref(), Some("fuse.sshfs"), "the drive is still there underneath");
}

#[test]
fn a_recorded_mount_table_never_drives_a_real_unmount() {
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let real = base.path().join("real-tmpfs");
    std::fs::create_dir(&real).unwrap();
    tmpfs(&real);
    let _cleanup = Cleanup(vec![real.clone()]);
    // A recorded line that claims a cifs drive at the tmpfs's path.
    let recorded = base.path().join("mountinfo");
    std::fs::write(
        &recorded,
        format!("4000000000 1 0:4242 / {} rw,relatime - cifs //nas/share rw,vers=3.0\n", real.display()),
    )
    .unwrap();
    let env = [("NETDRIVE_MOUNTINFO", recorded.as_os_str())];
    let r = nd_env(cfg.path(), &env, ["list"]);
    assert!(r.stdout.contains("\\\\nas\\share"), "the recorded table is read: {}", r.stdout);

    let r = nd_env(cfg.path(), &env, ["disconnect".as_ref(), real.as_os_str()]);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED"), "{}", r.stderr);
    assert_eq!(fstype_at(&real).as_deref(), Some("tmpfs"), "the real tmpfs was unmounted");
}

#[test]
fn a_davfs2_disconnect_reports_success_only_with_the_data_on_the_server() {
    let dav = testbed::WebDav::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("dav");
    let drive = dav.davfs_mount(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);
    let data: Vec<u8> = (0..8 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(mp.join("report.bin"), &data).unwrap();

    let r = nd(cfg.path(), ["disconnect".as_ref(), mp.as_os_str()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let on_server = std::fs::read(dav.root.join("report.bin")).unwrap_or_default();
    assert!(
        on_server == data,
        "success was reported with {} of {} bytes on the server",
        on_server.len(),
        data.len()
    );
    assert!(r.stdout.contains("on the server"), "{}", r.stdout);
}

#[test]
fn a_disconnect_that_timed_out_is_reported_as_pending_not_as_open_files() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("pending");
    let drive = sshd.mount(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);
    let frozen = sshd.server.freeze();

    let r = nd(cfg.path(), ["disconnect".as_ref(), "--timeout".as_ref(), "1".as_ref(), mp.as_os_str()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    // Stuck in its flush, before the unmount: nothing that could still change the drive.
    assert!(r.stderr.contains("ERROR_SEM_TIMEOUT") && !r.stderr.contains("may still finish"), "{}", r.stderr);
    assert!(is_mounted(&mp));
    // Its child still waits for the server: the next attempt says so, and names no
    // "program with open files".
    let r = nd(cfg.path(), ["disconnect".as_ref(), "--timeout".as_ref(), "1".as_ref(), mp.as_os_str()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_SEM_TIMEOUT"), "{}", r.stderr);
    assert!(r.stderr.contains("an earlier disconnect of it is still waiting"), "{}", r.stderr);
    assert!(!r.stderr.contains("files are open"), "{}", r.stderr);
    drop(frozen);
    // Once the server answers, the stuck child ends, and disconnecting works.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let r = nd(cfg.path(), ["disconnect".as_ref(), mp.as_os_str()]);
        if r.code == 0 || !is_mounted(&mp) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still cannot disconnect: {}", r.stderr);
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(!is_mounted(&mp));
}

/// Force is the documented way out when a server does not answer: no long flush first,
/// and it says what it did.
#[test]
fn force_disconnects_a_drive_whose_server_stopped() {
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("forced-dead");
    let drive = sshd.mount(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);
    let _frozen = sshd.server.freeze();

    let r = nd(
        cfg.path(),
        ["disconnect".as_ref(), "--force".as_ref(), "--timeout".as_ref(), "2".as_ref(), mp.as_os_str()],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("by force") || r.stdout.contains("Detached"), "{}", r.stdout);
    assert!(r.took < Duration::from_secs(8), "force took {:?}", r.took);
    assert!(!is_mounted(&mp));
}

/// A davfs2 daemon also ends when its upload fails (the server is gone): that is not "on
/// the server". The cache index says what is left.
#[test]
fn a_davfs2_disconnect_with_the_server_gone_says_the_changes_were_not_uploaded() {
    let dav = testbed::WebDav::start();
    let root = dav.root.clone();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("dav-gone");
    let drive = dav.davfs_mount(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);
    std::fs::write(mp.join("unsaved.txt"), "important\n").unwrap();
    drop(dav); // the server stops

    let r = nd(cfg.path(), ["disconnect".as_ref(), "--json".as_ref(), mp.as_os_str()]);
    assert!(!root.join("unsaved.txt").exists(), "the server had stopped");
    assert_eq!(r.code, 3, "{}", r.stdout);
    let v = r.json();
    assert_eq!(v[0]["error"], "ERROR_EXTENDED_ERROR", "{v}");
    let message = v[0]["message"].as_str().unwrap();
    assert!(message.contains("could not be uploaded") && message.contains("/var/cache/davfs2/"), "{v}");
    assert!(!is_mounted(&mp));
}

/// Anyone can name a process `netdrive-umount`; only root's is a pending disconnect of
/// netdrive's. Another user's is a program with the drive open, and is named as one.
#[test]
fn a_process_that_only_calls_itself_netdrive_umount_is_a_holder() {
    ensure_test_user();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let mp = base.path().join("named");
    let drive = sshd.mount_as_test_user(&mp);
    let _cleanup = Cleanup(vec![drive.path.clone()]);
    let fake = base.path().join("netdrive-umount");
    std::fs::copy("/bin/sleep", &fake).unwrap();
    // Its working folder on the drive (only its owner may enter the drive).
    let mut imposter = as_test_user("sh")
        .args(["-c", "cd \"$1\" && exec \"$2\" 30", "sh"])
        .arg(&mp)
        .arg(&fake)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let r = nd(cfg.path(), ["disconnect".as_ref(), mp.as_os_str()]);
    let _ = Command::new("pkill").arg("-f").arg(&fake).status();
    let _ = imposter.kill();
    let _ = imposter.wait();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_OPEN_FILES"), "{}", r.stderr);
    assert!(r.stderr.contains("netdrive-umount (PID"), "the imposter is named: {}", r.stderr);
}

/// The owner of the drive's parent folder exchanges it with another mount's folder, from
/// their own user namespace (where neither is a mount point, so the kernel lets them),
/// while the disconnect waits for the server: the other mount is never unmounted.
#[test]
fn folders_exchanged_from_a_user_namespace_do_not_redirect_the_unmount() {
    ensure_test_user();
    let sshd = Sshd::start();
    let base = testbed::open_tempdir();
    let cfg = tempfile::tempdir().unwrap();
    let home = base.path().join("home");
    std::fs::create_dir_all(home.join("drive")).unwrap();
    std::fs::create_dir_all(home.join("secret")).unwrap();
    let chown = Command::new("chown").arg("-R").arg(TEST_USER).arg(&home).status().unwrap();
    assert!(chown.success());
    // The other user's namespace, made before anything is mounted in the folder.
    let mut ns = as_test_user("unshare").args(["-Urm", "sleep", "60"]).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let ns_pid = std::fs::read_to_string(format!("/proc/{}/task/{}/children", ns.id(), ns.id()))
        .ok()
        .and_then(|c| c.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| ns.id().to_string());
    let drive = sshd.mount(&home.join("drive"));
    let secret = home.join("secret");
    tmpfs(&secret);
    let _cleanup = Cleanup(vec![secret.clone(), home.join("drive"), drive.path.clone()]);

    let frozen = sshd.server.freeze();
    let run =
        disconnect_in_background(cfg.path(), &["--timeout".as_ref(), "30".as_ref(), drive.path.as_os_str()]);
    std::thread::sleep(SETTLE);
    let swap = as_test_user("nsenter")
        .args(["-t", &ns_pid, "-U", "-m", "--preserve-credentials", "sh", "-c"])
        .arg("cd \"$0\" && mv drive t && mv secret drive && mv t secret")
        .arg(&home)
        .status()
        .unwrap();
    drop(frozen);
    let out = run.wait_with_output().unwrap();
    let _ = Command::new("kill").args(["-KILL", &ns_pid]).status();
    let _ = ns.kill();
    let _ = ns.wait();
    assert!(swap.success(), "the other user could not exchange the folders");

    // The root-only tmpfs (now at drive/) is still mounted, whatever was reported.
    assert_eq!(
        fstype_at(&home.join("drive")).as_deref(),
        Some("tmpfs"),
        "the tmpfs was unmounted: {}",
        text(&out)
    );
    if out.status.success() {
        assert!(
            !is_mounted(&home.join("secret")),
            "success was reported but the drive is there: {}",
            text(&out)
        );
    } else {
        assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was unmounted"), "{}", text(&out));
    }
}
