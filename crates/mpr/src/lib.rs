//! libmpr: the Windows WNet API (`winnetwk.h`) for C programs on Linux.
//!
//! What it is for: code written for, or ported from, Windows that calls
//! `WNetDisconnectDialog`, `WNetCancelConnection2`, `WNetOpenEnum`/`WNetEnumResource`,
//! `WNetGetConnection`, `WNetAddConnection2` or `WNetGetLastError`. Each export has an "A"
//! (UTF-8 `char`) and a "W" (UTF-16 `WCHAR` = `unsigned short`) form, Win32's values,
//! structures and buffer rules; `include/winnetwk.h` declares them.
//!
//! What it is not: a second implementation. Everything is done by the `netdrive` and
//! `netdrive-dialog` crates; this crate only checks and converts at the C boundary.
//!
//! At the boundary: no panic crosses it (each one becomes `ERROR_EXTENDED_ERROR` with the
//! message in the last error); NULL pointers, a wrong `cbStructure`, invalid UTF-8 or
//! UTF-16 and unknown flags are `ERROR_INVALID_PARAMETER`; handles are opaque numbers
//! checked against a registry, never dereferenced, so a wrong, stale or closed handle is
//! `ERROR_INVALID_HANDLE`. Dangling pointers cannot be detected by any C API and remain
//! the caller's to avoid. The last error is per thread.

#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_snake_case)]

mod strings;

use std::collections::HashMap;
use std::ffi::OsString;
use std::os::raw::{c_char, c_void};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use netdrive::{CancelOptions, Error, Scope, Win32Error};
use netdrive_dialog::{DialogHandle, DiscDlg, Owner};

use strings::{write_str, write_truncated, Enc, A, W};

/// Win32 `DWORD`.
pub type DWORD = u32;
/// Win32 `HWND`: on Linux, an X11 window id cast to a pointer; NULL for no owner.
pub type HWND = *mut c_void;
/// Win32 `HANDLE` (enumerations and dialogs).
pub type HANDLE = *mut c_void;
/// Win32 `BOOL`.
pub type BOOL = i32;

pub const RESOURCE_CONNECTED: DWORD = 1;
pub const RESOURCE_GLOBALNET: DWORD = 2;
pub const RESOURCE_REMEMBERED: DWORD = 3;
pub const RESOURCETYPE_ANY: DWORD = 0;
pub const RESOURCETYPE_DISK: DWORD = 1;
pub const RESOURCETYPE_PRINT: DWORD = 2;
pub const RESOURCEDISPLAYTYPE_SHARE: DWORD = 3;
pub const RESOURCEUSAGE_CONNECTABLE: DWORD = 1;
pub const CONNECT_UPDATE_PROFILE: DWORD = 0x1;
pub const CONNECT_TEMPORARY: DWORD = 0x4;
pub const CONNECT_INTERACTIVE: DWORD = 0x8;
pub const CONNECT_PROMPT: DWORD = 0x10;
pub const DISC_UPDATE_PROFILE: DWORD = 0x1;
pub const DISC_NO_FORCE: DWORD = 0x40;
/// `WNetDialogWait` still waiting (Win32 `WAIT_TIMEOUT`).
pub const WAIT_TIMEOUT: DWORD = 258;
/// Wait without a time limit.
pub const INFINITE: DWORD = 0xFFFF_FFFF;

/// Win32 `NETRESOURCEA`/`NETRESOURCEW`, laid out as on Windows.
#[repr(C)]
pub struct NetResource<U> {
    pub dwScope: DWORD,
    pub dwType: DWORD,
    pub dwDisplayType: DWORD,
    pub dwUsage: DWORD,
    pub lpLocalName: *mut U,
    pub lpRemoteName: *mut U,
    pub lpComment: *mut U,
    pub lpProvider: *mut U,
}

/// Win32 `DISCDLGSTRUCTA`/`DISCDLGSTRUCTW`, laid out as on Windows.
#[repr(C)]
pub struct DiscDlgStruct<U> {
    pub cbStructure: DWORD,
    pub hwndOwner: HWND,
    pub lpLocalName: *mut U,
    pub lpRemoteName: *mut U,
    pub dwFlags: DWORD,
}

pub type NETRESOURCEA = NetResource<c_char>;
pub type NETRESOURCEW = NetResource<u16>;
pub type DISCDLGSTRUCTA = DiscDlgStruct<c_char>;
pub type DISCDLGSTRUCTW = DiscDlgStruct<u16>;

fn invalid(what: &str) -> Error {
    Error::InvalidParameter(what.to_owned())
}

fn bad_handle() -> Error {
    Error::InvalidHandle("not one this library gave out, or already closed".into())
}

/// Run an export: errors become their code (and the thread's last error); a panic becomes
/// `ERROR_EXTENDED_ERROR`.
fn guard(f: impl FnOnce() -> Result<DWORD, Error>) -> DWORD {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => e.record().code().0,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Error::Extended { provider: "libmpr".into(), message: format!("internal error: {msg}") }
                .record()
                .code()
                .0
        }
    }
}

/// What a handle stands for.
enum Entry {
    Enum(EnumState),
    Dialog(DialogHandle),
}

struct EnumState {
    scope: DWORD,
    items: Vec<Item>,
    next: usize,
}

struct Item {
    local: String,
    remote: String,
    provider: String,
}

static REGISTRY: Mutex<Option<HashMap<usize, Entry>>> = Mutex::new(None);
static NEXT_HANDLE: AtomicUsize = AtomicUsize::new(0x4e44_0000);

fn registry() -> std::sync::MutexGuard<'static, Option<HashMap<usize, Entry>>> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

fn register(e: Entry) -> HANDLE {
    let id = NEXT_HANDLE.fetch_add(1, Ordering::Relaxed);
    registry().get_or_insert_with(HashMap::new).insert(id, e);
    id as HANDLE
}

fn owner(hwnd: HWND) -> Result<Owner, Error> {
    match hwnd as usize {
        0 => Ok(Owner::None),
        id => u32::try_from(id).map(Owner::X11).map_err(|_| invalid("hwndOwner is not an X11 window id")),
    }
}

// ---------------------------------------------------------------------------------------
// Dialogs

/// `WNetDisconnectDialog`: open the Disconnect Network Drives dialog and return at once
/// (`NO_ERROR`), or the error that stopped it. Its outcome is not reported: use
/// [`WNetDisconnectDialogEx`] for that.
///
/// # Safety
/// `hwnd` is an X11 window id cast to a pointer, or NULL.
#[no_mangle]
pub unsafe extern "C" fn WNetDisconnectDialog(hwnd: HWND, dwType: DWORD) -> DWORD {
    guard(|| netdrive_dialog::disconnect_dialog(owner(hwnd)?, dwType).map(|_| 0))
}

/// Like [`WNetDisconnectDialog`], and gives a handle for [`WNetDialogWait`] and
/// [`WNetDialogClose`].
///
/// # Safety
/// `lphDialog` is NULL or valid for writing a `HANDLE`.
#[no_mangle]
pub unsafe extern "C" fn WNetDisconnectDialogEx(hwnd: HWND, dwType: DWORD, lphDialog: *mut HANDLE) -> DWORD {
    guard(|| {
        if lphDialog.is_null() {
            return Err(invalid("lphDialog is NULL"));
        }
        let h = netdrive_dialog::disconnect_dialog(owner(hwnd)?, dwType)?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { *lphDialog = register(Entry::Dialog(h)) };
        Ok(0)
    })
}

/// Wait up to `dwMilliseconds` (`INFINITE` for no limit) for the dialog to end. `NO_ERROR`
/// with `*lpResult` set to what `WNetDisconnectDialog` would return (0, `0xFFFFFFFF` for
/// cancel, or an error code); `WAIT_TIMEOUT` while it is still open.
///
/// # Safety
/// `lpResult` is NULL or valid for writing a `DWORD`.
#[no_mangle]
pub unsafe extern "C" fn WNetDialogWait(
    hDialog: HANDLE,
    dwMilliseconds: DWORD,
    lpResult: *mut DWORD,
) -> DWORD {
    guard(|| {
        if lpResult.is_null() {
            return Err(invalid("lpResult is NULL"));
        }
        let h = match registry().as_ref().and_then(|r| r.get(&(hDialog as usize))) {
            Some(Entry::Dialog(h)) => h.clone(),
            _ => return Err(bad_handle()),
        };
        let outcome = if dwMilliseconds == INFINITE {
            Some(h.wait())
        } else {
            h.wait_timeout(Duration::from_millis(u64::from(dwMilliseconds)))
        };
        match outcome {
            Some(o) => {
                // SAFETY: checked non-NULL; the caller promises it is writable.
                unsafe { *lpResult = o.code() };
                Ok(0)
            }
            None => Ok(WAIT_TIMEOUT),
        }
    })
}

/// Take the dialog away (if it is still open) and free its handle.
///
/// # Safety
/// Any value may be passed; only handles from [`WNetDisconnectDialogEx`] are accepted.
#[no_mangle]
pub unsafe extern "C" fn WNetDialogClose(hDialog: HANDLE) -> DWORD {
    guard(|| {
        let removed = {
            let mut r = registry();
            let map = r.get_or_insert_with(HashMap::new);
            match map.get(&(hDialog as usize)) {
                Some(Entry::Dialog(_)) => map.remove(&(hDialog as usize)),
                _ => None,
            }
        };
        match removed {
            Some(Entry::Dialog(h)) => {
                h.close();
                Ok(0)
            }
            _ => Err(bad_handle()),
        }
    })
}

unsafe fn disconnect_dialog1<E: Enc>(p: *const DiscDlgStruct<E::Unit>) -> DWORD {
    guard(|| {
        if p.is_null() {
            return Err(invalid("lpConnDlgStruct is NULL"));
        }
        // SAFETY: non-NULL; the caller promises a readable DISCDLGSTRUCT.
        let d = unsafe { &*p };
        if d.cbStructure as usize != std::mem::size_of::<DiscDlgStruct<E::Unit>>() {
            return Err(invalid("cbStructure is not sizeof(DISCDLGSTRUCT)"));
        }
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (local, remote) = unsafe { (E::read(d.lpLocalName)?, E::read(d.lpRemoteName)?) };
        let req = DiscDlg {
            owner: owner(d.hwndOwner)?,
            local_name: local.map(OsString::from),
            remote_name: remote.map(OsString::from),
            flags: d.dwFlags,
        };
        netdrive_dialog::disconnect_dialog1(&req).map(|()| 0)
    })
}

/// `WNetDisconnectDialog1A`: disconnect one drive, asking the person only if files are
/// open and `DISC_NO_FORCE` is set. Returns when done.
///
/// # Safety
/// `lpConnDlgStruct` is NULL or a valid `DISCDLGSTRUCTA` with NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn WNetDisconnectDialog1A(lpConnDlgStruct: *const DISCDLGSTRUCTA) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { disconnect_dialog1::<A>(lpConnDlgStruct) }
}

/// `WNetDisconnectDialog1W`: as [`WNetDisconnectDialog1A`], with UTF-16 strings.
///
/// # Safety
/// As for [`WNetDisconnectDialog1A`].
#[no_mangle]
pub unsafe extern "C" fn WNetDisconnectDialog1W(lpConnDlgStruct: *const DISCDLGSTRUCTW) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { disconnect_dialog1::<W>(lpConnDlgStruct) }
}

// ---------------------------------------------------------------------------------------
// Cancelling

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

// ---------------------------------------------------------------------------------------
// The last error

unsafe fn get_last_error<E: Enc>(
    code: *mut DWORD,
    err_buf: *mut E::Unit,
    err_len: DWORD,
    name_buf: *mut E::Unit,
    name_len: DWORD,
) -> DWORD {
    guard(|| {
        if code.is_null() || (err_buf.is_null() && err_len > 0) || (name_buf.is_null() && name_len > 0) {
            return Err(invalid("a NULL pointer with a non-zero size"));
        }
        let last = netdrive::last_error();
        let (c, text, provider) = match &last {
            Some(l) => (l.code.0, l.text.as_str(), l.provider.as_str()),
            None => (0, "", ""),
        };
        // SAFETY: pointers checked above; sizes are the caller's.
        unsafe {
            *code = c;
            write_truncated::<E>(text, err_buf, err_len as usize);
            write_truncated::<E>(provider, name_buf, name_len as usize);
        }
        Ok(0)
    })
}

/// `WNetGetLastErrorA(&code, errbuf, errlen, namebuf, namelen)`: this thread's last error,
/// its text and the provider's name, each truncated to its buffer (with a NUL).
///
/// # Safety
/// `lpError` is NULL or writable; each buffer is NULL with size 0, or writable for its size.
#[no_mangle]
pub unsafe extern "C" fn WNetGetLastErrorA(
    lpError: *mut DWORD,
    lpErrorBuf: *mut c_char,
    nErrorBufSize: DWORD,
    lpNameBuf: *mut c_char,
    nNameBufSize: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_last_error::<A>(lpError, lpErrorBuf, nErrorBufSize, lpNameBuf, nNameBufSize) }
}

/// `WNetGetLastErrorW`: as [`WNetGetLastErrorA`], with UTF-16.
///
/// # Safety
/// As for [`WNetGetLastErrorA`].
#[no_mangle]
pub unsafe extern "C" fn WNetGetLastErrorW(
    lpError: *mut DWORD,
    lpErrorBuf: *mut u16,
    nErrorBufSize: DWORD,
    lpNameBuf: *mut u16,
    nNameBufSize: DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { get_last_error::<W>(lpError, lpErrorBuf, nErrorBufSize, lpNameBuf, nNameBufSize) }
}

// ---------------------------------------------------------------------------------------
// Enumerating

unsafe fn open_enum<E: Enc>(
    scope: DWORD,
    ty: DWORD,
    _usage: DWORD,
    start: *const NetResource<E::Unit>,
    out: *mut HANDLE,
) -> DWORD {
    guard(|| {
        if out.is_null() {
            return Err(invalid("lphEnum is NULL"));
        }
        let list_scope = match scope {
            RESOURCE_CONNECTED => Scope::Connected,
            RESOURCE_REMEMBERED => Scope::Remembered,
            RESOURCE_GLOBALNET => {
                return Err(Error::NotSupported(
                    "browsing the network (RESOURCE_GLOBALNET) is not supported".into(),
                ))
            }
            _ => return Err(invalid("unknown dwScope")),
        };
        if !start.is_null() {
            return Err(invalid("lpNetResource must be NULL for RESOURCE_CONNECTED and RESOURCE_REMEMBERED"));
        }
        let items = match ty {
            RESOURCETYPE_ANY | RESOURCETYPE_DISK => netdrive::list(list_scope)?
                .into_iter()
                .map(|c| Item {
                    local: c.local_name.to_string_lossy().into_owned(),
                    remote: c.remote_name.to_string_lossy().into_owned(),
                    provider: c.provider.name().to_owned(),
                })
                .collect(),
            RESOURCETYPE_PRINT => Vec::new(),
            _ => return Err(invalid("unknown dwType")),
        };
        let h = register(Entry::Enum(EnumState { scope, items, next: 0 }));
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { *out = h };
        Ok(0)
    })
}

/// `WNetOpenEnumA(dwScope, dwType, dwUsage, lpNetResource, lphEnum)`:
/// `RESOURCE_CONNECTED` or `RESOURCE_REMEMBERED`, `RESOURCETYPE_DISK` or `ANY`
/// (`PRINT` lists nothing); `lpNetResource` must be NULL.
///
/// # Safety
/// `lphEnum` is NULL or writable; `lpNetResource` should be NULL.
#[no_mangle]
pub unsafe extern "C" fn WNetOpenEnumA(
    dwScope: DWORD,
    dwType: DWORD,
    dwUsage: DWORD,
    lpNetResource: *const NETRESOURCEA,
    lphEnum: *mut HANDLE,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { open_enum::<A>(dwScope, dwType, dwUsage, lpNetResource, lphEnum) }
}

/// `WNetOpenEnumW`: as [`WNetOpenEnumA`].
///
/// # Safety
/// As for [`WNetOpenEnumA`].
#[no_mangle]
pub unsafe extern "C" fn WNetOpenEnumW(
    dwScope: DWORD,
    dwType: DWORD,
    dwUsage: DWORD,
    lpNetResource: *const NETRESOURCEW,
    lphEnum: *mut HANDLE,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { open_enum::<W>(dwScope, dwType, dwUsage, lpNetResource, lphEnum) }
}

unsafe fn enum_resource<E: Enc>(h: HANDLE, count: *mut DWORD, buf: *mut c_void, size: *mut DWORD) -> DWORD {
    guard(|| {
        if count.is_null() || size.is_null() {
            return Err(invalid("lpcCount or lpBufferSize is NULL"));
        }
        // SAFETY: checked non-NULL; the caller promises they are readable.
        let (want, cap) = unsafe { (*count, *size as usize) };
        if want == 0 {
            return Err(invalid("*lpcCount is 0"));
        }
        let mut reg = registry();
        let Some(Entry::Enum(st)) = reg.as_mut().and_then(|r| r.get_mut(&(h as usize))) else {
            return Err(bad_handle());
        };
        if st.next >= st.items.len() {
            return Ok(Win32Error::ERROR_NO_MORE_ITEMS.0);
        }
        let unit = std::mem::size_of::<E::Unit>();
        let rec = std::mem::size_of::<NetResource<E::Unit>>();
        let strings = |it: &Item| {
            (E::units(&it.local).len() + E::units(&it.remote).len() + E::units(&it.provider).len() + 3) * unit
        };
        // As many whole entries as fit, structures first, then their strings.
        let (mut n, mut total) = (0usize, 0usize);
        for it in &st.items[st.next..] {
            let more = rec + strings(it);
            if (n as u64) >= u64::from(want) || total + more > cap {
                break;
            }
            n += 1;
            total += more;
        }
        if n == 0 {
            let needed = rec + strings(&st.items[st.next]);
            // SAFETY: checked non-NULL.
            unsafe { *size = DWORD::try_from(needed).unwrap_or(DWORD::MAX) };
            return Ok(Win32Error::ERROR_MORE_DATA.0);
        }
        if buf.is_null() {
            return Err(invalid("lpBuffer is NULL"));
        }
        let base = buf.cast::<u8>();
        let mut text_at = n * rec;
        for (i, it) in st.items[st.next..st.next + n].iter().enumerate() {
            let mut put = |s: &str| -> *mut E::Unit {
                // SAFETY: `text_at` + the string's size stays within `total <= cap` bytes.
                let p = unsafe { base.add(text_at) }.cast::<E::Unit>();
                let len = E::units(s).len() + 1;
                // SAFETY: `len` units fit at `p` (counted in `total`).
                let _ = unsafe { write_str::<E>(s, p, len) };
                text_at += len * unit;
                p
            };
            let r = NetResource {
                dwScope: st.scope,
                dwType: RESOURCETYPE_DISK,
                dwDisplayType: RESOURCEDISPLAYTYPE_SHARE,
                dwUsage: RESOURCEUSAGE_CONNECTABLE,
                lpLocalName: put(&it.local),
                lpRemoteName: put(&it.remote),
                lpComment: std::ptr::null_mut(),
                lpProvider: put(&it.provider),
            };
            // SAFETY: entry `i` lies within the first `n * rec` bytes; the caller's buffer
            // may be unaligned, so write without assuming alignment.
            unsafe { base.add(i * rec).cast::<NetResource<E::Unit>>().write_unaligned(r) };
        }
        st.next += n;
        // SAFETY: checked non-NULL.
        unsafe { *count = n as DWORD };
        Ok(0)
    })
}

/// `WNetEnumResourceA(hEnum, lpcCount, lpBuffer, lpBufferSize)`: up to `*lpcCount`
/// entries (`0xFFFFFFFF`: as many as fit) as `NETRESOURCEA` structures followed by their
/// strings. `ERROR_MORE_DATA` with `*lpBufferSize` set when not even one fits;
/// `ERROR_NO_MORE_ITEMS` at the end.
///
/// # Safety
/// `lpcCount` and `lpBufferSize` are NULL or valid; `lpBuffer` is writable for
/// `*lpBufferSize` bytes.
#[no_mangle]
pub unsafe extern "C" fn WNetEnumResourceA(
    hEnum: HANDLE,
    lpcCount: *mut DWORD,
    lpBuffer: *mut c_void,
    lpBufferSize: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { enum_resource::<A>(hEnum, lpcCount, lpBuffer, lpBufferSize) }
}

/// `WNetEnumResourceW`: as [`WNetEnumResourceA`], with `NETRESOURCEW`.
///
/// # Safety
/// As for [`WNetEnumResourceA`].
#[no_mangle]
pub unsafe extern "C" fn WNetEnumResourceW(
    hEnum: HANDLE,
    lpcCount: *mut DWORD,
    lpBuffer: *mut c_void,
    lpBufferSize: *mut DWORD,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { enum_resource::<W>(hEnum, lpcCount, lpBuffer, lpBufferSize) }
}

/// `WNetCloseEnum(hEnum)`.
///
/// # Safety
/// Any value may be passed; only handles from `WNetOpenEnum` are accepted.
#[no_mangle]
pub unsafe extern "C" fn WNetCloseEnum(hEnum: HANDLE) -> DWORD {
    guard(|| {
        let mut reg = registry();
        let map = reg.get_or_insert_with(HashMap::new);
        match map.get(&(hEnum as usize)) {
            Some(Entry::Enum(_)) => {
                map.remove(&(hEnum as usize));
                Ok(0)
            }
            _ => Err(bad_handle()),
        }
    })
}

// ---------------------------------------------------------------------------------------
// One connection

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
        let want = netdrive::connection::normalize(local.as_ref());
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
        // SAFETY: checked non-NULL; `remote` is writable for `*len` units per the caller.
        match unsafe { write_str::<E>(&name, remote, *len as usize) } {
            Ok(()) if c.connected => Ok(0),
            Ok(()) => Ok(Win32Error::ERROR_CONNECTION_UNAVAIL.0),
            Err(needed) => {
                // SAFETY: checked non-NULL.
                unsafe { *len = DWORD::try_from(needed).unwrap_or(DWORD::MAX) };
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

unsafe fn add_connection2<E: Enc>(
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
        // SAFETY: non-NULL; the caller promises a readable NETRESOURCE.
        let nr = unsafe { &*nr };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structures_are_laid_out_as_on_windows_x64() {
        assert_eq!(std::mem::size_of::<NETRESOURCEA>(), 48);
        assert_eq!(std::mem::offset_of!(NETRESOURCEA, lpLocalName), 16);
        assert_eq!(std::mem::offset_of!(NETRESOURCEA, lpProvider), 40);
        assert_eq!(std::mem::size_of::<DISCDLGSTRUCTW>(), 40);
        assert_eq!(std::mem::offset_of!(DISCDLGSTRUCTW, hwndOwner), 8);
        assert_eq!(std::mem::offset_of!(DISCDLGSTRUCTW, dwFlags), 32);
    }

    #[test]
    fn a_panic_never_crosses_the_boundary() {
        let code = guard(|| panic!("something impossible"));
        assert_eq!(code, 1208);
        let last = netdrive::last_error().unwrap();
        assert_eq!(last.code.0, 1208);
        assert!(last.text.contains("internal error: something impossible"), "{}", last.text);
        assert_eq!(last.provider, "libmpr");
    }

    #[test]
    fn bad_handles_and_nulls_are_errors_not_crashes() {
        // SAFETY: every pointer is NULL or valid; handles are made up on purpose.
        unsafe {
            assert_eq!(WNetCloseEnum(0x1234 as HANDLE), 6);
            assert_eq!(WNetDialogClose(std::ptr::null_mut()), 6);
            let mut r = 0;
            assert_eq!(WNetDialogWait(0x4e44_0000 as HANDLE, 0, &mut r), 6);
            assert_eq!(WNetCancelConnection2A(std::ptr::null(), 0, 0), 87);
            assert_eq!(WNetCancelConnection2A(c"/x".as_ptr(), 0x80, 0), 87);
            assert_eq!(WNetOpenEnumA(RESOURCE_CONNECTED, 0, 0, std::ptr::null(), std::ptr::null_mut()), 87);
            let mut code = 0;
            assert_eq!(WNetGetLastErrorA(&mut code, std::ptr::null_mut(), 0, std::ptr::null_mut(), 0), 0);
            assert_eq!(code, 87);
            let bad = [0xd800u16, 0];
            assert_eq!(WNetCancelConnection2W(bad.as_ptr(), 0, 0), 87);
        }
    }
}
