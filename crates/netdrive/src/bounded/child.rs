//! The child's side of a bounded access: system calls only, on memory prepared before it
//! started (no allocation, no locks, no panics), with every signal blocked. It reads the
//! file (or, for a change, locks, reads, and replaces it) and reports in records.

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, RawFd};

use rustix::fs::{AtFlags, FileType, FlockOperation, Mode, OFlags, CWD};
use rustix::io::Errno;

use super::{is_dev_null, Job, Stage, UpdateJob};
use super::{PHASE_LOCKED, PHASE_LOCKING, REC_DATA, REC_DONE, REC_END, REC_FAIL, REC_MISSING, REC_PHASE};

/// The child. Never returns.
///
/// # Safety
/// Only in a child just made by `worker::clone_pidfd`; `keep` are the descriptors it uses.
pub(super) unsafe fn main(
    job: &Job<'_>,
    keep: &[RawFd; 2],
    buf: &mut [u8],
    dirents: &mut [MaybeUninit<u8>],
) -> ! {
    // Keep only our pipes: a child stuck on a dead server must not hold the caller's
    // standard output (or anything else) open.
    let close_range = |from: u32, to: u32| {
        // SAFETY: close_range only closes this process's descriptors.
        unsafe { libc::syscall(libc::SYS_close_range, from, to, 0u32) };
    };
    let mut kept = [keep[0], keep[1]];
    kept.sort_unstable();
    let mut from = 0u32;
    for fd in kept.into_iter().filter_map(|fd| u32::try_from(fd).ok()) {
        if fd > from {
            close_range(from, fd - 1);
        }
        from = fd + 1;
    }
    close_range(from, u32::MAX);
    // SAFETY: the caller keeps these open in the child.
    let up = unsafe { BorrowedFd::borrow_raw(keep[0]) };
    match job {
        Job::Read { path, limit } => read_job(up, path, *limit, buf),
        Job::Update(u) => {
            // SAFETY: as above.
            let down = unsafe { BorrowedFd::borrow_raw(keep[1]) };
            update_job(up, down, u, buf, dirents);
        }
    }
    // SAFETY: _exit ends the child without running the parent's exit handlers.
    unsafe { libc::_exit(0) }
}

fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> bool {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return false,
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(Errno::INTR) => {}
            Err(_) => return false,
        }
    }
    true
}

fn send(up: BorrowedFd<'_>, kind: u8, payload: &[u8]) -> bool {
    let len = (payload.len() as u32).to_le_bytes();
    write_all(up, &[kind, len[0], len[1], len[2], len[3]]) && write_all(up, payload)
}

fn fail(up: BorrowedFd<'_>, step: Stage, errno: Errno, extra: u32) {
    let e = errno.raw_os_error().to_le_bytes();
    let x = extra.to_le_bytes();
    send(up, REC_FAIL, &[step as u8, e[0], e[1], e[2], e[3], x[0], x[1], x[2], x[3]]);
}

fn read_job(up: BorrowedFd<'_>, path: &CStr, limit: u64, buf: &mut [u8]) {
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    match rustix::fs::openat(CWD, path, flags, Mode::empty()) {
        Ok(fd) => {
            stream(up, fd.as_fd(), limit, buf);
        }
        Err(Errno::NOENT) => {
            send(up, REC_MISSING, &[]);
        }
        Err(e) => fail(up, Stage::Open, e, 0),
    }
}

/// Send a regular file's content (at most `limit` bytes) as data records, then the end.
fn stream(up: BorrowedFd<'_>, fd: BorrowedFd<'_>, limit: u64, buf: &mut [u8]) -> bool {
    let st = match rustix::fs::fstat(fd) {
        Ok(st) => st,
        Err(e) => {
            fail(up, Stage::Stat, e, 0);
            return false;
        }
    };
    if is_dev_null(st.st_mode, st.st_rdev) {
        return send(up, REC_END, &[]);
    }
    if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
        fail(up, Stage::NotRegular, Errno::INVAL, st.st_mode);
        return false;
    }
    if u64::try_from(st.st_size).unwrap_or(0) > limit {
        fail(up, Stage::TooBig, Errno::FBIG, 0);
        return false;
    }
    let mut total = 0u64;
    loop {
        match rustix::io::read(fd, &mut *buf) {
            Ok(0) => return send(up, REC_END, &[]),
            Ok(n) => {
                total += n as u64;
                if total > limit {
                    fail(up, Stage::TooBig, Errno::FBIG, 0);
                    return false;
                }
                if !send(up, REC_DATA, buf.get(..n).unwrap_or_default()) {
                    return false;
                }
            }
            Err(Errno::INTR) => {}
            Err(e) => {
                fail(up, Stage::Read, e, 0);
                return false;
            }
        }
    }
}

fn read_exact(fd: BorrowedFd<'_>, mut into: &mut [u8]) -> bool {
    while !into.is_empty() {
        match rustix::io::read(fd, &mut *into) {
            Ok(0) => return false,
            Ok(n) => into = into.get_mut(n..).unwrap_or_default(),
            Err(Errno::INTR) => {}
            Err(_) => return false,
        }
    }
    true
}

fn update_job(
    up: BorrowedFd<'_>,
    down: BorrowedFd<'_>,
    u: &UpdateJob<'_>,
    buf: &mut [u8],
    dirents: &mut [MaybeUninit<u8>],
) {
    let dir_flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let dir = match rustix::fs::openat(CWD, u.dir, dir_flags, Mode::empty()) {
        Ok(d) => d,
        Err(Errno::NOENT) => {
            for a in u.ancestors {
                let _ = rustix::fs::mkdir(a.as_c_str(), Mode::from_raw_mode(0o777));
            }
            match rustix::fs::openat(CWD, u.dir, dir_flags, Mode::empty()) {
                Ok(d) => d,
                Err(e) => return fail(up, Stage::MakeDir, e, 0),
            }
        }
        Err(e) => return fail(up, Stage::OpenDir, e, 0),
    };
    if !send(up, REC_PHASE, &[PHASE_LOCKING]) {
        return;
    }
    let lock_flags = OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::NOCTTY;
    let lock =
        match rustix::fs::openat(&dir, u.lock, lock_flags | OFlags::CLOEXEC, Mode::from_raw_mode(0o600)) {
            Ok(l) => l,
            Err(e) => return fail(up, Stage::OpenLock, e, 0),
        };
    match rustix::fs::fstat(&lock) {
        Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => {}
        Ok(st) => return fail(up, Stage::NotRegular, Errno::INVAL, st.st_mode),
        Err(e) => return fail(up, Stage::OpenLock, e, 0),
    }
    loop {
        match rustix::fs::flock(&lock, FlockOperation::LockExclusive) {
            Ok(()) => break,
            Err(Errno::INTR) => {}
            Err(e) => return fail(up, Stage::Lock, e, 0),
        }
    }
    if !send(up, REC_PHASE, &[PHASE_LOCKED]) {
        return;
    }
    // Under the lock no other writer is between its temporary file and its rename: any
    // temporary file here was left by one that was killed.
    if let Ok(listing) = rustix::fs::openat(&dir, c".", dir_flags, Mode::empty()) {
        let mut entries = rustix::fs::RawDir::new(listing, dirents);
        while let Some(Ok(e)) = entries.next() {
            if (u.is_stale)(e.file_name().to_bytes()) {
                let _ = rustix::fs::unlinkat(&dir, e.file_name(), AtFlags::empty());
            }
        }
    }
    let read_flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    match rustix::fs::openat(&dir, u.name, read_flags, Mode::empty()) {
        Ok(fd) => {
            if !stream(up, fd.as_fd(), u.limit, buf) {
                return;
            }
        }
        Err(Errno::NOENT) => {
            if !send(up, REC_MISSING, &[]) {
                return;
            }
        }
        Err(e) => return fail(up, Stage::Open, e, 0),
    }
    // The verdict: nothing (the pipe closes), or `W`, the length and the new content.
    let mut head = [0u8; 9];
    if !read_exact(down, &mut head) || head[0] != b'W' {
        return;
    }
    let mut left =
        u64::from_le_bytes([head[1], head[2], head[3], head[4], head[5], head[6], head[7], head[8]]);
    let temp_flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let temp = match rustix::fs::openat(&dir, u.temp, temp_flags, Mode::from_raw_mode(0o600)) {
        Ok(t) => t,
        Err(e) => return fail(up, Stage::CreateTemp, e, 0),
    };
    let undo = |step: Stage, e: Errno| {
        let _ = rustix::fs::unlinkat(&dir, u.temp, AtFlags::empty());
        fail(up, step, e, 0);
    };
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let chunk = buf.get_mut(..want).unwrap_or_default();
        let n = match rustix::io::read(down, &mut *chunk) {
            Ok(0) => return undo(Stage::ShortInput, Errno::PIPE),
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return undo(Stage::ShortInput, e),
        };
        if !write_all(temp.as_fd(), chunk.get(..n).unwrap_or_default()) {
            return undo(Stage::Write, Errno::IO);
        }
        left -= n as u64;
    }
    if let Err(e) = rustix::fs::fsync(&temp) {
        return undo(Stage::Sync, e);
    }
    drop(temp);
    if let Err(e) = rustix::fs::renameat(&dir, u.temp, &dir, u.name) {
        return undo(Stage::Rename, e);
    }
    if let Err(e) = rustix::fs::fsync(&dir) {
        return fail(up, Stage::SyncDir, e, 0);
    }
    send(up, REC_DONE, &[]);
}
