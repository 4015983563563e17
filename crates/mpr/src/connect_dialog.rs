//! The Map Network Drive dialog from C: `WNetConnectionDialog`, `WNetConnectionDialog1A/W`
//! and the `Ex` form (`WNetConnectionDialog1ExA/W`, then `WNetDialogWait` and
//! `WNetDialogClose`, shared with the disconnect dialog).
//!
//! Folders, not drive letters: on success `dwDevNum` is set to `0xFFFFFFFF` (-1), which
//! Win32 gives for a deviceless connection, since a folder has no drive number. With
//! `CONNDLG_CONN_POINT` (an internal flag on Windows) `lpConnRes->lpLocalName` is a
//! caller's buffer of `MAX_PATH` (260) characters: on entry the folder to offer (empty:
//! a free one under `~/Network` is suggested), on return the folder chosen. A folder
//! that does not fit leaves the drive connected and returns `ERROR_MORE_DATA`.

use netdrive::Error;
use netdrive_dialog::connect::{ConnectDlg, NetResource, CONNDLG_CONN_POINT, CONNECT_TIMEOUT};
use netdrive_dialog::{DialogHandle, DialogOptions, Outcome, Owner};

use crate::guard::{guard, invalid};
use crate::registry::{register, Entry};
use crate::strings::{write_os_str, Enc, A, W};
use crate::types::{ConnectDlgStruct, CONNECTDLGSTRUCTA, CONNECTDLGSTRUCTW, DWORD, HANDLE, HWND, MAX_PATH};

/// `ERROR_MORE_DATA`: the folder chosen does not fit the caller's buffer.
const ERROR_MORE_DATA: DWORD = 234;

fn owner(hwnd: HWND) -> Result<Owner, Error> {
    match hwnd as usize {
        0 => Ok(Owner::None),
        id => u32::try_from(id).map(Owner::X11).map_err(|_| invalid("hwndOwner is not an X11 window id")),
    }
}

fn options() -> DialogOptions {
    DialogOptions { timeout: CONNECT_TIMEOUT, ..DialogOptions::default() }
}

/// `WNetConnectionDialog`: open the Map Network Drive dialog and wait for it. `NO_ERROR`
/// when a drive was connected, `0xFFFFFFFF` (-1) when cancelled, or the error.
///
/// # Safety
/// `hwnd` is an X11 window id cast to a pointer, or NULL.
#[no_mangle]
pub unsafe extern "C" fn WNetConnectionDialog(hwnd: HWND, dwType: DWORD) -> DWORD {
    guard(|| Ok(netdrive_dialog::connect_dialog(owner(hwnd)?, dwType)?.wait().code()))
}

/// Read a `CONNECTDLGSTRUCT` into the dialog's terms.
///
/// # Safety
/// `p` is NULL or a readable `CONNECTDLGSTRUCT` whose `lpConnRes` is NULL or a readable
/// `NETRESOURCE` with NULL or NUL-terminated strings.
unsafe fn read<E: Enc>(p: *const ConnectDlgStruct<E::Unit>) -> Result<ConnectDlg, Error> {
    if p.is_null() {
        return Err(invalid("lpConnDlgStruct is NULL"));
    }
    // SAFETY: non-NULL; the caller promises a readable structure, maybe unaligned: copied.
    let d = unsafe { p.read_unaligned() };
    if d.cbStructure as usize != std::mem::size_of::<ConnectDlgStruct<E::Unit>>() {
        return Err(invalid("cbStructure is not sizeof(CONNECTDLGSTRUCT)"));
    }
    if d.lpConnRes.is_null() {
        return Err(invalid("lpConnRes is NULL"));
    }
    // SAFETY: non-NULL; the caller promises a readable NETRESOURCE, maybe unaligned: copied.
    let r = unsafe { d.lpConnRes.read_unaligned() };
    // SAFETY: the caller promises NULL or NUL-terminated strings.
    let (local, remote) = unsafe { (E::read_os(r.lpLocalName)?, E::read_os(r.lpRemoteName)?) };
    Ok(ConnectDlg {
        owner: owner(d.hwndOwner)?,
        net_resource: NetResource { resource_type: r.dwType, local_name: local, remote_name: remote },
        flags: d.dwFlags,
    })
}

/// Write what the dialog came to back into the caller's structure: `dwDevNum`, and with
/// `CONNDLG_CONN_POINT` the folder chosen.
///
/// # Safety
/// As for [`read`], with `dwDevNum` writable and, with `CONNDLG_CONN_POINT`, `lpLocalName`
/// writable for `MAX_PATH` units.
unsafe fn answer<E: Enc>(p: *mut ConnectDlgStruct<E::Unit>, o: &Outcome) -> DWORD {
    let Outcome::Connected(c) = o else { return o.code() };
    // SAFETY: checked readable by `read`; the caller promises it is writable.
    let d = unsafe { p.read_unaligned() };
    // SAFETY: as above, at any alignment.
    unsafe { std::ptr::addr_of_mut!((*p).dwDevNum).write_unaligned(u32::MAX) };
    if d.dwFlags & CONNDLG_CONN_POINT != 0 {
        // SAFETY: checked non-NULL by `read`.
        let r = unsafe { d.lpConnRes.read_unaligned() };
        // SAFETY: the caller promises MAX_PATH writable units with CONNDLG_CONN_POINT.
        if unsafe { write_os_str::<E>(&c.local_name, r.lpLocalName, MAX_PATH) }.is_err() {
            return ERROR_MORE_DATA;
        }
    }
    0
}

unsafe fn dialog1<E: Enc>(p: *mut ConnectDlgStruct<E::Unit>) -> DWORD {
    guard(|| {
        // SAFETY: passed on under the caller's contract.
        let d = unsafe { read::<E>(p)? };
        let o = netdrive_dialog::connect_dialog1_with(&d, &options())?.wait();
        // SAFETY: as above.
        Ok(unsafe { answer::<E>(p, &o) })
    })
}

unsafe fn dialog1_ex<E: Enc>(p: *const ConnectDlgStruct<E::Unit>, lph: *mut HANDLE) -> DWORD {
    guard(|| {
        if lph.is_null() {
            return Err(invalid("lphDialog is NULL"));
        }
        // SAFETY: passed on under the caller's contract.
        let d = unsafe { read::<E>(p)? };
        let h: DialogHandle = netdrive_dialog::connect_dialog1_with(&d, &options())?;
        // SAFETY: checked non-NULL; the caller promises it is writable (at any alignment).
        unsafe { lph.write_unaligned(register(Entry::Dialog(h))) };
        Ok(0)
    })
}

/// `WNetConnectionDialog1A`: the Map Network Drive dialog as `lpConnDlgStruct` asks
/// (`CONNDLG_RO_PATH`, `CONNDLG_USE_MRU`, `CONNDLG_HIDE_BOX`, `CONNDLG_PERSIST`,
/// `CONNDLG_NOT_PERSIST`, `CONNDLG_CONN_POINT`: see the module documentation), waiting for
/// it. `NO_ERROR` with `dwDevNum` = -1, `0xFFFFFFFF` (-1) when cancelled, or the error.
///
/// # Safety
/// `lpConnDlgStruct` is NULL or a valid, writable `CONNECTDLGSTRUCTA` whose `lpConnRes`
/// is a valid `NETRESOURCEA` (NULL or NUL-terminated strings; with `CONNDLG_CONN_POINT`,
/// `lpLocalName` writable for `MAX_PATH` bytes).
#[no_mangle]
pub unsafe extern "C" fn WNetConnectionDialog1A(lpConnDlgStruct: *mut CONNECTDLGSTRUCTA) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { dialog1::<A>(lpConnDlgStruct) }
}

/// `WNetConnectionDialog1W`: as [`WNetConnectionDialog1A`], with UTF-16 strings.
///
/// # Safety
/// As for [`WNetConnectionDialog1A`] (`MAX_PATH` `WCHAR`s).
#[no_mangle]
pub unsafe extern "C" fn WNetConnectionDialog1W(lpConnDlgStruct: *mut CONNECTDLGSTRUCTW) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { dialog1::<W>(lpConnDlgStruct) }
}

/// `WNetConnectionDialog1ExA` (an extension): open the dialog and return at once with a
/// handle for `WNetDialogWait` (whose `*lpResult` is what `WNetConnectionDialog1A` would
/// return; `dwDevNum` and the folder are not written back in this form) and
/// `WNetDialogClose`.
///
/// # Safety
/// `lpConnDlgStruct` as for [`WNetConnectionDialog1A`] (read only); `lphDialog` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn WNetConnectionDialog1ExA(
    lpConnDlgStruct: *const CONNECTDLGSTRUCTA,
    lphDialog: *mut HANDLE,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { dialog1_ex::<A>(lpConnDlgStruct, lphDialog) }
}

/// `WNetConnectionDialog1ExW`: as [`WNetConnectionDialog1ExA`], with UTF-16 strings.
///
/// # Safety
/// As for [`WNetConnectionDialog1ExA`].
#[no_mangle]
pub unsafe extern "C" fn WNetConnectionDialog1ExW(
    lpConnDlgStruct: *const CONNECTDLGSTRUCTW,
    lphDialog: *mut HANDLE,
) -> DWORD {
    // SAFETY: passed on under the same contract.
    unsafe { dialog1_ex::<W>(lpConnDlgStruct, lphDialog) }
}
