//! Waiting for a descriptor with a deadline: a pipe with something to read or room to
//! write, a pidfd whose process ended.

use std::os::fd::BorrowedFd;
use std::time::Instant;

use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;

/// Wait until `fd` is ready for `events`, or `deadline` passes: whether it is ready. An
/// interrupted wait goes on with the time left, and past the deadline it still looks once
/// (a descriptor collected late may have been ready long ago).
pub(crate) fn ready_by(fd: BorrowedFd<'_>, events: PollFlags, deadline: Instant) -> rustix::io::Result<bool> {
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let timeout = Timespec::try_from(left).unwrap_or(Timespec { tv_sec: i64::MAX, tv_nsec: 0 });
        match poll(&mut [PollFd::from_borrowed_fd(fd, events)], Some(&timeout)) {
            Ok(0) if left.is_zero() => return Ok(false),
            Ok(0) | Err(Errno::INTR) => {}
            Ok(_) => return Ok(true),
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;
    use std::time::Duration;

    #[test]
    fn a_pipe_is_ready_once_written_and_not_before_the_deadline() {
        let (r, w) = rustix::pipe::pipe().unwrap();
        let start = Instant::now();
        let deadline = start + Duration::from_millis(100);
        assert!(!ready_by(r.as_fd(), PollFlags::IN, deadline).unwrap());
        assert!(start.elapsed() >= Duration::from_millis(100));
        rustix::io::write(&w, b"x").unwrap();
        assert!(ready_by(r.as_fd(), PollFlags::IN, start).unwrap(), "looks once past the deadline");
    }
}
