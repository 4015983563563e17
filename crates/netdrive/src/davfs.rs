//! davfs2: its `umount` returns before the upload cache reaches the server. The daemon
//! (`mount.davfs`) uploads what is left and exits, so a disconnect waits, bounded, for
//! that very process (through a pidfd), then reads davfs2's cache index: only when the
//! daemon ended and nothing there is marked dirty are the changes on the server. (The
//! daemon also ends when the upload failed, keeping the files in its cache.)

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cancel::Upload;
use crate::connection::Connection;

/// davfs2's cache of system mounts.
const CACHE: &str = "/var/cache/davfs2";

/// The `mount.davfs` daemon serving `conn`, pinned by a pidfd.
pub(crate) struct Daemon {
    pid: u32,
    fd: OwnedFd,
    /// Its cache folder, where files it could not upload stay.
    cache: Option<PathBuf>,
}

/// Find the daemon from `/proc` only. A process counts only if it runs the real
/// `mount.davfs` (its executable, which no one can fake), as root or davfs2's own user,
/// and names the mount point among its arguments.
pub(crate) fn daemon_of(conn: &Connection) -> Option<Daemon> {
    let allowed = [0, crate::users::uid_of("davfs2").unwrap_or(0)];
    for pid in crate::procfs::pids() {
        if !is_daemon_for(pid, &conn.local_name, &allowed) {
            continue;
        }
        let Ok(fd) = rustix::process::Pid::from_raw(pid as i32)
            .ok_or(rustix::io::Errno::SRCH)
            .and_then(|p| rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()))
        else {
            continue;
        };
        // Checked again now that the pidfd holds it: the PID cannot have been reused since.
        if is_daemon_for(pid, &conn.local_name, &allowed) {
            return Some(Daemon { pid, fd, cache: cache_of(conn) });
        }
    }
    None
}

fn is_daemon_for(pid: u32, mount_point: &OsStr, allowed: &[u32]) -> bool {
    let dir = PathBuf::from(format!("/proc/{pid}"));
    let exe = std::fs::read_link(dir.join("exe")).unwrap_or_default();
    if exe.file_name() != Some(OsStr::new("mount.davfs")) {
        return false;
    }
    // The owner of /proc/PID is the process's effective user.
    if !std::fs::metadata(&dir).is_ok_and(|m| allowed.contains(&m.uid())) {
        return false;
    }
    crate::procfs::cmdline(pid).split(|&b| b == 0).any(|arg| arg == mount_point.as_bytes())
}

/// davfs2 names a mount's cache `HOST+MOUNT-POINT-WITH-DASHES+USER`.
fn cache_of(conn: &Connection) -> Option<PathBuf> {
    let source = conn.source.as_bytes();
    let host = source.split(|&b| b == b'/').nth(2)?;
    let host = host.split(|&b| b == b':').next()?;
    let mut dashed: Vec<u8> = conn.local_name.as_bytes().strip_prefix(b"/")?.to_vec();
    dashed.iter_mut().filter(|b| **b == b'/').for_each(|b| *b = b'-');
    let mut prefix = host.to_vec();
    prefix.push(b'+');
    prefix.extend_from_slice(&dashed);
    prefix.push(b'+');
    std::fs::read_dir(CACHE)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().as_bytes().starts_with(&prefix))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .map(|e| e.path())
}

/// Files davfs2 still has to upload: marked dirty in its index.
fn has_dirty_files(cache: &Path) -> bool {
    std::fs::read(cache.join("index"))
        .is_ok_and(|index| index.windows(b"<d:dirty>1<".len()).any(|w| w == b"<d:dirty>1<"))
}

/// Wait at most `bound` for the daemon to end, then look at what it left.
pub(crate) fn wait_for_upload(daemon: Option<Daemon>, bound: Duration) -> Upload {
    let Some(d) = daemon else { return Upload::Unknown };
    let ended = crate::wait::ready_by(d.fd.as_fd(), rustix::event::PollFlags::IN, Instant::now() + bound);
    match (ended, d.cache) {
        (Ok(true), Some(cache)) if has_dirty_files(&cache) => Upload::NotUploaded { kept_in: cache },
        (Ok(true), Some(_)) => Upload::Done,
        (Ok(true), None) => Upload::Unknown,
        _ => Upload::StillRunning { pid: d.pid },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dirty_index_entry_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index"), "<d:root>\n <d:file>\n  <d:dirty>1</d:dirty>\n").unwrap();
        assert!(has_dirty_files(dir.path()));
        std::fs::write(dir.path().join("index"), "<d:root>\n <d:file>\n  <d:dirty>0</d:dirty>\n").unwrap();
        assert!(!has_dirty_files(dir.path()));
    }
}
