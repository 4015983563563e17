//! The asynchronous runner: `disconnect_dialog` returns at once; a worker thread owns a
//! helper process that shows the dialog (a window, or the terminal dialog) and answers
//! with one JSON line.
//!
//! Why a process: a GUI toolkit cannot be initialised twice in one process, and the host
//! may already run GTK (or Qt, or winit) on its main thread; a terminal dialog takes
//! over signals and the terminal, which are the host's. The helper dies with its host:
//! it gets a signal when the worker thread that started it ends (`PR_SET_PDEATHSIG`,
//! which covers the host process dying), and it also watches its standard input, which
//! reaches end-of-file when the host goes.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use netdrive::{Error, Win32Error};
use rustix::process::Signal;

use crate::handle::DialogHandle;
use crate::outcome::{CancelledBy, Outcome};
use crate::owner::Owner;
use crate::request::Request;
use crate::texts;

/// Win32 `RESOURCETYPE_ANY`.
pub const RESOURCETYPE_ANY: u32 = 0;
/// Win32 `RESOURCETYPE_DISK`: the only type the disconnect dialog takes.
pub const RESOURCETYPE_DISK: u32 = 1;
/// Win32 `RESOURCETYPE_PRINT`.
pub const RESOURCETYPE_PRINT: u32 = 2;

/// Where a dialog is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Surface {
    /// A window when there is a display (`DISPLAY` or `WAYLAND_DISPLAY`), else the
    /// terminal dialog on the controlling terminal when there is one, else
    /// `ERROR_EXTENDED_ERROR` "no display".
    #[default]
    Auto,
    /// A window (`netdrive-dialog-gtk`).
    Window,
    /// The terminal dialog on the controlling terminal (`netdrive-dialog-tui`).
    Terminal,
}

impl Surface {
    /// The surface to use now: [`Surface::Auto`] decided; `None` when there is none.
    pub fn resolve(self) -> Option<Surface> {
        let display =
            ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
        match self {
            Surface::Auto if display => Some(Surface::Window),
            // Opening it is the test: a process without a controlling terminal gets ENXIO.
            Surface::Auto => std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/tty")
                .is_ok()
                .then_some(Surface::Terminal),
            s => Some(s),
        }
    }

    /// The helper program's name, and the variable that can name another.
    fn program(self) -> (&'static str, &'static str) {
        match self {
            Surface::Terminal => ("netdrive-dialog-tui", "NETDRIVE_DIALOG_TUI_HELPER"),
            _ => ("netdrive-dialog-gtk", "NETDRIVE_DIALOG_HELPER"),
        }
    }

    /// The signal the helper gets when its host goes: the terminal dialog must put the
    /// terminal back first.
    fn death_signal(self) -> Signal {
        match self {
            Surface::Terminal => Signal::TERM,
            _ => Signal::KILL,
        }
    }
}

/// How a dialog is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DialogOptions {
    /// How long each server may take to answer a disconnect before the dialog offers to
    /// detach it (`netdrive dialog --timeout`).
    pub timeout: Duration,
    /// Where.
    pub surface: Surface,
}

impl Default for DialogOptions {
    fn default() -> Self {
        DialogOptions { timeout: netdrive::CancelOptions::default().timeout, surface: Surface::Auto }
    }
}

/// `WNetDisconnectDialog`: open the "Disconnect Network Drives" dialog for `owner` and
/// return at once. `resource_type` must be [`RESOURCETYPE_DISK`]
/// (`ERROR_INVALID_PARAMETER` otherwise); `ERROR_NOT_ENOUGH_MEMORY` when no worker can
/// start. Everything else arrives as the handle's [`Outcome`].
pub fn disconnect_dialog(owner: Owner, resource_type: u32) -> Result<DialogHandle, Error> {
    disconnect_dialog_with(owner, resource_type, &DialogOptions::default())
}

/// [`disconnect_dialog`], giving a server `timeout` to answer each disconnect before the
/// dialog offers to detach it.
pub fn disconnect_dialog_with_timeout(
    owner: Owner,
    resource_type: u32,
    timeout: Duration,
) -> Result<DialogHandle, Error> {
    disconnect_dialog_with(owner, resource_type, &DialogOptions { timeout, ..DialogOptions::default() })
}

/// [`disconnect_dialog`] with [`DialogOptions`]: the timeout, and where to show it.
pub fn disconnect_dialog_with(
    owner: Owner,
    resource_type: u32,
    options: &DialogOptions,
) -> Result<DialogHandle, Error> {
    if resource_type != RESOURCETYPE_DISK {
        return Err(Error::InvalidParameter(format!(
            "resource type {resource_type}: the disconnect dialog takes RESOURCETYPE_DISK (1) only"
        ))
        .record());
    }
    start(Request::dialog(owner, options.timeout), options.surface)
}

/// Start the helper for `request` on a worker thread.
pub(crate) fn start(request: Request, surface: Surface) -> Result<DialogHandle, Error> {
    let handle = DialogHandle::new();
    let h = handle.clone();
    std::thread::Builder::new()
        .name("netdrive-dialog".into())
        .spawn(move || h.end(run_helper(&h, &request, surface)))
        .map_err(|e| Error::NotEnoughMemory(format!("cannot start the dialog's worker: {e}")).record())?;
    Ok(handle)
}

/// The folder the packages install the helpers in (`/usr/libexec/netdrive`), or the one
/// given at build time with `NETDRIVE_LIBEXECDIR`. Searched last, so a C or Rust program
/// anywhere finds the packaged helpers without them on `PATH`.
pub const LIBEXEC_DIR: &str = match option_env!("NETDRIVE_LIBEXECDIR") {
    Some(dir) => dir,
    None => "/usr/libexec/netdrive",
};

/// Where the helper for `surface` is: its variable (`NETDRIVE_DIALOG_HELPER` for the
/// window, `NETDRIVE_DIALOG_TUI_HELPER` for the terminal); next to this program (or one
/// folder up, as for test binaries in `target/*/deps`); in `../libexec/netdrive` beside
/// this program's folder (an installed prefix: `/usr/bin` → `/usr/libexec/netdrive`); on
/// `PATH`; or in [`LIBEXEC_DIR`].
pub fn helper_path(surface: Surface) -> Option<PathBuf> {
    let (name, var) = surface.program();
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok();
    let beside = exe.iter().flat_map(|e| e.ancestors().skip(1).take(2).map(PathBuf::from));
    let prefix = exe.iter().filter_map(|e| Some(e.parent()?.parent()?.join("libexec/netdrive")));
    let path = std::env::var_os("PATH");
    let on_path = path.iter().flat_map(std::env::split_paths);
    beside
        .chain(prefix)
        .chain(on_path)
        .chain(std::iter::once(PathBuf::from(LIBEXEC_DIR)))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn run_helper(h: &DialogHandle, request: &Request, surface: Surface) -> Outcome {
    if let Err(e) = netdrive::mountinfo::read_table() {
        return Outcome::Failed {
            code: Win32Error::ERROR_NO_NETWORK,
            message: format!("cannot read the mount table: {e}"),
        };
    }
    let Some(surface) = surface.resolve() else {
        return Outcome::extended(if request.connect {
            texts::connect::NO_DISPLAY
        } else {
            texts::NO_DISPLAY
        });
    };
    let Some(program) = helper_path(surface) else {
        return Outcome::extended(match surface {
            Surface::Terminal => texts::NO_TERMINAL_HELPER,
            _ => texts::NO_WINDOW_HELPER,
        });
    };
    let mut cmd = Command::new(&program);
    cmd.args(request.to_args()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // The Map Network Drive dialog is always asked to go with SIGTERM first (then killed):
    // a connect under way must be undone ("cancelled" must not mount later).
    let death = if request.connect { Signal::TERM } else { surface.death_signal() };
    // SAFETY: prctl is async-signal-safe and touches only the child being started.
    unsafe {
        cmd.pre_exec(move || Ok(rustix::process::set_parent_process_death_signal(Some(death))?));
    }
    let mut child = match h.spawn(&mut cmd, surface == Surface::Terminal || request.connect) {
        Some(Ok(c)) => c,
        Some(Err(e)) => return Outcome::extended(format!("cannot start {}: {e}", program.display())),
        None => return Outcome::Cancelled(CancelledBy::Closed),
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
            answer = serde_json::from_str::<Outcome>(&line).ok().or(answer);
        }
    }
    // Keep stdin open until here: its end tells the helper that we are gone.
    h.forget_helper();
    drop(child.stdin.take());
    let status = child.wait();
    let errors = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    // Closed: cancelled (closed), unless drives were disconnected (or one connected)
    // before it went.
    if h.closed() && !matches!(answer, Some(Outcome::Disconnected(_) | Outcome::Connected(_))) {
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
