//! Enumerating connections: `WNetOpenEnum`, `WNetEnumResource`, `WNetCloseEnum`.

use std::collections::HashMap;
use std::os::raw::c_void;

use netdrive::{Scope, Win32Error};

use crate::guard::{bad_handle, guard, invalid};
use crate::registry::{register, registry, Entry};
use crate::strings::{write_str, Enc, A, W};
use crate::types::{
    NetResource, DWORD, HANDLE, NETRESOURCEA, NETRESOURCEW, RESOURCEDISPLAYTYPE_SHARE, RESOURCETYPE_ANY,
    RESOURCETYPE_DISK, RESOURCETYPE_PRINT, RESOURCEUSAGE_CONNECTABLE, RESOURCE_CONNECTED, RESOURCE_GLOBALNET,
    RESOURCE_REMEMBERED,
};

/// An open enumeration: what was listed at `WNetOpenEnum`, and how far the caller has read.
pub(crate) struct EnumState {
    scope: DWORD,
    items: Vec<Item>,
    next: usize,
}

/// One connection as the enumeration gives it out.
struct Item {
    local: String,
    remote: String,
    provider: String,
}

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
            // SAFETY: passed on under this function's contract.
            RESOURCE_GLOBALNET => return unsafe { crate::globalnet::open::<E>(ty, _usage, start, out) },
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
        // SAFETY: checked non-NULL; the caller promises it is writable (at any alignment).
        unsafe { out.write_unaligned(h) };
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
        // SAFETY: passed on under this function's contract.
        if let Some(browsed) = unsafe { crate::globalnet::enum_resource::<E>(h, count, buf, size) } {
            return browsed;
        }
        if count.is_null() || size.is_null() {
            return Err(invalid("lpcCount or lpBufferSize is NULL"));
        }
        // SAFETY: checked non-NULL; the caller promises they are readable (at any alignment).
        let (want, cap) = unsafe { (count.read_unaligned(), size.read_unaligned() as usize) };
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
            // SAFETY: checked non-NULL; written without assuming alignment.
            unsafe { size.write_unaligned(DWORD::try_from(needed).unwrap_or(DWORD::MAX)) };
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
        // SAFETY: checked non-NULL; written without assuming alignment.
        unsafe { count.write_unaligned(n as DWORD) };
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
            Some(e) if matches!(e, Entry::Enum(_)) || crate::globalnet::is_browse(e) => {
                map.remove(&(hEnum as usize));
                Ok(0)
            }
            _ => Err(bad_handle()),
        }
    })
}
