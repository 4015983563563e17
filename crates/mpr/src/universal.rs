//! `WNetGetUniversalName`: the UNC name of a path anywhere inside a mounted drive.

use std::ffi::OsStr;
use std::os::raw::{c_char, c_void};

use netdrive::Win32Error;

use crate::guard::guard;
use crate::strings::{Enc, A, W};
use crate::structs::{pack, REMOTE_NAME_INFO_LEVEL, UNIVERSAL_NAME_INFO_LEVEL};
use crate::types::DWORD;

/// Record `code` with `text` as the last error and return it (for codes with no
/// `netdrive::Error` of their own, such as `ERROR_INVALID_ADDRESS`).
pub(crate) fn fail(code: Win32Error, text: &str) -> Result<DWORD, netdrive::Error> {
    netdrive::set_last_error(netdrive::LastError { code, text: text.into(), provider: "netdrive".into() });
    Ok(code.0)
}

/// Does a remembered drive (the profile's or the fstab's, whichever can be read) hold
/// `path` by name?
fn remembered(path: &OsStr) -> bool {
    let path = std::path::PathBuf::from(netdrive::normalize(path));
    netdrive::list_with_warnings(netdrive::Scope::Remembered)
        .map(|l| l.connections.iter().any(|c| path.starts_with(std::path::Path::new(&c.local_name))))
        .unwrap_or(false)
}

unsafe fn get_universal_name<E: Enc>(
    path: *const E::Unit,
    level: DWORD,
    buf: *mut c_void,
    size: *mut DWORD,
) -> DWORD {
    guard(|| {
        // WNetGetUniversalName, "Return value": NULL buffers are bad pointers (Windows
        // returns WN_BAD_POINTER; Wine's mpr tests check it).
        if path.is_null() || buf.is_null() || size.is_null() {
            return fail(Win32Error(487), "lpLocalPath, lpBuffer or lpBufferSize is NULL");
        }
        if level != UNIVERSAL_NAME_INFO_LEVEL && level != REMOTE_NAME_INFO_LEVEL {
            return Err(netdrive::Error::InvalidLevel(format!(
                "dwInfoLevel {level} is neither UNIVERSAL_NAME_INFO_LEVEL nor REMOTE_NAME_INFO_LEVEL"
            )));
        }
        // SAFETY: checked non-NULL; the caller promises it is readable (any alignment).
        let cap = unsafe { size.read_unaligned() } as usize;
        if cap == 0 {
            // Windows answers a zero size with WN_BAD_VALUE (Wine's mpr tests).
            return Err(netdrive::Error::InvalidParameter("*lpBufferSize is 0".into()));
        }
        // A name: the file system's bytes (A), surrogate-escaped (W), so that every path
        // an enumeration's names lead to can be asked about.
        // SAFETY: the caller promises a NUL-terminated string.
        let local = unsafe { E::read_os(path)? }.unwrap_or_default();
        let u = match netdrive::universal_name(&local) {
            Ok(u) => u,
            Err(e) if e.code() == Win32Error::ERROR_NOT_CONNECTED && remembered(&local) => {
                // "ERROR_CONNECTION_UNAVAIL: There is no current connection to the remote
                // device, but there is a remembered (persistent) connection to it."
                return fail(
                    Win32Error::ERROR_CONNECTION_UNAVAIL,
                    "the path is on a drive that is remembered but not connected now",
                );
            }
            Err(e) => return Err(e),
        };
        let (universal, connection, remaining) =
            (u.universal.as_os_str(), u.connection.as_os_str(), u.remaining.as_os_str());
        let fields: Vec<Option<&OsStr>> = if level == UNIVERSAL_NAME_INFO_LEVEL {
            vec![Some(universal)]
        } else {
            vec![Some(universal), Some(connection), Some(remaining)]
        };
        // SAFETY: `buf` is writable for `cap` bytes per the caller.
        match unsafe { pack::<E>(&[], &fields, &[], buf, cap) } {
            // The page says a success sets *lpBufferSize to the bytes stored; Windows leaves
            // it as it was (Wine's mpr tests check `info_size == sizeof(buffer)`), and
            // Microsoft's own sample on that page reuses it for a second call, which works
            // only so. Windows and the sample win.
            Ok(_) => Ok(0),
            Err(needed) => {
                // SAFETY: as above.
                unsafe { size.write_unaligned(DWORD::try_from(needed).unwrap_or(DWORD::MAX)) };
                fail(Win32Error::ERROR_MORE_DATA, "the buffer is too small; *lpBufferSize is the size needed")
            }
        }
    })
}

/// `WNetGetUniversalNameA(lpLocalPath, dwInfoLevel, lpBuffer, lpBufferSize)`: for a path
/// anywhere inside a connected drive (existing or not; by name, symbolic links not
/// followed), a `UNIVERSAL_NAME_INFOA` (`\\server\share\sub\file`) or `REMOTE_NAME_INFOA`
/// (that, the drive's remote name, and the rest with a leading `\`), followed by its
/// strings, in `lpBuffer` (`*lpBufferSize` bytes). Too small: `ERROR_MORE_DATA` and the
/// size needed; a path on a remembered drive that is not connected:
/// `ERROR_CONNECTION_UNAVAIL`; on no drive: `ERROR_NOT_CONNECTED`. Names in and out are the
/// file system's bytes (A) or their surrogate-escaped UTF-16 (W).
///
/// # Safety
/// `lpLocalPath` NULL or NUL-terminated; `lpBufferSize` NULL or valid; `lpBuffer` writable
/// for `*lpBufferSize` bytes.
#[no_mangle]
pub unsafe extern "C" fn WNetGetUniversalNameA(
    lpLocalPath: *const c_char,
    dwInfoLevel: DWORD,
    lpBuffer: *mut c_void,
    lpBufferSize: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_universal_name::<A>(lpLocalPath, dwInfoLevel, lpBuffer, lpBufferSize) }
}

/// `WNetGetUniversalNameW`: as [`WNetGetUniversalNameA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetUniversalNameA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetUniversalNameW(
    lpLocalPath: *const u16,
    dwInfoLevel: DWORD,
    lpBuffer: *mut c_void,
    lpBufferSize: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_universal_name::<W>(lpLocalPath, dwInfoLevel, lpBuffer, lpBufferSize) }
}
