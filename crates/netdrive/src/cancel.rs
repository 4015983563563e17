//! Disconnecting (`WNetCancelConnection2`).
//!
//! Order of work: re-read the mount table and check that the drive is still the one the
//! caller listed (same mount id, mount point and source); refuse drives with other mounts
//! inside them; unless forced, look for processes that use it and refuse with
//! `ERROR_OPEN_FILES`, naming them; then flush (`syncfs`), check that the server
//! answers (`fstatfs`), and unmount with `UMOUNT_NOFOLLOW`.
//!
//! Every step that can touch the server (the flush, the unmount) runs in a forked child
//! process with a time bound. A server that does not answer leaves that child waiting,
//! killed and reaped in the background, and the caller gets `NotResponding` in time:
//! a thread would not do, as a process cannot exit while one of its threads is stuck in
//! the kernel.
//!
//! - `force`: try the flush (bounded), then `MNT_FORCE`, which aborts outstanding requests
//!   (FUSE drops the connection: open files on it fail with I/O errors), then, if files
//!   are still open, detaches it.
//! - `detach`: `MNT_DETACH`: the drive leaves the folder tree at once, but the connection
//!   to the server stays alive until the last process using it closes its files.
//!
//! Without root, a person can disconnect only the FUSE drives they mounted themselves
//! (through `fusermount3 -u`); anything else is `ERROR_ACCESS_DENIED`. No privilege is
//! ever raised.

use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::busy;
use crate::connection::{self, Connection, Scope};
use crate::error::{Error, Result};
use crate::escape::escape;
use crate::mountinfo;
use crate::profile::{self, Remembered};
use crate::provider::Provider;

/// The default bound for a server to answer a flush or unmount.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// How to disconnect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CancelOptions {
    /// Disconnect even when files are open (Win32 `fForce`).
    pub force: bool,
    /// Lazy unmount: remove the drive now, keep the connection until its users close.
    pub detach: bool,
    /// Also forget the remembered connection (Win32 `CONNECT_UPDATE_PROFILE`).
    pub update_profile: bool,
    /// How long the server may take to answer.
    pub timeout: Duration,
}

impl Default for CancelOptions {
    fn default() -> Self {
        CancelOptions { force: false, detach: false, update_profile: false, timeout: DEFAULT_TIMEOUT }
    }
}

/// What a disconnect did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Flushed and unmounted.
    Unmounted,
    /// Connection aborted (`MNT_FORCE`) and unmounted.
    Forced,
    /// Detached (`MNT_DETACH`): gone from the tree, connection alive until its users close.
    Detached,
    /// It was only remembered: forgotten.
    Forgotten,
}

/// A successful disconnect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cancelled {
    pub connection: Connection,
    pub how: How,
    /// Whether the remembered connection was forgotten too.
    pub forgotten: bool,
}

/// Disconnect by name: mount point, `\\server\share`, or source. Lists, then disconnects.
/// On failure the error is also the thread's last error ([`crate::last_error`]).
pub fn cancel(target: &OsStr, opts: &CancelOptions) -> Result<Cancelled> {
    cancel_by_name(target, opts).map_err(Error::record)
}

fn cancel_by_name(target: &OsStr, opts: &CancelOptions) -> Result<Cancelled> {
    let conns = connection::list(Scope::All).or_else(|e| match e {
        // A damaged profile must not stop an unmount that does not need it.
        Error::BadProfile { .. } | Error::CannotOpenProfile { .. } if !opts.update_profile => {
            connection::list(Scope::Connected)
        }
        e => Err(e),
    })?;
    let conn = connection::resolve(&conns, target)?.clone();
    cancel_connection(&conn, opts)
}

/// Disconnect a connection the caller listed earlier. Refuses when the drive changed
/// since (another mount at that place, another source).
/// On failure the error is also the thread's last error ([`crate::last_error`]).
pub fn cancel_listed(conn: &Connection, opts: &CancelOptions) -> Result<Cancelled> {
    cancel_connection(conn, opts).map_err(Error::record)
}

fn cancel_connection(conn: &Connection, opts: &CancelOptions) -> Result<Cancelled> {
    let target = escape(&conn.local_name);
    if !conn.connected {
        return forget_only(conn, opts, target);
    }
    if conn.provider == Provider::Gvfs {
        let uri =
            conn.source.to_str().ok_or_else(|| Error::InvalidParameter(format!("{target}: not a URI")))?;
        crate::gvfs::unmount_with(uri, opts.force || opts.detach, opts.timeout)?;
        let how = if opts.force || opts.detach { How::Forced } else { How::Unmounted };
        return Ok(Cancelled { connection: conn.clone(), how, forgotten: false });
    }
    let table =
        mountinfo::read_table().map_err(|e| Error::NoNetwork(format!("cannot read the mount table: {e}")))?;
    let Some(entry) = table.iter().find(|e| Some(e.mount_id) == conn.mount_id) else {
        return Err(Error::NotConnected { target });
    };
    // Mount ids are reused once freed, so the mount point and source must match too. (On
    // Linux 6.8+ `statmount` has unique 64-bit ids; mountinfo, which every kernel has,
    // shows only the reusable ones.)
    if entry.mount_point != conn.local_name || entry.source != conn.source {
        return Err(Error::ChangedSinceListed {
            target,
            what: format!("now {} from {}", escape(&entry.mount_point), escape(&entry.source)),
        });
    }
    let nested: Vec<String> =
        table.iter().filter(|e| e.parent_id == entry.mount_id).map(|e| escape(&e.mount_point)).collect();
    if !nested.is_empty() && !opts.detach {
        return Err(Error::DeviceInUse {
            target,
            reason: format!(
                "other drives are mounted inside it ({}); disconnect those first",
                nested.join(", ")
            ),
        });
    }

    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    let fuse = Provider::is_fuse_fstype(conn.fstype.as_bytes());
    if euid != 0 && !(fuse && conn.owner_uid == Some(euid)) {
        let reason = match conn.owner_uid {
            Some(uid) if fuse => format!(
                "it was connected by {}; only they or root can disconnect it",
                crate::users::user_name(uid)
            ),
            _ => "it was connected by the system; only root can disconnect it".to_owned(),
        };
        return Err(Error::AccessDenied { target, reason });
    }

    if !opts.force && !opts.detach {
        let usage = busy::who_uses_in(conn, table, opts.timeout)?;
        if !usage.holders.is_empty() {
            return Err(Error::OpenFiles {
                target,
                holders: usage.holders,
                uninspectable: usage.uninspectable,
            });
        }
    }

    let how = if euid == 0 { unmount_as_root(conn, opts)? } else { unmount_own_fuse(conn, opts)? };
    let forgotten = opts.update_profile && conn.remembered == Some(Remembered::User) && forget(conn)?;
    Ok(Cancelled { connection: conn.clone(), how, forgotten })
}

fn forget_only(conn: &Connection, opts: &CancelOptions, target: String) -> Result<Cancelled> {
    match conn.remembered {
        Some(Remembered::User) if opts.update_profile => {
            if forget(conn)? {
                Ok(Cancelled { connection: conn.clone(), how: How::Forgotten, forgotten: true })
            } else {
                Err(Error::NotConnected { target })
            }
        }
        Some(Remembered::User) => Err(Error::NotConnected {
            target: format!("{target} (remembered but not connected; --forget forgets it)"),
        }),
        Some(Remembered::System) if opts.update_profile => Err(Error::AccessDenied {
            target,
            reason: "it is remembered by the system in /etc/fstab; edit that file to forget it".into(),
        }),
        _ => Err(Error::NotConnected { target }),
    }
}

fn forget(conn: &Connection) -> Result<bool> {
    match conn.local_name.to_str() {
        Some(name) => profile::forget(name),
        None => Ok(false),
    }
}

fn unmount_as_root(conn: &Connection, opts: &CancelOptions) -> Result<How> {
    let target = escape(&conn.local_name);
    let path = CString::new(conn.local_name.as_bytes())
        .map_err(|_| Error::InvalidParameter(format!("{target}: a NUL byte in the name")))?;
    let not_responding = || Error::NotResponding { target: target.clone(), after: opts.timeout };
    let status = if opts.detach {
        in_child(&path, Step::Detach, opts.timeout).ok_or_else(not_responding)?
    } else if opts.force {
        // Best effort: a server that does not answer gets no flush, but no hang either.
        let _ = in_child(&path, Step::Flush, opts.timeout);
        in_child(&path, Step::ForceThenDetach, opts.timeout).ok_or_else(not_responding)?
    } else {
        in_child(&path, Step::FlushAndUnmount, opts.timeout).ok_or_else(not_responding)?
    };
    match status {
        0 if opts.detach => Ok(How::Detached),
        0 if opts.force => Ok(How::Forced),
        0 => Ok(How::Unmounted),
        DETACHED_AFTER_FORCE => Ok(How::Forced),
        errno => Err(unmount_error(conn, errno, opts)),
    }
}

fn unmount_error(conn: &Connection, errno: i32, opts: &CancelOptions) -> Error {
    let target = escape(&conn.local_name);
    match errno {
        libc::EBUSY => {
            let usage = busy::who_uses(conn, opts.timeout).unwrap_or_default();
            Error::OpenFiles { target, holders: usage.holders, uninspectable: usage.uninspectable }
        }
        libc::EINVAL | libc::ENOENT => Error::NotConnected { target },
        libc::EPERM | libc::EACCES => {
            Error::AccessDenied { target, reason: "the system refused the unmount".into() }
        }
        e => Error::Extended {
            provider: conn.provider.name().into(),
            message: format!("{target}: {}", std::io::Error::from_raw_os_error(e)),
        },
    }
}

#[derive(Clone, Copy)]
enum Step {
    Flush,
    FlushAndUnmount,
    ForceThenDetach,
    Detach,
}

/// Exit status of a `ForceThenDetach` child that had to detach.
const DETACHED_AFTER_FORCE: i32 = 200;

/// Run one step in a forked child. `Some(status)`: 0 or an errno; `None`: no answer
/// within `timeout` (the child is killed and reaped in the background).
fn in_child(path: &CString, step: Step, timeout: Duration) -> Option<i32> {
    // SAFETY: the child runs only async-signal-safe system calls (open, syncfs, umount2,
    // _exit) on memory prepared before the fork, so other threads' locks cannot bite it.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: in the child; `path` is a valid NUL-terminated string.
        unsafe { child(path, step) }
    }
    if pid < 0 {
        return Some(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EAGAIN));
    }
    let deadline = Instant::now() + timeout;
    let mut wait = Duration::from_micros(200);
    loop {
        let mut status = 0;
        // SAFETY: `pid` is our child; `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return Some(if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { libc::EINTR });
        }
        if r < 0 || Instant::now() >= deadline {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = std::thread::Builder::new().name("netdrive-reap".into()).spawn(move || {
                let mut status = 0;
                // SAFETY: as above; blocks only this helper thread, which is interruptible.
                unsafe { libc::waitpid(pid, &mut status, 0) };
            });
            return None;
        }
        std::thread::sleep(wait);
        wait = (wait * 2).min(Duration::from_millis(10));
    }
}

/// The forked child. Never returns.
///
/// # Safety
/// Call only in a freshly forked child; `path` must be NUL-terminated.
unsafe fn child(path: &CString, step: Step) -> ! {
    // A child stuck on a dead server cannot be killed (FUSE and NFS wait uninterruptibly
    // once a request is sent). It must not keep the caller's pipes open, or whoever reads
    // the caller's output waits for it too: close everything, standard streams included.
    // SAFETY: close_range only closes descriptors of this (child) process.
    unsafe { libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) };
    let errno = || std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
    let flush = || -> i32 {
        // SAFETY: `path` is a valid C string; the flags open a folder read-only.
        let fd = unsafe {
            libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | libc::O_NOFOLLOW)
        };
        if fd < 0 {
            return errno();
        }
        // SAFETY: `fd` was just opened.
        let mut e = if unsafe { libc::syncfs(fd) } < 0 { errno() } else { 0 };
        if e == 0 {
            // Many filesystems (sshfs among them) flush and open a folder without asking
            // the server; statfs always asks. A dead server blocks here, within our bound.
            // SAFETY: `st` is plain data that fstatfs fills in; all-zero is valid.
            let mut st: libc::statfs = unsafe { std::mem::zeroed() };
            // SAFETY: `fd` is open and `st` is a valid out-pointer.
            if unsafe { libc::fstatfs(fd, &mut st) } < 0 {
                e = errno();
            }
        }
        // SAFETY: closing our own descriptor.
        unsafe { libc::close(fd) };
        e
    };
    let umount = |flags: libc::c_int| -> i32 {
        // SAFETY: `path` is a valid C string.
        if unsafe { libc::umount2(path.as_ptr(), flags | libc::UMOUNT_NOFOLLOW) } < 0 {
            errno()
        } else {
            0
        }
    };
    let status = match step {
        Step::Flush => flush(),
        Step::FlushAndUnmount => match flush() {
            0 => umount(0),
            e => e,
        },
        Step::Detach => umount(libc::MNT_DETACH),
        Step::ForceThenDetach => match umount(libc::MNT_FORCE) {
            libc::EBUSY => match umount(libc::MNT_DETACH) {
                0 => DETACHED_AFTER_FORCE,
                e => e,
            },
            e => e,
        },
    };
    // SAFETY: _exit is async-signal-safe and skips the parent's atexit handlers.
    unsafe { libc::_exit(status) }
}

/// Unmount a FUSE drive the caller owns, through the setuid `fusermount3`.
/// Without root there is no `MNT_FORCE`: force and detach both detach lazily.
fn unmount_own_fuse(conn: &Connection, opts: &CancelOptions) -> Result<How> {
    let target = escape(&conn.local_name);
    let lazy = opts.force || opts.detach;
    let mut last_err = None;
    for tool in ["fusermount3", "fusermount"] {
        let mut cmd = Command::new(tool);
        cmd.arg("-u");
        if lazy {
            cmd.arg("-z");
        }
        cmd.arg("--").arg(&conn.local_name);
        let done = match crate::child::run_bounded(&mut cmd, None, opts.timeout) {
            Ok(Some(done)) => done,
            Ok(None) => return Err(Error::NotResponding { target, after: opts.timeout }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                last_err = Some(e.to_string());
                continue;
            }
            Err(e) => {
                return Err(Error::Extended { provider: "FUSE".into(), message: format!("{tool}: {e}") })
            }
        };
        if done.status.success() {
            return Ok(if lazy { How::Detached } else { How::Unmounted });
        }
        let msg = done.stderr_text();
        if msg.contains("busy") {
            let usage = busy::who_uses(conn, opts.timeout).unwrap_or_default();
            return Err(Error::OpenFiles {
                target,
                holders: usage.holders,
                uninspectable: usage.uninspectable,
            });
        }
        return Err(Error::Extended { provider: "FUSE".into(), message: crate::escape::escape_str(&msg) });
    }
    Err(Error::Extended {
        provider: "FUSE".into(),
        message: format!(
            "neither fusermount3 nor fusermount is installed ({}); install fuse3",
            last_err.unwrap_or_default()
        ),
    })
}
