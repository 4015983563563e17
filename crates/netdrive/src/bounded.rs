//! Files that may live on a network drive, read and written with a time bound.
//!
//! The profile (under `$XDG_CONFIG_HOME` or `$HOME`, often an NFS home folder),
//! `/etc/fstab` and a recorded mount table can sit on a network filesystem whose server
//! stopped answering. A process that touches such a file then waits in the kernel,
//! uninterruptibly, until the server returns; SIGKILL does not end it. A thread cannot
//! contain that: a process is not reaped, and its descriptors (its standard output) stay
//! open, while any of its threads is stuck, so `netdrive list | cat` would never end.
//! Every such access therefore runs in a child process that shares nothing with its
//! caller but a pipe (and a socket pair for changes):
//!
//! - it is started with `clone(CLONE_PIDFD)` and no exit signal: a host program's
//!   `SIGCHLD` handling (ignored, or a `waitpid(-1)` loop) never sees or reaps it, so its
//!   pidfd always names it, and it is signalled and reaped only through that;
//! - it makes only system calls, on memory prepared before it started (no allocation, no
//!   locks), with every signal blocked and every inherited descriptor closed;
//! - it sends what it read as records over a pipe, which the caller reads with a
//!   deadline. Past the deadline the caller kills the child and leaves it to the kernel.
//!   A child that is still stuck is remembered, and the next access to the same file
//!   fails at once instead of waiting again and leaving another child behind.
//!
//! Files are opened non-blocking and must be regular (a FIFO would wait for a writer,
//! `/dev/zero` never ends; `/proc` files are regular; `/dev/null` reads as empty), and
//! are read only up to a limit.
//! A change (read, modify, write) holds an exclusive `flock` on a lock file beside the
//! file for the whole time, so concurrent changes do not lose each other's work, and
//! replaces the file atomically (temporary file, `fsync`, `rename`, `fsync` of the
//! folder). Waiting for the lock counts against the same bound.

use std::ffi::{CStr, CString, OsStr};
use std::io::{self, Read};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustix::event::PollFlags;
use rustix::fs::{AtFlags, FileType, FlockOperation, Mode, OFlags, CWD};
use rustix::io::Errno;
use rustix::net::SendFlags;

use crate::wait::ready_by;

/// How long an access to a file that may be on a network drive may take: the default
/// server bound, as for a disconnect.
pub(crate) const BOUND: Duration = Duration::from_secs(3);

/// Why a bounded access failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No answer within `after`. `earlier`: an earlier access to the same file has been
    /// waiting that long and is still stuck, so this one did not try.
    NotResponding { after: Duration, earlier: Option<Duration> },
    /// Another program held the lock file for the whole bound.
    Locked { after: Duration, lock: PathBuf },
    /// Anything else: not a regular file, too large, permission denied, ...
    Io(io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NotResponding { after, earlier: None } => {
                write!(f, "no answer within {}s", after.as_secs_f32())
            }
            Failure::NotResponding { earlier: Some(t), .. } => {
                write!(f, "no answer (an earlier attempt has been waiting for {:.0}s)", t.as_secs_f32())
            }
            Failure::Locked { after, lock } => write!(
                f,
                "could not lock it within {}s (another program holds its lock file {}, or the \
                 server it is on is not responding)",
                after.as_secs_f32(),
                crate::escape::escape(lock.as_os_str()),
            ),
            Failure::Io(e) => e.fmt(f),
        }
    }
}

impl From<Failure> for io::Error {
    fn from(f: Failure) -> io::Error {
        match f {
            Failure::Io(e) => e,
            other => io::Error::new(io::ErrorKind::TimedOut, other.to_string()),
        }
    }
}

/// Read a file that cannot be on a network drive (`/proc`) on the caller's thread, with
/// the same checks: non-blocking open, regular files only, at most `limit` bytes.
pub(crate) fn read_local(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)?;
    let meta = f.metadata()?;
    if is_dev_null(std::os::unix::fs::MetadataExt::mode(&meta), std::os::unix::fs::MetadataExt::rdev(&meta)) {
        return Ok(Vec::new());
    }
    if !meta.file_type().is_file() {
        return Err(not_regular(FileType::from_raw_mode(std::os::unix::fs::MetadataExt::mode(&meta))));
    }
    if meta.len() > limit {
        return Err(too_big(limit));
    }
    let mut text = Vec::new();
    f.take(limit + 1).read_to_end(&mut text)?;
    if text.len() as u64 > limit {
        return Err(too_big(limit));
    }
    Ok(text)
}

/// `/dev/null` (character device 1:3), the usual way to say "empty", reads as empty.
fn is_dev_null(mode: u32, rdev: u64) -> bool {
    FileType::from_raw_mode(mode) == FileType::CharacterDevice
        && (rustix::fs::major(rdev), rustix::fs::minor(rdev)) == (1, 3)
}

fn not_regular(t: FileType) -> io::Error {
    let what = match t {
        FileType::Fifo => "a FIFO",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Directory => "a folder",
        FileType::Socket => "a socket",
        _ => "something else",
    };
    io::Error::new(io::ErrorKind::InvalidInput, format!("not a regular file ({what})"))
}

fn too_big(limit: u64) -> io::Error {
    let size = if limit >= 1 << 20 { format!("{} MiB", limit >> 20) } else { format!("{limit} bytes") };
    io::Error::new(io::ErrorKind::InvalidData, format!("larger than {size}"))
}

/// A read started with [`start_read`]; [`Reading::finish`] collects it.
pub(crate) struct Reading {
    worker: Result<Worker, Failure>,
    limit: u64,
    deadline: Instant,
    bound: Duration,
}

/// Start reading `path` (at most `limit` bytes) in a child; the bound starts now.
pub(crate) fn start_read(path: &Path, limit: u64, bound: Duration) -> Reading {
    let deadline = Instant::now() + bound;
    let worker = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Failure::Io(io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the path")))
        .and_then(|c| Worker::start(path, Job::Read { path: &c, limit }, false));
    Reading { worker, limit, deadline, bound }
}

impl Reading {
    /// The file's bytes; `None` when it does not exist.
    pub(crate) fn finish(self) -> Result<Option<Vec<u8>>, Failure> {
        let mut w = self.worker?;
        let got = w.content(self.limit, self.deadline, self.bound);
        if let Err(Failure::NotResponding { .. }) = got {
            w.abandon();
        }
        got
    }
}

/// [`start_read`] and [`Reading::finish`] in one.
pub(crate) fn read(path: &Path, limit: u64, bound: Duration) -> Result<Option<Vec<u8>>, Failure> {
    start_read(path, limit, bound).finish()
}

/// A file to change under a lock: [`update`].
pub(crate) struct Target<'a> {
    pub file: &'a Path,
    /// The lock file's name, in the same folder.
    pub lock_name: &'a OsStr,
    /// A fresh name for the temporary file, in the same folder.
    pub temp_name: &'a OsStr,
    /// Names of temporary files that killed writers may have left: removed under the lock.
    pub is_stale: fn(&[u8]) -> bool,
}

/// Change a file: under its lock, read it (`None` when it does not exist, creating its
/// folder), let `change` compute the new content (`None`: leave it), and replace it
/// atomically. Everything that touches the file runs in a child, within `bound`.
pub(crate) fn update<T, E>(
    t: &Target<'_>,
    limit: u64,
    bound: Duration,
    change: impl FnOnce(Option<&[u8]>) -> Result<(T, Option<Vec<u8>>), E>,
    fail: impl Fn(Failure) -> E,
) -> Result<T, E> {
    let deadline = Instant::now() + bound;
    let invalid = || Failure::Io(io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the path"));
    let cstr = |s: &OsStr| CString::new(s.as_bytes()).map_err(|_| invalid());
    let dir = t.file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = t.file.file_name().ok_or_else(|| {
        fail(Failure::Io(io::Error::new(io::ErrorKind::InvalidInput, "the path names no file")))
    })?;
    let prepared = (|| {
        let ancestors: Vec<CString> = {
            let mut a: Vec<&Path> = dir.ancestors().filter(|p| !p.as_os_str().is_empty()).collect();
            a.reverse();
            a.into_iter().map(|p| cstr(p.as_os_str())).collect::<Result<_, _>>()?
        };
        Ok((cstr(dir.as_os_str())?, ancestors, cstr(t.lock_name)?, cstr(name)?, cstr(t.temp_name)?))
    })();
    let (dir_c, ancestors, lock_c, name_c, temp_c) = prepared.map_err(&fail)?;
    let job = Job::Update(UpdateJob {
        dir: &dir_c,
        ancestors: &ancestors,
        lock: &lock_c,
        name: &name_c,
        temp: &temp_c,
        is_stale: t.is_stale,
        limit,
    });
    let mut w = Worker::start(t.file, job, true).map_err(&fail)?;
    let old = match w.content(limit, deadline, bound) {
        Ok(old) => old,
        Err(Failure::NotResponding { after, earlier }) => {
            let f = match w.phase {
                PHASE_LOCKING => Failure::Locked { after, lock: dir.join(t.lock_name) },
                _ => Failure::NotResponding { after, earlier },
            };
            w.abandon();
            return Err(fail(f));
        }
        Err(f) => return Err(fail(f)),
    };
    // The child waits for the verdict; dropping the worker on an error closes its channel.
    let (result, new) = change(old.as_deref())?;
    let Some(new) = new else {
        return Ok(result);
    };
    let mut message = Vec::with_capacity(new.len() + 9);
    message.push(b'W');
    message.extend_from_slice(&(new.len() as u64).to_le_bytes());
    message.extend_from_slice(&new);
    let written = w.send(&message, deadline).and_then(|()| {
        w.down = None;
        match w.record(deadline)? {
            (REC_DONE, _) => Ok(()),
            (REC_FAIL, p) => Err(failed(&p, limit)),
            _ => Err(protocol()),
        }
    });
    match written {
        Ok(()) => Ok(result),
        Err(f @ Failure::NotResponding { .. }) => {
            w.abandon();
            Err(fail(f))
        }
        Err(f) => Err(fail(f)),
    }
}

// ---------------------------------------------------------------------------------------
// The caller's side

/// Children that ended their conversation or were abandoned, not yet reaped. `key`: the
/// file an abandoned (possibly stuck) child was working on.
struct Parked {
    pidfd: OwnedFd,
    key: Option<PathBuf>,
    since: Instant,
}

static PARKED: Mutex<Vec<Parked>> = Mutex::new(Vec::new());

/// Reap the parked children that ended; how long a child on `key` has been stuck, if one is.
fn sweep(key: &Path) -> Option<Duration> {
    let mut parked = PARKED.lock().unwrap_or_else(PoisonError::into_inner);
    parked.retain(|p| !reaped(&p.pidfd));
    parked.iter().find(|p| p.key.as_deref() == Some(key)).map(|p| p.since.elapsed())
}

fn reaped(pidfd: &OwnedFd) -> bool {
    use rustix::process::{waitid, WaitId, WaitIdOptions};
    // __WALL: the child has no exit signal, which makes it a "clone" child to waitid.
    let all = WaitIdOptions::from_bits_retain(libc::__WALL as u32);
    !matches!(
        waitid(WaitId::PidFd(pidfd.as_fd()), WaitIdOptions::EXITED | WaitIdOptions::NOHANG | all),
        Ok(None)
    )
}

const REC_PHASE: u8 = 1;
const REC_DATA: u8 = 2;
const REC_MISSING: u8 = 3;
const REC_END: u8 = 4;
const REC_FAIL: u8 = 5;
const REC_DONE: u8 = 6;

const PHASE_LOCKING: u8 = 1;
const PHASE_LOCKED: u8 = 2;

/// What a child failed at (the first byte of a `REC_FAIL` record).
#[derive(Clone, Copy)]
#[repr(u8)]
enum Stage {
    OpenDir = 1,
    MakeDir,
    OpenLock,
    Lock,
    Open,
    Stat,
    NotRegular,
    TooBig,
    Read,
    CreateTemp,
    Write,
    Sync,
    Rename,
    SyncDir,
    ShortInput,
}

fn failed(payload: &[u8], limit: u64) -> Failure {
    let (step, errno, extra) = match payload {
        [s, e0, e1, e2, e3, x0, x1, x2, x3] => {
            (*s, i32::from_le_bytes([*e0, *e1, *e2, *e3]), u32::from_le_bytes([*x0, *x1, *x2, *x3]))
        }
        _ => return protocol(),
    };
    let os = io::Error::from_raw_os_error(errno);
    let what = match step {
        s if s == Stage::NotRegular as u8 => return Failure::Io(not_regular(FileType::from_raw_mode(extra))),
        s if s == Stage::TooBig as u8 => return Failure::Io(too_big(limit)),
        s if s == Stage::ShortInput as u8 => {
            return Failure::Io(io::Error::other("the new content arrived incomplete; nothing was changed"))
        }
        s if s == Stage::Open as u8 => return Failure::Io(os),
        s if s == Stage::OpenDir as u8 => "cannot open its folder",
        s if s == Stage::MakeDir as u8 => "cannot create its folder",
        s if s == Stage::OpenLock as u8 => "cannot open its lock file",
        s if s == Stage::Lock as u8 => "cannot lock it",
        s if s == Stage::Stat as u8 => "cannot look at it",
        s if s == Stage::Read as u8 => "cannot read it",
        s if s == Stage::CreateTemp as u8 => "cannot create a temporary file beside it",
        s if s == Stage::Write as u8 => "cannot write it",
        s if s == Stage::Sync as u8 => "cannot flush it to disk",
        s if s == Stage::Rename as u8 => "cannot replace it",
        s if s == Stage::SyncDir as u8 => "it was replaced, but its folder could not be flushed",
        _ => return protocol(),
    };
    Failure::Io(io::Error::new(os.kind(), format!("{what}: {os}")))
}

fn protocol() -> Failure {
    Failure::Io(io::Error::other("the worker process sent something unexpected"))
}

/// A child and the caller's ends of its pipe and channel.
struct Worker {
    pidfd: Option<OwnedFd>,
    key: PathBuf,
    started: Instant,
    /// Records from the child.
    up: OwnedFd,
    /// The verdict to the child (changes only).
    down: Option<OwnedFd>,
    inbox: Vec<u8>,
    phase: u8,
}

enum Job<'a> {
    Read { path: &'a CStr, limit: u64 },
    Update(UpdateJob<'a>),
}

struct UpdateJob<'a> {
    dir: &'a CStr,
    ancestors: &'a [CString],
    lock: &'a CStr,
    name: &'a CStr,
    temp: &'a CStr,
    is_stale: fn(&[u8]) -> bool,
    limit: u64,
}

fn io_err(e: Errno) -> Failure {
    Failure::Io(io::Error::from_raw_os_error(e.raw_os_error()))
}

impl Worker {
    /// Start a child for `job` on the file `key`; `down`: whether it gets a verdict channel.
    fn start(key: &Path, job: Job<'_>, down: bool) -> Result<Worker, Failure> {
        if let Some(waiting) = sweep(key) {
            return Err(Failure::NotResponding { after: BOUND, earlier: Some(waiting) });
        }
        use rustix::pipe::{pipe_with, PipeFlags};
        let (up_r, up_w) = pipe_with(PipeFlags::CLOEXEC).map_err(io_err)?;
        let (down_r, down_w) = match down {
            true => verdict_channel().map(|(r, w)| (Some(r), Some(w))).map_err(io_err)?,
            false => (None, None),
        };
        // Buffers the child uses, allocated before it exists.
        let mut buf = vec![0u8; 16 * 1024];
        let mut dirents: Vec<MaybeUninit<u8>> = vec![MaybeUninit::uninit(); 16 * 1024];
        let keep = [up_w.as_raw_fd(), down_r.as_ref().map_or(-1, AsRawFd::as_raw_fd)];

        // Block every signal across the clone: the child keeps them blocked, so no handler
        // of the host's ever runs in it (SIGKILL still ends it).
        // SAFETY: sigset_t is plain data; sigfillset initialises it.
        let mut all: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: as above.
        let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
        // SAFETY: valid pointers to sigset_t values.
        unsafe {
            libc::sigfillset(&mut all);
            libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        }
        let mut pidfd: libc::c_int = -1;
        // SAFETY: clone without CLONE_VM and with no new stack behaves as fork: the child
        // gets a copy of this thread's memory and continues here with 0. With no exit
        // signal it never signals or gets reaped by the host. The child then runs only
        // `child_main`, which makes system calls on memory prepared above and never
        // returns. The parent gets the child's pidfd in `pidfd` (CLONE_PIDFD).
        let pid = unsafe { clone_pidfd(&mut pidfd) };
        if pid == 0 {
            // SAFETY: in the freshly cloned child, with signals blocked.
            unsafe { child_main(&job, &keep, &mut buf, &mut dirents) }
        }
        let clone_err = io::Error::last_os_error();
        // SAFETY: restoring the mask saved above.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
        if pid < 0 {
            return Err(Failure::Io(io::Error::new(
                clone_err.kind(),
                format!("cannot start a worker process: {clone_err}"),
            )));
        }
        // SAFETY: CLONE_PIDFD stored a new descriptor that nothing else owns.
        let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd) };
        drop((up_w, down_r));
        Ok(Worker {
            pidfd: Some(pidfd),
            key: key.to_path_buf(),
            started: Instant::now(),
            up: up_r,
            down: down_w,
            inbox: Vec::new(),
            phase: 0,
        })
    }

    /// Wait until `inbox` holds `n` bytes. `NotResponding` past the deadline.
    fn fill(&mut self, n: usize, deadline: Instant, bound: Duration) -> Result<(), Failure> {
        let mut chunk = [0u8; 16 * 1024];
        while self.inbox.len() < n {
            wait_ready(self.up.as_fd(), PollFlags::IN, deadline, bound)?;
            match rustix::io::read(&self.up, &mut chunk) {
                Ok(0) => return Err(Failure::Io(io::Error::other("the worker process ended early"))),
                Ok(got) => self.inbox.extend_from_slice(chunk.get(..got).unwrap_or_default()),
                Err(Errno::INTR | Errno::AGAIN) => {}
                Err(e) => return Err(io_err(e)),
            }
        }
        Ok(())
    }

    /// The next record other than a phase change: its kind and payload.
    fn record_within(&mut self, deadline: Instant, bound: Duration) -> Result<(u8, Vec<u8>), Failure> {
        loop {
            self.fill(5, deadline, bound)?;
            let kind = self.inbox[0];
            let len =
                u32::from_le_bytes([self.inbox[1], self.inbox[2], self.inbox[3], self.inbox[4]]) as usize;
            if len > 64 * 1024 {
                return Err(protocol());
            }
            self.fill(5 + len, deadline, bound)?;
            let payload = self.inbox[5..5 + len].to_vec();
            self.inbox.drain(..5 + len);
            match (kind, payload.as_slice()) {
                (REC_PHASE, [p]) => self.phase = *p,
                _ => return Ok((kind, payload)),
            }
        }
    }

    fn record(&mut self, deadline: Instant) -> Result<(u8, Vec<u8>), Failure> {
        let bound = deadline.saturating_duration_since(self.started);
        self.record_within(deadline, bound)
    }

    /// The file's content (`None`: it does not exist), at most `limit` bytes.
    fn content(
        &mut self,
        limit: u64,
        deadline: Instant,
        bound: Duration,
    ) -> Result<Option<Vec<u8>>, Failure> {
        let mut text = Vec::new();
        loop {
            match self.record_within(deadline, bound)? {
                (REC_DATA, p) => {
                    if (text.len() + p.len()) as u64 > limit {
                        return Err(Failure::Io(too_big(limit)));
                    }
                    text.extend_from_slice(&p);
                }
                (REC_END, _) => return Ok(Some(text)),
                (REC_MISSING, _) => return Ok(None),
                (REC_FAIL, p) => return Err(failed(&p, limit)),
                _ => return Err(protocol()),
            }
        }
    }

    /// Write all of `bytes` to the child, by the deadline.
    fn send(&mut self, mut bytes: &[u8], deadline: Instant) -> Result<(), Failure> {
        let bound = deadline.saturating_duration_since(self.started);
        let Some(down) = self.down.take() else { return Err(protocol()) };
        while !bytes.is_empty() {
            // MSG_NOSIGNAL: a child that died is EPIPE, never a SIGPIPE that would end a
            // host that does not ignore it.
            match rustix::net::send(&down, bytes, SendFlags::NOSIGNAL | SendFlags::DONTWAIT) {
                Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
                Err(Errno::AGAIN | Errno::INTR) => wait_ready(down.as_fd(), PollFlags::OUT, deadline, bound)?,
                Err(Errno::PIPE) => {
                    return Err(Failure::Io(io::Error::other("the worker process ended early")))
                }
                Err(e) => return Err(io_err(e)),
            }
        }
        self.down = Some(down);
        Ok(())
    }

    /// Give up on the child: kill it (a child stuck in the kernel dies when it returns)
    /// and remember it, so the next access to its file does not wait for it again.
    fn abandon(mut self) {
        if let Some(pidfd) = self.pidfd.take() {
            let _ = rustix::process::pidfd_send_signal(&pidfd, rustix::process::Signal::KILL);
            // One waiting for a lock dies at once; give it a moment, so that the next
            // access does not take it for a stuck one. (A pidfd is readable once its
            // process ended.)
            let _ = ready_by(pidfd.as_fd(), PollFlags::IN, Instant::now() + Duration::from_millis(20));
            let key = std::mem::take(&mut self.key);
            park(Parked { pidfd, key: Some(key), since: self.started });
        }
    }
}

fn park(p: Parked) {
    if !reaped(&p.pidfd) {
        PARKED.lock().unwrap_or_else(PoisonError::into_inner).push(p);
    }
}

impl Drop for Worker {
    /// A child that finished its conversation ends by itself (closing the verdict channel
    /// tells a changing child there is nothing to write); it is reaped now or later.
    fn drop(&mut self) {
        self.down = None;
        if let Some(pidfd) = self.pidfd.take() {
            park(Parked { pidfd, key: None, since: self.started });
        }
    }
}

/// The verdict channel: the child's end, then the caller's. A socket pair rather than a
/// pipe, so the caller can write with `MSG_NOSIGNAL`.
fn verdict_channel() -> rustix::io::Result<(OwnedFd, OwnedFd)> {
    use rustix::net::{socketpair, AddressFamily, SocketFlags, SocketType};
    socketpair(AddressFamily::UNIX, SocketType::STREAM, SocketFlags::CLOEXEC, None)
}

/// Wait until `fd` is ready for `events`, or fail as not responding at the deadline.
fn wait_ready(
    fd: BorrowedFd<'_>,
    events: PollFlags,
    deadline: Instant,
    bound: Duration,
) -> Result<(), Failure> {
    match ready_by(fd, events, deadline) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Failure::NotResponding { after: bound, earlier: None }),
        Err(e) => Err(io_err(e)),
    }
}

/// `clone(CLONE_PIDFD)` with no exit signal: 0 in the child, the pid in the parent.
///
/// # Safety
/// As `fork`: the child must only make async-signal-safe calls and must not return to
/// code that expects to be the parent.
unsafe fn clone_pidfd(pidfd: &mut libc::c_int) -> libc::c_long {
    let flags = libc::CLONE_PIDFD as libc::c_ulong;
    let none: libc::c_ulong = 0;
    let ptid = pidfd as *mut libc::c_int;
    // s390x takes the stack first; every other Linux architecture takes the flags first,
    // then the stack, then the parent tid pointer (where CLONE_PIDFD stores the pidfd).
    #[cfg(target_arch = "s390x")]
    // SAFETY: as documented on this function.
    let r = unsafe { libc::syscall(libc::SYS_clone, none, flags, ptid, none, none) };
    #[cfg(not(target_arch = "s390x"))]
    // SAFETY: as documented on this function.
    let r = unsafe { libc::syscall(libc::SYS_clone, flags, none, ptid, none, none) };
    r
}

// ---------------------------------------------------------------------------------------
// The child's side: system calls only, no allocation, no panics.

/// The child. Never returns.
///
/// # Safety
/// Only in a child just made by [`clone_pidfd`]; `keep` are the descriptors it uses.
unsafe fn child_main(job: &Job<'_>, keep: &[RawFd; 2], buf: &mut [u8], dirents: &mut [MaybeUninit<u8>]) -> ! {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_a_file_and_reports_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"hello").unwrap();
        assert_eq!(read(&p, 100, BOUND).unwrap().as_deref(), Some(&b"hello"[..]));
        assert_eq!(read(&dir.path().join("none"), 100, BOUND).unwrap(), None);
    }

    #[test]
    fn reads_more_than_a_pipe_holds() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        let body: Vec<u8> = (0..300_000u32).map(|i| i as u8).collect();
        std::fs::write(&p, &body).unwrap();
        assert_eq!(read(&p, 1 << 20, BOUND).unwrap(), Some(body));
    }

    #[test]
    fn a_read_collected_after_its_deadline_still_counts_if_it_answered() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"x").unwrap();
        let r = start_read(&p, 10, Duration::from_millis(100));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(r.finish().unwrap().as_deref(), Some(&b"x"[..]));
    }

    fn message(f: Failure) -> String {
        f.to_string()
    }

    #[test]
    fn refuses_fifos_devices_folders_and_large_files_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        rustix::fs::mkfifoat(CWD, &fifo, Mode::from_raw_mode(0o600)).unwrap();
        let big = dir.path().join("big");
        std::fs::File::create(&big).unwrap().set_len(2 << 20).unwrap();
        let start = Instant::now();
        assert!(message(read(&fifo, 1 << 20, BOUND).unwrap_err()).contains("FIFO"));
        assert!(
            message(read(Path::new("/dev/zero"), 1 << 20, BOUND).unwrap_err()).contains("character device")
        );
        assert!(message(read(dir.path(), 1 << 20, BOUND).unwrap_err()).contains("folder"));
        assert!(message(read(&big, 1 << 20, BOUND).unwrap_err()).contains("larger than 1 MiB"));
        assert!(start.elapsed() < Duration::from_secs(2));
        assert!(read_local(&fifo, 100).unwrap_err().to_string().contains("FIFO"));
        assert!(read_local(Path::new("/dev/zero"), 100)
            .unwrap_err()
            .to_string()
            .contains("character device"));
        assert!(read_local(&big, 1 << 20).unwrap_err().to_string().contains("larger than 1 MiB"));
        // /proc files are regular, with no size: the limit still holds.
        assert!(read_local(Path::new("/proc/self/mountinfo"), 1 << 20).is_ok());
        assert!(read_local(Path::new("/proc/self/mountinfo"), 3).unwrap_err().to_string().contains("larger"));
        // /dev/null is the usual empty file.
        assert_eq!(read(Path::new("/dev/null"), 10, BOUND).unwrap(), Some(Vec::new()));
        assert_eq!(read_local(Path::new("/dev/null"), 10).unwrap(), Vec::<u8>::new());
    }

    fn target<'a>(file: &'a Path) -> Target<'a> {
        Target {
            file,
            lock_name: OsStr::new(".f.lock"),
            temp_name: OsStr::new(".f.tmp-1"),
            is_stale: |n| n.starts_with(b".f.tmp-"),
        }
    }

    #[test]
    fn update_creates_the_folder_replaces_the_file_and_removes_stale_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a/b/f");
        let t = target(&file);
        let seen =
            update(&t, 100, BOUND, |old| Ok::<_, Failure>((old.is_none(), Some(b"one".to_vec()))), |f| f);
        assert!(seen.unwrap(), "a missing file reads as None");
        let stale = dir.path().join("a/b/.f.tmp-99");
        std::fs::write(&stale, "half").unwrap();
        let old = update(
            &t,
            100,
            BOUND,
            |old| Ok::<_, Failure>((old.map(<[u8]>::to_vec), Some(b"two".to_vec()))),
            |f| f,
        );
        assert_eq!(old.unwrap().as_deref(), Some(&b"one"[..]));
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert!(!stale.exists(), "a stale temporary file is removed");
        let mut names: Vec<_> =
            std::fs::read_dir(dir.path().join("a/b")).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [".f.lock", "f"]);
        // No new content: the file stays.
        update(&t, 100, BOUND, |_| Ok::<_, Failure>(((), None)), |f| f).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
    }

    #[test]
    fn update_waits_for_the_lock_within_its_bound() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        let t = target(&file);
        update(&t, 100, BOUND, |_| Ok::<_, Failure>(((), Some(b"x".to_vec()))), |f| f).unwrap();
        let held = std::fs::File::open(dir.path().join(".f.lock")).unwrap();
        rustix::fs::flock(&held, FlockOperation::LockExclusive).unwrap();
        let start = Instant::now();
        let bound = Duration::from_millis(300);
        let r = update(&t, 100, bound, |_| Ok::<_, Failure>(((), Some(b"y".to_vec()))), |f| f);
        assert!(matches!(r, Err(Failure::Locked { .. })), "{r:?}");
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        // A killed waiter is not a stuck one: once the lock is free, changes go through.
        drop(held);
        std::thread::sleep(Duration::from_millis(50));
        update(&t, 100, BOUND, |_| Ok::<_, Failure>(((), Some(b"z".to_vec()))), |f| f).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"z");
    }

    /// Every child of this process (the test's own workers: nextest runs each test alone).
    fn kill_children() {
        for task in std::fs::read_dir("/proc/self/task").unwrap() {
            let kids = std::fs::read_to_string(task.unwrap().path().join("children")).unwrap_or_default();
            for pid in kids.split_whitespace().filter_map(|p| rustix::process::Pid::from_raw(p.parse().ok()?))
            {
                // Our own child, not reaped yet: its PID is its own.
                let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    #[test]
    fn a_writer_that_died_is_an_error_not_a_sigpipe() {
        // A C host (libmpr's) may leave SIGPIPE at its default, which ends the process.
        // SAFETY: setting a signal disposition of this test process.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, "old").unwrap();
        let big = vec![b'x'; 100];
        let r = update(
            &target(&file),
            1 << 20,
            BOUND,
            |_| {
                kill_children();
                Ok::<_, Failure>(((), Some(big)))
            },
            |f| f,
        );
        assert!(r.unwrap_err().to_string().contains("ended early"));
        assert_eq!(std::fs::read(&file).unwrap(), b"old");
    }

    #[test]
    fn update_never_writes_over_a_file_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        rustix::fs::mkfifoat(CWD, &file, Mode::from_raw_mode(0o600)).unwrap();
        let r = update(&target(&file), 100, BOUND, |_| Ok::<_, Failure>(((), Some(b"y".to_vec()))), |f| f);
        assert!(r.unwrap_err().to_string().contains("FIFO"));
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata(&file).unwrap().file_type().is_fifo(), "left as it was");
    }

    #[test]
    fn workers_are_reaped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"x").unwrap();
        for _ in 0..20 {
            read(&p, 10, BOUND).unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
        sweep(&p);
        // Other tests' workers may be parked for a moment; these twenty are not.
        assert!(PARKED.lock().unwrap().len() < 5, "finished workers are reaped");
    }
}
