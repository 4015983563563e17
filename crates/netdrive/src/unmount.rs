//! The one step that must touch the server, the unmount, in a bounded child process.
//!
//! The mount to act on is pinned, not named. The child walks from `/` to the mount
//! point's parent one component at a time with `O_PATH | O_NOFOLLOW | O_DIRECTORY`, so a
//! folder swapped for a symlink anywhere on the way stops it (`ELOOP`/`ENOTDIR`), and
//! `fchdir`s into that parent. Before acting it reads the mount table (nothing may be
//! mounted inside or over the drive), then opens the last component (`O_PATH`) and checks
//! with `statx(STATX_MNT_ID)` (or `fdinfo`'s `mnt_id` on kernels before 5.8) that the
//! topmost mount there is the listed one.
//!
//! How it then acts depends on who can change that parent folder. If only root can
//! (owned by root, not writable by group or others), the name cannot change under it and
//! a plain `umount2` of the last component, relative to the pinned parent, is exact. If
//! someone else can (a home folder, `/tmp`), a name is not trustworthy even for a moment,
//! so it acts on the checked descriptor itself: `umount2("/proc/self/fd/N", MNT_DETACH)`
//! takes exactly that mount out of the tree (the busy check just before found no users;
//! a program that opens a file in the last instant keeps the connection until it closes
//! it, and loses nothing). `--detach` and `--force` always act through the descriptor.
//! Afterwards the child checks, by mount id, that the listed mount left the table.
//!
//! Why a process and not a thread: a process cannot exit while one of its threads is
//! stuck in the kernel on a dead server, and FUSE and NFS wait uninterruptibly once a
//! request is sent. The child reports over a pipe, so the caller never depends on
//! `waitpid` (a host that sets `SIGCHLD` to `SIG_IGN` has its children reaped for it),
//! and it is signalled through a pidfd, so a PID reused by another process is never hit.
//! It runs with default signal handlers in its own process group: the host's handlers
//! and a terminal's Ctrl-C never run in or reach it.

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};
use std::time::{Duration, Instant};

mod child;

/// What the child does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// Flush (`syncfs`) and ask the server (`fstatfs`); no unmount.
    Flush,
    /// Flush, ask the server, then unmount.
    FlushAndUnmount,
    /// `MNT_FORCE` (aborts outstanding requests); if still busy, `MNT_DETACH`.
    ForceThenDetach,
    /// `MNT_DETACH`.
    Detach,
}

/// What the child found. Sent over the pipe as a fixed-size record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Report {
    /// Done; whether it had to detach (the connection lives on while programs use it).
    Done { detached: bool },
    /// A system call failed with this errno.
    Errno(i32),
    /// A component of the path is no longer a plain folder (a symlink, or gone).
    PathChanged(i32),
    /// Another mount (this id) is on top of the listed one at its place.
    Covered(u64),
    /// Nothing at that place is the listed mount any more (the topmost is this id).
    Elsewhere(u64),
    /// Another mount (this id) is mounted inside the listed one.
    Nested(u64),
    /// The unmount call succeeded but the listed mount is still in the table: something
    /// else was unmounted in its place.
    StillThere,
    /// The mount table did not fit the buffer prepared for it.
    TableTooBig,
}

/// How the child ended, seen from the caller.
#[derive(Debug)]
pub(crate) enum Outcome {
    Reported(Report),
    /// No report within the bound. The child was killed; one stuck in the kernel stays
    /// until the server answers or the connection is aborted. `unmounting`: it had
    /// started the unmount call itself (so the system may still finish it).
    NoAnswer {
        unmounting: bool,
    },
}

/// The listed mount, prepared before the fork (the child must not allocate).
pub(crate) struct Target {
    parents: Vec<CString>,
    last: CString,
    mount_id: u64,
    /// A buffer for `/proc/self/mountinfo` in the child.
    table: Vec<u8>,
    /// Descriptors to close in the child when `close_range` is missing (Linux < 5.9).
    max_fd: i32,
}

/// Why a mount point cannot be a target.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BadTarget {
    /// Not an absolute path of plain components.
    NotAbsolute,
    /// `/` itself.
    Root,
}

impl Target {
    pub(crate) fn new(mount_point: &Path, mount_id: u64, table_len: usize) -> Result<Target, BadTarget> {
        let mut parts = Vec::new();
        let mut comps = mount_point.components();
        if comps.next() != Some(Component::RootDir) {
            return Err(BadTarget::NotAbsolute);
        }
        for c in comps {
            match c {
                Component::Normal(n) => {
                    parts.push(CString::new(n.as_bytes()).map_err(|_| BadTarget::NotAbsolute)?)
                }
                _ => return Err(BadTarget::NotAbsolute),
            }
        }
        let last = parts.pop().ok_or(BadTarget::Root)?;
        // Room for the table to grow while we work; past this, the child says so.
        let table = vec![0u8; table_len.saturating_mul(2).max(64 * 1024)];
        let max_fd = rustix::process::getrlimit(rustix::process::Resource::Nofile)
            .current
            .map_or(4096, |n| n.min(1 << 20) as i32);
        Ok(Target { parents: parts, last, mount_id, table, max_fd })
    }
}

const REPORT_LEN: usize = 20;
/// Sent before the report when the child is about to call `umount2`.
const UNMOUNTING: u8 = b'u';
/// Sent before the report itself.
const REPORT: u8 = b'r';

/// The child's process name: `who` tells a pending disconnect from a user of the drive by it.
const CHILD_NAME: &std::ffi::CStr = c"netdrive-umount";

fn encode(r: Report) -> [u8; REPORT_LEN] {
    let (kind, a, b): (u32, i64, u64) = match r {
        Report::Done { detached } => (0, detached as i64, 0),
        Report::Errno(e) => (1, e as i64, 0),
        Report::PathChanged(e) => (2, e as i64, 0),
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

fn decode(buf: &[u8]) -> Option<Report> {
    let kind = u32::from_ne_bytes(buf.get(..4)?.try_into().ok()?);
    let a = i64::from_ne_bytes(buf.get(4..12)?.try_into().ok()?);
    let b = u64::from_ne_bytes(buf.get(12..REPORT_LEN)?.try_into().ok()?);
    let errno = i32::try_from(a).ok();
    Some(match kind {
        0 => Report::Done { detached: a != 0 },
        1 => Report::Errno(errno?),
        2 => Report::PathChanged(errno?),
        3 => Report::Covered(b),
        4 => Report::Elsewhere(b),
        5 => Report::Nested(b),
        6 => Report::StillThere,
        7 => Report::TableTooBig,
        _ => return None,
    })
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: both descriptors were just created and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Run `action` on `target` in a child process for at most `bound`.
pub(crate) fn run(target: &mut Target, action: Action, bound: Duration) -> std::io::Result<Outcome> {
    let (go_r, go_w) = pipe()?;
    let (res_r, res_w) = pipe()?;
    // No signal may run a host handler in the child between fork and its own set-up.
    // SAFETY: plain data; sigfillset initialises it.
    let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `old` is plain data pthread_sigmask fills in.
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: valid sigset pointers; blocks signals for this thread only.
    unsafe {
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
    }
    // SAFETY: the child runs only async-signal-safe system calls on memory prepared
    // before the fork (no allocation, no locks), so other threads' state cannot bite it.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: in the freshly forked child; the descriptors are ours.
        unsafe { child::child(target, action, go_r.as_raw_fd(), res_w.as_raw_fd()) }
    }
    let forked = std::io::Error::last_os_error();
    // SAFETY: restoring this thread's own mask.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    if pid < 0 {
        return Err(forked);
    }
    drop(go_r);
    drop(res_w);
    // The child waits for this before doing anything, so it is alive (not reaped, its
    // PID not reused) when the pidfd is taken.
    let pidfd = rustix::process::Pid::from_raw(pid)
        .and_then(|p| rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty()).ok());
    // SAFETY: writing one byte from a valid buffer to our pipe.
    unsafe { libc::write(go_w.as_raw_fd(), b"g".as_ptr().cast(), 1) };
    drop(go_w);

    let (report, unmounting) = read_report(&res_r, bound);
    if report.is_none() {
        match &pidfd {
            Some(fd) => {
                let _ = rustix::process::pidfd_send_signal(fd, rustix::process::Signal::KILL);
            }
            // SAFETY: without pidfds (Linux < 5.3): the child had not reported, so it was
            // alive a moment ago and its PID is still its own unless it died just now.
            None => unsafe {
                libc::kill(pid, libc::SIGKILL);
            },
        }
    }
    reap(pid, pidfd);
    Ok(match report {
        Some(Some(r)) => Outcome::Reported(r),
        // The pipe closed without a report: the child died (it was killed by someone).
        Some(None) => Outcome::Reported(Report::Errno(libc::EINTR)),
        None => Outcome::NoAnswer { unmounting },
    })
}

/// `(Some(Some(report)), _)`, `(Some(None), _)` when the pipe ended without one, `(None,
/// unmounting)` on timeout.
fn read_report(fd: &OwnedFd, bound: Duration) -> (Option<Option<Report>>, bool) {
    let deadline = Instant::now() + bound;
    let mut buf = [0u8; REPORT_LEN + 2];
    let mut got = 0;
    let mut unmounting = false;
    loop {
        // Take the marks off the front.
        while got > 0 && buf[0] == UNMOUNTING {
            unmounting = true;
            buf.copy_within(1..got, 0);
            got -= 1;
        }
        if got > 0 && buf[0] != REPORT {
            return (Some(None), unmounting);
        }
        if got > REPORT_LEN {
            return (Some(decode(&buf[1..=REPORT_LEN])), unmounting);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return (None, unmounting);
        }
        let mut p = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut p, 1, ms) };
        if r < 0 {
            if last_errno() == libc::EINTR {
                continue;
            }
            return (Some(None), unmounting);
        }
        if r == 0 {
            continue;
        }
        match rustix::io::read(fd, &mut buf[got..]) {
            Ok(0) => return (Some(None), unmounting),
            Ok(n) => got += n,
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return (Some(None), unmounting),
        }
    }
}

/// Collect the child's exit status in the background. With a pidfd the wait is for that
/// very process; a host that reaps children itself (or ignores SIGCHLD) makes it a no-op.
fn reap(pid: libc::pid_t, pidfd: Option<OwnedFd>) {
    let _ = std::thread::Builder::new().name("netdrive-reap".into()).spawn(move || match pidfd {
        Some(fd) => {
            let _ = rustix::process::waitid(
                rustix::process::WaitId::PidFd(fd.as_fd_ref()),
                rustix::process::WaitIdOptions::EXITED,
            );
        }
        None => {
            let mut status = 0;
            // SAFETY: `pid` is our child; `status` is a valid out-pointer.
            unsafe { libc::waitpid(pid, &mut status, 0) };
        }
    });
}

trait AsFdRef {
    fn as_fd_ref(&self) -> std::os::fd::BorrowedFd<'_>;
}

impl AsFdRef for OwnedFd {
    fn as_fd_ref(&self) -> std::os::fd::BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_survive_the_pipe_encoding() {
        for r in [
            Report::Done { detached: true },
            Report::Errno(libc::EBUSY),
            Report::PathChanged(libc::ELOOP),
            Report::Covered(u64::MAX),
            Report::Elsewhere(7),
            Report::Nested(9),
            Report::StillThere,
            Report::TableTooBig,
        ] {
            assert_eq!(decode(&encode(r)), Some(r));
        }
    }

    #[test]
    fn the_child_has_the_name_who_recognises() {
        assert_eq!(CHILD_NAME.to_str().ok(), Some(crate::who::UNMOUNT_CHILD_NAME));
    }

    #[test]
    fn only_absolute_plain_paths_are_targets() {
        assert!(Target::new(Path::new("/mnt/a"), 1, 10).is_ok());
        assert_eq!(Target::new(Path::new("mnt/a"), 1, 10).err(), Some(BadTarget::NotAbsolute));
        assert_eq!(Target::new(Path::new("/mnt/../etc"), 1, 10).err(), Some(BadTarget::NotAbsolute));
        assert_eq!(Target::new(Path::new("/"), 1, 10).err(), Some(BadTarget::Root));
    }
}
