//! Test fixtures: real network servers on 127.0.0.1 and real mounts of them.
//!
//! What it is for: netdrive's integration tests. The servers and mounts themselves are
//! `netdrive-loopback`'s (shared with `netdrive demo`); this crate gives them the shape a
//! test wants (a failure to start is a panic that names the package, never a skip) and
//! adds what only tests need: an unprivileged second user, and a real X display
//! ([`gui`]).
//!
//! What it is not: part of netdrive. It needs root, as the test command provides.

pub mod bus;
pub mod gui;
pub mod keyring;
pub mod netns;
pub mod tmux;
pub mod wayland;

use std::fs;
use std::ops::Deref;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub use netdrive_loopback::{free_port, is_mounted, wait_mounted, Frozen, Mount, Server};

/// The unprivileged account tests use for "another user".
pub const TEST_USER: &str = "netdrive-test";
/// Its password, for tests that log in with one (sshd accepts it on 127.0.0.1 only).
pub const TEST_PASSWORD: &str = "netdrive-test-password";

fn ok<T>(r: netdrive_loopback::Result<T>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The path of `program`; a panic naming the package when it is missing.
pub fn require(program: &str, package: &str) -> PathBuf {
    ok(netdrive_loopback::require(program, package))
}

/// A temporary folder that other users may enter.
pub fn open_tempdir() -> tempfile::TempDir {
    ok(netdrive_loopback::open_tempdir())
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

/// OpenSSH server (see `netdrive_loopback::Sshd`).
pub struct Sshd(pub netdrive_loopback::Sshd);

impl Deref for Sshd {
    type Target = netdrive_loopback::Sshd;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Sshd {
    pub fn start() -> Sshd {
        Sshd(ok(netdrive_loopback::Sshd::start()))
    }

    /// Mount the export at `mount_point` with sshfs, as root.
    pub fn mount(&self, mount_point: &Path) -> Mount {
        ok(self.0.mount(mount_point))
    }

    /// Mount a folder of the server at `mount_point` with sshfs, as root.
    pub fn mount_remote(&self, remote: &Path, mount_point: &Path) -> Mount {
        ok(self.0.mount_remote(remote, mount_point))
    }

    /// Forget this server's host key in root's `known_hosts`: netdrive accepts a new host
    /// key as a first `ssh` does, and an earlier server on the same port had another.
    pub fn forget_host_key(&self) {
        let _ = Command::new("ssh-keygen")
            .args(["-R", &format!("[127.0.0.1]:{}", self.server.port)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Mount the export at `mount_point` as the unprivileged test user.
    pub fn mount_as_test_user(&self, mount_point: &Path) -> Mount {
        ensure_test_user();
        std::fs::create_dir_all(mount_point).expect("mount point");
        ok(netdrive_loopback::run(Command::new("chown").arg(TEST_USER).arg(mount_point)));
        // ssh wants a private key that only its owner can read: the user gets a copy.
        let key = self.server.dir.path().join("id-test-user");
        if !key.exists() {
            std::fs::copy(&self.key, &key).expect("copy key");
            ok(netdrive_loopback::run(Command::new("chown").arg(TEST_USER).arg(&key)));
        }
        let inner = ok(self.sshfs_command(&key, &self.export, mount_point));
        let mut c = as_test_user(inner.get_program());
        c.args(inner.get_args());
        ok(netdrive_loopback::run(&mut c));
        assert!(wait_mounted(mount_point, true), "sshfs (test user) did not mount {}", mount_point.display());
        Mount::adopt(mount_point)
    }
}

/// A child killed and reaped however the test ends.
pub struct Reaped(pub std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
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

/// Samba `smbd` (see `netdrive_loopback::Smbd`).
pub struct Smbd(pub netdrive_loopback::Smbd);

impl Deref for Smbd {
    type Target = netdrive_loopback::Smbd;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Smbd {
    pub fn start() -> Smbd {
        Smbd(ok(netdrive_loopback::Smbd::start()))
    }

    /// With a share `secure` only [`TEST_USER`] may use, with [`TEST_PASSWORD`].
    pub fn start_with_user() -> Smbd {
        ensure_test_user();
        Smbd(ok(netdrive_loopback::Smbd::start_with_user(TEST_USER, TEST_PASSWORD)))
    }

    pub fn rclone_mount(&self, mount_point: &Path) -> Mount {
        ok(self.0.rclone_mount(mount_point))
    }
}

/// `rclone serve webdav` (see `netdrive_loopback::WebDav`).
pub struct WebDav(pub netdrive_loopback::WebDav);

impl Deref for WebDav {
    type Target = netdrive_loopback::WebDav;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl WebDav {
    pub fn start() -> WebDav {
        WebDav(ok(netdrive_loopback::WebDav::start()))
    }

    pub fn davfs_mount(&self, mount_point: &Path) -> Mount {
        ok(self.0.davfs_mount(mount_point))
    }
}

/// A process that keeps a file open (see `netdrive_loopback::FileHolder`).
pub struct FileHolder(pub netdrive_loopback::FileHolder);

impl FileHolder {
    pub fn open(file: &Path) -> FileHolder {
        FileHolder(ok(netdrive_loopback::FileHolder::open(file)))
    }

    pub fn pid(&self) -> u32 {
        self.0.pid()
    }
}
