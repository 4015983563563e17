//! Win32's types, constants and structures, laid out as on Windows (LP64, like Win64).

use std::os::raw::{c_char, c_void};

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
}
