//! Enumerating connections: `WNetOpenEnum`, `WNetEnumResource`, `WNetCloseEnum`.

use std::collections::HashMap;
use std::ffi::OsString;
use std::os::raw::c_void;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use netdrive::{Scope, Win32Error};

use crate::guard::{bad_handle, guard, invalid};
use crate::registry::{register, registry, Entry};
use crate::strings::{Enc, A, W};
use crate::structs::{pack_resources, EnumBuffer, EnumEntry, Packed};
use crate::types::{
    NetResource, DWORD, HANDLE, NETRESOURCEA, NETRESOURCEW, RESOURCEDISPLAYTYPE_ROOT,
    RESOURCEDISPLAYTYPE_SERVER, RESOURCEDISPLAYTYPE_SHARE, RESOURCETYPE_ANY, RESOURCETYPE_DISK,
    RESOURCETYPE_PRINT, RESOURCEUSAGE_CONNECTABLE, RESOURCEUSAGE_CONTAINER, RESOURCEUSAGE_RESERVED,
    RESOURCE_CONNECTED, RESOURCE_CONTEXT, RESOURCE_GLOBALNET, RESOURCE_REMEMBERED,
};

/// An open enumeration: what was listed at `WNetOpenEnum`, and how far the caller has read.
pub(crate) struct EnumState {
    items: Vec<Item>,
    next: usize,
}

/// One resource as the enumeration gives it out; `None` strings are NULL.
struct Item {
    scope: DWORD,
    ty: DWORD,
    display: DWORD,
    usage: DWORD,
    local: Option<OsString>,
    remote: Option<OsString>,
    comment: Option<OsString>,
    provider: Option<OsString>,
}

impl Item {
    fn drive(scope: DWORD, c: &netdrive::Connection) -> Item {
        Item {
            scope,
            ty: RESOURCETYPE_DISK,
            display: RESOURCEDISPLAYTYPE_SHARE,
            usage: RESOURCEUSAGE_CONNECTABLE,
            local: Some(c.local_name.clone()),
            remote: Some(c.remote_name.clone()),
            comment: None,
            provider: Some(c.provider.name().into()),
        }
    }

    fn entry(&self) -> EnumEntry<'_> {
        EnumEntry {
            scope: self.scope,
            ty: self.ty,
            display: self.display,
            usage: self.usage,
            strings: [&self.local, &self.remote, &self.comment, &self.provider].map(Option::as_deref),
        }
    }
}

/// `RESOURCE_CONTEXT`: "Entire Network" first, then the servers of the drives connected
/// now (the caller's network context), each once, as containers.
fn context(conns: &[netdrive::Connection]) -> Vec<Item> {
    // As Windows and Wine give it: no names, the comment "Entire Network".
    let mut items = vec![Item {
        scope: RESOURCE_GLOBALNET,
        ty: RESOURCETYPE_ANY,
        display: RESOURCEDISPLAYTYPE_ROOT,
        usage: RESOURCEUSAGE_CONTAINER | RESOURCEUSAGE_RESERVED,
        local: None,
        remote: None,
        comment: Some("Entire Network".into()),
        provider: None,
    }];
    let mut seen = std::collections::HashSet::new();
    for c in conns {
        let b = c.remote_name.as_bytes();
        let Some(rest) = b.strip_prefix(b"\\\\") else { continue };
        let host = &rest[..rest.iter().position(|&x| x == b'\\').unwrap_or(rest.len())];
        if host.is_empty() || !seen.insert(host.to_ascii_lowercase()) {
            continue;
        }
        let mut server = b"\\\\".to_vec();
        server.extend_from_slice(host);
        items.push(Item {
            scope: RESOURCE_GLOBALNET,
            ty: RESOURCETYPE_DISK,
            display: RESOURCEDISPLAYTYPE_SERVER,
            usage: RESOURCEUSAGE_CONTAINER,
            local: None,
            remote: Some(OsString::from_vec(server)),
            comment: None,
            provider: Some(c.provider.name().into()),
        });
    }
    items
}

unsafe fn open_enum<E: Enc>(
    scope: DWORD,
    ty: DWORD,
    usage: DWORD,
    start: *const NetResource<E::Unit>,
    out: *mut HANDLE,
) -> DWORD {
    guard(|| {
        if out.is_null() {
            return Err(invalid("lphEnum is NULL"));
        }
        // learn.microsoft.com, WNetOpenEnum, dwType: "a combination of" DISK and PRINT;
        // ANY "cannot be combined" with them (0 is ANY, so any other bit is unknown).
        if ty & !(RESOURCETYPE_DISK | RESOURCETYPE_PRINT) != 0 {
            return Err(invalid("unknown dwType"));
        }
        let disks = ty == RESOURCETYPE_ANY || ty & RESOURCETYPE_DISK != 0;
        let list_scope = match scope {
            RESOURCE_CONNECTED | RESOURCE_CONTEXT => Scope::Connected,
            RESOURCE_REMEMBERED => Scope::Remembered,
            // SAFETY: passed on under this function's contract.
            RESOURCE_GLOBALNET => return unsafe { crate::globalnet::open::<E>(ty, usage, start, out) },
            _ => return Err(invalid("unknown dwScope")),
        };
        // `start`: the docs say lpNetResource "must be NULL" unless RESOURCE_GLOBALNET;
        // Windows does not fail when it is not (Wine's WNetOpenEnumW notes it, and ignores
        // it): ignored, as there.
        let conns = if disks || scope == RESOURCE_CONTEXT { netdrive::list(list_scope)? } else { Vec::new() };
        let items = match scope {
            RESOURCE_CONTEXT => context(&conns),
            _ if disks => conns.iter().map(|c| Item::drive(scope, c)).collect(),
            // Printers: there are none.
            _ => Vec::new(),
        };
        let h = register(Entry::Enum(EnumState { items, next: 0 }));
        // SAFETY: checked non-NULL; the caller promises it is writable (at any alignment).
        unsafe { out.write_unaligned(h) };
        Ok(0)
    })
}

/// `WNetOpenEnumA(dwScope, dwType, dwUsage, lpNetResource, lphEnum)`:
/// `RESOURCE_CONNECTED`, `RESOURCE_REMEMBERED` or `RESOURCE_CONTEXT` ("Entire Network" and
/// the servers of the connected drives, as containers); `RESOURCETYPE_ANY`, `DISK`,
/// `PRINT` or `DISK | PRINT` (there are no printers). `lpNetResource` is ignored for these
/// scopes, as Windows does. Drive names are the file system's bytes (see `strings`).
///
/// # Safety
/// `lphEnum` is NULL or writable; `lpNetResource` is not read.
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
        // SAFETY: passed on under this function's contract.
        if let Some(browsed) = unsafe { crate::globalnet::enum_resource::<E>(h, count, buf, size) } {
            return browsed;
        }
        // SAFETY: passed on under this function's contract.
        let out = unsafe { EnumBuffer::new(count, buf, size)? };
        let mut reg = registry();
        let Some(Entry::Enum(st)) = reg.as_mut().and_then(|r| r.get_mut(&(h as usize))) else {
            return Err(bad_handle());
        };
        if st.next >= st.items.len() {
            return Ok(Win32Error::ERROR_NO_MORE_ITEMS.0);
        }
        let entries: Vec<EnumEntry> = st.items[st.next..].iter().map(Item::entry).collect();
        // SAFETY: `out` was just made under this function's contract.
        let packed = unsafe { pack_resources::<E>(&out, &entries)? };
        if let Packed::Entries(n) = packed {
            st.next += n;
        }
        Ok(packed.code())
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
            Some(e) if matches!(e, Entry::Enum(_)) || crate::globalnet::is_browse(e) => {
                map.remove(&(hEnum as usize));
                Ok(0)
            }
            _ => Err(bad_handle()),
        }
    })
}
