//! The blocking steps of a conversation: listing the drives and disconnecting one. The
//! conversation asks for them as [`Work`]; a front end runs each off its drawing thread and
//! feeds the [`Event`] it gives back.

use std::time::Duration;

use netdrive::{CancelOptions, Connection, Error, Holder};

use crate::conversation::Event;
use crate::outcome::Disconnected;
use crate::row;

/// How long the in-use scan of each drive may take while listing.
const IN_USE_BOUND: Duration = Duration::from_secs(1);

/// How to disconnect in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Refuse if files are open (then ask the person).
    Normal,
    /// The person agreed to close open files.
    Force,
    /// The person chose to detach a drive whose server does not answer.
    Detach,
}

/// What one disconnect step came to.
#[derive(Debug)]
pub enum Step {
    /// The drive is disconnected.
    Done(Disconnected),
    /// Files are open: ask "Disconnect anyway?" naming these.
    OpenFiles(Vec<Holder>),
    /// The server did not answer: offer Detach, Keep waiting, Cancel.
    NotResponding,
    /// Anything else.
    Failed(Error),
}

/// A blocking step the conversation needs done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Work {
    /// List the drives ([`Event::Listed`]). `first`: the dialog's first listing.
    List {
        /// The first listing of the dialog.
        first: bool,
    },
    /// Disconnect one drive ([`Event::Stepped`]).
    Disconnect {
        /// The drive, as it was listed.
        connection: Connection,
        /// How.
        mode: Mode,
        /// How long its server may take to answer.
        timeout: Duration,
    },
}

impl Work {
    /// Do it (blocks for about the step's time bound at most) and say how it went.
    pub fn run(self) -> Event {
        match self {
            Work::List { first } => {
                if first {
                    test_hook_delay_first_listing();
                }
                Event::Listed(row::listing(IN_USE_BOUND))
            }
            Work::Disconnect { connection, mode, timeout } => {
                Event::Stepped(disconnect_step(&connection, mode, timeout))
            }
        }
    }
}

impl Work {
    /// The event for this work when it could not be run at all (its worker failed):
    /// the listing or the step failed, with `why`.
    pub fn lost(&self, why: &str) -> Event {
        let e = Error::Extended { provider: "netdrive".into(), message: why.into() };
        match self {
            Work::List { .. } => Event::Listed(Err(e)),
            Work::Disconnect { .. } => Event::Stepped(Step::Failed(e)),
        }
    }
}

/// Try to disconnect a listed drive, within about `timeout`.
fn disconnect_step(c: &Connection, mode: Mode, timeout: Duration) -> Step {
    let opts = CancelOptions {
        force: mode == Mode::Force,
        detach: mode == Mode::Detach,
        update_profile: false,
        timeout,
    };
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

/// Tests only: `NETDRIVE_TEST_FIRST_LIST_DELAY_MS` holds the first listing back, so a test
/// can read the dialog as it is before the list arrives (a slow listing, made certain).
fn test_hook_delay_first_listing() {
    if let Some(ms) = std::env::var("NETDRIVE_TEST_FIRST_LIST_DELAY_MS").ok().and_then(|v| v.parse().ok()) {
        std::thread::sleep(Duration::from_millis(ms));
    }
}
