//! One connection: `WNetGetConnection` and `WNetAddConnection2`.

use std::ffi::OsString;
use std::os::raw::c_char;
use std::time::Duration;

use netdrive::{Error, Scope, Win32Error};

use crate::guard::{guard, invalid};
use crate::strings::{write_str, Enc, A, W};
use crate::types::{
    NetResource, CONNECT_INTERACTIVE, CONNECT_PROMPT, CONNECT_TEMPORARY, CONNECT_UPDATE_PROFILE, DWORD,
    NETRESOURCEA, NETRESOURCEW, RESOURCETYPE_ANY, RESOURCETYPE_DISK,
};

unsafe fn get_connection<E: Enc>(local: *const E::Unit, remote: *mut E::Unit, len: *mut DWORD) -> DWORD {
    guard(|| {
        if len.is_null() {
            return Err(invalid("lpnLength is NULL"));
        }
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let local = unsafe { E::read(local)? }.ok_or_else(|| invalid("lpLocalName is NULL"))?;
        if local.is_empty() {
            return Err(Error::BadDevice("lpLocalName is empty".into()));
        }
        let want = netdrive::normalize(local.as_ref());
        // A profile that cannot be read (on a dead network drive, say) does not hide
        // connected drives; it is the error only for a name found nowhere else.
        let listing = netdrive::list_with_warnings(Scope::All)?;
        let Some(c) = listing.connections.iter().find(|c| c.local_name == want) else {
            return Err(listing
                .warnings
                .into_iter()
                .next()
                .unwrap_or_else(|| Error::NotConnected { target: local.as_str().into() }));
        };
        let name = c.remote_name.to_string_lossy();
        // SAFETY: checked non-NULL; the caller promises it is readable (at any alignment).
        let cap = unsafe { len.read_unaligned() } as usize;
        // SAFETY: `remote` is NULL or writable for `cap` units per the caller.
        match unsafe { write_str::<E>(&name, remote, cap) } {
            Ok(()) if c.connected => Ok(0),
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
/// `ERROR_CONNECTION_UNAVAIL` with its name; anything else `ERROR_NOT_CONNECTED`.
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
        if flags & !(CONNECT_UPDATE_PROFILE | CONNECT_TEMPORARY | CONNECT_INTERACTIVE | CONNECT_PROMPT) != 0 {
            return Err(invalid("unknown flags"));
        }
        // SAFETY: non-NULL; the caller promises a readable NETRESOURCE, which may be
        // unaligned (from a packed structure or a byte buffer): copied, not referenced.
        let nr = unsafe { nr.read_unaligned() };
        if nr.dwType != RESOURCETYPE_DISK && nr.dwType != RESOURCETYPE_ANY {
            return Err(invalid("dwType must be RESOURCETYPE_DISK"));
        }
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (local, remote, provider, password, user) = unsafe {
            (
                E::read(nr.lpLocalName)?,
                E::read(nr.lpRemoteName)?,
                E::read(nr.lpProvider)?,
                E::read(password)?,
                E::read(user)?,
            )
        };
        let remote = remote.ok_or_else(|| Error::BadNetName("lpRemoteName is NULL".into()))?;
        let req = netdrive::ConnectRequest {
            local_name: local.map(OsString::from).unwrap_or_default(),
            remote_name: remote.into(),
            provider,
            user,
            password,
            update_profile: flags & CONNECT_UPDATE_PROFILE != 0 && flags & CONNECT_TEMPORARY == 0,
            timeout: Duration::from_secs(30),
            ..Default::default()
        };
        netdrive::connect(&req).map(|_| 0)
    })
}

/// `WNetAddConnection2A(lpNetResource, lpPassword, lpUserName, dwFlags)`: connect
/// `lpRemoteName` at the folder `lpLocalName` with the provider `lpProvider` ("SSHFS",
/// "rclone", "SMB", "NFS"; NULL means SMB). `CONNECT_UPDATE_PROFILE` also remembers it.
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
