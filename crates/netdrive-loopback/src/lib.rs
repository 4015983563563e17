//! netdrive-loopback: throwaway network servers on 127.0.0.1 and real mounts of them.
//!
//! What it is for: `netdrive demo` (so a newcomer sees real drives) and netdrive's tests.
//! Each server (OpenSSH `sshd`, Samba `smbd`, `rclone serve webdav`) gets its own
//! configuration, keys and port under a temporary folder, listens on 127.0.0.1 only, runs
//! in a process group of its own, and is stopped on drop; each mount is unmounted (lazily,
//! so a dead server cannot block it) on drop. A missing program is an error that names
//! the Debian package to install.
//!
//! What it is not: part of netdrive's logic, or a way to serve real data: everything
//! lives in temporary folders and goes away with the values. It needs root (to mount and
//! to start daemons on their own configuration).

#![deny(unsafe_op_in_unsafe_fn)]

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What went wrong, for a person: the message says what to do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

pub type Result<T> = std::result::Result<T, Error>;

fn err(msg: impl Into<String>) -> Error {
    Error(msg.into())
}

fn io(what: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| err(format!("{what}: {e}"))
}

/// The path of `program`, or an error naming the package to install.
pub fn require(program: &str, package: &str) -> Result<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"]
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.exists())
        .ok_or_else(|| err(format!("{program} is not installed: run `apt-get install -y {package}`")))
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(io("no free port"))
}

fn wait_for_port(port: u16, what: &str, child: &mut Child) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(err(format!("{what} exited early ({status}) on port {port}")));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(err(format!("{what} did not listen on 127.0.0.1:{port} within 15 s")))
}

/// A temporary folder that other users may enter (mount points for another user).
pub fn open_tempdir() -> Result<tempfile::TempDir> {
    let d =
        tempfile::Builder::new().prefix("netdrive-loopback.").tempdir().map_err(io("temporary folder"))?;
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o755)).map_err(io("chmod"))?;
    Ok(d)
}

/// Run a command to its end; its error output in the error.
pub fn run(cmd: &mut Command) -> Result<()> {
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| err(format!("{:?}: {e}", cmd.get_program())))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(err(format!(
            "{} failed ({}): {}",
            cmd.get_program().to_string_lossy(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Is `path` a mount point right now (per /proc/self/mountinfo)? Its own small reading,
/// not netdrive's parser: the tests' oracle must not share the code it checks.
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

/// Wait (up to 15 s) until `path` is, or is no longer, a mount point.
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
/// signals its whole group when it stops, which would take its starter with it).
fn daemon(cmd: &mut Command, what: &str) -> Result<Child> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| err(format!("cannot start {what}: {e}")))
}

/// Processes descended from `pid`, itself included.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(dir) = fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
            let Ok(stat) = fs::read_to_string(e.path().join("stat")) else { continue };
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
        if let Ok(p) = i32::try_from(p) {
            // SAFETY: kill has no memory preconditions; a stale pid only yields ESRCH.
            unsafe { libc::kill(p, sig) };
        }
    }
}

/// A server process (and everything it forked), stopped on drop.
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

/// OpenSSH server with its own host key, client key, config and port. Root logs in with
/// the key; other users with their password.
pub struct Sshd {
    pub server: Server,
    /// Private key that logs in as root.
    pub key: PathBuf,
    /// A folder to export, with `hello.txt` in it.
    pub export: PathBuf,
}

impl Sshd {
    pub fn start() -> Result<Sshd> {
        let sshd = require("sshd", "openssh-server")?;
        require("ssh-keygen", "openssh-client")?;
        let dir = open_tempdir()?;
        let d = dir.path();
        fs::create_dir_all("/run/sshd").map_err(io("/run/sshd"))?;
        for k in ["host_key", "id"] {
            run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(d.join(k)))?;
        }
        fs::copy(d.join("id.pub"), d.join("authorized_keys")).map_err(io("authorized_keys"))?;
        let export = d.join("export");
        fs::create_dir(&export).map_err(io("export"))?;
        fs::set_permissions(&export, fs::Permissions::from_mode(0o777)).map_err(io("chmod"))?;
        fs::write(export.join("hello.txt"), "hello from sshd\n").map_err(io("hello.txt"))?;
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let config = format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
                 PermitRootLogin prohibit-password\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n\
                 StrictModes no\nUsePAM no\nPidFile none\nSubsystem sftp internal-sftp\nLogLevel ERROR\n",
                d = d.display()
            );
            fs::write(d.join("sshd_config"), config).map_err(io("sshd_config"))?;
            let mut child =
                daemon(Command::new(&sshd).args(["-D", "-e", "-f"]).arg(d.join("sshd_config")), "sshd")?;
            std::thread::sleep(Duration::from_millis(30));
            if let Ok(Some(s)) = child.try_wait() {
                last = format!("sshd exited: {s}");
                continue;
            }
            wait_for_port(port, "sshd", &mut child)?;
            let key = d.join("id");
            return Ok(Sshd { server: Server { child, port, dir }, key, export });
        }
        Err(err(format!("sshd would not start: {last}")))
    }

    /// sshfs with options that log in without questions and without keep-alives (so a
    /// stopped server really blocks its callers).
    pub fn sshfs_command(&self, key: &Path, remote: &Path, mount_point: &Path) -> Result<Command> {
        require("sshfs", "sshfs")?;
        let mut c = Command::new("sshfs");
        c.arg("-p").arg(self.server.port.to_string()).arg("-o").arg(format!(
            "IdentityFile={},StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,BatchMode=yes,LogLevel=ERROR",
            key.display()
        ));
        c.arg(format!("root@127.0.0.1:{}", remote.display())).arg(mount_point);
        Ok(c)
    }

    /// Mount the export at `mount_point` with sshfs, as root.
    pub fn mount(&self, mount_point: &Path) -> Result<Mount> {
        self.mount_remote(&self.export, mount_point)
    }

    /// Mount a folder of the server at `mount_point` with sshfs, as root.
    pub fn mount_remote(&self, remote: &Path, mount_point: &Path) -> Result<Mount> {
        fs::create_dir_all(mount_point).map_err(io("mount point"))?;
        run(&mut self.sshfs_command(&self.key, remote, mount_point)?)?;
        Mount::appeared(mount_point, None, "sshfs")
    }
}

/// Samba `smbd` with its own config, port and a guest share named `share`; with
/// [`Smbd::start_with_user`] also a share named `secure` that only that user (with that
/// password, in the server's own password database) may use.
pub struct Smbd {
    pub server: Server,
    pub share: PathBuf,
}

impl Smbd {
    pub fn start() -> Result<Smbd> {
        Smbd::start_inner(None)
    }

    /// Also a share `secure` for `user` (an existing system account) with `password`.
    pub fn start_with_user(user: &str, password: &str) -> Result<Smbd> {
        Smbd::start_inner(Some((user, password)))
    }

    fn start_inner(login: Option<(&str, &str)>) -> Result<Smbd> {
        let smbd = require("smbd", "samba")?;
        let dir = open_tempdir()?;
        let d = dir.path().to_path_buf();
        for sub in ["priv", "lock", "state", "cache", "pid", "share"] {
            fs::create_dir_all(d.join(sub)).map_err(io("smbd folders"))?;
        }
        let share = d.join("share");
        fs::set_permissions(&share, fs::Permissions::from_mode(0o777)).map_err(io("chmod"))?;
        fs::write(share.join("hello.txt"), "hello from smbd\n").map_err(io("hello.txt"))?;
        let port = free_port()?;
        let conf = format!(
            "[global]\nsmb ports = {port}\ninterfaces = lo\nbind interfaces only = yes\n\
             private dir = {d}/priv\nlock directory = {d}/lock\nstate directory = {d}/state\n\
             cache directory = {d}/cache\npid directory = {d}/pid\nncalrpc dir = {d}/pid/ncalrpc\n\
             log file = {d}/log\nmap to guest = Bad User\nguest account = nobody\n\
             server role = standalone server\ndisable spoolss = yes\nload printers = no\n\
             passdb backend = tdbsam:{d}/priv/passdb.tdb\n\
             [share]\npath = {d}/share\nguest ok = yes\nread only = no\nforce user = root\n",
            d = d.display()
        );
        let mut conf = conf;
        if let Some((user, _)) = login {
            conf.push_str(&format!(
                "[secure]\npath = {}/share\nread only = no\nvalid users = {user}\nforce user = root\n",
                d.display()
            ));
        }
        fs::write(d.join("smb.conf"), conf).map_err(io("smb.conf"))?;
        if let Some((user, password)) = login {
            // smbpasswd reads the new password twice from standard input (-s).
            let mut c = Command::new("smbpasswd")
                .args(["-c"])
                .arg(d.join("smb.conf"))
                .args(["-a", "-s", user])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(io("smbpasswd"))?;
            if let Some(mut i) = c.stdin.take() {
                std::io::Write::write_all(&mut i, format!("{password}\n{password}\n").as_bytes())
                    .map_err(io("smbpasswd"))?;
            }
            let out = c.wait_with_output().map_err(io("smbpasswd"))?;
            if !out.status.success() {
                return Err(err(format!(
                    "smbpasswd -a {user}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
        let mut child = daemon(
            Command::new(smbd).args(["--foreground", "--no-process-group", "-s"]).arg(d.join("smb.conf")),
            "smbd",
        )?;
        wait_for_port(port, "smbd", &mut child)?;
        Ok(Smbd { server: Server { child, port, dir }, share })
    }

    /// `rclone mount` of the share with the SMB backend.
    pub fn rclone_mount(&self, mount_point: &Path) -> Result<Mount> {
        require("rclone", "rclone")?;
        fs::create_dir_all(mount_point).map_err(io("mount point"))?;
        let remote = format!(":smb,host=127.0.0.1,port={},user=guest:share", self.server.port);
        let child = daemon(
            Command::new("rclone").args(["mount", &remote]).arg(mount_point).args(QUIET_RCLONE),
            "rclone mount",
        )?;
        Mount::appeared(mount_point, Some(child), "rclone")
    }
}

/// `rclone serve webdav` with a user and password.
pub struct WebDav {
    pub server: Server,
    pub root: PathBuf,
}

impl WebDav {
    /// The user and password the server asks for (HTTP basic authentication).
    pub const USER: &'static str = "dav";
    pub const PASSWORD: &'static str = "netdrive-dav-password";

    pub fn start() -> Result<WebDav> {
        require("rclone", "rclone")?;
        let dir = open_tempdir()?;
        let root = dir.path().join("root");
        fs::create_dir(&root).map_err(io("webdav root"))?;
        fs::write(root.join("hello.txt"), "hello from webdav\n").map_err(io("hello.txt"))?;
        let port = free_port()?;
        let addr = format!("127.0.0.1:{port}");
        let serve = ["serve", "webdav", "--addr", &addr, "--user", Self::USER, "--pass", Self::PASSWORD];
        let mut child =
            daemon(Command::new("rclone").args(serve).args(QUIET_RCLONE).arg(&root), "rclone serve webdav")?;
        wait_for_port(port, "rclone serve webdav", &mut child)?;
        Ok(WebDav { server: Server { child, port, dir }, root })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.server.port)
    }

    /// davfs2 mount, with its own config and secrets file (not /etc/davfs2/secrets).
    pub fn davfs_mount(&self, mount_point: &Path) -> Result<Mount> {
        require("mount.davfs", "davfs2")?;
        fs::create_dir_all(mount_point).map_err(io("mount point"))?;
        let d = self.server.dir.path();
        let secrets = d.join("secrets");
        fs::write(&secrets, format!("{} {} {}\n", self.url(), Self::USER, Self::PASSWORD))
            .map_err(io("secrets"))?;
        fs::set_permissions(&secrets, fs::Permissions::from_mode(0o600)).map_err(io("chmod"))?;
        let conf = d.join("davfs2.conf");
        fs::write(&conf, format!("ask_auth 0\nuse_locks 0\nsecrets {}\n", secrets.display()))
            .map_err(io("conf"))?;
        run(Command::new("mount")
            .args(["-t", "davfs", "-o"])
            .arg(format!("conf={}", conf.display()))
            .arg(self.url())
            .arg(mount_point))?;
        Mount::appeared(mount_point, None, "davfs2")
    }
}

/// A mount; unmounted (lazily) on drop if it is still there.
pub struct Mount {
    pub path: PathBuf,
    daemon: Option<Child>,
}

impl Mount {
    fn appeared(path: &Path, daemon: Option<Child>, what: &str) -> Result<Mount> {
        let m = Mount { path: path.to_path_buf(), daemon };
        if wait_mounted(path, true) {
            Ok(m)
        } else {
            Err(err(format!("{what} did not mount {}", path.display())))
        }
    }

    /// A mount made by other means, to clean up the same way.
    pub fn adopt(path: &Path) -> Mount {
        Mount { path: path.to_path_buf(), daemon: None }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if is_mounted(&self.path) {
            if let Ok(c) = std::ffi::CString::new(self.path.as_os_str().as_encoded_bytes()) {
                // SAFETY: `c` is a valid C string; a lazy unmount never waits for a server.
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
pub struct FileHolder {
    pub child: Child,
}

impl FileHolder {
    pub fn open(file: &Path) -> Result<FileHolder> {
        let f = fs::File::open(file).map_err(|e| err(format!("open {}: {e}", file.display())))?;
        let child = Command::new("sleep").arg("86400").stdin(f).spawn().map_err(io("sleep"))?;
        Ok(FileHolder { child })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for FileHolder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
