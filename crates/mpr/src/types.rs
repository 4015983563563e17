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

/// `dwScope`: the drives connected now.
pub const RESOURCE_CONNECTED: DWORD = 1;
/// `dwScope`: browsing the network: providers, servers, shares (`globalnet`).
pub const RESOURCE_GLOBALNET: DWORD = 2;
/// `dwScope`: the drives remembered in the profile.
pub const RESOURCE_REMEMBERED: DWORD = 3;
/// `dwScope`: the caller's network context: "Entire Network" and the servers of the
/// drives connected now.
pub const RESOURCE_CONTEXT: DWORD = 5;
/// `dwType`: any resource (here: disks).
pub const RESOURCETYPE_ANY: DWORD = 0;
/// `dwType`: disks (network drives).
pub const RESOURCETYPE_DISK: DWORD = 1;
/// `dwType`: printers (there are none).
pub const RESOURCETYPE_PRINT: DWORD = 2;
/// `dwDisplayType` of every enumerated drive: a share.
pub const RESOURCEDISPLAYTYPE_SHARE: DWORD = 3;
/// `dwDisplayType` of a server (`RESOURCE_CONTEXT`).
pub const RESOURCEDISPLAYTYPE_SERVER: DWORD = 2;
/// `dwDisplayType` of a provider's network (`RESOURCE_GLOBALNET`).
pub const RESOURCEDISPLAYTYPE_NETWORK: DWORD = 6;
/// `dwDisplayType` of "Entire Network" (`RESOURCE_CONTEXT`).
pub const RESOURCEDISPLAYTYPE_ROOT: DWORD = 7;
/// `dwUsage` of every enumerated drive: it can be connected.
pub const RESOURCEUSAGE_CONNECTABLE: DWORD = 1;
/// `dwUsage`: a container (a server, "Entire Network").
pub const RESOURCEUSAGE_CONTAINER: DWORD = 2;
/// `dwUsage` as `WNetOpenEnum` takes it: connectable, containers and attached.
pub const RESOURCEUSAGE_ALL: DWORD = 0x13;
/// `dwUsage`: reserved (set on "Entire Network", as Windows does).
pub const RESOURCEUSAGE_RESERVED: DWORD = 0x8000_0000;
/// Connect/cancel flag: also remember (or forget) the drive in the profile.
pub const CONNECT_UPDATE_PROFILE: DWORD = 0x1;
/// Connect flag: add to the recent connections: there is no such list; ignored.
pub const CONNECT_UPDATE_RECENT: DWORD = 0x2;
/// Connect flag: do not remember the drive, even with `CONNECT_UPDATE_PROFILE`.
pub const CONNECT_TEMPORARY: DWORD = 0x4;
/// Connect flag: accepted; no prompt is shown.
pub const CONNECT_INTERACTIVE: DWORD = 0x8;
/// Connect flag: accepted; no prompt is shown.
pub const CONNECT_PROMPT: DWORD = 0x10;
/// Connect flag: redirect a local device: no effect with a local name (as documented);
/// without one, `WNetAddConnection2` has no buffer to return a chosen name in, so the
/// connection is deviceless.
pub const CONNECT_REDIRECT: DWORD = 0x80;
/// Connect flag: do not start a new medium (dial-up): there is none; ignored.
pub const CONNECT_CURRENT_MEDIA: DWORD = 0x200;
/// Connect flag: prompt on the command line: no prompt is shown; ignored.
pub const CONNECT_COMMANDLINE: DWORD = 0x800;
/// Connect flag: save the credentials given (`ConnectRequest::remember_credentials`).
pub const CONNECT_CMD_SAVECRED: DWORD = 0x1000;
/// Connect flag: reset saved credentials before prompting: no prompt is shown; ignored.
pub const CONNECT_CRED_RESET: DWORD = 0x2000;
/// Connect flag: require signing: SMB `sign`, NFS `sec=krb5i`; SSHFS always has it;
/// rclone cannot promise it (`ERROR_NOT_SUPPORTED`).
pub const CONNECT_REQUIRE_INTEGRITY: DWORD = 0x4000;
/// Connect flag: require encryption: SMB `seal`, NFS `sec=krb5p`; SSHFS always has it;
/// rclone cannot promise it (`ERROR_NOT_SUPPORTED`).
pub const CONNECT_REQUIRE_PRIVACY: DWORD = 0x8000;
/// Connect flag: write through: SMB `cache=none`, NFS `sync`; SSHFS and rclone send
/// writes as they come (no write-back cache); ignored for them.
pub const CONNECT_WRITE_THROUGH_SEMANTICS: DWORD = 0x10000;
/// Connect flag: visible to every user: FUSE drives (SSHFS, rclone) get `allow_other`;
/// SMB and NFS mounts already are.
pub const CONNECT_GLOBAL_MAPPING: DWORD = 0x40000;
/// `DISCDLGSTRUCT` flag: also forget the drive in the profile.
pub const DISC_UPDATE_PROFILE: DWORD = 0x1;
/// `DISCDLGSTRUCT` flag: with open files, ask the person rather than force.
pub const DISC_NO_FORCE: DWORD = 0x40;
/// `WNetDialogWait` still waiting (Win32 `WAIT_TIMEOUT`).
pub const WAIT_TIMEOUT: DWORD = 258;
/// `WNetGetLastError` given a bad buffer (Win32 `ERROR_INVALID_ADDRESS`).
pub const ERROR_INVALID_ADDRESS: DWORD = 487;
/// Wait without a time limit.
pub const INFINITE: DWORD = 0xFFFF_FFFF;

/// Win32 `NETRESOURCEA`/`NETRESOURCEW`, laid out as on Windows.
#[repr(C)]
pub struct NetResource<U> {
    /// `RESOURCE_CONNECTED` or `RESOURCE_REMEMBERED`.
    pub dwScope: DWORD,
    /// `RESOURCETYPE_DISK` (or `ANY` when connecting).
    pub dwType: DWORD,
    /// `RESOURCEDISPLAYTYPE_SHARE`.
    pub dwDisplayType: DWORD,
    /// `RESOURCEUSAGE_CONNECTABLE`.
    pub dwUsage: DWORD,
    /// The local name: the folder the drive is mounted on.
    pub lpLocalName: *mut U,
    /// The remote name, `\\server\share` style.
    pub lpRemoteName: *mut U,
    /// Always NULL.
    pub lpComment: *mut U,
    /// The provider's name: "SSHFS", "rclone", "SMB", "NFS", ...
    pub lpProvider: *mut U,
}

/// Win32 `DISCDLGSTRUCTA`/`DISCDLGSTRUCTW`, laid out as on Windows.
#[repr(C)]
pub struct DiscDlgStruct<U> {
    /// `sizeof` the structure.
    pub cbStructure: DWORD,
    /// The owner window, or NULL.
    pub hwndOwner: HWND,
    /// The drive's local name (mount point), or NULL.
    pub lpLocalName: *mut U,
    /// The drive's remote name, or NULL.
    pub lpRemoteName: *mut U,
    /// `DISC_UPDATE_PROFILE`, `DISC_NO_FORCE`.
    pub dwFlags: DWORD,
}

/// Win32 `CONNECTDLGSTRUCTA`/`CONNECTDLGSTRUCTW`, laid out as on Windows.
#[repr(C)]
pub struct ConnectDlgStruct<U> {
    /// `sizeof` the structure.
    pub cbStructure: DWORD,
    /// The owner window, or NULL.
    pub hwndOwner: HWND,
    /// What to offer: `dwType` `RESOURCETYPE_DISK`, `lpRemoteName`, `lpLocalName`.
    pub lpConnRes: *mut NetResource<U>,
    /// `CONNDLG_*`.
    pub dwFlags: DWORD,
    /// On success: -1 (`0xFFFFFFFF`), as for a deviceless connection (folders have no number).
    pub dwDevNum: DWORD,
}

/// `CONNECTDLGSTRUCT` flag: the remote given is shown read-only.
pub const CONNDLG_RO_PATH: DWORD = 0x1;
/// `CONNECTDLGSTRUCT` flag: `lpLocalName` is a `MAX_PATH` buffer that receives the folder.
pub const CONNDLG_CONN_POINT: DWORD = 0x2;
/// `CONNECTDLGSTRUCT` flag: offer the recently used folders.
pub const CONNDLG_USE_MRU: DWORD = 0x4;
/// `CONNECTDLGSTRUCT` flag: no "Reconnect at sign-in" box.
pub const CONNDLG_HIDE_BOX: DWORD = 0x8;
/// `CONNECTDLGSTRUCT` flag: reconnect at sign-in (remember the drive).
pub const CONNDLG_PERSIST: DWORD = 0x10;
/// `CONNECTDLGSTRUCT` flag: do not reconnect at sign-in.
pub const CONNDLG_NOT_PERSIST: DWORD = 0x20;
/// Win32 `MAX_PATH`.
pub const MAX_PATH: usize = 260;

/// `CONNECTDLGSTRUCTA`: names as bytes (as in `NETRESOURCEA`).
pub type CONNECTDLGSTRUCTA = ConnectDlgStruct<c_char>;
/// `CONNECTDLGSTRUCTW`: UTF-16 strings.
pub type CONNECTDLGSTRUCTW = ConnectDlgStruct<u16>;

/// `NETRESOURCEA`: names as bytes, the provider's name and comment UTF-8.
pub type NETRESOURCEA = NetResource<c_char>;
/// `NETRESOURCEW`: UTF-16 strings.
pub type NETRESOURCEW = NetResource<u16>;
/// `DISCDLGSTRUCTA`: names as bytes.
pub type DISCDLGSTRUCTA = DiscDlgStruct<c_char>;
/// `DISCDLGSTRUCTW`: UTF-16 strings.
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
        assert_eq!(std::mem::size_of::<CONNECTDLGSTRUCTW>(), 32);
        assert_eq!(std::mem::offset_of!(CONNECTDLGSTRUCTW, lpConnRes), 16);
        assert_eq!(std::mem::offset_of!(CONNECTDLGSTRUCTW, dwFlags), 24);
        assert_eq!(std::mem::offset_of!(CONNECTDLGSTRUCTW, dwDevNum), 28);
    }
}
