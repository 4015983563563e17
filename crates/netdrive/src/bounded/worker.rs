//! The caller's side of a bounded access: the child started with `clone(CLONE_PIDFD)`,
//! its records read by a deadline, the verdict sent to it, and the child reaped, or
//! abandoned and remembered when it does not answer.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustix::event::PollFlags;
use rustix::io::Errno;
use rustix::net::SendFlags;

use super::{child, failed, io_err, protocol, too_big, Failure, Job, BOUND};
use super::{REC_DATA, REC_END, REC_FAIL, REC_MISSING, REC_PHASE};
use crate::wait::ready_by;

/// Children that ended their conversation or were abandoned, not yet reaped. `key`: the
/// file an abandoned (possibly stuck) child was working on.
pub(super) struct Parked {
    pidfd: OwnedFd,
    key: Option<PathBuf>,
    since: Instant,
}

pub(super) static PARKED: Mutex<Vec<Parked>> = Mutex::new(Vec::new());

/// Reap the parked children that ended; how long a child on `key` has been stuck, if one is.
pub(super) fn sweep(key: &Path) -> Option<Duration> {
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
/// A child and the caller's ends of its pipe and channel.
pub(super) struct Worker {
    pidfd: Option<OwnedFd>,
    key: PathBuf,
    started: Instant,
    /// Records from the child.
    up: OwnedFd,
    /// The verdict to the child (changes only).
    pub(super) down: Option<OwnedFd>,
    inbox: Vec<u8>,
    pub(super) phase: u8,
}
impl Worker {
    /// Start a child for `job` on the file `key`; `down`: whether it gets a verdict channel.
    pub(super) fn start(key: &Path, job: Job<'_>, down: bool) -> Result<Worker, Failure> {
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
        // `child::main`, which makes system calls on memory prepared above and never
        // returns. The parent gets the child's pidfd in `pidfd` (CLONE_PIDFD).
        let pid = unsafe { clone_pidfd(&mut pidfd) };
        if pid == 0 {
            // SAFETY: in the freshly cloned child, with signals blocked.
            unsafe { child::main(&job, &keep, &mut buf, &mut dirents) }
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

    pub(super) fn record(&mut self, deadline: Instant) -> Result<(u8, Vec<u8>), Failure> {
        let bound = deadline.saturating_duration_since(self.started);
        self.record_within(deadline, bound)
    }

    /// The file's content (`None`: it does not exist), at most `limit` bytes.
    pub(super) fn content(
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
    pub(super) fn send(&mut self, mut bytes: &[u8], deadline: Instant) -> Result<(), Failure> {
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
    pub(super) fn abandon(mut self) {
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
