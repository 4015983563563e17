//! One connection: `WNetGetConnection` and `WNetAddConnection2`.

use std::os::raw::c_char;
use std::time::Duration;

use netdrive::{Error, Scope, Win32Error};

use crate::guard::{guard, invalid};
use crate::strings::{write_os_str, Enc, A, W};
use crate::types::{
    NetResource, CONNECT_CMD_SAVECRED, CONNECT_COMMANDLINE, CONNECT_CRED_RESET, CONNECT_CURRENT_MEDIA,
    CONNECT_GLOBAL_MAPPING, CONNECT_INTERACTIVE, CONNECT_PROMPT, CONNECT_REDIRECT, CONNECT_REQUIRE_INTEGRITY,
    CONNECT_REQUIRE_PRIVACY, CONNECT_TEMPORARY, CONNECT_UPDATE_PROFILE, CONNECT_UPDATE_RECENT,
    CONNECT_WRITE_THROUGH_SEMANTICS, DWORD, NETRESOURCEA, NETRESOURCEW, RESOURCETYPE_ANY, RESOURCETYPE_DISK,
    RESOURCETYPE_PRINT,
};

unsafe fn get_connection<E: Enc>(local: *const E::Unit, remote: *mut E::Unit, len: *mut DWORD) -> DWORD {
    guard(|| {
        if len.is_null() {
            return Err(invalid("lpnLength is NULL"));
        }
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let local = unsafe { E::read_os(local)? }.ok_or_else(|| invalid("lpLocalName is NULL"))?;
        if local.is_empty() {
            return Err(Error::BadDevice("lpLocalName is empty".into()));
        }
        // A connected drive is answered from the mount table alone: the profile (damaged,
        // on a server that stopped) plays no part. It is read only for a name not connected.
        let (name, connected) = match netdrive::connected_drive(&local)? {
            Some(c) => (c.remote_name, true),
            None => {
                let want = netdrive::normalize(&local);
                let remembered = netdrive::list(Scope::Remembered)?;
                match remembered.into_iter().find(|c| c.local_name == want) {
                    Some(c) => (c.remote_name, false),
                    None => return Err(Error::NotConnected { target: local.into() }),
                }
            }
        };
        // SAFETY: checked non-NULL; the caller promises it is readable (at any alignment).
        let cap = unsafe { len.read_unaligned() } as usize;
        // SAFETY: `remote` is NULL or writable for `cap` units per the caller.
        match unsafe { write_os_str::<E>(&name, remote, cap) } {
            Ok(()) if connected => Ok(0),
            Ok(()) => Ok(Win32Error::ERROR_CONNECTION_UNAVAIL.0),
            Err(needed) => {
                // SAFETY: checked non-NULL; written without assuming alignment.
                unsafe { len.write_unaligned(DWORD::try_from(needed).unwrap_or(DWORD::MAX)) };
                Ok(Win32Error::ERROR_MORE_DATA.0)
            }
        }
    })
}

/// `WNetGetConnectionA(lpLocalName, lpRemoteName, lpnLength)`: the remote name of a
/// drive. `*lpnLength` is in characters, NUL included; too small gives `ERROR_MORE_DATA`
/// and the size needed. A remembered drive that is not connected gives
/// `ERROR_CONNECTION_UNAVAIL` with its name; anything else `ERROR_NOT_CONNECTED`. A
/// connected drive is answered from the mount table alone, whatever state the profile is
/// in. Names are the file system's bytes (A) or their surrogate-escaped UTF-16 (W).
///
/// # Safety
/// `lpLocalName` NULL or NUL-terminated; `lpRemoteName` writable for `*lpnLength` chars.
#[no_mangle]
pub unsafe extern "C" fn WNetGetConnectionA(
    lpLocalName: *const c_char,
    lpRemoteName: *mut c_char,
    lpnLength: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_connection::<A>(lpLocalName, lpRemoteName, lpnLength) }
}

/// `WNetGetConnectionW`: as [`WNetGetConnectionA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetConnectionA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetConnectionW(
    lpLocalName: *const u16,
    lpRemoteName: *mut u16,
    lpnLength: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_connection::<W>(lpLocalName, lpRemoteName, lpnLength) }
}

/// Every flag learn.microsoft.com documents for `WNetAddConnection2` (dwFlags); each one's
/// meaning here is on its constant in `types`.
const ADD_FLAGS: DWORD = CONNECT_UPDATE_PROFILE
    | CONNECT_UPDATE_RECENT
    | CONNECT_TEMPORARY
    | CONNECT_INTERACTIVE
    | CONNECT_PROMPT
    | CONNECT_REDIRECT
    | CONNECT_CURRENT_MEDIA
    | CONNECT_COMMANDLINE
    | CONNECT_CMD_SAVECRED
    | CONNECT_CRED_RESET
    | CONNECT_REQUIRE_INTEGRITY
    | CONNECT_REQUIRE_PRIVACY
    | CONNECT_WRITE_THROUGH_SEMANTICS
    | CONNECT_GLOBAL_MAPPING;

pub(crate) unsafe fn add_connection2<E: Enc>(
    nr: *const NetResource<E::Unit>,
    password: *const E::Unit,
    user: *const E::Unit,
    flags: DWORD,
) -> DWORD {
    guard(|| {
        if nr.is_null() {
            return Err(invalid("lpNetResource is NULL"));
        }
        if flags & !ADD_FLAGS != 0 {
            return Err(invalid("unknown flags"));
        }
        // SAFETY: non-NULL; the caller promises a readable NETRESOURCE, which may be
        // unaligned (from a packed structure or a byte buffer): copied, not referenced.
        let nr = unsafe { nr.read_unaligned() };
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (local, remote, provider, password, user) = unsafe {
            (
                E::read_os(nr.lpLocalName)?,
                E::read_os(nr.lpRemoteName)?,
                E::read(nr.lpProvider)?,
                E::read(password)?,
                E::read(user)?,
            )
        };
        let local = local.unwrap_or_default();
        match nr.dwType {
            RESOURCETYPE_DISK | RESOURCETYPE_ANY => {}
            // learn.microsoft.com, WNetAddConnection2, Return value: ERROR_BAD_DEV_TYPE
            // "The type of local device and the type of network resource do not match."
            RESOURCETYPE_PRINT => {
                return Err(Error::BadDevType(format!(
                    "RESOURCETYPE_PRINT: there are no printers here{}",
                    if local.is_empty() { "" } else { "; lpLocalName is a folder (a disk)" }
                )))
            }
            _ => {
                return Err(invalid(
                    "dwType must be RESOURCETYPE_DISK, RESOURCETYPE_ANY or RESOURCETYPE_PRINT",
                ))
            }
        }
        let remote = remote.ok_or_else(|| Error::BadNetName("lpRemoteName is NULL".into()))?;
        let req = netdrive::ConnectRequest {
            local_name: local,
            remote_name: remote,
            provider,
            user,
            password,
            update_profile: flags & CONNECT_UPDATE_PROFILE != 0 && flags & CONNECT_TEMPORARY == 0,
            remember_credentials: flags & CONNECT_CMD_SAVECRED != 0,
            require_integrity: flags & CONNECT_REQUIRE_INTEGRITY != 0,
            require_privacy: flags & CONNECT_REQUIRE_PRIVACY != 0,
            write_through: flags & CONNECT_WRITE_THROUGH_SEMANTICS != 0,
            global: flags & CONNECT_GLOBAL_MAPPING != 0,
            timeout: Duration::from_secs(30),
        };
        netdrive::connect(&req).map(|_| 0)
    })
}

/// `WNetAddConnection2A(lpNetResource, lpPassword, lpUserName, dwFlags)`: connect
/// `lpRemoteName` at the folder `lpLocalName` with the provider `lpProvider` ("SSHFS",
/// "rclone", "SMB", "NFS"; NULL means SMB; another name is `ERROR_BAD_PROVIDER`).
/// `lpLocalName` NULL or "" is a deviceless connection (a GVfs mount, which has no folder
/// of its own; `ERROR_NO_NETWORK` where the session has no GVfs). `CONNECT_UPDATE_PROFILE`
/// also remembers it (`ERROR_DEVICE_ALREADY_REMEMBERED` when the profile remembers that
/// local name for another remote). Every documented flag is accepted; what each does on
/// Linux is on its constant (`CONNECT_CMD_SAVECRED` stores the password given,
/// `CONNECT_REQUIRE_*` ask the protocol for signing or encryption, `CONNECT_GLOBAL_MAPPING`
/// lets every user see a FUSE drive; the prompt, recent-list and media flags have no
/// meaning here and are ignored). `RESOURCETYPE_PRINT` is `ERROR_BAD_DEV_TYPE`.
///
/// # Safety
/// `lpNetResource` NULL or a readable `NETRESOURCEA`; strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnection2A(
    lpNetResource: *const NETRESOURCEA,
    lpPassword: *const c_char,
    lpUserName: *const c_char,
    dwFlags: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { add_connection2::<A>(lpNetResource, lpPassword, lpUserName, dwFlags) }
}

/// `WNetAddConnection2W`: as [`WNetAddConnection2A`], with UTF-16.
///
/// # Safety
/// As for [`WNetAddConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnection2W(
    lpNetResource: *const NETRESOURCEW,
    lpPassword: *const u16,
    lpUserName: *const u16,
    dwFlags: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { add_connection2::<W>(lpNetResource, lpPassword, lpUserName, dwFlags) }
}
