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
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rustix::fs::FileType;
use rustix::io::Errno;

mod child;
mod worker;

use worker::Worker;

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rustix::fs::{FlockOperation, Mode, CWD};

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
        worker::sweep(&p);
        // Other tests' workers may be parked for a moment; these twenty are not.
        assert!(worker::PARKED.lock().unwrap().len() < 5, "finished workers are reaped");
    }
}
