//! Test fixtures: real network servers on 127.0.0.1 and real mounts of them.
//!
//! What it is for: netdrive's integration tests and benchmarks. Each fixture starts its
//! own server (OpenSSH `sshd`, Samba `smbd`, `rclone serve webdav`) with its own
//! configuration, keys and port under a temporary folder, bound to 127.0.0.1 only, and
//! stops it on drop; each mount is unmounted (lazily, if need be) on drop. A missing
//! program is a test failure that names the Debian package, never a skip.
//!
//! What it is not: part of netdrive. It needs root (to mount and to start daemons), as
//! the test command provides.

pub mod gui;

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The unprivileged account tests use for "another user".
pub const TEST_USER: &str = "netdrive-test";
/// Its password, for tests that log in with one (sshd accepts it on 127.0.0.1 only).
pub const TEST_PASSWORD: &str = "netdrive-test-password";

/// Panic with the package to install when a program is missing.
pub fn require(program: &str, package: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"] {
        let p = Path::new(dir).join(program);
        if p.exists() {
            return p;
        }
    }
    panic!("{program} is not installed: run `apt-get install -y {package}` (or scripts/test, which does)");
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free port")
}

fn wait_for_port(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited early ({status}) on port {port}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not listen on 127.0.0.1:{port} within 15 s");
}

/// A temporary folder that other users may enter (mount points for the test user).
pub fn open_tempdir() -> tempfile::TempDir {
    let d = tempfile::Builder::new().prefix("netdrive-test.").tempdir().expect("tempdir");
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    d
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    out
}

/// Is `path` a mount point right now (per /proc/self/mountinfo)? Deliberately its own
/// small reading, not netdrive's parser: a test's oracle must not share the code it checks.
pub fn is_mounted(path: &Path) -> bool {
    let want = escape_mountinfo(path.as_os_str().as_encoded_bytes());
    fs::read("/proc/self/mountinfo")
        .map(|t| t.split(|&b| b == b'\n').any(|l| l.split(|&b| b == b' ').nth(4) == Some(&want[..])))
        .unwrap_or(false)
}

fn escape_mountinfo(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for &c in b {
        if matches!(c, b' ' | b'\t' | b'\n' | b'\\') {
            out.extend_from_slice(format!("\\{c:03o}").as_bytes());
        } else {
            out.push(c);
        }
    }
    out
}

fn unescape_mountinfo(field: &str) -> Vec<u8> {
    let b = field.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Wait until `path` is (or is no longer) a mount point.
pub fn wait_mounted(path: &Path, mounted: bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if is_mounted(path) == mounted {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// rclone without a config file and without chatter.
const QUIET_RCLONE: [&str; 4] = ["--config", "/dev/null", "--log-level", "ERROR"];

/// Start a server or FUSE daemon: no terminal, and its own process group (smbd, for one,
/// signals its whole group when it stops, which would take the test runner with it).
fn daemon(cmd: &mut Command, what: &str) -> Child {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// Processes descended from `pid`, itself included.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(dir) = fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
                continue;
            };
            let Ok(stat) = fs::read_to_string(e.path().join("stat")) else {
                continue;
            };
            let after = stat.rsplit_once(") ").map(|x| x.1).unwrap_or("");
            let ppid = after.split(' ').nth(1).and_then(|s| s.parse::<u32>().ok()).unwrap_or(0);
            parent_of.push((p, ppid));
        }
    }
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let cur = out[i];
        out.extend(parent_of.iter().filter(|(_, pp)| *pp == cur).map(|(p, _)| *p));
        i += 1;
    }
    out
}

fn signal_all(pids: &[u32], sig: i32) {
    for &p in pids {
        // SAFETY: kill has no memory preconditions; a stale pid only yields ESRCH.
        unsafe { libc::kill(p as i32, sig) };
    }
}

/// A server process (and everything it forked), killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Server {
    /// Stop the server and all its processes with SIGSTOP until the guard is dropped.
    pub fn freeze(&self) -> Frozen {
        let pids = descendants(self.child.id());
        signal_all(&pids, libc::SIGSTOP);
        Frozen { pids }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pids = descendants(self.child.id());
        signal_all(&pids, libc::SIGCONT);
        signal_all(&pids, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        signal_all(&descendants(self.child.id()), libc::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Processes stopped with SIGSTOP; continued on drop.
pub struct Frozen {
    pids: Vec<u32>,
}

impl Drop for Frozen {
    fn drop(&mut self) {
        signal_all(&self.pids, libc::SIGCONT);
    }
}

/// OpenSSH server with its own host key, client key, config and port.
pub struct Sshd {
    pub server: Server,
    /// Private key that logs in as root.
    pub key: PathBuf,
    /// A folder to export.
    pub export: PathBuf,
}

impl Sshd {
    pub fn start() -> Sshd {
        let sshd = require("sshd", "openssh-server");
        require("ssh-keygen", "openssh-client");
        let dir = open_tempdir();
        let d = dir.path();
        fs::create_dir_all("/run/sshd").expect("/run/sshd");
        for k in ["host_key", "id"] {
            run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(d.join(k)));
        }
        fs::copy(d.join("id.pub"), d.join("authorized_keys")).expect("authorized_keys");
        let export = d.join("export");
        fs::create_dir(&export).expect("export");
        fs::set_permissions(&export, fs::Permissions::from_mode(0o777)).expect("chmod");
        fs::write(export.join("hello.txt"), "hello from sshd\n").expect("write");
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let config = format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
                 PermitRootLogin prohibit-password\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\nStrictModes no\n\
                 UsePAM no\nPidFile none\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
                d = d.display()
            );
            fs::write(d.join("sshd_config"), config).expect("config");
            let mut child =
                daemon(Command::new(&sshd).args(["-D", "-e", "-f"]).arg(d.join("sshd_config")), "sshd");
            std::thread::sleep(Duration::from_millis(30));
            if let Ok(Some(s)) = child.try_wait() {
                last = format!("sshd exited: {s}");
                continue;
            }
            wait_for_port(port, "sshd", &mut child);
            let key = d.join("id");
            return Sshd { server: Server { child, port, dir }, key, export };
        }
        panic!("sshd would not start: {last}");
    }

    /// sshfs options that log in without questions and without keep-alives (so a
    /// stopped server really blocks its callers).
    pub fn sshfs_command(&self, key: &Path, remote: &Path, mount_point: &Path) -> Command {
        require("sshfs", "sshfs");
        let mut c = Command::new("sshfs");
        c.arg("-p").arg(self.server.port.to_string()).arg("-o").arg(format!(
            "IdentityFile={},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes,LogLevel=ERROR",
            key.display()
        ));
        c.arg(format!("root@127.0.0.1:{}", remote.display())).arg(mount_point);
        c
    }

    /// Mount the export at `mount_point` with sshfs, as root.
    pub fn mount(&self, mount_point: &Path) -> Mount {
        self.mount_remote(&self.export, mount_point)
    }

    /// Mount a folder of the server at `mount_point` with sshfs, as root.
    pub fn mount_remote(&self, remote: &Path, mount_point: &Path) -> Mount {
        fs::create_dir_all(mount_point).expect("mount point");
        run(&mut self.sshfs_command(&self.key, remote, mount_point));
        assert!(wait_mounted(mount_point, true), "sshfs did not mount {}", mount_point.display());
        Mount { path: mount_point.to_path_buf(), daemon: None }
    }

    /// Mount the export at `mount_point` as the unprivileged test user.
    pub fn mount_as_test_user(&self, mount_point: &Path) -> Mount {
        ensure_test_user();
        fs::create_dir_all(mount_point).expect("mount point");
        run(Command::new("chown").arg(TEST_USER).arg(mount_point));
        // ssh wants a private key that only its owner can read: the user gets a copy.
        let key = self.server.dir.path().join("id-test-user");
        if !key.exists() {
            fs::copy(&self.key, &key).expect("copy key");
            run(Command::new("chown").arg(TEST_USER).arg(&key));
        }
        let inner = self.sshfs_command(&key, &self.export, mount_point);
        let mut c = as_test_user(inner.get_program());
        c.args(inner.get_args());
        run(&mut c);
        assert!(wait_mounted(mount_point, true), "sshfs (test user) did not mount {}", mount_point.display());
        Mount { path: mount_point.to_path_buf(), daemon: None }
    }
}

/// A command that runs `program` as the unprivileged test user.
pub fn as_test_user(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", TEST_USER, "--"]).arg(program);
    c.env("HOME", format!("/home/{TEST_USER}")).env_remove("XDG_CONFIG_HOME");
    c
}

/// Create the unprivileged test user, and let users open /dev/fuse (mode 0600 here).
pub fn ensure_test_user() {
    let exists = Command::new("id").arg(TEST_USER).stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !exists.map(|s| s.success()).unwrap_or(false) {
        let _ = Command::new("useradd").args(["--create-home", "--shell", "/bin/sh", TEST_USER]).status();
    }
    let _ = fs::set_permissions("/dev/fuse", fs::Permissions::from_mode(0o666));
    if let Ok(mut c) = Command::new("chpasswd").stdin(Stdio::piped()).stdout(Stdio::null()).spawn() {
        if let Some(mut i) = c.stdin.take() {
            let _ = std::io::Write::write_all(&mut i, format!("{TEST_USER}:{TEST_PASSWORD}\n").as_bytes());
        }
        let _ = c.wait();
    }
}

/// Samba `smbd` with its own config, port and a guest share named `share`.
pub struct Smbd {
    pub server: Server,
    pub share: PathBuf,
}

impl Smbd {
    pub fn start() -> Smbd {
        let smbd = require("smbd", "samba");
        let dir = open_tempdir();
        let d = dir.path().to_path_buf();
        for sub in ["priv", "lock", "state", "cache", "pid", "share"] {
            fs::create_dir_all(d.join(sub)).expect("mkdir");
        }
        let share = d.join("share");
        fs::set_permissions(&share, fs::Permissions::from_mode(0o777)).expect("chmod");
        fs::write(share.join("hello.txt"), "hello from smbd\n").expect("write");
        let port = free_port();
        let conf = format!(
            "[global]\nsmb ports = {port}\ninterfaces = lo\nbind interfaces only = yes\n\
             private dir = {d}/priv\nlock directory = {d}/lock\nstate directory = {d}/state\n\
             cache directory = {d}/cache\npid directory = {d}/pid\nncalrpc dir = {d}/pid/ncalrpc\n\
             log file = {d}/log\nmap to guest = Bad User\nguest account = nobody\n\
             server role = standalone server\ndisable spoolss = yes\nload printers = no\n\
             [share]\npath = {d}/share\nguest ok = yes\nread only = no\nforce user = root\n",
            d = d.display()
        );
        fs::write(d.join("smb.conf"), conf).expect("smb.conf");
        let mut child = daemon(
            Command::new(smbd).args(["--foreground", "--no-process-group", "-s"]).arg(d.join("smb.conf")),
            "smbd",
        );
        wait_for_port(port, "smbd", &mut child);
        Smbd { server: Server { child, port, dir }, share }
    }

    /// `rclone mount` of the share with the SMB backend.
    pub fn rclone_mount(&self, mount_point: &Path) -> Mount {
        require("rclone", "rclone");
        fs::create_dir_all(mount_point).expect("mount point");
        let remote = format!(":smb,host=127.0.0.1,port={},user=guest:share", self.server.port);
        let child = daemon(
            Command::new("rclone").args(["mount", &remote]).arg(mount_point).args(QUIET_RCLONE),
            "rclone mount",
        );
        assert!(wait_mounted(mount_point, true), "rclone did not mount {}", mount_point.display());
        Mount { path: mount_point.to_path_buf(), daemon: Some(child) }
    }
}

/// `rclone serve webdav` with a user and password.
pub struct WebDav {
    pub server: Server,
    pub root: PathBuf,
}

impl WebDav {
    pub fn start() -> WebDav {
        require("rclone", "rclone");
        let dir = open_tempdir();
        let root = dir.path().join("root");
        fs::create_dir(&root).expect("root");
        fs::write(root.join("hello.txt"), "hello from webdav\n").expect("write");
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let serve = ["serve", "webdav", "--addr", &addr, "--user", "dav", "--pass", "secret"];
        let mut child =
            daemon(Command::new("rclone").args(serve).args(QUIET_RCLONE).arg(&root), "rclone serve webdav");
        wait_for_port(port, "rclone serve webdav", &mut child);
        WebDav { server: Server { child, port, dir }, root }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.server.port)
    }

    /// davfs2 mount, with its own config and secrets file (not /etc/davfs2/secrets).
    pub fn davfs_mount(&self, mount_point: &Path) -> Mount {
        require("mount.davfs", "davfs2");
        fs::create_dir_all(mount_point).expect("mount point");
        let d = self.server.dir.path();
        let secrets = d.join("secrets");
        fs::write(&secrets, format!("{} dav secret\n", self.url())).expect("secrets");
        fs::set_permissions(&secrets, fs::Permissions::from_mode(0o600)).expect("chmod");
        let conf = d.join("davfs2.conf");
        fs::write(&conf, format!("ask_auth 0\nuse_locks 0\nsecrets {}\n", secrets.display())).expect("conf");
        run(Command::new("mount")
            .args(["-t", "davfs", "-o"])
            .arg(format!("conf={}", conf.display()))
            .arg(self.url())
            .arg(mount_point));
        assert!(wait_mounted(mount_point, true), "davfs2 did not mount {}", mount_point.display());
        Mount { path: mount_point.to_path_buf(), daemon: None }
    }
}

/// A mount made by a test; unmounted on drop if the test left it mounted.
pub struct Mount {
    pub path: PathBuf,
    daemon: Option<Child>,
}

impl Drop for Mount {
    fn drop(&mut self) {
        if is_mounted(&self.path) {
            if let Ok(c) = std::ffi::CString::new(self.path.as_os_str().as_encoded_bytes()) {
                // SAFETY: `c` is a valid C string; a lazy unmount cannot block on the server.
                unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
            }
        }
        if let Some(mut d) = self.daemon.take() {
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline && matches!(d.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

/// A process that keeps a file open: `sleep`, with the file as its standard input.
pub struct Holder {
    pub child: Child,
}

impl Holder {
    pub fn open(file: &Path) -> Holder {
        let f = fs::File::open(file).unwrap_or_else(|e| panic!("open {}: {e}", file.display()));
        let child = Command::new("sleep").arg("600").stdin(f).spawn().expect("sleep");
        Holder { child }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run the `netdrive` binary built for these tests.
pub fn netdrive(bin: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(bin).args(args).stdin(Stdio::null()).output().expect("netdrive")
}
