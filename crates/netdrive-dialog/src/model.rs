//! The dialog's model, shared by every front end (GTK, terminal): the rows, and one
//! disconnect step with the answers a person must be asked for.

use std::ffi::OsStr;
use std::time::Duration;

use netdrive::{escape, CancelOptions, Connection, Error, Holder, Scope, Use};

use crate::outcome::Disconnected;

/// One row of the dialog, every text already escaped for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub connection: Connection,
    /// Drive (mount point).
    pub drive: String,
    /// Network path (UNC).
    pub network_path: String,
    pub provider: String,
    pub status: String,
    /// Work is under way on this row (show a spinner).
    pub working: bool,
}

impl Row {
    pub fn new(c: Connection) -> Row {
        let provider = match &c.backend {
            Some(b) => format!("{} ({})", c.provider, escape(OsStr::new(b))),
            None => c.provider.to_string(),
        };
        Row {
            drive: escape(&c.local_name),
            network_path: escape(&c.remote_name),
            provider,
            status: status_text(&c, 0),
            working: false,
            connection: c,
        }
    }

    /// The line a screen reader reads for the row.
    pub fn accessible_text(&self) -> String {
        format!("{}, {}, {}, {}", self.drive, self.network_path, self.provider, self.status)
    }
}

fn status_text(c: &Connection, users: usize) -> String {
    match users {
        0 => c.status().to_owned(),
        1 => "in use by 1 process".to_owned(),
        n => format!("in use by {n} processes"),
    }
}

/// The rows: connected drives, then remembered ones not connected. A damaged or
/// unreachable profile still shows the connected drives; its error comes back beside them.
pub fn load_rows() -> Result<(Vec<Row>, Option<Error>), Error> {
    let listing = netdrive::list_with_warnings(Scope::All)?;
    let warning = listing.warnings.into_iter().next();
    Ok((listing.connections.into_iter().map(Row::new).collect(), warning))
}

/// Mark rows that are in use ("in use by N processes"). Reads only /proc, bounded.
pub fn mark_in_use(rows: &mut [Row], bound: Duration) {
    for r in rows.iter_mut().filter(|r| r.connection.connected && r.connection.mount_id.is_some()) {
        if let Ok(u) = netdrive::who_uses(&r.connection, bound) {
            r.status = status_text(&r.connection, u.process_count());
        }
    }
}

/// How to disconnect in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Refuse if files are open (ask the person).
    Normal,
    /// The person agreed to close open files.
    Force,
    /// The person chose to detach a drive whose server does not answer.
    Detach,
}

/// What one disconnect step came to.
#[derive(Debug)]
pub enum Step {
    Done(Disconnected),
    /// Files are open: ask "Disconnect anyway?" naming these.
    OpenFiles(Vec<Holder>),
    /// The server did not answer: offer Detach, Keep waiting, Cancel.
    NotResponding,
    Failed(Error),
}

/// Try to disconnect a listed drive. Blocks for at most about `timeout`: run it off the
/// GUI thread.
pub fn disconnect_step(c: &Connection, mode: Mode, timeout: Duration, update_profile: bool) -> Step {
    let opts =
        CancelOptions { force: mode == Mode::Force, detach: mode == Mode::Detach, update_profile, timeout };
    match netdrive::cancel_listed(c, &opts) {
        Ok(done) => Step::Done(Disconnected {
            local_name: done.connection.local_name,
            remote_name: done.connection.remote_name,
        }),
        Err(Error::OpenFiles { holders, .. }) => Step::OpenFiles(holders),
        Err(Error::NotResponding { .. }) => Step::NotResponding,
        Err(e) => Step::Failed(e),
    }
}

/// "sleep (PID 42) has /mnt/share/report.txt open", one line a holder, escaped.
pub fn describe_holders(holders: &[Holder]) -> String {
    holders
        .iter()
        .map(|h| {
            let what = match h.how {
                Use::File(_) => "has a file open:",
                Use::Cwd => "is working in",
                Use::Root => "has its root in",
                Use::Exe => "runs from",
                Use::Map => "has mapped",
            };
            format!("{} (PID {}) {what} {}", escape(OsStr::new(&h.name)), h.pid, escape(&h.path))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one-line explanation of "Detach" shown to people.
pub const DETACH_EXPLAINED: &str =
    "Detach removes the drive now; the connection closes when the programs using it finish.";

/// Shown when nothing is there to disconnect.
pub const EMPTY_TEXT: &str = "No network drives are connected.";
