//! davfs2: its `umount` returns before the upload cache reaches the server. The daemon
//! (`mount.davfs`) uploads what is left and exits, so a disconnect waits, bounded, for
//! that very process (through a pidfd) before saying the data is on the server.

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::time::{Duration, Instant};

use rustix::event::PollFlags;
use rustix::process::{pidfd_open, Pid, PidfdFlags};

use crate::connection::Connection;
use crate::procfs;
use crate::wait::ready_by;

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
        let Some(fd) = Pid::from_raw(pid as i32).and_then(|p| pidfd_open(p, PidfdFlags::empty()).ok()) else {
            continue;
        };
        // Checked again now that the pidfd holds it: the PID cannot have been reused since.
        if is_daemon_for(pid, &conn.local_name) {
            return Some(Daemon { pid, fd });
        }
    }
    None
}

fn is_daemon_for(pid: u32, mount_point: &OsStr) -> bool {
    if !procfs::comm(pid).starts_with("mount.davfs") {
        return false;
    }
    procfs::cmdline(pid).split(|&b| b == 0).any(|arg| arg == mount_point.as_bytes())
}

/// Wait at most `bound` for the daemon to end.
pub(crate) fn wait_for_upload(daemon: Option<Daemon>, bound: Duration) -> Upload {
    let Some(d) = daemon else { return Upload::Unknown };
    // A pidfd becomes readable when its process ends.
    match ready_by(d.fd.as_fd(), PollFlags::IN, Instant::now() + bound) {
        Ok(true) => Upload::Done,
        _ => Upload::StillRunning { pid: d.pid },
    }
}
