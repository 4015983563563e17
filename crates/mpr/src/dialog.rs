//! The dialogs: `WNetDisconnectDialog`, its `Ex` form with `WNetDialogWait` and
//! `WNetDialogClose`, and `WNetDisconnectDialog1`.

use std::collections::HashMap;
use std::time::Duration;

use netdrive::Error;
use netdrive_dialog::{DiscDlg, Owner};

use crate::guard::{bad_handle, guard, invalid};
use crate::registry::{register, registry, Entry};
use crate::strings::{Enc, A, W};
use crate::types::{
    DiscDlgStruct, DISCDLGSTRUCTA, DISCDLGSTRUCTW, DWORD, HANDLE, HWND, INFINITE, WAIT_TIMEOUT,
};

fn owner(hwnd: HWND) -> Result<Owner, Error> {
    match hwnd as usize {
        0 => Ok(Owner::None),
        id => u32::try_from(id).map(Owner::X11).map_err(|_| invalid("hwndOwner is not an X11 window id")),
    }
}

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
        // SAFETY: checked non-NULL; the caller promises it is writable (at any alignment).
        unsafe { lphDialog.write_unaligned(register(Entry::Dialog(h))) };
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
                // SAFETY: checked non-NULL; the caller promises it is writable (at any alignment).
                unsafe { lpResult.write_unaligned(o.code()) };
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
        // SAFETY: non-NULL; the caller promises a readable DISCDLGSTRUCT, which may be
        // unaligned (from a packed structure or a byte buffer): copied, not referenced.
        let d = unsafe { p.read_unaligned() };
        if d.cbStructure as usize != std::mem::size_of::<DiscDlgStruct<E::Unit>>() {
            return Err(invalid("cbStructure is not sizeof(DISCDLGSTRUCT)"));
        }
        // Names: the file system's bytes (A), surrogate-escaped (W), as enumerated.
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (local, remote) = unsafe { (E::read_os(d.lpLocalName)?, E::read_os(d.lpRemoteName)?) };
        let req =
            DiscDlg { owner: owner(d.hwndOwner)?, local_name: local, remote_name: remote, flags: d.dwFlags };
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
