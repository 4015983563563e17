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
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path};
use std::time::{Duration, Instant};

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
    Errno(i32),
    /// A component of the path is no longer a plain folder (a symlink, or gone).
    PathChanged(i32),
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

fn decode(buf: &[u8; REPORT_LEN]) -> Option<Report> {
    let kind = u32::from_ne_bytes(buf[..4].try_into().ok()?);
    let a = i64::from_ne_bytes(buf[4..12].try_into().ok()?);
    let b = u64::from_ne_bytes(buf[12..].try_into().ok()?);
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

/// Run `step` on `target` in a child process for at most `bound`.
pub(crate) fn run(target: &mut Target, step: Action, bound: Duration) -> std::io::Result<Outcome> {
    let (go_r, go_w) = pipe()?;
    let (res_r, res_w) = pipe()?;
    // SAFETY: the child runs only async-signal-safe system calls on memory prepared
    // before the fork (no allocation, no locks), so other threads' state cannot bite it.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: in the freshly forked child; the descriptors are ours.
        unsafe { child(target, step, go_r.as_raw_fd(), res_w.as_raw_fd()) }
    }
    drop(go_r);
    drop(res_w);
    // The child waits for this before doing anything, so it is alive (not reaped, its
    // PID not reused) when the pidfd is taken.
    // SAFETY: pidfd_open has no memory arguments; the result is a new descriptor or -1.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    // SAFETY: a descriptor pidfd_open just returned belongs to us.
    let pidfd = (pidfd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(pidfd as i32) });
    // SAFETY: writing one byte from a valid buffer to our pipe.
    unsafe { libc::write(go_w.as_raw_fd(), b"g".as_ptr().cast(), 1) };
    drop(go_w);

    let report = read_report(&res_r, bound);
    if report.is_none() {
        match &pidfd {
            // SAFETY: signalling the exact process the pidfd refers to.
            Some(fd) => unsafe {
                libc::syscall(libc::SYS_pidfd_send_signal, fd.as_raw_fd(), libc::SIGKILL, 0usize, 0u32);
            },
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
        None => Outcome::NoAnswer,
    })
}

/// `Some(Some(report))`, `Some(None)` when the pipe ended without one, `None` on timeout.
fn read_report(fd: &OwnedFd, bound: Duration) -> Option<Option<Report>> {
    let deadline = Instant::now() + bound;
    let mut buf = [0u8; REPORT_LEN];
    let mut got = 0;
    while got < REPORT_LEN {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        let mut p = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        let ms = left.as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd.
        let r = unsafe { libc::poll(&mut p, 1, ms) };
        if r < 0 {
            if last_errno() == libc::EINTR {
                continue;
            }
            return Some(None);
        }
        if r == 0 {
            continue;
        }
        // SAFETY: reading into the unused end of our buffer.
        let n = unsafe { libc::read(fd.as_raw_fd(), buf[got..].as_mut_ptr().cast(), REPORT_LEN - got) };
        match n {
            0 => return Some(None),
            n if n < 0 => {
                if last_errno() != libc::EINTR {
                    return Some(None);
                }
            }
            n => got += n as usize,
        }
    }
    Some(decode(&buf))
}

/// Collect the child's exit status in the background. With a pidfd the wait is for that
/// very process; a host that reaps children itself (or ignores SIGCHLD) makes it a no-op.
fn reap(pid: libc::pid_t, pidfd: Option<OwnedFd>) {
    let _ = std::thread::Builder::new().name("netdrive-reap".into()).spawn(move || match pidfd {
        Some(fd) => {
            // SAFETY: `info` is plain data waitid fills in; all-zero is valid.
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            // SAFETY: waiting on our own pidfd; blocks only this helper thread.
            unsafe { libc::waitid(libc::P_PIDFD, fd.as_raw_fd() as libc::id_t, &mut info, libc::WEXITED) };
        }
        None => {
            let mut status = 0;
            // SAFETY: `pid` is our child; `status` is a valid out-pointer.
            unsafe { libc::waitpid(pid, &mut status, 0) };
        }
    });
}

/// The mount ids of what `fd` is on: (`STATX_MNT_ID`, `STATX_MNT_ID_UNIQUE` if known).
/// `AT_STATX_DONT_SYNC`: the ids come from the kernel's own tables, no server is asked.
///
/// # Safety
/// Async-signal-safe; `fd` must be open.
unsafe fn mount_ids(fd: i32) -> Result<(u64, Option<u64>), i32> {
    let ask = |mask: u32| -> Result<Option<u64>, i32> {
        // SAFETY: `stx` is plain data statx fills in; all-zero is valid.
        let mut stx: libc::statx = unsafe { std::mem::zeroed() };
        // SAFETY: an empty C string with AT_EMPTY_PATH names `fd` itself.
        let r = unsafe {
            libc::statx(fd, c"".as_ptr(), libc::AT_EMPTY_PATH | libc::AT_STATX_DONT_SYNC, mask, &mut stx)
        };
        if r < 0 {
            return Err(last_errno());
        }
        Ok((stx.stx_mask & mask != 0).then_some(stx.stx_mnt_id))
    };
    let old = ask(libc::STATX_MNT_ID)?.ok_or(libc::ENOSYS)?;
    Ok((old, ask(libc::STATX_MNT_ID_UNIQUE)?))
}

/// The first mount in `/proc/self/mountinfo` whose parent is `id`, read into `buf`.
///
/// # Safety
/// Async-signal-safe (no allocation).
unsafe fn first_child_of(id: u64, buf: &mut [u8]) -> Result<Option<u64>, Report> {
    // SAFETY: a constant C string; read-only open.
    let fd = unsafe { libc::open(c"/proc/self/mountinfo".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(Report::Errno(last_errno()));
    }
    let mut len = 0;
    loop {
        if len == buf.len() {
            // SAFETY: closing our own descriptor.
            unsafe { libc::close(fd) };
            return Err(Report::TableTooBig);
        }
        // SAFETY: reading into the unused end of `buf`.
        let n = unsafe { libc::read(fd, buf[len..].as_mut_ptr().cast(), buf.len() - len) };
        if n < 0 {
            let e = last_errno();
            if e == libc::EINTR {
                continue;
            }
            // SAFETY: closing our own descriptor.
            unsafe { libc::close(fd) };
            return Err(Report::Errno(e));
        }
        if n == 0 {
            break;
        }
        len += n as usize;
    }
    // SAFETY: closing our own descriptor.
    unsafe { libc::close(fd) };
    for line in buf[..len].split(|&b| b == b'\n') {
        let mut f = line.split(|&b| b == b' ');
        let (Some(me), Some(parent)) = (f.next(), f.next()) else { continue };
        if parse_u64(parent) == Some(id) {
            if let Some(me) = parse_u64(me) {
                if me != id {
                    return Ok(Some(me));
                }
            }
        }
    }
    Ok(None)
}

fn parse_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() {
        return None;
    }
    b.iter().try_fold(0u64, |n, &c| {
        c.is_ascii_digit().then_some(())?;
        n.checked_mul(10)?.checked_add(u64::from(c - b'0'))
    })
}

/// The forked child. Never returns.
///
/// # Safety
/// Call only in a freshly forked child, with the two pipe ends it was given.
unsafe fn child(t: &mut Target, step: Action, go: i32, res: i32) -> ! {
    let mut byte = 0u8;
    // SAFETY: reading one byte into a local.
    if unsafe { libc::read(go, (&mut byte as *mut u8).cast(), 1) } != 1 {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(1) };
    }
    // A child stuck on a dead server cannot be killed. It must not keep the caller's
    // pipes open, or whoever reads the caller's output waits for it too: keep only the
    // report pipe (as descriptor 0) and close everything else.
    // SAFETY: dup2 and close_range act on this (child) process's descriptors only.
    unsafe {
        libc::dup2(res, 0);
        libc::syscall(libc::SYS_close_range, 1u32, u32::MAX, 0u32);
        // So `netdrive who` and `ps` can tell a pending disconnect from a user of the drive.
        libc::prctl(libc::PR_SET_NAME, CHILD_NAME.as_ptr());
    }
    // SAFETY: in the child, with the target prepared before the fork.
    let report = unsafe { act(t, step) };
    let bytes = encode(report);
    // SAFETY: writing our fixed-size record (atomic: under PIPE_BUF) to the report pipe.
    unsafe {
        libc::write(0, bytes.as_ptr().cast(), bytes.len());
        libc::_exit(0)
    }
}

/// # Safety
/// Async-signal-safe; only in the child.
unsafe fn act(t: &mut Target, step: Action) -> Report {
    // Walk to the parent folder without following a symlink anywhere.
    // SAFETY: constant path; O_PATH opens no file contents.
    let mut dir = unsafe { libc::open(c"/".as_ptr(), libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC) };
    if dir < 0 {
        return Report::Errno(last_errno());
    }
    for part in &t.parents {
        // SAFETY: `part` is a NUL-terminated component; `dir` is open.
        let next = unsafe {
            libc::openat(
                dir,
                part.as_ptr(),
                libc::O_PATH | libc::O_NOFOLLOW | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        let e = last_errno();
        // SAFETY: closing our own descriptor.
        unsafe { libc::close(dir) };
        if next < 0 {
            return Report::PathChanged(e);
        }
        dir = next;
    }
    // From here on the last component is looked up in this very folder.
    // SAFETY: `dir` is an open folder.
    if unsafe { libc::fchdir(dir) } < 0 {
        return Report::Errno(last_errno());
    }
    let last = t.last.as_ptr();
    let mount_id = t.mount_id;

    // The topmost mount at the place must be the listed one, with nothing inside it.
    // Returns its unique id when the kernel has them.
    let verify = |t: &mut Target| -> Result<Option<u64>, Report> {
        // SAFETY: `last` is a NUL-terminated component; the cwd is the pinned parent.
        let fd = unsafe {
            libc::openat(
                libc::AT_FDCWD,
                last,
                libc::O_PATH | libc::O_NOFOLLOW | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(Report::PathChanged(last_errno()));
        }
        // SAFETY: `fd` is open.
        let ids = unsafe { mount_ids(fd) };
        // SAFETY: closing our own descriptor (an O_PATH descriptor would keep the mount busy).
        unsafe { libc::close(fd) };
        let (top, unique) = ids.map_err(Report::Errno)?;
        if top != mount_id {
            // SAFETY: async-signal-safe scan into the prepared buffer.
            return Err(match unsafe { first_child_of(mount_id, &mut t.table) } {
                Ok(Some(_)) => Report::Covered(top),
                _ => Report::Elsewhere(top),
            });
        }
        // SAFETY: as above.
        match unsafe { first_child_of(mount_id, &mut t.table) }? {
            Some(child) => Err(Report::Nested(child)),
            None => Ok(unique),
        }
    };
    // After a successful call: is the listed mount still the topmost one there?
    let still_there = |unique: Option<u64>| -> bool {
        // SAFETY: as in `verify`.
        let fd = unsafe {
            libc::openat(
                libc::AT_FDCWD,
                last,
                libc::O_PATH | libc::O_NOFOLLOW | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return false;
        }
        // SAFETY: `fd` is open.
        let ids = unsafe { mount_ids(fd) };
        // SAFETY: closing our own descriptor.
        unsafe { libc::close(fd) };
        match (ids, unique) {
            (Ok((_, Some(now))), Some(was)) => now == was,
            (Ok((now, _)), _) => now == mount_id,
            (Err(_), _) => false,
        }
    };
    let flush = || -> i32 {
        // SAFETY: opening the pinned mount's root folder read-only (the cwd is its parent).
        let fd = unsafe {
            libc::openat(
                libc::AT_FDCWD,
                last,
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return last_errno();
        }
        // SAFETY: `fd` was just opened.
        let mut e = if unsafe { libc::syncfs(fd) } < 0 { last_errno() } else { 0 };
        if e == 0 {
            // Many filesystems (sshfs among them) flush and open a folder without asking
            // the server; statfs always asks. A dead server blocks here, within the bound.
            // SAFETY: `st` is plain data that fstatfs fills in; all-zero is valid.
            let mut st: libc::statfs = unsafe { std::mem::zeroed() };
            // SAFETY: `fd` is open and `st` is a valid out-pointer.
            if unsafe { libc::fstatfs(fd, &mut st) } < 0 {
                e = last_errno();
            }
        }
        // SAFETY: closing our own descriptor (before the unmount: it would keep it busy).
        unsafe { libc::close(fd) };
        e
    };
    let umount = |flags: libc::c_int| -> i32 {
        // SAFETY: `last` is relative to the pinned parent; NOFOLLOW: never a symlink.
        if unsafe { libc::umount2(last, flags | libc::UMOUNT_NOFOLLOW) } < 0 {
            last_errno()
        } else {
            0
        }
    };

    let unique = match verify(t) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let done =
        |detached: bool| if still_there(unique) { Report::StillThere } else { Report::Done { detached } };
    match step {
        Action::Flush => match flush() {
            0 => Report::Done { detached: false },
            e => Report::Errno(e),
        },
        Action::FlushAndUnmount => {
            let e = flush();
            if e != 0 {
                return Report::Errno(e);
            }
            if let Err(r) = verify(t) {
                return r;
            }
            match umount(0) {
                0 => done(false),
                e => Report::Errno(e),
            }
        }
        Action::Detach => match umount(libc::MNT_DETACH) {
            0 => done(true),
            e => Report::Errno(e),
        },
        Action::ForceThenDetach => match umount(libc::MNT_FORCE) {
            0 => done(false),
            libc::EBUSY => {
                if let Err(r) = verify(t) {
                    return r;
                }
                match umount(libc::MNT_DETACH) {
                    0 => done(true),
                    e => Report::Errno(e),
                }
            }
            e => Report::Errno(e),
        },
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
        assert!(Target::new(Path::new("/mnt/a"), 1, 10).is_some());
        assert!(Target::new(Path::new("mnt/a"), 1, 10).is_none());
        assert!(Target::new(Path::new("/mnt/../etc"), 1, 10).is_none());
        assert!(Target::new(Path::new("/"), 1, 10).is_none());
    }
}
