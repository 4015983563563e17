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
//! - [`browse`] the network: providers, servers and shares (`RESOURCE_GLOBALNET`);
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
//!
//! ```
//! // The network drives connected now, as `netdrive list` shows them.
//! for drive in netdrive::list(netdrive::Scope::Connected)? {
//!     let local = netdrive::escape::escape(&drive.local_name);
//!     println!("{local} is {} ({})", drive.remote_name.to_string_lossy(), drive.provider);
//! }
//! // A folder that is not a network drive: Win32's ERROR_NOT_CONNECTED (2250).
//! let not_a_drive = netdrive::find_connected(std::ffi::OsStr::new("/")).unwrap_err();
//! assert_eq!(not_a_drive.code(), netdrive::Win32Error::ERROR_NOT_CONNECTED);
//! # Ok::<(), netdrive::Error>(())
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(missing_docs)]

// Namespaces of their own: escaping names for people, names in JSON, the mount table
// parser, the remembered connections, and browsing the network.
pub mod browse;
pub mod escape;
pub mod json;
pub mod keyring;
pub mod mountinfo;
pub mod names;
pub mod profile;

// Everything else is reached through the re-exports below.
mod automount;
mod bounded;
mod cancel;
mod child;
mod connect;
mod connection;
mod davfs;
mod error;
mod gvfs;
mod link;
mod list;
mod procfs;
mod provider;
mod restore;
mod unmount;
mod users;
mod wait;
mod who;

pub use cancel::{
    cancel, cancel_device_or_deviceless, cancel_listed, CancelOptions, Disconnected, How, Upload,
    DEFAULT_TIMEOUT,
};
pub use connect::{connect, connect_report, undo_own_mount, ConnectRequest, Connected, MountsBefore};
pub use connection::{connected_in, normalize, resolve, Connection, Remembered};
pub use error::{
    clear_last_error, last_error, set_last_error, Error, LastError, Name, Result, Waiting, Win32Error,
};
pub use escape::escape;
pub use link::{link_to, Link};
pub use list::{connected_drive, find_connected, list, list_with_warnings, Listing, Scope};
pub use names::{free_local_name, universal_name, UniversalName};
pub use procfs::{Holder, Use};
pub use provider::Provider;
pub use restore::{restore, restore_one, Ask, Credentials, Restoration, RestoreOptions, Restored};
pub use users::{current_user_name, user_name};
pub use who::{who_uses, who_uses_in, who_uses_mount, Usage, UNMOUNT_CHILD_NAME};
