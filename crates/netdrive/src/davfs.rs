//! davfs2: its `umount` returns before the upload cache reaches the server. The daemon
//! (`mount.davfs`) uploads what is left and exits, so a disconnect waits, bounded, for
//! that very process (through a pidfd) before saying the data is on the server.

use std::ffi::OsStr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

use crate::connection::Connection;
use crate::procfs;

/// Where a drive's cached changes are, after an unmount that returns before the upload
/// ends (davfs2 keeps uploading its cache in its daemon).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Upload {
    /// The daemon finished: the changes are on the server.
    Done,
    /// The daemon (this PID) is still uploading after the bound.
    StillRunning {
        /// The daemon's PID.
        pid: u32,
    },
    /// No daemon was found to wait for: netdrive cannot tell.
    Unknown,
}

/// The `mount.davfs` daemon serving `conn`, pinned by a pidfd.
pub(crate) struct Daemon {
    pid: u32,
    fd: OwnedFd,
}

/// Find the daemon from `/proc` only: its name and its command line, which names the
/// mount point as an argument.
pub(crate) fn daemon_of(conn: &Connection) -> Option<Daemon> {
    for pid in procfs::pids() {
        if !is_daemon_for(pid, &conn.local_name) {
            continue;
        }
        // SAFETY: pidfd_open has no memory arguments; the result is a new descriptor or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        if fd < 0 {
            continue;
        }
        // SAFETY: a descriptor pidfd_open just returned belongs to us.
        let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
        // Checked again now that the pidfd holds it: the PID cannot have been reused since.
        if is_daemon_for(pid, &conn.local_name) {
            return Some(Daemon { pid, fd });
        }
    }
    None
}

fn is_daemon_for(pid: u32, mount_point: &OsStr) -> bool {
    if !procfs::comm_at(rustix::fs::CWD, format!("/proc/{pid}/comm")).starts_with("mount.davfs") {
        return false;
    }
    procfs::cmdline(pid).split(|&b| b == 0).any(|arg| arg == mount_point.as_bytes())
}

/// Wait at most `bound` for the daemon to end.
pub(crate) fn wait_for_upload(daemon: Option<Daemon>, bound: Duration) -> Upload {
    let Some(d) = daemon else { return Upload::Unknown };
    let deadline = Instant::now() + bound;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut p = libc::pollfd { fd: d.fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let ms = left.as_millis().clamp(0, i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd; a pidfd becomes readable when its process ends.
        let r = unsafe { libc::poll(&mut p, 1, ms) };
        if r > 0 {
            return Upload::Done;
        }
        let interrupted = r < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted;
        if !interrupted || left.is_zero() {
            return Upload::StillRunning { pid: d.pid };
        }
    }
}
