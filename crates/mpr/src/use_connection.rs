//! The other ways to connect, all through `WNetAddConnection2`'s own code
//! (`connection::add_connection2`): `WNetAddConnection`, `WNetAddConnection3`,
//! `WNetAddConnection4`, `WNetUseConnection` (with `CONNECT_REDIRECT`),
//! `WNetUseConnection4`, and `WNetRestoreSingleConnectionW`.

use std::ffi::OsStr;
use std::os::raw::{c_char, c_void};
use std::path::PathBuf;
use std::time::Duration;

use netdrive::{Error, Win32Error};

use crate::connection::add_connection2;
use crate::guard::{guard, invalid};
use crate::strings::{write_os_str, Enc, A, W};
use crate::structs::{CONNECT_LOCALDRIVE, CONNECT_REDIRECT};
use crate::types::{
    NetResource, BOOL, CONNECT_UPDATE_PROFILE, DWORD, HWND, NETRESOURCEA, NETRESOURCEW, RESOURCETYPE_DISK,
    RESOURCETYPE_PRINT,
};
use crate::universal::fail;

/// The name's units and a NUL, to hand to a function that reads a C string.
fn c_string<E: Enc>(s: &OsStr) -> Vec<E::Unit> {
    let mut v = E::units_os(s);
    v.push(E::Unit::default());
    v
}

unsafe fn add_connection<E: Enc>(
    remote: *const E::Unit,
    password: *const E::Unit,
    local: *const E::Unit,
) -> DWORD {
    let nr = NetResource::<E::Unit> {
        dwScope: 0,
        dwType: RESOURCETYPE_DISK,
        dwDisplayType: 0,
        dwUsage: 0,
        lpLocalName: local.cast_mut(),
        lpRemoteName: remote.cast_mut(),
        lpComment: std::ptr::null_mut(),
        lpProvider: std::ptr::null_mut(),
    };
    // WNetAddConnection: "A successful connection is persistent": CONNECT_UPDATE_PROFILE.
    // SAFETY: `nr` is valid; the strings are the caller's, under its contract.
    unsafe { add_connection2::<E>(&nr, password, std::ptr::null(), CONNECT_UPDATE_PROFILE) }
}

/// `WNetAddConnectionA(lpRemoteName, lpPassword, lpLocalName)`: `WNetAddConnection2A` with
/// a disk resource, the default provider (SMB, as on Windows), the current user and
/// `CONNECT_UPDATE_PROFILE` (the documented "persistent"). For other providers use
/// `WNetAddConnection2A`.
///
/// # Safety
/// Strings NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnectionA(
    lpRemoteName: *const c_char,
    lpPassword: *const c_char,
    lpLocalName: *const c_char,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { add_connection::<A>(lpRemoteName, lpPassword, lpLocalName) }
}

/// `WNetAddConnectionW`: as [`WNetAddConnectionA`], with UTF-16.
///
/// # Safety
/// As for [`WNetAddConnectionA`].
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnectionW(
    lpRemoteName: *const u16,
    lpPassword: *const u16,
    lpLocalName: *const u16,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { add_connection::<W>(lpRemoteName, lpPassword, lpLocalName) }
}

/// `WNetAddConnection3A(hwndOwner, lpNetResource, lpPassword, lpUserName, dwFlags)`:
/// `WNetAddConnection2A`; `hwndOwner` would own a password prompt, and none is shown.
///
/// # Safety
/// As for `WNetAddConnection2A`.
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnection3A(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEA,
    lpPassword: *const c_char,
    lpUserName: *const c_char,
    dwFlags: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { add_connection2::<A>(lpNetResource, lpPassword, lpUserName, dwFlags) }
}

/// `WNetAddConnection3W`: as [`WNetAddConnection3A`], with UTF-16.
///
/// # Safety
/// As for [`WNetAddConnection3A`].
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnection3W(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEW,
    lpPassword: *const u16,
    lpUserName: *const u16,
    dwFlags: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { add_connection2::<W>(lpNetResource, lpPassword, lpUserName, dwFlags) }
}

/// The password in an authentication buffer: NULL/0 is none; otherwise a string of the
/// call's kind, NUL-terminated within `cb` bytes. Use options (SMB transport settings on
/// Windows) have no Linux meaning: any is `ERROR_NOT_SUPPORTED`.
unsafe fn auth_password<E: Enc>(
    auth: *const c_void,
    cb: DWORD,
    options: *const u8,
    cb_options: DWORD,
) -> Result<Option<Vec<E::Unit>>, Error> {
    if options.is_null() != (cb_options == 0) {
        return Err(invalid("lpUseOptions and cbUseOptions disagree"));
    }
    if !options.is_null() {
        return Err(Error::NotSupported("connection use options are not supported on Linux".into()));
    }
    if auth.is_null() != (cb == 0) {
        return Err(invalid("pAuthBuffer and cbAuthBuffer disagree"));
    }
    if auth.is_null() {
        return Ok(None);
    }
    let n = cb as usize / size_of::<E::Unit>();
    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        let size = size_of::<E::Unit>();
        // SAFETY: unit `i < cb / size` lies within the caller's `cb` bytes; any alignment.
        let (u, nul) = unsafe {
            let at = auth.cast::<u8>().add(i * size);
            (at.cast::<E::Unit>().read_unaligned(), (0..size).all(|k| at.add(k).read() == 0))
        };
        units.push(u);
        if nul {
            return Ok(Some(units));
        }
    }
    Err(invalid("pAuthBuffer holds no NUL-terminated password within cbAuthBuffer bytes"))
}

/// [`auth_password`] inside [`guard`], parsed once: its failure is the call's code (and last
/// error), returned as `Err`.
///
/// # Safety
/// `auth` is NULL or readable for `cb` bytes.
unsafe fn guarded_password<E: Enc>(
    auth: *const c_void,
    cb: DWORD,
    options: *const u8,
    cb_options: DWORD,
) -> Result<Option<Vec<E::Unit>>, DWORD> {
    let mut password = None;
    let code = guard(|| {
        // SAFETY: the caller promises `cb` readable bytes at `auth`.
        password = unsafe { auth_password::<E>(auth, cb, options, cb_options)? };
        Ok(0)
    });
    if code == 0 {
        Ok(password)
    } else {
        Err(code)
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn add_connection4<E: Enc>(
    nr: *const NetResource<E::Unit>,
    auth: *const c_void,
    cb_auth: DWORD,
    flags: DWORD,
    options: *const u8,
    cb_options: DWORD,
) -> DWORD {
    // SAFETY: passed on under this function's contract.
    let password = match unsafe { guarded_password::<E>(auth, cb_auth, options, cb_options) } {
        Ok(p) => p,
        Err(code) => return code,
    };
    let pw = password.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    // SAFETY: `pw` is NULL or NUL-terminated; the rest is the caller's.
    unsafe { add_connection2::<E>(nr, pw, std::ptr::null(), flags) }
}

/// `WNetAddConnection4A(hwndOwner, lpNetResource, pAuthBuffer, cbAuthBuffer, dwFlags,
/// lpUseOptions, cbUseOptions)`: `WNetAddConnection2A` with the password taken from
/// `pAuthBuffer` (here: a NUL-terminated UTF-8 string within `cbAuthBuffer` bytes, or
/// NULL/0). `lpUseOptions` must be NULL/0 (`ERROR_NOT_SUPPORTED` otherwise).
///
/// # Safety
/// As for `WNetAddConnection2A`; `pAuthBuffer` readable for `cbAuthBuffer` bytes.
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnection4A(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEA,
    pAuthBuffer: *const c_void,
    cbAuthBuffer: DWORD,
    dwFlags: DWORD,
    lpUseOptions: *const u8,
    cbUseOptions: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe {
        add_connection4::<A>(lpNetResource, pAuthBuffer, cbAuthBuffer, dwFlags, lpUseOptions, cbUseOptions)
    }
}

/// `WNetAddConnection4W`: as [`WNetAddConnection4A`], the password in UTF-16.
///
/// # Safety
/// As for [`WNetAddConnection4A`].
#[no_mangle]
pub unsafe extern "C" fn WNetAddConnection4W(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEW,
    pAuthBuffer: *const c_void,
    cbAuthBuffer: DWORD,
    dwFlags: DWORD,
    lpUseOptions: *const u8,
    cbUseOptions: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe {
        add_connection4::<W>(lpNetResource, pAuthBuffer, cbAuthBuffer, dwFlags, lpUseOptions, cbUseOptions)
    }
}

/// A folder `CONNECT_REDIRECT` created: removed again unless the connection is made.
struct Chosen(Option<PathBuf>);

impl Drop for Chosen {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            // Ours, local and empty: nothing was mounted on it.
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn use_connection<E: Enc>(
    nr: *const NetResource<E::Unit>,
    password: *const E::Unit,
    user: *const E::Unit,
    flags: DWORD,
    access: *mut E::Unit,
    size: *mut DWORD,
    result: *mut DWORD,
) -> DWORD {
    guard(|| {
        if nr.is_null() {
            return Err(invalid("lpNetResource is NULL"));
        }
        // "ERROR_INVALID_PARAMETER: ... lpAccessName is not NULL, but lpBufferSize is either
        // NULL or points to zero."
        if !access.is_null() && size.is_null() {
            return Err(invalid("lpAccessName without lpBufferSize"));
        }
        // SAFETY: non-NULL; the caller promises a readable structure (any alignment).
        let mut res = unsafe { nr.read_unaligned() };
        // Names: the file system's bytes (A), surrogate-escaped (W); lpAccessName gives them
        // back the same way.
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (local, remote) = unsafe { (E::read_os(res.lpLocalName)?, E::read_os(res.lpRemoteName)?) };
        let local = local.filter(|l| !l.is_empty());
        // "ERROR_INVALID_PARAMETER: The lpRemoteName member is NULL."
        let remote = remote.ok_or_else(|| invalid("lpRemoteName is NULL"))?;
        // "When the operating system automatically chooses a local device, the dwType member
        // must not be equal to RESOURCETYPE_ANY" (ERROR_INVALID_PARAMETER).
        if local.is_none()
            && flags & CONNECT_REDIRECT != 0
            && res.dwType != RESOURCETYPE_DISK
            && res.dwType != RESOURCETYPE_PRINT
        {
            return Err(invalid("CONNECT_REDIRECT needs dwType RESOURCETYPE_DISK or RESOURCETYPE_PRINT"));
        }
        // CONNECT_REDIRECT: "forced to redirect a local device ... If lpLocalName specifies
        // a local device to redirect, this flag has no effect."
        let mut chosen = Chosen(None);
        let local = match local {
            Some(l) => Some(l),
            None if flags & CONNECT_REDIRECT != 0 => {
                let dir = netdrive::free_local_name(&remote)?;
                let name = dir.clone().into_os_string();
                chosen.0 = Some(dir);
                Some(name)
            }
            None => None,
        };
        // "lpAccessName: ... the local device name ... Otherwise, the name copied into the
        // buffer is that of a remote resource."
        let name = local.clone().unwrap_or_else(|| remote.clone());
        if !access.is_null() {
            // SAFETY: checked non-NULL; any alignment.
            let cap = unsafe { size.read_unaligned() } as usize;
            if cap == 0 {
                return Err(invalid("*lpBufferSize is 0 with an lpAccessName buffer"));
            }
            let needed = E::units_os(&name).len() + 1;
            if cap < needed {
                // SAFETY: checked non-NULL.
                unsafe { size.write_unaligned(needed as DWORD) };
                return fail(
                    Win32Error::ERROR_MORE_DATA,
                    "lpAccessName is too small; *lpBufferSize is the size needed",
                );
            }
        }
        let local_units = local.as_deref().map(c_string::<E>);
        if let Some(u) = &local_units {
            res.lpLocalName = u.as_ptr().cast_mut();
        }
        // SAFETY: `res` is a valid copy whose strings live until the call returns.
        let code = unsafe { add_connection2::<E>(&res, password, user, flags & !CONNECT_REDIRECT) };
        if code != 0 {
            return Ok(code);
        }
        chosen.0 = None; // the drive is mounted on it now
        if !access.is_null() {
            // SAFETY: checked above that `name` and a NUL fit in `cap` units.
            let _ = unsafe { write_os_str::<E>(&name, access, size.read_unaligned() as usize) };
        }
        if !result.is_null() {
            // SAFETY: non-NULL; the caller promises it is writable (any alignment).
            unsafe { result.write_unaligned(if local.is_some() { CONNECT_LOCALDRIVE } else { 0 }) };
        }
        Ok(0)
    })
}

/// `WNetUseConnectionA(hwndOwner, lpNetResource, lpPassword, lpUserId, dwFlags,
/// lpAccessName, lpBufferSize, lpResult)`: `WNetAddConnection2A`, and the name to use the
/// connection by in `lpAccessName` (`*lpBufferSize` characters): the local name (mount
/// point), or the remote name for a deviceless connection. `CONNECT_REDIRECT` with no
/// `lpLocalName`: a new folder is made (under `$XDG_RUNTIME_DIR/netdrive`, named after the
/// share) and connected on. `*lpResult`: `CONNECT_LOCALDRIVE` when a local name was used.
/// The buffer is checked before connecting: too small is `ERROR_MORE_DATA` with the size
/// needed and nothing connected.
///
/// # Safety
/// As for `WNetAddConnection2A`; `lpBufferSize`, `lpResult` NULL or valid; `lpAccessName`
/// NULL or writable for `*lpBufferSize` chars.
#[no_mangle]
pub unsafe extern "C" fn WNetUseConnectionA(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEA,
    lpPassword: *const c_char,
    lpUserId: *const c_char,
    dwFlags: DWORD,
    lpAccessName: *mut c_char,
    lpBufferSize: *mut DWORD,
    lpResult: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe {
        use_connection::<A>(
            lpNetResource,
            lpPassword,
            lpUserId,
            dwFlags,
            lpAccessName,
            lpBufferSize,
            lpResult,
        )
    }
}

/// `WNetUseConnectionW`: as [`WNetUseConnectionA`], with UTF-16.
///
/// # Safety
/// As for [`WNetUseConnectionA`].
#[no_mangle]
pub unsafe extern "C" fn WNetUseConnectionW(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEW,
    lpPassword: *const u16,
    lpUserId: *const u16,
    dwFlags: DWORD,
    lpAccessName: *mut u16,
    lpBufferSize: *mut DWORD,
    lpResult: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe {
        use_connection::<W>(
            lpNetResource,
            lpPassword,
            lpUserId,
            dwFlags,
            lpAccessName,
            lpBufferSize,
            lpResult,
        )
    }
}

#[allow(clippy::too_many_arguments)]
unsafe fn use_connection4<E: Enc>(
    nr: *const NetResource<E::Unit>,
    auth: *const c_void,
    cb_auth: DWORD,
    flags: DWORD,
    options: *const u8,
    cb_options: DWORD,
    access: *mut E::Unit,
    size: *mut DWORD,
    result: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under this function's contract.
    let password = match unsafe { guarded_password::<E>(auth, cb_auth, options, cb_options) } {
        Ok(p) => p,
        Err(code) => return code,
    };
    let pw = password.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
    // SAFETY: `pw` is NULL or NUL-terminated; the rest is the caller's.
    unsafe { use_connection::<E>(nr, pw, std::ptr::null(), flags, access, size, result) }
}

/// `WNetUseConnection4A(hwndOwner, lpNetResource, pAuthBuffer, cbAuthBuffer, dwFlags,
/// lpUseOptions, cbUseOptions, lpAccessName, lpBufferSize, lpResult)`: [`WNetUseConnectionA`]
/// with the password from `pAuthBuffer`, as for `WNetAddConnection4A`.
///
/// # Safety
/// As for [`WNetUseConnectionA`] and `WNetAddConnection4A`.
#[no_mangle]
pub unsafe extern "C" fn WNetUseConnection4A(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEA,
    pAuthBuffer: *const c_void,
    cbAuthBuffer: DWORD,
    dwFlags: DWORD,
    lpUseOptions: *const u8,
    cbUseOptions: DWORD,
    lpAccessName: *mut c_char,
    lpBufferSize: *mut DWORD,
    lpResult: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe {
        use_connection4::<A>(
            lpNetResource,
            pAuthBuffer,
            cbAuthBuffer,
            dwFlags,
            lpUseOptions,
            cbUseOptions,
            lpAccessName,
            lpBufferSize,
            lpResult,
        )
    }
}

/// `WNetUseConnection4W`: as [`WNetUseConnection4A`], with UTF-16.
///
/// # Safety
/// As for [`WNetUseConnection4A`].
#[no_mangle]
pub unsafe extern "C" fn WNetUseConnection4W(
    _hwndOwner: HWND,
    lpNetResource: *const NETRESOURCEW,
    pAuthBuffer: *const c_void,
    cbAuthBuffer: DWORD,
    dwFlags: DWORD,
    lpUseOptions: *const u8,
    cbUseOptions: DWORD,
    lpAccessName: *mut u16,
    lpBufferSize: *mut DWORD,
    lpResult: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe {
        use_connection4::<W>(
            lpNetResource,
            pAuthBuffer,
            cbAuthBuffer,
            dwFlags,
            lpUseOptions,
            cbUseOptions,
            lpAccessName,
            lpBufferSize,
            lpResult,
        )
    }
}

/// Connect again the drive the user's profile remembers at `device` (a mount point), as
/// `netdrive restore` does: by the form it was connected with, with the keyring's password
/// and nobody asked (these calls show no window). WNetRestoreConnectionW's page:
/// "ERROR_ALREADY_ASSIGNED: The local device specified by lpDevice is already connected";
/// "ERROR_BAD_DEVICE: The value specified by lpDevice is invalid" -- here, a folder the
/// profile does not remember.
fn restore(device: &OsStr) -> Result<DWORD, Error> {
    let want = netdrive::normalize(device);
    let connected = netdrive::list(netdrive::Scope::Connected)?;
    if connected.iter().any(|c| c.local_name == want) {
        return Err(Error::AlreadyAssigned { local: want.into() });
    }
    let entry = netdrive::profile::load()?
        .into_iter()
        .find(|e| OsStr::new(&e.local_name) == want)
        .ok_or_else(|| Error::BadDevice(format!("{device:?}: the profile remembers no drive there")))?;
    match restore_entry(&entry)? {
        // Connected meanwhile by someone else: the page's code for a connected device.
        netdrive::Restoration::AlreadyConnected => Err(Error::AlreadyAssigned { local: want.into() }),
        netdrive::Restoration::Connected { .. } => Ok(0),
    }
}

/// How long one drive may take to come back.
const RESTORE_BOUND: Duration = Duration::from_secs(30);

fn restore_entry(entry: &netdrive::profile::RememberedEntry) -> Result<netdrive::Restoration, Error> {
    netdrive::restore_one(entry, RESTORE_BOUND, None)
}

/// `WNetRestoreSingleConnectionW(hwndParent, lpDevice, fUseUI)`: connect again a drive the
/// user's profile remembers, by its local name (mount point), as
/// [`WNetRestoreConnectionW`] does for one drive; no UI is shown. Already connected:
/// `ERROR_ALREADY_ASSIGNED`; not remembered: `ERROR_BAD_DEVICE`; NULL: `ERROR_INVALID_PARAMETER`.
///
/// # Safety
/// `lpDevice` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn WNetRestoreSingleConnectionW(
    _hwndParent: HWND,
    lpDevice: *const u16,
    _fUseUI: BOOL,
) -> DWORD {
    guard(|| {
        // A name: surrogate-escaped, as enumerated.
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        let device = unsafe { W::read_os(lpDevice)? }
            .filter(|d| !d.is_empty())
            .ok_or_else(|| invalid("lpDevice is NULL or empty"))?;
        restore(&device)
    })
}

/// `WNetRestoreConnectionW(hWnd, lpDevice)` (the SDK declares it for Windows before
/// Vista): [`WNetRestoreSingleConnectionW`] for `lpDevice`; for NULL, "the function
/// reconnects all persistent drives": every drive the profile remembers that is not
/// connected (and the fstab's missed ones, as `netdrive restore`), all at once, the first
/// failure in the profile's order being the result.
///
/// # Safety
/// `lpDevice` NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn WNetRestoreConnectionW(_hWnd: HWND, lpDevice: *const u16) -> DWORD {
    guard(|| {
        // SAFETY: the caller promises NULL or a NUL-terminated string.
        if let Some(device) = unsafe { W::read_os(lpDevice)? }.filter(|d| !d.is_empty()) {
            return restore(&device);
        }
        // All at once under one bound, as `netdrive restore`: a dead server costs its own
        // drive the bound, not every drive after it.
        let opts = netdrive::RestoreOptions { timeout: RESTORE_BOUND, ask: None };
        let first = netdrive::restore(&opts)?.into_iter().find_map(|r| r.result.err());
        first.map_or(Ok(0), Err)
    })
}
