//! Noticing that the mount table changed: the kernel flags `/proc/self/mountinfo` with
//! `POLLPRI` (and `POLLERR`) on every mount and unmount in this namespace, once a change
//! for each open file, so no re-reading is needed to notice the next one.

use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use rustix::event::{poll, PollFd, PollFlags};

/// An open `/proc/self/mountinfo` to watch. A front end with an event loop waits for
/// [`PollFlags::PRI`] on it (glib: `IOCondition::PRI`); one without asks [`changed`](Self::changed).
#[derive(Debug)]
pub struct TableWatch {
    file: File,
}

impl TableWatch {
    /// Watch this process's mount table; `None` without `/proc`.
    pub fn open() -> Option<TableWatch> {
        File::open("/proc/self/mountinfo").ok().map(|file| TableWatch { file })
    }

    /// Whether the table changed since the last look. Never blocks.
    pub fn changed(&self) -> bool {
        let mut fds = [PollFd::new(&self.file, PollFlags::PRI)];
        poll(&mut fds, Some(&rustix::time::Timespec { tv_sec: 0, tv_nsec: 0 })).is_ok_and(|n| n > 0)
            && fds[0].revents().contains(PollFlags::PRI)
    }
}

impl AsFd for TableWatch {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

impl AsRawFd for TableWatch {
    fn as_raw_fd(&self) -> RawFd {
        self.file.as_raw_fd()
    }
}
