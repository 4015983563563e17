//! Running a helper program (`fusermount3`, `sshfs`, `mount`) with a time bound.
//!
//! Its output is read, and its input written, while it runs: a program that fills a pipe
//! (64 KiB) would otherwise wait for a reader that waits for it to end. A program past
//! its bound is killed and reaped in the background; one stuck in the kernel on a dead
//! server cannot be killed, so nothing here ever waits for it.

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// A program that ended within its bound.
pub(crate) struct Finished {
    pub status: ExitStatus,
    // Drained so a chatty program cannot block on a full pipe; no caller needs it now.
    #[cfg_attr(not(test), allow(dead_code))]
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Finished {
    /// Standard error as text, trimmed.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).trim().to_owned()
    }
}

/// Reads a pipe to its end on a thread, keeping what it has read so far where the
/// caller can take it without waiting for the end.
struct Drain {
    got: Arc<Mutex<Vec<u8>>>,
    done: JoinHandle<()>,
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> Drain {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&got);
    let done = std::thread::spawn(move || {
        let Some(mut p) = pipe else { return };
        let mut chunk = [0u8; 16 * 1024];
        while let Ok(n @ 1..) = p.read(&mut chunk) {
            if let Ok(mut g) = sink.lock() {
                g.extend_from_slice(&chunk[..n]);
            }
        }
    });
    Drain { got, done }
}

impl Drain {
    /// What was read, once the pipe ended or, at the latest, at `by`: a grandchild that
    /// inherited the pipe can keep it open long after the program itself ended.
    fn take(self, by: Instant) -> Vec<u8> {
        while !self.done.is_finished() && Instant::now() < by {
            std::thread::sleep(Duration::from_millis(1));
        }
        self.got.lock().map(|mut g| std::mem::take(&mut *g)).unwrap_or_default()
    }
}

/// The name a program opens to read its standard input as a file: `/dev/stdin` is a link
/// that udev or a container runtime makes, and systems without them (initramfs, minimal
/// containers, a VM without udev) lack it; `/proc` is there wherever netdrive runs.
pub(crate) const STDIN_FILE: &str = "/proc/self/fd/0";

/// What a program gets on its standard input.
pub(crate) enum Input {
    /// Nothing (`/dev/null`).
    None,
    /// These bytes, through a pipe that is closed once they are written.
    Bytes(Vec<u8>),
    /// This file (a `memfd` with a secret, read as [`STDIN_FILE`]).
    File(std::os::fd::OwnedFd),
}

/// Run `cmd` with `stdin` (or none) for at most `bound`. `Err` when it cannot start,
/// `Ok(None)` when it did not end in time.
pub(crate) fn run_bounded(
    cmd: &mut Command,
    stdin: Option<Vec<u8>>,
    bound: Duration,
) -> std::io::Result<Option<Finished>> {
    run_bounded_input(cmd, stdin.map_or(Input::None, Input::Bytes), bound)
}

/// [`run_bounded`] with any [`Input`].
pub(crate) fn run_bounded_input(
    cmd: &mut Command,
    input: Input,
    bound: Duration,
) -> std::io::Result<Option<Finished>> {
    run_bounded_input_unless(cmd, input, bound, &|| false)
}

/// [`run_bounded`], also ending the program (`Ok(None)`) as soon as `stop` says so.
pub(crate) fn run_bounded_unless(
    cmd: &mut Command,
    stdin: Option<Vec<u8>>,
    bound: Duration,
    stop: &dyn Fn() -> bool,
) -> std::io::Result<Option<Finished>> {
    run_bounded_input_unless(cmd, stdin.map_or(Input::None, Input::Bytes), bound, stop)
}

fn run_bounded_input_unless(
    cmd: &mut Command,
    input: Input,
    bound: Duration,
    stop: &dyn Fn() -> bool,
) -> std::io::Result<Option<Finished>> {
    let (stdin_io, stdin) = match input {
        Input::None => (Stdio::null(), None),
        Input::Bytes(b) => (Stdio::piped(), Some(b)),
        Input::File(fd) => (Stdio::from(fd), None),
    };
    cmd.stdin(stdin_io).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // Closed when written, so a program reading to the end sees it.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&text);
        });
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let deadline = Instant::now() + bound;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline && !stop() => std::thread::sleep(Duration::from_millis(2)),
            _ => {
                // A program that leads its own process group (the mount tools do) goes
                // with everything it started (sshfs's ssh); others alone.
                let pid = rustix::process::Pid::from_raw(child.id() as i32);
                let leads = pid.is_some_and(|p| rustix::process::getpgid(Some(p)).is_ok_and(|g| g == p));
                if let (true, Some(p)) = (leads, pid) {
                    let _ = rustix::process::kill_process_group(p, rustix::process::Signal::KILL);
                }
                let _ = child.kill();
                std::thread::spawn(move || child.wait());
                return Ok(None);
            }
        }
    };
    let by = Instant::now() + Duration::from_millis(200);
    Ok(Some(Finished { status, stdout: stdout.take(by), stderr: stderr.take(by) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_output_larger_than_a_pipe_while_the_program_runs() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "head -c 300000 /dev/zero | tr '\\0' x; head -c 100000 /dev/zero >&2"]);
        let f = run_bounded(&mut cmd, None, Duration::from_secs(10)).unwrap().unwrap();
        assert!(f.status.success());
        assert_eq!((f.stdout.len(), f.stderr.len()), (300_000, 100_000));
    }

    #[test]
    fn writes_input_larger_than_a_pipe() {
        let mut cmd = Command::new("wc");
        cmd.arg("-c");
        let f = run_bounded(&mut cmd, Some(vec![b'x'; 200_000]), Duration::from_secs(10)).unwrap().unwrap();
        assert_eq!(String::from_utf8_lossy(&f.stdout).trim(), "200000");
    }

    #[test]
    fn a_program_past_its_bound_is_left_behind_in_time() {
        let start = Instant::now();
        let r = run_bounded(Command::new("sleep").arg("5"), None, Duration::from_millis(200)).unwrap();
        assert!(r.is_none());
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_grandchild_holding_the_pipe_does_not_hold_the_caller() {
        let start = Instant::now();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo said; echo problem >&2; sleep 5 &"]);
        let f = run_bounded(&mut cmd, None, Duration::from_secs(10)).unwrap().unwrap();
        assert_eq!((f.stdout.as_slice(), f.stderr_text().as_str()), (&b"said\n"[..], "problem"));
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let e = run_bounded(&mut Command::new("netdrive-no-such-program"), None, Duration::from_secs(1));
        assert_eq!(e.err().map(|e| e.kind()), Some(std::io::ErrorKind::NotFound));
    }
}
