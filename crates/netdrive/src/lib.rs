//! netdrive: network drives on Linux, with the semantics of Windows' WNet API.
//!
//! What it is for: the core that every netdrive front end (the `netdrive` command, the
//! GTK and terminal dialogs, the C library `libmpr`) stands on:
//!
//! - [`list`] network connections, connected (the mount table) and remembered (the
//!   user's profile and `/etc/fstab`): `WNetOpenEnum` / `WNetEnumResource`;
//! - [`who_uses`] a connection: processes with files, folders or maps on it;
//! - [`cancel`] a connection: `WNetCancelConnection2`, with force, detach and
//!   "update profile"; [`connect`] one: `WNetAddConnection2`;
//! - [`restore`] remembered connections, as at sign-in, in parallel under one bound;
//! - [`keyring`]: network passwords in the desktop keyring (the Secret Service);
//! - [`profile`]: remembered connections;
//! - [`Error`]: failures with their Win32 codes, and [`last_error`] per thread
//!   (`WNetGetLastError`).
//!
//! What it is not: a mounter (connecting is done by the filesystems' own tools), a GUI,
//! or a C ABI. It never `stat()`s, opens or lists a network mount to learn about it:
//! everything comes from `/proc`, so a server that does not answer cannot hang a
//! listing. The steps that may touch a server run in a child process with a time bound:
//! the unmount, and reading or writing the profile and fstab, which can live on a network
//! drive (an NFS home folder).
//!
//! [`Provider`] says who provides a drive; the source of each kind of drive maps to a UNC
//! name (`\\server\share`) as the README's provider table shows.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

// Namespaces of their own: escaping names for people, names in JSON, the mount table
// parser, and the remembered connections.
pub mod escape;
pub mod json;
pub mod keyring;
pub mod mountinfo;
pub mod profile;

// Everything else is reached through the re-exports below.
mod bounded;
mod cancel;
mod child;
mod connect;
mod connection;
mod davfs;
mod error;
mod gvfs;
mod list;
mod procfs;
mod provider;
mod restore;
mod unmount;
mod users;
mod wait;
mod who;

pub use cancel::{cancel, cancel_listed, CancelOptions, Disconnected, How, Upload, DEFAULT_TIMEOUT};
pub use connect::{connect, connect_report, ConnectRequest, Connected};
pub use connection::{connected_in, normalize, resolve, Connection, Remembered};
pub use error::{
    clear_last_error, last_error, set_last_error, Error, LastError, Name, Result, Waiting, Win32Error,
};
pub use escape::escape;
pub use list::{find_connected, list, list_with_warnings, Listing, Scope};
pub use procfs::{Holder, Use};
pub use provider::Provider;
pub use restore::{restore, restore_one, Ask, Credentials, Restoration, RestoreOptions, Restored};
pub use users::user_name;
pub use who::{who_uses, who_uses_in, who_uses_mount, Usage, UNMOUNT_CHILD_NAME};
