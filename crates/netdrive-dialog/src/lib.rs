//! netdrive-dialog: `WNetDisconnectDialog` and `WNetDisconnectDialog1` for Linux.
//!
//! What it is for: everything of the "Disconnect Network Drives" dialog that is not
//! drawing:
//!
//! - [`disconnect_dialog`] returns at once with a [`DialogHandle`] (`wait`, `wait_timeout`,
//!   `try_outcome`, `close`, `on_complete`, `receiver`); the dialog runs in a helper
//!   process owned by a worker thread, so hosts that already run a toolkit are safe, and
//!   the dialog dies with its host. [`Surface`] picks the helper: the window
//!   (`netdrive-dialog-gtk`) with a display, else the terminal dialog
//!   (`netdrive-dialog-tui`) on the controlling terminal;
//! - [`disconnect_dialog1`]: one named drive, asking only when files are open;
//! - [`Owner`]: X11 ids, portal strings (`x11:HEX`, `wayland:HANDLE`), and any
//!   `raw-window-handle` window;
//! - [`Conversation`]: the whole disconnect conversation as a state machine every front
//!   end drives ([`FrontEnd`]): rows, choosing, the batch, the questions, the outcome;
//!   [`Work`] is what it needs done off the drawing thread, [`TableWatch`] tells it the
//!   mount table changed;
//! - [`texts`]: every text a person reads, in one place;
//! - [`Outcome`], its JSON form and exit status; [`Request`], a helper's command line;
//! - [`connect`]: the other half, `WNetConnectionDialog` and `WNetConnectionDialog1`
//!   ("Map Network Drive"): [`connect_dialog`], [`connect_dialog1`] and the
//!   [`ConnectConversation`] the same front ends draw, sharing the outcome, owner, helper
//!   protocol and runner.
//!
//! What it is not: a toolkit front end (see `netdrive-gtk`, `netdrive-tui`), or the core
//! (see `netdrive`).
//!
//! ```
//! use netdrive::Win32Error;
//! use netdrive_dialog::{disconnect_dialog, Owner, RESOURCETYPE_DISK, RESOURCETYPE_PRINT};
//!
//! // Only disk drives have this dialog: another type fails at once, with Win32's code.
//! let error = disconnect_dialog(Owner::None, RESOURCETYPE_PRINT).unwrap_err();
//! assert_eq!(error.code(), Win32Error::ERROR_INVALID_PARAMETER);
//! ```
//!
//! With a display (or a terminal) the dialog opens and the call returns at once; the
//! handle says how it ended:
//!
//! ```no_run
//! use netdrive_dialog::{disconnect_dialog, Owner, RESOURCETYPE_DISK};
//!
//! let handle = disconnect_dialog(Owner::None, RESOURCETYPE_DISK)?;
//! let outcome = handle.wait(); // or on_complete, wait_timeout, try_outcome, close
//! println!("{}", outcome.to_json());
//! # Ok::<(), netdrive::Error>(())
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

pub mod connect;
mod conversation;
mod disc1;
mod frontend;
mod handle;
mod outcome;
mod owner;
mod question;
mod request;
mod row;
mod runner;
pub mod texts;
mod watch;
mod work;

pub use connect::{
    connect_dialog, connect_dialog1, connect_dialog1_with, drive_connect, ConnectConversation, ConnectDlg,
    ConnectEffect, ConnectEvent, ConnectFrontEnd, ConnectWork, NetResource,
};
pub use conversation::{Conversation, Effect, Event};
pub use disc1::{disconnect_dialog1, DiscDlg, DISC_NO_FORCE, DISC_UPDATE_PROFILE};
pub use frontend::{drive, FrontEnd};
pub use handle::DialogHandle;
pub use outcome::{CancelledBy, Connected, Disconnected, Outcome, CANCELLED};
pub use owner::Owner;
pub use question::{Answer, Choice, Question, Tone, Topic};
pub use request::{exit_with, outcome_of_answer, parse_seconds, watch_host, Request, Show};
pub use row::{listing, load_rows, Listing, Row, RowKey};
pub use runner::{
    disconnect_dialog, disconnect_dialog_with, disconnect_dialog_with_timeout, helper_path, DialogOptions,
    Surface, LIBEXEC_DIR, RESOURCETYPE_ANY, RESOURCETYPE_DISK, RESOURCETYPE_PRINT,
};
pub use watch::TableWatch;
pub use work::{Mode, Step, Work};
