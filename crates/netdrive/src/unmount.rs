//! The one step that must touch the server, the unmount, in a bounded child process.
//!
//! The mount to act on is pinned, not named: the child walks from `/` to the mount
//! point's parent one component at a time with `O_PATH | O_NOFOLLOW | O_DIRECTORY`, so a
//! folder swapped for a symlink anywhere on the way stops it (`ELOOP`/`ENOTDIR`) instead
//! of leading it elsewhere; it then `fchdir`s into that parent and acts on the last
//! component relative to it. Right before each `umount2` it checks that the topmost
//! mount at that place is the listed one (its mount id from `statx(STATX_MNT_ID)`, and
//! the 64-bit unique id `STATX_MNT_ID_UNIQUE` where the kernel has it, Linux 6.8+) and
//! that nothing is mounted inside it; right after, that the listed mount is no longer
//! there. What remains between the last check and the system call is a few system calls'
//! time, and only someone allowed to mount on that folder can use it; the check after
//! the call then reports the result truthfully (see the README's security notes).
//!
//! Why a process and not a thread: a process cannot exit while one of its threads is
//! stuck in the kernel on a dead server, and FUSE and NFS wait uninterruptibly once a
//! request is sent. The child reports over a pipe, so the caller never depends on
//! `waitpid` (a host that sets `SIGCHLD` to `SIG_IGN` has its children reaped for it),
//! and it is signalled through a pidfd, so a PID reused by another process is never hit.

use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};
use std::time::{Duration, Instant};

use rustix::event::PollFlags;
use rustix::io::Errno;
use rustix::pipe::{pipe_with, PipeFlags};
use rustix::process::{pidfd_open, pidfd_send_signal, Pid, PidfdFlags, Signal};

use crate::wait::ready_by;

mod child;

/// What the child does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Flush (`syncfs`) and ask the server (`fstatfs`); no unmount.
    Flush,
    /// Flush, ask the server, then unmount.
    FlushAndUnmount,
    /// `MNT_FORCE`; if still busy, `MNT_DETACH`.
    ForceThenDetach,
    /// `MNT_DETACH`.
    Detach,
}

/// What the child found. Sent over the pipe as a fixed-size record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Report {
    /// Done; for `ForceThenDetach`, whether it had to detach.
    Done { detached: bool },
    /// A system call failed with this errno.
    Errno(Errno),
    /// A component of the path is no longer a plain folder (a symlink, or gone).
    PathChanged(Errno),
    /// Another mount (this id) is on top of the listed one at its place.
    Covered(u64),
    /// Nothing at that place is the listed mount any more (the topmost is this id).
    Elsewhere(u64),
    /// Another mount (this id) is mounted inside the listed one.
    Nested(u64),
    /// The unmount call succeeded but the listed mount is still there: something
    /// mounted over it in the last moment was unmounted instead (this id was on top).
    StillThere,
    /// The mount table did not fit the buffer prepared for it.
    TableTooBig,
}

/// How the child ended, seen from the caller.
#[derive(Debug)]
pub(crate) enum Outcome {
    Reported(Report),
    /// No report within the bound. The child was killed; one stuck in the kernel stays
    /// until the server answers or the connection is aborted.
    NoAnswer,
}

/// The listed mount, prepared before the fork (the child must not allocate).
pub(crate) struct Target {
    parents: Vec<CString>,
    last: CString,
    mount_id: u64,
    /// A buffer for `/proc/self/mountinfo` in the child.
    table: Vec<u8>,
}

impl Target {
    /// `None` when the mount point is not an absolute path of plain components.
    pub(crate) fn new(mount_point: &Path, mount_id: u64, table_len: usize) -> Option<Target> {
        let mut parts = Vec::new();
        let mut comps = mount_point.components();
        if comps.next() != Some(Component::RootDir) {
            return None;
        }
        for c in comps {
            match c {
                Component::Normal(n) => parts.push(CString::new(n.as_bytes()).ok()?),
                _ => return None,
            }
        }
        let last = parts.pop()?;
        // Room for the table to grow while we work; past this, the child says so.
        let table = vec![0u8; table_len.saturating_mul(2).max(64 * 1024)];
        Some(Target { parents: parts, last, mount_id, table })
    }
}

const REPORT_LEN: usize = 20;

fn encode(r: Report) -> [u8; REPORT_LEN] {
    let (kind, a, b): (u32, i64, u64) = match r {
        Report::Done { detached } => (0, detached as i64, 0),
        Report::Errno(e) => (1, e.raw_os_error().into(), 0),
        Report::PathChanged(e) => (2, e.raw_os_error().into(), 0),
        Report::Covered(id) => (3, 0, id),
        Report::Elsewhere(id) => (4, 0, id),
        Report::Nested(id) => (5, 0, id),
        Report::StillThere => (6, 0, 0),
        Report::TableTooBig => (7, 0, 0),
    };
    let mut out = [0u8; REPORT_LEN];
    out[..4].copy_from_slice(&kind.to_ne_bytes());
    out[4..12].copy_from_slice(&a.to_ne_bytes());
    out[12..].copy_from_slice(&b.to_ne_bytes());
    out
}

fn decode(buf: &[u8; REPORT_LEN]) -> Option<Report> {
    let kind = u32::from_ne_bytes(buf[..4].try_into().ok()?);
    let a = i64::from_ne_bytes(buf[4..12].try_into().ok()?);
    let b = u64::from_ne_bytes(buf[12..].try_into().ok()?);
    // An errno is 1..4095 (rustix's Errno asserts it): anything else is no report.
    let errno = || i32::try_from(a).ok().filter(|e| (1..4096).contains(e)).map(Errno::from_raw_os_error);
    Some(match kind {
        0 => Report::Done { detached: a != 0 },
        1 => Report::Errno(errno()?),
        2 => Report::PathChanged(errno()?),
        3 => Report::Covered(b),
        4 => Report::Elsewhere(b),
        5 => Report::Nested(b),
        6 => Report::StillThere,
        7 => Report::TableTooBig,
        _ => return None,
    })
}

/// Run `step` on `target` in a child process for at most `bound`.
pub(crate) fn run(target: &mut Target, step: Action, bound: Duration) -> std::io::Result<Outcome> {
    let (go_r, go_w) = pipe_with(PipeFlags::CLOEXEC)?;
    let (res_r, res_w) = pipe_with(PipeFlags::CLOEXEC)?;
    // SAFETY: the child runs only async-signal-safe system calls on memory prepared
    // before the fork (no allocation, no locks), so other threads' state cannot bite it.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: in the freshly forked child; the descriptors are ours.
        unsafe { child::main(target, step, go_r.as_raw_fd(), res_w.as_raw_fd()) }
    }
    drop(go_r);
    drop(res_w);
    let pid = Pid::from_raw(pid).ok_or_else(|| std::io::Error::from(std::io::ErrorKind::Other))?;
    // The child waits for this before doing anything, so it is alive (not reaped, its
    // PID not reused) when the pidfd is taken.
    let pidfd = pidfd_open(pid, PidfdFlags::empty()).ok();
    let _ = rustix::io::write(&go_w, b"g");
    drop(go_w);

    let report = read_report(&res_r, bound);
    if report.is_none() {
        let _ = match &pidfd {
            // The exact process the pidfd refers to.
            Some(fd) => pidfd_send_signal(fd, Signal::KILL),
            // Without pidfds (Linux < 5.3): the child had not reported, so it was alive a
            // moment ago and its PID is still its own unless it died just now.
            None => rustix::process::kill_process(pid, Signal::KILL),
        };
    }
    reap(pid, pidfd);
    Ok(match report {
        Some(Some(r)) => Outcome::Reported(r),
        // The pipe closed without a report: the child died (it was killed by someone).
        Some(None) => Outcome::Reported(Report::Errno(Errno::INTR)),
        None => Outcome::NoAnswer,
    })
}

/// `Some(Some(report))`, `Some(None)` when the pipe ended without one, `None` on timeout.
fn read_report(fd: &OwnedFd, bound: Duration) -> Option<Option<Report>> {
    let deadline = Instant::now() + bound;
    let mut buf = [0u8; REPORT_LEN];
    let mut got = 0;
    while got < REPORT_LEN {
        match ready_by(fd.as_fd(), PollFlags::IN, deadline) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(_) => return Some(None),
        }
        match rustix::io::read(fd, &mut buf[got..]) {
            Ok(0) => return Some(None),
            Ok(n) => got += n,
            Err(Errno::INTR) => {}
            Err(_) => return Some(None),
        }
    }
    Some(decode(&buf))
}

/// Collect the child's exit status in the background. With a pidfd the wait is for that
/// very process; a host that reaps children itself (or ignores SIGCHLD) makes it a no-op.
fn reap(pid: Pid, pidfd: Option<OwnedFd>) {
    use rustix::process::{waitid, waitpid, WaitId, WaitIdOptions, WaitOptions};
    let _ = std::thread::Builder::new().name("netdrive-reap".into()).spawn(move || match pidfd {
        Some(fd) => drop(waitid(WaitId::PidFd(fd.as_fd()), WaitIdOptions::EXITED)),
        None => drop(waitpid(Some(pid), WaitOptions::empty())),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_survive_the_pipe_encoding() {
        for r in [
            Report::Done { detached: true },
            Report::Errno(Errno::BUSY),
            Report::PathChanged(Errno::LOOP),
            Report::Covered(u64::MAX),
            Report::Elsewhere(7),
            Report::Nested(9),
            Report::StillThere,
            Report::TableTooBig,
        ] {
            assert_eq!(decode(&encode(r)), Some(r));
        }
        let mut bad = encode(Report::Errno(Errno::BUSY));
        bad[4..12].copy_from_slice(&0i64.to_ne_bytes());
        assert_eq!(decode(&bad), None, "an errno of 0 is no report, never a panic");
    }

    #[test]
    fn the_child_has_the_name_who_recognises() {
        assert_eq!(child::NAME.to_str().ok(), Some(crate::who::UNMOUNT_CHILD_NAME));
    }

    #[test]
    fn only_absolute_plain_paths_are_targets() {
        assert!(Target::new(Path::new("/mnt/a"), 1, 10).is_some());
        assert!(Target::new(Path::new("mnt/a"), 1, 10).is_none());
        assert!(Target::new(Path::new("/mnt/../etc"), 1, 10).is_none());
        assert!(Target::new(Path::new("/"), 1, 10).is_none());
    }
}
