//! The forked unmount child: system calls only, on memory prepared before the fork (no
//! allocation, no locks), so it is safe whatever the parent's other threads held.
//! rustix makes the calls straight to the kernel; the paths are `&CStr`, never copied.

use std::ffi::CStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};

use rustix::fs::{openat, statx, AtFlags, Mode, OFlags, StatxFlags, CWD};
use rustix::io::Errno;
use rustix::mount::{unmount, UnmountFlags};

use super::{encode, Action, Report, Target};

/// The child's process name: `who` tells a pending disconnect from a user of the drive by it.
pub(super) const NAME: &CStr = c"netdrive-umount";

/// The forked child. Never returns.
///
/// # Safety
/// Call only in a freshly forked child, with the two pipe ends it was given.
pub(super) unsafe fn main(t: &mut Target, step: Action, go: RawFd, res: RawFd) -> ! {
    // SAFETY: the parent's pipe ends, inherited open.
    let go = unsafe { BorrowedFd::borrow_raw(go) };
    let mut byte = [0u8; 1];
    if !matches!(rustix::io::read(go, &mut byte), Ok(1)) {
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
    }
    // So `netdrive who` and `ps` can tell a pending disconnect from a user of the drive.
    let _ = rustix::thread::set_name(NAME);
    let bytes = encode(act(t, step));
    // SAFETY: descriptor 0 is the report pipe now.
    let report = unsafe { BorrowedFd::borrow_raw(0) };
    // A fixed-size record, under PIPE_BUF: written whole.
    let _ = rustix::io::write(report, &bytes);
    // SAFETY: _exit ends the child without running the parent's exit handlers.
    unsafe { libc::_exit(0) }
}

/// Look the mount up without following symlinks, check it, then do `step`.
fn act(t: &mut Target, step: Action) -> Report {
    let Target { parents, last, mount_id, table } = t;
    let (last, mount_id) = (last.as_c_str(), *mount_id);
    let no_follow = OFlags::PATH | OFlags::NOFOLLOW | OFlags::DIRECTORY | OFlags::CLOEXEC;
    // Walk to the parent folder without following a symlink anywhere.
    let mut dir = match openat(CWD, c"/", OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty()) {
        Ok(d) => d,
        Err(e) => return Report::Errno(e),
    };
    for part in parents.iter() {
        dir = match openat(&dir, part.as_c_str(), no_follow, Mode::empty()) {
            Ok(next) => next,
            Err(e) => return Report::PathChanged(e),
        };
    }
    // From here on the last component is looked up in this very folder.
    if let Err(e) = rustix::process::fchdir(&dir) {
        return Report::Errno(e);
    }
    drop(dir);
    let open_last = |flags: OFlags| openat(CWD, last, flags, Mode::empty());

    // The topmost mount at the place must be the listed one, with nothing inside it.
    // Returns its unique id when the kernel has them.
    let verify = |table: &mut [u8]| -> Result<Option<u64>, Report> {
        let fd = open_last(no_follow).map_err(Report::PathChanged)?;
        // Closed at once: an O_PATH descriptor would keep the mount busy.
        let (top, unique) = mount_ids(fd).map_err(Report::Errno)?;
        if top != mount_id {
            return Err(match first_child_of(mount_id, table) {
                Ok(Some(_)) => Report::Covered(top),
                _ => Report::Elsewhere(top),
            });
        }
        match first_child_of(mount_id, table)? {
            Some(child) => Err(Report::Nested(child)),
            None => Ok(unique),
        }
    };
    // After a successful call: is the listed mount still the topmost one there?
    let still_there = |unique: Option<u64>| -> bool {
        let Ok(fd) = open_last(no_follow) else { return false };
        match (mount_ids(fd), unique) {
            (Ok((_, Some(now))), Some(was)) => now == was,
            (Ok((now, _)), _) => now == mount_id,
            (Err(_), _) => false,
        }
    };
    let flush = || -> Result<(), Errno> {
        // The mount's root folder, read-only; closed before the unmount (it would keep
        // the mount busy).
        let fd = open_last(OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC)?;
        rustix::fs::syncfs(&fd)?;
        // Many filesystems (sshfs among them) flush and open a folder without asking
        // the server; statfs always asks. A dead server blocks here, within the bound.
        rustix::fs::fstatfs(&fd)?;
        Ok(())
    };
    // Relative to the pinned parent; NOFOLLOW: never a symlink.
    let umount = |flags: UnmountFlags| unmount(last, flags | UnmountFlags::NOFOLLOW);

    let unique = match verify(table) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let done =
        |detached: bool| if still_there(unique) { Report::StillThere } else { Report::Done { detached } };
    match step {
        Action::Flush => match flush() {
            Ok(()) => Report::Done { detached: false },
            Err(e) => Report::Errno(e),
        },
        Action::FlushAndUnmount => {
            if let Err(e) = flush() {
                return Report::Errno(e);
            }
            if let Err(r) = verify(table) {
                return r;
            }
            match umount(UnmountFlags::empty()) {
                Ok(()) => done(false),
                Err(e) => Report::Errno(e),
            }
        }
        Action::Detach => match umount(UnmountFlags::DETACH) {
            Ok(()) => done(true),
            Err(e) => Report::Errno(e),
        },
        Action::ForceThenDetach => match umount(UnmountFlags::FORCE) {
            Ok(()) => done(false),
            Err(Errno::BUSY) => {
                if let Err(r) = verify(table) {
                    return r;
                }
                match umount(UnmountFlags::DETACH) {
                    Ok(()) => done(true),
                    Err(e) => Report::Errno(e),
                }
            }
            Err(e) => Report::Errno(e),
        },
    }
}

/// The mount ids of what `fd` is on: (`STATX_MNT_ID`, `STATX_MNT_ID_UNIQUE` if known).
/// `AT_STATX_DONT_SYNC`: the ids come from the kernel's own tables, no server is asked.
/// Takes `fd` and closes it.
fn mount_ids(fd: OwnedFd) -> Result<(u64, Option<u64>), Errno> {
    let ask = |mask: StatxFlags| -> Result<Option<u64>, Errno> {
        let stx = statx(fd.as_fd(), c"", AtFlags::EMPTY_PATH | AtFlags::STATX_DONT_SYNC, mask)?;
        Ok((stx.stx_mask & mask.bits() != 0).then_some(stx.stx_mnt_id))
    };
    let old = ask(StatxFlags::MNT_ID)?.ok_or(Errno::NOSYS)?;
    Ok((old, ask(StatxFlags::from_bits_retain(libc::STATX_MNT_ID_UNIQUE))?))
}

/// The first mount in `/proc/self/mountinfo` whose parent is `id`, read into `buf`.
fn first_child_of(id: u64, buf: &mut [u8]) -> Result<Option<u64>, Report> {
    let fd = openat(CWD, c"/proc/self/mountinfo", OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())
        .map_err(Report::Errno)?;
    let mut len = 0;
    loop {
        let Some(rest) = buf.get_mut(len..).filter(|r| !r.is_empty()) else {
            return Err(Report::TableTooBig);
        };
        match rustix::io::read(&fd, rest) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(Report::Errno(e)),
        }
    }
    drop(fd);
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
