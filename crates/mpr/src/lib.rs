//! libmpr: the Windows WNet API (`winnetwk.h`) for C programs on Linux.
//!
//! What it is for: code written for, or ported from, Windows that calls the WNet API:
//! connecting (`WNetAddConnection`/`2`/`3`/`4`, `WNetUseConnection`/`4`,
//! `WNetRestoreSingleConnectionW`), disconnecting (`WNetCancelConnection`/`2`, the
//! disconnect dialog), the connect dialog (`WNetConnectionDialog`/`1`), enumerating, and asking about names, users and providers
//! (`WNetGetConnection`, `WNetGetUniversalName`, `WNetGetUser`, `WNetGetProviderName`,
//! `WNetGetNetworkInformation`, `WNetGetResourceInformation`/`Parent`,
//! `MultinetGetConnectionPerformance`, `WNetGetLastError`/`WNetSetLastError`). Each export
//! has an "A" (`char`: the filesystem's bytes; texts UTF-8) and a "W" (UTF-16 `WCHAR` = `unsigned short`) form, Win32's
//! values, structures and buffer rules; `include/winnetwk.h` declares them.
//!
//! What it is not: a second implementation. Everything is done by the `netdrive` and
//! `netdrive-dialog` crates; this crate only checks and converts at the C boundary.
//!
//! At the boundary: no panic crosses it (each one becomes `ERROR_EXTENDED_ERROR` with the
//! message in the last error); NULL pointers, a wrong `cbStructure`, texts (provider,
//! user, password) that are not UTF-8 or UTF-16 and unknown flags are
//! `ERROR_INVALID_PARAMETER`, while names (local and remote) are the file system's bytes in
//! "A" and round-trip through "W" (see `strings`); handles are opaque numbers
//! checked against a registry, never dereferenced, so a wrong, stale or closed handle is
//! `ERROR_INVALID_HANDLE`. Dangling pointers cannot be detected by any C API and remain
//! the caller's to avoid. The last error is per thread.
//!
//! Layout: Win32's types, constants and structures (`types`, `structs`); one module for
//! each group of exports (`dialog`, `connect_dialog`, `cancel`, `last_error`, `enumerate` with `globalnet` for browsing the network, `connection`,
//! `use_connection`, `universal`, `user`, `info`); the boundary
//! (`guard`), the handle registry (`registry`) and the two string kinds (`strings`). All
//! are private; what C sees is re-exported here.
//!
//! The exports are Rust functions too, called as C calls them:
//!
//! ```
//! use mpr::{WNetGetConnectionA, DWORD};
//!
//! let mut remote = [0 as std::ffi::c_char; 260];
//! let mut length = remote.len() as DWORD;
//! // SAFETY: a NUL-terminated name, and a buffer of `length` characters.
//! let code = unsafe { WNetGetConnectionA(c"/".as_ptr(), remote.as_mut_ptr(), &mut length) };
//! assert_eq!(code, 2250); // ERROR_NOT_CONNECTED: "/" is not a network drive
//! ```

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_snake_case)]

mod cancel;
mod connect_dialog;
mod connection;
mod dialog;
mod enumerate;
mod globalnet;
mod guard;
mod info;
mod last_error;
mod registry;
mod strings;
mod structs;
mod types;
mod universal;
mod use_connection;
mod user;

pub use cancel::{
    WNetCancelConnection2A, WNetCancelConnection2W, WNetCancelConnectionA, WNetCancelConnectionW,
};
pub use connect_dialog::{
    WNetConnectionDialog, WNetConnectionDialog1A, WNetConnectionDialog1ExA, WNetConnectionDialog1ExW,
    WNetConnectionDialog1W,
};
pub use connection::{WNetAddConnection2A, WNetAddConnection2W, WNetGetConnectionA, WNetGetConnectionW};
pub use dialog::{
    WNetDialogClose, WNetDialogWait, WNetDisconnectDialog, WNetDisconnectDialog1A, WNetDisconnectDialog1W,
    WNetDisconnectDialogEx,
};
pub use enumerate::{WNetCloseEnum, WNetEnumResourceA, WNetEnumResourceW, WNetOpenEnumA, WNetOpenEnumW};
pub use info::{
    MultinetGetConnectionPerformanceA, MultinetGetConnectionPerformanceW, WNetGetNetworkInformationA,
    WNetGetNetworkInformationW, WNetGetProviderNameA, WNetGetProviderNameW, WNetGetResourceInformationA,
    WNetGetResourceInformationW, WNetGetResourceParentA, WNetGetResourceParentW,
};
pub use last_error::{WNetGetLastErrorA, WNetGetLastErrorW};
pub use structs::{
    RemoteNameInfo, UniversalNameInfo, NETCONNECTINFOSTRUCT, NETINFOSTRUCT, REMOTE_NAME_INFOA,
    REMOTE_NAME_INFOW, UNIVERSAL_NAME_INFOA, UNIVERSAL_NAME_INFOW,
};
pub use types::*;
pub use universal::{WNetGetUniversalNameA, WNetGetUniversalNameW};
pub use use_connection::{
    WNetAddConnection3A, WNetAddConnection3W, WNetAddConnection4A, WNetAddConnection4W, WNetAddConnectionA,
    WNetAddConnectionW, WNetRestoreConnectionW, WNetRestoreSingleConnectionW, WNetUseConnection4A,
    WNetUseConnection4W, WNetUseConnectionA, WNetUseConnectionW,
};
pub use user::{WNetGetUserA, WNetGetUserW, WNetSetLastErrorA, WNetSetLastErrorW};
