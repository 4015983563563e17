//! The forked child of [`super::run`]: everything here runs between `fork` and `_exit`
//! in a copy of a possibly multithreaded process, so it is async-signal-safe: raw system
//! calls on memory prepared before the fork, no allocation, no locks, no panics.

use super::{encode, last_errno, Action, Report, Target, CHILD_NAME, REPORT, REPORT_LEN, UNMOUNTING};

/// Write `prefix` and the decimal `n` and a NUL into `buf`; the C string, without allocating.
fn c_path_with_number<'a>(buf: &'a mut [u8; 64], prefix: &[u8], n: i32) -> &'a std::ffi::CStr {
    // itoa formats on the stack: no allocation, safe in the child.
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n).as_bytes();
    let len = prefix.len() + digits.len();
    buf[..prefix.len()].copy_from_slice(prefix);
    buf[prefix.len()..len].copy_from_slice(digits);
    buf[len] = 0;
    std::ffi::CStr::from_bytes_until_nul(&buf[..=len]).unwrap_or(c"")
}

/// The mount id of what `fd` is on.
/// `AT_STATX_DONT_SYNC`: the ids come from the kernel's own tables, no server is asked.
/// Kernels before 5.8 have no `STATX_MNT_ID`: `/proc/self/fdinfo/N` says `mnt_id:`.
///
/// # Safety
/// Async-signal-safe; `fd` must be open.
unsafe fn mount_id_of(fd: i32) -> Result<u64, i32> {
    // SAFETY: `stx` is plain data statx fills in; all-zero is valid.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: an empty C string with AT_EMPTY_PATH names `fd` itself.
    let r = unsafe {
        libc::statx(
            fd,
            c"".as_ptr(),
            libc::AT_EMPTY_PATH | libc::AT_STATX_DONT_SYNC,
            libc::STATX_MNT_ID,
            &mut stx,
        )
    };
    if r == 0 && stx.stx_mask & libc::STATX_MNT_ID != 0 {
        return Ok(stx.stx_mnt_id);
    }
    if r < 0 && last_errno() != libc::ENOSYS && last_errno() != libc::EINVAL {
        return Err(last_errno());
    }
    let mut path = [0u8; 64];
    let path = c_path_with_number(&mut path, b"/proc/self/fdinfo/", fd);
    let mut text = [0u8; 512];
    // SAFETY: a valid C string; reading into our stack buffer.
    let n = unsafe {
        let f = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if f < 0 {
            return Err(last_errno());
        }
        let n = libc::read(f, text.as_mut_ptr().cast(), text.len());
        libc::close(f);
        n
    };
    let text = &text[..n.max(0) as usize];
    text.split(|&b| b == b'\n')
        .find_map(|l| l.strip_prefix(b"mnt_id:"))
        .and_then(|v| parse_u64(v.trim_ascii()))
        .ok_or(libc::ENOSYS)
}

/// Read `/proc/self/mountinfo` into `buf`; the length read.
///
/// # Safety
/// Async-signal-safe (no allocation).
unsafe fn read_table(buf: &mut [u8]) -> Result<usize, Report> {
    // SAFETY: a constant C string; read-only open.
    let fd = unsafe { libc::open(c"/proc/self/mountinfo".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(Report::Errno(last_errno()));
    }
    let mut len = 0;
    let result = loop {
        if len == buf.len() {
            break Err(Report::TableTooBig);
        }
        // SAFETY: reading into the unused end of `buf`.
        let n = unsafe { libc::read(fd, buf[len..].as_mut_ptr().cast(), buf.len() - len) };
        if n < 0 {
            let e = last_errno();
            if e == libc::EINTR {
                continue;
            }
            break Err(Report::Errno(e));
        }
        if n == 0 {
            break Ok(len);
        }
        len += n as usize;
    };
    // SAFETY: closing our own descriptor.
    unsafe { libc::close(fd) };
    result
}

/// (a mount whose parent is `id`, whether `id` itself is in the table).
fn scan(table: &[u8], id: u64) -> (Option<u64>, bool) {
    let mut child = None;
    let mut present = false;
    for line in table.split(|&b| b == b'\n') {
        let mut f = line.split(|&b| b == b' ');
        let (Some(me), Some(parent)) = (f.next().and_then(parse_u64), f.next().and_then(parse_u64)) else {
            continue;
        };
        if me == id {
            present = true;
        } else if parent == id && child.is_none() {
            child = Some(me);
        }
    }
    (child, present)
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
pub(super) unsafe fn child(t: &mut Target, action: Action, go: i32, res: i32) -> ! {
    // SAFETY: only system calls on this (child) process's own state, all async-signal-safe.
    unsafe {
        // Default handlers for everything the host may have caught; SIGPIPE ignored (a
        // caller that gave up closed the pipe); then signals are let in again.
        for sig in 1..libc::SIGRTMAX() {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                libc::signal(sig, libc::SIG_DFL);
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        // Its own process group: a terminal's Ctrl-C is for the caller, not for it.
        libc::setpgid(0, 0);
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::pthread_sigmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
    let mut byte = 0u8;
    // SAFETY: reading one byte into a local.
    if unsafe { libc::read(go, (&mut byte as *mut u8).cast(), 1) } != 1 {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(1) };
    }
    // A child stuck on a dead server cannot be killed. It must not keep the caller's
    // pipes open, or whoever reads the caller's output waits for it too: keep only the
    // report pipe (as descriptor 0) and close everything else.
    // SAFETY: dup2, close_range and close act on this (child) process's descriptors only.
    unsafe {
        libc::dup2(res, 0);
        if libc::syscall(libc::SYS_close_range, 1u32, u32::MAX, 0u32) < 0 {
            for fd in 1..t.max_fd {
                libc::close(fd);
            }
        }
        // So `netdrive who` and `ps` can tell a pending disconnect from a user of the drive.
        libc::prctl(libc::PR_SET_NAME, CHILD_NAME.as_ptr());
    }
    // SAFETY: in the child, with the target prepared before the fork.
    let report = unsafe { act(t, action) };
    let mut bytes = [0u8; REPORT_LEN + 1];
    bytes[0] = REPORT;
    bytes[1..].copy_from_slice(&encode(report));
    // SAFETY: writing our fixed-size record (atomic: under PIPE_BUF) to the report pipe.
    unsafe {
        libc::write(0, bytes.as_ptr().cast(), bytes.len());
        libc::_exit(0)
    }
}

/// # Safety
/// Async-signal-safe; only in the child.
unsafe fn act(t: &mut Target, action: Action) -> Report {
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
    // SAFETY: `dir` is an open folder; `st` is plain data fstat fills in.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::fchdir(dir) } < 0 || unsafe { libc::fstat(dir, &mut st) } < 0 {
        return Report::Errno(last_errno());
    }
    // Can anyone but root rename or replace entries in it? Then names are not to be trusted.
    let names_are_stable = st.st_uid == 0 && st.st_mode & 0o022 == 0;
    let last = t.last.as_ptr();
    let mount_id = t.mount_id;

    // Nothing inside or over the drive, then the topmost mount at its place is the listed
    // one: an O_PATH descriptor to it, checked. The table is read first, so only the
    // `statx` stands between this check and the call that follows.
    let pin = |t: &mut Target| -> Result<i32, Report> {
        // SAFETY: async-signal-safe read into the prepared buffer.
        let len = unsafe { read_table(&mut t.table) }?;
        let (inside, _) = scan(&t.table[..len], mount_id);
        // SAFETY: `last` is a NUL-terminated component; the cwd is the pinned parent. No
        // O_DIRECTORY: a drive may be mounted on a file.
        let fd =
            unsafe { libc::openat(libc::AT_FDCWD, last, libc::O_PATH | libc::O_NOFOLLOW | libc::O_CLOEXEC) };
        if fd < 0 {
            return Err(Report::PathChanged(last_errno()));
        }
        // SAFETY: `fd` is open.
        let top = match unsafe { mount_id_of(fd) } {
            Ok(top) => top,
            Err(e) => {
                // SAFETY: closing our own descriptor.
                unsafe { libc::close(fd) };
                return Err(Report::Errno(e));
            }
        };
        let refused = match (top == mount_id, inside) {
            (true, None) => None,
            (true, Some(child)) => Some(Report::Nested(child)),
            (false, Some(_)) => Some(Report::Covered(top)),
            (false, None) => Some(Report::Elsewhere(top)),
        };
        match refused {
            None => Ok(fd),
            Some(r) => {
                // SAFETY: closing our own descriptor.
                unsafe { libc::close(fd) };
                Err(r)
            }
        }
    };
    let close = |fd: i32| {
        // SAFETY: closing our own descriptor (an O_PATH descriptor keeps a mount busy).
        unsafe { libc::close(fd) };
    };
    let flush = |fd: i32| -> i32 {
        let mut path = [0u8; 64];
        let path = c_path_with_number(&mut path, b"/proc/self/fd/", fd);
        // SAFETY: reopening the pinned mount's root read-only through its descriptor.
        let f = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC) };
        if f < 0 {
            return last_errno();
        }
        // SAFETY: `f` was just opened.
        let mut e = if unsafe { libc::syncfs(f) } < 0 { last_errno() } else { 0 };
        if e == 0 {
            // Many filesystems (sshfs among them) flush and open a folder without asking
            // the server; statfs always asks. A dead server blocks here, within the bound.
            // SAFETY: `sfs` is plain data that fstatfs fills in; all-zero is valid.
            let mut sfs: libc::statfs = unsafe { std::mem::zeroed() };
            // SAFETY: `f` is open and `sfs` is a valid out-pointer.
            if unsafe { libc::fstatfs(f, &mut sfs) } < 0 {
                e = last_errno();
            }
        }
        // SAFETY: closing our own descriptor (before the unmount: it would keep it busy).
        unsafe { libc::close(f) };
        e
    };
    let said_unmounting = std::cell::Cell::new(false);
    let announce = || {
        if !said_unmounting.replace(true) {
            // SAFETY: one byte to the report pipe.
            unsafe { libc::write(0, [UNMOUNTING].as_ptr().cast(), 1) };
        }
    };
    // The checked mount itself, through its descriptor: never whatever a name leads to.
    let by_fd = |fd: i32, flags: libc::c_int| -> i32 {
        let mut path = [0u8; 64];
        let path = c_path_with_number(&mut path, b"/proc/self/fd/", fd);
        announce();
        // SAFETY: a valid C string naming our own descriptor.
        if unsafe { libc::umount2(path.as_ptr(), flags) } < 0 {
            last_errno()
        } else {
            0
        }
    };
    // By name, relative to the pinned parent; only where nobody else can change names.
    let by_name = |flags: libc::c_int| -> i32 {
        // SAFETY: `last` is relative to the pinned parent; NOFOLLOW: never a symlink.
        if unsafe { libc::umount2(last, flags | libc::UMOUNT_NOFOLLOW) } < 0 {
            last_errno()
        } else {
            0
        }
    };
    let gone = |t: &mut Target, detached: bool| -> Report {
        // SAFETY: async-signal-safe read into the prepared buffer.
        match unsafe { read_table(&mut t.table) } {
            Ok(len) if scan(&t.table[..len], mount_id).1 => Report::StillThere,
            Ok(_) => Report::Done { detached },
            Err(r) => r,
        }
    };

    let fd = match pin(t) {
        Ok(fd) => fd,
        Err(r) => return r,
    };
    // Detach exactly the pinned mount, and let the descriptor go.
    let detach = |fd: i32| -> i32 {
        let e = by_fd(fd, libc::MNT_DETACH);
        close(fd);
        e
    };
    let finish =
        |t: &mut Target, e: i32, detached: bool| if e == 0 { gone(t, detached) } else { Report::Errno(e) };
    match action {
        Action::Flush => {
            let e = flush(fd);
            close(fd);
            if e == 0 {
                Report::Done { detached: false }
            } else {
                Report::Errno(e)
            }
        }
        Action::Detach => {
            let e = detach(fd);
            finish(t, e, true)
        }
        Action::FlushAndUnmount => {
            let e = flush(fd);
            close(fd);
            if e != 0 {
                return Report::Errno(e);
            }
            let fd = match pin(t) {
                Ok(fd) => fd,
                Err(r) => return r,
            };
            let e = if names_are_stable {
                close(fd);
                announce();
                by_name(0)
            } else {
                // The busy check found no users; a detach of exactly this mount is the
                // unmount, and a program that opens a file in this instant keeps it alive.
                detach(fd)
            };
            finish(t, e, false)
        }
        Action::ForceThenDetach => {
            // Aborts outstanding requests before the kernel looks at users (so a stuck
            // flush ends too); our own descriptor keeps it busy, so it stays mounted.
            let e = by_fd(fd, libc::MNT_FORCE);
            if e == 0 {
                close(fd);
                return gone(t, false);
            }
            let fd = if names_are_stable {
                close(fd);
                // Checked again: the name is what the forced unmount goes by.
                match pin(t) {
                    Ok(fd) => close(fd),
                    Err(r) => return r,
                }
                match by_name(libc::MNT_FORCE) {
                    0 => return gone(t, false),
                    libc::EBUSY => {}
                    e => return Report::Errno(e),
                }
                match pin(t) {
                    Ok(fd) => fd,
                    Err(r) => return r,
                }
            } else {
                fd
            };
            let e = detach(fd);
            finish(t, e, true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn paths_with_numbers_are_built_without_allocating() {
        let mut buf = [0u8; 64];
        assert_eq!(c_path_with_number(&mut buf, b"/proc/self/fd/", 0).to_bytes(), b"/proc/self/fd/0");
        assert_eq!(
            c_path_with_number(&mut buf, b"/proc/self/fd/", 1234567).to_bytes(),
            b"/proc/self/fd/1234567"
        );
    }

    #[test]
    fn the_table_scan_finds_children_and_the_mount_itself() {
        let t = b"20 1 0:1 / / rw - ext4 /dev/a rw\n30 20 0:2 / /mnt rw - fuse.sshfs x rw\n31 30 0:3 / /mnt/in rw - tmpfs t rw\n";
        assert_eq!(scan(t, 30), (Some(31), true));
        assert_eq!(scan(t, 31), (None, true));
        assert_eq!(scan(t, 99), (None, false));
    }

    #[test]
    fn the_mount_id_comes_from_statx_or_fdinfo() {
        let f = std::fs::File::open("/proc/self/mountinfo").unwrap();
        // SAFETY: `f` is open for the call.
        let id = unsafe { mount_id_of(f.as_raw_fd()) }.unwrap();
        let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", f.as_raw_fd())).unwrap();
        assert!(text.contains(&format!("mnt_id:\t{id}")), "{text}");
    }
}
