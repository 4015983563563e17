//! `WNetGetUser` and `WNetSetLastError`.

use std::os::raw::c_char;
use std::os::unix::ffi::OsStrExt;

use netdrive::{Error, Win32Error};

use crate::guard::guard;
use crate::strings::{write_str_counted, Enc, A, W};
use crate::types::DWORD;
use crate::universal::fail;

unsafe fn get_user<E: Enc>(name: *const E::Unit, user: *mut E::Unit, len: *mut DWORD) -> DWORD {
    guard(|| {
        // WNetGetUser: lpUserName and lpnLength are required.
        if user.is_null() || len.is_null() {
            return fail(Win32Error(487), "lpUserName or lpnLength is NULL");
        }
        // A name (a mount point, a remote name): bytes (A), surrogate-escaped (W).
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let name = unsafe { E::read_os(name)? }.filter(|n| !n.is_empty());
        // "lpName: ... If this parameter is NULL or the empty string, the system returns the
        // name of the current user for the process."
        let who = match name {
            None => netdrive::current_user_name(),
            Some(n) => {
                // "lpName: ... either the name of a local device that has been redirected to
                // a network resource, or the remote name of a network resource to which a
                // connection has been made without redirecting a local device": a mount
                // point, or the remote name of a deviceless connection (GVfs), whose local
                // name is not a path.
                let drives = netdrive::list(netdrive::Scope::Connected)?;
                // A remote name is matched as WNetCancelConnection2 matches it (the same
                // name or one inside it, a port set aside, as GVfs's names have none).
                let found = if netdrive::names::unc_parts(&n).is_some() {
                    drives.iter().find(|c| c.is_deviceless_to(n.as_bytes()))
                } else {
                    let local = netdrive::normalize(&n);
                    drives.iter().find(|c| c.local_name == local)
                };
                let c = found.ok_or_else(|| Error::NotConnected { target: n.as_os_str().into() })?;
                netdrive::names::connection_user(c)
            }
        };
        // SAFETY: `len` checked non-NULL; `user` is writable for `*len` units per the caller.
        unsafe { write_str_counted::<E>(&who, user, len, "lpnLength") }
    })
}

/// `WNetGetUserA(lpName, lpUserName, lpnLength)`: with `lpName` NULL or empty, this
/// process's user; otherwise the user a connected drive (its mount point, or the remote
/// name of a deviceless GVfs connection, as documented) was made as: `user@` of an sshfs source, `username=` of a cifs mount, else the
/// FUSE drive's owner. `*lpnLength` is in characters; too small: `ERROR_MORE_DATA` and the
/// size needed. Not a connected drive: `ERROR_NOT_CONNECTED`.
///
/// # Safety
/// `lpName` NULL or NUL-terminated; `lpnLength` NULL or valid; `lpUserName` writable for
/// `*lpnLength` chars.
#[no_mangle]
pub unsafe extern "C" fn WNetGetUserA(
    lpName: *const c_char,
    lpUserName: *mut c_char,
    lpnLength: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_user::<A>(lpName, lpUserName, lpnLength) }
}

/// `WNetGetUserW`: as [`WNetGetUserA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetUserA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetUserW(
    lpName: *const u16,
    lpUserName: *mut u16,
    lpnLength: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_user::<W>(lpName, lpUserName, lpnLength) }
}

unsafe fn set_last_error<E: Enc>(err: DWORD, text: *const E::Unit, provider: *const E::Unit) {
    // A void function: nothing can be reported, so a text that cannot be read is empty.
    // SAFETY: the caller promises NULL or NUL-terminated strings.
    let read = |p| unsafe { E::read(p) }.ok().flatten().unwrap_or_default();
    let (text, provider) = (read(text), read(provider));
    // Not through `guard`: a call that succeeds leaves the last error as it was before it,
    // and setting it is this call's whole point.
    let _ = std::panic::catch_unwind(|| {
        netdrive::set_last_error(netdrive::LastError { code: Win32Error(err), text, provider })
    });
}

/// `WNetSetLastErrorA(err, lpError, lpProviders)` (npapi.h): set this thread's last error,
/// as `WNetGetLastError` then reports it: the code, its text and the provider's name.
///
/// # Safety
/// `lpError` and `lpProviders` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn WNetSetLastErrorA(err: DWORD, lpError: *const c_char, lpProviders: *const c_char) {
    // SAFETY: passed on under the same contract.
    unsafe { set_last_error::<A>(err, lpError, lpProviders) }
}

/// `WNetSetLastErrorW`: as [`WNetSetLastErrorA`], with UTF-16.
///
/// # Safety
/// As for [`WNetSetLastErrorA`].
#[no_mangle]
pub unsafe extern "C" fn WNetSetLastErrorW(err: DWORD, lpError: *const u16, lpProviders: *const u16) {
    // SAFETY: passed on under the same contract.
    unsafe { set_last_error::<W>(err, lpError, lpProviders) }
}
