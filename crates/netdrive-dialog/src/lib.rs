//! netdrive-dialog: `WNetDisconnectDialog` and `WNetDisconnectDialog1` for Linux.
//!
//! What it is for: the toolkit-free half of the "Disconnect Network Drives" dialog:
//!
//! - [`disconnect_dialog`] returns at once with a [`DialogHandle`] (`wait`, `wait_timeout`,
//!   `try_outcome`, `close`, `on_complete`, `receiver`); the dialog runs in a helper
//!   process (the GTK front end, `netdrive-dialog-gtk`) owned by a worker thread, so hosts
//!   that already run a toolkit are safe, and the dialog dies with its host;
//! - [`disconnect_dialog1`]: one named drive, asking only when files are open;
//! - [`Owner`]: X11 ids, portal strings (`x11:HEX`, `wayland:HANDLE`), and any
//!   `raw-window-handle` window;
//! - [`model`]: rows and the disconnect step every front end uses;
//! - [`Outcome`] and its JSON form, the helper's answer.
//!
//! What it is not: a toolkit front end (see `netdrive-gtk`), or the core (see `netdrive`).

#![deny(unsafe_op_in_unsafe_fn)]

mod disc1;
pub mod model;
mod outcome;
mod owner;
mod runner;

pub use disc1::{disconnect_dialog1, DiscDlg, DISC_NO_FORCE, DISC_UPDATE_PROFILE};
pub use outcome::{CancelledBy, Disconnected, Outcome, CANCELLED};
pub use owner::Owner;
pub use runner::{
    disconnect_dialog, disconnect_dialog_with_timeout, helper_path, DialogHandle, RESOURCETYPE_ANY,
    RESOURCETYPE_DISK, RESOURCETYPE_PRINT,
};
