//! The handle of a running dialog: waiting for its outcome (blocking, bounded, or by
//! callback), and closing it. The worker that runs the helper fills it in.

use std::process::{Child, Command};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use netdrive::LastError;
use rustix::process::{Pid, Signal};

use crate::outcome::{CancelledBy, Outcome};

type Callback = Box<dyn FnOnce(Outcome) + Send>;

/// The helper's process, and how it is asked to go.
#[derive(Clone, Copy)]
struct Helper {
    pid: Pid,
    /// The terminal dialog: asked with SIGTERM first, as it gives the terminal back.
    polite: bool,
}

#[derive(Default)]
struct Inner {
    outcome: Option<Outcome>,
    helper: Option<Helper>,
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
    pub(crate) fn new() -> DialogHandle {
        DialogHandle { shared: Arc::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Start the helper with `cmd`, so that [`close`](Self::close) can reach it; `None` when
    /// the dialog was closed before it started. `polite`: ask it to go with SIGTERM first.
    pub(crate) fn spawn(&self, cmd: &mut Command, polite: bool) -> Option<std::io::Result<Child>> {
        let mut g = self.lock();
        if g.closed {
            return None;
        }
        let child = cmd.spawn();
        if let Ok(c) = &child {
            g.helper = Pid::from_raw(c.id() as i32).map(|pid| Helper { pid, polite });
        }
        Some(child)
    }

    /// The helper is about to be reaped: its PID is no longer for [`close`](Self::close).
    pub(crate) fn forget_helper(&self) {
        self.lock().helper = None;
    }

    /// Whether the host closed the dialog.
    pub(crate) fn closed(&self) -> bool {
        self.lock().closed
    }

    /// The dialog ended with `outcome`: wake the waiters, call the callbacks.
    pub(crate) fn end(&self, outcome: Outcome) {
        let callbacks = {
            let mut g = self.lock();
            g.outcome = Some(outcome.clone());
            std::mem::take(&mut g.callbacks)
        };
        self.shared.done.notify_all();
        for f in callbacks {
            f(outcome.clone());
        }
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
        let Some(helper) = g.helper else { return };
        // Our own child, which the worker has not reaped yet (it clears `helper` under
        // this lock before reaping), so the PID is still its.
        if helper.polite {
            // The terminal dialog puts the terminal back on SIGTERM; if it does not go in
            // time, it is killed all the same.
            let _ = rustix::process::kill_process(helper.pid, Signal::TERM);
            let h = self.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(2));
                if let Some(still) = h.lock().helper.filter(|s| s.pid == helper.pid) {
                    let _ = rustix::process::kill_process(still.pid, Signal::KILL);
                }
            });
        } else {
            let _ = rustix::process::kill_process(helper.pid, Signal::KILL);
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
