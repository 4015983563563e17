//! Kernel network drives, live: `cifs` (SMB 3) and `nfs4` mounts in a virtual machine
//! (`scripts/vm`), since this machine's kernel has neither module.
//!
//! `kernel_drives_in_a_vm` is the one test that runs on the host: it boots the guest once
//! and runs this same binary in it with `--ignored`, so every `vm_*` test below runs there,
//! as root, next to the guest's smbd and kernel NFS server (see scripts/vm), and then it
//! checks that each of them ran and passed. Run one by hand with
//! `scripts/vm -- target/debug/deps/kernel-HASH --ignored --exact vm_dead_nfs_server`.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

mod common;

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{listed, nd, BIN};
use serde_json::Value;
use testbed::is_mounted;
use testbed::keyring::Keyring;
use testbed::tmux::Tmux;

/// What must take "under a second" natively; generous, as the guest is emulated (TCG),
/// on a machine shared with other work. The measured times are printed.
const QUICK: Duration = Duration::from_secs(3);
/// The `--timeout` given to disconnects that meet a dead server.
const BOUND: Duration = Duration::from_secs(2);

/// The tests that run in the guest; the host test requires each to pass.
const IN_GUEST: &[&str] = &[
    "vm_automount_points",
    "vm_busy_who_force_detach_cifs",
    "vm_busy_who_force_detach_nfs4",
    "vm_dead_nfs_server",
    "vm_dead_smb_server",
    "vm_disconnect_by_every_target_form",
    "vm_force_on_a_dead_nfs_server",
    "vm_force_on_a_dead_smb_server",
    "vm_force_does_not_wait_for_a_flush",
    "vm_list_names_cifs_and_nfs4",
    "vm_recorded_lines_match_the_live_kernel",
    "vm_restore_remembered_kernel_drives",
    "vm_terminal_dialog_on_kernel_drives",
    "vm_timeout_report_is_not_a_final_state",
];

#[test]
fn kernel_drives_in_a_vm() {
    let vm = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/vm");
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("setpriv"); // the guest never outlives this test
    cmd.args(["--pdeathsig", "KILL", "--"]).arg(&vm).args(["--timeout", "600", "--"]).arg(&exe);
    cmd.args(["--ignored", "--test-threads=1", "--show-output", "--color", "never"]);
    let start = Instant::now();
    let out = cmd.stdin(Stdio::null()).output().expect("run scripts/vm");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}\n{stderr}\nscripts/vm took {:?}", start.elapsed());
    assert!(
        out.status.success(),
        "the kernel-drive tests failed in the guest ({}); scripts/vm needs root and Debian's \
         package lists (it fetches the kernel and QEMU with apt-get download): see above",
        out.status
    );
    let want: Vec<&str> = IN_GUEST.to_vec();
    for name in &want {
        assert!(stdout.contains(&format!("test {name} ... ok")), "{name} did not run and pass in the guest");
    }
    let ran = stdout.lines().filter(|l| l.starts_with("test ") && l.contains(" ... ")).count();
    assert_eq!(ran, want.len(), "the guest ran other tests than expected:\n{stdout}");
    let summary = format!("test result: ok. {} passed; 0 failed", want.len());
    assert!(stdout.contains(&summary), "no '{summary}' in:\n{stdout}");
}

// ---- in the guest ----------------------------------------------------------------------

/// The guest's base mounts; fails clearly when run anywhere else.
fn guest() -> (PathBuf, PathBuf) {
    let get = |k: &str| {
        std::env::var_os(k).map(PathBuf::from).unwrap_or_else(|| {
            panic!("{k} is not set: run this through scripts/vm (kernel_drives_in_a_vm does)")
        })
    };
    (get("NETDRIVE_VM_CIFS"), get("NETDRIVE_VM_NFS"))
}

/// A shell command in the guest, bounded; its standard output.
fn sh(script: &str) -> String {
    let out = Command::new("timeout").args(["-k", "2", "60", "sh", "-c", script]).output().unwrap();
    assert!(out.status.success(), "`{script}` failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A kernel mount made by a test, lazily unmounted if the test leaves it.
struct KMount {
    path: PathBuf,
}

impl KMount {
    fn new(fstype: &str, source: &str, path: &Path, options: &str) -> KMount {
        std::fs::create_dir_all(path).unwrap();
        let out = Command::new("timeout")
            .args(["-k", "2", "60", "mount", "-t", fstype, source])
            .arg(path)
            .args(["-o", options])
            .output()
            .unwrap();
        assert!(out.status.success(), "mount {source}: {}", String::from_utf8_lossy(&out.stderr));
        KMount { path: path.to_owned() }
    }

    /// `//127.0.0.1/share/SUB` (SMB 3.0, user root).
    fn cifs(sub: &str, path: &Path) -> KMount {
        std::fs::create_dir_all(Path::new("/srv/smb").join(sub)).unwrap();
        std::fs::write(Path::new("/srv/smb").join(sub).join("hello.txt"), "hello\n").unwrap();
        KMount::new(
            "cifs",
            &format!("//127.0.0.1/share/{sub}"),
            path,
            "vers=3.0,username=root,password=netdrive",
        )
    }

    /// `127.0.0.1:/srv/nfs/SUB` (NFS 4.2, hard, as mount.nfs makes it by default).
    fn nfs4(sub: &str, path: &Path) -> KMount {
        std::fs::create_dir_all(Path::new("/srv/nfs").join(sub)).unwrap();
        std::fs::write(Path::new("/srv/nfs").join(sub).join("hello.txt"), "hello\n").unwrap();
        KMount::new("nfs4", &format!("127.0.0.1:/srv/nfs/{sub}"), path, "vers=4.2")
    }
}

impl Drop for KMount {
    fn drop(&mut self) {
        if is_mounted(&self.path) {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// A process holding a file open (`sleep` with it as standard input), killed on drop.
struct Holder(Child);

impl Holder {
    fn open(file: &Path) -> Holder {
        let f = std::fs::File::open(file).unwrap();
        Holder(Command::new("sleep").arg("600").stdin(f).spawn().unwrap())
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A process stuck on a dead server, as `df` or a file manager would be: `stat` of a
/// name the client has not cached. Waits until it is in uninterruptible sleep (D).
struct Stuck(Child);

impl Stuck {
    fn on(mount: &Path) -> Stuck {
        let child = Command::new("stat")
            .arg(mount.join("not-cached-yet"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let s = Stuck(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while state(s.0.id()) != Some('D') {
            assert!(
                Instant::now() < deadline,
                "stat never blocked on the dead server: {:?}",
                state(s.0.id())
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        s
    }
}

impl Drop for Stuck {
    fn drop(&mut self) {
        let _ = self.0.kill(); // NFS and cifs wait killably
        let _ = self.0.wait();
    }
}

/// A process's state letter (R, S, D, Z, ...).
fn state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(") ")?.1.chars().next()
}

/// Processes in state D, as "pid comm", but for `except`.
fn in_d_state(except: &[u32]) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        if except.contains(&pid) || state(pid) != Some('D') {
            continue;
        }
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        found.push(format!("{pid} {}", comm.trim()));
    }
    found
}

/// The NFS server stopped (no nfsd threads) until dropped.
struct NfsdStopped;

impl NfsdStopped {
    fn now() -> NfsdStopped {
        std::fs::write("/proc/fs/nfsd/threads", "0\n").unwrap();
        NfsdStopped
    }
}

impl Drop for NfsdStopped {
    fn drop(&mut self) {
        let args = std::env::var("NETDRIVE_VM_NFSD_ARGS").unwrap_or_default();
        let _ = Command::new("rpc.nfsd").args(args.split_whitespace()).status();
        let _ = std::fs::write("/proc/fs/nfsd/v4_end_grace", "Y\n");
    }
}

/// Every smbd process stopped (SIGSTOP: connections stay open, nothing answers).
struct SmbdStopped;

impl SmbdStopped {
    fn now() -> SmbdStopped {
        sh("pkill -STOP smbd");
        SmbdStopped
    }
}

impl Drop for SmbdStopped {
    fn drop(&mut self) {
        let _ = Command::new("pkill").args(["-CONT", "smbd"]).status();
    }
}

fn config() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn base(name: &str) -> PathBuf {
    let p = Path::new("/tmp/netdrive-kernel").join(name);
    std::fs::create_dir_all(&p).unwrap();
    p
}

fn args<'a>(a: &[&'a str], p: &'a Path) -> Vec<&'a OsStr> {
    let mut v: Vec<&'a OsStr> = a.iter().map(|s| OsStr::new(*s)).collect();
    v.insert(1, p.as_os_str());
    v
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_list_names_cifs_and_nfs4() {
    let (cifs, nfs) = guest();
    let cfg = config();
    let b = base("list");
    let c = KMount::cifs("sub", &b.join("c"));
    let n = KMount::nfs4("sub", &b.join("n"));
    for (path, provider, unc, source, fstype, opt) in [
        (&cifs, "SMB", r"\\127.0.0.1\share", "//127.0.0.1/share", "cifs", "vers=3.0"),
        (&nfs, "NFS", r"\\127.0.0.1\srv\nfs", "127.0.0.1:/srv/nfs", "nfs4", "vers=4.2"),
        (&c.path, "SMB", r"\\127.0.0.1\share\sub", "//127.0.0.1/share/sub", "cifs", "addr=127.0.0.1"),
        (&n.path, "NFS", r"\\127.0.0.1\srv\nfs\sub", "127.0.0.1:/srv/nfs/sub", "nfs4", "hard"),
    ] {
        let e = listed(cfg.path(), path).unwrap_or_else(|| panic!("{} is not listed", path.display()));
        assert_eq!(e["provider"], provider, "{e}");
        assert_eq!(e["remote_name"], unc, "{e}");
        assert_eq!(e["source"], source, "{e}");
        assert_eq!(e["fstype"], fstype, "{e}");
        assert_eq!(e["connected"], true, "{e}");
        assert_eq!(e["owner_uid"], Value::Null, "kernel mounts have no FUSE owner: {e}");
        assert!(e["options"].as_str().unwrap().split(',').any(|o| o == opt), "{opt} in {e}");
    }
    let human = nd(cfg.path(), ["list"]).stdout;
    for row in [r"\\127.0.0.1\share\sub", r"\\127.0.0.1\srv\nfs\sub"] {
        assert!(
            human.lines().any(|l| l.contains(row) && (l.contains("SMB") || l.contains("NFS"))),
            "{human}"
        );
    }
    // The 9p and overlay mounts the guest itself runs on are not network drives here.
    let all = nd(cfg.path(), ["list", "--json"]).json();
    assert!(all.as_array().unwrap().iter().all(|e| e["fstype"] != "overlay"), "{all}");
}

/// The fields of a mountinfo line that matter here, with the values that depend on the
/// machine (user, addresses, ids) blanked: what must agree between a recorded line and
/// the live kernel's.
fn shape(line: &str) -> String {
    let (head, tail) = line.split_once(" - ").unwrap();
    let head: Vec<&str> = head.split(' ').collect();
    let tail: Vec<&str> = tail.split(' ').collect();
    let blank = ["username", "addr", "clientaddr", "domain"];
    let supers: Vec<String> = tail[2]
        .split(',')
        .filter(|o| *o != "nosharesock") // only to get a session of its own, see below
        .map(|o| match o.split_once('=') {
            Some((k, _)) if blank.contains(&k) => format!("{k}=*"),
            _ => o.to_owned(),
        })
        .collect();
    let source_form = if tail[1].starts_with("//") { "//host/share" } else { "host:/path" };
    // root, per-mount options, fstype, the source's form, super options
    format!("{} {} {} {} {}", head[3], head[5], tail[0], source_form, supers.join(","))
}

fn recorded_line(mount_point: &str) -> String {
    let table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../netdrive/tests/data/mountinfo-kernel.txt"),
    )
    .unwrap();
    table.lines().find(|l| l.split(' ').nth(4) == Some(mount_point)).unwrap().to_owned()
}

fn live_line(mount_point: &Path) -> String {
    let want = mount_point.to_str().unwrap().replace(' ', "\\040");
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    table.lines().rev().find(|l| l.split(' ').nth(4) == Some(want.as_str())).unwrap().to_owned()
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_recorded_lines_match_the_live_kernel() {
    guest();
    let b = base("recorded");
    // Each recorded line, remade live with the options it shows. nosharesock gives the
    // smb3 mount a session of its own: cifs reuses a session of the same user and would
    // not show this one's domain.
    let cifs = KMount::new(
        "cifs",
        "//127.0.0.1/share",
        &b.join("share"),
        "vers=3.1.1,username=root,password=netdrive,uid=1000,gid=1000,forceuid,forcegid",
    );
    std::fs::create_dir_all("/srv/smb/Projects").unwrap();
    let smb3 = KMount::new(
        "smb3",
        "//127.0.0.1/share",
        &b.join("smb3 base"),
        "vers=3.0,username=root,password=netdrive,domain=EXAMPLE,uid=1000,gid=1000,forceuid,forcegid,\
         file_mode=0700,dir_mode=0700,seal,nosharesock,nosuid,nodev",
    );
    // The recorded smb3 line is a folder of the share bound to a second place.
    let team = b.join("Team Docs");
    std::fs::create_dir_all(&team).unwrap();
    sh(&format!("mount --bind '{}/Projects' '{}'", smb3.path.display(), team.display()));
    let _team = KMount { path: team.clone() };
    let nfs4 =
        KMount::new("nfs4", "127.0.0.1:/srv/nfs", &b.join("nas"), "vers=4.2,rsize=131072,wsize=131072");

    let mut differ = Vec::new();
    for (recorded, live) in
        [("/mnt/share", &cifs.path), ("/home/alice/Team\\040Docs", &team), ("/home/alice/nas", &nfs4.path)]
    {
        let (r, l) = (recorded_line(recorded), live_line(live));
        eprintln!("recorded: {r}\nlive:     {l}");
        if shape(&r) != shape(&l) {
            differ.push(format!("{recorded}:\n  recorded {}\n  live     {}", shape(&r), shape(&l)));
        }
    }
    assert!(differ.is_empty(), "the recorded lines differ from the live kernel's:\n{}", differ.join("\n"));
    let _ = (smb3, cifs, nfs4);
}

/// What a person does with a busy kernel drive: refused with ERROR_OPEN_FILES naming the
/// holder, `who` names it, `--force` takes it away, `--detach` too.
fn busy_who_force_detach(mount: impl Fn(&Path) -> KMount, name: &str) {
    let cfg = config();
    let cfg = cfg.path();
    let b = base(name);

    let plain = mount(&b.join("plain"));
    let r = nd(cfg, args(&["disconnect"], &plain.path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Disconnected"), "{}", r.stdout);
    assert!(!is_mounted(&plain.path));

    let busy = mount(&b.join("busy"));
    let holder = Holder::open(&busy.path.join("hello.txt"));
    let r = nd(cfg, args(&["disconnect"], &busy.path));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_OPEN_FILES (2401)"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("sleep (PID {})", holder.pid())), "{}", r.stderr);
    assert!(is_mounted(&busy.path), "a refused disconnect leaves the drive");
    let r = nd(cfg, args(&["who", "--json"], &busy.path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let who = r.json();
    let h = who.as_array().unwrap().iter().find(|h| h["pid"] == holder.pid()).expect("who names the holder");
    assert_eq!(h["name"], "sleep");
    assert_eq!(h["use"], "file", "{h}");
    assert!(h["path"].as_str().unwrap().ends_with("/busy/hello.txt"), "{h}");

    // --force: MNT_FORCE aborts requests in flight, but the kernel keeps a mount with open
    // files, so netdrive detaches it: gone from the tree, open files still usable.
    let mut own = std::fs::File::open(busy.path.join("hello.txt")).unwrap();
    let r = nd(cfg, args(&["disconnect", "--force", "--json"], &busy.path));
    assert_eq!(r.code, 0, "{}", r.stdout);
    // It says which happened: still busy after MNT_FORCE, so detached.
    assert_eq!(r.json()[0]["how"], "detached", "{}", r.stdout);
    assert!(!is_mounted(&busy.path));
    assert_eq!(state(holder.pid()), Some('S'), "the holder lives on");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut own, &mut text).unwrap();
    assert_eq!(text, "hello\n", "a file open before --force still reads");
    drop(holder);

    let lazy = mount(&b.join("lazy"));
    let holder = Holder::open(&lazy.path.join("hello.txt"));
    let r = nd(cfg, args(&["disconnect", "--detach"], &lazy.path));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("Detached"), "{}", r.stdout);
    assert!(!is_mounted(&lazy.path));
    drop(holder);
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_busy_who_force_detach_cifs() {
    guest();
    busy_who_force_detach(|p| KMount::cifs("busy-cifs", p), "busy-cifs");
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_busy_who_force_detach_nfs4() {
    guest();
    busy_who_force_detach(|p| KMount::nfs4("busy-nfs", p), "busy-nfs");
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_disconnect_by_every_target_form() {
    guest();
    let cfg = config();
    let b = base("targets");
    // (filesystem, folder of the export, target; "" for the mount point)
    let cases = [
        ("cifs", "t1", r"\\127.0.0.1\share\t1"),
        ("cifs", "t2", "//127.0.0.1/SHARE/T2"), // UNC with /, any case
        ("cifs", "t3", "//127.0.0.1/share/t3"), // the source
        ("nfs4", "t4", r"\\127.0.0.1\srv\nfs\t4"),
        ("nfs4", "t5", "127.0.0.1:/srv/nfs/t5"), // the source
        ("nfs4", "t6", ""),
    ];
    for (i, (fs, sub, target)) in cases.iter().enumerate() {
        let at = b.join(format!("m{i}"));
        let m = if *fs == "cifs" { KMount::cifs(sub, &at) } else { KMount::nfs4(sub, &at) };
        let target: &OsStr = if target.is_empty() { m.path.as_os_str() } else { OsStr::new(target) };
        let r = nd(cfg.path(), [OsStr::new("disconnect"), target]);
        assert_eq!(r.code, 0, "{target:?}: {}", r.stderr);
        assert!(!is_mounted(&m.path), "{target:?} left {}", m.path.display());
    }
}

/// `netdrive dialog --tui` in tmux; its JSON answer and exit status land in `dir`.
fn tui(dir: &Path, cfg: &Path, prelude: &str) -> Tmux {
    let cmd = format!(
        "{prelude} {BIN} dialog --tui --json > {out}; echo $? > {code}; sleep 60",
        out = dir.join("out.json").display(),
        code = dir.join("code").display()
    );
    Tmux::start(&cmd, 100, 24, &[("XDG_CONFIG_HOME", cfg.to_str().unwrap()), ("NETDRIVE_FSTAB", "/dev/null")])
}

fn tui_answer(dir: &Path) -> (Value, i32) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.join("code").exists() {
        assert!(Instant::now() < deadline, "the dialog did not end");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(200));
    let code = std::fs::read_to_string(dir.join("code")).unwrap().trim().parse().unwrap();
    (serde_json::from_slice(&std::fs::read(dir.join("out.json")).unwrap()).unwrap(), code)
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_terminal_dialog_on_kernel_drives() {
    guest();
    let cfg = config();
    let b = base("tui");
    // Its own mount namespace, with the guest's base drives taken out of it (only there),
    // so that the dialog's rows are this test's cifs and nfs4 drives, in that order.
    let prelude = format!(
        "unshare -m --propagation private sh -c 'umount -l $NETDRIVE_VM_CIFS $NETDRIVE_VM_NFS; \
         mkdir -p {b}/c {b}/n /srv/smb/tui /srv/nfs/tui; \
         mount -t cifs //127.0.0.1/share/tui {b}/c -o vers=3.0,username=root,password=netdrive; \
         mount -t nfs4 127.0.0.1:/srv/nfs/tui {b}/n; \"$0\" \"$@\"; rc=$?; \
         grep -c {b}/ /proc/self/mountinfo > {b}/left; exit $rc'",
        b = b.display()
    );
    let t = tui(&b, cfg.path(), &prelude);
    let screen =
        t.wait_for(r"\\127.0.0.1\srv\nfs\tui", Duration::from_secs(60)).unwrap_or_else(|s| panic!("{s}"));
    assert!(screen.contains(r"\\127.0.0.1\share\tui") && screen.contains("SMB"), "{screen}");
    assert!(screen.contains("NFS"), "{screen}");
    t.keys(&["Enter"]); // the first row, the cifs drive
    let (out, code) = tui_answer(&b);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["outcome"], "disconnected", "{out}");
    assert_eq!(out["disconnected"][0]["remote_name"], r"\\127.0.0.1\share\tui", "{out}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !b.join("left").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let left = std::fs::read_to_string(b.join("left")).unwrap();
    assert_eq!(left.trim(), "1", "only the nfs4 drive is left in the dialog's namespace");
}

/// `list`, `who`, the dialog's first frame and `disconnect --detach` on a drive whose
/// server does not answer, with a process stuck on it; `disconnect` says "not responding".
fn dead_server(mount: &KMount, unc: &str, stop: impl FnOnce() -> Box<dyn std::any::Any>, name: &str) {
    let cfg = config();
    let cfg = cfg.path();
    let m = &mount.path;
    // The dialog's first frame with the server still answering: under emulation, starting
    // the dialog and its helper from the 9p-shared root alone can take seconds. A dead
    // server must add no more than QUICK to it.
    let healthy = {
        let dir = base(&format!("{name}-tui-healthy"));
        let start = Instant::now();
        let t = tui(&dir, cfg, "");
        t.wait_until(|s| s.contains(unc), Duration::from_secs(60))
            .unwrap_or_else(|s| panic!("no first frame:\n{s}"));
        let took = start.elapsed();
        t.keys(&["Escape"]);
        let _ = tui_answer(&dir);
        took
    };
    eprintln!("{name}: the dialog's first frame with the server up after {healthy:?}");
    let stopped = stop();
    let stuck = Stuck::on(m);
    let spare = [stuck.0.id()];

    let r = nd(cfg, ["list", "--json"]);
    eprintln!("{name}: list took {:?}", r.took);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < QUICK, "list took {:?}", r.took);
    let e = listed(cfg, m).expect("the dead drive is listed");
    assert_eq!(e["connected"], true, "{e}");

    let r = nd(cfg, args(&["who", "--json"], m));
    eprintln!("{name}: who took {:?}", r.took);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < QUICK, "who took {:?}", r.took);

    let dir = base(&format!("{name}-tui"));
    let start = Instant::now();
    let t = tui(&dir, cfg, "");
    let first = t.wait_until(|s| s.contains(unc), healthy + QUICK).unwrap_or_else(|s| {
        panic!("no first frame within {:?} ({healthy:?} with the server up):\n{s}", healthy + QUICK)
    });
    eprintln!("{name}: the dialog's first frame after {:?} (tmux's start included)", start.elapsed());
    assert!(first.contains("Disconnect Network Drives"), "{first}");
    t.keys(&["Escape"]);
    let (out, code) = tui_answer(&dir);
    assert_eq!((code, out["outcome"].as_str()), (1, Some("cancelled")), "{out}");

    let bound = BOUND.as_secs().to_string();
    let r = nd(cfg, args(&["disconnect", "--timeout", &bound], m));
    eprintln!("{name}: disconnect took {:?}: {}", r.took, r.stderr.trim());
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not responding"), "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_SEM_TIMEOUT (121)"), "{}", r.stderr);
    assert!(r.took < BOUND + QUICK, "disconnect took {:?} with a {BOUND:?} bound", r.took);
    // Its child, stuck on the server, was killed: nothing of netdrive's is left waiting.
    std::thread::sleep(Duration::from_millis(500));
    let d = in_d_state(&spare);
    assert!(d.is_empty(), "left in D state: {d:?}");

    let r = nd(cfg, args(&["disconnect", "--detach"], m));
    eprintln!("{name}: detach took {:?}", r.took);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < QUICK, "detach took {:?}", r.took);
    assert!(!is_mounted(m));
    drop(stuck);
    drop(stopped);
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_dead_nfs_server() {
    guest();
    let b = base("dead-nfs");
    let m = KMount::nfs4("dead", &b.join("dead"));
    dead_server(&m, r"\\127.0.0.1\srv\nfs\dead", || Box::new(NfsdStopped::now()), "nfs4");
}

#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_dead_smb_server() {
    guest();
    let b = base("dead-smb");
    let m = KMount::cifs("dead", &b.join("dead"));
    dead_server(&m, r"\\127.0.0.1\share\dead", || Box::new(SmbdStopped::now()), "cifs");
}

/// `--force` is the documented way out of a dead server: it must work there, promptly
/// (no blocking flush first), or say what happened.
#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_force_on_a_dead_nfs_server() {
    guest();
    let cfg = config();
    let b = base("force-nfs");
    let m = KMount::nfs4("force", &b.join("force"));
    let stopped = NfsdStopped::now();
    let stuck = Stuck::on(&m.path);
    let bound = BOUND.as_secs().to_string();
    let r = nd(cfg.path(), args(&["disconnect", "--force", "--json", "--timeout", &bound], &m.path));
    eprintln!("force took {:?}: {}", r.took, r.stdout.trim());
    assert!(r.took < BOUND + Duration::from_secs(2), "--force took {:?} with a {BOUND:?} bound", r.took);
    let v = r.json();
    if r.code == 0 {
        assert!(["forced", "detached"].contains(&v[0]["how"].as_str().unwrap()), "{v}");
        assert!(!is_mounted(&m.path), "reported {} but still mounted", v[0]["how"]);
        // NFS: MNT_FORCE fails the requests in flight, so the stuck process is let go.
        let deadline = Instant::now() + QUICK;
        while state(stuck.0.id()) == Some('D') {
            assert!(Instant::now() < deadline, "the process stuck on the drive is still waiting");
            std::thread::sleep(Duration::from_millis(100));
        }
    } else {
        // Not done: it must say so, and say what is left.
        assert_eq!(v[0]["code"], 121, "{v}");
        assert!(v[0]["message"].as_str().unwrap().contains("--detach"), "{v}");
        assert!(is_mounted(&m.path));
    }
    drop(stuck);
    drop(stopped);
}

/// cifs, server stopped: `--force` takes the drive out of the tree within its bound, but
/// cifs does not fail the requests in flight: a process stuck on it waits for the server
/// (it is let go when the server answers again, or at cifs's own reconnect timeout).
#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_force_on_a_dead_smb_server() {
    guest();
    let cfg = config();
    let b = base("force-smb");
    let m = KMount::cifs("force", &b.join("force"));
    let stopped = SmbdStopped::now();
    let stuck = Stuck::on(&m.path);
    let bound = BOUND.as_secs().to_string();
    let r = nd(cfg.path(), args(&["disconnect", "--force", "--json", "--timeout", &bound], &m.path));
    eprintln!("force took {:?}: {}", r.took, r.stdout.trim());
    assert!(r.took < BOUND + Duration::from_secs(2), "--force took {:?} with a {BOUND:?} bound", r.took);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(!is_mounted(&m.path));
    assert_eq!(state(stuck.0.id()), Some('D'), "cifs keeps the stuck process waiting for the server");
    drop(stopped);
    let mut stuck = stuck;
    let deadline = Instant::now() + Duration::from_secs(30);
    while stuck.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the stuck process was not let go when the server came back");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `--force` on a server that does not answer must not first wait out its bound on a
/// flush that cannot happen (issue 11 §3): with a 5 s bound it is done well before.
#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_force_does_not_wait_for_a_flush() {
    guest();
    let cfg = config();
    let b = base("no-flush");
    let m = KMount::nfs4("no-flush", &b.join("quick"));
    let stopped = NfsdStopped::now();
    let stuck = Stuck::on(&m.path);
    let r = nd(cfg.path(), args(&["disconnect", "--force", "--timeout", "5"], &m.path));
    eprintln!("force took {:?}: {}{}", r.took, r.stdout.trim(), r.stderr.trim());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.took < Duration::from_secs(4), "--force waited {:?} (bound 5 s) before forcing", r.took);
    assert!(!is_mounted(&m.path));
    drop(stuck);
    drop(stopped);
}

/// After "not responding", the report must not claim a final state the background child
/// can still change: it says "may still finish" whenever the unmount call had started, and
/// once the server is back, `list` shows what the kernel has.
#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_timeout_report_is_not_a_final_state() {
    guest();
    let cfg = config();
    let b = base("after-timeout");
    let m = KMount::nfs4("late", &b.join("late"));
    let stopped = NfsdStopped::now();
    let r = nd(cfg.path(), args(&["disconnect", "--timeout", "1"], &m.path));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_SEM_TIMEOUT"), "{}", r.stderr);
    assert!(!r.stderr.contains("still connected"), "a final state was claimed: {}", r.stderr);
    let said_pending = r.stderr.contains("may still finish");
    drop(stopped); // the server answers again
    std::thread::sleep(Duration::from_secs(5));
    let listed_now = listed(cfg.path(), &m.path).is_some();
    assert_eq!(listed_now, is_mounted(&m.path), "list shows what the kernel has");
    assert!(
        is_mounted(&m.path) || said_pending,
        "the drive went away after a report that said nothing was pending"
    );
}

/// The filesystem type of the topmost mount at `path`, from the live mount table.
fn fstype_at(path: &Path) -> Option<String> {
    let want = path.to_str().unwrap().replace(' ', "\\040");
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let line = table.lines().rev().find(|l| l.split(' ').nth(4) == Some(want.as_str()))?;
    line.split(" - ").nth(1)?.split(' ').next().map(str::to_owned)
}

/// `netdrive ARGS...` with the guest's keyring, an fstab of the test's own, and a line
/// of standard input.
fn nd_restore(k: &Keyring, cfg: &Path, fstab: &Path, stdin: Option<&str>, a: &[&OsStr]) -> common::Run {
    let mut c = common::command(cfg);
    c.args(a).envs(k.env()).env("NETDRIVE_FSTAB", fstab);
    common::run_with_input(c, stdin)
}

/// Remembered kernel drives come back with `netdrive restore`, as at sign-in: a cifs
/// drive connected by `netdrive connect` (mount.cifs, the password saved in a real
/// keyring), an NFS one, and the fstab's cifs and nfs4 entries the system mounts at boot
/// (a `noauto` one stays as it is). With the NFS server stopped, the NFS drives fail
/// within the one bound and the SMB ones still come back.
#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_restore_remembered_kernel_drives() {
    guest();
    let keyring = Keyring::start();
    let cfg = config();
    let b = base("restore");
    for d in ["/srv/smb/restore", "/srv/smb/fstab", "/srv/nfs/restore", "/srv/nfs/fstab"] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(Path::new(d).join("hello.txt"), format!("hello from {d}\n")).unwrap();
    }
    let [smb, nfs, fsmb, fnfs, ondemand] = ["smb", "nfs", "fstab-smb", "fstab-nfs", "on-demand"].map(|n| {
        let p = b.join(n);
        std::fs::create_dir_all(&p).unwrap();
        p
    });
    let creds = b.join("credentials");
    std::fs::write(&creds, "username=root\npassword=netdrive\n").unwrap();
    let fstab = b.join("fstab");
    std::fs::write(
        &fstab,
        format!(
            "# the system's network drives\n\
             //127.0.0.1/share/fstab {} cifs vers=3.0,credentials={} 0 0\n\
             127.0.0.1:/srv/nfs/fstab {} nfs4 vers=4.2 0 0\n\
             127.0.0.1:/srv/nfs/fstab {} nfs4 noauto 0 0\n",
            fsmb.display(),
            creds.display(),
            fnfs.display(),
            ondemand.display()
        ),
    )
    .unwrap();
    let os = |s: &'static str| OsStr::new(s);
    let _guards: Vec<KMount> =
        [&smb, &nfs, &fsmb, &fnfs, &ondemand].iter().map(|p| KMount { path: p.to_path_buf() }).collect();

    // Connected as a person would, remembered, then disconnected.
    let r = nd_restore(
        &keyring,
        cfg.path(),
        &fstab,
        Some("netdrive"),
        &[
            os("connect"),
            os(r"\\127.0.0.1\share\restore"),
            smb.as_os_str(),
            os("--user"),
            os("root"),
            os("--password-stdin"),
            os("--save-password"),
            os("--remember"),
        ],
    );
    eprintln!("connect SMB: {}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 0, "connect SMB: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("password saved in the keyring"), "{}", r.stdout);
    assert_eq!(fstype_at(&smb).as_deref(), Some("cifs"), "root's SMB drive is the kernel's cifs");
    let r = nd_restore(
        &keyring,
        cfg.path(),
        &fstab,
        None,
        &[os("connect"), os("nfs://127.0.0.1/srv/nfs/restore"), nfs.as_os_str(), os("--remember")],
    );
    assert_eq!(r.code, 0, "connect NFS: {}{}", r.stdout, r.stderr);
    assert_eq!(fstype_at(&nfs).as_deref(), Some("nfs4"));
    for p in [&smb, &nfs] {
        let r = nd(cfg.path(), args(&["disconnect"], p));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!is_mounted(p));
    }

    let restore = |timeout: &'static str| {
        nd_restore(
            &keyring,
            cfg.path(),
            &fstab,
            None,
            &[os("restore"), os("--json"), os("--no-notify"), os("--timeout"), os(timeout)],
        )
    };
    let row = |v: &Value, p: &Path| -> Value {
        v.as_array()
            .unwrap()
            .iter()
            .find(|e| e["local_name"] == p.to_str().unwrap())
            .cloned()
            .unwrap_or_else(|| panic!("{} not in {v}", p.display()))
    };
    let r = restore("20");
    eprintln!("restore took {:?}: {}{}", r.took, r.stdout, r.stderr);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    for (p, by, fstype) in
        [(&smb, "user", "cifs"), (&nfs, "user", "nfs4"), (&fsmb, "system", "cifs"), (&fnfs, "system", "nfs4")]
    {
        let e = row(&v, p);
        assert_eq!(e["outcome"], "connected", "{e}");
        assert_eq!(e["remembered"], by, "{e}");
        assert_eq!(fstype_at(p).as_deref(), Some(fstype), "{} after restore", p.display());
        let text = sh(&format!("cat '{}/hello.txt'", p.display()));
        assert!(text.starts_with("hello from /srv/"), "{text}");
    }
    assert!(row(&v, &smb)["message"].as_str().unwrap().contains("keyring"), "{v}");
    assert_eq!(row(&v, &fsmb)["remote_name"], r"\\127.0.0.1\share\fstab");
    assert_eq!(row(&v, &fnfs)["remote_name"], r"\\127.0.0.1\srv\nfs\fstab");
    assert!(v.as_array().unwrap().iter().all(|e| e["local_name"] != ondemand.to_str().unwrap()), "{v}");
    assert!(!is_mounted(&ondemand), "a noauto entry is mounted on demand, not restored");
    // Restored again: nothing to do.
    let again = restore("20");
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.json().as_array().unwrap().iter().all(|e| e["outcome"] == "already-connected"));

    // A dead NFS server: its drives fail within the one bound, the SMB ones come back.
    for p in [&smb, &nfs, &fsmb, &fnfs] {
        let r = nd(cfg.path(), args(&["disconnect"], p));
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let stopped = NfsdStopped::now();
    let r = restore("3");
    eprintln!("restore with NFS stopped took {:?}: {}{}", r.took, r.stdout, r.stderr);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.took < Duration::from_secs(3 + 10 + 5), "restore took {:?}", r.took);
    let v = r.json();
    for p in [&smb, &fsmb] {
        assert_eq!(row(&v, p)["outcome"], "connected", "{v}");
        assert!(is_mounted(p));
    }
    for p in [&nfs, &fnfs] {
        assert_eq!(row(&v, p)["outcome"], "failed", "{v}");
        assert!(!is_mounted(p), "{} is mounted after a failed restore", p.display());
    }
    assert!(r.stderr.contains("could not reconnect 2 of 4"), "{}", r.stderr);
    drop(stopped);
    // The mount.nfs that was given up on is killed: it may take a moment to go.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !in_d_state(&[]).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(in_d_state(&[]), Vec::<String>::new(), "processes left in D state");
}

/// `netdrive list --all --json` (connected and remembered drives).
fn list_all(cfg: &Path) -> Value {
    let r = nd(cfg, ["list", "--all", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

/// The one row of a listing for `path`.
fn row_at<'a>(all: &'a Value, path: &Path) -> &'a Value {
    let rows: Vec<&Value> =
        all.as_array().unwrap().iter().filter(|e| e["local_name"] == path.to_str().unwrap()).collect();
    assert_eq!(rows.len(), 1, "one row for {}: {all}", path.display());
    rows[0]
}

/// The filesystem types mounted at `path`, bottom to top (from the mount table only: this
/// must not trigger an automount).
fn fstypes_at(path: &Path) -> Vec<String> {
    let want = path.to_str().unwrap().replace(' ', "\\040");
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    table
        .lines()
        .filter(|l| l.split(' ').nth(4) == Some(want.as_str()))
        .filter_map(|l| l.split_once(" - ").and_then(|(_, t)| t.split(' ').next()))
        .map(str::to_owned)
        .collect()
}

/// The autofs automount daemon in the foreground with a master map of its own (one direct
/// map), stopped on drop: SIGTERM, on which it takes its triggers and mounts away.
struct Automount {
    daemon: Child,
    points: Vec<PathBuf>,
    log: PathBuf,
}

impl Automount {
    fn start(dir: &Path, direct_map: &str, points: &[&Path]) -> Automount {
        sh("modprobe autofs");
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("auto.direct"), direct_map).unwrap();
        std::fs::write(dir.join("auto.master"), format!("/- {}\n", dir.join("auto.direct").display()))
            .unwrap();
        let log = std::fs::File::create(dir.join("automount.log")).unwrap();
        let daemon = Command::new("automount")
            .args(["-f", "-d"])
            .arg(dir.join("auto.master"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            // Its own process group: autofs refuses a mount for process group 0, which is
            // what a child of the guest's init has.
            .process_group(0)
            .spawn()
            .unwrap();
        let log = dir.join("automount.log");
        let a = Automount { daemon, points: points.iter().map(|p| p.to_path_buf()).collect(), log };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !a.points.iter().all(|p| fstypes_at(p) == ["autofs"]) {
            assert!(
                Instant::now() < deadline,
                "automount set up no triggers: {}",
                std::fs::read_to_string(dir.join("automount.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        a
    }
}

impl Automount {
    /// `ls` of these folders, as a person opens them: the automounter mounts them.
    fn ls(&self, paths: &[&Path]) -> String {
        let out = Command::new("timeout").args(["-k", "2", "60", "ls"]).args(paths).output().unwrap();
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        assert!(
            out.status.success(),
            "ls: {}\nautomount's log:\n{log}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Automount {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.daemon.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.daemon.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
        for p in &self.points {
            for _ in fstypes_at(p) {
                let _ = Command::new("umount").arg("-l").arg(p).status();
            }
        }
    }
}

/// An automount point (autofs, direct map) is listed as remembered and not connected
/// until it is opened; listing it, `who` and the dialog's first frame never mount it;
/// disconnecting the mounted drive leaves the automount point, which mounts it again when
/// opened.
#[test]
#[ignore = "runs in the guest: kernel_drives_in_a_vm"]
fn vm_automount_points() {
    guest();
    let cfg = config();
    let cfg = cfg.path();
    let b = base("automount");
    let (n, c) = (b.join("nfs"), b.join("smb"));
    for dir in ["/srv/nfs/auto", "/srv/smb/auto"] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(Path::new(dir).join("hello.txt"), "hello\n").unwrap();
    }
    let run = Path::new("/run/netdrive-kernel-automount");
    std::fs::create_dir_all(run).unwrap();
    std::fs::write(run.join("credentials"), "username=root\npassword=netdrive\n").unwrap();
    // nobind: autofs would bind-mount an export of its own host instead of mounting it;
    // port: without it autofs asks rpcbind, which an NFSv4-only server does not run.
    let map = format!(
        "{n} -fstype=nfs4,nobind,vers=4.2,port=2049 127.0.0.1:/srv/nfs/auto\n\
         {c} -fstype=cifs,vers=3.0,credentials={cred} ://127.0.0.1/share/auto\n",
        n = n.display(),
        c = c.display(),
        cred = run.join("credentials").display()
    );
    let start = Instant::now();
    let auto = Automount::start(run, &map, &[&n, &c]);
    eprintln!("automount: triggers set up after {:?}", start.elapsed());
    let drives =
        [(&n, "NFS", r"\\127.0.0.1\srv\nfs\auto", "nfs4"), (&c, "SMB", r"\\127.0.0.1\share\auto", "cifs")];
    let untouched = |when: &str| {
        for (p, ..) in drives {
            assert_eq!(fstypes_at(p), ["autofs"], "{when} mounted {}", p.display());
        }
    };
    let remembered = |when: &str| {
        let all = list_all(cfg);
        for (p, provider, unc, fstype) in drives {
            let e = row_at(&all, p);
            assert_eq!(e["connected"], false, "{when}: {e}");
            assert_eq!(e["remembered"], "automount", "{when}: {e}");
            assert_eq!(e["status"], "automount (connects when opened)", "{when}: {e}");
            assert_eq!(e["provider"], provider, "{when}: {e}");
            assert_eq!(e["remote_name"], unc, "{when}: {e}");
            assert_eq!(e["fstype"], fstype, "{when}: {e}");
        }
    };

    remembered("at first");
    untouched("list --json");
    let human = nd(cfg, ["list", "--all"]).stdout;
    assert!(
        human.lines().any(
            |l| l.contains(r"\\127.0.0.1\srv\nfs\auto") && l.contains("automount (connects when opened)")
        ),
        "{human}"
    );
    untouched("list --all");
    let r = nd(cfg, args(&["who"], &n));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("an automount point that is not connected now"), "{}", r.stderr);
    untouched("who");
    let dir = base("automount-tui");
    let shown = Instant::now();
    let t = tui(&dir, cfg, "");
    let first = t
        .wait_until(|s| s.contains(r"\\127.0.0.1\share\auto"), Duration::from_secs(60))
        .unwrap_or_else(|s| panic!("no first frame:\n{s}"));
    eprintln!("automount: the dialog's first frame after {:?}", shown.elapsed());
    assert!(first.contains("automount"), "{first}");
    untouched("the dialog's first frame");
    t.keys(&["Escape"]);
    let _ = tui_answer(&dir);
    untouched("the dialog");
    // Disconnecting what is not mounted: said so, and nothing is mounted by it.
    let r = nd(cfg, args(&["disconnect"], &c));
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("an automount point that is not connected now"), "{}", r.stderr);
    assert!(r.stderr.contains("ERROR_NOT_CONNECTED (2250)"), "{}", r.stderr);
    untouched("disconnect");

    // Opened: mounted on the automount point, listed once, connected.
    let ls = auto.ls(&[&n, &c]);
    assert_eq!(ls.matches("hello.txt").count(), 2, "{ls}");
    let all = list_all(cfg);
    for (p, provider, unc, fstype) in drives {
        assert_eq!(fstypes_at(p), ["autofs", fstype], "ls mounts {}", p.display());
        let e = row_at(&all, p);
        assert_eq!(
            (e["connected"].as_bool(), e["status"].as_str()),
            (Some(true), Some("connected, automount")),
            "{e}"
        );
        assert_eq!((e["provider"].as_str(), e["remote_name"].as_str()), (Some(provider), Some(unc)), "{e}");
    }

    // Disconnected: the drive is gone, the automount point stays, and opens it again.
    for (p, ..) in drives {
        let r = nd(cfg, args(&["disconnect"], p));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.starts_with("Disconnected"), "{}", r.stdout);
    }
    untouched("disconnect");
    remembered("after the disconnect");
    untouched("list after the disconnect");
    let ls = auto.ls(&[&n]);
    assert!(ls.contains("hello.txt"), "{ls}");
    assert_eq!(fstypes_at(&n), ["autofs", "nfs4"], "opened again");
    drop(auto);
    eprintln!("automount: the test took {:?}", start.elapsed());
    assert!(fstypes_at(&n).is_empty() && fstypes_at(&c).is_empty(), "automount left its mounts");
}
