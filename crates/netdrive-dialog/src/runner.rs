//! The asynchronous runner: `disconnect_dialog` returns at once; a worker thread owns a
//! helper process that shows the window and answers with one JSON line.
//!
//! Why a process: a GUI toolkit cannot be initialised twice in one process, and the host
//! may already run GTK (or Qt, or winit) on its main thread. The helper dies with its
//! host: it gets SIGKILL when the worker thread that started it ends (`PR_SET_PDEATHSIG`,
//! which covers the host process dying), and it also watches its standard input, which
//! reaches end-of-file when the host goes.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use netdrive::{Error, LastError, Win32Error};

use crate::outcome::{CancelledBy, Outcome};
use crate::owner::Owner;

/// Win32 `RESOURCETYPE_ANY`.
pub const RESOURCETYPE_ANY: u32 = 0;
/// Win32 `RESOURCETYPE_DISK`: the only type the disconnect dialog takes.
pub const RESOURCETYPE_DISK: u32 = 1;
/// Win32 `RESOURCETYPE_PRINT`.
pub const RESOURCETYPE_PRINT: u32 = 2;

type Callback = Box<dyn FnOnce(Outcome) + Send>;

#[derive(Default)]
struct Inner {
    outcome: Option<Outcome>,
    helper: Option<u32>,
    closed: bool,
    callbacks: Vec<Callback>,
}

#[derive(Default)]
struct Shared {
    inner: Mutex<Inner>,
    done: Condvar,
}

/// A running dialog. Dropping the handle leaves the dialog up until the person ends it.
#[derive(Clone)]
pub struct DialogHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for DialogHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DialogHandle").field("outcome", &self.try_outcome()).finish()
    }
}

impl DialogHandle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Block until the dialog ends. A failure is also recorded as this thread's last error.
    pub fn wait(&self) -> Outcome {
        let mut g = self.lock();
        while g.outcome.is_none() {
            g = self.shared.done.wait(g).unwrap_or_else(|p| p.into_inner());
        }
        let o = g.outcome.clone().unwrap_or(Outcome::Cancelled(CancelledBy::Closed));
        record(&o);
        o
    }

    /// [`wait`](Self::wait) at most `timeout`; `None` if the dialog is still up.
    pub fn wait_timeout(&self, timeout: Duration) -> Option<Outcome> {
        let deadline = Instant::now() + timeout;
        let mut g = self.lock();
        while g.outcome.is_none() {
            let left = deadline.checked_duration_since(Instant::now())?;
            g = self.shared.done.wait_timeout(g, left).unwrap_or_else(|p| p.into_inner()).0;
        }
        let o = g.outcome.clone();
        if let Some(o) = &o {
            record(o);
        }
        o
    }

    /// The outcome if the dialog has ended, without waiting.
    pub fn try_outcome(&self) -> Option<Outcome> {
        self.lock().outcome.clone()
    }

    /// Take the dialog away now. Its outcome becomes "cancelled (closed)" unless it had
    /// already ended.
    pub fn close(&self) {
        let mut g = self.lock();
        g.closed = true;
        if let Some(pid) = g.helper {
            // SAFETY: signalling our own child, which the worker has not reaped yet
            // (it clears `helper` under this lock before reaping).
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
    }

    /// Call `f` with the outcome when the dialog ends: on the worker thread, or at once on
    /// this thread if it has already ended. For event-loop hosts.
    pub fn on_complete(&self, f: impl FnOnce(Outcome) + Send + 'static) {
        let mut g = self.lock();
        match g.outcome.clone() {
            Some(o) => {
                drop(g);
                f(o);
            }
            None => g.callbacks.push(Box::new(f)),
        }
    }

    /// A channel that receives the outcome once.
    pub fn receiver(&self) -> mpsc::Receiver<Outcome> {
        let (tx, rx) = mpsc::channel();
        self.on_complete(move |o| {
            let _ = tx.send(o);
        });
        rx
    }
}

fn record(o: &Outcome) {
    if let Outcome::Failed { code, message } = o {
        netdrive::set_last_error(LastError {
            code: *code,
            text: message.clone(),
            provider: "netdrive".into(),
        });
    }
}

/// `WNetDisconnectDialog`: open the "Disconnect Network Drives" dialog for `owner` and
/// return at once. `resource_type` must be [`RESOURCETYPE_DISK`]
/// (`ERROR_INVALID_PARAMETER` otherwise); `ERROR_NOT_ENOUGH_MEMORY` when no worker can
/// start. Everything else arrives as the handle's [`Outcome`].
pub fn disconnect_dialog(owner: Owner, resource_type: u32) -> Result<DialogHandle, Error> {
    disconnect_dialog_with_timeout(owner, resource_type, netdrive::CancelOptions::default().timeout)
}

/// [`disconnect_dialog`], giving a server `timeout` to answer each disconnect before the
/// dialog offers to detach it (`netdrive dialog --timeout`).
pub fn disconnect_dialog_with_timeout(
    owner: Owner,
    resource_type: u32,
    timeout: Duration,
) -> Result<DialogHandle, Error> {
    if resource_type != RESOURCETYPE_DISK {
        return Err(Error::InvalidParameter(format!(
            "resource type {resource_type}: the disconnect dialog takes RESOURCETYPE_DISK (1) only"
        ))
        .record());
    }
    start(vec![
        "--owner".into(),
        owner.to_handle_string().into(),
        "--timeout".into(),
        timeout.as_secs_f64().to_string().into(),
    ])
}

/// Start the helper with `args` on a worker thread.
pub(crate) fn start(args: Vec<OsString>) -> Result<DialogHandle, Error> {
    let handle = DialogHandle { shared: Arc::default() };
    let h = handle.clone();
    std::thread::Builder::new()
        .name("netdrive-dialog".into())
        .spawn(move || {
            let outcome = run_helper(&h, &args);
            let callbacks = {
                let mut g = h.lock();
                g.outcome = Some(outcome.clone());
                std::mem::take(&mut g.callbacks)
            };
            h.shared.done.notify_all();
            for f in callbacks {
                f(outcome.clone());
            }
        })
        .map_err(|e| Error::NotEnoughMemory(format!("cannot start the dialog's worker: {e}")).record())?;
    Ok(handle)
}

/// Where the GTK helper is: `NETDRIVE_DIALOG_HELPER`, next to this program (or one folder
/// up, as for test binaries in `target/*/deps`), or on `PATH`.
pub fn helper_path() -> Option<PathBuf> {
    const NAME: &str = "netdrive-dialog-gtk";
    if let Some(p) = std::env::var_os("NETDRIVE_DIALOG_HELPER") {
        return Some(PathBuf::from(p));
    }
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(2) {
            let p = dir.join(NAME);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(NAME)).find(|p| p.is_file())
}

fn run_helper(h: &DialogHandle, args: &[OsString]) -> Outcome {
    if let Err(e) = netdrive::mountinfo::read_table() {
        return Outcome::Failed {
            code: Win32Error::ERROR_NO_NETWORK,
            message: format!("cannot read the mount table: {e}"),
        };
    }
    let Some(helper) = helper_path() else {
        return Outcome::extended(
            "the dialog program netdrive-dialog-gtk is not installed (install netdrive's GTK front end, \
             or set NETDRIVE_DIALOG_HELPER)",
        );
    };
    let mut cmd = Command::new(&helper);
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // SAFETY: prctl is async-signal-safe and touches only the child being started.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = {
        let mut g = h.lock();
        if g.closed {
            return Outcome::Cancelled(CancelledBy::Closed);
        }
        match cmd.spawn() {
            Ok(c) => {
                g.helper = Some(c.id());
                c
            }
            Err(e) => return Outcome::extended(format!("cannot start {}: {e}", helper.display())),
        }
    };
    let stderr = child.stderr.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            text
        })
    });
    let mut answer = None;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                answer = Outcome::from_json(&v).or(answer);
            }
        }
    }
    // Keep stdin open until here: its end tells the helper that we are gone.
    let status = {
        let mut g = h.lock();
        g.helper = None;
        drop(g);
        drop(child.stdin.take());
        child.wait()
    };
    let errors = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    if h.lock().closed && answer.is_none() {
        return Outcome::Cancelled(CancelledBy::Closed);
    }
    answer.unwrap_or_else(|| {
        let last = errors.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_owned();
        Outcome::extended(match status {
            Ok(s) if last.is_empty() => format!("the dialog ended without an answer ({s})"),
            _ => netdrive::escape::escape_text(&last),
        })
    })
}
