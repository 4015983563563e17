//! Cancelling a connection: `WNetCancelConnection2` and `WNetCancelConnection`.

use std::os::raw::c_char;

use netdrive::CancelOptions;

use crate::guard::{guard, invalid};
use crate::strings::{Enc, A, W};
use crate::types::{BOOL, CONNECT_UPDATE_PROFILE, DWORD};

unsafe fn cancel2<E: Enc>(name: *const E::Unit, flags: DWORD, force: BOOL) -> DWORD {
    guard(|| {
        if flags & !CONNECT_UPDATE_PROFILE != 0 {
            return Err(invalid("unknown flags"));
        }
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let name = unsafe { E::read(name)? }.ok_or_else(|| invalid("lpName is NULL"))?;
        let opts = CancelOptions {
            force: force != 0,
            update_profile: flags & CONNECT_UPDATE_PROFILE != 0,
            ..CancelOptions::default()
        };
        netdrive::cancel(name.as_ref(), &opts).map(|_| 0)
    })
}

/// `WNetCancelConnection2A(lpName, dwFlags, fForce)`: disconnect a drive named by its
/// local name (mount point), `\\server\share`, or source. `CONNECT_UPDATE_PROFILE` also
/// forgets it. Open files without `fForce`: `ERROR_OPEN_FILES`, the processes named in the
/// last error.
///
/// # Safety
/// `lpName` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnection2A(
    lpName: *const c_char,
    dwFlags: DWORD,
    fForce: BOOL,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<A>(lpName, dwFlags, fForce) }
}

/// `WNetCancelConnection2W`: as [`WNetCancelConnection2A`], with UTF-16.
///
/// # Safety
/// As for [`WNetCancelConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnection2W(lpName: *const u16, dwFlags: DWORD, fForce: BOOL) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<W>(lpName, dwFlags, fForce) }
}

/// `WNetCancelConnectionA(lpName, fForce)`: as Win32, the same as
/// `WNetCancelConnection2A(lpName, CONNECT_UPDATE_PROFILE, fForce)`.
///
/// # Safety
/// As for [`WNetCancelConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnectionA(lpName: *const c_char, fForce: BOOL) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<A>(lpName, CONNECT_UPDATE_PROFILE, fForce) }
}

/// `WNetCancelConnectionW`: as [`WNetCancelConnectionA`], with UTF-16.
///
/// # Safety
/// As for [`WNetCancelConnection2A`].
#[no_mangle]
pub unsafe extern "C" fn WNetCancelConnectionW(lpName: *const u16, fForce: BOOL) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { cancel2::<W>(lpName, CONNECT_UPDATE_PROFILE, fForce) }
}
